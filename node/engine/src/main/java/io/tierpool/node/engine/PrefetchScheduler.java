/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.ChecksumMismatchException;
import io.tierpool.node.tier.Tier;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine's prefetch scheduling part: detects sequential access ({@link BlockStore#SEQUENTIAL_RUN_TRIGGER}),
 * queues prefetch requests, counts prefetch hits and runs one queued prefetch per step for the {@link Prefetcher}.
 * <p>
 * <b>Owns</b> the sequence detector (last id accessed, how far it has queued, the run length). The prefetch queue
 * and the block table belong to {@link BlockStore}.
 * <p>
 * <b>Threading.</b> {@link #noteAccess}, {@link #countPrefetchHit} and {@link #enqueuePrefetch} are called under the
 * engine lock. The sequence detector has its own small lock ({@link #detectSequence}): the RAM fast path
 * ({@link FastAccess}) feeds it without the engine lock, and the ids it asks to prefetch wait as a pending range until
 * the next {@link #drainSequence} under the engine lock queues them. {@link #prefetchStep} is called by the
 * prefetcher's thread (or an inline caller) without it and promotes with the move protocol: reserve RAM under the
 * lock, read and verify without it, commit if unchanged.
 */
final class PrefetchScheduler
{
    private final BlockStore store;

    /** Guards the sequence detector's fields below: the RAM fast path feeds it without the engine lock. */
    private final ReentrantLock sequenceLock = new ReentrantLock();

    /** Last id accessed (written under {@link #sequenceLock}; read by the prefetcher under the engine lock). */
    private volatile long lastAccessId = -1;

    private long prefetchedUpTo;

    private int sequentialRun;

    /** Ids the detector asked to prefetch, not yet queued (under {@link #sequenceLock}); none when to < from. */
    private long pendingFrom;

    private long pendingTo = -1;

    /** Some ids are pending (a hint read without the lock). */
    private volatile boolean sequencePending;

    PrefetchScheduler(final BlockStore store)
    {
        this.store = store;
    }

    /**
     * Called before every read, write or pin of a block: counts a prefetch hit if the prefetcher brought the
     * block into RAM and it is still there, and detects sequential access across consecutive block ids.
     */
    void noteAccess(final BlockEntry entry)
    {
        countPrefetchHit(entry);
        detectSequence(entry.id, true);
        drainSequence();
    }

    /**
     * Feeds the sequence detector one access, under its own small lock (any thread; the RAM fast path calls it without
     * the engine lock). When the run reaches {@link BlockStore#SEQUENTIAL_RUN_TRIGGER} the next
     * {@link StoreContext#prefetchDepth()} ids not asked for yet become pending; {@link #drainSequence()} queues them.
     *
     * @param mayWait false for the RAM fast path: if another thread is in the detector now (several threads access
     *                blocks at once, which breaks any one sequence anyway) this access is not counted, rather than
     *                wait.
     * @return the farthest id this access made pending (the ids before it were the farthest of earlier accesses),
     * or -1 if it made none.
     */
    long detectSequence(final long id, final boolean mayWait)
    {
        final int depth = store.ctx.prefetchDepth();
        if (depth == 0)
        {
            return -1;
        }
        if (mayWait)
        {
            sequenceLock.lock();
        }
        else if (!sequenceLock.tryLock())
        {
            return -1;
        }
        try
        {
            final long lastId = lastAccessId;
            if (id == lastId + 1)
            {
                sequentialRun++;
            }
            else if (id != lastId)
            {
                sequentialRun = 0;
                prefetchedUpTo = 0;
            }
            lastAccessId = id;
            long added = -1;
            if (sequentialRun >= BlockStore.SEQUENTIAL_RUN_TRIGGER)
            {
                final long last = id + depth;
                final long from = Math.max(id + 1, prefetchedUpTo + 1);
                if (from <= last)
                {
                    pendingFrom = pendingTo < pendingFrom ? from : Math.min(pendingFrom, from);
                    pendingTo = Math.max(pendingTo, last);
                    sequencePending = true;
                    added = last;
                }
                prefetchedUpTo = last;
            }
            return added;
        }
        finally
        {
            sequenceLock.unlock();
        }
    }

    /**
     * Queues the prefetches the sequence detector asked for ({@link #detectSequence}). Called under the engine lock;
     * cheap when none are pending.
     */
    void drainSequence()
    {
        if (!sequencePending)
        {
            return;
        }
        final long from;
        final long to;
        sequenceLock.lock();
        try
        {
            from = pendingFrom;
            to = pendingTo;
            pendingFrom = 0;
            pendingTo = -1;
            sequencePending = false;
        }
        finally
        {
            sequenceLock.unlock();
        }
        for (long next = from; next <= to; next++)
        {
            final BlockEntry ahead = store.blocks.get(next);
            if (ahead != null)
            {
                enqueuePrefetch(ahead, true);
            }
        }
    }

    void countPrefetchHit(final BlockEntry entry)
    {
        if (entry.prefetched)
        {
            entry.prefetched = false;
            if (entry.tier == store.ramIndex)
            {
                store.slots[entry.prefetchSource].prefetchHits++;
                store.counters.prefetchHits++;
            }
        }
    }

    boolean enqueuePrefetch(final BlockEntry entry, final boolean bySequence)
    {
        if (entry.tier <= store.ramIndex || entry.prefetchQueued || entry.state == BlockEntry.State.PROMOTING)
        {
            return false; // in RAM or in the faster DEVICE tier already, queued, or coming up now
        }
        if (store.prefetchQueue.size() >= store.ctx.prefetchQueueCapacity())
        {
            store.counters.prefetchDropped++;
            return false;
        }
        store.prefetchQueue.offerLong(entry.id);
        entry.prefetchQueued = true;
        entry.prefetchBySequence = bySequence;
        store.counters.prefetchRequests++;
        return true;
    }

    /**
     * One step of the prefetcher: promotes the next queued block if it is still below RAM.
     *
     * @return {@link BlockStore#PREFETCH_QUEUE_EMPTY}, {@link BlockStore#PREFETCH_SKIPPED} or {@link BlockStore#PREFETCH_DONE}.
     */
    int prefetchStep(final IoScratch scratch)
    {
        boolean needRoom = false;
        store.lock.lock();
        try
        {
            if (!store.closed)
            {
                drainSequence(); // prefetches the RAM fast path's sequential accesses asked for
            }
            if (store.closed || store.prefetchQueue.isEmpty())
            {
                return BlockStore.PREFETCH_QUEUE_EMPTY;
            }
            final BlockEntry next = store.blocks.get(store.prefetchQueue.peekLong());
            needRoom = next != null && next.tier > store.ramIndex && next.size <= store.slots[store.ramIndex].hardCapBytes() &&
                !store.slots[store.ramIndex].fitsUnderHardCap(next.size);
        }
        finally
        {
            store.lock.unlock();
        }
        if (needRoom)
        {
            // Make room in RAM as the mover would, writing the demoted block without the engine lock.
            store.moveProtocol.demoteStep(store.ramIndex, true, scratch);
        }

        final BlockEntry entry;
        final int from;
        final long sourceLocation;
        final long ramLocation;
        final long version;
        final int expectedCrc;
        final boolean verifiedByTier;
        store.lock.lock();
        try
        {
            if (store.closed || store.prefetchQueue.isEmpty())
            {
                return BlockStore.PREFETCH_QUEUE_EMPTY;
            }
            entry = store.blocks.get(store.prefetchQueue.pollLong());
            if (entry == null)
            {
                return BlockStore.PREFETCH_SKIPPED;
            }
            entry.prefetchQueued = false;
            if (entry.tier <= store.ramIndex || (entry.prefetchBySequence && entry.id <= lastAccessId) ||
                entry.state == BlockEntry.State.PROMOTING)
            {
                // In RAM (or the DEVICE tier) already, a sequential scan went past it before its turn came, or an
                // access is bringing it up now.
                return BlockStore.PREFETCH_SKIPPED;
            }
            // Reserve room in RAM under the lock (demoting others if needed; the cascade may move this block)...
            ramLocation = store.placement.allocateInRam(entry, BlockStore.ROOM_CASCADE);
            if (ramLocation == Tier.NO_SPACE)
            {
                return BlockStore.PREFETCH_SKIPPED;
            }
            if (store.blocks.get(entry.id) != entry || entry.state != BlockEntry.State.RESIDENT ||
                entry.tier <= store.ramIndex)
            {
                // Making room released the lock (Relocator#demoteOne) and the block was freed, promoted or is being
                // moved meanwhile: give the room back.
                store.ram.free(entry.id, ramLocation);
                store.usageChanged = true;
                return BlockStore.PREFETCH_SKIPPED;
            }
            from = entry.tier;
            sourceLocation = entry.location;
            version = entry.version;
            expectedCrc = entry.crc32c;
            verifiedByTier = store.slots[from].tier.verifiesReads() && !(from == store.deviceIndex && entry.deviceDirty);
            store.ram.wrap(ramLocation, entry.size, scratch.view);
            store.slots[from].unlink(entry);
            store.fastAccess.state(entry, BlockEntry.State.PROMOTING);
            store.promotionsInFlight++;
        }
        finally
        {
            store.unlockAndNotify();
        }

        // ...read the block into it without the engine lock, verifying its checksum...
        RuntimeException error = null;
        boolean intact = false;
        int actualCrc = 0;
        try
        {
            store.slots[from].read(entry.id, sourceLocation, scratch.view, entry.size);
            // A tier that checks what it delivers against the block's checksum spares the pass over the bytes.
            actualCrc = verifiedByTier ? expectedCrc : scratch.checksum(scratch.view, 0, entry.size);
            intact = actualCrc == expectedCrc;
        }
        catch (final RuntimeException ex)
        {
            error = ex;
        }

        // ...and switch the block to RAM only if it is still where it was read from, unchanged.
        store.lock.lock();
        try
        {
            store.promotionsInFlight--;
            store.fastAccess.state(entry,
                store.blocks.get(entry.id) == entry ? BlockEntry.State.RESIDENT : BlockEntry.State.FREED);
            store.settled.signalAll();
            if (store.closed)
            {
                return BlockStore.PREFETCH_SKIPPED;
            }
            final boolean unchanged = store.blocks.get(entry.id) == entry && entry.tier == from &&
                entry.location == sourceLocation && entry.version == version;
            final TierSlot source = store.slots[from];
            if (unchanged && intact)
            {
                source.unlink(entry);
                store.retainedCopies.retainOrFree(entry, from, sourceLocation);
                // Marked before the switch: the RAM fast path leaves the block's first access (the hit) to the
                // locked path, which counts it.
                entry.prefetched = true;
                entry.prefetchSource = from;
                store.fastAccess.place(entry, store.ramIndex, ramLocation); // bumps the version (ABA)
                store.slots[store.ramIndex].link(entry);
                store.slots[store.ramIndex].updatePeak();
                source.promotedBlocks++;
                source.promotedBytes += entry.size;
                store.counters.promotions++;
                source.prefetchesIssued++;
                store.counters.prefetchesIssued++;
                store.usageChanged = true;
                return BlockStore.PREFETCH_DONE;
            }
            store.ram.free(entry.id, ramLocation);
            store.usageChanged = true;
            if (entry.state == BlockEntry.State.RESIDENT && entry.tier == from)
            {
                source.link(entry);
            }
            if (unchanged)
            {
                if (error == null || error instanceof ChecksumMismatchException)
                {
                    source.checksumFailures++;
                    store.counters.checksumFailures++;
                }
                if (error == null)
                {
                    error = new ChecksumMismatchException(
                        entry.id, source.tier.name(), store.nodeName, entry.crc32c, actualCrc);
                }
                store.prefetchErrors.incrementAndGet();
            }
            else
            {
                error = null; // The block moved, changed or was freed meanwhile: nothing went wrong.
                store.counters.movesAbandoned++;
            }
            return BlockStore.PREFETCH_SKIPPED;
        }
        finally
        {
            store.unlockAndNotify();
            if (error != null)
            {
                store.ctx.errorHandler().onError(error);
            }
        }
    }
}
