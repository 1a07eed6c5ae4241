/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import io.tierpool.client.GpuInfo;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * For tests tagged {@code gpu}: skips the test (a JUnit assumption, not a failure) where no CUDA GPU is usable.
 */
final class GpuTestSupport
{
    private GpuTestSupport()
    {
    }

    /**
     * @return the probed GPU.
     * @throws org.opentest4j.TestAbortedException (skipping the test) when there is none.
     */
    static GpuInfo assumeGpu()
    {
        final GpuInfo gpu = GpuProbe.shared(true);
        assumeTrue(gpu.available(), () -> "skipped: " + gpu.describe());
        return gpu;
    }
}
