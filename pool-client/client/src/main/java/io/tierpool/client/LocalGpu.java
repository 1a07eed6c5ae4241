/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.node.gpu.CudaDeviceMemory;
import io.tierpool.node.gpu.DevicePool;
import io.tierpool.node.gpu.DeviceTier;
import io.tierpool.client.GpuInfo;
import io.tierpool.node.tier.DeviceResidentTier;
import org.agrona.CloseHelper;

/**
 * The GPU resources of a {@link TierPool} opened with {@link TierPool.Context#gpu(boolean) gpu(true)} on a machine
 * where the probe found a usable GPU: a {@link DevicePool} over {@code cudaMalloc} and the {@link DeviceTier} the
 * pool's block store places {@link io.tierpool.client.Hint#DEVICE} blocks in. Kept in a class of its own so that
 * the pool touches no CUDA class where no GPU is used. Owned by the pool: closed after its block store (the tier,
 * then the device pool). Not thread-safe; opened and closed once.
 */
final class LocalGpu implements AutoCloseable
{
    private final DevicePool pool;
    private final DeviceTier tier;

    private LocalGpu(final DevicePool pool, final DeviceTier tier)
    {
        this.pool = pool;
        this.tier = tier;
    }

    /**
     * @param gpu           the probed GPU; {@link GpuInfo#available()}.
     * @param poolFraction  fraction of the device's memory the device pool may hold, (0, 1].
     * @param lowWatermark  the pool's low watermark, as the store's.
     * @param highWatermark the pool's high watermark, as the store's.
     * @return the opened resources.
     * @throws io.tierpool.node.gpu.CudaException if the tier's stream, events or pinned buffers cannot be created
     *                                            (nothing is left allocated).
     */
    static LocalGpu open(
        final GpuInfo gpu, final double poolFraction, final double lowWatermark, final double highWatermark)
    {
        final DevicePool pool = new DevicePool(new CudaDeviceMemory(gpu), new DevicePool.Context()
            .memoryFraction(poolFraction)
            .lowWatermark(lowWatermark)
            .highWatermark(highWatermark));
        try
        {
            return new LocalGpu(pool, new DeviceTier(pool, new DeviceTier.Context()));
        }
        catch (final RuntimeException | Error ex)
        {
            CloseHelper.quietClose(pool);
            throw ex;
        }
    }

    DeviceResidentTier tier()
    {
        return tier;
    }

    DevicePool pool()
    {
        return pool;
    }

    /**
     * Closes the DEVICE tier, then the device pool (returning its memory to the driver). Call after the block
     * store has closed.
     */
    public void close()
    {
        CloseHelper.closeAll(tier, pool);
    }
}
