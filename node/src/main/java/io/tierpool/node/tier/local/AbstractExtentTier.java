/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.node.tier.AllocatorStats;
import io.tierpool.node.tier.Tier;
import io.tierpool.node.tier.TierKind;
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
 * Not thread-safe: the engine serialises calls (see {@link Tier}).
 */
public abstract class AbstractExtentTier implements Tier
{
    private static final long NO_BLOCK = Long.MIN_VALUE;

    private final TierKind kind;
    private final String name;
    private final ExtentAllocator allocator;
    private final Long2LongHashMap blockIdByLocation = new Long2LongHashMap(NO_BLOCK);
    private boolean closed;

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
        return allocator.peakUsedBytes();
    }

    /**
     * {@inheritDoc}
     */
    public AllocatorStats allocatorStats()
    {
        return new AllocatorStats(capacityBytes(), allocator.usedBytes(), allocator.peakUsedBytes(),
            allocator.allocatedCount(), allocator.allocations(), allocator.frees(), allocator.failedAllocations(),
            allocator.largestFreeExtentBytes(), allocator.fragmentationRatio(), fileLengthBytes(), List.of());
    }

    /**
     * @return free extents now: 1 when all free space is one piece (as after every block was freed).
     */
    public int freeExtentCount()
    {
        return allocator.freeExtentCount();
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
        return allocator.usedBytes();
    }

    /**
     * {@inheritDoc}
     */
    public long blockCount()
    {
        return allocator.allocatedCount();
    }

    /**
     * {@inheritDoc}
     */
    public long largestFreeExtentBytes()
    {
        return allocator.largestFreeExtentBytes();
    }

    /**
     * {@inheritDoc}
     */
    public double fragmentationRatio()
    {
        return allocator.fragmentationRatio();
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
        checkHeld(blockId, location, 0);
        release(location);
    }

    /**
     * {@inheritDoc}
     */
    public final void close()
    {
        if (!closed)
        {
            closed = true;
            blockIdByLocation.clear();
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
        return name + "{" + allocator + '}';
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
        final long location = allocator.allocate(length);
        if (location != NO_SPACE)
        {
            blockIdByLocation.put(location, blockId);
        }
        return location;
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
        blockIdByLocation.remove(location);
        allocator.free(location);
    }

    /**
     * Copies a block's bytes into the tier's storage at an extent already reserved.
     *
     * @param location  the extent's offset.
     * @param src       source buffer.
     * @param srcOffset first byte in {@code src}.
     * @param length    number of bytes.
     * @return false if the storage is out of space (the extent is then released and the write reports
     * {@link #NO_SPACE}).
     */
    protected abstract boolean copyIn(long location, DirectBuffer src, int srcOffset, int length);

    /**
     * Copies bytes of a block out of the tier's storage.
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
