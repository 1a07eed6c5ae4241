/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The RAM fast path of {@link BlockStore#read} and {@link BlockStore#write}: a block that lies in RAM and is settled
 * ({@link BlockEntry.State#RESIDENT}, not fenced by a locked move, not just prefetched, and for a write without a
 * retained copy below) is copied in or out with no engine lock held, so that threads reading and writing different
 * RAM blocks never wait for each other. Everything else falls back to the locked path ({@link BlockAccess}).
 * <p>
 * <b>How.</b> Under the block's stripe lock ({@link BlockTable}) the path looks the entry up, checks its state and the
 * range and registers the access on the entry ({@link BlockEntry#readers}, or {@link BlockEntry#writing} for a
 * write, which also bumps {@link BlockEntry#version} and marks the checksum stale, as the locked path's write does);
 * it releases the stripe lock, copies the bytes with no lock held, and under the stripe lock again ends the access
 * (a write bumps the version again). Reads of one block run together; a write excludes every other access to its
 * block (an access that meets a conflicting one waits on the stripe's monitor, without the engine lock), so a read
 * never sees half a write, as with the locked path.
 * <p>
 * <b>Why it is safe.</b> Every change of an entry's state, tier, location or version, and its removal from the
 * table, is made under its stripe lock too (the writers hold the engine lock, then the stripe lock), so the fast
 * path sees them consistently. A RAM extent an entry leaves (free, the switch-over of a move, a return to a
 * retained copy) is released through {@link #releaseRam}: at once if no fast access is in flight on the entry,
 * else handed to the last one to leave, which frees it ({@link #end}). The move protocol's commit claims the entry
 * ({@link #claimForCommit}): it must be unchanged (version) with no fast write in flight, and it stays marked
 * {@link BlockEntry.State#DEMOTING} until the switch-over is made, so no write starts in between; a write that
 * started after the copy was staged changed the version, one still in flight is seen, and the move is abandoned.
 * A move made under the engine lock out of RAM first fences the entry ({@link #fence}: no new fast access, and it
 * waits for a write in flight, a bounded wait for one copy that does not need the engine lock). The locked path's
 * own copies in RAM register the same way ({@link #beginLocked}), so they exclude conflicting fast accesses.
 * {@link BlockStore#close()} waits until no fast access is in flight before it closes RAM ({@link #awaitQuiescent}).
 * <p>
 * <b>Recency without the engine lock</b> (BP-Wrapper: X. Ding, S. Jiang, F. Chen, X. Zhang, "BP-Wrapper: A System
 * Framework Making Any Replacement Algorithms (Almost) Lock Contention Free", ICDE 2009; Caffeine's read buffer is
 * the same idea). The fast path cannot touch the LRU/CLOCK lists, which the engine lock guards: it records the id of
 * each block it accessed in a small lossy buffer of its stripe ({@value #ACCESS_BUFFER_LENGTH} ids, no allocation,
 * no boxing; an access is dropped when the buffer is full), and the buffers are applied to the lists in one batch
 * under the engine lock ({@link #drain}) by the next locked operation (on its way out, {@link BlockStore#unlockAndNotify}),
 * by the mover before it chooses victims, or by a fast access that finds a buffer half full and the engine lock free
 * ({@code tryLock}, never a wait). The sequential-access detector is fed the same way
 * ({@link PrefetchScheduler#detectSequence}, its own small lock) and its prefetch requests are queued by the next
 * drain.
 * <p>
 * <b>Statistics.</b> The fast path records read and write latencies in RAM's histograms (their own monitors) and
 * updates no counter written under the engine lock: a block brought in by the prefetcher takes the locked path on its
 * first access, which counts the prefetch hit.
 * <p>
 * <b>Owns</b> the per-thread views over RAM; the stripes' buffers and retired extents live in {@link BlockTable.Stripe}.
 * Thread-safe.
 */
final class FastAccess
{
    /** Ids of accessed blocks a stripe buffers before they are applied to the LRU/CLOCK lists. */
    static final int ACCESS_BUFFER_LENGTH = 32;

    private final BlockStore store;
    private final BlockTable table;
    private final int ramIndex;
    private final ThreadLocal<UnsafeBuffer> views = ThreadLocal.withInitial(() -> new UnsafeBuffer(new byte[0]));
    private final long[] drainIds = new long[ACCESS_BUFFER_LENGTH];
    /** Some stripe buffered accesses since the last drain (a hint: read and set without a lock). */
    private volatile boolean accessesPending;
    /** Test hook: run by a fast access after it registered and before it copies; null in production. */
    volatile Runnable copyHook;

    FastAccess(final BlockStore store, final BlockTable table, final int ramIndex)
    {
        this.store = store;
        this.table = table;
        this.ramIndex = ramIndex;
    }

    /**
     * Reads a RAM block with no engine lock, if it is settled in RAM and the ranges are valid.
     *
     * @return true if the bytes were copied; false to take the locked path (which also throws for bad arguments).
     */
    boolean tryRead(
        final long blockId,
        final long blockOffset,
        final MutableDirectBuffer dstBuffer,
        final byte[] dstArray,
        final int dstOffset,
        final int length)
    {
        if (!validTarget(dstBuffer, dstArray, dstOffset, length))
        {
            return false;
        }
        return access(blockId, blockOffset, null, null, dstBuffer, dstArray, dstOffset, length, false);
    }

    /**
     * Writes a RAM block with no engine lock, if it is settled in RAM, has no retained copy and the ranges are
     * valid.
     *
     * @return true if the bytes were copied; false to take the locked path (which also throws for bad arguments).
     */
    boolean tryWrite(
        final long blockId,
        final long blockOffset,
        final DirectBuffer srcBuffer,
        final byte[] srcArray,
        final int srcOffset,
        final int length)
    {
        final int capacity = srcArray != null ? srcArray.length : srcBuffer.capacity();
        if (srcOffset < 0 || length < 0 || srcOffset > capacity - length)
        {
            return false;
        }
        return access(blockId, blockOffset, srcBuffer, srcArray, null, null, srcOffset, length, true);
    }

    private static boolean validTarget(
        final MutableDirectBuffer dstBuffer, final byte[] dstArray, final int dstOffset, final int length)
    {
        final int capacity = dstArray != null ? dstArray.length : dstBuffer.capacity();
        return dstOffset >= 0 && length >= 0 && dstOffset <= capacity - length;
    }

    private boolean access(
        final long blockId,
        final long blockOffset,
        final DirectBuffer srcBuffer,
        final byte[] srcArray,
        final MutableDirectBuffer dstBuffer,
        final byte[] dstArray,
        final int offset,
        final int length,
        final boolean write)
    {
        final long startNs = store.nanoClock.nanoTime();
        final BlockTable.Stripe stripe = table.stripe(blockId);
        final BlockEntry entry;
        final long location;
        final boolean recorded;
        synchronized (stripe)
        {
            BlockEntry found;
            while (true)
            {
                found = BlockTable.lookup(stripe, blockId);
                if (found == null || store.closed || found.state != BlockEntry.State.RESIDENT ||
                    found.tier != ramIndex || found.fenced != 0 || found.prefetched ||
                    blockOffset < 0 || blockOffset > found.size - length || (write && found.copyTier != BlockEntry.NO_TIER))
                {
                    return false;
                }
                if (!(found.writing || (write && found.readers > 0)))
                {
                    break;
                }
                // A conflicting access to this block is in flight: wait for it (no engine lock held), then look again.
                if (!awaitStripe(stripe))
                {
                    return false;
                }
            }
            entry = found;
            if (write)
            {
                entry.writing = true;
                entry.version++;
                entry.crcStale = true;
            }
            else
            {
                entry.readers++;
            }
            stripe.inFlight++;
            location = entry.location;
            recorded = record(stripe, blockId);
        }

        try
        {
            final Runnable hook = copyHook;
            if (hook != null)
            {
                hook.run();
            }
            final UnsafeBuffer view = views.get();
            store.ram.wrap(location, entry.size, view);
            if (write)
            {
                BlockAccess.put(view, (int)blockOffset, srcBuffer, srcArray, offset, length);
            }
            else if (dstArray != null)
            {
                view.getBytes((int)blockOffset, dstArray, offset, length);
            }
            else
            {
                view.getBytes((int)blockOffset, dstBuffer, offset, length);
            }
        }
        finally
        {
            end(stripe, entry, write);
        }

        final long ahead = store.prefetchScheduler.detectSequence(blockId, false);
        if ((ahead >= 0 && !settledInRam(ahead)) || (recorded && stripe.accessedCount >= ACCESS_BUFFER_LENGTH / 2))
        {
            // Queue the prefetches the detector asked for (at once only where the block ahead is not in RAM already:
            // nothing to prefetch otherwise), and apply the buffered accesses, if nobody holds the engine lock now;
            // else the next locked operation does.
            if (store.lock.tryLock())
            {
                try
                {
                    drain();
                }
                finally
                {
                    store.unlockAndNotify();
                }
            }
        }
        final TierSlot ram = store.slots[ramIndex];
        ram.recordLatency(write ? ram.writeLatency : ram.readLatency, store.nanoClock.nanoTime() - startNs);
        return true;
    }

    /**
     * @return true if the block is settled in RAM now (looked up under its stripe lock).
     */
    private boolean settledInRam(final long blockId)
    {
        final BlockTable.Stripe stripe = table.stripe(blockId);
        synchronized (stripe)
        {
            final BlockEntry entry = BlockTable.lookup(stripe, blockId);
            return entry != null && entry.tier == ramIndex && entry.state == BlockEntry.State.RESIDENT;
        }
    }

    /**
     * Buffers an access for the LRU/CLOCK lists (under the stripe lock); drops it if the buffer is full.
     */
    private boolean record(final BlockTable.Stripe stripe, final long blockId)
    {
        if (stripe.accessedCount == ACCESS_BUFFER_LENGTH)
        {
            return false;
        }
        stripe.accessed[stripe.accessedCount++] = blockId;
        if (!accessesPending)
        {
            accessesPending = true;
        }
        return true;
    }

    /**
     * Waits on a stripe's monitor (held) for an access in flight to end.
     *
     * @return false if the thread was interrupted (its interrupt status is set again).
     */
    private static boolean awaitStripe(final BlockTable.Stripe stripe)
    {
        stripe.waiters++;
        try
        {
            stripe.wait();
            return true;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
        finally
        {
            stripe.waiters--;
        }
    }

    /**
     * Waits on a stripe's monitor (held), not giving up when interrupted: for callers that hold the engine lock and
     * wait for a copy in flight that needs no engine lock to end.
     */
    private static void awaitStripeUninterruptibly(final BlockTable.Stripe stripe)
    {
        boolean interrupted = false;
        stripe.waiters++;
        try
        {
            while (true)
            {
                try
                {
                    stripe.wait();
                    return;
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
            }
        }
        finally
        {
            stripe.waiters--;
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Ends an access (fast or {@link #beginLocked locked}): a write bumps the version again; the last access to leave
     * an entry frees the RAM extents it left meanwhile ({@link #releaseRam}).
     */
    void end(final BlockTable.Stripe stripe, final BlockEntry entry, final boolean write)
    {
        synchronized (stripe)
        {
            if (write)
            {
                entry.version++;
                entry.writing = false;
            }
            else
            {
                entry.readers--;
            }
            if (stripe.retiredCount > 0 && entry.readers == 0 && !entry.writing)
            {
                freeRetired(stripe, entry);
            }
            stripe.inFlight--;
            if (stripe.waiters > 0)
            {
                stripe.notifyAll();
            }
        }
    }

    /**
     * Frees the RAM extents an entry left while accesses were in flight (under the stripe lock; RAM's allocator has
     * its own locks and never takes a stripe lock).
     */
    private void freeRetired(final BlockTable.Stripe stripe, final BlockEntry entry)
    {
        int k = 0;
        while (k < stripe.retiredCount)
        {
            if (stripe.retiredEntries[k] == entry)
            {
                final long location = stripe.retiredLocations[k];
                final int last = --stripe.retiredCount;
                stripe.retiredEntries[k] = stripe.retiredEntries[last];
                stripe.retiredLocations[k] = stripe.retiredLocations[last];
                stripe.retiredEntries[last] = null;
                if (!store.closed)
                {
                    store.ram.free(entry.id, location);
                }
            }
            else
            {
                k++;
            }
        }
    }

    /**
     * Releases a RAM extent an entry has left (its fields were switched, or it was removed from the table, under the
     * stripe lock first, so no new fast access reaches it): freed now if no access is in flight on the entry, else
     * by the last one to leave. Called under the engine lock.
     */
    void releaseRam(final BlockEntry entry, final long location)
    {
        final BlockTable.Stripe stripe = table.stripe(entry.id);
        synchronized (stripe)
        {
            if (retireIfInFlight(stripe, entry, location))
            {
                return;
            }
        }
        store.usageChanged = true;
        store.slots[ramIndex].free(entry.id, location);
    }

    /**
     * Under the entry's stripe lock: if an access is in flight on the entry, hands its RAM extent to the last one
     * out and returns true; else returns false (the caller frees it after releasing the stripe lock).
     */
    private static boolean retireIfInFlight(final BlockTable.Stripe stripe, final BlockEntry entry, final long location)
    {
        if (entry.readers > 0 || entry.writing)
        {
            if (stripe.retiredCount == stripe.retiredEntries.length)
            {
                stripe.retiredEntries = java.util.Arrays.copyOf(stripe.retiredEntries, 2 * stripe.retiredCount);
                stripe.retiredLocations = java.util.Arrays.copyOf(stripe.retiredLocations, 2 * stripe.retiredCount);
            }
            stripe.retiredEntries[stripe.retiredCount] = entry;
            stripe.retiredLocations[stripe.retiredCount] = location;
            stripe.retiredCount++;
            return true;
        }
        return false;
    }

    /**
     * Removes a block being freed from the table ({@link BlockTable#remove}) and frees its copy (in RAM
     * through {@link #releaseRam}'s rule, elsewhere as {@link BlockStore#freeCopy}); for a block in RAM both in one step under its stripe lock. Called under the engine lock.
     */
    void removeAndReleaseCopy(final BlockEntry entry)
    {
        if (entry.tier != ramIndex)
        {
            table.remove(entry);
            store.freeCopy(entry.tier, entry.id, entry.location);
            return;
        }
        final long location = entry.location;
        final BlockTable.Stripe stripe = table.stripe(entry.id);
        synchronized (stripe)
        {
            table.removeLocked(stripe, entry);
            if (retireIfInFlight(stripe, entry, location))
            {
                return;
            }
        }
        store.usageChanged = true;
        store.slots[ramIndex].free(entry.id, location);
    }


    /**
     * Registers a copy in RAM made by the locked path (the engine lock held), so that it excludes conflicting fast
     * accesses to the block: waits for them to end (they need no engine lock), then registers as they do. End it
     * with {@link #end}.
     *
     * @return the entry's stripe, for {@link #end}.
     */
    BlockTable.Stripe beginLocked(final BlockEntry entry, final boolean write)
    {
        final BlockTable.Stripe stripe = table.stripe(entry.id);
        synchronized (stripe)
        {
            while (entry.writing || (write && entry.readers > 0))
            {
                awaitStripeUninterruptibly(stripe);
            }
            if (write)
            {
                entry.writing = true;
                entry.version++;
                entry.crcStale = true;
            }
            else
            {
                entry.readers++;
            }
            stripe.inFlight++;
        }
        return stripe;
    }

    /**
     * Stops new fast accesses to an entry and waits for a fast write in flight to end (a bounded wait: one copy,
     * which needs no engine lock), for a move out of RAM made under the engine lock, which reads the block's RAM
     * bytes and switches it over without a version check. Undo with {@link #unfence}.
     */
    void fence(final BlockEntry entry)
    {
        final BlockTable.Stripe stripe = table.stripe(entry.id);
        synchronized (stripe)
        {
            entry.fenced++;
            while (entry.writing)
            {
                awaitStripeUninterruptibly(stripe);
            }
        }
    }

    void unfence(final BlockEntry entry)
    {
        synchronized (table.stripe(entry.id))
        {
            entry.fenced--;
        }
    }

    /**
     * The commit of the move protocol, under the engine lock: claims the entry for the switch-over if its version is
     * the one the move staged and no fast write is in flight, marking it {@link BlockEntry.State#DEMOTING} (if it is
     * not already) so that no fast access starts before the switch-over; the caller sets it
     * {@link BlockEntry.State#RESIDENT} afterwards.
     *
     * @return true if claimed; false if the block was written meanwhile (abandon the move).
     */
    boolean claimForCommit(final BlockEntry entry, final long version)
    {
        synchronized (table.stripe(entry.id))
        {
            if (entry.writing || entry.version != version ||
                (entry.state != BlockEntry.State.DEMOTING && entry.state != BlockEntry.State.RESIDENT))
            {
                return false;
            }
            entry.state = BlockEntry.State.DEMOTING;
            return true;
        }
    }

    /**
     * Sets an entry's state under its stripe lock (the caller holds the engine lock).
     */
    void state(final BlockEntry entry, final BlockEntry.State state)
    {
        synchronized (table.stripe(entry.id))
        {
            entry.state = state;
        }
    }

    /**
     * Bumps an entry's version under its stripe lock (the caller holds the engine lock); with {@code stale}, marks
     * its checksum stale too (a write or a pin).
     */
    void bumpVersion(final BlockEntry entry, final boolean stale)
    {
        synchronized (table.stripe(entry.id))
        {
            entry.version++;
            if (stale)
            {
                entry.crcStale = true;
            }
        }
    }

    /**
     * Switches an entry to a new tier and location and bumps its version (every location change, so that no move in
     * flight mistakes a block that left and came back for one that stayed, ABA), under its stripe lock (the caller
     * holds the engine lock).
     */
    void place(final BlockEntry entry, final int tier, final long location)
    {
        if (!entry.published)
        {
            entry.placeUnpublished(tier, location, false, 0);
            return;
        }
        synchronized (table.stripe(entry.id))
        {
            entry.tier = tier;
            entry.location = location;
            entry.version++;
        }
    }

    /**
     * {@link #place}, and records the checksum of the block's bytes there as current, in the same step under the
     * stripe lock: a fast write that starts once the block is in RAM marks it stale after this, never before.
     */
    void placeClean(final BlockEntry entry, final int tier, final long location, final int crc)
    {
        if (!entry.published)
        {
            entry.placeUnpublished(tier, location, true, crc);
            return;
        }
        synchronized (table.stripe(entry.id))
        {
            entry.tier = tier;
            entry.location = location;
            entry.version++;
            entry.crc32c = crc;
            entry.crcStale = false;
        }
    }

    /**
     * Applies the accesses the fast path buffered to the LRU/CLOCK lists of RAM, and queues the prefetches the
     * sequential-access detector asked for. Called under the engine lock; cheap when there is nothing to do.
     */
    void drain()
    {
        store.prefetchScheduler.drainSequence();
        if (!accessesPending)
        {
            return;
        }
        accessesPending = false;
        final TierSlot ram = store.slots[ramIndex];
        for (int s = 0, n = table.stripeCount(); s < n; s++)
        {
            final BlockTable.Stripe stripe = table.stripeAt(s);
            if (stripe.accessedCount == 0)
            {
                continue;
            }
            final int count;
            synchronized (stripe)
            {
                count = stripe.accessedCount;
                System.arraycopy(stripe.accessed, 0, drainIds, 0, count);
                stripe.accessedCount = 0;
            }
            for (int k = 0; k < count; k++)
            {
                final BlockEntry entry = table.get(drainIds[k]);
                if (entry != null && entry.tier == ramIndex)
                {
                    ram.touch(entry);
                }
            }
        }
    }

    /**
     * Waits until no fast access is in flight in any stripe: the store closing ({@link BlockStore#closed} set
     * first, so none starts), before RAM is closed. Called under the engine lock; the accesses need none.
     */
    void awaitQuiescent()
    {
        for (int s = 0, n = table.stripeCount(); s < n; s++)
        {
            final BlockTable.Stripe stripe = table.stripeAt(s);
            synchronized (stripe)
            {
                while (stripe.inFlight > 0)
                {
                    awaitStripeUninterruptibly(stripe);
                }
                stripe.retiredCount = 0;
                java.util.Arrays.fill(stripe.retiredEntries, null);
            }
        }
    }
}
