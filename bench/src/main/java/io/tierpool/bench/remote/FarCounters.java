/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.remote;

import io.tierpool.client.PoolStats;
import io.tierpool.client.RemoteNodeStats;

/**
 * What a pool sent to and fetched from far memory between two {@link PoolStats} snapshots: copies put and
 * fetched summed over the remote nodes (with replicas 2, a block written to far memory is two copies put), and
 * the pool's own block counters.
 *
 * @param copiesPut     copies sent to node daemons (each a put of one block to one node).
 * @param copiesFetched copies fetched from node daemons.
 * @param remotePuts    blocks the pool placed in far memory ({@link PoolStats#remotePuts()}).
 * @param remoteGets    blocks the pool fetched from far memory ({@link PoolStats#remoteGets()}).
 * @param remoteFrees   blocks the pool freed in far memory ({@link PoolStats#remoteFrees()}).
 */
public record FarCounters(long copiesPut, long copiesFetched, long remotePuts, long remoteGets, long remoteFrees)
{
    /**
     * @param before the earlier snapshot.
     * @param after  the later snapshot of the same pool.
     * @return the counts between them.
     */
    public static FarCounters between(final PoolStats before, final PoolStats after)
    {
        return new FarCounters(
            copies(after, true) - copies(before, true),
            copies(after, false) - copies(before, false),
            after.remotePuts() - before.remotePuts(),
            after.remoteGets() - before.remoteGets(),
            after.remoteFrees() - before.remoteFrees());
    }

    private static long copies(final PoolStats stats, final boolean puts)
    {
        long sum = 0;
        for (final RemoteNodeStats node : stats.remoteNodes())
        {
            sum += puts ? node.puts() : node.gets();
        }
        return sum;
    }
}
