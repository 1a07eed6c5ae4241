/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One thread's cache of recently freed small blocks, per size class, and its counters (after Netty's
 * {@code PoolThreadCache}).
 * <p>
 * Each small class has a bounded stack of block offsets: a free by the owning thread pushes the block if there
 * is room, and the next allocation of that class by the same thread pops it without taking any lock (a cache
 * hit). The stack is last in, first out, so that the block handed out is the one most likely still in the CPU
 * cache. Every {@code trimIntervalAllocations} allocations the cache gives back to the arenas, per class, the
 * blocks beyond the number of hits the class had since the last trim, oldest first: a class the thread stopped
 * using drains to empty.
 * <p>
 * <b>Threading:</b> only the owning thread calls the methods, except {@link #releaseAll(SizeClassAllocator)}
 * and the counter reads, which the allocator also calls once the owner has died (its termination happens before
 * the allocator sees it dead) or for statistics (the counters are written with ordered stores by the owner and
 * read with volatile loads, so a reader sees a recent value).
 */
final class PoolThreadCache
{
    final Thread owner;
    final PoolArena arena;
    final AtomicLongArray allocations;
    final AtomicLongArray frees;
    final AtomicLongArray cacheHits;
    int seenFlushEpoch;

    private final long[][] stacks;
    private final int[] counts;
    private final int[] hitsSinceTrim;
    private final int trimIntervalAllocations;
    private int allocationsSinceTrim;

    /**
     * @param owner                   the thread that uses the cache.
     * @param arena                   the thread's arena.
     * @param classCount              all size classes (counters are kept for each).
     * @param limits                  blocks the cache may hold per small class (0 disables caching of it).
     * @param trimIntervalAllocations allocations between trims.
     * @param flushEpoch              the allocator's flush epoch now.
     */
    PoolThreadCache(
        final Thread owner,
        final PoolArena arena,
        final int classCount,
        final int[] limits,
        final int trimIntervalAllocations,
        final int flushEpoch)
    {
        this.owner = owner;
        this.arena = arena;
        this.allocations = new AtomicLongArray(classCount);
        this.frees = new AtomicLongArray(classCount);
        this.cacheHits = new AtomicLongArray(classCount);
        this.stacks = new long[limits.length][];
        for (int i = 0; i < limits.length; i++)
        {
            stacks[i] = new long[limits[i]];
        }
        this.counts = new int[limits.length];
        this.hitsSinceTrim = new int[limits.length];
        this.trimIntervalAllocations = trimIntervalAllocations;
        this.seenFlushEpoch = flushEpoch;
    }

    /**
     * Pops a cached block of a small class.
     *
     * @param sizeIndex the small class.
     * @return the block's offset in the region, or -1 if none is cached.
     */
    long take(final int sizeIndex)
    {
        final int count = counts[sizeIndex];
        if (count == 0)
        {
            return -1;
        }
        counts[sizeIndex] = count - 1;
        hitsSinceTrim[sizeIndex]++;
        cacheHits.lazySet(sizeIndex, cacheHits.get(sizeIndex) + 1);
        return stacks[sizeIndex][count - 1];
    }

    /**
     * Pushes a freed block of a small class, if there is room.
     *
     * @param sizeIndex the small class.
     * @param offset    the block's offset in the region.
     * @return true if cached; false if the caller must give the block back to its arena.
     */
    boolean offer(final int sizeIndex, final long offset)
    {
        final long[] stack = stacks[sizeIndex];
        final int count = counts[sizeIndex];
        if (count == stack.length)
        {
            return false;
        }
        stack[count] = offset;
        counts[sizeIndex] = count + 1;
        return true;
    }

    /**
     * Counts an allocation by the owner and trims the cache every {@code trimIntervalAllocations} of them.
     *
     * @param sizeIndex the class allocated.
     * @param allocator the allocator, to give trimmed blocks back to.
     */
    void countAllocation(final int sizeIndex, final SizeClassAllocator allocator)
    {
        allocations.lazySet(sizeIndex, allocations.get(sizeIndex) + 1);
        if (++allocationsSinceTrim >= trimIntervalAllocations)
        {
            allocationsSinceTrim = 0;
            trim(allocator);
        }
    }

    /**
     * Counts a free by the owner.
     *
     * @param sizeIndex the class freed.
     */
    void countFree(final int sizeIndex)
    {
        frees.lazySet(sizeIndex, frees.get(sizeIndex) + 1);
    }

    /**
     * @param sizeIndex a small class.
     * @return blocks of it cached now.
     */
    int cached(final int sizeIndex)
    {
        return counts[sizeIndex];
    }

    /**
     * Gives every cached block back to its arena.
     *
     * @param allocator the allocator the blocks came from.
     * @return how many blocks went back.
     */
    int releaseAll(final SizeClassAllocator allocator)
    {
        int released = 0;
        for (int sizeIndex = 0; sizeIndex < counts.length; sizeIndex++)
        {
            released += release(allocator, sizeIndex, counts[sizeIndex]);
            hitsSinceTrim[sizeIndex] = 0;
        }
        return released;
    }

    /**
     * Forgets every cached block without giving it back: for a closed allocator whose memory is gone.
     */
    void discard()
    {
        for (int sizeIndex = 0; sizeIndex < counts.length; sizeIndex++)
        {
            counts[sizeIndex] = 0;
        }
    }

    private void trim(final SizeClassAllocator allocator)
    {
        for (int sizeIndex = 0; sizeIndex < counts.length; sizeIndex++)
        {
            final int excess = counts[sizeIndex] - hitsSinceTrim[sizeIndex];
            if (excess > 0)
            {
                release(allocator, sizeIndex, excess);
            }
            hitsSinceTrim[sizeIndex] = 0;
        }
    }

    private int release(final SizeClassAllocator allocator, final int sizeIndex, final int oldest)
    {
        final int count = counts[sizeIndex];
        if (oldest <= 0 || count == 0)
        {
            return 0;
        }
        final long[] stack = stacks[sizeIndex];
        final int n = Math.min(oldest, count);
        for (int i = 0; i < n; i++)
        {
            allocator.freeToArena(stack[i], sizeIndex);
        }
        System.arraycopy(stack, n, stack, 0, count - n);
        counts[sizeIndex] = count - n;
        return n;
    }
}
