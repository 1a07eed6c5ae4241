/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import java.util.List;
import java.util.Objects;

/**
 * Capacity and usage of a node, per tier, fastest tier first.
 *
 * @param nodeName name of the node.
 * @param tiers    one entry per tier; copied, unmodifiable.
 */
public record NodeUsage(String nodeName, List<TierUsage> tiers)
{
    /**
     * @throws NullPointerException when an argument or a tier is null.
     */
    public NodeUsage
    {
        Objects.requireNonNull(nodeName, "nodeName");
        tiers = List.copyOf(tiers);
    }

    /**
     * @return total capacity of all tiers, bytes.
     */
    public long capacityBytes()
    {
        long total = 0;
        for (final TierUsage tier : tiers)
        {
            total += tier.capacityBytes();
        }
        return total;
    }

    /**
     * @return total bytes in use in all tiers.
     */
    public long usedBytes()
    {
        long total = 0;
        for (final TierUsage tier : tiers)
        {
            total += tier.usedBytes();
        }
        return total;
    }

    /**
     * @return total free bytes in all tiers.
     */
    public long freeBytes()
    {
        long total = 0;
        for (final TierUsage tier : tiers)
        {
            total += tier.freeBytes();
        }
        return total;
    }

    /**
     * @return total number of blocks in all tiers.
     */
    public long blockCount()
    {
        long total = 0;
        for (final TierUsage tier : tiers)
        {
            total += tier.blockCount();
        }
        return total;
    }

    /**
     * @param tierName name of a tier.
     * @return that tier's usage, or null when the node has no such tier.
     */
    public TierUsage tier(final String tierName)
    {
        for (final TierUsage tier : tiers)
        {
            if (tier.tier().equals(tierName))
            {
                return tier;
            }
        }
        return null;
    }
}
