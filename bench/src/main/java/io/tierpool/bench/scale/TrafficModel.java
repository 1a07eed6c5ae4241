/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.scale;

import io.tierpool.client.cluster.HeartbeatSchedule;
import io.tierpool.client.far.RendezvousHash;
import io.tierpool.node.cluster.CapacityPublicationPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Capacity and membership messages per second that each node daemon and each thin client receives, old scheme
 * against new, counted by running the real deciding code over simulated time:
 * <ul>
 *     <li><b>capacity</b>: every node daemon runs a {@link CapacityPublicationPolicy} once a second (the
 *     {@code FreeCapacityPublisher}'s tick) over its free bytes, which change as clients write and free blocks;
 *     every publication is one Ignite message to each of the {@code n} members ({@code CapacityBoard.publish}:
 *     {@code ignite.message().send} to the whole cluster, this node included). Old scheme: publish every tick
 *     (threshold 0, silence 1 s); new: {@link CapacityPublicationPolicy#forCapacity}. Two workloads: <i>steady</i>
 *     (frees as fast as writes, so free bytes wander) and <i>filling</i> (writes only);</li>
 *     <li><b>membership</b>: every client runs a {@link HeartbeatSchedule} each heartbeat round (1 s, lease 10 s, the
 *     defaults) over the live nodes; each heartbeat is a membership request the node answers with every live node
 *     ({@code n} entries). Old scheme: every node every round ({@code renewEveryRounds} 1); new: the anchor every
 *     round and the others once per {@code HeartbeatSchedule.renewEveryRounds(10 s, 1 s)} rounds. A client's anchor
 *     is, in the old scheme, the first bootstrap node to answer (modelled as one of 3 bootstrap nodes at random),
 *     in the new one the node with the highest {@link HeartbeatSchedule#anchorScore} for the client.</li>
 * </ul>
 * The clients' write rate per node is the same at every cluster size: the rate of the default 1,000-node run.
 */
public final class TrafficModel
{
    private static final int CAPACITY_SECONDS = 600;
    private static final int HEARTBEAT_ROUNDS = 60;
    private static final int BOOTSTRAP_NODES = 3;
    private static final long LEASE_MS = 10_000;
    private static final long HEARTBEAT_MS = 1_000;

    private TrafficModel()
    {
    }

    /**
     * What to model.
     *
     * @param nodeCounts          cluster sizes.
     * @param clients             thin clients.
     * @param capacities          node capacities, given in turn.
     * @param blockBytes          block size.
     * @param writeBytesPerSecond the clients' write rate over 1,000 nodes (copies are twice as many bytes).
     * @param seed                seed of the workload.
     */
    public record Settings(
        List<Integer> nodeCounts, int clients, List<Long> capacities, long blockBytes, long writeBytesPerSecond,
        long seed)
    {
    }

    /**
     * One cluster size.
     *
     * @param nodes                      node daemons.
     * @param clients                    thin clients.
     * @param capacityOld                capacity messages per node per second, old scheme.
     * @param capacityNewSteady          new scheme, steady workload.
     * @param capacityNewFilling         new scheme, filling workload.
     * @param heartbeatsOldMeanPerNode   membership requests per node per second, old, mean over nodes.
     * @param heartbeatsOldMaxPerNode    old, busiest node.
     * @param heartbeatsNewMeanPerNode   new, mean.
     * @param heartbeatsNewMaxPerNode    new, busiest node.
     * @param answersOldPerClient        membership answers per client per second, old.
     * @param answersNewPerClient        new.
     */
    public record Row(
        int nodes, int clients, double capacityOld, double capacityNewSteady, double capacityNewFilling,
        double heartbeatsOldMeanPerNode, double heartbeatsOldMaxPerNode, double heartbeatsNewMeanPerNode,
        double heartbeatsNewMaxPerNode, double answersOldPerClient, double answersNewPerClient)
    {
    }

    /**
     * @param rows one per cluster size.
     */
    public record Result(List<Row> rows)
    {
        /**
         * @return the figures as a table.
         */
        public String toTable()
        {
            final StringBuilder sb = new StringBuilder();
            sb.append("messages received per second (old scheme -> new scheme)\n");
            sb.append(String.format("  %6s %7s | %-32s | %-40s | %-28s%n", "nodes", "clients",
                "capacity msgs per node", "membership requests per node (mean/max)", "answers per client (entries)"));
            for (final Row row : rows)
            {
                sb.append(String.format(
                    "  %6d %7d | %7.1f -> %6.2f steady, %6.2f fill | %7.1f/%-7.1f -> %7.1f/%-7.1f " +
                    "| %6.1f -> %5.2f (%,.0f -> %,.0f)%n", row.nodes, row.clients, row.capacityOld,
                    row.capacityNewSteady, row.capacityNewFilling, row.heartbeatsOldMeanPerNode,
                    row.heartbeatsOldMaxPerNode, row.heartbeatsNewMeanPerNode, row.heartbeatsNewMaxPerNode,
                    row.answersOldPerClient, row.answersNewPerClient, row.answersOldPerClient * row.nodes,
                    row.answersNewPerClient * row.nodes));
            }
            return sb.toString();
        }
    }

    /**
     * Runs the model.
     *
     * @param settings what to model.
     * @return one row per cluster size.
     */
    public static Result run(final Settings settings)
    {
        final List<Row> rows = new ArrayList<>();
        for (final int nodes : settings.nodeCounts())
        {
            final double old = capacityMessagesPerNode(settings, nodes, false, false);
            final double steady = capacityMessagesPerNode(settings, nodes, true, false);
            final double filling = capacityMessagesPerNode(settings, nodes, true, true);
            final double[] hbOld = heartbeats(settings, nodes, 1);
            final double[] hbNew =
                heartbeats(settings, nodes, HeartbeatSchedule.renewEveryRounds(LEASE_MS, HEARTBEAT_MS));
            rows.add(new Row(nodes, settings.clients(), old, steady, filling, hbOld[0], hbOld[1], hbNew[0], hbNew[1],
                hbOld[2], hbNew[2]));
        }
        return new Result(rows);
    }

    /**
     * Messages each node receives per second: every node's publications, since each goes to every member.
     */
    static double capacityMessagesPerNode(
        final Settings settings, final int nodes, final boolean changeOnly, final boolean filling)
    {
        final Random random = new Random(settings.seed() + nodes);
        final double copyBlocksPerNodeSecond = settings.writeBytesPerSecond() * 2.0 / 1_000 / settings.blockBytes();
        long publications = 0;
        for (int i = 0; i < nodes; i++)
        {
            final long capacity = settings.capacities().get(i % settings.capacities().size());
            final CapacityPublicationPolicy policy = changeOnly ? CapacityPublicationPolicy.forCapacity(capacity) :
                new CapacityPublicationPolicy(0, TimeUnit.MILLISECONDS.toNanos(HEARTBEAT_MS));
            long free = capacity / 2;
            for (int second = 0; second < CAPACITY_SECONDS; second++)
            {
                final long nowNs = TimeUnit.SECONDS.toNanos(second);
                if (policy.shouldPublish(nowNs, free))
                {
                    policy.published(nowNs, free);
                    publications++;
                }
                final long written = poisson(random, copyBlocksPerNodeSecond);
                final long freed = filling ? 0 : poisson(random, copyBlocksPerNodeSecond);
                free = Math.max(0, Math.min(capacity, free + (freed - written) * settings.blockBytes()));
            }
        }
        return publications / (double)CAPACITY_SECONDS;
    }

    /**
     * @return membership requests per node per second (mean, max) and answers per client per second.
     */
    static double[] heartbeats(final Settings settings, final int nodes, final int renewEveryRounds)
    {
        final Random random = new Random(settings.seed() * 31 + nodes);
        final long[] nodeKeys = new long[nodes];
        for (int i = 0; i < nodes; i++)
        {
            nodeKeys[i] = random.nextLong();
        }
        final long[] received = new long[nodes];
        long sent = 0;
        for (int c = 0; c < settings.clients(); c++)
        {
            final long clientId = RendezvousHash.mix(c + 1);
            final HeartbeatSchedule schedule = new HeartbeatSchedule(clientId, renewEveryRounds);
            int anchor = random.nextInt(Math.min(BOOTSTRAP_NODES, nodes));
            if (renewEveryRounds > 1)
            {
                for (int i = 0; i < nodes; i++)
                {
                    if (Long.compareUnsigned(HeartbeatSchedule.anchorScore(clientId, nodeKeys[i]),
                        HeartbeatSchedule.anchorScore(clientId, nodeKeys[anchor])) > 0)
                    {
                        anchor = i;
                    }
                }
            }
            for (long round = 0; round < HEARTBEAT_ROUNDS; round++)
            {
                for (int i = 0; i < nodes; i++)
                {
                    if (schedule.sendTo(round, nodeKeys[i], i == anchor, true))
                    {
                        received[i]++;
                        sent++;
                    }
                }
            }
        }
        long max = 0;
        for (final long count : received)
        {
            max = Math.max(max, count);
        }
        return new double[]{ sent / (double)nodes / HEARTBEAT_ROUNDS, max / (double)HEARTBEAT_ROUNDS,
            sent / (double)Math.max(1, settings.clients()) / HEARTBEAT_ROUNDS };
    }

    private static long poisson(final Random random, final double mean)
    {
        if (mean > 30)
        {
            return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
        }
        final double limit = Math.exp(-mean);
        long k = 0;
        double p = random.nextDouble();
        while (p > limit)
        {
            k++;
            p *= random.nextDouble();
        }
        return k;
    }
}
