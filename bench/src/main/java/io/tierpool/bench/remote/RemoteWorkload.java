/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.remote;

import io.tierpool.bench.BenchDirectories;
import io.tierpool.bench.report.Latency;
import io.tierpool.bench.report.Samples;
import io.tierpool.client.TierPool;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tierpool bench remote}: far memory against raw Aeron in one run. It starts its own node daemons as
 * separate JVMs on loopback ({@link RemoteCluster}), measures raw Aeron with the transport's own settings
 * ({@link AeronBaseline}) at the start and again at the end (the baseline's figures pool both, so that it brackets
 * the TierPool figures in time), and in between opens one pool per replica setting, with a small RAM tier and no VVRAM or VSSD so
 * that blocks spill straight to far memory, and measures through the public client API only:
 * <ol>
 *     <li>large blocks written until spilled and read back in random order ({@link SpillRun}), per replica
 *     setting;</li>
 *     <li>small far reads, each a real fetch ({@link FarReadLatency}), on the first replica setting's pool;</li>
 *     <li>a read/overwrite mix over a working set several times the local tiers with 1, 2, 4, ... threads
 *     ({@link MixRun}), on the same pool.</li>
 * </ol>
 * Every byte read back is checked. Everything the run starts (processes, drivers, pools, threads) is stopped and
 * every file it made removed before {@link #run} returns, failed or not.
 */
public final class RemoteWorkload
{
    /**
     * Settings of a run. Sizes in bytes, durations in seconds.
     *
     * @param basePort          first of the run's {@link RemotePorts#RANGE} loopback ports.
     * @param nodes             node daemons to start.
     * @param nodeRamBytes      each node's RAM tier (its only tier).
     * @param nodeHeap          each node JVM's {@code -Xmx}.
     * @param ramBytes          the pool's RAM tier (its only local tier).
     * @param blockBytes        large block size.
     * @param blocks            large blocks written and read back per replica setting.
     * @param replicas          replica settings, each its own pool; the first also runs the 4 KiB reads and the mix.
     * @param smallBlockBytes   block size of the far-read latency run.
     * @param latencyBlocks     blocks the far reads pick from.
     * @param latencyWarmup     untimed far reads first.
     * @param latencyReads      timed far reads.
     * @param mixBlockBytes     block size of the mix.
     * @param mixMultiple       the mix's working set as a multiple of the local tiers.
     * @param mixReadFraction   share of reads in the mix.
     * @param threads           thread counts of the mix.
     * @param mixWarmupSeconds  untimed period of each thread count.
     * @param mixSeconds        timed period of each thread count.
     * @param spillRounds       timed rounds of the large-block write and read-back per replica setting, after one
     *                          untimed round; the median is reported.
     * @param streamRounds      timed bursts of the raw one-way stream (each as many bytes as the large blocks), at
     *                          the start and again at the end.
     * @param pingPongs         timed raw round trips per idle mode, at the start and again at the end (a tenth
     *                          more first, untimed).
     * @param yieldBaseline     whether to measure the raw ping-pong with yielding threads too, for reference.
     * @param seed              seed of contents and orders.
     * @param tmpfsParent       where the run's tmpfs directory is made.
     * @param diskParent        where the run's disk directory is made.
     */
    public record Settings(
        int basePort,
        int nodes,
        long nodeRamBytes,
        String nodeHeap,
        long ramBytes,
        int blockBytes,
        int blocks,
        List<Integer> replicas,
        int smallBlockBytes,
        int latencyBlocks,
        int latencyWarmup,
        int latencyReads,
        int mixBlockBytes,
        int mixMultiple,
        double mixReadFraction,
        List<Integer> threads,
        double mixWarmupSeconds,
        double mixSeconds,
        int spillRounds,
        int streamRounds,
        int pingPongs,
        boolean yieldBaseline,
        long seed,
        Path tmpfsParent,
        Path diskParent)
    {
        /**
         * Default base port: 54000.
         */
        public static final int BASE_PORT_DEFAULT = 54_000;

        /**
         * The defaults: 2 nodes of 1 GiB RAM; pool RAM 8 MiB; 512 x 1 MiB blocks with replicas 1 and 2 (one
         * untimed round, then 2 timed ones); 5,000
         * far reads of 4 KiB; the 90/10 mix of 64 KiB blocks over 8x the local tiers with 1, 2, 4 and 8 threads,
         * 3 s each after 1 s of warm-up; 2 raw bursts and 5,000 raw round trips per idle mode, at the start and
         * again at the end. About a minute and a half on 2 cores with the engine of issue 12's "before" figures.
         *
         * @return the default settings.
         */
        public static Settings defaults()
        {
            return new Settings(BASE_PORT_DEFAULT, 2, 1L << 30, "256m", 8L << 20, 1 << 20, 512, List.of(1, 2),
                4 << 10, 64, 500, 5_000, 64 << 10, 8, 0.9, List.of(1, 2, 4, 8), 1, 3, 2, 2, 5_000, true, 42,
                BenchDirectories.TMPFS_DEFAULT, BenchDirectories.DISK_DEFAULT);
        }

        /**
         * @return blocks in the mix's working set: {@code mixMultiple x ramBytes / mixBlockBytes}.
         */
        public int mixKeys()
        {
            return (int)Math.min(Integer.MAX_VALUE, mixMultiple * ramBytes / mixBlockBytes);
        }

        /**
         * @return the run's port plan.
         */
        public RemotePorts ports()
        {
            return new RemotePorts(basePort, nodes);
        }

        /**
         * @throws IllegalArgumentException naming the bad setting.
         */
        public void validate()
        {
            ports();
            require(ramBytes >= Math.max(blockBytes, mixBlockBytes) * 2L, "--ram=" + ramBytes +
                " must hold at least two of the largest blocks (--block, --mix-block)");
            require(blockBytes >= 1 && blocks >= 1 && blocks <= blockBytes, "--blocks=" + blocks +
                " must be from 1 to --block's byte count");
            require(!replicas.isEmpty() && replicas.size() <= RemotePorts.MAX_POOLS, "--replicas needs 1 to " +
                RemotePorts.MAX_POOLS + " values");
            for (final int r : replicas)
            {
                require(r >= 1 && r <= nodes, "--replicas value " + r + " must be from 1 to --nodes=" + nodes);
            }
            final long farBytes = (long)blocks * blockBytes * replicas.stream().mapToInt(Integer::intValue).max()
                .orElse(1) + (long)mixKeys() * mixBlockBytes * replicas.get(0);
            require(farBytes <= nodes * nodeRamBytes * 3 / 4, "the run puts up to " + farBytes + " bytes in far " +
                "memory, more than three quarters of --nodes x --node-ram = " + nodes * nodeRamBytes +
                ": raise --node-ram or lower --blocks");
            require(smallBlockBytes >= 1 && latencyBlocks >= 1 && latencyBlocks <= smallBlockBytes &&
                latencyWarmup >= 0 && latencyReads >= 1, "--small-block, --latency-blocks (1 to --small-block's " +
                "byte count) and --latency-reads must be positive, --latency-warmup 0 or more");
            require(mixBlockBytes >= BlockPattern.STAMP_BYTES && mixMultiple >= 1, "--mix-block must be at least " +
                BlockPattern.STAMP_BYTES + " bytes and --mix-multiple at least 1");
            require(mixReadFraction >= 0 && mixReadFraction <= 1, "--mix-read-fraction must be from 0 to 1");
            require(!threads.isEmpty(), "--threads needs at least one value");
            for (final int t : threads)
            {
                require(t >= 1 && t <= mixKeys(), "--threads value " + t + " must be from 1 to the mix's " +
                    mixKeys() + " blocks");
            }
            require(mixWarmupSeconds >= 0 && mixSeconds > 0, "--mix-seconds must be positive, " +
                "--mix-warmup-seconds 0 or more");
            require(streamRounds >= 1 && pingPongs >= 1 && spillRounds >= 1,
                "--spill-rounds, --stream-rounds and --ping-pongs must be at least 1");
        }

        private static void require(final boolean condition, final String message)
        {
            if (!condition)
            {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /**
     * The raw Aeron figures of a run.
     *
     * @param messageBytes        bytes per one-way message (the large block size).
     * @param streamMibPerSecond  one-way MiB/s of each timed burst, start and end together.
     * @param oneAtATimeMibPerSecond one-way MiB/s of single large messages, each sent only once the previous one was
     *                            acknowledged (a round trip per message): the most a thread that fetches one block
     *                            at a time, as a random read does, could reach over this transport.
     * @param pingPongBytes       bytes per request and per answer of the round trips (the small block size).
     * @param pingPongBackoff     round trips with TierPool's idle strategies, start and end together.
     * @param pingPongYield       round trips with yielding threads, start and end together, or null when not
     *                            measured.
     */
    public record Baseline(
        int messageBytes, Samples streamMibPerSecond, Samples oneAtATimeMibPerSecond, int pingPongBytes,
        Latency pingPongBackoff, Latency pingPongYield)
    {
    }

    /**
     * Where and how long the run ran: results on a busy machine are not comparable with a quiet one's.
     *
     * @param cores           processors this JVM sees.
     * @param loadAverageStart the system's 1-minute load average when the run started, or -1 if unknown.
     * @param loadAverageEnd  the same when it ended.
     * @param seconds         the run's wall-clock duration, s.
     */
    public record Machine(int cores, double loadAverageStart, double loadAverageEnd, double seconds)
    {
    }

    /** Large blocks the transport-alone reference puts and gets per round (fewer if the run writes fewer). */
    static final int TRANSPORT_REFERENCE_BLOCKS = 64;
    /** Timed rounds of the transport-alone reference, after one untimed round that warms the path up. */
    static final int TRANSPORT_REFERENCE_ROUNDS = 3;

    private RemoteWorkload()
    {
    }

    /**
     * Runs everything and cleans up.
     *
     * @param settings the run's settings.
     * @param log      progress lines.
     * @return the figures.
     * @throws IllegalArgumentException       if a setting is invalid.
     * @throws io.tierpool.client.TierPoolException  if a node daemon, the baseline's peer or a pool fails.
     */
    public static RemoteReport run(final Settings settings, final PrintStream log)
    {
        settings.validate();
        final long startNs = System.nanoTime();
        final double loadStart = loadAverage();
        final RemotePorts ports = settings.ports();
        log.printf("remote: %d node daemon(s) on ports %d..%d, pool RAM %d bytes, no VVRAM/VSSD%n",
            settings.nodes(), ports.base(), ports.base() + RemotePorts.RANGE - 1, settings.ramBytes());
        try (BenchDirectories dirs = BenchDirectories.create(settings.tmpfsParent(), settings.diskParent());
            RemoteCluster ignored = RemoteCluster.start(ports, settings.nodeRamBytes(), settings.nodeHeap(),
                dirs.tmpfs(), dirs.disk(), log))
        {
            final BaselineSamples baseline = new BaselineSamples(settings, ports, dirs, log);
            baseline.measure("start");
            final List<SpillRun.Result> spills = new ArrayList<>();
            FarReadLatency.Result latency = null;
            final List<MixRun.Result> mix = new ArrayList<>();
            for (int p = 0; p < settings.replicas().size(); p++)
            {
                final int replicas = settings.replicas().get(p);
                try (TierPool pool = openPool(settings, ports, p, replicas, dirs))
                {
                    log.printf("remote: pool %d open with replicas %d%n", p, replicas);
                    spills.add(SpillRun.run(pool, replicas, settings.blocks(), settings.blockBytes(),
                        settings.spillRounds(), settings.seed() + p, log));
                    if (p == 0)
                    {
                        latency = FarReadLatency.run(pool, settings.smallBlockBytes(), settings.latencyBlocks(),
                            settings.latencyWarmup(), settings.latencyReads(), settings.seed(), log);
                        try (MixRun run = new MixRun(pool, settings.mixKeys(), settings.mixBlockBytes(),
                            settings.mixReadFraction(), settings.seed()))
                        {
                            for (final int threads : settings.threads())
                            {
                                mix.add(run.run(threads, seconds(settings.mixWarmupSeconds()),
                                    seconds(settings.mixSeconds()), log));
                            }
                        }
                    }
                }
            }
            final TransportReference.Result transport = spills.isEmpty() ? null : TransportReference.run(ports,
                dirs.tmpfs(), settings.blockBytes(), Math.min(settings.blocks(), TRANSPORT_REFERENCE_BLOCKS),
                TRANSPORT_REFERENCE_ROUNDS, settings.seed(), log);
            baseline.measure("end");
            final Machine machine = new Machine(Runtime.getRuntime().availableProcessors(), loadStart, loadAverage(),
                (System.nanoTime() - startNs) / 1e9);
            return new RemoteReport(settings, machine, baseline.result(), spills, transport, latency, mix);
        }
    }

    /**
     * Raw Aeron measurements gathered over the run: at its start and again at its end, so that the baseline
     * brackets the TierPool figures in time on a machine whose load changes. Owned by the workload's thread.
     */
    private static final class BaselineSamples
    {
        private final Settings settings;
        private final RemotePorts ports;
        private final BenchDirectories dirs;
        private final PrintStream log;
        private final List<Double> streamMibPerSecond = new ArrayList<>();
        private final List<Double> oneAtATimeMibPerSecond = new ArrayList<>();
        private final Histogram backoff = Latency.histogram();
        private final Histogram yield = Latency.histogram();
        private int nextIndex;
        /** Single large messages timed per measurement (start and end), each its own send-and-acknowledge. */
        private static final int ONE_AT_A_TIME_ROUNDS = 64;

        BaselineSamples(
            final Settings settings, final RemotePorts ports, final BenchDirectories dirs, final PrintStream log)
        {
            this.settings = settings;
            this.ports = ports;
            this.dirs = dirs;
            this.log = log;
        }

        void measure(final String when)
        {
            final int warmup = Math.max(1, settings.pingPongs() / 10);
            final Histogram backoffNow = Latency.histogram();
            final double[] stream;
            try (AeronBaseline aeron = AeronBaseline.open(IdleMode.BACKOFF, ports, nextIndex++, dirs.tmpfs(),
                dirs.disk()))
            {
                stream = aeron.stream(settings.blockBytes(), settings.blocks(), settings.streamRounds());
                for (final double rate : aeron.stream(settings.blockBytes(), 1, ONE_AT_A_TIME_ROUNDS))
                {
                    oneAtATimeMibPerSecond.add(rate);
                }
                aeron.pingPong(settings.smallBlockBytes(), warmup, settings.pingPongs(), backoffNow);
            }
            for (final double rate : stream)
            {
                streamMibPerSecond.add(rate);
            }
            backoff.add(backoffNow);
            final Latency rtt = Latency.of(backoffNow);
            log.printf("remote: raw Aeron (%s): %s MiB/s one way; %d-byte ping-pong p50 %.0f us, p99 %.0f us " +
                "(back-off)%n", when, Samples.of(stream).format("%.0f"), settings.smallBlockBytes(), rtt.p50Us(),
                rtt.p99Us());
            if (settings.yieldBaseline())
            {
                final Histogram yieldNow = Latency.histogram();
                try (AeronBaseline aeron = AeronBaseline.open(IdleMode.YIELD, ports, nextIndex++, dirs.tmpfs(),
                    dirs.disk()))
                {
                    aeron.pingPong(settings.smallBlockBytes(), warmup, settings.pingPongs(), yieldNow);
                }
                yield.add(yieldNow);
                final Latency yieldRtt = Latency.of(yieldNow);
                log.printf("remote: raw Aeron (%s): ping-pong with yielding threads p50 %.0f us, p99 %.0f us%n",
                    when, yieldRtt.p50Us(), yieldRtt.p99Us());
            }
        }

        Baseline result()
        {
            final double[] rates = new double[streamMibPerSecond.size()];
            for (int i = 0; i < rates.length; i++)
            {
                rates[i] = streamMibPerSecond.get(i);
            }
            final double[] single = new double[oneAtATimeMibPerSecond.size()];
            for (int i = 0; i < single.length; i++)
            {
                single[i] = oneAtATimeMibPerSecond.get(i);
            }
            return new Baseline(settings.blockBytes(), Samples.of(rates), Samples.of(single), settings.smallBlockBytes(),
                Latency.of(backoff), settings.yieldBaseline() ? Latency.of(yield) : null);
        }
    }

    private static TierPool openPool(
        final Settings settings, final RemotePorts ports, final int index, final int replicas,
        final BenchDirectories dirs)
    {
        final TierPool.Context ctx = poolContext(settings, ports, dirs, "pool-" + index, replicas);
        ctx.clientContext().responseEndpoint(ports.poolResponseEndpoint(index));
        return TierPool.open(ctx);
    }

    /**
     * The settings of a benchmark pool: RAM only (no VVRAM/VSSD), far memory on the run's node daemons.
     *
     * @param owner    names the pool's own directories under the run's tmpfs and disk directories.
     * @param replicas copies of each far block.
     * @return a context for the caller to complete (response endpoint, security) and open.
     */
    static TierPool.Context poolContext(
        final Settings settings, final RemotePorts ports, final BenchDirectories dirs, final String owner,
        final int replicas)
    {
        final Path tmpfs = RemoteCluster.directory(dirs.tmpfs(), owner);
        final Path disk = RemoteCluster.directory(dirs.disk(), owner);
        return new TierPool.Context()
            .ramCapacityBytes(settings.ramBytes())
            .vvramCapacityBytes(0)
            .vssdCapacityBytes(0)
            .vvramDir(tmpfs)
            .vssdDir(disk)
            .maxBlockBytes(Math.max(settings.blockBytes(), Math.max(settings.mixBlockBytes(),
                settings.smallBlockBytes())))
            .nodes(ports.nodeEndpoints())
            .awaitNodes(settings.nodes())
            .replicas(replicas)
            .aeronDir(tmpfs);
    }

    private static double loadAverage()
    {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static long seconds(final double seconds)
    {
        return (long)(seconds * 1e9);
    }
}
