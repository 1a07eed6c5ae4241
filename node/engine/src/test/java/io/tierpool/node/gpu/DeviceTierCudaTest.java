/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import io.tierpool.client.GpuInfo;

import io.tierpool.node.tier.Tier;
import io.tierpool.client.TierKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DEVICE tier on a real GPU: blocks written through the pinned staging buffers read back equal, in one
 * chunk and in many; locations, device pointers, capacity and bad calls. Skipped (assumption) without a GPU.
 */
@Tag("gpu")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeviceTierCudaTest
{
    @Test
    void shouldReadBackWhatWasWrittenInOneChunkAndInMany()
    {
        final GpuInfo gpu = GpuTestSupport.assumeGpu();
        try (DevicePool pool = new DevicePool(new CudaDeviceMemory(gpu), new DevicePool.Context());
            DeviceTier tier = new DeviceTier(pool, new DeviceTier.Context().stagingBytes(64 * 1024)))
        {
            assertEquals(TierKind.DEVICE, tier.kind());
            final int[] sizes = {1, 255, 4096, 64 * 1024, 64 * 1024 + 1, 1 << 20, 3 * (1 << 20) + 17};
            final long[] locations = new long[sizes.length];
            final byte[][] data = new byte[sizes.length][];
            for (int i = 0; i < sizes.length; i++)
            {
                data[i] = new byte[sizes[i]];
                for (int j = 0; j < sizes[i]; j++)
                {
                    data[i][j] = (byte)(j * 7 + i);
                }
                locations[i] = tier.write(i + 1, new UnsafeBuffer(data[i]), 0, sizes[i], 0);
                assertTrue(locations[i] >= 0, "block " + (i + 1) + " stored");
                assertEquals(locations[i], tier.devicePointer(i + 1, locations[i]));
                assertEquals(locations[i], tier.devicePointer(locations[i]));
            }
            assertEquals(sizes.length, tier.blockCount());

            for (int i = sizes.length - 1; i >= 0; i--)
            {
                final UnsafeBuffer dst = new UnsafeBuffer(ByteBuffer.allocateDirect(sizes[i] + 8));
                tier.read(i + 1, locations[i], dst, 8, sizes[i]);
                final byte[] actual = new byte[sizes[i]];
                dst.getBytes(8, actual);
                assertArrayEquals(data[i], actual, "block " + (i + 1) + " of " + sizes[i] + " bytes");
            }

            for (int i = 0; i < sizes.length; i++)
            {
                tier.free(i + 1, locations[i]);
            }
            assertEquals(0, tier.blockCount());
            assertEquals(0, tier.usedBytes());
            assertEquals(0, pool.inUseBytes());
        }
    }

    @Test
    void shouldSayNoSpacePastItsCapacityAndRejectBadLocations()
    {
        final GpuInfo gpu = GpuTestSupport.assumeGpu();
        try (DevicePool pool = new DevicePool(new CudaDeviceMemory(gpu), new DevicePool.Context());
            DeviceTier tier = new DeviceTier(pool, new DeviceTier.Context().capacityBytes(128 * 1024)))
        {
            final UnsafeBuffer src = new UnsafeBuffer(new byte[100_000]);
            final long first = tier.write(1, src, 0, 100_000, 0);
            assertTrue(first >= 0);
            assertEquals(Tier.NO_SPACE, tier.write(2, src, 0, 100_000, 0), "a second 128 KiB class does not fit");
            assertEquals(1, tier.blockCount());

            final IllegalStateException wrongBlock = assertThrows(IllegalStateException.class,
                () -> tier.read(99, first, new UnsafeBuffer(new byte[10]), 0, 10));
            assertTrue(wrongBlock.getMessage().contains("block 1 is stored there"), wrongBlock.getMessage());
            assertThrows(IllegalStateException.class, () -> tier.free(1, first + 256));
            assertThrows(IllegalStateException.class, () -> tier.devicePointer(first + 256));
            assertThrows(IllegalArgumentException.class, () -> tier.write(0, src, 0, 10, 0));
            tier.free(1, first);
        }
    }
}
