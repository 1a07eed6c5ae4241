/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.node.tier.Tier;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The engine's move protocol part, the mover's half: demotes a tier's coldest blocks (one, or a batch of small
 * ones bound for the same tier) and drains retained copies when a tier needs room.
 * <p>
 * <b>Owns</b> nothing but the code: the mover's {@link IoScratch}, the tier slots' pending bytes and the block table
 * belong to {@link BlockStore}.
 * <p>
 * <b>Threading.</b> Called by the {@link Mover} and its {@link IoWorkers} (or an inline caller). Under the engine
 * lock it chooses the blocks, marks them {@link BlockEntry.State#DEMOTING} and stages them; without the lock it takes
 * missing checksums and writes them to the slower tier in one call ({@link io.tierpool.node.tier.Tier#writeBatch});
 * under the lock it commits each block whose entry, state, tier, location and version are unchanged, else frees the
 * new copy. Moves into a tier that is not concurrent are made under the lock; a cascade uses the same protocol
 * ({@link Relocator#demoteOne(int, boolean)}).
 */
final class MoveProtocol
{
    /** {@link #firstTierWithRoom}: retained copies were dropped for room, freed once the lock is released. */
    static final int COPIES_DROPPED = -2;

    private final BlockStore store;

    MoveProtocol(final BlockStore store)
    {
        this.store = store;
    }

    /**
     * Moves the coldest movable blocks out of a tier if the tier is above its drain target (soft cap times
     * lowWatermark / highWatermark), as one batch when they are small.
     *
     * @param tierIndex the tier.
     * @param scratch   the calling thread's own working memory.
     * @return the number of blocks moved (1 or more), {@link BlockStore#DEMOTE_DONE} (at or below the drain target, counting
     * moves in flight, or store closed) or {@link BlockStore#DEMOTE_STUCK} (nothing could move).
     */
    int demoteStep(final int tierIndex, final IoScratch scratch)
    {
        return demoteStep(tierIndex, false, scratch);
    }

    /**
     * @return true if the tier is above its drain target once the moves now in flight out of it land.
     */
    boolean needsDrain(final int tierIndex)
    {
        store.lock.lock();
        try
        {
            final TierSlot slot = store.slots[tierIndex];
            return !store.closed && (slot.tier.usedBytes() - slot.pendingOutBytes > slot.drainTargetBytes() ||
                store.placement.roomWanted(tierIndex));
        }
        finally
        {
            store.lock.unlock();
        }
    }

    /**
     * One demotion out of a tier: under the engine lock it picks the coldest movable block and, when that block is
     * small ({@link StoreContext#demotionBatchBlockBytes()}), more of the tier's coldest small blocks bound for the same
     * tier (up to {@link StoreContext#demotionBatchBytes()} in all, and no further than the drain target), and copies
     * them into the scratch staging buffer laid out as {@link Tier#writeBatch} wants; without the lock it takes
     * the checksums of blocks written since theirs was last taken and writes the batch to the slower tier in one
     * call; under the lock again it switches over each block that nothing changed meanwhile.
     *
     * @param force demote one block even if the tier is at or below its drain target (to make room for a
     *              prefetch).
     */
    int demoteStep(final int tierIndex, final boolean force, final IoScratch scratch)
    {
        final BlockEntry[] victims = scratch.victims;
        final int[] offsets = scratch.offsets;
        final int[] lengths = scratch.lengths;
        final int target;
        int count = 0;
        long pendingBytes = 0;
        long pendingAdded = 0;
        final UnsafeBuffer stagingBytes;
        boolean readUnlocked = false;
        store.lock.lock();
        try
        {
            final TierSlot slot = store.slots[tierIndex];
            if (tierIndex == store.ramIndex)
            {
                store.fastAccess.drain(); // the RAM fast path's buffered accesses, before the coldest block is chosen
            }
            long excess = slot.tier.usedBytes() - slot.pendingOutBytes - slot.drainTargetBytes();
            if (store.placement.roomWanted(tierIndex))
            {
                // Threads wait for room: their bytes at least, beyond the moves in flight, whatever the drain target.
                excess = Math.max(excess, store.roomWantedBytes - slot.pendingOutBytes);
                if (!store.closed && store.roomWaiters == 1 && slot.pendingOutBytes == 0 &&
                    slot.fitsUnderHardCap(store.roomWantedBytes))
                {
                    // One thread waits and RAM has its bytes under the hard cap, only no extent large enough: empty
                    // the best window around it (RoomMaker) rather than demote the coldest blocks wherever they lie.
                    final int made = store.roomMaker.makeRoom(
                        store.ram, store.ramIndex, (int)store.roomWantedBytes, false,
                        store.relocator.largestHardCapBelow(store.ramIndex), true);
                    if (made == RoomMaker.DEMOTED)
                    {
                        return BlockStore.DEMOTE_MOVED;
                    }
                    if (made == RoomMaker.NO_ROOM)
                    {
                        return store.placement.stuck(store.ramIndex);
                    }
                }
            }
            if (store.closed || (!force && excess <= 0))
            {
                return BlockStore.DEMOTE_DONE;
            }
            if (slot.copyCount > 0)
            {
                // Retained copies of blocks now in RAM are redundant: dropping them is the cheapest room there is.
                int dropped = 0;
                while (slot.copyHead != null && (force || excess > 0))
                {
                    excess -= IoScratch.aligned(slot.copyHead.size);
                    store.retainedCopies.dropCopy(slot.copyHead);
                    dropped++;
                    if (force)
                    {
                        break;
                    }
                }
                return dropped;
            }
            final long fitLimit = store.relocator.largestHardCapBelow(tierIndex);
            BlockEntry victim = nextVictim(slot, fitLimit);
            if (victim != null && victim.copyTier != BlockEntry.NO_TIER)
            {
                // Unchanged since it came up, its copy below is still there: switch back to it, nothing to write.
                store.retainedCopies.returnToCopy(victim);
                return 1;
            }
            target = victim == null ? -1 : firstTierWithRoom(victim.size, tierIndex + 1);
            if (target == COPIES_DROPPED)
            {
                // Retained copies in the tier below were dropped for room: freed once the lock is released (below),
                // not under it; the next step finds the room.
                return 1;
            }
            // Every tier is written without the lock: one that may key copies by block id (an extra tier that is
            // not concurrent) under its slot's I/O lock, the victims marked DEMOTING so that no other copy of them
            // is made meanwhile, and their queued frees made first (KeyedCopies).
            if (target < 0)
            {
                return store.relocator.demoteOne(tierIndex, true) ? 1 : store.placement.stuck(tierIndex);
            }

            // Choose the batch: the coldest block, then (small blocks only) the next coldest small ones.
            final TierSlot to = store.slots[target];
            final int blockLimit = store.ctx.demotionBatchBlockBytes();
            final int batchLimit = force || victim.size > blockLimit ? 0 : store.ctx.demotionBatchBytes();
            int end = 0;
            while (victim != null)
            {
                store.fastAccess.state(victim, BlockEntry.State.DEMOTING);
                victims[count] = victim;
                offsets[count] = end;
                lengths[count] = victim.size;
                end += IoScratch.aligned(victim.size);
                final long held = heldBytes(tierIndex, victim);
                pendingBytes += held;
                excess -= held;
                count++;
                if (count == IoScratch.MAX_BATCH_BLOCKS || excess <= 0)
                {
                    break;
                }
                victim = nextVictim(slot, fitLimit);
                if (victim == null || victim.size > blockLimit || victim.copyTier != BlockEntry.NO_TIER ||
                    end + IoScratch.aligned(victim.size) > batchLimit ||
                    !to.fitsUnderHardCap(end + IoScratch.aligned(victim.size)))
                {
                    break;
                }
            }
            slot.pendingOutBytes += pendingBytes;
            pendingAdded = pendingBytes;

            // A single block out of RAM is written straight from its RAM bytes: no staging copy. Whatever changes
            // them meanwhile (a write, a pin, a free, a move) changes the block's version or entry, and the move is
            // then abandoned; the RAM tier's memory stays mapped until the store closes, after the workers stopped.
            if (count == 1 && tierIndex == store.ramIndex)
            {
                final BlockEntry v = victims[0];
                scratch.record(0, v, !v.crcStale);
                store.ram.wrap(v.location, v.size, scratch.view);
                stagingBytes = scratch.view;
            }
            else if (tierIndex == store.deviceIndex || tierIndex > store.ramIndex)
            {
                // DEVICE or below RAM: note what the commit checks now, read the copies once the lock is released
                // (DEVICE and a tier that is not concurrent through its I/O lock).
                for (int k = 0; k < count; k++)
                {
                    scratch.record(k, victims[k], !victims[k].deviceDirty);
                }
                stagingBytes = scratch.staging.wrap(end);
                readUnlocked = true;
            }
            else
            {
                // Copy the batch out under the lock (RAM: memory copies; an extra tier that keys copies by id).
                stagingBytes = stageBatch(tierIndex, scratch, count, end);
            }
        }
        catch (final RuntimeException | Error ex)
        {
            abandonBatch(tierIndex, scratch, count, pendingAdded);
            throw ex;
        }
        finally
        {
            store.unlockAndNotify();
        }

        RuntimeException stageError = null;
        if (readUnlocked)
        {
            // A block freed or moved meanwhile may be read as garbage or not at all: its commit is abandoned.
            try
            {
                for (int k = 0; k < count; k++)
                {
                    scratch.part.wrap(stagingBytes, offsets[k], lengths[k]);
                    store.slots[tierIndex].read(scratch.ids[k], scratch.sourceLocations[k], scratch.part, lengths[k]);
                }
            }
            catch (final RuntimeException ex)
            {
                stageError = ex;
            }
        }
        return writeAndCommit(tierIndex, target, force, scratch, count, pendingBytes, stagingBytes, stageError);
    }

    /**
     * Copies a chosen batch into the scratch staging buffer at its offsets (under the engine lock).
     */
    UnsafeBuffer stageBatch(final int tierIndex, final IoScratch scratch, final int count, final int end)
    {
        final TierSlot slot = store.slots[tierIndex];
        final BlockEntry[] victims = scratch.victims;
        final int[] offsets = scratch.offsets;
        final UnsafeBuffer stagingBytes = scratch.staging.wrap(end);
        for (int k = 0; k < count; k++)
        {
            final BlockEntry v = victims[k];
            if (tierIndex == store.ramIndex)
            {
                scratch.record(k, v, !v.crcStale);
                store.ram.wrap(v.location, v.size, store.victimView);
                stagingBytes.putBytes(offsets[k], store.victimView, 0, v.size);
            }
            else
            {
                scratch.record(k, v, !v.deviceDirty);
                scratch.part.wrap(stagingBytes, offsets[k], v.size);
                slot.read(v.id, v.location, scratch.part, v.size);
            }
        }
        return stagingBytes;
    }

    /**
     * The unlocked half of a demotion and its commit: checksums, the write to the slower tier, then under the lock
     * the switch-over of every block that nothing changed meanwhile.
     */
    int writeAndCommit(
        final int tierIndex,
        final int target,
        final boolean force,
        final IoScratch scratch,
        final int count,
        final long pendingBytes,
        final UnsafeBuffer stagingBytes,
        final RuntimeException stageError)
    {
        final BlockEntry[] victims = scratch.victims;
        final int[] offsets = scratch.offsets;
        final int[] lengths = scratch.lengths;
        final int[] crcs = scratch.crcs;
        final long[] locations = scratch.locations;

        // ...checksum the blocks written since their checksum was taken and write the batch to the slower tier,
        // both without the engine lock, so that applications go on meanwhile...
        RuntimeException ioError = null;
        try
        {
            if (stageError != null)
            {
                throw stageError;
            }
            for (int k = 0; k < count; k++)
            {
                if (!scratch.crcKnown[k])
                {
                    crcs[k] = scratch.checksum(stagingBytes, offsets[k], lengths[k]);
                }
            }
            final Runnable hook = store.unlockedWriteHook;
            if (hook != null)
            {
                hook.run();
            }
            if (count == 1)
            {
                locations[0] = store.slots[target].write(scratch.ids[0], stagingBytes, lengths[0], crcs[0]);
            }
            else
            {
                store.slots[target].writeBatch(count, scratch.ids, stagingBytes, offsets, lengths, crcs, locations);
            }
        }
        catch (final RuntimeException ex)
        {
            ioError = ex;
            java.util.Arrays.fill(locations, 0, count, Tier.NO_SPACE);
        }

        // ...and switch each block over only if it was not written, pinned, moved or freed meanwhile.
        store.lock.lock();
        try
        {
            final TierSlot slot = store.slots[tierIndex];
            slot.pendingOutBytes -= pendingBytes;
            store.usageChanged = true;
            if (store.closed)
            {
                return BlockStore.DEMOTE_DONE;
            }
            int moved = 0;
            int changed = 0;
            if (count > 1)
            {
                store.counters.demotionBatches++;
            }
            for (int k = 0; k < count; k++)
            {
                final long location = locations[k];
                final BlockEntry entry = store.blocks.get(scratch.ids[k]);
                // Not while a promotion reads the source copy (it took the block after this move chose it, so it is
                // PROMOTING, which the claim refuses). The claim checks the version with no fast write in flight and
                // keeps the block DEMOTING until it is switched over (FastAccess#claimForCommit).
                final boolean unchanged = entry == victims[k] &&
                    entry.tier == tierIndex && entry.location == scratch.sourceLocations[k] && entry.isMovable() &&
                    location != Tier.NO_SPACE && store.fastAccess.claimForCommit(entry, scratch.versions[k]);
                if (location == Tier.NO_SPACE)
                {
                    if (!(entry == victims[k] && (entry.state == BlockEntry.State.DEMOTING ||
                        entry.state == BlockEntry.State.RESIDENT) && entry.tier == tierIndex &&
                        entry.location == scratch.sourceLocations[k] && entry.version == scratch.versions[k] &&
                        entry.isMovable() && !entry.writing))
                    {
                        changed++;
                    }
                    continue;
                }
                if (unchanged)
                {
                    store.relocator.commitMove(entry, tierIndex, target, location, crcs[k], true);
                    moved++;
                    if (count > 1)
                    {
                        store.counters.batchedDemotions++;
                    }
                }
                else
                {
                    // The new copy is apart from every other copy of the block (by location): free it later.
                    store.freeCopy(target, scratch.ids[k], location);
                    store.counters.movesAbandoned++;
                    changed++;
                }
            }
            for (int k = 0; k < count; k++)
            {
                if (victims[k].state == BlockEntry.State.DEMOTING)
                {
                    store.fastAccess.state(victims[k], BlockEntry.State.RESIDENT); // switched over or not: settled
                }
            }
            store.settled.signalAll(); // moves of these blocks wait for them (Relocator#awaitNoMove)
            if (ioError != null)
            {
                if (changed == 0)
                {
                    throw ioError;
                }
                // A block changed or was freed while it was read or written: that, not the tier, failed the move.
                store.counters.movesAbandoned++;
            }
            if (moved > 0)
            {
                return moved;
            }
            if (!force && slot.tier.usedBytes() - slot.pendingOutBytes <= slot.drainTargetBytes() &&
                !store.placement.roomWanted(tierIndex))
            {
                return BlockStore.DEMOTE_DONE;
            }
            if (changed > 0)
            {
                // The blocks changed meanwhile: the caller tries the next coldest ones, without the lock again.
                return 1;
            }
            // The tier below filled up meanwhile: one move under the lock, cascading.
            return store.relocator.demoteOne(tierIndex, true) ? 1 : store.placement.stuck(tierIndex);
        }
        finally
        {
            if (store.lock.isHeldByCurrentThread())
            {
                for (int k = 0; k < count; k++)
                {
                    if (victims[k].state == BlockEntry.State.DEMOTING)
                    {
                        store.fastAccess.state(victims[k], BlockEntry.State.RESIDENT);
                    }
                }
                store.settled.signalAll();
            }
            scratch.clearVictims(count);
            store.unlockAndNotify();
            scratch.staging.releaseIfLarge();
        }
    }

    /**
     * @return the bytes of a tier's used bytes that a block there takes: its size class in RAM, its size rounded
     * up to {@link Tier#BATCH_ALIGNMENT} in the other tiers (the extent tiers' alignment).
     */
    long heldBytes(final int tierIndex, final BlockEntry entry)
    {
        return tierIndex == store.ramIndex ?
            store.ram.allocator().allocatedBytes(entry.location) : IoScratch.aligned(entry.size);
    }

    /**
     * Undoes the choice of a batch whose staging failed (called under the engine lock).
     */
    void abandonBatch(final int tierIndex, final IoScratch scratch, final int count, final long pendingBytes)
    {
        for (int k = 0; k < count; k++)
        {
            if (scratch.victims[k].state == BlockEntry.State.DEMOTING)
            {
                store.fastAccess.state(scratch.victims[k], BlockEntry.State.RESIDENT);
            }
        }
        store.slots[tierIndex].pendingOutBytes -= pendingBytes;
        scratch.clearVictims(count);
        store.settled.signalAll();
    }

    /**
     * @return the first movable block of a tier in the demotion order that a tier below could hold, or null;
     * with CLOCK, referenced blocks passed on the way get their second chance.
     */
    BlockEntry nextVictim(final TierSlot slot, final long fitLimit)
    {
        for (int c = 0; c < 3; c++)
        {
            final LruList list = slot.demotionList(c);
            BlockEntry victim = list.head();
            int budget = 2 * list.size() + 1;
            while (victim != null && budget-- > 0)
            {
                final BlockEntry next = victim.next;
                if (slot.clock && victim.referenced)
                {
                    victim.referenced = false;
                    list.moveToLast(victim);
                    victim = next != null ? next : list.head();
                    continue;
                }
                // Not while a fast write is in flight: its copy would be abandoned at commit (FastAccess).
                if (victim.size <= fitLimit && victim.state == BlockEntry.State.RESIDENT && !victim.writing)
                {
                    return victim;
                }
                victim = next;
            }
        }
        return null;
    }

    /**
     * @return the first tier from {@code from} on whose hard cap leaves room for {@code size} bytes now, -1 if
     * none; or {@link #COPIES_DROPPED} where the first tier that could hold the block is full of retained copies
     * and enough of them were dropped for it ({@link RetainedCopies#dropForRoom}: freed once the lock is released,
     * never under it).
     */
    int firstTierWithRoom(final int size, final int from)
    {
        for (int i = from; i < store.slots.length; i++)
        {
            final TierSlot slot = store.slots[i];
            if (size <= slot.hardCapBytes())
            {
                if (slot.fitsUnderHardCap(size))
                {
                    return i;
                }
                if (slot.copyHead != null)
                {
                    final long excess = slot.tier.usedBytes() + IoScratch.aligned(size) - slot.hardCapBytes();
                    store.retainedCopies.dropForRoom(slot, Math.max(excess, IoScratch.aligned(size)));
                    return COPIES_DROPPED;
                }
            }
        }
        return -1;
    }
}
