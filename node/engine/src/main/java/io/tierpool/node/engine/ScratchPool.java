/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import java.util.ArrayDeque;

/**
 * {@link IoScratch} working memory lent to application threads for the tier I/O they do without the engine lock
 * (a promotion on access, a block placed below RAM, an access staged where a block lies): one scratch per call in
 * flight, returned after it, so that no two threads share a staging buffer and steady-state calls allocate nothing.
 * <p>
 * Thread-safe: the pool's own monitor guards its stack for a few instructions, never across I/O. Owned by the
 * block store, which {@link #close() closes} it after every thread stopped using the store.
 */
final class ScratchPool implements AutoCloseable
{
    /**
     * Most idle scratches kept; more threads at once get fresh ones, released when returned.
     */
    static final int MAX_IDLE = 16;

    private final ArrayDeque<IoScratch> idle = new ArrayDeque<>(MAX_IDLE);
    private boolean closed;

    /**
     * @return a scratch for the calling thread's exclusive use until {@link #release(IoScratch)}.
     */
    IoScratch acquire()
    {
        synchronized (idle)
        {
            final IoScratch scratch = idle.pollLast();
            if (scratch != null)
            {
                return scratch;
            }
        }
        return new IoScratch();
    }

    /**
     * Returns a scratch taken with {@link #acquire()}; its memory is kept for the next caller, or freed if the
     * pool is full or closed.
     *
     * @param scratch the scratch; not used by the caller afterwards.
     */
    void release(final IoScratch scratch)
    {
        scratch.staging.releaseIfLarge();
        synchronized (idle)
        {
            if (!closed && idle.size() < MAX_IDLE)
            {
                idle.addLast(scratch);
                return;
            }
        }
        scratch.release();
    }

    /**
     * Frees every idle scratch; scratches returned later are freed at once. Idempotent.
     */
    public void close()
    {
        synchronized (idle)
        {
            closed = true;
            IoScratch scratch;
            while ((scratch = idle.pollLast()) != null)
            {
                scratch.release();
            }
        }
    }
}
