/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.AllocatorStats;
import io.tierpool.client.SizeClassStats;
import io.tierpool.node.tier.Tier;
import io.tierpool.client.TierKind;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;
import java.util.function.LongBinaryOperator;

/**
 * The RAM tier: one off-heap region of {@code capacityBytes}, allocated when the tier opens, outside the Java
 * heap and outside {@code -XX:MaxDirectMemorySize} (see {@link NativeMemory}), and freed when it closes.
 * <p>
 * The region is pre-touched (filled with zeros) at open, so that first-touch page faults are paid once at
 * start-up and not on the data path. Blocks are allocated by a {@link SizeClassAllocator} over the region (size
 * classes, thread caches, arenas and chunks, after Netty's pooled allocator; blocks above the chunk size straight
 * from the region); a location is the allocator's handle, which encodes the block's offset in the region and its
 * size class. {@link #wrap(long, int, UnsafeBuffer)} gives zero-copy access to a block in place, which is what
 * pinned views and the engine's reads and writes use.
 * <p>
 * <b>Room.</b> Blocks that will never move ({@link #allocate(long, int, boolean)}) are packed apart from the others
 * at the region's low end, and {@link #roomFor} names the blocks to move out of the cheapest window where the tier
 * has the free bytes for a block but no extent: what the engine demotes instead of its coldest blocks.
 * <p>
 * <b>Threading:</b> thread-safe. Allocation and free go through the allocator (lock-free thread caches, locked
 * arenas); a striped table from location to block id checks that every read and free names the block written
 * there. Views from {@link #wrap} must not be used after the block was freed or the tier closed, and
 * {@link #close()} must not run concurrently with other calls.
 */
public final class RamTier implements Tier
{
    private final long capacityBytes;
    private final long rawAddress;
    private final long baseAddress;
    private final SizeClassAllocator allocator;
    private final LocationTable blockIdByLocation = new LocationTable();
    private final LongArrayList roomHandles = new LongArrayList();
    private final ThreadLocal<UnsafeBuffer> scratch = ThreadLocal.withInitial(() -> new UnsafeBuffer(new byte[0]));
    private volatile boolean closed;

    /**
     * Allocates and pre-touches the region, with the allocator's default settings.
     *
     * @param capacityBytes size of the region in bytes, at least {@link ExtentAllocator#ALIGNMENT}; rounded down
     *                      to a multiple of it.
     * @throws ConfigurationException if the capacity is too small or the memory cannot be allocated.
     */
    public RamTier(final long capacityBytes)
    {
        this(capacityBytes, new SizeClassAllocator.Context());
    }

    /**
     * Allocates and pre-touches the region.
     *
     * @param capacityBytes size of the region in bytes, from {@link ExtentAllocator#ALIGNMENT} to
     *                      {@link SizeClassAllocator#MAX_CAPACITY_BYTES}; rounded down to a multiple of 64.
     * @param ctx           the allocator's settings (page, chunk, arenas, thread caches).
     * @throws ConfigurationException if the capacity or a setting is out of range or the memory cannot be
     *                                allocated.
     */
    public RamTier(final long capacityBytes, final SizeClassAllocator.Context ctx)
    {
        if (capacityBytes < ExtentAllocator.ALIGNMENT || capacityBytes > SizeClassAllocator.MAX_CAPACITY_BYTES)
        {
            throw new ConfigurationException("ramCapacityBytes=" + capacityBytes + " must be from " +
                ExtentAllocator.ALIGNMENT + " to " + SizeClassAllocator.MAX_CAPACITY_BYTES + " bytes");
        }
        ctx.conclude();
        this.capacityBytes = capacityBytes & -ExtentAllocator.ALIGNMENT;
        try
        {
            rawAddress = NativeMemory.allocate(this.capacityBytes + ExtentAllocator.ALIGNMENT);
        }
        catch (final OutOfMemoryError ex)
        {
            throw new ConfigurationException("ramCapacityBytes=" + capacityBytes + ": the operating system refused " +
                "that much off-heap memory; lower the RAM tier's capacity", ex);
        }
        baseAddress = ExtentAllocator.align(rawAddress);
        NativeMemory.fill(baseAddress, this.capacityBytes, (byte)0);
        allocator = new SizeClassAllocator(baseAddress, this.capacityBytes, ctx);
    }

    /**
     * {@inheritDoc}
     */
    public TierKind kind()
    {
        return TierKind.RAM;
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "RAM";
    }

    /**
     * @return the capacity in bytes, a multiple of {@link ExtentAllocator#ALIGNMENT}.
     */
    public long capacityBytes()
    {
        return capacityBytes;
    }

    /**
     * {@inheritDoc}
     * <p>
     * Blocks count at their size class (or, above the chunk size, their 64-byte aligned length).
     */
    public long usedBytes()
    {
        return allocator.usedBytes();
    }

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
    public long blockCount()
    {
        return allocator.usedBlocks();
    }

    /**
     * {@inheritDoc}
     * <p>
     * The largest block that can surely be allocated now (see {@link SizeClassAllocator#largestFreeExtentBytes()}).
     * Takes the arena and region locks in turn: meant for statistics and failure paths.
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
     * Per size class counts: allocations, frees, thread-cache hits, blocks and bytes in use.
     *
     * @return an immutable list, smallest class first (see {@link SizeClassAllocator#sizeClassStats()}).
     */
    public List<SizeClassStats> sizeClassStats()
    {
        return allocator.sizeClassStats();
    }

    /**
     * {@inheritDoc}
     */
    public AllocatorStats allocatorStats()
    {
        return new AllocatorStats(capacityBytes, allocator.usedBytes(), allocator.peakUsedBytes(),
            allocator.usedBlocks(), allocator.allocations(), allocator.frees(), allocator.failedAllocations(),
            allocator.largestFreeExtentBytes(), allocator.fragmentationRatio(), -1, allocator.sizeClassStats());
    }

    /**
     * @return the allocator over the region, for benchmarks and diagnostics. Blocks allocated on it directly have
     * no block id (the tier's reads and frees refuse them) but take the tier's space and count in
     * {@link #usedBytes()} and {@link #blockCount()}.
     */
    public SizeClassAllocator allocator()
    {
        return allocator;
    }

    /**
     * Gives the calling thread's cached blocks, unused subpages and empty chunks back to the region (see
     * {@link SizeClassAllocator#trim()}).
     */
    public void trim()
    {
        allocator.trim();
    }

    /**
     * Allocates room for a block without copying into it. The bytes there are whatever the region held before.
     *
     * @param blockId the block.
     * @param length  bytes, 1 or more.
     * @return the location, or {@link #NO_SPACE} if neither a chunk nor the region can hold the block.
     * @throws IllegalArgumentException if {@code length} is not positive.
     * @throws IllegalStateException    if the tier is closed.
     */
    public long allocate(final long blockId, final int length)
    {
        return allocate(blockId, length, true);
    }

    /**
     * Allocates room for a block without copying into it, saying whether the block may move later: a block that
     * will never move (pinned for its life) is packed with the others like it at the region's low end, apart from
     * the blocks that may move (see {@link SizeClassAllocator#allocate(long, boolean)}), so that {@link #roomFor}
     * can empty windows by moving movable blocks only.
     *
     * @param blockId the block.
     * @param length  bytes, 1 or more.
     * @param movable false for a block that will never leave the tier.
     * @return the location, or {@link #NO_SPACE} if neither a chunk nor the region can hold the block.
     * @throws IllegalArgumentException if {@code length} is not positive.
     * @throws IllegalStateException    if the tier is closed.
     */
    public long allocate(final long blockId, final int length, final boolean movable)
    {
        ensureOpen();
        if (length <= 0)
        {
            throw new IllegalArgumentException("block " + blockId + ": length=" + length + " must be > 0 for tier RAM");
        }
        final long location = movable ? allocator.allocate(length) : allocator.allocate(length, false);
        if (location != SizeClassAllocator.NO_SPACE)
        {
            blockIdByLocation.put(location, blockId);
        }
        return location;
    }

    /**
     * Points {@code view} at a block's bytes in place: zero-copy access for reads, writes and pinned views.
     *
     * @param location the block's location.
     * @param length   bytes to expose, from the block's start.
     * @param view     the buffer to re-point; its capacity becomes {@code length}.
     * @throws IndexOutOfBoundsException if the range lies outside the region, or beyond the block's size class.
     * @throws IllegalStateException     if the tier is closed.
     */
    public void wrap(final long location, final int length, final UnsafeBuffer view)
    {
        ensureOpen();
        final long offset = SizeClassAllocator.offset(location);
        if (location < 0 || length < 0 || offset + length > capacityBytes || !withinClass(location, length))
        {
            throw new IndexOutOfBoundsException("RAM location " + location + " (offset " + offset + ") length " +
                length + " lies outside the region of " + capacityBytes + " bytes or beyond its block");
        }
        view.wrap(baseAddress + offset, length);
    }

    /**
     * {@inheritDoc}
     * <p>
     * The checksum is not stored: the engine keeps it and verifies the bytes when they come back.
     */
    public long write(final long blockId, final DirectBuffer src, final int srcOffset, final int length, final int crc32c)
    {
        src.boundsCheck(srcOffset, length);
        final long location = allocate(blockId, length);
        if (location == NO_SPACE)
        {
            return NO_SPACE;
        }
        final UnsafeBuffer buffer = scratch.get();
        buffer.wrap(allocator.address(location), length);
        buffer.putBytes(0, src, srcOffset, length);
        return location;
    }

    /**
     * {@inheritDoc}
     */
    public void read(final long blockId, final long location, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        checkHeld(blockId, location, length);
        dst.boundsCheck(dstOffset, length);
        final UnsafeBuffer buffer = scratch.get();
        buffer.wrap(allocator.address(location), length);
        buffer.getBytes(0, dst, dstOffset, length);
    }

    /**
     * {@inheritDoc}
     */
    public void free(final long blockId, final long location)
    {
        ensureOpen();
        final long held = blockIdByLocation.removeIf(location, blockId);
        if (held != blockId)
        {
            throw notHeld(blockId, location, held);
        }
        allocator.free(location);
    }

    /**
     * {@inheritDoc}
     * <p>
     * Searches the chunks of the allocator for the window (see {@link SizeClassAllocator#roomFor}); the calling
     * thread's cached blocks are given back first. A location that holds no block of the engine (a block cached
     * by another thread, or allocated on the allocator directly) counts as one that cannot move. Blocks above the
     * chunk size come straight from the region, which is not searched: {@link #ROOM_UNKNOWN}. Thread-safe;
     * searches of several threads are serialised.
     */
    public int roomFor(final int length, final boolean low, final LongBinaryOperator costOf, final LongArrayList blockIdsOut)
    {
        ensureOpen();
        blockIdsOut.clear();
        synchronized (roomHandles)
        {
            final int count = allocator.roomFor(length, low, (handle) ->
            {
                final long blockId = blockIdByLocation.get(handle);
                return blockId == LocationTable.NO_BLOCK ? -1 : costOf.applyAsLong(blockId, handle);
            }, roomHandles);
            for (int i = 0; i < roomHandles.size(); i++)
            {
                blockIdsOut.addLong(blockIdByLocation.get(roomHandles.getLong(i)));
            }
            roomHandles.clear();
            return count;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            blockIdByLocation.clear();
            allocator.close();
            NativeMemory.free(rawAddress);
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
        return "RAM{" + allocator + '}';
    }

    private boolean withinClass(final long location, final int length)
    {
        final int sizeIndex = allocator.sizeIndexOrMinusOne(location);
        return sizeIndex < 0 || length <= allocator.sizeClasses().size(sizeIndex);
    }

    private void checkHeld(final long blockId, final long location, final int length)
    {
        ensureOpen();
        final long held = blockIdByLocation.get(location);
        if (held != blockId)
        {
            throw notHeld(blockId, location, held);
        }
        final long allocated = allocator.allocatedBytes(location);
        if (length < 0 || length > allocated)
        {
            throw new IndexOutOfBoundsException("block " + blockId + " in tier RAM: length " + length +
                " exceeds the " + allocated + " bytes allocated at location " + location);
        }
    }

    private static IllegalStateException notHeld(final long blockId, final long location, final long held)
    {
        return new IllegalStateException("tier RAM holds no block " + blockId + " at location " + location +
            (held == LocationTable.NO_BLOCK ? " (nothing is stored there)" : " (block " + held + " is)"));
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("tier RAM is closed");
        }
    }
}
