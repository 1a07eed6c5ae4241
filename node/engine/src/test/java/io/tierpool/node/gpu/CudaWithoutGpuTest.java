/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import io.tierpool.client.GpuInfo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On a machine where the CUDA runtime loads but finds no driver (the probe says {@code cudaGetDeviceCount failed}),
 * the real CUDA calls behind every buffer, stream and event fail with a {@link CudaException} that names the call,
 * the object and the CUDA error, instead of crashing. Skipped where there is a GPU or JCuda cannot load at all.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CudaWithoutGpuTest
{
    /** Where JCuda extracts its runtime library the first time it loads; removed again if this test made it. */
    private static final Path EXTRACTED_RUNTIME =
        Path.of(System.getProperty("java.io.tmpdir"), "libJCudaRuntime-12.6.0-linux-x86_64.so");
    private static boolean extractedBefore;

    @BeforeAll
    static void noteExtractedRuntime()
    {
        extractedBefore = Files.exists(EXTRACTED_RUNTIME);
    }

    @AfterAll
    static void removeExtractedRuntime() throws IOException
    {
        if (!extractedBefore)
        {
            Files.deleteIfExists(EXTRACTED_RUNTIME);
        }
    }

    @Test
    void shouldFailEveryAllocationWithANamedCudaError()
    {
        final GpuInfo gpu = GpuProbe.probeRuntime();
        assumeTrue(!gpu.available() && gpu.reason().startsWith("cudaGetDeviceCount failed"),
            () -> "needs a CUDA runtime without a driver; here: " + gpu.describe());

        assertCudaError(() -> DeviceBuffer.allocate("no-driver device", 4096), "cudaMalloc", "no-driver device");
        assertCudaError(() -> new PinnedBuffer("no-driver pinned", 4096), "cudaHostAlloc", "no-driver pinned");
        assertCudaError(() -> new CudaStream("no-driver stream"), "cudaStreamCreateWithFlags", "no-driver stream");
        assertCudaError(() -> new CudaEvent("no-driver event", true), "cudaEventCreateWithFlags", "no-driver event");
    }

    @Test
    void shouldRefuseToBuildOnAGpuThatIsNotAvailable()
    {
        final GpuInfo none = GpuInfo.unavailable("no driver here");
        final IllegalArgumentException memory = assertThrows(IllegalArgumentException.class,
            () -> new CudaDeviceMemory(none));
        assertTrue(memory.getMessage().contains("no CUDA device: no driver here"), memory.getMessage());
        final IllegalArgumentException unified = assertThrows(IllegalArgumentException.class,
            () -> UnifiedBuffer.allocate(none, "u", 1024));
        assertTrue(unified.getMessage().contains("no CUDA device: no driver here"), unified.getMessage());
    }

    private static void assertCudaError(final Executable call, final String function, final String name)
    {
        final CudaException ex = assertThrows(CudaException.class, call);
        assertTrue(ex.getMessage().contains(function), ex.getMessage());
        assertTrue(ex.getMessage().contains(name), ex.getMessage());
        assertTrue(ex.getMessage().contains("cudaError"), ex.getMessage());
        assertTrue(ex.error() != 0, ex.getMessage());
    }
}
