/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.StoreStats;

import io.tierpool.client.BlockFreedException;
import io.tierpool.client.Hint;
import io.tierpool.node.tier.DeviceResidentTier;

/**
 * The engine's DEVICE tier part: places blocks in GPU memory, moves a block there for
 * {@link BlockStore#pinOnDevice(long)} (demoting the tier's coldest movable blocks to make room) and refuses host
 * writes to blocks pinned on the device.
 * <p>
 * <b>Owns</b> nothing but the code: the DEVICE tier's slot, the block table and the open device pins belong to
 * {@link BlockStore}.
 * <p>
 * <b>Threading.</b> Called under the engine lock; the DEVICE tier is not {@link io.tierpool.node.tier.Tier#concurrentIo()
 * concurrent}, so its I/O is made under its slot's I/O lock (lock order: engine lock, then I/O lock). It keeps
 * copies apart by location (a copy's location is its device address), so moves into it and the demotions out of it
 * that make room follow the move protocol, without the engine lock, where the lock is held once.
 * {@link #writeWithRoom} is called without the engine lock (a host write rewriting a block there) and takes it for
 * each demotion it makes.
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
     * blocks (to RAM, cascading down) until it fits under the tier's hard cap. Returns false, leaving the block where
     * it is, if the DEVICE tier cannot hold it.
     * <p>
     * With the move protocol ({@link Relocator#moveUnlocked}) where the lock is held once and the block lies in RAM
     * or a tier that keeps copies apart by location: its copy is written to the device, and the blocks demoted to make
     * room there are read from it, without the engine lock; the block is switched over only if unchanged, else
     * this tries again (under the lock after {@link Relocator#MAX_UNLOCKED_MOVE_ATTEMPTS} abandoned tries in a row).
     * Otherwise under the lock ({@link Relocator#relocateLocked}).
     *
     * @throws BlockFreedException   if the block was freed while its copy was written.
     * @throws IllegalStateException if it was pinned in RAM meanwhile, or the store closed.
     */
    boolean promoteToDevice(final BlockEntry entry)
    {
        final int device = store.deviceIndex;
        int changedMoves = 0;
        while (true)
        {
            store.relocator.awaitNoMove(entry);
            final TierSlot target = store.slots[device];
            if (entry.tier == device)
            {
                target.touch(entry);
                return true;
            }
            if (entry.size > target.hardCapBytes())
            {
                return false;
            }
            final int from = entry.tier;
            if (changedMoves >= Relocator.MAX_UNLOCKED_MOVE_ATTEMPTS || !store.relocator.canMoveUnlocked(from, device))
            {
                return store.relocator.relocateLocked(entry, device);
            }
            final int result = store.relocator.moveUnlocked(entry, from, device);
            if (result == Relocator.MOVE_DONE)
            {
                return true;
            }
            if (result == Relocator.MOVE_CHANGED)
            {
                changedMoves++;
                if (store.blocks.get(entry.id) != entry)
                {
                    throw new BlockFreedException(entry.id, store.nodeName);
                }
                if (!entry.isMovable())
                {
                    throw new IllegalStateException("cannot move block " + entry.id + " on node " + store.nodeName +
                        " to the device: it was pinned in RAM meanwhile (" + entry.pinCount + " open " +
                        "StorePinnedBlock views); close them first");
                }
            }
            else if (result == Relocator.MOVE_NO_SPACE && !store.relocator.demoteOne(device, true))
            {
                return false;
            }
        }
    }

    /**
     * Writes the rewritten copy of a block that lies in the DEVICE tier ({@link BlockAccess#accessInPlace}) there,
     * next to its old copy: where the tier has no room under its hard cap, demotes its coldest movable blocks with
     * the move protocol ({@link Relocator#demoteOne(int, boolean)}, taking the engine lock for each choice and
     * releasing it while the copy moves) and tries again, until the copy fits or nothing can move. Called without
     * the engine lock by the thread that marked the block {@link BlockEntry.State#PROMOTING} (out of the tier's
     * lists: no demotion picks it, and no other copy of it is made meanwhile); the device is written under its
     * slot's I/O lock.
     *
     * @param entry the block being rewritten.
     * @param bytes its new bytes, {@code entry.size} of them.
     * @param crc   their checksum.
     * @return the new copy's location in the DEVICE tier, or {@link io.tierpool.node.tier.Tier#NO_SPACE}.
     */
    long writeWithRoom(final BlockEntry entry, final org.agrona.DirectBuffer bytes, final int crc)
    {
        final TierSlot slot = store.slots[store.deviceIndex];
        long location = slot.write(entry.id, bytes, entry.size, crc);
        while (location == io.tierpool.node.tier.Tier.NO_SPACE && entry.size <= slot.hardCapBytes())
        {
            final boolean demoted;
            store.lock.lock();
            try
            {
                demoted = !store.closed && store.relocator.demoteOne(store.deviceIndex, true);
            }
            finally
            {
                store.unlockAndNotify();
            }
            if (!demoted)
            {
                break;
            }
            location = slot.write(entry.id, bytes, entry.size, crc);
        }
        return location;
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
