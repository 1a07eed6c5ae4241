/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.Hint;
import io.tierpool.node.gpu.GpuProbe;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link TierPool.Context#gpu(boolean)} and {@link Block#pinOnDevice()} as a pool's user reaches them. Without a
 * GPU (every CI machine) the pool runs without a DEVICE tier and says why; on a GPU machine the test tagged
 * {@code gpu} places a block in device memory and reads it back.
 */
@Timeout(60)
class PoolGpuOptionTest
{
    private static final int BLOCK = 64 * 1024;

    @TempDir
    Path dir;

    private TierPool.Context context()
    {
        return new TierPool.Context()
            .ramCapacityBytes(1024 * 1024)
            .vvramCapacityBytes(0)
            .vssdCapacityBytes(1024 * 1024)
            .vvramDir(dir)
            .vssdDir(dir);
    }

    @Test
    void shouldRunWithoutDeviceTierByDefaultAndSayWhy()
    {
        try (TierPool pool = TierPool.open(context()))
        {
            assertFalse(pool.context().gpu());
            assertFalse(pool.hasDeviceTier());
            assertFalse(pool.gpu().available());
            assertEquals(GpuProbe.DISABLED_REASON, pool.gpu().reason());
            final byte[] data = new byte[BLOCK];
            new Random(1).nextBytes(data);
            try (Block block = pool.allocate(BLOCK, Hint.DEVICE))
            {
                assertEquals(TierKind.RAM, block.tier(), "Hint.DEVICE is HOT without a DEVICE tier");
                block.write(0, data);
                final byte[] back = new byte[BLOCK];
                block.read(0, back);
                assertArrayEquals(data, back);
                final IllegalStateException noDevice = assertThrows(IllegalStateException.class, block::pinOnDevice);
                assertTrue(noDevice.getMessage().contains("gpu.enabled=false"), noDevice.getMessage());
            }
            assertTrue(pool.stats().engineTiers().stream().noneMatch((tier) -> tier.kind() == TierKind.DEVICE));
            assertEquals(TierKind.RAM, pool.stats().tiers().get(0).kind());
        }
    }

    @Test
    void shouldProbeAndRunWithoutDeviceTierWhereNoGpuIsFound()
    {
        assumeFalse(GpuProbe.shared(true).available(), "a GPU is present: covered by the gpu-tagged test");
        try (TierPool pool = TierPool.open(context().gpu(true)))
        {
            assertFalse(pool.hasDeviceTier());
            try (Block block = pool.allocate(BLOCK, Hint.DEVICE))
            {
                final IllegalStateException noDevice = assertThrows(IllegalStateException.class, block::pinOnDevice);
                assertTrue(noDevice.getMessage().contains("no GPU was found"), noDevice.getMessage());
                assertTrue(noDevice.getMessage().contains(pool.gpu().reason()), noDevice.getMessage());
            }
        }
    }

    @Test
    void shouldRejectBadPoolFraction()
    {
        final ConfigurationException bad = assertThrows(ConfigurationException.class,
            () -> TierPool.open(context().gpu(true).gpuPoolFraction(1.5)));
        assertTrue(bad.getMessage().contains("gpuPoolFraction"), bad.getMessage());
    }

    @Test
    @org.junit.jupiter.api.Tag("gpu")
    void shouldKeepDeviceBlocksInGpuMemory()
    {
        assumeTrue(GpuProbe.shared(true).available(), "no GPU: " + GpuProbe.shared(true).reason());
        try (TierPool pool = TierPool.open(context().gpu(true)))
        {
            assertTrue(pool.hasDeviceTier());
            final byte[] data = new byte[BLOCK];
            new Random(2).nextBytes(data);
            try (Block block = pool.allocate(BLOCK, Hint.DEVICE))
            {
                assertEquals(TierKind.DEVICE, block.tier());
                block.write(0, data);
                try (DevicePinnedBlock view = block.pinOnDevice())
                {
                    assertTrue(view.devicePointer() != 0);
                    assertEquals(BLOCK, view.sizeBytes());
                }
                block.moveTo(TierKind.RAM);
                try (DevicePinnedBlock view = block.pinOnDevice())
                {
                    assertEquals(TierKind.DEVICE, block.tier(), "a device access brings the block back");
                }
                final byte[] back = new byte[BLOCK];
                block.read(0, back);
                assertArrayEquals(data, back);
            }
        }
    }
}
