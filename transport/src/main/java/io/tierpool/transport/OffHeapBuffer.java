/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import org.agrona.BitUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A growable block of native memory (not Java heap, not counted against {@code -XX:MaxDirectMemorySize}) seen
 * through an {@link UnsafeBuffer}. Growing does not keep the old contents. Memory is not zeroed.
 * Not thread-safe; owned by one thread. {@link #close()} frees the memory and is idempotent.
 */
final class OffHeapBuffer implements AutoCloseable
{
    private static final int LARGE_THRESHOLD = 64 * 1024 * 1024;
    private static final int LARGE_ALIGNMENT = 1024 * 1024;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);
    private long address;
    private int capacity;

    /**
     * @param initialCapacity bytes to allocate now, at least 1.
     */
    OffHeapBuffer(final int initialCapacity)
    {
        ensureCapacity(initialCapacity);
    }

    /**
     * Make room for at least {@code required} bytes; contents are lost when the buffer grows.
     *
     * @param required bytes needed, 1..{@link Integer#MAX_VALUE} - 8.
     * @throws OutOfMemoryError when the native allocation fails.
     */
    void ensureCapacity(final int required)
    {
        if (required < 1)
        {
            throw new IllegalArgumentException("required capacity must be at least 1: " + required);
        }

        if (required > capacity)
        {
            final int newCapacity = grownCapacity(required);
            final long newAddress = UnsafeApi.allocateMemory(newCapacity);
            if (0 != address)
            {
                UnsafeApi.freeMemory(address);
            }
            address = newAddress;
            capacity = newCapacity;
            buffer.wrap(address, capacity);
        }
    }

    /**
     * Small buffers grow to the next power of two so that a few growth steps serve many sizes; large ones grow
     * to the next MiB only, so that a 1 GiB block does not cost 2 GiB.
     */
    private static int grownCapacity(final int required)
    {
        if (required <= LARGE_THRESHOLD)
        {
            return BitUtil.findNextPositivePowerOfTwo(required);
        }
        return (int)Math.min(Integer.MAX_VALUE - 8L, BitUtil.align((long)required, LARGE_ALIGNMENT));
    }

    /**
     * @return the view of the memory; its capacity is {@link #capacity()}. Valid until the next
     * {@link #ensureCapacity(int)} that grows or {@link #close()}.
     */
    UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return bytes allocated.
     */
    int capacity()
    {
        return capacity;
    }

    /**
     * Free the memory. Idempotent.
     */
    public void close()
    {
        if (0 != address)
        {
            UnsafeApi.freeMemory(address);
            address = 0;
            capacity = 0;
            buffer.wrap(new byte[0]);
        }
    }
}
