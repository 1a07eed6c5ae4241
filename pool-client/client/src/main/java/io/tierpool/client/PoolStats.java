/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tierpool.client.far.RemoteTier;
import io.tierpool.client.EngineTierStats;
import io.tierpool.client.StoreStats;
import io.tierpool.client.SizeClassStats;
import io.tierpool.client.TierKind;
import io.tierpool.client.TierStats;

import java.util.List;

/**
 * A snapshot of a {@link TierPool}'s statistics: the local tiers and the far-memory tier, what this client holds
 * on each remote node, and the movement counters. Immutable; taken by {@link TierPool#stats()}.
 * <p>
 * <b>Blocks or copies.</b> Far memory keeps {@link #replicas()} copies of each block, one per node. Every counter
 * here says which it counts: a <em>block</em> is counted once whatever its number of copies; a <em>copy</em> is
 * counted once on each node that holds or held it. With 2 replicas, one block demoted to far memory adds 1 to
 * {@link #remotePuts()} and 2 to {@link #remoteCopyPuts()}. The per-node figures in {@link #remoteNodes()} count
 * copies; the totals over them are {@link #remoteCopyPuts()}, {@link #remoteCopyGets()} and
 * {@link #remoteCopyFrees()}. Counters "since open" only grow.
 *
 * @param blocks       blocks live in the pool now (each once, wherever and in however many copies).
 * @param logicalBytes bytes of all live blocks (the sum of their sizes; copies not counted).
 * @param allocations  blocks allocated since the pool opened.
 * @param frees        blocks freed since the pool opened.
 * @param demotions    blocks moved down one tier (spills), counted per move; a demotion to far memory counts 1
 *                     whatever the number of copies written.
 * @param promotions   blocks moved back up to RAM, counted per move.
 * @param checksumFailures blocks whose CRC32C did not match when they came back to RAM (never returned as data),
 *                     counted per occurrence.
 * @param tiers        per-tier statistics, fastest first; the last is {@code REMOTE} when the pool joined a cluster.
 *                     The {@code REMOTE} tier's block count and used bytes count blocks (each block once, at its
 *                     size), not copies.
 * @param remoteNodes  what this client holds on each remote node daemon, in copies (see {@link RemoteNodeStats}).
 * @param remotePuts   blocks placed in far memory since open: each block once per placement, however many copies
 *                     were written (a placement that got no copy on any node is not counted; re-replication is not
 *                     counted, see {@code reReplicatedBlocks}).
 * @param remoteGets   blocks fetched from far memory since open: each read once, whichever copy answered (a read
 *                     that failed over to another copy still counts 1, see {@code remoteFailovers}).
 * @param remoteFrees  blocks freed in far memory since open: each block once, however many copies it had (the
 *                     frees of its copies are sent without waiting; see {@link #remoteCopyFrees()}).
 * @param replicas     copies kept of each block in far memory (see {@link TierPool.Context#replicas(int)}); 0 for a
 *                     local-only pool.
 * @param underReplicatedBlocks remote blocks with fewer than {@code replicas} copies now but at least one.
 * @param reReplicatedBlocks    remote blocks brought back to {@code replicas} copies in the background since open.
 * @param lostBlocks   remote blocks whose last copy was on a node that left, since open (each raises
 *                     {@link BlockLostException} on access until freed).
 * @param remoteFailovers reads (and re-replication fetches) that moved on to another copy because the node asked
 *                     failed: timeout, unreachable, error answer or checksum mismatch; counted per move to
 *                     another copy.
 * @param checksumRetries copies that arrived with a CRC32C mismatch and were fetched again from another copy.
 * @param replicaRepairErrors unexpected errors in the background re-replication agent (it keeps running).
 * @param engineTiers  per-tier engine statistics, fastest first (same order as {@code tiers}): soft and hard caps,
 *                     allocations, frees, demotions, promotions, prefetches issued and hit, pinned blocks,
 *                     pressure level, HdrHistogram latency summaries (ns) of allocate, read and write, and the
 *                     tier's allocator statistics (failed allocations, largest free extent, fragmentation, file
 *                     length and, for RAM, per size class allocations, frees, thread-cache hits and use); see
 *                     {@link EngineTierStats} and {@link #sizeClasses(TierKind)}. Blocks, as {@code tiers}.
 * @param prefetchRequests prefetch requests queued ({@link Block#prefetch()}, {@link TierPool#prefetch} and
 *                     sequential-access detection).
 * @param prefetchesIssued blocks the prefetcher brought up to RAM.
 * @param prefetchHits of those, blocks read, written or pinned while still in RAM.
 * @param prefetchDropped prefetch requests dropped because the queue was full.
 * @param pressureListenerErrors exceptions thrown by pressure listeners (caught and counted).
 * @param demotionBatches demotions that wrote several small blocks to a slower tier in one call (batches, not
 *                     blocks).
 * @param batchedDemotions blocks demoted as part of such a batch (also counted in {@code demotions}).
 * @param ioWorkers    I/O worker threads of the pool's engine (0: its mover and prefetcher do their own I/O).
 * @param retainedCopies copies kept now in VVRAM or VSSD of blocks promoted to RAM and unchanged since
 *                     ({@link TierPool.Context#retainCleanCopies(boolean)}); counted in those tiers' used bytes.
 *                     At most one per block (local copies; far memory's copies are in {@code remoteNodes}).
 * @param copyReturns  demotions made by switching a block back to its retained copy (no write), in blocks.
 */
public record PoolStats(
    long blocks,
    long logicalBytes,
    long allocations,
    long frees,
    long demotions,
    long promotions,
    long checksumFailures,
    List<TierStats> tiers,
    List<RemoteNodeStats> remoteNodes,
    long remotePuts,
    long remoteGets,
    long remoteFrees,
    int replicas,
    long underReplicatedBlocks,
    long reReplicatedBlocks,
    long lostBlocks,
    long remoteFailovers,
    long checksumRetries,
    long replicaRepairErrors,
    List<EngineTierStats> engineTiers,
    long prefetchRequests,
    long prefetchesIssued,
    long prefetchHits,
    long prefetchDropped,
    long pressureListenerErrors,
    long demotionBatches,
    long batchedDemotions,
    int ioWorkers,
    long retainedCopies,
    long copyReturns)
{
    private static final ObjectMapper JSON = new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static PoolStats of(final StoreStats store)
    {
        return of(store, List.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    static PoolStats of(final StoreStats store, final RemoteTier remote)
    {
        return of(store, remote.nodeStats(), remote.puts(), remote.gets(), remote.frees(), remote.replicas(),
            remote.underReplicatedBlocks(), remote.reReplicatedBlocks(), remote.lostBlocks(), remote.failovers(),
            remote.checksumRetries(), remote.repairErrors());
    }

    private static PoolStats of(
        final StoreStats store,
        final List<RemoteNodeStats> remoteNodes,
        final long remotePuts,
        final long remoteGets,
        final long remoteFrees,
        final int replicas,
        final long underReplicatedBlocks,
        final long reReplicatedBlocks,
        final long lostBlocks,
        final long remoteFailovers,
        final long checksumRetries,
        final long replicaRepairErrors)
    {
        return new PoolStats(
            store.blocks(),
            store.logicalBytes(),
            store.allocations(),
            store.frees(),
            store.demotions(),
            store.promotions(),
            store.checksumFailures(),
            List.copyOf(store.tiers()),
            List.copyOf(remoteNodes),
            remotePuts,
            remoteGets,
            remoteFrees,
            replicas,
            underReplicatedBlocks,
            reReplicatedBlocks,
            lostBlocks,
            remoteFailovers,
            checksumRetries,
            replicaRepairErrors,
            List.copyOf(store.engineTiers()),
            store.prefetchRequests(),
            store.prefetchesIssued(),
            store.prefetchHits(),
            store.prefetchDropped(),
            store.pressureListenerErrors(),
            store.demotionBatches(),
            store.batchedDemotions(),
            store.ioWorkers(),
            store.retainedCopies(),
            store.copyReturns());
    }

    /**
     * @param name the tier's name, e.g. {@code "RAM"}.
     * @return that tier's statistics, or null if the pool has no such tier.
     */
    public TierStats tier(final String name)
    {
        for (final TierStats tier : tiers)
        {
            if (tier.name().equals(name))
            {
                return tier;
            }
        }
        return null;
    }

    /**
     * @param kind a kind of tier.
     * @return the engine's statistics of the first tier of that kind, or null if the pool has none.
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
     * @return the size classes of the first tier of that kind, smallest first (every class, used or not); empty if
     * the pool has no such tier or the tier has no size classes (only RAM has them).
     */
    public List<SizeClassStats> sizeClasses(final TierKind kind)
    {
        final EngineTierStats tier = engineTier(kind);
        return tier == null ? List.of() : tier.sizeClasses();
    }

    /**
     * @return copies sent to remote nodes since open, summed over {@link #remoteNodes()}
     * ({@link RemoteNodeStats#puts()}): every copy of every placement, and the copies re-replication wrote.
     */
    public long remoteCopyPuts()
    {
        long sum = 0;
        for (final RemoteNodeStats node : remoteNodes)
        {
            sum += node.puts();
        }
        return sum;
    }

    /**
     * @return copies fetched from remote nodes since open, summed over {@link #remoteNodes()}
     * ({@link RemoteNodeStats#gets()}): one per read that a node answered, and the fetches of re-replication.
     */
    public long remoteCopyGets()
    {
        long sum = 0;
        for (final RemoteNodeStats node : remoteNodes)
        {
            sum += node.gets();
        }
        return sum;
    }

    /**
     * @return copies remote nodes confirmed freed since open, summed over {@link #remoteNodes()}
     * ({@link RemoteNodeStats#frees()}); the answers come after {@link Block#free()} returns, and a node that left
     * or did not answer reclaims the copies itself, so this may trail {@code remoteFrees * replicas}.
     */
    public long remoteCopyFrees()
    {
        long sum = 0;
        for (final RemoteNodeStats node : remoteNodes)
        {
            sum += node.frees();
        }
        return sum;
    }

    /**
     * @return {@code prefetchHits / prefetchesIssued}, from 0 to 1; 0 when nothing was prefetched.
     */
    public double prefetchHitRate()
    {
        return prefetchesIssued == 0 ? 0 : (double)prefetchHits / prefetchesIssued;
    }

    /**
     * Reads statistics written by {@link #toJson()} (for example saved by an application and shown by
     * {@code tierpool stats --pool-stats FILE}). Fields unknown to this version are ignored; fields missing are
     * 0, false or null.
     *
     * @param json the JSON text.
     * @return the statistics.
     * @throws IllegalArgumentException if the text is not a JSON object of pool statistics; the message says
     *                                  where it went wrong.
     */
    public static PoolStats fromJson(final String json)
    {
        try
        {
            return JSON.readValue(json, PoolStats.class);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalArgumentException("not pool statistics as written by PoolStats.toJson(): " +
                ex.getOriginalMessage(), ex);
        }
    }

    /**
     * @return the statistics as an indented JSON object whose field names are this record's component names.
     */
    public String toJson()
    {
        try
        {
            return JSON.writeValueAsString(this);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("cannot write pool statistics as JSON: " + ex.getMessage(), ex);
        }
    }
}
