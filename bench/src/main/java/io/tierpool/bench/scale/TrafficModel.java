/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.scale;

import io.tierpool.client.cluster.HeartbeatSchedule;
import io.tierpool.client.far.RendezvousHash;
import io.tierpool.node.cluster.CapacityPublicationPolicy;
import io.tierpool.transport.MemberNode;
import io.tierpool.transport.MembershipCodec;
import io.tierpool.transport.MembershipSnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
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
 *     <li><b>membership bytes</b>: each answer's size as the node daemon encodes it
 *     ({@link MembershipCodec#encodedResponseLength}, SBE header included, no authTrailer) for node names
 *     {@code node-<i>} and endpoints {@code 10.x.y.z:40500}. Old scheme (protocol version 3): every node
 *     answers every round with every live node; the schedule above with the same full lists (what the code did
 *     before version 4); version 4: the anchor answers each round with a delta listing the nodes whose published
 *     free bytes changed since the client's last answer (the cluster's capacity publications of that second in
 *     the steady workload, each counted as a change), the others with lease-only answers.</li>
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
     * @param fullAnswerBytes            bytes of one answer listing every live node.
     * @param leaseOnlyAnswerBytes       bytes of one lease-only answer.
     * @param meanDeltaEntries           nodes listed in the anchor's delta answer, mean over rounds.
     * @param answerBytesOldPerClient    membership bytes per client per second: every node every round, full
     *                                   lists (protocol version 3).
     * @param answerBytesSchedulePerClient the anchor-first schedule with full lists (before version 4).
     * @param answerBytesNewPerClient    the schedule with the anchor's deltas and lease-only answers (version 4).
     */
    public record Row(
        int nodes, int clients, double capacityOld, double capacityNewSteady, double capacityNewFilling,
        double heartbeatsOldMeanPerNode, double heartbeatsOldMaxPerNode, double heartbeatsNewMeanPerNode,
        double heartbeatsNewMaxPerNode, double answersOldPerClient, double answersNewPerClient,
        long fullAnswerBytes, long leaseOnlyAnswerBytes, double meanDeltaEntries, double answerBytesOldPerClient,
        double answerBytesSchedulePerClient, double answerBytesNewPerClient)
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
            sb.append("membership bytes received per client per second (answers as encoded; requests and " +
                "authTrailer not counted)\n");
            sb.append(String.format("  %6s %7s | %-24s | %-13s | %-20s | %-30s%n", "nodes", "clients",
                "answer bytes: full/lease", "v3: all nodes", "schedule, full lists", "v4: lease-only + anchor delta"));
            for (final Row row : rows)
            {
                sb.append(String.format("  %6d %7d | %,10d / %,6d B    | %13s | %20s | %13s (%.1f entries/delta)%n",
                    row.nodes, row.clients, row.fullAnswerBytes, row.leaseOnlyAnswerBytes,
                    bytes(row.answerBytesOldPerClient), bytes(row.answerBytesSchedulePerClient),
                    bytes(row.answerBytesNewPerClient), row.meanDeltaEntries));
            }
            return sb.toString();
        }
    }

    private static String bytes(final double bytesPerSecond)
    {
        if (bytesPerSecond >= 1e6)
        {
            return String.format("%.1f MB/s", bytesPerSecond / 1e6);
        }
        if (bytesPerSecond >= 1e3)
        {
            return String.format("%.1f KB/s", bytesPerSecond / 1e3);
        }
        return String.format("%.0f B/s", bytesPerSecond);
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
            final double old = capacityMessagesPerNode(settings, nodes, false, false, null);
            final long[] changesPerSecond = new long[CAPACITY_SECONDS];
            final double steady = capacityMessagesPerNode(settings, nodes, true, false, changesPerSecond);
            final double filling = capacityMessagesPerNode(settings, nodes, true, true, null);
            final double[] hbOld = heartbeats(settings, nodes, 1);
            final double[] hbNew =
                heartbeats(settings, nodes, HeartbeatSchedule.renewEveryRounds(LEASE_MS, HEARTBEAT_MS));
            final AnswerSizes sizes = AnswerSizes.of(nodes);
            double deltaEntries = 0;
            double deltaBytes = 0;
            for (final long changes : changesPerSecond)
            {
                final int listed = (int)Math.min(nodes, changes);
                deltaEntries += listed;
                deltaBytes += sizes.listing(listed);
            }
            deltaEntries /= CAPACITY_SECONDS;
            deltaBytes /= CAPACITY_SECONDS;
            final long full = sizes.listing(nodes);
            rows.add(new Row(nodes, settings.clients(), old, steady, filling, hbOld[0], hbOld[1], hbNew[0], hbNew[1],
                hbOld[2], hbNew[2], full, sizes.leaseOnly, deltaEntries, hbOld[2] * full, hbNew[2] * full,
                deltaBytes + Math.max(0, hbNew[2] - 1) * sizes.leaseOnly));
        }
        return new Result(rows);
    }

    /**
     * Messages each node receives per second: every node's publications, since each goes to every member.
     */
    static double capacityMessagesPerNode(
        final Settings settings, final int nodes, final boolean changeOnly, final boolean filling,
        final long[] publicationsPerSecond)
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
                    if (null != publicationsPerSecond)
                    {
                        publicationsPerSecond[second]++;
                    }
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

    /**
     * Sizes of membership answers at one cluster size, as {@link MembershipCodec#encodedResponseLength} counts
     * them: {@link #listing(int)} for an answer listing the first {@code k} of the cluster's nodes.
     */
    private static final class AnswerSizes
    {
        private final long[] listingBytes;
        private final long leaseOnly;

        private AnswerSizes(final long[] listingBytes, final long leaseOnly)
        {
            this.listingBytes = listingBytes;
            this.leaseOnly = leaseOnly;
        }

        static AnswerSizes of(final int nodes)
        {
            final UUID self = new UUID(0, 1);
            final String selfName = "node-" + nodes;
            final long base = MembershipCodec.encodedResponseLength(
                new MembershipSnapshot(self, selfName, LEASE_MS, List.of(), List.of()));
            final long[] listing = new long[nodes + 1];
            listing[0] = base;
            for (int i = 0; i < nodes; i++)
            {
                final MemberNode member = new MemberNode(new io.tierpool.client.NodeView(new UUID(1, i),
                    "node-" + (i + 1), "10." + (i >> 16 & 0xFF) + '.' + (i >> 8 & 0xFF) + '.' + (i & 0xFF) +
                    ":40500", 128L << 30), 64L << 30);
                listing[i + 1] = listing[i] + MembershipCodec.encodedResponseLength(
                    new MembershipSnapshot(self, selfName, LEASE_MS, List.of(member), List.of())) - base;
            }
            return new AnswerSizes(listing, MembershipCodec.encodedResponseLength(
                MembershipSnapshot.leaseOnly(self, selfName, LEASE_MS, 1, 1)));
        }

        long listing(final int entries)
        {
            return listingBytes[entries];
        }
    }
}
