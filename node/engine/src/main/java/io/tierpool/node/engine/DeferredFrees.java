/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

/**
 * Copies of blocks in tiers below RAM that a thread unlinked under the engine lock and frees once it has released
 * the lock (a freed block's copy, a dropped retained copy, the source of a move): a tier's {@code free} may be a
 * network round trip (far memory) and is never made under the engine lock. One per thread (the store keeps them
 * in a {@link ThreadLocal}); owned and used by that thread only.
 */
final class DeferredFrees
{
    private int[] tiers = new int[8];
    private long[] ids = new long[8];
    private long[] locations = new long[8];
    private int count;

    /**
     * Queues a copy to free.
     *
     * @param tierIndex the tier's slot index.
     * @param blockId   the block.
     * @param location  the copy's location in that tier.
     */
    void add(final int tierIndex, final long blockId, final long location)
    {
        if (count == tiers.length)
        {
            tiers = java.util.Arrays.copyOf(tiers, 2 * count);
            ids = java.util.Arrays.copyOf(ids, 2 * count);
            locations = java.util.Arrays.copyOf(locations, 2 * count);
        }
        tiers[count] = tierIndex;
        ids[count] = blockId;
        locations[count] = location;
        count++;
    }

    boolean isEmpty()
    {
        return count == 0;
    }

    int count()
    {
        return count;
    }

    int tier(final int k)
    {
        return tiers[k];
    }

    long blockId(final int k)
    {
        return ids[k];
    }

    long location(final int k)
    {
        return locations[k];
    }

    void clear()
    {
        count = 0;
    }
}
