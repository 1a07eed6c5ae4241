/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.node.tier.local.NativeMemory;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An off-heap buffer a block is copied into on its way between tiers, grown on demand and kept for reuse up to
 * {@link #MAX_RETAINED_BYTES}. Owned and used by one thread at a time (the mover, or the prefetcher); released by
 * the store when it closes, after those threads stopped.
 */
final class StagingBuffer
{
    /**
     * Smallest buffer allocated: 64 KiB.
     */
    static final int MIN_BYTES = 64 * 1024;

    /**
     * Largest buffer kept between uses: 64 MiB; a larger one is released after its move.
     */
    static final int MAX_RETAINED_BYTES = 64 * 1024 * 1024;

    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private long address;
    private int capacity;

    /**
     * @param length bytes needed.
     * @return the view, wrapping exactly {@code length} bytes; valid until the next call or {@link #release()}.
     */
    UnsafeBuffer wrap(final int length)
    {
        if (capacity < length)
        {
            release();
            final int newCapacity = Math.max(length, MIN_BYTES);
            address = NativeMemory.allocate(newCapacity);
            capacity = newCapacity;
        }
        view.wrap(address, length);
        return view;
    }

    void releaseIfLarge()
    {
        if (capacity > MAX_RETAINED_BYTES)
        {
            release();
        }
    }

    void release()
    {
        view.wrap(new byte[0]);
        if (address != 0)
        {
            NativeMemory.free(address);
        }
        address = 0;
        capacity = 0;
    }
}
