/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.remote;

import io.tierpool.bench.BenchDirectories;
import io.tierpool.client.TierPool;
import io.tierpool.transport.ClusterSecret;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code tierpool bench remote --security off,on,on+encryption}: the cost of data-path security, every mode
 * measured in the same run. Each round starts, for each mode in turn, node daemons with that mode (a fresh secret
 * written by {@link ClusterSecret#writeNew}), opens a pool with the secret (and encryption), writes large blocks
 * until they spill to the nodes and reads them back in random order ({@link SpillRun}), then times small far reads
 * ({@link FarReadLatency}) and runs the read/overwrite mix with each of {@code --threads} ({@link MixRun}),
 * every byte checked. Rounds interleave the modes so that a change in the machine's load
 * falls on all of them; the table gives each mode's median over the rounds and its ratio to {@code off}.
 * <p>
 * Ports: the run alternates between {@code --base-port} and {@code --base-port + 100} from one cluster to the next
 * (so the TCP ports of the cluster just stopped are not reused at once): 200 ports in all.
 */
public final class SecurityComparison
{
    /**
     * A security mode of the comparison.
     */
    public enum Mode
    {
        /** Nodes with {@code security.mode=off}, a pool without a secret. */
        OFF("off"),
        /** Nodes with {@code security.mode=on}, a pool with the secret. */
        ON("on"),
        /** As {@link #ON}, with {@code security.encryption=true} on nodes and pool. */
        ENCRYPTED("on+encryption");

        private final String label;

        Mode(final String label)
        {
            this.label = label;
        }

        /**
         * @return the mode's name on the command line.
         */
        public String label()
        {
            return label;
        }

        /**
         * @param text off, on or on+encryption.
         * @return the mode.
         * @throws IllegalArgumentException for any other text.
         */
        public static Mode parse(final String text)
        {
            for (final Mode mode : values())
            {
                if (mode.label.equalsIgnoreCase(text.strip()))
                {
                    return mode;
                }
            }
            throw new IllegalArgumentException("--security takes off, on and on+encryption, not '" + text + "'");
        }
    }

    /**
     * One mode's figures in one round.
     *
     * @param mode    the mode.
     * @param round   the round, from 0.
     * @param spill   large-block write and read-back.
     * @param latency small far reads.
     * @param mix     the read/overwrite mix of far blocks, one result per thread count (--threads).
     */
    public record Row(
        Mode mode, int round, SpillRun.Result spill, FarReadLatency.Result latency, List<MixRun.Result> mix)
    {
    }

    /**
     * @param rows every mode's figures, in the order measured.
     */
    public record Result(List<Row> rows)
    {
        /**
         * @return true when every byte read back was right and every timed far read fetched from a node.
         */
        public boolean verified()
        {
            return rows.stream().allMatch((r) -> r.spill().mismatches() == 0 && r.latency().mismatches() == 0 &&
                r.latency().everyReadFetched() && r.mix().stream().allMatch((m) -> m.mismatches() == 0));
        }

        /**
         * @return a table of each mode's medians over the rounds and their ratios to {@code off}.
         */
        public String toTable()
        {
            final StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "%-14s %6s %12s %12s %12s %12s %10s %10s%n", "security",
                "rounds", "write MiB/s", "read MiB/s", "4K p50 us", "4K p99 us", "write/off", "read/off"));
            double offWrite = Double.NaN;
            double offRead = Double.NaN;
            double offP50 = Double.NaN;
            for (final Mode mode : Mode.values())
            {
                final List<Row> mine = rows.stream().filter((r) -> r.mode() == mode).toList();
                if (mine.isEmpty())
                {
                    continue;
                }
                final double write = median(mine.stream().mapToDouble((r) -> r.spill().writeMibPerSecond()));
                final double read = median(mine.stream().mapToDouble((r) -> r.spill().readMibPerSecond()));
                final double p50 = median(mine.stream().mapToDouble((r) -> r.latency().latency().p50Us()));
                final double p99 = median(mine.stream().mapToDouble((r) -> r.latency().latency().p99Us()));
                if (mode == Mode.OFF)
                {
                    offWrite = write;
                    offRead = read;
                    offP50 = p50;
                }
                out.append(String.format(Locale.ROOT, "%-14s %6d %12.0f %12.0f %12.1f %12.1f %10.2f %10.2f%n",
                    mode.label(), mine.size(), write, read, p50, p99, write / offWrite, read / offRead));
                if (mode != Mode.OFF && !Double.isNaN(offP50))
                {
                    out.append(String.format(Locale.ROOT, "%-14s 4K p50 %+.1f us against off%n", "", p50 - offP50));
                }
            }
            final List<Integer> threadCounts = rows.isEmpty() ? List.of() :
                rows.get(0).mix().stream().map(MixRun.Result::threads).toList();
            for (final int threads : threadCounts)
            {
                double offOps = Double.NaN;
                for (final Mode mode : Mode.values())
                {
                    final List<Row> mine = rows.stream().filter((r) -> r.mode() == mode).toList();
                    if (mine.isEmpty())
                    {
                        continue;
                    }
                    final double ops = median(mine.stream().flatMap((r) -> r.mix().stream())
                        .filter((m) -> m.threads() == threads).mapToDouble(MixRun.Result::opsPerSecond));
                    if (mode == Mode.OFF)
                    {
                        offOps = ops;
                    }
                    out.append(String.format(Locale.ROOT, "mix %d thread%s %-14s %10.0f ops/s %6.2f of off%n",
                        threads, 1 == threads ? " " : "s", mode.label(), ops, ops / offOps));
                }
            }
            out.append("per round (MiB/s write, read; 4K p50/p99 us):").append(System.lineSeparator());
            for (final Row row : rows)
            {
                out.append(String.format(Locale.ROOT, "  round %d %-14s %7.0f %7.0f %8.1f %8.1f%n", row.round(),
                    row.mode().label(), row.spill().writeMibPerSecond(), row.spill().readMibPerSecond(),
                    row.latency().latency().p50Us(), row.latency().latency().p99Us()));
            }
            return out.toString();
        }

        private static double median(final java.util.stream.DoubleStream values)
        {
            final double[] sorted = values.sorted().toArray();
            final int n = sorted.length;
            return 0 == n ? Double.NaN : 1 == (n & 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }

    private SecurityComparison()
    {
    }

    /**
     * @param settings the run's settings (nodes, sizes, counts, seed, directories, base port).
     * @param modes    the modes to compare, in the order each round runs them.
     * @param rounds   rounds, at least 1.
     * @param log      progress lines.
     * @return the figures.
     */
    public static Result run(
        final RemoteWorkload.Settings settings, final List<Mode> modes, final int rounds, final PrintStream log)
    {
        settings.validate();
        final List<Row> rows = new ArrayList<>();
        try (BenchDirectories dirs = BenchDirectories.create(settings.tmpfsParent(), settings.diskParent()))
        {
            final Path secretFile = dirs.disk().resolve("cluster.secret");
            ClusterSecret.writeNew(secretFile);
            int cluster = 0;
            for (int round = 0; round < rounds; round++)
            {
                for (final Mode mode : modes)
                {
                    final RemotePorts ports = new RemotePorts(
                        settings.basePort() + RemotePorts.RANGE * (cluster++ % 2), settings.nodes());
                    final List<String> flags = Mode.OFF == mode ? List.of("--security", "off") : Arrays.asList(
                        "--security", "on", "--secret-file", secretFile.toString(),
                        "--encryption", Boolean.toString(Mode.ENCRYPTED == mode));
                    log.printf("remote: security %s, round %d: starting %d node daemon(s)%n", mode.label(), round,
                        settings.nodes());
                    try (RemoteCluster ignored = RemoteCluster.start(ports, settings.nodeRamBytes(),
                        settings.nodeHeap(), dirs.tmpfs(), dirs.disk(), flags, log);
                        TierPool pool = openPool(settings, ports, dirs, mode, secretFile, cluster))
                    {
                        final SpillRun.Result spill = SpillRun.run(pool, 1, settings.blocks(), settings.blockBytes(),
                            settings.spillRounds(), settings.seed(), log);
                        final FarReadLatency.Result latency = FarReadLatency.run(pool, settings.smallBlockBytes(),
                            settings.latencyBlocks(), settings.latencyWarmup(), settings.latencyReads(),
                            settings.seed(), log);
                        final List<MixRun.Result> mix = new ArrayList<>();
                        try (MixRun run = new MixRun(pool, settings.mixKeys(), settings.mixBlockBytes(),
                            settings.mixReadFraction(), settings.seed()))
                        {
                            for (final int threads : settings.threads())
                            {
                                mix.add(run.run(threads, (long)(settings.mixWarmupSeconds() * 1e9),
                                    (long)(settings.mixSeconds() * 1e9), log));
                            }
                        }
                        rows.add(new Row(mode, round, spill, latency, mix));
                        log.printf("remote: security %s, round %d: write %.0f MiB/s, read %.0f MiB/s, %d-byte far " +
                            "read p50 %.1f us p99 %.1f us%n", mode.label(), round, spill.writeMibPerSecond(),
                            spill.readMibPerSecond(), settings.smallBlockBytes(), latency.latency().p50Us(),
                            latency.latency().p99Us());
                    }
                }
            }
        }
        return new Result(rows);
    }

    private static TierPool openPool(
        final RemoteWorkload.Settings settings,
        final RemotePorts ports,
        final BenchDirectories dirs,
        final Mode mode,
        final Path secretFile,
        final int index)
    {
        final TierPool.Context ctx = RemoteWorkload.poolContext(settings, ports, dirs, "security-pool-" + index, 1);
        if (Mode.OFF != mode)
        {
            ctx.secretFile(secretFile).encryption(Mode.ENCRYPTED == mode);
        }
        ctx.clientContext().responseEndpoint(ports.poolResponseEndpoint(0));
        return TierPool.open(ctx);
    }
}
