/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import org.agrona.collections.LongArrayList;

import java.util.Arrays;
import java.util.function.LongUnaryOperator;

/**
 * One search of a {@link SizeClassAllocator} for room by moving blocks out: the window of {@code runPages}
 * contiguous pages of one chunk whose occupants can all move and cost least to move (or, {@code low}, the cheapest
 * such window of the lowest chunk that has one, the lowest among equals: a free window there costs nothing), and
 * the handles of the blocks in it.
 * <p>
 * <b>Algorithm.</b> Chunks are offered in address order ({@link #scan(PoolChunk)}, under the chunk's arena lock).
 * A chunk's pages are walked once, run by run (free runs skipped), and each run in use gets a cost: the sum of
 * {@code costOf(handle)} over its blocks (one for a large block's run, every element in use for a subpage), or
 * "immovable" if any of them returns a negative cost. A window {@code [w, w + runPages)} then costs the sum of the
 * runs it overlaps (a run is moved whole even where it only overlaps the window's edge); two pointers slide over
 * the runs as {@code w} goes from the chunk's first page to its last, so a chunk costs O(pages + blocks in it).
 * Ties go to the higher window, where the allocator places large runs (see {@link PoolChunk}), or, {@code low}, to
 * the lower one. Emptying the window
 * frees every page of it, and free runs coalesce, so the chunk then holds a free run of at least
 * {@code runPages} pages. Elements held in thread caches are in use for the subpage's bitmap; the caller maps
 * them to a negative cost (they are no block it can move).
 * <p>
 * Not thread-safe: one search, on one thread, used once.
 */
final class RoomFinder
{
    private final int runPages;
    private final boolean low;
    private final LongUnaryOperator costOf;
    private final LongArrayList handles;
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private long[] costs = new long[16];
    private boolean found;
    private boolean done;
    private long bestCost;

    /**
     * @param runPages pages the window spans, 1 or more.
     * @param low      true for the cheapest window of the lowest chunk with one, false for the cheapest of all.
     * @param costOf   cost of moving the block with a handle, 0 or more, or negative if it cannot move.
     * @param handles  cleared; receives the handles of the blocks in the chosen window.
     */
    RoomFinder(final int runPages, final boolean low, final LongUnaryOperator costOf, final LongArrayList handles)
    {
        this.runPages = runPages;
        this.low = low;
        this.costOf = costOf;
        this.handles = handles;
        handles.clear();
    }

    /**
     * @return true once a window was found (its blocks are in the handles list).
     */
    boolean found()
    {
        return found;
    }

    /**
     * @return true when no later chunk can give a better window (a low window was asked for and found).
     */
    boolean done()
    {
        return done;
    }

    /**
     * Looks for the window in one chunk, keeping it if it beats the best so far. Called with the chunk's arena lock
     * held, chunks in address order.
     *
     * @param chunk a chunk in use.
     */
    void scan(final PoolChunk chunk)
    {
        final int pages = chunk.pages;
        if (done || runPages > pages)
        {
            return;
        }
        int runs = 0;
        int page = 0;
        while (page < pages)
        {
            final int free = chunk.freeRunPages(page);
            if (free > 0)
            {
                page += free;
                continue;
            }
            final int length = chunk.usedRunPages(page);
            if (runs == starts.length)
            {
                grow();
            }
            starts[runs] = page;
            ends[runs] = page + length;
            costs[runs] = runCost(chunk, page);
            runs++;
            page += length;
        }

        int lo = 0;
        int hi = 0;
        long windowCost = 0;
        int immovable = 0;
        int bestLo = -1;
        int bestHi = -1;
        long chunkBest = Long.MAX_VALUE;
        for (int w = 0; w + runPages <= pages; w++)
        {
            while (hi < runs && starts[hi] < w + runPages)
            {
                if (costs[hi] < 0)
                {
                    immovable++;
                }
                else
                {
                    windowCost += costs[hi];
                }
                hi++;
            }
            while (lo < hi && ends[lo] <= w)
            {
                if (costs[lo] < 0)
                {
                    immovable--;
                }
                else
                {
                    windowCost -= costs[lo];
                }
                lo++;
            }
            if (immovable == 0 && (windowCost < chunkBest || (!low && windowCost == chunkBest)))
            {
                chunkBest = windowCost;
                bestLo = lo;
                bestHi = hi;
                if (low && windowCost == 0)
                {
                    break;
                }
            }
        }
        if (bestLo < 0 || (found && chunkBest > bestCost))
        {
            return;
        }
        found = true;
        done = low;
        bestCost = chunkBest;
        handles.clear();
        for (int r = bestLo; r < bestHi; r++)
        {
            addHandles(chunk, starts[r]);
        }
    }

    private long runCost(final PoolChunk chunk, final int first)
    {
        final PoolSubpage subpage = chunk.subpageAt[first];
        if (subpage == null)
        {
            final long cost = costOf.applyAsLong(runHandle(chunk, first));
            return cost < 0 ? -1 : cost;
        }
        long total = 0;
        for (int element = 0; element < subpage.elements; element++)
        {
            if (subpage.isInUse(element))
            {
                final long cost = costOf.applyAsLong(elementHandle(subpage, element));
                if (cost < 0)
                {
                    return -1;
                }
                total += cost;
            }
        }
        return total;
    }

    private void addHandles(final PoolChunk chunk, final int first)
    {
        final PoolSubpage subpage = chunk.subpageAt[first];
        if (subpage == null)
        {
            handles.addLong(runHandle(chunk, first));
            return;
        }
        for (int element = 0; element < subpage.elements; element++)
        {
            if (subpage.isInUse(element))
            {
                handles.addLong(elementHandle(subpage, element));
            }
        }
    }

    private static long runHandle(final PoolChunk chunk, final int first)
    {
        return SizeClassAllocator.handle(chunk.offset + ((long)first << chunk.pageShift), chunk.runClass(first));
    }

    private static long elementHandle(final PoolSubpage subpage, final int element)
    {
        return SizeClassAllocator.handle(subpage.runOffset + (long)element * subpage.elementBytes, subpage.sizeIndex);
    }

    private void grow()
    {
        final int length = starts.length * 2;
        starts = Arrays.copyOf(starts, length);
        ends = Arrays.copyOf(ends, length);
        costs = Arrays.copyOf(costs, length);
    }
}
