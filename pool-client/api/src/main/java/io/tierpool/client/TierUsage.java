/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import java.util.Objects;

/**
 * Capacity and usage of one tier of a node.
 *
 * @param tier          name of the tier, such as {@code RAM}.
 * @param capacityBytes capacity in bytes, at least 0.
 * @param usedBytes     bytes in use, at least 0.
 * @param blockCount    number of blocks held, at least 0.
 */
public record TierUsage(String tier, long capacityBytes, long usedBytes, long blockCount)
{
    /**
     * @throws NullPointerException     when tier is null.
     * @throws IllegalArgumentException when a number is negative.
     */
    public TierUsage
    {
        Objects.requireNonNull(tier, "tier");
        if (capacityBytes < 0 || usedBytes < 0 || blockCount < 0)
        {
            throw new IllegalArgumentException("tier " + tier + ": capacityBytes=" + capacityBytes + ", usedBytes=" +
                usedBytes + ", blockCount=" + blockCount + " must not be negative");
        }
    }

    /**
     * @return capacity minus used bytes, never negative.
     */
    public long freeBytes()
    {
        return Math.max(0, capacityBytes - usedBytes);
    }
}
