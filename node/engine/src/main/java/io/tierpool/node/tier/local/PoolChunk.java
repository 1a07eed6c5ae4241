/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import java.util.Arrays;

/**
 * One chunk of a {@link SizeClassAllocator}'s region: {@code pages} pages at a chunk-aligned offset, owned by
 * one {@link PoolArena} for its life, handing out runs of whole pages with splitting and coalescing.
 * <p>
 * <b>Structure</b> (after Netty's {@code PoolChunk}, which keeps its free runs in priority queues per run size;
 * this one keeps them in intrusive lists per run length with a bitmap of non-empty lengths). A free run is
 * recorded at both ends: {@code freeLengthAt[first] = pages} and {@code freeFirstAtLast[last] = first + 1}, so a
 * freed run finds a free neighbour on either side in O(1) and merges with it: free runs are never adjacent. A
 * second bitmap marks the pages where a free run starts. A run in use is recorded as
 * {@code usedLengthAt[first] = pages} and {@code classAt[first] = size class + 1}; a run that holds a subpage also
 * points every one of its pages at the {@link PoolSubpage}. No operation allocates.
 * <p>
 * <b>Placement: two ends.</b> Small runs (the runs of subpages, which hold many small blocks and live as long as
 * the longest-lived of them) and large runs (one block each) are kept apart, so that a few long-lived small blocks
 * cannot shatter the space large blocks need:
 * <ul>
 * <li>a <em>low</em> run ({@link #allocateRun(int, int, boolean) low = true}) takes the free run of enough pages
 * with the lowest address and is carved off its start: small runs pile up from the chunk's first page, as in an
 * address-ordered first fit (the policy Johnstone and Wilson found to fragment least, and the one Netty's
 * {@code PoolChunk} approximates by taking the lowest run offset among equals);</li>
 * <li>a <em>high</em> run takes the shortest free run long enough (best fit, O(pages / 64) with the length bitmap,
 * as before) and is carved off its <em>end</em>: large runs fill the chunk from its last page down.</li>
 * </ul>
 * The free space of a chunk then tends to be one run between the two piles, and a run freed in either pile is
 * reused by its own kind first. The idea of growing two kinds of allocation from the two ends of one space is
 * the classic two-ended heap (small and large, or short- and long-lived, objects from opposite ends).
 * A low run costs O(pages / 64 + free runs below the one taken); only subpage creation uses it, which thread caches
 * and the arena's subpage lists keep off the steady-state allocate and free path.
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
    private final int[] classAt;
    private final int[] next;
    private final int[] previous;
    private final int[] headByLength;
    private final long[] nonEmptyLengths;
    private final long[] freeStarts;
    private int freePages;
    /** Set, under the arena's lock, once the chunk went back to the region. */
    boolean released;

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
        classAt = new int[pages];
        next = new int[pages];
        previous = new int[pages];
        headByLength = new int[pages + 1];
        Arrays.fill(headByLength, NONE);
        nonEmptyLengths = new long[(pages >>> 6) + 1];
        freeStarts = new long[(pages >>> 6) + 1];
        insertFree(0, pages);
        freePages = pages;
    }

    /**
     * Allocates a run of {@code runPages} pages, splitting the free run it comes from: at the low end of the chunk
     * ({@code low}: the lowest free run long enough, carved off its start) or best fit from the high end (the
     * shortest free run long enough, carved off its end). See the class comment.
     *
     * @param runPages  pages wanted, 1 to {@link #pages}.
     * @param sizeIndex the size class the run is for, recorded so that the run's handle can be rebuilt.
     * @param low       true for a subpage's run, false for a large block's run.
     * @return the run's first page, or {@link #NONE} if no free run is long enough.
     */
    int allocateRun(final int runPages, final int sizeIndex, final boolean low)
    {
        if (runPages > freePages)
        {
            return NONE;
        }
        final int from;
        final int length;
        if (low)
        {
            from = lowestFreeRunAtLeast(runPages);
            if (from == NONE)
            {
                return NONE;
            }
            length = freeLengthAt[from];
        }
        else
        {
            length = shortestFreeLengthAtLeast(runPages);
            if (length == NONE)
            {
                return NONE;
            }
            from = headByLength[length];
        }
        removeFree(from, length);
        final int first;
        if (length == runPages)
        {
            first = from;
        }
        else if (low)
        {
            first = from;
            insertFree(from + runPages, length - runPages);
        }
        else
        {
            first = from + length - runPages;
            insertFree(from, length - runPages);
        }
        usedLengthAt[first] = runPages;
        classAt[first] = sizeIndex + 1;
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
        classAt[first] = 0;
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
     * @param first a page.
     * @return the size class of the run in use starting at {@code first}, or -1 if none does.
     */
    int runClass(final int first)
    {
        return classAt[first] - 1;
    }

    /**
     * @param first a page.
     * @return the length in pages of the free run starting at {@code first}, or 0 if none does.
     */
    int freeRunPages(final int first)
    {
        return freeLengthAt[first];
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

    private int lowestFreeRunAtLeast(final int runPages)
    {
        for (int word = 0; word < freeStarts.length; word++)
        {
            long bits = freeStarts[word];
            while (bits != 0)
            {
                final int first = (word << 6) + Long.numberOfTrailingZeros(bits);
                if (freeLengthAt[first] >= runPages)
                {
                    return first;
                }
                bits &= bits - 1;
            }
        }
        return NONE;
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
        freeStarts[first >>> 6] |= 1L << (first & 63);
    }

    private void removeFree(final int first, final int length)
    {
        freeLengthAt[first] = 0;
        freeFirstAtLast[first + length - 1] = 0;
        freeStarts[first >>> 6] &= ~(1L << (first & 63));
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
     * Draws the chunk's pages, one character each: {@code .} free, {@code S} the first page of a subpage's run and
     * {@code s} the others ({@code P} and {@code p} for a subpage of blocks that never move), {@code R} the first
     * page of a large block's run and {@code r} the others.
     *
     * @param out where to draw.
     */
    void drawPages(final StringBuilder out)
    {
        int page = 0;
        while (page < pages)
        {
            final int free = freeLengthAt[page];
            final int length = free > 0 ? free : usedLengthAt[page];
            final PoolSubpage subpage = free > 0 ? null : subpageAt[page];
            final char first = free > 0 ? '.' : subpage == null ? 'R' : subpage.movable ? 'S' : 'P';
            final char rest = Character.toLowerCase(first);
            out.append(first);
            for (int i = 1; i < length; i++)
            {
                out.append(rest);
            }
            page += Math.max(1, length);
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
