/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tierpool.node.engine.StoreStats;
import io.tierpool.node.tier.TierStats;

import java.util.List;

/**
 * A snapshot of a {@link TierPool}'s statistics: the local tiers and the far-memory tier, what this client holds
 * on each remote node, and the movement counters. Immutable; taken by {@link TierPool#stats()}.
 *
 * @param blocks       live blocks in the pool.
 * @param logicalBytes bytes of all live blocks (the sum of their sizes).
 * @param allocations  blocks allocated since the pool opened.
 * @param frees        blocks freed since the pool opened.
 * @param demotions    blocks moved down one tier (spills), counted per move.
 * @param promotions   blocks moved back up to RAM.
 * @param checksumFailures blocks whose CRC32C did not match when they came back to RAM (never returned as data).
 * @param tiers        per-tier statistics, fastest first; the last is {@code REMOTE} when the pool joined a cluster.
 * @param remoteNodes  what this client holds on each remote node daemon.
 * @param remotePuts   blocks sent to remote nodes.
 * @param remoteGets   blocks fetched from remote nodes.
 * @param remoteFrees  blocks freed on remote nodes.
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
    long remoteFrees)
{
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static PoolStats of(final StoreStats store, final List<RemoteNodeStats> remoteNodes, final long puts, final long gets, final long frees)
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
            puts,
            gets,
            frees);
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
