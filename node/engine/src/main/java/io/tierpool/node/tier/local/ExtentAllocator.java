/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import org.agrona.collections.Long2LongHashMap;

import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Best-fit allocator of extents (offset, length) over the address range {@code [0, capacity)} of one tier.
 * <p>
 * <b>Algorithm.</b> Free space is kept as maximal runs of free bytes ("free extents") in two ordered indexes:
 * by offset (to find the neighbours of a freed extent) and by (length, offset) (to find the best fit).
 * {@link #allocate(long)} rounds the request up to {@link #ALIGNMENT} bytes, takes the smallest free extent that
 * is large enough (the lowest offset among equals), carves the request off its start and puts the remainder
 * back (splitting). {@link #free(long)} returns the extent and merges it with a free neighbour on either side
 * (coalescing), so free space never holds two adjacent free extents. Both operations are O(log n) in the number
 * of free extents; the tree nodes box their keys, so each operation allocates a few small objects.
 * {@link #allocateAligned(long, long)} places an extent on an alignment boundary (the RAM tier's chunks), scanning
 * free extents from the best fit upwards for one that holds an aligned range, and splits it in up to three.
 * {@link #allocateRun(int, int[], long[])} carves one best-fit run for several extents laid back to back (a batch
 * of blocks written with one I/O) and registers each as an allocation of its own, freed on its own.
 * Allocations, frees, failed allocations and the peak of used bytes are counted for statistics.
 * <p>
 * Every offset handed out is a multiple of {@link #ALIGNMENT}, so blocks start on cache-line boundaries.
 * Fragmentation is reported as {@code 1 - largestFree / totalFree}: 0 when the free space is one extent,
 * approaching 1 when it is shattered.
 * <p>
 * Not thread-safe: the owning tier serialises calls (a tier used by several threads holds its own lock around
 * every call).
 */
public final class ExtentAllocator
{
    /**
     * Alignment in bytes of every extent's offset and length.
     */
    public static final int ALIGNMENT = 64;

    /**
     * Returned by {@link #allocate(long)} when no free extent is large enough.
     */
    public static final long NO_SPACE = -1;

    private static final long MISSING = -1;
    private static final Comparator<Extent> BY_LENGTH_THEN_OFFSET = (a, b) ->
    {
        final int byLength = Long.compare(a.length, b.length);
        return byLength != 0 ? byLength : Long.compare(a.offset, b.offset);
    };

    private final long capacityBytes;
    private final TreeMap<Long, Extent> freeByOffset = new TreeMap<>();
    private final TreeSet<Extent> freeByLength = new TreeSet<>(BY_LENGTH_THEN_OFFSET);
    private final Long2LongHashMap lengthByOffset = new Long2LongHashMap(MISSING);
    private final Extent probe = new Extent(0, 0);
    private long usedBytes;
    private long peakUsedBytes;
    private long allocations;
    private long frees;
    private long failedAllocations;

    /**
     * @param capacityBytes size of the range to manage, rounded down to a multiple of {@link #ALIGNMENT};
     *                      at least {@link #ALIGNMENT}.
     * @throws IllegalArgumentException if the capacity is smaller than {@link #ALIGNMENT}.
     */
    public ExtentAllocator(final long capacityBytes)
    {
        if (capacityBytes < ALIGNMENT)
        {
            throw new IllegalArgumentException(
                "capacityBytes=" + capacityBytes + " must be at least " + ALIGNMENT + " bytes");
        }
        this.capacityBytes = alignDown(capacityBytes);
        insertFree(new Extent(0, this.capacityBytes));
    }

    /**
     * @param length a length in bytes, 0 or more.
     * @return {@code length} rounded up to a multiple of {@link #ALIGNMENT}.
     */
    public static long align(final long length)
    {
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }

    private static long alignDown(final long length)
    {
        return length & -ALIGNMENT;
    }

    /**
     * Allocates the best-fitting extent for {@code length} bytes.
     *
     * @param length bytes wanted, 1 or more; rounded up to {@link #ALIGNMENT}.
     * @return the extent's offset, a multiple of {@link #ALIGNMENT}; or {@link #NO_SPACE} if no free extent is
     * large enough (see {@link #largestFreeExtentBytes()}).
     * @throws IllegalArgumentException if {@code length} is not positive.
     */
    public long allocate(final long length)
    {
        if (length <= 0)
        {
            throw new IllegalArgumentException("length=" + length + " must be > 0");
        }
        if (length > capacityBytes)
        {
            failedAllocations++;
            return NO_SPACE;
        }

        final long alignedLength = align(length);
        final long offset = carveBestFit(alignedLength);
        if (offset == NO_SPACE)
        {
            failedAllocations++;
            return NO_SPACE;
        }

        return allocated(offset, alignedLength);
    }

    /**
     * Allocates {@code count} extents back to back in one contiguous run, as for a batch of blocks written with
     * one I/O: extent {@code k} holds {@code lengths[k]} bytes rounded up to {@link #ALIGNMENT} and starts where
     * extent {@code k - 1} ends. The run is the best fit for the sum of the aligned lengths, as for
     * {@link #allocate(long)}. Each extent is then an allocation of its own: it is freed on its own with
     * {@link #free(long)} and counts in the statistics (allocations, allocated count, used and peak bytes) as one
     * extent would.
     * <p>
     * A run that does not fit allocates nothing and is not counted as a failed allocation: the caller typically
     * places the extents one by one next, and those allocations count.
     *
     * @param count   number of extents, 1 or more, at most the length of both arrays.
     * @param lengths bytes of each extent, each 1 or more.
     * @param offsets receives the offset of each extent, multiples of {@link #ALIGNMENT}; untouched if the run
     *                does not fit.
     * @return the offset of the run (that of the first extent), or {@link #NO_SPACE} if no free extent holds the
     * whole run.
     * @throws IllegalArgumentException if {@code count} or a length is not positive, or the arrays are shorter
     *                                  than {@code count}.
     */
    public long allocateRun(final int count, final int[] lengths, final long[] offsets)
    {
        if (count <= 0 || lengths.length < count || offsets.length < count)
        {
            throw new IllegalArgumentException("count=" + count + " must be > 0 and at most the lengths (" +
                lengths.length + ") and offsets (" + offsets.length + ") arrays");
        }
        long runLength = 0;
        for (int k = 0; k < count; k++)
        {
            if (lengths[k] <= 0)
            {
                throw new IllegalArgumentException("lengths[" + k + "]=" + lengths[k] + " must be > 0");
            }
            runLength += align(lengths[k]);
        }
        if (runLength > capacityBytes)
        {
            return NO_SPACE;
        }

        final long start = carveBestFit(runLength);
        if (start == NO_SPACE)
        {
            return NO_SPACE;
        }

        long offset = start;
        for (int k = 0; k < count; k++)
        {
            final long alignedLength = align(lengths[k]);
            offsets[k] = allocated(offset, alignedLength);
            offset += alignedLength;
        }
        return start;
    }

    private long carveBestFit(final long alignedLength)
    {
        probe.length = alignedLength;
        probe.offset = Long.MIN_VALUE;
        final Extent fit = freeByLength.ceiling(probe);
        if (fit == null)
        {
            return NO_SPACE;
        }

        removeFree(fit);
        final long offset = fit.offset;
        if (fit.length > alignedLength)
        {
            fit.offset += alignedLength;
            fit.length -= alignedLength;
            insertFree(fit);
        }
        return offset;
    }

    /**
     * Allocates an extent whose offset is a multiple of {@code alignment}: the smallest free extent that holds
     * such an extent, split into up to three parts (the free bytes before the aligned start go back as a free
     * extent of their own, as do the bytes after the end).
     *
     * @param length    bytes wanted, 1 or more; rounded up to {@link #ALIGNMENT}.
     * @param alignment a power of two, {@link #ALIGNMENT} or more.
     * @return the extent's offset, a multiple of {@code alignment}; or {@link #NO_SPACE} if no free extent holds
     * an aligned extent of that length.
     * @throws IllegalArgumentException if {@code length} is not positive or {@code alignment} not a power of two
     *                                  of at least {@link #ALIGNMENT}.
     */
    public long allocateAligned(final long length, final long alignment)
    {
        if (length <= 0 || alignment < ALIGNMENT || Long.bitCount(alignment) != 1)
        {
            throw new IllegalArgumentException("length=" + length + " must be > 0 and alignment=" + alignment +
                " a power of two >= " + ALIGNMENT);
        }
        final long alignedLength = align(length);
        if (alignedLength > capacityBytes)
        {
            failedAllocations++;
            return NO_SPACE;
        }
        probe.length = alignedLength;
        probe.offset = Long.MIN_VALUE;
        for (final Extent candidate : freeByLength.tailSet(probe, true))
        {
            final long start = (candidate.offset + alignment - 1) & -alignment;
            final long end = candidate.offset + candidate.length;
            if (start + alignedLength <= end)
            {
                removeFree(candidate);
                if (start > candidate.offset)
                {
                    insertFree(new Extent(candidate.offset, start - candidate.offset));
                }
                if (start + alignedLength < end)
                {
                    candidate.offset = start + alignedLength;
                    candidate.length = end - candidate.offset;
                    insertFree(candidate);
                }
                return allocated(start, alignedLength);
            }
        }
        failedAllocations++;
        return NO_SPACE;
    }

    private long allocated(final long offset, final long alignedLength)
    {
        lengthByOffset.put(offset, alignedLength);
        usedBytes += alignedLength;
        allocations++;
        if (usedBytes > peakUsedBytes)
        {
            peakUsedBytes = usedBytes;
        }
        return offset;
    }

    /**
     * Frees the extent allocated at {@code offset}, merging it with free neighbours.
     *
     * @param offset an offset {@link #allocate(long)} returned and not yet freed.
     * @return the extent's length in bytes (aligned).
     * @throws IllegalStateException if no extent is allocated at {@code offset}.
     */
    public long free(final long offset)
    {
        final long length = lengthByOffset.remove(offset);
        if (length == MISSING)
        {
            throw new IllegalStateException("no extent is allocated at offset " + offset +
                " (already freed, or never allocated by this allocator)");
        }
        usedBytes -= length;
        frees++;

        long start = offset;
        long end = offset + length;
        Extent merged = null;

        final Map.Entry<Long, Extent> lowerEntry = freeByOffset.lowerEntry(offset);
        if (lowerEntry != null)
        {
            final Extent lower = lowerEntry.getValue();
            if (lower.offset + lower.length == offset)
            {
                removeFree(lower);
                start = lower.offset;
                merged = lower;
            }
        }

        final Extent higher = freeByOffset.get(end);
        if (higher != null)
        {
            removeFree(higher);
            end = higher.offset + higher.length;
            if (merged == null)
            {
                merged = higher;
            }
        }

        if (merged == null)
        {
            merged = new Extent(start, end - start);
        }
        else
        {
            merged.offset = start;
            merged.length = end - start;
        }
        insertFree(merged);

        return length;
    }

    /**
     * @param offset an offset.
     * @return the aligned length of the extent allocated at {@code offset}, or -1 if none is.
     */
    public long allocatedLength(final long offset)
    {
        return lengthByOffset.get(offset);
    }

    /**
     * @return the size of the managed range in bytes (a multiple of {@link #ALIGNMENT}).
     */
    public long capacityBytes()
    {
        return capacityBytes;
    }

    /**
     * @return bytes in allocated extents, alignment padding included.
     */
    public long usedBytes()
    {
        return usedBytes;
    }

    /**
     * @return the most bytes in allocated extents at once since the allocator was made.
     */
    public long peakUsedBytes()
    {
        return peakUsedBytes;
    }

    /**
     * @return how many extents were allocated since the allocator was made.
     */
    public long allocations()
    {
        return allocations;
    }

    /**
     * @return how many extents were freed since the allocator was made.
     */
    public long frees()
    {
        return frees;
    }

    /**
     * @return how many allocations found no free extent large enough.
     */
    public long failedAllocations()
    {
        return failedAllocations;
    }

    /**
     * @return the end of the highest free extent that reaches the end of the range, i.e. the offset above
     * which everything is free; {@link #capacityBytes()} when the last byte is in use.
     */
    public long highestUsedEnd()
    {
        final Map.Entry<Long, Extent> last = freeByOffset.lastEntry();
        if (last != null && last.getValue().offset + last.getValue().length == capacityBytes)
        {
            return last.getValue().offset;
        }
        return capacityBytes;
    }

    /**
     * @return bytes in free extents.
     */
    public long freeBytes()
    {
        return capacityBytes - usedBytes;
    }

    /**
     * @return how many extents are allocated.
     */
    public int allocatedCount()
    {
        return lengthByOffset.size();
    }

    /**
     * @return how many free extents there are.
     */
    public int freeExtentCount()
    {
        return freeByLength.size();
    }

    /**
     * @return the length of the largest free extent: the largest allocation that can succeed now.
     */
    public long largestFreeExtentBytes()
    {
        return freeByLength.isEmpty() ? 0 : freeByLength.last().length;
    }

    /**
     * @return {@code 1 - largestFree / totalFree}: 0 when all free space is one extent (or none is free),
     * approaching 1 as free space is split into small extents.
     */
    public double fragmentationRatio()
    {
        final long free = freeBytes();
        return free == 0 ? 0.0 : 1.0 - (double)largestFreeExtentBytes() / free;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "ExtentAllocator{capacity=" + capacityBytes + ", used=" + usedBytes + ", allocated=" +
            lengthByOffset.size() + ", freeExtents=" + freeByLength.size() + ", largestFree=" +
            largestFreeExtentBytes() + '}';
    }

    private void insertFree(final Extent extent)
    {
        freeByOffset.put(extent.offset, extent);
        freeByLength.add(extent);
    }

    private void removeFree(final Extent extent)
    {
        freeByLength.remove(extent);
        freeByOffset.remove(extent.offset);
    }

    static final class Extent
    {
        long offset;
        long length;

        Extent(final long offset, final long length)
        {
            this.offset = offset;
            this.length = length;
        }
    }
}
