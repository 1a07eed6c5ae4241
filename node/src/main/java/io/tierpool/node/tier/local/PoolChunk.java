/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import java.util.Arrays;

/**
 * One chunk of a {@link SizeClassAllocator}'s region: {@code pages} pages at a chunk-aligned offset, owned by
 * one {@link PoolArena} for its life, handing out runs of whole pages with best fit, splitting and coalescing.
 * <p>
 * <b>Structure</b> (after Netty's {@code PoolChunk}, which keeps its free runs in priority queues per run size;
 * this one keeps them in intrusive lists per run length with a bitmap of non-empty lengths). A free run is
 * recorded at both ends: {@code freeLengthAt[first] = pages} and {@code freeFirstAtLast[last] = first + 1}, so a
 * freed run finds a free neighbour on either side in O(1) and merges with it: free runs are never adjacent.
 * {@link #allocateRun(int)} takes the shortest free run long enough (found with one scan of the bitmap, O(pages
 * / 64)), carves the request off its start and puts the rest back. A run in use is recorded as
 * {@code usedLengthAt[first] = pages}; a run that holds a subpage also points every one of its pages at the
 * {@link PoolSubpage}. No operation allocates.
 * <p>
 * Not thread-safe: guarded by the owning arena's lock.
 */
final class PoolChunk
{
    static final int NONE = -1;

    final PoolArena arena;
    final long offset;
    final int pages;
    final int pageShift;
    final PoolSubpage[] subpageAt;

    private final int[] freeLengthAt;
    private final int[] freeFirstAtLast;
    private final int[] usedLengthAt;
    private final int[] next;
    private final int[] previous;
    private final int[] headByLength;
    private final long[] nonEmptyLengths;
    private int freePages;

    /**
     * @param arena     the owning arena.
     * @param offset    the chunk's first byte in the region.
     * @param pages     pages in the chunk, 8 or more.
     * @param pageShift log2 of the page in bytes.
     */
    PoolChunk(final PoolArena arena, final long offset, final int pages, final int pageShift)
    {
        this.arena = arena;
        this.offset = offset;
        this.pages = pages;
        this.pageShift = pageShift;
        subpageAt = new PoolSubpage[pages];
        freeLengthAt = new int[pages];
        freeFirstAtLast = new int[pages];
        usedLengthAt = new int[pages];
        next = new int[pages];
        previous = new int[pages];
        headByLength = new int[pages + 1];
        Arrays.fill(headByLength, NONE);
        nonEmptyLengths = new long[(pages >>> 6) + 1];
        insertFree(0, pages);
        freePages = pages;
    }

    /**
     * Allocates the shortest free run of at least {@code runPages} pages, splitting it.
     *
     * @param runPages pages wanted, 1 to {@link #pages}.
     * @return the run's first page, or {@link #NONE} if no free run is long enough.
     */
    int allocateRun(final int runPages)
    {
        if (runPages > freePages)
        {
            return NONE;
        }
        final int length = shortestFreeLengthAtLeast(runPages);
        if (length == NONE)
        {
            return NONE;
        }
        final int first = headByLength[length];
        removeFree(first, length);
        if (length > runPages)
        {
            insertFree(first + runPages, length - runPages);
        }
        usedLengthAt[first] = runPages;
        freePages -= runPages;
        return first;
    }

    /**
     * Frees a run, merging it with free neighbours.
     *
     * @param first the run's first page, as {@link #allocateRun(int)} returned.
     * @return the run's length in pages.
     * @throws IllegalStateException if no run in use starts at {@code first}.
     */
    int freeRun(final int first)
    {
        final int runPages = first >= 0 && first < pages ? usedLengthAt[first] : 0;
        if (runPages == 0)
        {
            throw new IllegalStateException("no run in use starts at page " + first + " of the chunk at offset " +
                offset + " (already freed, or never allocated)");
        }
        usedLengthAt[first] = 0;
        freePages += runPages;

        int start = first;
        int end = first + runPages;
        if (start > 0 && freeFirstAtLast[start - 1] != 0)
        {
            final int lowerFirst = freeFirstAtLast[start - 1] - 1;
            removeFree(lowerFirst, start - lowerFirst);
            start = lowerFirst;
        }
        if (end < pages && freeLengthAt[end] != 0)
        {
            final int higherLength = freeLengthAt[end];
            removeFree(end, higherLength);
            end += higherLength;
        }
        insertFree(start, end - start);
        return runPages;
    }

    /**
     * @param first a page.
     * @return the length in pages of the run in use starting at {@code first}, or 0 if none does.
     */
    int usedRunPages(final int first)
    {
        return usedLengthAt[first];
    }

    /**
     * @return free pages in the chunk.
     */
    int freePages()
    {
        return freePages;
    }

    /**
     * @return true when every page is free: the chunk is one free run.
     */
    boolean isEmpty()
    {
        return freePages == pages;
    }

    /**
     * @return the longest free run in pages, 0 if none.
     */
    int longestFreeRun()
    {
        for (int word = nonEmptyLengths.length - 1; word >= 0; word--)
        {
            final long bits = nonEmptyLengths[word];
            if (bits != 0)
            {
                return (word << 6) + 63 - Long.numberOfLeadingZeros(bits);
            }
        }
        return 0;
    }

    /**
     * @return how many free runs there are (1 when the chunk is empty).
     */
    int freeRunCount()
    {
        int count = 0;
        for (int length = 1; length <= pages; length++)
        {
            for (int first = headByLength[length]; first != NONE; first = next[first])
            {
                count++;
            }
        }
        return count;
    }

    private int shortestFreeLengthAtLeast(final int runPages)
    {
        int word = runPages >>> 6;
        long bits = nonEmptyLengths[word] & (-1L << (runPages & 63));
        while (true)
        {
            if (bits != 0)
            {
                return (word << 6) + Long.numberOfTrailingZeros(bits);
            }
            if (++word == nonEmptyLengths.length)
            {
                return NONE;
            }
            bits = nonEmptyLengths[word];
        }
    }

    private void insertFree(final int first, final int length)
    {
        freeLengthAt[first] = length;
        freeFirstAtLast[first + length - 1] = first + 1;
        final int head = headByLength[length];
        next[first] = head;
        previous[first] = NONE;
        if (head != NONE)
        {
            previous[head] = first;
        }
        headByLength[length] = first;
        nonEmptyLengths[length >>> 6] |= 1L << (length & 63);
    }

    private void removeFree(final int first, final int length)
    {
        freeLengthAt[first] = 0;
        freeFirstAtLast[first + length - 1] = 0;
        final int before = previous[first];
        final int after = next[first];
        if (before != NONE)
        {
            next[before] = after;
        }
        else
        {
            headByLength[length] = after;
            if (after == NONE)
            {
                nonEmptyLengths[length >>> 6] &= ~(1L << (length & 63));
            }
        }
        if (after != NONE)
        {
            previous[after] = before;
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "PoolChunk{offset=" + offset + ", pages=" + pages + ", freePages=" + freePages + ", longestFreeRun=" +
            longestFreeRun() + '}';
    }
}
