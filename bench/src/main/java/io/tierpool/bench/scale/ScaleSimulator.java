/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.scale;

import io.tierpool.client.far.RendezvousPlacement;
import io.tierpool.node.cluster.CapacityPublicationPolicy;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Placement, rebalancing and repair of far memory at scale, simulated with TierPool's own code: the placement table
 * and ranking {@code RemoteTier} places, re-places and repairs with ({@link RendezvousPlacement}), its weighting of
 * nodes by the free bytes they publish ({@link RendezvousPlacement#weight(long, long)}), and the node daemons'
 * publication policy ({@link CapacityPublicationPolicy}). Nothing is sent: the nodes are slots in the table, the
 * blocks are two primitive arrays ({@code replicas} ints per block).
 * <p>
 * Steps, each timed:
 * <ol>
 *     <li><b>fill</b>: {@code blocks} blocks are written at {@code writeBytesPerSecond} (one simulated second is
 *     one round); each goes to its top {@code replicas} nodes with room, as {@code RemoteTier.write} places them;
 *     after each round every node asks its publication policy whether to publish its free bytes, and the clients'
 *     weights change only when it does (the old scheme publishes every round);</li>
 *     <li><b>balance</b>: max over mean of the nodes' used fractions;</li>
 *     <li><b>join and leave</b>: with the weights frozen, every block's placement with one node more (a new node of
 *     the first capacity listed, empty) and with one node less, against its placement now: copies that would move,
 *     against the ideal (the new node's share of the weight, or the copies the leaver holds);</li>
 *     <li><b>repair</b>: one node dies (the one holding the most bytes); for each block it held, the repair agent's
 *     plan: the source is the first surviving holder in the block's order ({@code ReplicaRepairAgent.fetch}), the
 *     targets the next-ranked live nodes that do not hold it ({@code RemoteTier.repairCandidates}); then how many
 *     survivors send and receive, and the time the plan needs at {@code nodeBandwidthBytesPerSecond} per node each way
 *     (the busiest node's bytes over the bandwidth) against the lost bytes over the survivors' aggregate
 *     bandwidth;</li>
 *     <li><b>cost</b>: time to rank one block's {@code replicas} nodes, one thread, against plain rendezvous (score
 *     every node, keep the best) in the same run; the thread's CPU time where the JVM measures it (so that a
 *     shared, loaded machine does not count time the thread waited for a core), else wall time; best of 5.</li>
 * </ol>
 * Threads: {@code threads} worker threads share the blocks of each step, each with its own copy of the table.
 */
public final class ScaleSimulator
{
    private static final long GIB = 1L << 30;

    private ScaleSimulator()
    {
    }

    /**
     * What to simulate.
     *
     * @param nodes                       node daemons, 2 or more.
     * @param blocks                      blocks written, 1 or more.
     * @param replicas                    copies per block, 1..nodes-1.
     * @param blockBytes                  bytes per block.
     * @param capacities                  node capacities in bytes, given to the nodes in turn.
     * @param writeBytesPerSecond         the clients' write rate, cluster-wide, bytes per simulated second.
     * @param nodeBandwidthBytesPerSecond per node and direction, for the repair time.
     * @param changeOnly                  whether the nodes publish only on change (the new scheme) or every second.
     * @param costSamples                 blocks ranked to time the cost per block.
     * @param threads                     worker threads, 1 or more.
     * @param seed                        seed of the node ids.
     */
    public record Settings(
        int nodes, long blocks, int replicas, long blockBytes, List<Long> capacities, long writeBytesPerSecond,
        long nodeBandwidthBytesPerSecond, boolean changeOnly, int costSamples, int threads, long seed)
    {
        /**
         * @throws IllegalArgumentException naming the bad value.
         */
        public Settings
        {
            if (nodes < 2 || blocks < 1 || replicas < 1 || replicas >= nodes || blockBytes < 1 ||
                capacities.isEmpty() || writeBytesPerSecond < blockBytes || nodeBandwidthBytesPerSecond < 1 ||
                costSamples < 1 || threads < 1 || blocks * replicas > Integer.MAX_VALUE - 8)
            {
                throw new IllegalArgumentException("bad scale settings: nodes >= 2, blocks >= 1, 1 <= replicas < " +
                    "nodes, blocks * replicas < 2^31, write rate >= one block, threads >= 1; were " + this);
            }
        }

        /**
         * @return the run: 1,000 nodes of 64, 128 and 256 GiB, 10 million 4 MiB blocks, 2 replicas,
         * written at 16 GiB/s, 10 Gbit/s per node, the change-only scheme, 2 threads.
         */
        public static Settings defaults()
        {
            return new Settings(1_000, 10_000_000L, 2, 4L << 20, List.of(64 * GIB, 128 * GIB, 256 * GIB), 16 * GIB,
                1_250_000_000L, true, 200_000, 2, 42);
        }
    }

    /**
     * What the simulation measured.
     *
     * @param settings             the settings.
     * @param fillSeconds          wall time of the fill.
     * @param rounds               simulated seconds of the fill.
     * @param publications         capacity publications during the fill, all nodes.
     * @param refusedFirstChoice   copies that went to a lower-ranked node because a better one had no room.
     * @param unplaced             copies that found no node with room.
     * @param meanUsedFraction     mean of the nodes' used fractions.
     * @param maxOverMeanUsed      max over mean of the nodes' used fractions.
     * @param joinMoved            copies that move when a node joins.
     * @param joinIdeal            the new node's weight share of all copies.
     * @param leaveMoved           copies that move when a node leaves.
     * @param leaveIdeal           the leaver's weight share of all copies.
     * @param moveSeconds          wall time of the join/leave step.
     * @param lostCopies           copies the dead node held.
     * @param survivors            nodes left.
     * @param sources              survivors that send at least one copy.
     * @param targets              survivors that receive at least one copy.
     * @param repairSeconds        time the plan needs at the given bandwidth.
     * @param idealRepairSeconds   lost bytes over the survivors' aggregate bandwidth.
     * @param sourceBoundSeconds   busiest source's bytes over the bandwidth: the least any plan needs with these
     *                             sources.
     * @param nsPerBlock           ranking one block, one thread, CPU time.
     * @param plainNsPerBlock      plain rendezvous (every score computed), one thread, CPU time.
     */
    public record Result(
        Settings settings, double fillSeconds, long rounds, long publications, long refusedFirstChoice,
        long unplaced, double meanUsedFraction, double maxOverMeanUsed, long joinMoved, double joinIdeal,
        long leaveMoved, double leaveIdeal, double moveSeconds, long lostCopies, int survivors, int sources,
        int targets, double repairSeconds, double idealRepairSeconds, double sourceBoundSeconds, double nsPerBlock,
        double plainNsPerBlock)
    {
        /**
         * @return the result as a table of figures against the goals.
         */
        public String toTable()
        {
            final StringBuilder sb = new StringBuilder();
            sb.append(String.format(
                "scale simulation: %,d nodes, %,d blocks of %s, %d replicas, %s scheme, %d threads%n",
                settings.nodes, settings.blocks, bytes(settings.blockBytes), settings.replicas,
                settings.changeOnly ? "change-only" : "every-second", settings.threads));
            sb.append(String.format("  fill               %.1f s wall, %,d simulated s, %,d publications " +
                "(%.2f per node per s), %,d copies past a full node, %,d unplaced%n", fillSeconds, rounds,
                publications, publications / (double)settings.nodes / Math.max(1, rounds), refusedFirstChoice,
                unplaced));
            sb.append(String.format(
                "  balance            max/mean used fraction %.4f (mean used %.1f%%)   goal <= 1.10%n",
                maxOverMeanUsed, 100 * meanUsedFraction));
            sb.append(String.format("  join               %,d copies move, ideal %,.0f: %.3fx   goal <= 1.1x%n",
                joinMoved, joinIdeal, joinMoved / joinIdeal));
            sb.append(String.format("  leave              %,d copies move, ideal %,.0f: %.3fx   goal <= 1.1x " +
                "(%.1f s wall for both)%n", leaveMoved, leaveIdeal, leaveMoved / leaveIdeal, moveSeconds));
            sb.append(String.format("  repair spread      %,d lost copies; sources %d (%.1f%%), targets %d (%.1f%%) " +
                "of %d survivors   goal >= 90%%%n", lostCopies, sources, 100.0 * sources / survivors, targets,
                100.0 * targets / survivors, survivors));
            sb.append(String.format("  repair time        plan %.2f s, ideal %.2f s: %.2fx (busiest source alone " +
                "%.2f s: %.2fx)   goal <= 1.2x%n", repairSeconds, idealRepairSeconds,
                repairSeconds / idealRepairSeconds, sourceBoundSeconds, sourceBoundSeconds / idealRepairSeconds));
            sb.append(String.format("  placement cost     %.0f ns CPU per block; plain rendezvous %.0f ns (%.1fx)   " +
                "goal <= 2000 ns%n", nsPerBlock, plainNsPerBlock, plainNsPerBlock / nsPerBlock));
            return sb.toString();
        }
    }

    /**
     * Runs the simulation.
     *
     * @param settings what to simulate.
     * @param progress where progress lines go.
     * @return the figures.
     */
    public static Result run(final Settings settings, final PrintStream progress)
    {
        final ExecutorService pool = Executors.newFixedThreadPool(settings.threads, (r) ->
        {
            final Thread thread = new Thread(r, "tierpool-scale-sim");
            thread.setDaemon(true);
            return thread;
        });
        try
        {
            return new Simulation(settings, pool, progress).run();
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    private static String bytes(final long bytes)
    {
        return bytes >= GIB ? (bytes / GIB) + " GiB" : bytes >= (1 << 20) ? (bytes >> 20) + " MiB" :
            (bytes >> 10) + " KiB";
    }

    private static final class Simulation
    {
        private final Settings s;
        private final ExecutorService pool;
        private final PrintStream progress;
        private final int n;
        private final int r;
        private final long[] capacity;
        private final AtomicLongArray used;
        private final CapacityPublicationPolicy[] policies;
        private final RendezvousPlacement placement;
        private final int[] holders;

        Simulation(final Settings settings, final ExecutorService pool, final PrintStream progress)
        {
            this.s = settings;
            this.pool = pool;
            this.progress = progress;
            this.n = settings.nodes;
            this.r = settings.replicas;
            this.capacity = new long[n];
            this.used = new AtomicLongArray(n);
            this.policies = new CapacityPublicationPolicy[n];
            this.placement = new RendezvousPlacement(n + 1);
            this.holders = new int[Math.toIntExact(settings.blocks * r)];
            final Random random = new Random(settings.seed);
            for (int i = 0; i < n; i++)
            {
                capacity[i] = settings.capacities.get(i % settings.capacities.size());
                policies[i] = settings.changeOnly ? CapacityPublicationPolicy.forCapacity(capacity[i]) :
                    new CapacityPublicationPolicy(0, TimeUnit.SECONDS.toNanos(1));
                placement.add(RendezvousPlacement.key(random.nextLong(), random.nextLong()),
                    RendezvousPlacement.weight(-1, capacity[i]), RendezvousPlacement.PREFERRED);
            }
        }

        Result run()
        {
            long start = System.nanoTime();
            final long[] fill = fill();
            final double fillSeconds = seconds(start);

            double sum = 0;
            double max = 0;
            for (int i = 0; i < n; i++)
            {
                final double fraction = used.get(i) / (double)capacity[i];
                sum += fraction;
                max = Math.max(max, fraction);
            }
            final double mean = sum / n;
            progress.printf("balance: max/mean %.4f%n", max / mean);

            start = System.nanoTime();
            final int leaver = n / 2;
            final long[] moves = joinAndLeave(leaver);
            final double moveSeconds = seconds(start);
            final double total = (double)s.blocks * r;
            final double weightSum = sumWeights(placement);
            final double joinWeight = RendezvousPlacement.weight(-1, capacity[0]);
            final double joinIdeal = total * joinWeight / (weightSum + joinWeight);
            final double leaveIdeal = total * placement.weight(leaver) / weightSum;

            int dead = 0;
            for (int i = 1; i < n; i++)
            {
                dead = used.get(i) > used.get(dead) ? i : dead;
            }
            final long[] repair = repair(dead);
            final double perNodeSeconds = s.blockBytes / (double)s.nodeBandwidthBytesPerSecond;
            final long lost = repair[0];
            final int survivors = n - 1;

            final double[] cost = cost();
            return new Result(s, fillSeconds, fill[0], fill[1], fill[2], fill[3], mean, max / mean, moves[0],
                joinIdeal, moves[1], leaveIdeal, moveSeconds, lost, survivors, (int)repair[1], (int)repair[2],
                repair[3] * perNodeSeconds, lost * perNodeSeconds / survivors, repair[4] * perNodeSeconds, cost[0],
                cost[1]);
        }

        /**
         * @return rounds, publications, copies past a full node, unplaced copies.
         */
        private long[] fill()
        {
            final long perRound = Math.max(1, s.writeBytesPerSecond / s.blockBytes);
            final long[] publishedFree = new long[n];
            final long[] refused = new long[s.threads];
            final long[] unplaced = new long[s.threads];
            long publications = 0;
            long rounds = 0;
            for (long first = 0; first < s.blocks; first += perRound)
            {
                final long end = Math.min(s.blocks, first + perRound);
                for (int i = 0; i < n; i++)
                {
                    final long free = capacity[i] - used.get(i);
                    final long nowNs = TimeUnit.SECONDS.toNanos(rounds);
                    if (policies[i].shouldPublish(nowNs, free))
                    {
                        policies[i].published(nowNs, free);
                        publishedFree[i] = free;
                        placement.set(i, RendezvousPlacement.weight(free, capacity[i]),
                            free == 0 ? RendezvousPlacement.FULL : RendezvousPlacement.PREFERRED);
                        publications++;
                    }
                }
                final long roundFirst = first;
                parallel(end - first, (t, from, to) ->
                {
                    final RendezvousPlacement table = placement.copy();
                    final int[] ranked = new int[r + 8];
                    for (long b = roundFirst + from; b < roundFirst + to; b++)
                    {
                        int count = table.rank(b, r, ranked);
                        for (int k = 0; k < count; k++)
                        {
                            if (used.get(ranked[k]) + s.blockBytes > capacity[ranked[k]])
                            {
                                count = table.rank(b, ranked.length, ranked);
                                break;
                            }
                        }
                        int placed = 0;
                        for (int k = 0; k < count && placed < r; k++)
                        {
                            final int node = ranked[k];
                            if (used.addAndGet(node, s.blockBytes) <= capacity[node])
                            {
                                holders[(int)(b * r) + placed++] = node;
                            }
                            else
                            {
                                used.addAndGet(node, -s.blockBytes);
                                refused[t]++;
                            }
                        }
                        unplaced[t] += r - placed;
                        for (; placed < r; placed++)
                        {
                            holders[(int)(b * r) + placed] = -1;
                        }
                    }
                });
                rounds++;
                if (rounds % 100 == 0)
                {
                    progress.printf("fill: %,d of %,d blocks%n", end, s.blocks);
                }
            }
            return new long[]{ rounds, publications, sum(refused), sum(unplaced) };
        }

        /**
         * @return copies moved on join, copies moved on leave.
         */
        private long[] joinAndLeave(final int leaver)
        {
            final long[] joinMoved = new long[s.threads];
            final long[] leaveMoved = new long[s.threads];
            parallel(s.blocks, (t, from, to) ->
            {
                final RendezvousPlacement now = placement.copy();
                final RendezvousPlacement joined = placement.copy();
                joined.add(RendezvousPlacement.key(0x10DL, 0x5EEDL), RendezvousPlacement.weight(-1, capacity[0]),
                    RendezvousPlacement.PREFERRED);
                final RendezvousPlacement left = placement.copy();
                left.nodeClass(leaver, RendezvousPlacement.OUT);
                final int[] before = new int[r];
                final int[] after = new int[r];
                for (long b = from; b < to; b++)
                {
                    now.rank(b, r, before);
                    joined.rank(b, r, after);
                    joinMoved[t] += notIn(after, before);
                    left.rank(b, r, after);
                    leaveMoved[t] += notIn(after, before);
                }
            });
            return new long[]{ sum(joinMoved), sum(leaveMoved) };
        }

        /**
         * @return lost copies, distinct sources, distinct targets, copies of the busiest node (sent or received),
         * copies of the busiest source.
         */
        private long[] repair(final int dead)
        {
            final RendezvousPlacement table = placement.copy();
            table.nodeClass(dead, RendezvousPlacement.OUT);
            final long[] sent = new long[n];
            final long[] received = new long[n];
            final int[] targets = new int[r];
            final int[] survivors = new int[r];
            long lost = 0;
            for (long b = 0; b < s.blocks; b++)
            {
                final int base = (int)(b * r);
                boolean held = false;
                for (int k = 0; k < r; k++)
                {
                    held |= holders[base + k] == dead;
                }
                if (!held)
                {
                    continue;
                }
                lost++;
                int survivorsOfBlock = 0;
                for (int k = 0; k < r; k++)
                {
                    final int holder = holders[base + k];
                    if (holder >= 0 && holder != dead)
                    {
                        survivors[survivorsOfBlock++] = holder;
                    }
                }
                if (survivorsOfBlock > 0)
                {
                    final int source = survivors[0];
                    final int count = table.rankExcluding(b, survivors, survivorsOfBlock, r - survivorsOfBlock,
                        targets);
                    for (int k = 0; k < count; k++)
                    {
                        sent[source]++;
                        received[targets[k]]++;
                    }
                }
            }
            int sources = 0;
            int receivers = 0;
            long busiest = 0;
            long busiestSource = 0;
            for (int i = 0; i < n; i++)
            {
                sources += sent[i] > 0 ? 1 : 0;
                receivers += received[i] > 0 ? 1 : 0;
                busiest = Math.max(busiest, Math.max(sent[i], received[i]));
                busiestSource = Math.max(busiestSource, sent[i]);
            }
            progress.printf("repair: %,d lost copies%n", lost);
            return new long[]{ lost, sources, receivers, busiest, busiestSource };
        }

        /**
         * @return ns per block for the placement's ranking and for plain rendezvous, one thread.
         */
        private double[] cost()
        {
            final RendezvousPlacement table = placement.copy();
            final int[] out = new int[r];
            final long[] keys = new long[n];
            final double[] weights = new double[n];
            for (int i = 0; i < n; i++)
            {
                keys[i] = table.key(i);
                weights[i] = table.weight(i);
            }
            final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            final boolean cpuTime = threads.isCurrentThreadCpuTimeSupported();
            final LongSupplier clock = cpuTime ? threads::getCurrentThreadCpuTime : System::nanoTime;
            long sink = 0;
            double best = Double.MAX_VALUE;
            double plainBest = Double.MAX_VALUE;
            for (int round = 0; round < 5; round++)
            {
                long start = clock.getAsLong();
                for (int b = 0; b < s.costSamples; b++)
                {
                    table.rank(b + 1_000_000_007L * round, r, out);
                    sink += out[0];
                }
                best = Math.min(best, (clock.getAsLong() - start) / (double)s.costSamples);
                start = clock.getAsLong();
                final int plainSamples = Math.max(1, s.costSamples / 4);
                for (int b = 0; b < plainSamples; b++)
                {
                    sink += PlainRendezvous.top(b + 1_000_000_007L * round, keys, weights, r, out);
                }
                plainBest = Math.min(plainBest, (clock.getAsLong() - start) / (double)plainSamples);
            }
            if (sink == 42)
            {
                progress.println();
            }
            progress.printf("cost: %.0f ns per block, plain %.0f ns%n", best, plainBest);
            return new double[]{ best, plainBest };
        }

        private void parallel(final long count, final Chunk chunk)
        {
            final List<Future<?>> futures = new ArrayList<>(s.threads);
            final long per = (count + s.threads - 1) / s.threads;
            for (int t = 0; t < s.threads; t++)
            {
                final int thread = t;
                final long from = Math.min(count, t * per);
                final long to = Math.min(count, from + per);
                futures.add(pool.submit(() -> chunk.run(thread, from, to)));
            }
            try
            {
                for (final Future<?> future : futures)
                {
                    future.get();
                }
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException("a simulation thread failed: " + ex, ex);
            }
        }

        private static double sumWeights(final RendezvousPlacement table)
        {
            double sum = 0;
            for (int i = 0; i < table.size(); i++)
            {
                sum += table.nodeClass(i) == RendezvousPlacement.OUT ? 0 : table.weight(i);
            }
            return sum;
        }

        private static int notIn(final int[] after, final int[] before)
        {
            int moved = 0;
            for (final int node : after)
            {
                boolean found = false;
                for (final int old : before)
                {
                    found |= old == node;
                }
                moved += found ? 0 : 1;
            }
            return moved;
        }

        private static long sum(final long[] values)
        {
            long sum = 0;
            for (final long value : values)
            {
                sum += value;
            }
            return sum;
        }

        private static double seconds(final long startNs)
        {
            return (System.nanoTime() - startNs) / 1e9;
        }
    }

    @FunctionalInterface
    private interface Chunk
    {
        void run(int thread, long from, long to);
    }

    /**
     * Plain weighted rendezvous hashing, the baseline of the cost figure: every node's score, the best kept.
     */
    static final class PlainRendezvous
    {
        private PlainRendezvous()
        {
        }

        static int top(final long blockId, final long[] keys, final double[] weights, final int k, final int[] out)
        {
            final double[] best = new double[k];
            java.util.Arrays.fill(best, -1);
            for (int i = 0; i < keys.length; i++)
            {
                final double score = io.tierpool.client.far.RendezvousHash.score(blockId, keys[i], weights[i]);
                if (score > best[k - 1])
                {
                    int j = k - 1;
                    while (j > 0 && best[j - 1] < score)
                    {
                        best[j] = best[j - 1];
                        out[j] = out[j - 1];
                        j--;
                    }
                    best[j] = score;
                    out[j] = i;
                }
            }
            return out[0];
        }
    }
}
