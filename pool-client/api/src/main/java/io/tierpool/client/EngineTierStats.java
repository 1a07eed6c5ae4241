/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;


import java.util.List;

/**
 * What the block engine knows of one tier: limits, usage, traffic, prefetching, pressure and latencies. A part of
 * {@link StoreStats}, taken under the engine lock (consistent with the other fields of the snapshot). The tier's
 * own view (largest free extent, fragmentation, size classes) is in {@link #allocator()} and in
 * {@link io.tierpool.client.TierStats}.
 *
 * @param kind             the kind of tier.
 * @param name             the tier's name, e.g. {@code "RAM"}.
 * @param capacityBytes    the most bytes the tier itself can hold.
 * @param softCapBytes     above this many used bytes the mover demotes from the tier.
 * @param hardCapBytes     the tier never holds more bytes than this (at most the capacity).
 * @param usedBytes        bytes held by blocks now (including alignment padding).
 * @param peakUsedBytes    the most bytes held at once since the store opened.
 * @param blocks           blocks held now.
 * @param allocations      blocks allocated into this tier since open.
 * @param frees            blocks freed while in this tier since open.
 * @param demotedBlocks    blocks moved out of this tier to a slower tier.
 * @param demotedBytes     bytes of those blocks.
 * @param promotedBlocks   blocks moved out of this tier to a faster tier (RAM, or by {@code moveTo}).
 * @param promotedBytes    bytes of those blocks.
 * @param prefetchesIssued blocks the prefetcher brought from this tier up to RAM.
 * @param prefetchHits     of those, blocks that were then read, written or pinned while still in RAM.
 * @param pinnedBlocks     blocks in this tier that may not move now (open pins or {@link io.tierpool.client.Hint#PIN_FAST}).
 * @param pressureLevel    the tier's pressure level now: its used bytes against its hard cap, soft cap and drain
 *                         target, as {@link PressureLevel} defines them.
 * @param allocateLatency  latency of allocations placed in this tier, in ns (lock wait included).
 * @param readLatency      latency of reads of blocks that were in this tier when the read started, in ns
 *                         (including any promotion).
 * @param writeLatency     latency of writes of blocks that were in this tier when the write started, in ns.
 * @param allocator        the tier's own allocator statistics ({@link io.tierpool.node.tier.Tier#allocatorStats()}):
 *                         failed allocations, largest free extent, fragmentation ratio, backing file length and,
 *                         for the RAM tier, per size class counts. Taken in the same snapshot as the other fields
 *                         (after {@link BlockStore#close()}, as the tier was when the store closed). Null only in
 *                         statistics written by a version without it (see {@link #sizeClasses()}).
 */
public record EngineTierStats(
    TierKind kind,
    String name,
    long capacityBytes,
    long softCapBytes,
    long hardCapBytes,
    long usedBytes,
    long peakUsedBytes,
    long blocks,
    long allocations,
    long frees,
    long demotedBlocks,
    long demotedBytes,
    long promotedBlocks,
    long promotedBytes,
    long prefetchesIssued,
    long prefetchHits,
    long pinnedBlocks,
    PressureLevel pressureLevel,
    LatencyStats allocateLatency,
    LatencyStats readLatency,
    LatencyStats writeLatency,
    AllocatorStats allocator)
{
    /**
     * @return the tier's size classes, smallest first; empty for a tier without size classes (or without
     * allocator statistics).
     */
    public List<SizeClassStats> sizeClasses()
    {
        return allocator == null ? List.of() : allocator.sizeClasses();
    }
}
