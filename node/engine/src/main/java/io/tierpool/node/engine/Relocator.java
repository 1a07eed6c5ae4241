/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.BlockFreedException;
import io.tierpool.client.ChecksumMismatchException;
import io.tierpool.client.TierKind;
import io.tierpool.node.tier.Tier;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The engine's synchronous move part: moves one block between tiers outside the mover's batches, for
 * {@link BlockStore#moveTo}, for making room (a demotion of RAM's or a full tier's coldest block, cascading down
 * when the tier below is full, {@link RoomMaker}'s window demotions) and for the DEVICE tier's moves; and the
 * switch-over every move ends with ({@link #commitMove}).
 * <p>
 * <b>How.</b> A move between two tiers follows the move protocol ({@link #moveUnlocked}): mark the block
 * {@link BlockEntry.State#DEMOTING}, read, checksum and write the copy without the engine lock (the destination's
 * hard cap holds through its slot's reservation or I/O lock; DEVICE and an extra tier that is not
 * {@link io.tierpool.node.tier.Tier#concurrentIo() concurrent} are called under their slot's I/O lock), and switch
 * over under it only if the block's entry, state, tier, location and version are unchanged, else free the copy
 * (after the lock is released; in a tier that may key copies by block id through {@link KeyedCopies}, so that the
 * late free never deletes a newer copy). At most one move of a block is in flight ({@link #awaitNoMove}). Making
 * room (a demotion, the cascade out of a full tier below, a {@link RoomMaker} window) does the same, one block at a
 * time, where the caller allows the lock to be released ({@link #demoteOne(int, boolean)}). The rest is made under
 * the lock: callers that keep state the lock guards or hold it re-entrantly, and {@code moveTo} after
 * {@link #MAX_UNLOCKED_MOVE_ATTEMPTS} abandoned tries (see the class comment of {@link BlockStore}, threading).
 * <p>
 * <b>Owns</b> nothing but the code: the blocks' entries, the tier slots and the staging buffer belong to
 * {@link BlockStore} and {@link Staging}.
 * <p>
 * <b>Threading.</b> Called under the engine lock; {@link #moveUnlocked} releases it while the copy is written and
 * returns with it held.
 */
final class Relocator
{
    /** A move of one block ({@link #moveUnlocked}) switched the block over. */
    static final int MOVE_DONE = 0;
    /** The destination tier had no room for the block, which is unchanged where it was. */
    static final int MOVE_NO_SPACE = 1;
    /** The block was written, pinned, moved or freed while its copy was written: the copy was freed. */
    static final int MOVE_CHANGED = 2;
    /** The destination was full; retained copies there were dropped (freed once the lock is released): try again. */
    static final int MOVE_ROOM_MADE = 3;
    /** Unlocked moves of one block abandoned in a row before {@code moveTo} makes its move under the lock. */
    static final int MAX_UNLOCKED_MOVE_ATTEMPTS = 8;
    private static final int MAX_VICTIM_ATTEMPTS = 4;

    private final BlockStore store;

    Relocator(final BlockStore store)
    {
        this.store = store;
    }

    /**
     * One attempt of {@link BlockStore#moveTo}: under the lock (held once by a caller of {@code moveTo}), where a
     * move to a tier below RAM may release it while the copy is written ({@link #moveUnlocked}).
     *
     * @param unlocked whether the copy may be written without the lock; false after the block changed under
     *                 {@link #MAX_UNLOCKED_MOVE_ATTEMPTS} unlocked moves in a row (a writer that never pauses), so that
     *                 {@code moveTo} still finishes.
     * @return {@link #MOVE_DONE}, or {@link #MOVE_CHANGED} / {@link #MOVE_ROOM_MADE} to try again.
     */
    int moveToOnce(final BlockEntry entry, final TierKind kind, final boolean unlocked)
    {
        final long blockId = entry.id;
        awaitNoMove(entry);
        int to = -1;
        for (int i = 0; i < store.slots.length && to < 0; i++)
        {
            if (store.slots[i].tier.kind() == kind)
            {
                to = i;
            }
        }
        if (to < 0)
        {
            throw new IllegalArgumentException("node " + store.nodeName + " has no " + kind + " tier to move block " +
                blockId + " to; its tiers are " + store.tierNames());
        }
        if (to == entry.tier)
        {
            store.slots[to].touch(entry);
            return MOVE_DONE;
        }
        if (to == store.ramIndex)
        {
            store.deviceSupport.checkNotPinnedOnDevice(entry, "move it to RAM");
            if (!store.promoter.promote(entry))
            {
                throw store.outOfMemory(entry, "cannot move block " + entry.id + " of " + entry.size + " bytes to RAM");
            }
            return MOVE_DONE;
        }
        if (!entry.isMovable())
        {
            throw new IllegalStateException("block " + blockId + " on node " + store.nodeName + " cannot leave " +
                store.slots[entry.tier].tier.name() + ": " + (entry.pinCount > 0 ? "it has " + entry.pinCount +
                " open " + (entry.tier == store.deviceIndex ? "StoreDevicePinnedBlock" : "StorePinnedBlock") +
                " views; close them first" :
                "it was allocated with Hint.PIN_FAST"));
        }
        if (to == store.deviceIndex)
        {
            if (!store.deviceSupport.promoteToDevice(entry))
            {
                throw store.outOfMemory(entry, "cannot move block " + entry.id + " of " + entry.size + " bytes to " +
                    store.slots[to].tier.name() + " (hard cap " + store.slots[to].hardCapBytes() + " bytes)");
            }
            return MOVE_DONE;
        }
        final int result = relocate(entry, to, unlocked);
        if (result == MOVE_NO_SPACE)
        {
            throw store.outOfMemory(entry, "cannot move block " + entry.id + " of " + entry.size + " bytes to " +
                store.slots[to].tier.name() + " (hard cap " + store.slots[to].hardCapBytes() + " bytes)");
        }
        return result;
    }

    /**
     * Waits until no other thread moves or promotes the block (it is {@link BlockEntry.State#RESIDENT}), the lock
     * released meanwhile: a move chosen by a caller ({@code moveTo}, a move to the DEVICE tier) starts only then, as
     * the mover's and the cascades' moves pick only resident blocks, so that at most one move of a block is in flight
     * and a tier that may key copies by block id never gets a second copy of it. Called under the lock.
     *
     * @throws BlockFreedException   if the block was freed meanwhile.
     * @throws IllegalStateException if the store was closed meanwhile.
     */
    void awaitNoMove(final BlockEntry entry)
    {
        store.promoter.awaitSettled(entry);
        while (entry.state == BlockEntry.State.DEMOTING)
        {
            store.settled.awaitUninterruptibly();
            store.ensureOpen();
            if (store.blocks.get(entry.id) != entry)
            {
                throw new BlockFreedException(entry.id, store.nodeName);
            }
            store.promoter.awaitSettled(entry);
        }
    }

    /**
     * {@link RoomMaker}'s demoter: moves a block of the window out of RAM, with the move protocol where
     * {@code mayUnlock} (see {@link #demoteOne(int, boolean)}).
     */
    boolean demoteFromRam(final BlockEntry victim, final boolean mayUnlock)
    {
        return moveDown(victim, store.ramIndex, mayUnlock);
    }

    /**
     * Writes a copy into a tier only if the tier stays within its hard cap (checked before and after, as
     * {@link Placement#allocateRam}). Where the tier is full and holds retained copies, they are dropped for the
     * next attempt ({@link RetainedCopies#dropForRoom}: freed once the lock is released, not under it), and this
     * write reports {@link Tier#NO_SPACE}: the caller, holding the lock, goes on to another tier or a demotion.
     */
    long writeTier(final int to, final long blockId, final DirectBuffer src, final int size, final int crc)
    {
        store.usageChanged = true;
        final TierSlot slot = store.slots[to];
        final long location = slot.write(blockId, src, size, crc);
        if (location == Tier.NO_SPACE && slot.copyHead != null)
        {
            store.retainedCopies.dropForRoom(slot, IoScratch.aligned(size));
        }
        return location;
    }

    /**
     * @return the largest hard cap of the tiers below {@code from}: blocks larger than that cannot leave it.
     */
    long largestHardCapBelow(final int from)
    {
        long largest = 0;
        for (int i = from + 1; i < store.slots.length; i++)
        {
            largest = Math.max(largest, store.slots[i].hardCapBytes());
        }
        return largest;
    }

    /**
     * Moves one block out of a tier, in the documented demotion order: the COLD list first, then WARM (with
     * PREFER_FAST), then HOT; within a list the eviction policy's order (LRU: least recently used first; CLOCK:
     * oldest first, giving referenced blocks a second chance). Tries at most {@link #MAX_VICTIM_ATTEMPTS}
     * candidates that a tier below could hold (larger blocks are skipped).
     *
     * @return false if no block could move (all pinned, or no room below even after cascading).
     */
    boolean demoteOne(final int from)
    {
        return demoteOne(from, false);
    }

    /**
     * {@link #demoteOne(int)}, where {@code mayUnlock} lets the move release the engine lock: the caller holds it
     * once and keeps nothing the lock must guard across the call (no block unlinked or half moved, nothing in the
     * shared staging buffer), and looks at the block table afresh afterwards. The move is then made with the move
     * protocol ({@link #moveUnlocked}), and so is the cascade that makes room in a full tier below. Without it the
     * move is made under the lock. A dropped retained copy is freed once the lock is released, either way.
     *
     * @return true if a block moved, a retained copy was dropped, or the lock was released and the chosen block
     * changed meanwhile (the caller looks again); false if no block could move.
     */
    boolean demoteOne(final int from, final boolean mayUnlock)
    {
        final TierSlot slot = store.slots[from];
        if (from == store.ramIndex)
        {
            store.fastAccess.drain(); // the RAM fast path's buffered accesses, before the coldest block is chosen
        }
        if (slot.copyHead != null)
        {
            // Freed once the lock is released (never under it): a caller that keeps the lock (a locked cascade)
            // finds no room yet, drops the next copy, and demotes blocks once none is left.
            store.retainedCopies.dropCopy(slot.copyHead);
            return true;
        }
        final long fitLimit = largestHardCapBelow(from);
        int attempts = 0;
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
                if (victim.size <= fitLimit && victim.state == BlockEntry.State.RESIDENT && !victim.writing)
                {
                    if (moveDown(victim, from, mayUnlock))
                    {
                        return true;
                    }
                    if (++attempts == MAX_VICTIM_ATTEMPTS || releasesLock(from, mayUnlock))
                    {
                        return false;
                    }
                }
                victim = next;
            }
        }
        return false;
    }

    /**
     * Moves a block out of tier {@code from} into the first tier below that takes it, cascading (demoting out of a
     * full tier below) where needed; with the move protocol where {@code mayUnlock} allows it
     * ({@link #demoteOne(int, boolean)}), else under the lock.
     *
     * @return true if it moved (or, the lock released, it changed meanwhile); false if no tier below took it.
     */
    boolean moveDown(final BlockEntry entry, final int from, final boolean mayUnlock)
    {
        if (entry.copyTier != BlockEntry.NO_TIER)
        {
            store.retainedCopies.returnToCopy(entry);
            return true;
        }
        if (releasesLock(from, mayUnlock))
        {
            return moveDownUnlocked(entry, from);
        }
        return moveDownLocked(entry, from, from + 1);
    }

    /**
     * @return true if a move out of tier {@code from} releases the lock ({@link #demoteOne(int, boolean)}): it is
     * allowed to and this thread holds the lock once (every tier may be moved out of without the lock).
     */
    private boolean releasesLock(final int from, final boolean mayUnlock)
    {
        return mayUnlock && store.lock.getHoldCount() == 1;
    }

    /**
     * {@link #moveDown} with the move protocol: for each tier below that could hold the block, writes the copy
     * without the lock ({@link #moveUnlocked}); where that tier is full, cascades ({@link #demoteOne(int, boolean)},
     * unlocked too) and tries again. Falls back to {@link #moveDownLocked} from the first tier below that keys
     * copies by block id. Called under the lock, held once; returns with it held.
     */
    private boolean moveDownUnlocked(final BlockEntry entry, final int from)
    {
        final long id = entry.id;
        for (int to = from + 1; to < store.slots.length; to++)
        {
            if (entry.size > store.slots[to].hardCapBytes())
            {
                continue;
            }
            while (true)
            {
                if (store.blocks.get(id) != entry || entry.state != BlockEntry.State.RESIDENT || entry.tier != from ||
                    !entry.isMovable() || entry.copyTier != BlockEntry.NO_TIER)
                {
                    return true; // changed while the lock was released: the caller looks again
                }
                if (!canMoveUnlocked(from, to))
                {
                    return moveDownLocked(entry, from, to);
                }
                final int result = moveUnlocked(entry, from, to);
                if (result == MOVE_DONE || result == MOVE_CHANGED)
                {
                    return true;
                }
                if (result == MOVE_NO_SPACE && (to + 1 == store.slots.length || !demoteOne(to, true)))
                {
                    break; // the next tier down, if any
                }
            }
        }
        return false;
    }

    /**
     * {@link #moveDown} under the lock, into the first of the tiers from {@code firstTo} down that takes the block.
     */
    private boolean moveDownLocked(final BlockEntry entry, final int from, final int firstTo)
    {
        if (from != store.ramIndex)
        {
            return moveDownLockedFenced(entry, from, firstTo);
        }
        // Its RAM bytes are read and it is switched over with no version check: no fast write may run meanwhile.
        store.fastAccess.fence(entry);
        try
        {
            return moveDownLockedFenced(entry, from, firstTo);
        }
        finally
        {
            store.fastAccess.unfence(entry);
        }
    }

    private boolean moveDownLockedFenced(final BlockEntry entry, final int from, final int firstTo)
    {
        final int crc;
        if (from == store.ramIndex)
        {
            store.ram.wrap(entry.location, entry.size, store.victimView);
            crc = entry.crcStale ? store.staging.checksum(store.victimView, entry.size) : entry.crc32c;
        }
        else if (entry.deviceDirty)
        {
            store.staging.stage(entry);
            crc = store.staging.checksum(store.staging.view, entry.size);
        }
        else
        {
            crc = entry.crc32c;
        }

        for (int to = firstTo; to < store.slots.length; to++)
        {
            if (entry.size > store.slots[to].hardCapBytes())
            {
                continue;
            }
            long location = writeCopy(entry, from, to, crc);
            while (location == Tier.NO_SPACE && to + 1 < store.slots.length && demoteOne(to))
            {
                location = writeCopy(entry, from, to, crc);
            }
            if (location != Tier.NO_SPACE)
            {
                commitMove(entry, from, to, location, crc);
                if (from != store.ramIndex)
                {
                    store.staging.releaseIfLarge();
                }
                return true;
            }
        }
        if (from != store.ramIndex)
        {
            store.staging.releaseIfLarge();
        }
        return false;
    }

    /**
     * Moves a movable block to tier {@code to} (above or below where it is, not RAM, not DEVICE), demoting blocks
     * out of {@code to} when moving down and it is full. Where both tiers allow it ({@link #canMoveUnlocked}) and
     * {@code unlocked} is set, the copy is read, checksummed and written without the engine lock
     * ({@link #moveUnlocked}); otherwise under it ({@link #relocateLocked}).
     *
     * @return {@link #MOVE_DONE}, {@link #MOVE_NO_SPACE} (the block is unchanged where it was), or
     * {@link #MOVE_CHANGED} / {@link #MOVE_ROOM_MADE}: the lock was released and the caller starts again.
     */
    private int relocate(final BlockEntry entry, final int to, final boolean unlocked)
    {
        if (entry.copyTier == to)
        {
            store.retainedCopies.returnToCopy(entry);
            return MOVE_DONE;
        }
        if (entry.size > store.slots[to].hardCapBytes())
        {
            return MOVE_NO_SPACE;
        }
        final int from = entry.tier;
        if (!unlocked || !canMoveUnlocked(from, to))
        {
            store.retainedCopies.dropCopy(entry);
            return relocateLocked(entry, to) ? MOVE_DONE : MOVE_NO_SPACE;
        }
        final int result = moveUnlocked(entry, from, to);
        if (result == MOVE_NO_SPACE && to > from && to + 1 < store.slots.length)
        {
            // Unchanged, and the lock is held again: make room in the destination by the cascade, then start again.
            return demoteOne(to, true) ? MOVE_ROOM_MADE : MOVE_NO_SPACE;
        }
        return result;
    }

    /**
     * @return true if a copy of a block may be read from tier {@code from} and written to tier {@code to} without the
     * engine lock: this thread holds the lock once (it can release it), and the destination is not RAM unless the
     * block comes down from DEVICE (a block comes up to RAM through {@link Promoter}).
     */
    boolean canMoveUnlocked(final int from, final int to)
    {
        return store.lock.getHoldCount() == 1 && from != to && (to != store.ramIndex || from == store.deviceIndex);
    }

    /**
     * The move protocol for one block, to a tier below RAM: marks the block {@link BlockEntry.State#DEMOTING}
     * (it stays readable, writable, pinnable and freeable where it is, and no demotion picks it), releases the
     * engine lock, then without it stages the block (from RAM: straight from its RAM bytes, as a single-block
     * demotion; from below RAM: read into a staging buffer of a {@link ScratchPool} scratch and verified),
     * checksums it and writes the copy; under the lock again it switches the block over only if nothing changed it
     * meanwhile (same entry, state, tier, location and version, still movable), else frees the new copy (after
     * the lock is released) and reports {@link #MOVE_CHANGED}. Called under the lock, held once; returns with it
     * held.
     *
     * @return {@link #MOVE_DONE}, {@link #MOVE_CHANGED}, {@link #MOVE_NO_SPACE} (the destination is full and the
     * block unchanged) or {@link #MOVE_ROOM_MADE} (retained copies in the destination were dropped for room).
     * @throws ChecksumMismatchException if the unchanged block's bytes came back from its tier damaged.
     * @throws IllegalStateException     if the store was closed meanwhile.
     */
    int moveUnlocked(final BlockEntry entry, final int from, final int to)
    {
        final long id = entry.id;
        final int size = entry.size;
        final long sourceLocation = entry.location;
        final long version = entry.version;
        final int knownCrc = entry.crc32c;
        final boolean crcKnown = from != store.ramIndex || !entry.crcStale;
        // Kernels may have changed a block pinned on the device since its checksum was taken: its bytes are the truth.
        final boolean bytesAreTruth = from == store.ramIndex || (from == store.deviceIndex && entry.deviceDirty);
        final TierSlot source = store.slots[from];
        final TierSlot target = store.slots[to];
        final IoScratch scratch = store.scratchPool.acquire();
        final UnsafeBuffer bytes;
        if (from == store.ramIndex)
        {
            store.ram.wrap(sourceLocation, size, scratch.view);
            bytes = scratch.view;
        }
        else
        {
            bytes = scratch.staging.wrap(size);
        }
        store.fastAccess.state(entry, BlockEntry.State.DEMOTING);
        // close() waits for this count: the copy below may read RAM, which close releases.
        store.promotionsInFlight++;
        store.unlockAndNotify();

        RuntimeException error = null;
        int crc = knownCrc;
        int actual = knownCrc;
        long location = Tier.NO_SPACE;
        try
        {
            if (from != store.ramIndex)
            {
                source.read(id, sourceLocation, bytes, size);
            }
            if (!crcKnown || from != store.ramIndex)
            {
                actual = scratch.checksum(bytes, 0, size);
                crc = bytesAreTruth ? actual : knownCrc;
            }
            if (actual == crc)
            {
                location = target.write(id, bytes, size, crc);
            }
        }
        catch (final RuntimeException ex)
        {
            error = ex;
        }
        finally
        {
            scratch.view.wrap(new byte[0], 0, 0);
            scratch.staging.releaseIfLarge();
            store.scratchPool.release(scratch);
            store.lock.lock();
            store.promotionsInFlight--;
            store.usageChanged = true;
        }
        // Claimed (no fast write in flight, the version staged, kept DEMOTING) before the state is settled, so
        // that no fast write starts between the check and the switch-over (FastAccess#claimForCommit).
        final boolean inTable = store.blocks.get(id) == entry;
        final boolean unchanged = !store.closed && inTable && entry.tier == from &&
            entry.location == sourceLocation && entry.isMovable() && store.fastAccess.claimForCommit(entry, version);
        boolean committed = false;
        try
        {
            if (unchanged && error == null && actual == crc && location != Tier.NO_SPACE)
            {
                commitMove(entry, from, to, location, crc, true);
                committed = true;
            }
        }
        finally
        {
            if (entry.state == BlockEntry.State.DEMOTING)
            {
                store.fastAccess.state(entry, inTable ? BlockEntry.State.RESIDENT : BlockEntry.State.FREED);
            }
            store.settled.signalAll();
        }
        if (committed)
        {
            return MOVE_DONE;
        }
        if (!unchanged)
        {
            if (location != Tier.NO_SPACE)
            {
                // The new copy is apart from every other copy of the block (by location): free it later.
                store.freeCopy(to, id, location);
            }
            store.counters.movesAbandoned++;
            store.ensureOpen();
            return MOVE_CHANGED;
        }
        if (error != null)
        {
            throw error;
        }
        if (actual != crc)
        {
            source.checksumFailures++;
            store.counters.checksumFailures++;
            throw new ChecksumMismatchException(id, source.tier.name(), store.nodeName, knownCrc, actual);
        }
        if (location == Tier.NO_SPACE)
        {
            if (target.copyHead != null)
            {
                // Retained copies are redundant: make room with them (freed once the lock is released) first.
                store.retainedCopies.dropCopy(target.copyHead);
                return MOVE_ROOM_MADE;
            }
            return MOVE_NO_SPACE;
        }
        throw new IllegalStateException("unreachable: block " + id + " unchanged, intact and written, not committed");
    }

    /**
     * {@link #relocate} (and a move to DEVICE) under the engine lock: where a tier involved is an extra tier that
     * keys copies by block id, where the caller holds the lock re-entrantly, and after
     * {@link #MAX_UNLOCKED_MOVE_ATTEMPTS} abandoned unlocked moves. The block is kept out of its tier's lists
     * meanwhile so that the cascade (out of a full slower tier, or out of a full DEVICE tier) never picks it.
     */
    boolean relocateLocked(final BlockEntry entry, final int to)
    {
        if (entry.tier != store.ramIndex)
        {
            return relocateLockedFenced(entry, to);
        }
        // Its RAM bytes are read and it is switched over with no version check: no fast write may run meanwhile.
        store.fastAccess.fence(entry);
        try
        {
            return relocateLockedFenced(entry, to);
        }
        finally
        {
            store.fastAccess.unfence(entry);
        }
    }

    private boolean relocateLockedFenced(final BlockEntry entry, final int to)
    {
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
            long location = writeCopy(entry, from, to, crc);
            while (location == Tier.NO_SPACE &&
                (to == store.deviceIndex || (to > from && to + 1 < store.slots.length)) && demoteOne(to))
            {
                location = writeCopy(entry, from, to, crc);
            }
            if (location == Tier.NO_SPACE)
            {
                source.link(entry);
                return false;
            }
            commitMove(entry, from, to, location, crc);
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

    /**
     * Frees the source copy of a block written to tier {@code to} and switches the block there, counting a
     * demotion (moving to a slower tier) or a promotion.
     */
    void commitMove(final BlockEntry entry, final int from, final int to, final long location, final int crc)
    {
        commitMove(entry, from, to, location, crc, false);
    }

    /**
     * @param deferFrees free the source copy (and a retained copy) after the lock is released
     *                   ({@link BlockStore#freeCopy}); false where the caller goes on to use the room they leave
     *                   (cascading moves).
     */
    void commitMove(
        final BlockEntry entry, final int from, final int to, final long location, final int crc,
        final boolean deferFrees)
    {
        final TierSlot source = store.slots[from];
        store.retainedCopies.dropCopy(entry); // (freed once the lock is released: nobody waits for that room)
        final long sourceLocation = entry.location;
        if (from != store.ramIndex)
        {
            try
            {
                if (deferFrees)
                {
                    store.freeCopy(from, entry.id, sourceLocation);
                }
                else
                {
                    store.usageChanged = true;
                    source.free(entry.id, sourceLocation);
                }
            }
            catch (final RuntimeException ex)
            {
                store.slots[to].free(entry.id, location);
                throw ex;
            }
        }
        source.unlink(entry);
        // Every location change bumps the version: no move in flight mistakes a block that left and came back for
        // one that stayed (ABA).
        entry.deviceDirty = false;
        entry.prefetched = false;
        store.fastAccess.placeClean(entry, to, location, crc);
        if (from == store.ramIndex)
        {
            // Switched first, so no new fast access reaches the old extent; freed after the reads in flight on it.
            store.fastAccess.releaseRam(entry, sourceLocation);
        }
        store.slots[to].link(entry);
        store.slots[to].updatePeak();
        if (to > from)
        {
            source.demotedBlocks++;
            source.demotedBytes += entry.size;
            store.counters.demotions++;
        }
        else
        {
            source.promotedBlocks++;
            source.promotedBytes += entry.size;
            store.counters.promotions++;
        }
    }

    /**
     * Writes a copy of a block into tier {@code to} under its hard cap. From RAM the bytes are written in place;
     * from a lower tier they are staged first (again on every attempt, since cascading moves reuse the staging
     * buffer).
     */
    long writeCopy(final BlockEntry entry, final int from, final int to, final int crc)
    {
        final DirectBuffer src;
        if (from == store.ramIndex)
        {
            store.ram.wrap(entry.location, entry.size, store.victimView);
            src = store.victimView;
        }
        else
        {
            store.staging.stage(entry);
            src = store.staging.view;
        }
        return writeTier(to, entry.id, src, entry.size, crc);
    }
}
