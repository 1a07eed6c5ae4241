/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.StoreStats;

import io.tierpool.client.Hint;
import io.tierpool.node.tier.DeviceResidentTier;
import io.tierpool.node.tier.Tier;

/**
 * The engine's DEVICE tier part: places blocks in GPU memory, moves a block there for
 * {@link BlockStore#pinOnDevice(long)} (demoting the tier's coldest movable blocks to make room) and refuses host
 * writes to blocks pinned on the device.
 * <p>
 * <b>Owns</b> nothing but the code: the DEVICE tier's slot, the block table and the open device pins belong to
 * {@link BlockStore}.
 * <p>
 * <b>Threading.</b> Called under the engine lock; the DEVICE tier is not {@link io.tierpool.node.tier.Tier#concurrentIo()
 * concurrent}, so its I/O is made under its slot's I/O lock (lock order: engine lock, then I/O lock).
 */
final class DeviceSupport
{
    private final BlockStore store;

    DeviceSupport(final BlockStore store)
    {
        this.store = store;
    }

    /**
     * {@link Hint#DEVICE}: a zero-filled block in the DEVICE tier if it takes it under its hard cap now, without
     * demoting others (the mover keeps room there); false, counted in {@link StoreStats#deviceFallbacks()}, where
     * the store has a DEVICE tier that cannot take it. Without a DEVICE tier, false and not counted.
     */
    boolean placeInDevice(final BlockEntry entry)
    {
        if (store.deviceIndex < 0)
        {
            return false;
        }
        if (store.placement.placeBelow(entry, store.deviceIndex, store.deviceIndex + 1))
        {
            return true;
        }
        store.counters.deviceFallbacks++;
        return false;
    }

    /**
     * Brings a movable block into the DEVICE tier if it is not there, demoting the DEVICE tier's coldest movable
     * blocks (to RAM, cascading down) until it fits under the tier's hard cap. The block is kept out of its
     * tier's lists meanwhile so that the cascade never picks it. Returns false, leaving the block where it is,
     * if the DEVICE tier cannot hold it.
     */
    boolean promoteToDevice(final BlockEntry entry)
    {
        store.promoter.awaitSettled(entry);
        final TierSlot target = store.slots[store.deviceIndex];
        if (entry.tier == store.deviceIndex)
        {
            target.touch(entry);
            return true;
        }
        if (entry.size > target.hardCapBytes())
        {
            return false;
        }
        final int from = entry.tier;
        final TierSlot source = store.slots[from];
        final int crc;
        if (from == store.ramIndex)
        {
            store.ram.wrap(entry.location, entry.size, store.victimView);
            crc = entry.crcStale ? store.staging.checksum(store.victimView, entry.size) : entry.crc32c;
        }
        else
        {
            store.staging.stageVerified(entry);
            crc = entry.crc32c;
        }
        source.unlink(entry);
        try
        {
            long location = store.relocator.writeCopy(entry, from, store.deviceIndex, crc);
            while (location == Tier.NO_SPACE && store.relocator.demoteOne(store.deviceIndex))
            {
                location = store.relocator.writeCopy(entry, from, store.deviceIndex, crc);
            }
            if (location == Tier.NO_SPACE)
            {
                source.link(entry);
                return false;
            }
            store.relocator.commitMove(entry, from, store.deviceIndex, location, crc);
            return true;
        }
        catch (final RuntimeException | Error ex)
        {
            if (entry.list == null && entry.tier == from)
            {
                source.link(entry);
            }
            throw ex;
        }
        finally
        {
            store.staging.releaseIfLarge();
        }
    }

    void checkNotPinnedOnDevice(final BlockEntry entry, final String action)
    {
        if (entry.tier == store.deviceIndex && entry.pinCount > 0)
        {
            throw new IllegalStateException("cannot " + action + ": block " + entry.id + " on node " + store.nodeName +
                " is pinned on the device (" + entry.pinCount + " open StoreDevicePinnedBlock views) and must stay at " +
                "its device address; close the views first");
        }
    }

    DeviceResidentTier device()
    {
        return (DeviceResidentTier)store.slots[store.deviceIndex].tier;
    }
}
