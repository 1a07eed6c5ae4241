/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import java.util.List;

/**
 * A snapshot of a tier's allocator: how its space is used and how fragmented the free space is, since the tier
 * opened. Complements {@link TierStats}, which the block engine keeps (movement, checksums); this one is kept by
 * the tier itself ({@link Tier#allocatorStats()}).
 *
 * @param capacityBytes          the most bytes the tier can hold.
 * @param usedBytes              bytes held by blocks now, rounded up to the allocation unit (size class or
 *                               64-byte extent).
 * @param peakUsedBytes          the most bytes held at once since the tier opened.
 * @param blockCount             blocks held now.
 * @param allocations            allocations that succeeded since the tier opened.
 * @param frees                  blocks freed since the tier opened.
 * @param failedAllocations      allocations refused for want of space ({@link Tier#NO_SPACE}).
 * @param largestFreeExtentBytes the largest block the tier could take now, or -1 where not known.
 * @param fragmentationRatio     {@code 1 - largestFree / totalFree} (0 = unfragmented), or -1 where not known.
 * @param fileLengthBytes        bytes of backing file(s) reserved so far for a file-backed tier (it grows up to the
 *                               capacity); -1 for a tier with no file.
 * @param sizeClasses            per size class statistics, smallest class first; empty for a tier without size
 *                               classes. Immutable.
 */
public record AllocatorStats(
    long capacityBytes,
    long usedBytes,
    long peakUsedBytes,
    long blockCount,
    long allocations,
    long frees,
    long failedAllocations,
    long largestFreeExtentBytes,
    double fragmentationRatio,
    long fileLengthBytes,
    List<SizeClassStats> sizeClasses)
{
    /**
     * Copies {@code sizeClasses} so that the record is immutable; null (as read from JSON written without it)
     * becomes an empty list.
     */
    public AllocatorStats
    {
        sizeClasses = sizeClasses == null ? List.of() : List.copyOf(sizeClasses);
    }
}
