/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.client.AllocatorStats;
import io.tierpool.node.tier.Tier;
import io.tierpool.client.TierKind;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;

import java.util.List;

/**
 * Base of the file-backed local tiers (VVRAM, VSSD): an {@link ExtentAllocator} over the tier's address range decides where each block
 * goes, a table from location to block id checks that every read and free names the block that was written
 * there, and the subclass copies bytes in and out of its storage (memory, mapped files, a spill file).
 * <p>
 * A location is the byte offset of the block's extent in the tier's address range. The allocator manages the
 * whole capacity; the backing file(s) start small and grow, in steps of {@link #growthStepBytes(long)}, when a
 * block is placed beyond their current length ({@link #fileLengthBytes()}), never beyond the capacity. Best fit
 * places blocks in freed holes before the untouched tail, so files grow only when the holes are too small. A
 * failed growth (file system full) releases the extent and makes the write report {@link #NO_SPACE}; blocks
 * already stored are untouched.
 * <p>
 * <b>Batches.</b> {@link #writeBatch} places a batch whose blocks lie back to back in the source buffer (the
 * layout {@link Tier#writeBatch} describes) in one contiguous run of extents, one extent per block, and copies the
 * whole range with one {@link #copyIn} (one {@code pwrite} for a spill file); each block keeps a location of its
 * own and is read and freed on its own. When no free extent holds the whole run, or the layout is not back to
 * back, the blocks are placed one by one as {@link #write} places them.
 * <p>
 * <b>Threading:</b> thread-safe, and {@link #concurrentIo()}: {@link #write}, {@link #writeBatch}, {@link #read}
 * and {@link #free} may be called from several threads at once. The allocator and the table from location to
 * block are guarded by one lock held only for bookkeeping, never during a copy, so that copies of different
 * blocks run in parallel; the subclass guards its own storage (growth, mappings, channels) against copies running
 * in other threads. The statistics methods may be called from any thread. The caller must not free or overwrite
 * a location while another thread still reads it (the engine's block table ensures this), and {@link #close()}
 * must not run concurrently with other calls.
 */
public abstract class AbstractExtentTier implements Tier
{
    private static final long NO_BLOCK = Long.MIN_VALUE;

    private final TierKind kind;
    private final String name;
    private final ExtentAllocator allocator;
    private final Long2LongHashMap blockIdByLocation = new Long2LongHashMap(NO_BLOCK);
    private final Object lock = new Object();
    private volatile boolean closed;

    /**
     * The most a file grows at once: 64 MiB.
     */
    public static final long MAX_GROWTH_STEP_BYTES = 64L * 1024 * 1024;

    /**
     * The growth step of a tier's files: an eighth of the capacity, at most {@link #MAX_GROWTH_STEP_BYTES}, at
     * least {@link ExtentAllocator#ALIGNMENT}, a multiple of it.
     *
     * @param capacityBytes the tier's capacity.
     * @return the step in bytes.
     */
    public static long growthStepBytes(final long capacityBytes)
    {
        return Math.min(MAX_GROWTH_STEP_BYTES, Math.max(ExtentAllocator.ALIGNMENT, ExtentAllocator.align(capacityBytes / 8)));
    }

    /**
     * The length the files must reach to hold a block ending at {@code end}: at least one growth step past the
     * current length, never past the capacity.
     *
     * @param currentLength the files' length now.
     * @param end           the end of the block's extent.
     * @return the new length, {@code >= end}.
     */
    protected final long grownLength(final long currentLength, final long end)
    {
        return Math.min(capacityBytes(), Math.max(end, currentLength + growthStepBytes(capacityBytes())));
    }

    /**
     * @return bytes of backing file(s) reserved so far, from a growth step up to {@link #capacityBytes()}.
     */
    public abstract long fileLengthBytes();

    /**
     * @return the most bytes held by blocks at once since the tier opened.
     */
    public long peakUsedBytes()
    {
        synchronized (lock)
        {
            return allocator.peakUsedBytes();
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * The allocator's figures are taken together under the tier's lock, so they are consistent with each other.
     */
    public AllocatorStats allocatorStats()
    {
        final long fileLength = fileLengthBytes();
        synchronized (lock)
        {
            return new AllocatorStats(capacityBytes(), allocator.usedBytes(), allocator.peakUsedBytes(),
                allocator.allocatedCount(), allocator.allocations(), allocator.frees(),
                allocator.failedAllocations(), allocator.largestFreeExtentBytes(), allocator.fragmentationRatio(),
                fileLength, List.of());
        }
    }

    /**
     * @return free extents now: 1 when all free space is one piece (as after every block was freed).
     */
    public int freeExtentCount()
    {
        synchronized (lock)
        {
            return allocator.freeExtentCount();
        }
    }

    /**
     * @param kind          the kind of tier.
     * @param name          the tier's name in statistics and messages.
     * @param capacityBytes bytes the tier manages, rounded down to {@link ExtentAllocator#ALIGNMENT}.
     */
    protected AbstractExtentTier(final TierKind kind, final String name, final long capacityBytes)
    {
        this.kind = kind;
        this.name = name;
        this.allocator = new ExtentAllocator(capacityBytes);
    }

    /**
     * {@inheritDoc}
     */
    public TierKind kind()
    {
        return kind;
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the capacity in bytes, a multiple of {@link ExtentAllocator#ALIGNMENT}.
     */
    public long capacityBytes()
    {
        return allocator.capacityBytes();
    }

    /**
     * {@inheritDoc}
     */
    public long usedBytes()
    {
        synchronized (lock)
        {
            return allocator.usedBytes();
        }
    }

    /**
     * {@inheritDoc}
     */
    public long blockCount()
    {
        synchronized (lock)
        {
            return allocator.allocatedCount();
        }
    }

    /**
     * {@inheritDoc}
     */
    public long largestFreeExtentBytes()
    {
        synchronized (lock)
        {
            return allocator.largestFreeExtentBytes();
        }
    }

    /**
     * {@inheritDoc}
     */
    public double fragmentationRatio()
    {
        synchronized (lock)
        {
            return allocator.fragmentationRatio();
        }
    }

    /**
     * {@inheritDoc}
     *
     * @return true: the tier guards its own allocator, table and storage.
     */
    public boolean concurrentIo()
    {
        return true;
    }

    /**
     * {@inheritDoc}
     * <p>
     * The checksum is not stored: the engine keeps it and verifies the bytes when they come back.
     */
    public long write(final long blockId, final DirectBuffer src, final int srcOffset, final int length, final int crc32c)
    {
        src.boundsCheck(srcOffset, length);
        final long location = reserve(blockId, length);
        if (location == NO_SPACE)
        {
            return NO_SPACE;
        }

        boolean stored = false;
        try
        {
            stored = copyIn(location, src, srcOffset, length);
        }
        finally
        {
            if (!stored)
            {
                release(location);
            }
        }

        return stored ? location : NO_SPACE;
    }

    /**
     * {@inheritDoc}
     * <p>
     * A batch laid out back to back (see {@link Tier#writeBatch}) goes to one contiguous run of extents, best fit,
     * and is copied with one {@link #copyIn} of the range from the first block's start to the last block's end,
     * padding included: all of the batch is stored, or none of it (the storage is out of space: every block gets
     * {@link #NO_SPACE}; or the copy failed otherwise: the exception propagates). When no free extent holds the
     * run, or the layout is not back to back, the blocks are placed one by one as by {@link #write}, and each may
     * get {@link #NO_SPACE} on its own.
     *
     * @throws IllegalArgumentException  if {@code count} is not positive, an array is shorter than {@code count}
     *                                   or a length is not positive; nothing is stored.
     * @throws IndexOutOfBoundsException if a block lies outside {@code src}; nothing is stored.
     */
    public int writeBatch(
        final int count,
        final long[] blockIds,
        final DirectBuffer src,
        final int[] srcOffsets,
        final int[] lengths,
        final int[] crc32cs,
        final long[] locations)
    {
        ensureOpen();
        if (count <= 0 || blockIds.length < count || srcOffsets.length < count || lengths.length < count ||
            crc32cs.length < count || locations.length < count)
        {
            throw new IllegalArgumentException("tier " + name + ": batch count=" + count +
                " must be > 0 and at most the length of every array");
        }
        final long span = contiguousSpan(count, srcOffsets, lengths);
        if (span < 0)
        {
            return Tier.super.writeBatch(count, blockIds, src, srcOffsets, lengths, crc32cs, locations);
        }
        src.boundsCheck(srcOffsets[0], (int)span);

        final long start;
        synchronized (lock)
        {
            ensureOpen();
            start = allocator.allocateRun(count, lengths, locations);
            if (start != NO_SPACE)
            {
                for (int k = 0; k < count; k++)
                {
                    blockIdByLocation.put(locations[k], blockIds[k]);
                }
            }
        }
        if (start == NO_SPACE)
        {
            return Tier.super.writeBatch(count, blockIds, src, srcOffsets, lengths, crc32cs, locations);
        }

        boolean stored = false;
        try
        {
            stored = copyIn(start, src, srcOffsets[0], (int)span);
        }
        finally
        {
            if (!stored)
            {
                synchronized (lock)
                {
                    for (int k = 0; k < count; k++)
                    {
                        releaseLocked(locations[k]);
                        locations[k] = NO_SPACE;
                    }
                }
            }
        }

        return stored ? count : 0;
    }

    /**
     * The bytes from the first block's start to the last block's end if the blocks lie back to back, each at the
     * first {@link ExtentAllocator#ALIGNMENT} boundary (relative to the first) after the one before, as they will
     * in a contiguous run of extents.
     *
     * @return the span in bytes, or -1 if the layout differs, a length is not positive or the span exceeds an
     * int.
     */
    private static long contiguousSpan(final int count, final int[] srcOffsets, final int[] lengths)
    {
        long expected = srcOffsets[0];
        for (int k = 0; k < count; k++)
        {
            if (lengths[k] <= 0 || srcOffsets[k] != expected)
            {
                return -1;
            }
            expected += ExtentAllocator.align(lengths[k]);
        }
        final long span = (long)srcOffsets[count - 1] + lengths[count - 1] - srcOffsets[0];
        return span <= Integer.MAX_VALUE ? span : -1;
    }

    /**
     * {@inheritDoc}
     */
    public void read(final long blockId, final long location, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        checkHeld(blockId, location, length);
        dst.boundsCheck(dstOffset, length);
        copyOut(blockId, location, dst, dstOffset, length);
    }

    /**
     * {@inheritDoc}
     */
    public void free(final long blockId, final long location)
    {
        synchronized (lock)
        {
            checkHeldLocked(blockId, location, 0);
            releaseLocked(location);
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * Must not run concurrently with other calls.
     */
    public final void close()
    {
        if (!closed)
        {
            closed = true;
            synchronized (lock)
            {
                blockIdByLocation.clear();
            }
            releaseResources();
        }
    }

    /**
     * @return true once {@link #close()} has been called.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        synchronized (lock)
        {
            return name + "{" + allocator + '}';
        }
    }

    /**
     * Allocates an extent for a block without copying anything into it.
     *
     * @param blockId the block.
     * @param length  bytes, 1 or more.
     * @return the location, or {@link #NO_SPACE}.
     */
    protected final long reserve(final long blockId, final int length)
    {
        ensureOpen();
        if (length <= 0)
        {
            throw new IllegalArgumentException("block " + blockId + ": length=" + length + " must be > 0 for tier " +
                name);
        }
        synchronized (lock)
        {
            ensureOpen();
            final long location = allocator.allocate(length);
            if (location != NO_SPACE)
            {
                blockIdByLocation.put(location, blockId);
            }
            return location;
        }
    }

    /**
     * Checks that the tier holds {@code blockId} at {@code location} with at least {@code length} bytes.
     *
     * @param blockId  the block.
     * @param location its location.
     * @param length   bytes the caller will access from the block's start.
     * @throws IllegalStateException if not.
     */
    protected final void checkHeld(final long blockId, final long location, final int length)
    {
        synchronized (lock)
        {
            checkHeldLocked(blockId, location, length);
        }
    }

    private void checkHeldLocked(final long blockId, final long location, final int length)
    {
        ensureOpen();
        final long heldId = blockIdByLocation.get(location);
        if (heldId != blockId)
        {
            throw new IllegalStateException("tier " + name + " holds no block " + blockId + " at location " +
                location + (heldId == NO_BLOCK ? " (nothing is stored there)" : " (block " + heldId + " is)"));
        }
        if (length < 0 || length > allocator.allocatedLength(location))
        {
            throw new IndexOutOfBoundsException("block " + blockId + " in tier " + name + ": length " + length +
                " exceeds the " + allocator.allocatedLength(location) + " bytes stored at location " + location);
        }
    }

    /**
     * @throws IllegalStateException if the tier is closed.
     */
    protected final void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("tier " + name + " is closed");
        }
    }

    private void release(final long location)
    {
        synchronized (lock)
        {
            releaseLocked(location);
        }
    }

    private void releaseLocked(final long location)
    {
        blockIdByLocation.remove(location);
        allocator.free(location);
    }

    /**
     * Copies bytes into the tier's storage at extents already reserved: one block's, or a batch's run of them.
     * Called without the tier's lock, from any thread, concurrently with copies of other extents; the subclass
     * guards its own storage (growth, mappings) against them.
     *
     * @param location  the offset of the first extent.
     * @param src       source buffer.
     * @param srcOffset first byte in {@code src}.
     * @param length    number of bytes.
     * @return false if the storage is out of space (the extents are then released and the write reports
     * {@link #NO_SPACE}).
     */
    protected abstract boolean copyIn(long location, DirectBuffer src, int srcOffset, int length);

    /**
     * Copies bytes of a block out of the tier's storage. Called without the tier's lock, from any thread,
     * concurrently with copies of other extents.
     *
     * @param blockId   the block, for messages.
     * @param location  the extent's offset.
     * @param dst       destination buffer.
     * @param dstOffset first byte in {@code dst}.
     * @param length    number of bytes.
     */
    protected abstract void copyOut(long blockId, long location, MutableDirectBuffer dst, int dstOffset, int length);

    /**
     * Releases the tier's memory, mappings and files. Called once by {@link #close()}.
     */
    protected abstract void releaseResources();
}
