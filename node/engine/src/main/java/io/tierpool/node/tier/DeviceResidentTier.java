/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier;

import io.tierpool.client.TierKind;

import io.tierpool.node.engine.StoreContext;
/**
 * A tier whose blocks live in accelerator (GPU) memory, of kind {@link TierKind#DEVICE}: besides storing copies
 * as every {@link Tier} does, it hands out the device address of a stored block so that kernels and libraries
 * (cuBLAS) can use the block in place. The block engine takes one through
 * {@code StoreContext.deviceTier(DeviceResidentTier)} and gives the address out only while the block is
 * pinned on the device ({@code BlockStore.pinOnDevice(long)}), so that it does not move meanwhile.
 * <p>
 * The CUDA implementation is {@code io.tierpool.node.gpu.DeviceTier}; this interface keeps the engine free of
 * any CUDA dependency. <b>Threading</b> and <b>ownership</b> are as for {@link Tier}: the engine calls it under
 * its own locks, and whoever opened the tier closes it.
 * <p>
 * <b>Copies apart by location.</b> Unlike an extra tier that does not say {@link #concurrentIo()}, a DEVICE tier must
 * keep several copies of one block id apart by location (its device address, fresh for every live copy): the engine
 * writes a block's new copy into it, and reads one out of it, without its engine lock (under the tier's own I/O
 * lock), may abandon such a copy, and names one copy by location in every read and free.
 */
public interface DeviceResidentTier extends Tier
{
    /**
     * The device address of a stored block, for kernels and library calls. Valid until the block's copy at that
     * location is freed (the engine frees it when the block moves or is freed).
     *
     * @param blockId  the block, as given to {@link #write}.
     * @param location the location {@link #write} returned.
     * @return the device address of the block's first byte.
     * @throws IllegalStateException if the tier holds no such block at that location, or is closed.
     */
    long devicePointer(long blockId, long location);
}
