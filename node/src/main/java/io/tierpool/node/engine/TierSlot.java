/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.node.Hint;
import io.tierpool.node.tier.Tier;
import io.tierpool.node.tier.TierStats;

/**
 * The engine's view of one tier: the tier itself, whether the engine owns it, its two LRU lists (HOT blocks
 * apart, demoted last) and its traffic counters. Guarded by the engine lock.
 */
final class TierSlot
{
    final int index;
    final Tier tier;
    final boolean owned;
    final LruList warm = new LruList();
    final LruList hot = new LruList();

    long peakUsedBytes;
    long demotedBlocks;
    long demotedBytes;
    long promotedBlocks;
    long promotedBytes;
    long checksumFailures;

    TierSlot(final int index, final Tier tier, final boolean owned)
    {
        this.index = index;
        this.tier = tier;
        this.owned = owned;
    }

    /**
     * Puts a block that now lives in this tier at the most recently used end of its list, unless it may not
     * move (pinned or {@link Hint#PIN_FAST}), in which case it stays out of the lists.
     *
     * @param entry the block.
     */
    void link(final BlockEntry entry)
    {
        if (entry.isMovable())
        {
            (entry.hint == Hint.HOT || entry.hint == Hint.DEVICE ? hot : warm).addLast(entry);
        }
    }

    /**
     * Takes a block out of this tier's lists, if it is in one.
     *
     * @param entry the block.
     */
    void unlink(final BlockEntry entry)
    {
        if (entry.list != null)
        {
            entry.list.remove(entry);
        }
    }

    /**
     * Marks a block as just used.
     *
     * @param entry the block.
     */
    void touch(final BlockEntry entry)
    {
        if (entry.list != null)
        {
            entry.list.moveToLast(entry);
        }
    }

    void updatePeak()
    {
        peakUsedBytes = Math.max(peakUsedBytes, tier.usedBytes());
    }

    TierStats stats()
    {
        return new TierStats(
            tier.kind(),
            tier.name(),
            tier.capacityBytes(),
            tier.usedBytes(),
            Math.max(peakUsedBytes, tier.usedBytes()),
            tier.blockCount(),
            demotedBlocks,
            demotedBytes,
            promotedBlocks,
            promotedBytes,
            checksumFailures,
            tier.largestFreeExtentBytes(),
            tier.fragmentationRatio());
    }

    String describe()
    {
        final StringBuilder sb = new StringBuilder(128);
        sb.append(tier.name()).append(' ').append(tier.usedBytes()).append('/').append(tier.capacityBytes())
            .append(" bytes used");
        final long largestFree = tier.largestFreeExtentBytes();
        if (largestFree >= 0)
        {
            sb.append(" (largest free extent ").append(largestFree).append(" bytes, fragmentation ")
                .append(String.format("%.1f", tier.fragmentationRatio() * 100)).append("%)");
        }
        sb.append(", ").append(tier.blockCount()).append(" blocks");
        return sb.toString();
    }
}
