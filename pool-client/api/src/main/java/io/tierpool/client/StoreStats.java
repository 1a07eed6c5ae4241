/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;


import java.util.List;

/**
 * A snapshot of a {@link BlockStore}'s statistics, taken under its lock (consistent across fields). Taking one
 * reads every tier's allocator (arena locks, thread caches): take it for a report or a scrape, not per operation.
 *
 * @param tiers            one entry per tier, fastest first.
 * @param blocks           live blocks.
 * @param logicalBytes     total size of the live blocks, in bytes (without alignment padding).
 * @param pinnedBlocks     live blocks pinned now, or allocated with {@link io.tierpool.client.Hint#PIN_FAST}.
 * @param allocations      blocks allocated since the store opened.
 * @param frees            blocks freed since the store opened.
 * @param demotions        moves of a block to a slower tier (spills), by the mover or to make room.
 * @param promotions       moves of a block back up to RAM (or into the DEVICE tier).
 * @param checksumFailures blocks whose bytes came back from a lower tier damaged.
 * @param moverErrors      errors the mover met and reported to the error handler.
 * @param moverStuck       times the mover found a tier above its soft cap with nothing it could move
 *                         (everything pinned, or every tier below full) and backed off.
 * @param engineTiers      the engine's per-tier statistics (caps, traffic, prefetches, pressure, latencies) and
 *                         each tier's allocator statistics (size classes, fragmentation, file length), fastest
 *                         first, in the same order as {@code tiers}.
 * @param prefetchRequests prefetch requests queued ({@link BlockStore#prefetchAsync(long)} and sequential-access
 *                         detection).
 * @param prefetchesIssued blocks the prefetcher brought up to RAM.
 * @param prefetchHits     of those, blocks read, written or pinned while still in RAM.
 * @param prefetchDropped  prefetch requests not queued because the queue was full.
 * @param prefetchErrors   prefetches that failed (checksum mismatch, failing tier); reported to the error handler.
 * @param pressureListenerErrors exceptions thrown by pressure listeners (caught).
 * @param overflowPolicy   the store's overflow policy.
 * @param evictionPolicy   the store's eviction policy.
 * @param movesAbandoned   demotions of the mover and prefetches prepared without the engine lock and abandoned
 *                         because the block was written, pinned, moved or freed meanwhile (the new copy was freed).
 * @param deviceFallbacks  {@link io.tierpool.client.Hint#DEVICE} allocations that the DEVICE tier could not take
 *                         under its hard cap and that were placed like HOT instead (0 without a DEVICE tier).
 * @param demotionBatches  demotions that wrote several small blocks to a slower tier in one call
 *                         ({@link StoreContext#demotionBatchBytes(int)}).
 * @param batchedDemotions blocks demoted as part of such a batch (also counted in {@code demotions}).
 * @param ioWorkers        I/O worker threads the store runs (0: the mover and prefetcher do their own I/O).
 * @param retainedCopies   copies kept now in VVRAM or VSSD of blocks promoted to RAM and unchanged since
 *                         ({@link StoreContext#retainCleanCopies(boolean)}); counted in those tiers' used bytes
 *                         and blocks.
 * @param retainedCopyBytes bytes those copies take in their tiers.
 * @param copyReturns      demotions made by switching a block back to its retained copy (no checksum, no write);
 *                         also counted in {@code demotions}.
 * @param copiesDropped    retained copies freed: the block was written, pinned, moved or freed, or the tier needed
 *                         the room.
 */
public record StoreStats(
    List<TierStats> tiers,
    long blocks,
    long logicalBytes,
    long pinnedBlocks,
    long allocations,
    long frees,
    long demotions,
    long promotions,
    long checksumFailures,
    long moverErrors,
    long moverStuck,
    List<EngineTierStats> engineTiers,
    long prefetchRequests,
    long prefetchesIssued,
    long prefetchHits,
    long prefetchDropped,
    long prefetchErrors,
    long pressureListenerErrors,
    OverflowPolicy overflowPolicy,
    EvictionPolicy evictionPolicy,
    long movesAbandoned,
    long deviceFallbacks,
    long demotionBatches,
    long batchedDemotions,
    int ioWorkers,
    long retainedCopies,
    long retainedCopyBytes,
    long copyReturns,
    long copiesDropped)
{
    /**
     * @return {@code prefetchHits / prefetchesIssued}, from 0 to 1; 0 when nothing was prefetched.
     */
    public double prefetchHitRate()
    {
        return prefetchesIssued == 0 ? 0 : (double)prefetchHits / prefetchesIssued;
    }

    /**
     * @param kind a kind of tier.
     * @return the engine's statistics of the first tier of that kind, or null if the store has none.
     */
    public EngineTierStats engineTier(final TierKind kind)
    {
        for (final EngineTierStats tier : engineTiers)
        {
            if (tier.kind() == kind)
            {
                return tier;
            }
        }
        return null;
    }

    /**
     * @param kind a kind of tier.
     * @return the first tier of that kind, or null if the store has none.
     */
    public TierStats tier(final TierKind kind)
    {
        for (final TierStats tier : tiers)
        {
            if (tier.kind() == kind)
            {
                return tier;
            }
        }
        return null;
    }
}
