/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.OverflowPolicy;

import io.tierpool.client.Hint;
import io.tierpool.client.OutOfTierMemoryException;
import io.tierpool.node.tier.Tier;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine's placement part: puts a new block in the tier its {@link io.tierpool.client.Hint} and the
 * {@link OverflowPolicy} choose, fills it with its initial bytes, reserves room in RAM (taking it now, making it by
 * demoting under the lock, or waiting for the mover to make it) and places blocks below RAM.
 * <p>
 * <b>Owns</b> nothing but the code: the room waiters' counts, the initial bytes of the allocation in progress, the
 * block table and the tier slots belong to {@link BlockStore}.
 * <p>
 * <b>Threading.</b> Called under the engine lock. A block placed below RAM (or in the DEVICE tier) is written
 * without the lock before it is inserted; a thread waiting for room in RAM waits on the
 * room condition with the lock released, up to {@link StoreContext#ramRoomWaitNs()}.
 */
final class Placement
{
    private final BlockStore store;

    /** Times the mover found nothing to move out of RAM while threads waited for room (guarded by the lock). */
    private long ramStuckCount;

    Placement(final BlockStore store)
    {
        this.store = store;
    }

    boolean place(final BlockEntry entry)
    {
        if (store.ctx.overflowPolicy() == OverflowPolicy.FAIL)
        {
            placeOrFail(entry);
            return true;
        }

        final long demotionsBefore = store.counters.demotions;
        final boolean placed;
        switch (entry.hint)
        {
            case COLD:
                placed = placeBelowRam(entry) || placeInRam(entry, true);
                break;

            case PREFER_FAST:
                placed = placeInRam(entry, false) || placeBelowRam(entry) || placeInRam(entry, true);
                break;

            case PIN_FAST:
                return placeInRam(entry, true);

            case DEVICE:
                return store.deviceSupport.placeInDevice(entry) || placeInRam(entry, true) || placeBelowRam(entry);

            case HOT:
            case WARM:
            default:
                return placeInRam(entry, true) || placeBelowRam(entry);
        }

        // Demotions made while failing to make room in RAM may have cascaded and freed space below it.
        return placed || (store.counters.demotions != demotionsBefore && placeBelowRam(entry));
    }

    /**
     * {@link OverflowPolicy#FAIL}: the tier the hint asks for takes the block under its hard cap now, without
     * demoting others, or the allocation fails.
     */
    void placeOrFail(final BlockEntry entry)
    {
        int first = store.ramIndex;
        switch (entry.hint)
        {
            case COLD:
                for (int i = store.ramIndex + 1; i < store.slots.length && first == store.ramIndex; i++)
                {
                    if (entry.size <= store.slots[i].hardCapBytes())
                    {
                        first = i;
                    }
                }
                if (first == store.ramIndex ? placeInRam(entry, false) : placeBelow(entry, first, first + 1))
                {
                    return;
                }
                break;

            case PREFER_FAST:
                if (placeInRam(entry, false) || placeBelowRam(entry))
                {
                    return;
                }
                break;

            case DEVICE:
                if (store.deviceSupport.placeInDevice(entry) || placeInRam(entry, false))
                {
                    return;
                }
                break;

            default:
                if (placeInRam(entry, false))
                {
                    return;
                }
        }

        final TierSlot slot = store.slots[first];
        throw new OutOfTierMemoryException(0, entry.size, slot.tier.name(), slot.hardCapBytes(),
            "cannot allocate a block of " + entry.size + " bytes (hint " + entry.hint + ") in tier " +
            slot.tier.name() + " on node " + store.nodeName + ": it would pass the tier's hard cap of " +
            slot.hardCapBytes() + " bytes (" + slot.tier.usedBytes() + " bytes used now) and the overflow policy " +
            "is FAIL. Free blocks that are no longer needed, raise hardCapBytes(" + slot.tier.kind() + ") (at most " +
            "the tier's capacity of " + slot.tier.capacityBytes() + " bytes), retry after the mover has demoted " +
            "blocks, or use OverflowPolicy.SPILL_TO_NEXT to route such blocks to the next tier");
    }

    boolean placeInRam(final BlockEntry entry, final boolean demoteOthers)
    {
        final long location = allocateInRam(entry, demoteOthers ? BlockStore.ROOM_WAIT : BlockStore.ROOM_NONE);
        if (location == Tier.NO_SPACE)
        {
            return false;
        }
        store.ram.wrap(location, entry.size, store.accessView);
        fillNewBlock(store.accessView, entry.size, store.ctx.zeroFill());
        store.fastAccess.place(entry, store.ramIndex, location); // bumps the version (ABA)
        store.slots[store.ramIndex].link(entry);
        store.slots[store.ramIndex].updatePeak();
        return true;
    }

    /**
     * Writes a new block's initial bytes (those given to {@code allocate}, if any) into {@code view} and zeroes the
     * rest if {@code zeroRest}.
     */
    void fillNewBlock(final UnsafeBuffer view, final int size, final boolean zeroRest)
    {
        fill(view, size, zeroRest, store.initialBuffer, store.initialArray, store.initialOffset, store.initialLength);
    }

    static void fill(
        final UnsafeBuffer view,
        final int size,
        final boolean zeroRest,
        final DirectBuffer srcBuffer,
        final byte[] srcArray,
        final int srcOffset,
        final int length)
    {
        if (length > 0)
        {
            if (null != srcBuffer)
            {
                view.putBytes(0, srcBuffer, srcOffset, length);
            }
            else
            {
                view.putBytes(0, srcArray, srcOffset, length);
            }
        }
        if (zeroRest && length < size)
        {
            view.setMemory(length, size - length, (byte)0);
        }
    }

    boolean placeBelowRam(final BlockEntry entry)
    {
        return placeBelow(entry, store.ramIndex + 1, store.slots.length);
    }

    /**
     * Writes a new block (its initial bytes, zeroes after them) into the first of tiers {@code [fromIndex, toIndex)}
     * below RAM (or into the DEVICE tier, {@link Hint#DEVICE}) that takes it under its hard cap, without the engine
     * lock: the block is in no table yet, so nothing else can see or move it. If no tier takes it and some hold
     * retained copies, they are dropped (freed once the lock is released, never under it) and it is tried once
     * more the same way. Called under the lock (held once); returns with it held.
     */
    boolean placeBelow(final BlockEntry entry, final int fromIndex, final int toIndex)
    {
        return placeBelow(entry, fromIndex, toIndex, false);
    }

    /**
     * {@link #placeBelow(BlockEntry, int, int)}; {@code copiesDropped} once retained copies were dropped for room
     * after a first try (they are freed when the lock is released, at the start of the second).
     */
    private boolean placeBelow(
        final BlockEntry entry, final int fromIndex, final int toIndex, final boolean copiesDropped)
    {
        if ((fromIndex <= store.ramIndex && fromIndex != store.deviceIndex) || store.lock.getHoldCount() != 1)
        {
            return placeBelowLocked(entry, fromIndex, toIndex);
        }
        final DirectBuffer srcBuffer = store.initialBuffer;
        final byte[] srcArray = store.initialArray;
        final int srcOffset = store.initialOffset;
        final int srcLength = store.initialLength;
        final IoScratch scratch = store.scratchPool.acquire();
        int placed = -1;
        long location = Tier.NO_SPACE;
        int crc = 0;
        // close() waits for this count: the write below goes to a tier that close releases.
        store.promotionsInFlight++;
        store.unlockAndNotify();
        try
        {
            UnsafeBuffer bytes = null;
            for (int i = fromIndex; i < toIndex && placed < 0; i++)
            {
                if (entry.size > store.slots[i].hardCapBytes())
                {
                    continue;
                }
                if (bytes == null)
                {
                    bytes = scratch.staging.wrap(entry.size);
                    fill(bytes, entry.size, true, srcBuffer, srcArray, srcOffset, srcLength);
                    crc = scratch.checksum(bytes, 0, entry.size);
                }
                location = store.slots[i].write(entry.id, bytes, entry.size, crc);
                if (location != Tier.NO_SPACE)
                {
                    placed = i;
                }
            }
        }
        finally
        {
            store.scratchPool.release(scratch);
            store.lock.lock();
            store.promotionsInFlight--;
            store.settled.signalAll();
            // Other allocations ran meanwhile: restore this one's initial bytes for a placement in RAM after this.
            store.initialBuffer = srcBuffer;
            store.initialArray = srcArray;
            store.initialOffset = srcOffset;
            store.initialLength = srcLength;
        }
        store.usageChanged = true;
        if (store.closed)
        {
            if (placed >= 0 && !store.slots[placed].owned)
            {
                store.pendingFrees.add(placed, entry.id, location);
            }
            store.ensureOpen();
        }
        if (placed >= 0)
        {
            final TierSlot slot = store.slots[placed];
            store.fastAccess.placeClean(entry, placed, location, crc); // bumps the version (ABA)
            slot.link(entry);
            slot.updatePeak();
            return true;
        }
        if (copiesDropped)
        {
            return false;
        }
        boolean dropped = false;
        for (int i = fromIndex; i < toIndex && !dropped; i++)
        {
            if (entry.size <= store.slots[i].hardCapBytes() && store.slots[i].copyHead != null)
            {
                // Retained copies are redundant: drop them for room (freed once the lock is released, never under
                // it, which the next try does first) and try once more.
                dropped = store.retainedCopies.dropForRoom(store.slots[i], IoScratch.aligned(entry.size)) > 0;
            }
        }
        return dropped && placeBelow(entry, fromIndex, toIndex, true);
    }

    /**
     * {@link #placeBelow} under the lock, retained copies making room where a tier has no other.
     */
    boolean placeBelowLocked(final BlockEntry entry, final int fromIndex, final int toIndex)
    {
        boolean zeroed = false;
        int crc = 0;
        for (int i = fromIndex; i < toIndex; i++)
        {
            final TierSlot slot = store.slots[i];
            if (entry.size > slot.hardCapBytes())
            {
                continue;
            }
            if (!zeroed)
            {
                store.staging.ensure(entry.size);
                fillNewBlock(store.staging.view, entry.size, true);
                crc = store.staging.checksum(store.staging.view, entry.size);
                zeroed = true;
            }
            final long location = store.relocator.writeTier(i, entry.id, store.staging.view, entry.size, crc);
            if (location != Tier.NO_SPACE)
            {
                store.fastAccess.placeClean(entry, i, location, crc); // bumps the version (ABA)
                slot.link(entry);
                slot.updatePeak();
                store.staging.releaseIfLarge();
                return true;
            }
        }
        store.staging.releaseIfLarge();
        return false;
    }

    /**
     * Allocates room in RAM for a block under RAM's hard cap, demoting the coldest movable blocks (cascading down)
     * until it fits; where RAM has the free bytes but no extent, demoting the blocks of the best window instead
     * ({@link RoomMaker}); a PIN_FAST block first makes room at RAM's low end, packed with the others like it.
     * Demotions made here use the move protocol where the lock is held once
     * ({@link Relocator#demoteOne(int, boolean)}): the lock is released while they write, so the caller finds the
     * block table changed afterwards (a promotion looks at its block again) and this allocation's initial bytes are
     * put back each time.
     */
    long allocateInRam(final BlockEntry entry, final int room)
    {
        final TierSlot slot = store.slots[store.ramIndex];
        if (entry.size > slot.hardCapBytes())
        {
            return Tier.NO_SPACE;
        }
        final boolean neverMoves = entry.hint == Hint.PIN_FAST;
        final boolean demoteOthers = room != BlockStore.ROOM_NONE;
        // An application thread with the mover running never demotes: it waits for the mover (awaitRoom).
        boolean waitForMover =
            room == BlockStore.ROOM_WAIT && store.moverRunner != null && store.lock.getHoldCount() == 1;
        final DirectBuffer srcBuffer = store.initialBuffer;
        final byte[] srcArray = store.initialArray;
        final int srcOffset = store.initialOffset;
        final int srcLength = store.initialLength;
        while (true)
        {
            if (neverMoves && demoteOthers && !waitForMover && slot.fitsUnderHardCap(entry.size))
            {
                store.roomMaker.makeRoom(
                    store.ram, store.ramIndex, entry.size, true, store.relocator.largestHardCapBelow(store.ramIndex),
                    true);
                restoreInitial(srcBuffer, srcArray, srcOffset, srcLength);
            }
            final long location = allocateRam(entry);
            if (location != Tier.NO_SPACE || !demoteOthers)
            {
                return location;
            }
            if (returnCleanBlocks(slot, entry.size) > 0)
            {
                continue;
            }
            if (waitForMover)
            {
                final long waited = awaitRoom(entry);
                if (waited != Tier.NO_SPACE || !neverMoves)
                {
                    return waited;
                }
                if (slot.pendingOutBytes > 0)
                {
                    continue; // a demotion out of RAM is in flight (a slow far-memory put): wait for it again
                }
                // A PIN_FAST block has nowhere else to go: past the deadline (a mover slower than the wait, under
                // load) this thread makes the room itself, as a store without a mover does, rather than fail while
                // RAM holds movable blocks. With nothing movable the attempt below fails at once.
                waitForMover = false;
                continue;
            }
            // No mover thread (the caller drives it), or the mover's own threads: make room as the mover would,
            // around the best extent where RAM has the bytes but no extent, else by demoting the coldest blocks.
            final int made = slot.fitsUnderHardCap(entry.size) ?
                store.roomMaker.makeRoom(
                    store.ram, store.ramIndex, entry.size, false, store.relocator.largestHardCapBelow(store.ramIndex),
                    true) :
                RoomMaker.NOTHING;
            final boolean demoted = made == RoomMaker.DEMOTED ||
                (made == RoomMaker.NOTHING && store.relocator.demoteOne(store.ramIndex, true));
            restoreInitial(srcBuffer, srcArray, srcOffset, srcLength);
            store.ensureOpen();
            if (!demoted)
            {
                return Tier.NO_SPACE;
            }
        }
    }

    /**
     * Puts an allocation's initial bytes back after the lock was released (other allocations set and clear them).
     */
    private void restoreInitial(
        final DirectBuffer srcBuffer, final byte[] srcArray, final int srcOffset, final int srcLength)
    {
        store.initialBuffer = srcBuffer;
        store.initialArray = srcArray;
        store.initialOffset = srcOffset;
        store.initialLength = srcLength;
    }

    /**
     * Direct reclaim of clean blocks: while RAM's coldest movable blocks are unchanged since they came up from a tier
     * below that still holds their copy ({@link RetainedCopies}), switches them back to that copy, under the lock,
     * until {@code size} more bytes fit under RAM's hard cap. No byte is copied and no tier is called: it is
     * bookkeeping of a few fields per block, so the allocating thread does it itself rather than wake the mover
     * and wait for it (as Linux's direct reclaim drops clean page-cache pages in the allocating task and leaves
     * dirty ones to writeback). Stops at the first cold block that has no copy below: writing that one is the
     * mover's work. Called under the lock.
     *
     * @return how many blocks went back to their copies.
     */
    int returnCleanBlocks(final TierSlot ramSlot, final int size)
    {
        int returned = 0;
        store.fastAccess.drain(); // the RAM fast path's buffered accesses, before the coldest block is chosen
        while (!ramSlot.fitsUnderHardCap(size) || returned == 0)
        {
            final BlockEntry victim = store.moveProtocol.nextVictim(ramSlot, Long.MAX_VALUE);
            if (victim == null || victim.copyTier == BlockEntry.NO_TIER || victim.tier != store.ramIndex)
            {
                break;
            }
            store.retainedCopies.returnToCopy(victim);
            returned++;
        }
        return returned;
    }

    /**
     * An application thread that found no room in RAM: asks the mover for the room (it demotes RAM's coldest
     * blocks without the engine lock until the bytes wanted fit) and waits, the lock released, until the block
     * fits or {@link StoreContext#ramRoomWaitNs()} passed. Called under the lock (held once); returns with it held.
     *
     * @return the block's location in RAM, or {@link Tier#NO_SPACE} at the deadline.
     */
    long awaitRoom(final BlockEntry entry)
    {
        long remainingNs = store.ctx.ramRoomWaitNs();
        if (remainingNs <= 0)
        {
            return Tier.NO_SPACE;
        }
        store.roomWantedBytes += entry.size;
        store.roomWaiters++;
        final long stuckCount = ramStuckCount;
        // The wait releases the lock and other allocations set (and clear) the initial-bytes fields meanwhile:
        // keep this allocation's and put them back whenever the lock is held again.
        final DirectBuffer srcBuffer = store.initialBuffer;
        final byte[] srcArray = store.initialArray;
        final int srcOffset = store.initialOffset;
        final int srcLength = store.initialLength;
        try
        {
            while (remainingNs > 0 && stuckCount == ramStuckCount)
            {
                if (!store.mover().dispatchNow())
                {
                    wakeMover();
                }
                try
                {
                    remainingNs = store.roomMade.awaitNanos(remainingNs);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return Tier.NO_SPACE;
                }
                finally
                {
                    store.initialBuffer = srcBuffer;
                    store.initialArray = srcArray;
                    store.initialOffset = srcOffset;
                    store.initialLength = srcLength;
                }
                store.ensureOpen();
                final long location = allocateRam(entry);
                if (location != Tier.NO_SPACE)
                {
                    return location;
                }
            }
            return Tier.NO_SPACE;
        }
        finally
        {
            store.roomWantedBytes -= entry.size;
            store.roomWaiters--;
        }
    }

    /**
     * The mover found nothing it can move out of a tier: threads waiting for room in RAM give up at once rather
     * than at their deadline. Called under the lock.
     *
     * @return {@link BlockStore#DEMOTE_STUCK}.
     */
    int stuck(final int tierIndex)
    {
        if (tierIndex == store.ramIndex && store.roomWaiters > 0)
        {
            ramStuckCount++;
            store.roomMade.signalAll();
        }
        return BlockStore.DEMOTE_STUCK;
    }

    void wakeMover()
    {
        final Thread thread = store.moverRunner.thread();
        if (thread != null)
        {
            LockSupport.unpark(thread);
        }
    }

    /**
     * @return true if threads wait for room in RAM (served when the allocator takes their blocks, not when the
     * bytes add up: RAM with enough free bytes may still have no extent for a block, so the mover goes on until
     * the waiters are served or give up).
     */
    boolean roomWanted(final int tierIndex)
    {
        return tierIndex == store.ramIndex && store.roomWaiters > 0;
    }

    /**
     * Allocates in RAM only if RAM stays within its hard cap: checked before (size) and after (alignment padding)
     * the allocation, under the engine lock, so that the used bytes seen by {@link BlockStore#stats()} never pass the cap.
     */
    long allocateRam(final BlockEntry entry)
    {
        final TierSlot slot = store.slots[store.ramIndex];
        store.usageChanged = true;
        if (slot.engineLockOnly)
        {
            return allocateRamUnderHardCap(entry, slot);
        }
        // RAM's I/O lock: with a DEVICE tier the mover writes blocks demoted from it into RAM without the engine
        // lock, and the two checks against the hard cap must not interleave with that write's.
        slot.ioLock.lock();
        try
        {
            return allocateRamUnderHardCap(entry, slot);
        }
        finally
        {
            slot.ioLock.unlock();
        }
    }

    long allocateRamUnderHardCap(final BlockEntry entry, final TierSlot slot)
    {
        if (!slot.fitsUnderHardCap(entry.size))
        {
            return Tier.NO_SPACE;
        }
        final long location = store.ram.allocate(entry.id, entry.size, entry.hint != Hint.PIN_FAST);
        if (location != Tier.NO_SPACE && store.ram.usedBytes() > slot.hardCapBytes())
        {
            store.ram.free(entry.id, location);
            return Tier.NO_SPACE;
        }
        return location;
    }
}
