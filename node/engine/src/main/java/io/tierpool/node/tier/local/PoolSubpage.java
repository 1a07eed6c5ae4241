/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

/**
 * A run of pages divided into equal elements of one small size class, with a bitmap of the elements in use
 * (after Netty's {@code PoolSubpage}).
 * <p>
 * A subpage with free elements sits in its arena's list for its class and mobility ({@link #next},
 * {@link #previous}); a full one leaves the list and comes back when an element is freed. Subpages for blocks that
 * never move ({@link #movable} false) are kept apart from the others (see {@link PoolArena}). Not thread-safe:
 * guarded by the arena's lock.
 */
final class PoolSubpage
{
    final PoolChunk chunk;
    final int firstPage;
    final int sizeIndex;
    final int elementBytes;
    final int elements;
    final long runOffset;
    final boolean movable;

    PoolSubpage next;
    PoolSubpage previous;
    boolean listed;

    private final long[] bitmap;
    private int available;
    private int nextAvailable;

    /**
     * @param chunk        the chunk holding the run.
     * @param firstPage    the run's first page in the chunk.
     * @param sizeIndex    the size class.
     * @param elementBytes the class's size in bytes.
     * @param elements     elements in the run.
     * @param movable      false for a subpage of blocks that never move.
     */
    PoolSubpage(
        final PoolChunk chunk,
        final int firstPage,
        final int sizeIndex,
        final int elementBytes,
        final int elements,
        final boolean movable)
    {
        this.movable = movable;
        this.chunk = chunk;
        this.firstPage = firstPage;
        this.sizeIndex = sizeIndex;
        this.elementBytes = elementBytes;
        this.elements = elements;
        this.runOffset = chunk.offset + ((long)firstPage << chunk.pageShift);
        this.bitmap = new long[(elements + 63) >>> 6];
        this.available = elements;
        this.nextAvailable = 0;
    }

    /**
     * Takes a free element.
     *
     * @return the element's byte offset in the region, or -1 if the subpage is full.
     */
    long allocate()
    {
        if (available == 0)
        {
            return -1;
        }
        int element = nextAvailable;
        if (element < 0)
        {
            element = findAvailable();
        }
        else
        {
            nextAvailable = -1;
        }
        bitmap[element >>> 6] |= 1L << (element & 63);
        available--;
        return runOffset + (long)element * elementBytes;
    }

    /**
     * Returns an element.
     *
     * @param regionOffset the element's byte offset in the region, as {@link #allocate()} returned it.
     * @throws IllegalStateException if the offset is not an element in use of this subpage.
     */
    void free(final long regionOffset)
    {
        final long within = regionOffset - runOffset;
        final int element = (int)(within / elementBytes);
        if (within < 0 || within % elementBytes != 0 || element >= elements ||
            (bitmap[element >>> 6] & (1L << (element & 63))) == 0)
        {
            throw new IllegalStateException("offset " + regionOffset + " is not a block in use of the " +
                elementBytes + "-byte subpage at offset " + runOffset + " (already freed, or never allocated)");
        }
        bitmap[element >>> 6] &= ~(1L << (element & 63));
        available++;
        nextAvailable = element;
    }

    /**
     * @return free elements.
     */
    int available()
    {
        return available;
    }

    /**
     * @param element an element index, 0 to {@link #elements} - 1.
     * @return true if the element is in use (allocated, or held in a thread cache).
     */
    boolean isInUse(final int element)
    {
        return (bitmap[element >>> 6] & (1L << (element & 63))) != 0;
    }

    /**
     * @return true when no element is in use.
     */
    boolean isUnused()
    {
        return available == elements;
    }

    private int findAvailable()
    {
        for (int word = 0; word < bitmap.length; word++)
        {
            final long free = ~bitmap[word];
            if (free != 0)
            {
                final int element = (word << 6) + Long.numberOfTrailingZeros(free);
                if (element < elements)
                {
                    return element;
                }
            }
        }
        throw new IllegalStateException("subpage at offset " + runOffset + " counts " + available +
            " free elements but its bitmap has none");
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "PoolSubpage{offset=" + runOffset + ", elementBytes=" + elementBytes + ", available=" + available +
            '/' + elements + '}';
    }
}
