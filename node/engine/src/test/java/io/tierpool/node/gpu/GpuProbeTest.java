/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import io.tierpool.client.GpuInfo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Probing never throws: with a GPU it describes the device, without one it says why, and disabled it does not
 * load CUDA at all.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GpuProbeTest
{
    @Test
    void shouldReportNoGpuWithAReasonWithoutThrowingWhereThereIsNone()
    {
        final GpuInfo gpu = GpuProbe.probe(true);
        assumeFalse(gpu.available(), "this machine has a GPU: " + gpu.describe());

        assertFalse(gpu.reason().isBlank());
        assertFalse(GpuInfo.OK.equals(gpu.reason()));
        assertEquals(-1, gpu.device());
        assertEquals(0, gpu.totalBytes());
        assertEquals("none", gpu.computeCapability());
        assertEquals("no GPU: " + gpu.reason(), gpu.describe());
    }

    @Test
    void shouldDescribeTheDeviceWhereThereIsOne()
    {
        final GpuInfo gpu = GpuTestSupport.assumeGpu();
        assertEquals(GpuInfo.OK, gpu.reason());
        assertTrue(gpu.deviceCount() >= 1);
        assertEquals(0, gpu.device());
        assertFalse(gpu.name().isBlank());
        assertTrue(gpu.computeMajor() >= 3);
        assertTrue(gpu.totalBytes() > 0);
        assertTrue(gpu.freeBytes() > 0 && gpu.freeBytes() <= gpu.totalBytes());
        assertTrue(gpu.describe().contains(gpu.name()));
        System.out.println("GpuProbeTest: " + gpu.describe());
    }

    @Test
    void shouldNotProbeWhenDisabled()
    {
        final GpuInfo gpu = GpuProbe.probe(false);
        assertFalse(gpu.available());
        assertEquals(GpuProbe.DISABLED_REASON, gpu.reason());
        assertTrue(gpu.describe().contains("gpu.enabled = false"));
    }

    @Test
    void shouldProbeOncePerJvm()
    {
        final GpuInfo first = GpuProbe.shared(true);
        assertSame(first, GpuProbe.shared(true));
        assertSame(first, GpuProbe.shared(false), "only the first call's setting counts");
        assertEquals(GpuProbe.probe(true).available(), first.available());
    }
}
