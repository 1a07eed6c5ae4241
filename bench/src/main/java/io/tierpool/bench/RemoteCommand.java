/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench;

import io.tierpool.bench.remote.RemoteReport;
import io.tierpool.bench.remote.SecurityComparison;
import io.tierpool.bench.remote.RemoteWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tierpool bench remote}: see {@link RemoteWorkload}.
 */
@Command(name = "remote", mixinStandardHelpOptions = true,
    description = "Far memory against raw Aeron in one run: starts its own node daemons on loopback, measures raw " +
        "Aeron UDP with the transport's settings (one-way MiB/s, ping-pong percentiles), then a pool with a small " +
        "RAM tier and no VVRAM/VSSD: large-block write until spilled and random read-back (per replica setting), " +
        "small far reads that each fetch from a node, and a read/overwrite mix with 1, 2, 4, 8 threads; every " +
        "byte checked; goals of issue 12 marked met or missed. Defaults take about 1.5 minutes on 2 cores.")
public final class RemoteCommand implements Callable<Integer>
{
    private static final RemoteWorkload.Settings DEFAULTS = RemoteWorkload.Settings.defaults();

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--base-port", description = "First of the 100 loopback ports the run uses (default: " +
        "${DEFAULT-VALUE}).")
    int basePort = DEFAULTS.basePort();

    @Option(names = "--nodes", description = "Node daemons to start (default: ${DEFAULT-VALUE}).")
    int nodes = DEFAULTS.nodes();

    @Option(names = "--node-ram", paramLabel = "SIZE", converter = SizeConverter.class,
        description = "Each node's RAM tier, its only tier (default: 1g).")
    long nodeRamBytes = DEFAULTS.nodeRamBytes();

    @Option(names = "--node-heap", paramLabel = "SIZE", description = "Each node JVM's -Xmx (default: " +
        "${DEFAULT-VALUE}).")
    String nodeHeap = DEFAULTS.nodeHeap();

    @Option(names = "--ram", paramLabel = "SIZE", converter = SizeConverter.class,
        description = "The pool's RAM tier, its only local tier (default: 8m).")
    long ramBytes = DEFAULTS.ramBytes();

    @Option(names = "--block", paramLabel = "SIZE", converter = SizeConverter.class,
        description = "Large block size, also the raw stream's message size (default: 1m).")
    long blockBytes = DEFAULTS.blockBytes();

    @Option(names = "--blocks", description = "Large blocks written and read back per replica setting, also the " +
        "raw stream's messages per burst (default: ${DEFAULT-VALUE}).")
    int blocks = DEFAULTS.blocks();

    @Option(names = "--replicas", split = ",", paramLabel = "N[,N...]", description = "Replica settings, one pool " +
        "each; the first also runs the small far reads and the mix (default: 1,2).")
    List<Integer> replicas = new ArrayList<>(DEFAULTS.replicas());

    @Option(names = "--small-block", paramLabel = "SIZE", converter = SizeConverter.class,
        description = "Block size of the far-read latency run, also the raw ping-pong's message size (default: 4k).")
    long smallBlockBytes = DEFAULTS.smallBlockBytes();

    @Option(names = "--latency-blocks", description = "Blocks the far reads pick from (default: ${DEFAULT-VALUE}).")
    int latencyBlocks = DEFAULTS.latencyBlocks();

    @Option(names = "--latency-warmup", description = "Untimed far reads first (default: ${DEFAULT-VALUE}).")
    int latencyWarmup = DEFAULTS.latencyWarmup();

    @Option(names = "--latency-reads", description = "Timed far reads (default: ${DEFAULT-VALUE}).")
    int latencyReads = DEFAULTS.latencyReads();

    @Option(names = "--mix-block", paramLabel = "SIZE", converter = SizeConverter.class,
        description = "Block size of the mix (default: 64k).")
    long mixBlockBytes = DEFAULTS.mixBlockBytes();

    @Option(names = "--mix-multiple", description = "The mix's working set as a multiple of the local tiers " +
        "(default: ${DEFAULT-VALUE}).")
    int mixMultiple = DEFAULTS.mixMultiple();

    @Option(names = "--mix-read-fraction", description = "Share of reads in the mix; the rest overwrite " +
        "(default: ${DEFAULT-VALUE}).")
    double mixReadFraction = DEFAULTS.mixReadFraction();

    @Option(names = "--threads", split = ",", paramLabel = "N[,N...]", description = "Thread counts of the mix " +
        "(default: 1,2,4,8).")
    List<Integer> threads = new ArrayList<>(DEFAULTS.threads());

    @Option(names = "--mix-warmup-seconds", description = "Untimed period of each thread count (default: " +
        "${DEFAULT-VALUE}).")
    double mixWarmupSeconds = DEFAULTS.mixWarmupSeconds();

    @Option(names = "--mix-seconds", description = "Timed period of each thread count (default: ${DEFAULT-VALUE}).")
    double mixSeconds = DEFAULTS.mixSeconds();

    @Option(names = "--spill-rounds", description = "Timed rounds of the large-block write and read-back per " +
        "replica setting, after one untimed round; the median is reported (default: ${DEFAULT-VALUE}).")
    int spillRounds = DEFAULTS.spillRounds();

    @Option(names = "--stream-rounds", description = "Timed bursts of the raw one-way stream, at the start and " +
        "again at the end (default: " +
        "${DEFAULT-VALUE}).")
    int streamRounds = DEFAULTS.streamRounds();

    @Option(names = "--ping-pongs", description = "Timed raw round trips per idle mode, at the start and again " +
        "at the end (default: " +
        "${DEFAULT-VALUE}).")
    int pingPongs = DEFAULTS.pingPongs();

    @Option(names = "--no-yield-baseline", negatable = false, description = "Skip the reference ping-pong with " +
        "yielding threads.")
    boolean noYieldBaseline;

    @Option(names = "--security", split = ",", paramLabel = "MODE[,MODE...]", description = "Instead of the " +
        "full run: the cost of data-path security, each of these modes (off, on, on+encryption) measured in the " +
        "same run with its own node daemons: 1 MiB (--block) far write/read MiB/s, 4 KiB (--small-block) far " +
        "read p50/p99 and the mix with each of --threads, medians over --security-rounds rounds that interleave the modes, ratios against off. " +
        "Uses 200 ports from --base-port.")
    List<String> security = new ArrayList<>();

    @Option(names = "--security-rounds", description = "Rounds of the --security comparison (default: " +
        "${DEFAULT-VALUE}).")
    int securityRounds = 3;

    @Option(names = "--seed", description = "Seed of contents and orders (default: ${DEFAULT-VALUE}).")
    long seed = DEFAULTS.seed();

    private RemoteReport report;

    /**
     * @return the report of the last {@link #call()}, or null before one completed (for callers that embed the
     * command and want the figures as well as the printout).
     */
    public RemoteReport report()
    {
        return report;
    }

    /**
     * @return 0, or 1 if a byte read back was wrong or a timed far read was not a real fetch.
     */
    public Integer call()
    {
        if (!security.isEmpty())
        {
            final List<SecurityComparison.Mode> modes = new ArrayList<>();
            for (final String mode : security)
            {
                modes.add(SecurityComparison.Mode.parse(mode));
            }
            final SecurityComparison.Result result = SecurityComparison.run(settings(), modes, securityRounds,
                System.err);
            System.out.print(result.toTable());
            return result.verified() ? 0 : BenchCommand.EXIT_FAILED;
        }
        report = RemoteWorkload.run(settings(), System.err);
        common.print(System.out, report.toTable(), report);
        return report.verified() ? 0 : BenchCommand.EXIT_FAILED;
    }

    private RemoteWorkload.Settings settings()
    {
        return new RemoteWorkload.Settings(basePort, nodes, nodeRamBytes,
            nodeHeap, ramBytes, Math.toIntExact(blockBytes), blocks, List.copyOf(replicas),
            Math.toIntExact(smallBlockBytes), latencyBlocks, latencyWarmup, latencyReads,
            Math.toIntExact(mixBlockBytes), mixMultiple, mixReadFraction, List.copyOf(threads), mixWarmupSeconds,
            mixSeconds, spillRounds, streamRounds, pingPongs, !noYieldBaseline, seed, common.tmpfsDir, common.diskDir);
    }
}
