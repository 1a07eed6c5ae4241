/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import java.util.ArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One arena of a {@link SizeClassAllocator}: a set of chunks and, per small size class, a list of subpages with
 * free elements, all behind one lock (after Netty's {@code PoolArena}). Threads are assigned an arena round-robin
 * when they first allocate, so that threads contend on different locks.
 * <p>
 * <b>Allocation of a class</b>: a small class takes an element of the first subpage in its list, or makes a new
 * subpage from a run of {@link SizeClasses#runPages(int)} pages; should no chunk have such a run, it takes a
 * plain run of {@code ceil(size / page)} pages instead. A run class takes a run of {@code size / page} pages.
 * When none of its chunks has room and it may, the arena asks the allocator for a new chunk from the region.
 * <p>
 * <b>Placement.</b> The chunks are kept in address order, and small and large runs are placed from opposite ends
 * of the arena's space, as within a chunk (see {@link PoolChunk}): a subpage's run goes to the lowest chunk that
 * has room, at the low end of that chunk; a large run goes to the highest chunk that has room, best fit, at the
 * high end. Long-lived small blocks (pinned ones, typically) thus gather in the first pages of the first chunks
 * instead of leaving one subpage in every chunk, and the other chunks keep whole free runs for large blocks.
 * Finding a chunk costs O(chunks) as before; within a chunk see {@link PoolChunk}. Blocks that will never move
 * have subpage lists of their own ({@link #allocateUnmovableListed}), so that a movable block never shares their
 * run; the allocator places their new runs in whichever arena's chunk is lowest ({@link #allocateUnmovableIn}).
 * <p>
 * <b>Freeing</b> puts the element or run back. A subpage whose elements are all free goes back to its chunk as a
 * free run unless it is the only subpage listed for its class (kept, so that a class used by alternating
 * allocate and free does not rebuild a subpage every time). A chunk whose pages are all free stays with the
 * arena for reuse (no rebuild when a working set shrinks and grows again) until the region runs short:
 * {@link #releaseUnused()}, which the allocator calls before it reports a request it cannot place, gives back every
 * empty chunk and every unused subpage, so kept memory never makes a request fail.
 * <p>
 * Thread-safe: every method takes the arena's lock; the lock order is arena, then region.
 */
final class PoolArena
{
    final int index;

    private final SizeClassAllocator allocator;
    private final SizeClasses classes;
    private final int pageShift;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayList<PoolChunk> chunks = new ArrayList<>();
    private final PoolSubpage[] listed;
    private final PoolSubpage[] listedUnmovable;

    PoolArena(final SizeClassAllocator allocator, final int index, final SizeClasses classes)
    {
        this.allocator = allocator;
        this.index = index;
        this.classes = classes;
        this.pageShift = classes.pageShift();
        this.listed = new PoolSubpage[classes.smallCount()];
        this.listedUnmovable = new PoolSubpage[classes.smallCount()];
    }

    /**
     * Allocates a block of a class.
     *
     * @param sizeIndex   the class.
     * @param mayAddChunk whether to take a new chunk from the region when no chunk of the arena has room.
     * @return the block's offset in the region, or -1.
     */
    long allocate(final int sizeIndex, final boolean mayAddChunk)
    {
        lock.lock();
        try
        {
            if (classes.isSmall(sizeIndex))
            {
                if (listed[sizeIndex] != null)
                {
                    return takeListed(listed, sizeIndex);
                }
                long offset = newSubpageElement(sizeIndex, true);
                if (offset < 0)
                {
                    offset = allocateRun(ceilPages(classes.size(sizeIndex)), sizeIndex, true);
                }
                if (offset < 0 && mayAddChunk && addChunk() != null)
                {
                    offset = newSubpageElement(sizeIndex, true);
                }
                return offset;
            }

            final int runPages = classes.runPages(sizeIndex);
            long offset = allocateRun(runPages, sizeIndex, false);
            if (offset < 0 && mayAddChunk && addChunk() != null)
            {
                offset = allocateRun(runPages, sizeIndex, false);
            }
            return offset;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Frees a block of a class that lies in one of this arena's chunks.
     *
     * @param chunk     the chunk holding the block.
     * @param offset    the block's offset in the region.
     * @param sizeIndex the class it was allocated with.
     * @throws IllegalStateException if no block of that class is in use at that offset.
     */
    void free(final PoolChunk chunk, final long offset, final int sizeIndex)
    {
        lock.lock();
        try
        {
            final int page = (int)((offset - chunk.offset) >>> pageShift);
            final PoolSubpage subpage = chunk.subpageAt[page];
            if (subpage != null)
            {
                if (subpage.sizeIndex != sizeIndex)
                {
                    throw notInUse(offset, sizeIndex);
                }
                final boolean wasFull = subpage.available() == 0;
                subpage.free(offset);
                if (wasFull)
                {
                    list(subpage);
                }
                if (subpage.isUnused() && (listFor(subpage)[sizeIndex] != subpage || subpage.next != null))
                {
                    releaseSubpage(subpage);
                }
                return;
            }

            final int expectedPages = classes.isSmall(sizeIndex) ?
                ceilPages(classes.size(sizeIndex)) : classes.runPages(sizeIndex);
            if (((offset - chunk.offset) & ((1L << pageShift) - 1)) != 0 || chunk.usedRunPages(page) != expectedPages)
            {
                throw notInUse(offset, sizeIndex);
            }
            chunk.freeRun(page);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Gives back every unused subpage and every empty chunk, the ones kept for reuse included.
     *
     * @return how many subpages and chunks were given back.
     */
    int releaseUnused()
    {
        lock.lock();
        try
        {
            int released = 0;
            for (int sizeIndex = 0; sizeIndex < listed.length; sizeIndex++)
            {
                released += releaseUnused(listed[sizeIndex]) + releaseUnused(listedUnmovable[sizeIndex]);
            }
            for (int i = chunks.size() - 1; i >= 0; i--)
            {
                if (releaseIfEmpty(chunks.get(i)))
                {
                    released++;
                }
            }
            return released;
        }
        finally
        {
            lock.unlock();
        }
    }

    private int releaseUnused(final PoolSubpage head)
    {
        int released = 0;
        PoolSubpage subpage = head;
        while (subpage != null)
        {
            final PoolSubpage next = subpage.next;
            if (subpage.isUnused())
            {
                releaseSubpage(subpage);
                released++;
            }
            subpage = next;
        }
        return released;
    }

    /**
     * Allocates a block that will never move (see {@link SizeClassAllocator#allocate(long, boolean)}): a small class
     * from a listed subpage of unmovable blocks.
     *
     * @param sizeIndex a small class.
     * @return the block's offset in the region, or -1 if no subpage of unmovable blocks of the class has room.
     */
    long allocateUnmovableListed(final int sizeIndex)
    {
        lock.lock();
        try
        {
            return takeListed(listedUnmovable, sizeIndex);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @param sizeIndex a small class.
     * @return true if a listed subpage of unmovable blocks of the class has a free element.
     */
    boolean hasUnmovableRoom(final int sizeIndex)
    {
        lock.lock();
        try
        {
            return listedUnmovable[sizeIndex] != null;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Allocates a block that will never move in one given chunk of this arena, at the chunk's low end: a small
     * class in a new subpage of unmovable blocks (or, where no run of a subpage fits, a plain run of whole pages),
     * a run class as a run.
     *
     * @param chunk     a chunk; nothing is allocated if the arena no longer holds it.
     * @param sizeIndex the class.
     * @return the block's offset in the region, or -1 if the chunk has no room for it.
     */
    long allocateUnmovableIn(final PoolChunk chunk, final int sizeIndex)
    {
        lock.lock();
        try
        {
            if (chunk.released)
            {
                return -1;
            }
            if (classes.isSmall(sizeIndex))
            {
                final long offset = newSubpageElementIn(chunk, sizeIndex, false);
                if (offset >= 0)
                {
                    return offset;
                }
                final int first = chunk.allocateRun(ceilPages(classes.size(sizeIndex)), sizeIndex, true);
                return first == PoolChunk.NONE ? -1 : chunk.offset + ((long)first << pageShift);
            }
            final int first = chunk.allocateRun(classes.runPages(sizeIndex), sizeIndex, true);
            return first == PoolChunk.NONE ? -1 : chunk.offset + ((long)first << pageShift);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Allocates a block that will never move in a new chunk taken from the region for this arena.
     *
     * @param sizeIndex the class.
     * @return the block's offset in the region, or -1 if the region has no room for a chunk.
     */
    long allocateUnmovableInNewChunk(final int sizeIndex)
    {
        lock.lock();
        try
        {
            final PoolChunk chunk = addChunk();
            return chunk == null ? -1 : allocateUnmovableIn(chunk, sizeIndex);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Offers one of this arena's chunks to a search for room (see {@link RoomFinder}), under the arena's lock.
     *
     * @param chunk  a chunk; skipped if it went back to the region meanwhile.
     * @param finder the search.
     */
    void scanForRoom(final PoolChunk chunk, final RoomFinder finder)
    {
        lock.lock();
        try
        {
            if (!chunk.released)
            {
                finder.scan(chunk);
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Adds this arena's view of free space to {@code usage}: chunk count, free bytes in chunks, the longest free
     * run.
     *
     * @param usage {@code [chunks, freeBytes, longestFreeRunBytes]}, updated in place.
     */
    void addUsage(final long[] usage)
    {
        lock.lock();
        try
        {
            for (final PoolChunk chunk : chunks)
            {
                usage[0]++;
                usage[1] += (long)chunk.freePages() << pageShift;
                usage[2] = Math.max(usage[2], (long)chunk.longestFreeRun() << pageShift);
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Draws the arena's chunks in address order, one line each (see {@link PoolChunk#drawPages}).
     *
     * @param out where to draw.
     */
    void drawChunks(final StringBuilder out)
    {
        lock.lock();
        try
        {
            for (final PoolChunk chunk : chunks)
            {
                out.append("  arena ").append(index).append(" chunk @").append(chunk.offset).append(": ");
                chunk.drawPages(out);
                out.append('\n');
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @return the chunks of the arena now, for tests and statistics.
     */
    int chunkCount()
    {
        lock.lock();
        try
        {
            return chunks.size();
        }
        finally
        {
            lock.unlock();
        }
    }

    private int ceilPages(final int bytes)
    {
        return (bytes + (1 << pageShift) - 1) >>> pageShift;
    }

    private long takeListed(final PoolSubpage[] lists, final int sizeIndex)
    {
        final PoolSubpage head = lists[sizeIndex];
        if (head == null)
        {
            return -1;
        }
        final long offset = head.allocate();
        if (head.available() == 0)
        {
            unlist(head);
        }
        return offset;
    }

    private long newSubpageElement(final int sizeIndex, final boolean movable)
    {
        for (int i = 0, n = chunks.size(); i < n; i++)
        {
            final long offset = newSubpageElementIn(chunks.get(i), sizeIndex, movable);
            if (offset >= 0)
            {
                return offset;
            }
        }
        return -1;
    }

    private long newSubpageElementIn(final PoolChunk chunk, final int sizeIndex, final boolean movable)
    {
        final int runPages = classes.runPages(sizeIndex);
        final int first = chunk.allocateRun(runPages, sizeIndex, true);
        if (first == PoolChunk.NONE)
        {
            return -1;
        }
        final PoolSubpage subpage = new PoolSubpage(
            chunk, first, sizeIndex, classes.size(sizeIndex), classes.elementsPerRun(sizeIndex), movable);
        for (int page = first; page < first + runPages; page++)
        {
            chunk.subpageAt[page] = subpage;
        }
        final long offset = subpage.allocate();
        if (subpage.available() > 0)
        {
            list(subpage);
        }
        return offset;
    }

    private long allocateRun(final int runPages, final int sizeIndex, final boolean low)
    {
        final int n = chunks.size();
        for (int k = 0; k < n; k++)
        {
            final PoolChunk chunk = chunks.get(low ? k : n - 1 - k);
            final int first = chunk.allocateRun(runPages, sizeIndex, low);
            if (first != PoolChunk.NONE)
            {
                return chunk.offset + ((long)first << pageShift);
            }
        }
        return -1;
    }

    private PoolChunk addChunk()
    {
        final PoolChunk chunk = allocator.newChunk(this);
        if (chunk == null)
        {
            return null;
        }
        int at = chunks.size();
        while (at > 0 && chunks.get(at - 1).offset > chunk.offset)
        {
            at--;
        }
        chunks.add(at, chunk);
        return chunk;
    }

    private void releaseSubpage(final PoolSubpage subpage)
    {
        if (subpage.listed)
        {
            unlist(subpage);
        }
        final PoolChunk chunk = subpage.chunk;
        final int runPages = chunk.usedRunPages(subpage.firstPage);
        for (int page = subpage.firstPage; page < subpage.firstPage + runPages; page++)
        {
            chunk.subpageAt[page] = null;
        }
        chunk.freeRun(subpage.firstPage);
    }

    private boolean releaseIfEmpty(final PoolChunk chunk)
    {
        if (chunk.isEmpty())
        {
            chunk.released = true;
            chunks.remove(chunk);
            allocator.releaseChunk(chunk);
            return true;
        }
        return false;
    }

    private PoolSubpage[] listFor(final PoolSubpage subpage)
    {
        return subpage.movable ? listed : listedUnmovable;
    }

    private void list(final PoolSubpage subpage)
    {
        final PoolSubpage[] lists = listFor(subpage);
        final PoolSubpage head = lists[subpage.sizeIndex];
        subpage.previous = null;
        subpage.next = head;
        if (head != null)
        {
            head.previous = subpage;
        }
        lists[subpage.sizeIndex] = subpage;
        subpage.listed = true;
    }

    private void unlist(final PoolSubpage subpage)
    {
        final PoolSubpage[] lists = listFor(subpage);
        if (subpage.previous != null)
        {
            subpage.previous.next = subpage.next;
        }
        else
        {
            lists[subpage.sizeIndex] = subpage.next;
        }
        if (subpage.next != null)
        {
            subpage.next.previous = subpage.previous;
        }
        subpage.next = null;
        subpage.previous = null;
        subpage.listed = false;
    }

    private IllegalStateException notInUse(final long offset, final int sizeIndex)
    {
        return new IllegalStateException("no " + classes.size(sizeIndex) + "-byte block is in use at offset " +
            offset + " in arena " + index + " (already freed, or never allocated with that size class)");
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "PoolArena{index=" + index + ", chunks=" + chunks.size() + '}';
    }
}
