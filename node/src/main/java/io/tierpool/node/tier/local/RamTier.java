/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.ConfigurationException;
import io.tierpool.node.tier.TierKind;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The RAM tier: one off-heap region of {@code capacityBytes}, allocated when the tier opens, outside the Java
 * heap and outside {@code -XX:MaxDirectMemorySize} (see {@link NativeMemory}), and freed when it closes.
 * <p>
 * The region is pre-touched (filled with zeros) at open, so that first-touch page faults are paid once at
 * start-up and not on the data path. Blocks are extents of the region chosen by an {@link ExtentAllocator};
 * {@link #wrap(long, int, UnsafeBuffer)} gives zero-copy access to a block in place, which is what pinned
 * views and the engine's reads and writes use.
 * <p>
 * Not thread-safe: the engine serialises calls. Views from {@link #wrap} must not be used after the block was
 * freed or the tier closed.
 */
public final class RamTier extends AbstractExtentTier
{
    private final long rawAddress;
    private final long baseAddress;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[0]);

    /**
     * Allocates and pre-touches the region.
     *
     * @param capacityBytes size of the region in bytes, at least {@link ExtentAllocator#ALIGNMENT}; rounded down
     *                      to a multiple of it.
     * @throws ConfigurationException if the capacity is too small or the memory cannot be allocated.
     */
    public RamTier(final long capacityBytes)
    {
        super(TierKind.RAM, "RAM", checkCapacity(capacityBytes));
        final long capacity = capacityBytes();
        try
        {
            rawAddress = NativeMemory.allocate(capacity + ExtentAllocator.ALIGNMENT);
        }
        catch (final OutOfMemoryError ex)
        {
            throw new ConfigurationException("ramCapacityBytes=" + capacityBytes + ": the operating system refused " +
                "that much off-heap memory; lower the RAM tier's capacity", ex);
        }
        baseAddress = ExtentAllocator.align(rawAddress);
        NativeMemory.fill(baseAddress, capacity, (byte)0);
    }

    private static long checkCapacity(final long capacityBytes)
    {
        if (capacityBytes < ExtentAllocator.ALIGNMENT)
        {
            throw new ConfigurationException("ramCapacityBytes=" + capacityBytes + " must be at least " +
                ExtentAllocator.ALIGNMENT + " bytes");
        }
        return capacityBytes;
    }

    /**
     * Allocates room for a block without copying into it. The bytes there are whatever the region held before.
     *
     * @param blockId the block.
     * @param length  bytes, 1 or more.
     * @return the location, or {@link #NO_SPACE} if no free extent is large enough.
     */
    public long allocate(final long blockId, final int length)
    {
        return reserve(blockId, length);
    }

    /**
     * Points {@code view} at a block's bytes in place: zero-copy access for reads, writes and pinned views.
     *
     * @param location the block's location.
     * @param length   bytes to expose, from the block's start.
     * @param view     the buffer to re-point; its capacity becomes {@code length}.
     * @throws IndexOutOfBoundsException if the range lies outside the region.
     */
    public void wrap(final long location, final int length, final UnsafeBuffer view)
    {
        ensureOpen();
        if (location < 0 || length < 0 || location + length > capacityBytes())
        {
            throw new IndexOutOfBoundsException("RAM location " + location + " length " + length +
                " lies outside the region of " + capacityBytes() + " bytes");
        }
        view.wrap(baseAddress + location, length);
    }

    /**
     * {@inheritDoc}
     */
    protected boolean copyIn(final long location, final DirectBuffer src, final int srcOffset, final int length)
    {
        scratch.wrap(baseAddress + location, length);
        scratch.putBytes(0, src, srcOffset, length);
        return true;
    }

    /**
     * {@inheritDoc}
     */
    protected void copyOut(final long blockId, final long location, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        scratch.wrap(baseAddress + location, length);
        scratch.getBytes(0, dst, dstOffset, length);
    }

    /**
     * {@inheritDoc}
     */
    protected void releaseResources()
    {
        scratch.wrap(new byte[0]);
        NativeMemory.free(rawAddress);
    }
}
