/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import org.agrona.CloseHelper;

import java.util.ArrayDeque;

/**
 * A few {@link OffHeapBuffer}s kept for reuse between transfers. A released buffer larger than the retained
 * length, or beyond the number kept, is freed at once so that one huge block does not pin memory for ever.
 * Not thread-safe: owned by one thread. {@link #close()} frees every pooled buffer and is idempotent.
 */
final class BufferPool implements AutoCloseable
{
    private static final int MAX_POOLED = 8;
    private static final int MIN_CAPACITY = 64 * 1024;

    private final ArrayDeque<OffHeapBuffer> free = new ArrayDeque<>();
    private final int retainedLength;

    /**
     * @param retainedLength largest buffer, bytes, kept once released.
     */
    BufferPool(final int retainedLength)
    {
        this.retainedLength = retainedLength;
    }

    /**
     * @param capacity bytes needed, at least 1.
     * @return a buffer of at least that capacity, to be given back with {@link #release(OffHeapBuffer)}.
     * @throws OutOfMemoryError when native memory cannot be allocated.
     */
    OffHeapBuffer acquire(final int capacity)
    {
        final OffHeapBuffer pooled = free.pollFirst();
        if (null == pooled)
        {
            return new OffHeapBuffer(Math.max(MIN_CAPACITY, capacity));
        }

        try
        {
            pooled.ensureCapacity(capacity);
        }
        catch (final OutOfMemoryError ex)
        {
            pooled.close();
            throw ex;
        }
        return pooled;
    }

    /**
     * @param buffer a buffer from {@link #acquire(int)}; must not be used afterwards.
     */
    void release(final OffHeapBuffer buffer)
    {
        if (buffer.capacity() > retainedLength || free.size() >= MAX_POOLED)
        {
            buffer.close();
        }
        else
        {
            free.addFirst(buffer);
        }
    }

    /**
     * Free the pooled buffers. Idempotent.
     */
    public void close()
    {
        CloseHelper.closeAll(free);
        free.clear();
    }
}
