/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import org.agrona.collections.Long2LongHashMap;

/**
 * Which block is stored at which location of a tier, for a tier used by several threads: the table is split into
 * stripes by a hash of the location, each stripe an open-addressing map behind its own lock, so that threads
 * working on different blocks seldom wait for each other. Lookups and updates allocate nothing once a stripe has
 * grown to its working size.
 * <p>
 * Thread-safe.
 */
final class LocationTable
{
    /**
     * Returned by {@link #get(long)} and {@link #remove(long)} for a location that holds no block.
     */
    static final long NO_BLOCK = Long.MIN_VALUE;

    private static final int STRIPES = 64;

    private final Long2LongHashMap[] stripes = new Long2LongHashMap[STRIPES];

    LocationTable()
    {
        for (int i = 0; i < STRIPES; i++)
        {
            stripes[i] = new Long2LongHashMap(NO_BLOCK);
        }
    }

    /**
     * @param location a location not in the table.
     * @param blockId  the block stored there.
     */
    void put(final long location, final long blockId)
    {
        final Long2LongHashMap stripe = stripe(location);
        synchronized (stripe)
        {
            stripe.put(location, blockId);
        }
    }

    /**
     * @param location a location.
     * @return the block stored there, or {@link #NO_BLOCK}.
     */
    long get(final long location)
    {
        final Long2LongHashMap stripe = stripe(location);
        synchronized (stripe)
        {
            return stripe.get(location);
        }
    }

    /**
     * Removes the entry for {@code location} if it names {@code blockId}.
     *
     * @param location a location.
     * @param blockId  the block expected there.
     * @return the block stored there before the call ({@code blockId} if it was removed), or {@link #NO_BLOCK}.
     */
    long removeIf(final long location, final long blockId)
    {
        final Long2LongHashMap stripe = stripe(location);
        synchronized (stripe)
        {
            final long held = stripe.get(location);
            if (held == blockId)
            {
                stripe.remove(location);
            }
            return held;
        }
    }

    /**
     * Empties the table.
     */
    void clear()
    {
        for (final Long2LongHashMap stripe : stripes)
        {
            synchronized (stripe)
            {
                stripe.clear();
            }
        }
    }

    private Long2LongHashMap stripe(final long location)
    {
        final long mixed = location * 0x9E3779B97F4A7C15L;
        return stripes[(int)(mixed >>> 58)];
    }
}
