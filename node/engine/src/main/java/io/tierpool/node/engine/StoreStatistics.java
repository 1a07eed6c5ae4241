/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.EngineTierStats;
import io.tierpool.client.OutOfTierMemoryException;

import io.tierpool.client.StoreStats;

import io.tierpool.client.TierStats;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's statistics part: builds {@link StoreStats} and per tier {@link TierStats} snapshots from the
 * counters the other parts keep, and counts retained clean copies.
 * <p>
 * <b>Owns</b> nothing but the code: the counters it reads belong to the parts that write them (under the engine
 * lock); the tier slots and block table belong to {@link BlockStore}.
 * <p>
 * <b>Threading.</b> Called by any thread through {@link BlockStore#stats()} and {@link BlockStore#tierStats()},
 * without the engine lock: each counter is read whole, counters may not agree with each other to the instant.
 */
final class StoreStatistics
{
    private final BlockStore store;

    StoreStatistics(final BlockStore store)
    {
        this.store = store;
    }

    /**
     * The body of {@link BlockStore#stats()}: reads counters written under the engine lock without it (see the class
     * comment, statistics); after close, called under the lock.
     */
    StoreStats statsSnapshot()
    {
        {
            final List<TierStats> tiers = tierSnapshot();
            long pinned = 0;
            final long[] pinnedPerTier = new long[store.slots.length];
            for (int i = 0; i < store.slots.length; i++)
            {
                pinnedPerTier[i] = store.closed ? 0 : store.slots[i].pinnedBlocks;
                pinned += pinnedPerTier[i];
            }
            final List<EngineTierStats> engineTiers = new ArrayList<>(store.slots.length);
            for (int i = 0; i < store.slots.length; i++)
            {
                final TierSlot slot = store.slots[i];
                final TierStats tier = tiers.get(i);
                engineTiers.add(new EngineTierStats(
                    slot.tier.kind(),
                    slot.tier.name(),
                    tier.capacityBytes(),
                    store.closed ? 0 : slot.softCapBytes(),
                    store.closed ? 0 : slot.hardCapBytes(),
                    tier.usedBytes(),
                    tier.peakUsedBytes(),
                    tier.blockCount(),
                    slot.allocations,
                    slot.frees,
                    slot.demotedBlocks,
                    slot.demotedBytes,
                    slot.promotedBlocks,
                    slot.promotedBytes,
                    slot.prefetchesIssued,
                    slot.prefetchHits,
                    pinnedPerTier[i],
                    slot.pressureLevel,
                    slot.latency(slot.allocateLatency),
                    slot.latency(slot.readLatency),
                    slot.latency(slot.writeLatency),
                    // (closing, before close took them: the tiers are still open)
                    store.closedAllocatorStats != null ? store.closedAllocatorStats[i] : slot.tier.allocatorStats()));
            }
            return new StoreStats(
                List.copyOf(tiers),
                store.blocks.size(),
                store.counters.logicalBytes,
                pinned,
                store.counters.allocations,
                store.counters.frees,
                store.counters.demotions,
                store.counters.promotions,
                store.counters.checksumFailures,
                store.moverErrors.get(),
                store.moverStuck.get(),
                List.copyOf(engineTiers),
                store.counters.prefetchRequests,
                store.counters.prefetchesIssued,
                store.counters.prefetchHits,
                store.counters.prefetchDropped,
                store.prefetchErrors.get(),
                store.pressure.listenerErrors(),
                store.ctx.overflowPolicy(),
                store.ctx.evictionPolicy(),
                store.counters.movesAbandoned,
                store.counters.deviceFallbacks,
                store.counters.demotionBatches,
                store.counters.batchedDemotions,
                store.ioWorkers == null ? 0 : store.ioWorkers.workerCount(),
                retainedCopies(),
                retainedCopyBytes(),
                store.counters.copyReturns,
                store.counters.copiesDropped);
        }
    }

    List<TierStats> tierSnapshot()
    {
        final List<TierStats> tiers = new ArrayList<>(store.slots.length);
        for (final TierSlot slot : store.slots)
        {
            tiers.add(store.closed ? closedStats(slot) : slot.stats());
        }
        return tiers;
    }

    static TierStats closedStats(final TierSlot slot)
    {
        return new TierStats(slot.tier.kind(), slot.tier.name(), slot.owned ? 0 : slot.tier.capacityBytes(), 0,
            slot.peakUsedBytes, 0, slot.demotedBlocks, slot.demotedBytes, slot.promotedBlocks, slot.promotedBytes,
            slot.checksumFailures, -1, -1);
    }

    /**
     * @return the store's tier kinds in hierarchy order, for messages.
     */
    String tierNames()
    {
        final StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < store.slots.length; i++)
        {
            sb.append(i == 0 ? "" : ", ").append(store.slots[i].tier.kind());
        }
        return sb.toString();
    }

    /**
     * @return an {@link OutOfTierMemoryException} for a block, its message naming {@code what} failed, every tier's
     * use, caps and largest free extent, the blocks pinned in RAM and what to do.
     */
    OutOfTierMemoryException outOfMemory(final BlockEntry entry, final String what)
    {
        final StringBuilder sb = new StringBuilder(256);
        sb.append(what).append(" on node ").append(store.nodeName).append(": ");
        for (int i = 0; i < store.slots.length; i++)
        {
            if (i > 0)
            {
                sb.append("; ");
            }
            sb.append(store.slots[i].describe());
            if (entry.size > store.slots[i].hardCapBytes())
            {
                sb.append(" (block larger than the tier's hard cap)");
            }
        }
        final long pinned = store.slots[store.ramIndex].pinnedBlocks;
        sb.append("; ").append(pinned).append(" blocks pinned in RAM. Raise the tiers' capacities, free blocks " +
            "that are no longer needed, or close pinned views");
        return new OutOfTierMemoryException(entry.id, entry.size, sb.toString());
    }

    long retainedCopies()
    {
        long count = 0;
        for (final TierSlot slot : store.slots)
        {
            count += slot.copyCount;
        }
        return count;
    }

    long retainedCopyBytes()
    {
        long bytes = 0;
        for (final TierSlot slot : store.slots)
        {
            bytes += slot.copyBytes;
        }
        return bytes;
    }
}
