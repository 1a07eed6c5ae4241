/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.metrics;

import io.tierpool.client.PressureLevel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tierpool.node.server.NodeBlockService;
import io.tierpool.client.TierStats;

import java.util.List;
import java.util.Map;

/**
 * A node daemon's statistics at one moment: what its {@code /stats} endpoint serves as JSON. The store-wide fields
 * and {@code tiers} have the names and meaning of {@link io.tierpool.client.StoreStats} (and of the client's
 * {@code PoolStats.toJson()}); the rest describe what this node serves to remote clients. Immutable.
 *
 * @param node             the node's name.
 * @param endpoint         the node's Aeron endpoint, {@code host:port}, that clients send blocks to.
 * @param timestampMs      when the snapshot was taken, in milliseconds since the epoch.
 * @param clusterNodes     live node daemons in the cluster, this one included, as Ignite discovery sees them.
 * @param blocks           live blocks in the node's store (remote clients' blocks).
 * @param logicalBytes     total size of those blocks, in bytes.
 * @param pinnedBlocks     blocks that cannot move now.
 * @param allocations      blocks allocated since the node started.
 * @param frees            blocks freed since the node started.
 * @param demotions        moves of a block to a slower tier.
 * @param promotions       moves of a block back up to RAM.
 * @param checksumFailures blocks whose bytes came back from a lower tier damaged.
 * @param moverErrors      errors the mover met.
 * @param moverStuck       times the mover found nothing it could move out of a tier above its high watermark.
 * @param tiers            per-tier statistics, fastest first.
 * @param pressure         each tier's {@link PressureLevel} as the block engine keeps it (used bytes against the
 *                         tier's hard cap, soft cap and drain target, as {@link PressureLevel} defines them), by
 *                         tier name, fastest first.
 * @param remoteClients    remote clients holding at least one block here.
 * @param remoteBlocks     blocks remote clients hold here.
 * @param requests         requests served, by kind and outcome.
 * @param errors           errors by source ({@code mover}, {@code server}, {@code transport}, ...), since start.
 * @param gpu              what the node's GPU probe found, one line: {@code "GPU 0 of 1: <name> ..."} or
 *                         {@code "no GPU: <reason>"} ({@link io.tierpool.client.GpuInfo#describe()}); null in
 *                         reports from nodes that predate it.
 * @param demotionBatches  demotions that wrote several small blocks to a slower tier in one call.
 * @param batchedDemotions blocks demoted as part of such a batch.
 * @param ioWorkers        I/O worker threads doing the mover's and prefetcher's tier I/O.
 * @param retainedCopies   copies kept in VVRAM or VSSD of blocks promoted to RAM and unchanged since.
 * @param copyReturns      demotions made by switching a block back to its retained copy (no write).
 *                         These five are 0 in reports from nodes that predate them.
 */
public record NodeStatsReport(
    String node,
    String endpoint,
    long timestampMs,
    int clusterNodes,
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
    List<TierStats> tiers,
    Map<String, PressureLevel> pressure,
    int remoteClients,
    long remoteBlocks,
    NodeBlockService.ServedRequests requests,
    Map<String, Long> errors,
    String gpu,
    long demotionBatches,
    long batchedDemotions,
    int ioWorkers,
    long retainedCopies,
    long copyReturns)
{
    private static final ObjectMapper WRITER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper READER = new ObjectMapper()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * @param name a tier's name, e.g. {@code "RAM"}.
     * @return that tier's statistics, or null if the node has no such tier.
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
     * @return the report as an indented JSON object whose field names are this record's component names.
     */
    public String toJson()
    {
        try
        {
            return WRITER.writeValueAsString(this);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("cannot write the stats of node " + node + " as JSON: " + ex.getMessage(), ex);
        }
    }

    /**
     * Reads a report written by {@link #toJson()}, for example the body of a node's {@code /stats}. Fields this
     * version does not know are ignored.
     *
     * @param json the JSON text.
     * @return the report.
     * @throws IllegalArgumentException if the text is not such a JSON object.
     */
    public static NodeStatsReport fromJson(final String json)
    {
        try
        {
            return READER.readValue(json, NodeStatsReport.class);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalArgumentException("not a node stats report (JSON of /stats): " + ex.getOriginalMessage(), ex);
        }
    }
}
