/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

/**
 * A snapshot of one tier's usage and traffic, as kept by the block engine.
 *
 * @param kind                   the kind of tier.
 * @param name                   the tier's name, e.g. {@code "RAM"}.
 * @param capacityBytes          the most bytes the tier can hold.
 * @param usedBytes              bytes held by blocks now.
 * @param peakUsedBytes          the most bytes held at once since the store opened.
 * @param blockCount             blocks held now.
 * @param demotedBlocks          blocks moved out of this tier to a slower tier.
 * @param demotedBytes           bytes of those blocks.
 * @param promotedBlocks         blocks moved out of this tier up to RAM.
 * @param promotedBytes          bytes of those blocks.
 * @param checksumFailures       blocks whose bytes came back from this tier with a wrong CRC32C.
 * @param largestFreeExtentBytes the largest block the tier could take now, or -1 where not known.
 * @param fragmentationRatio     {@code 1 - largestFree / totalFree} (0 = unfragmented), or -1 where not known.
 */
public record TierStats(
    TierKind kind,
    String name,
    long capacityBytes,
    long usedBytes,
    long peakUsedBytes,
    long blockCount,
    long demotedBlocks,
    long demotedBytes,
    long promotedBlocks,
    long promotedBytes,
    long checksumFailures,
    long largestFreeExtentBytes,
    double fragmentationRatio)
{
    /**
     * @return the fraction of the capacity in use, from 0 to 1.
     */
    public double utilisation()
    {
        return capacityBytes == 0 ? 0 : (double)usedBytes / capacityBytes;
    }
}
