/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench;

import io.tierpool.bench.zipf.ZipfWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tierpool bench zipf}: see {@link ZipfWorkload}.
 */
@Command(name = "zipf", mixinStandardHelpOptions = true,
    description = "Zipf-distributed block get/put with a working set N x the RAM tier: TierPool (RAM + VVRAM + " +
        "VSSD) vs Ehcache 3 (heap + off-heap + disk) of the same sizes; every get verified. Defaults take about " +
        "a minute and a half on 2 cores with one thread (five untimed warm-up rounds, then five timed); each " +
        "further --threads value adds about a minute.")
public final class ZipfCommand implements Callable<Integer>
{
    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--block", paramLabel = "SIZE", converter = SizeConverter.class,
        description = "Value (block) size (default: 64k).")
    long blockBytes = ZipfWorkload.Settings.defaults().blockBytes();

    @Option(names = "--ram", paramLabel = "SIZE", converter = SizeConverter.class,
        description = "RAM tier = Ehcache heap tier, also the VVRAM = off-heap size (default: 32m).")
    long ramBytes = ZipfWorkload.Settings.defaults().ramBytes();

    @Option(names = "--data-multiple", description = "Working set as a multiple of --ram (default: ${DEFAULT-VALUE}).")
    int dataMultiple = ZipfWorkload.Settings.defaults().dataMultiple();

    @Option(names = "--ops", description = "Operations per timed round (default: ${DEFAULT-VALUE}).")
    int ops = ZipfWorkload.Settings.defaults().ops();

    @Option(names = "--rounds", description = "Timed rounds (default: ${DEFAULT-VALUE}).")
    int rounds = ZipfWorkload.Settings.defaults().rounds();

    @Option(names = "--warmup-rounds", description = "Untimed rounds of --ops operations per system before the " +
        "first thread count's timed rounds, so that the JIT has compiled both systems' paths; each later thread " +
        "count runs one of its own (default: ${DEFAULT-VALUE}).")
    int warmupRounds = ZipfWorkload.Settings.defaults().warmupRounds();

    @Option(names = "--read-fraction", description = "Share of gets; the rest are puts (default: ${DEFAULT-VALUE}).")
    double readFraction = ZipfWorkload.Settings.defaults().readFraction();

    @Option(names = "--skew", description = "Zipf skew theta, 0 < skew < 1 (default: ${DEFAULT-VALUE}).")
    double skew = ZipfWorkload.Settings.defaults().skew();

    @Option(names = "--seed", description = "Seed of the key sequence (default: ${DEFAULT-VALUE}).")
    long seed = ZipfWorkload.Settings.defaults().seed();

    @Option(names = "--threads", split = ",", paramLabel = "N[,N...]", description = "Application thread counts, " +
        "each run against both systems with the same keys and operations, e.g. 1,2,4; a round's operations are " +
        "shared out among the threads, each thread owning a share of the keys (default: 1).")
    List<Integer> threads = new ArrayList<>(ZipfWorkload.Settings.defaults().threads());

    @Option(names = "--jcache", description = "Drive both systems through the JCache API (javax.cache.Cache, " +
        "store-by-value): TierPool's JCache provider vs Ehcache 3's, same tier sizes.")
    boolean jcache;

    /**
     * @return 0, or 1 if a get returned a wrong value or TierPool lost one.
     */
    public Integer call()
    {
        final ZipfWorkload.Result result = ZipfWorkload.run(new ZipfWorkload.Settings(Math.toIntExact(blockBytes),
            ramBytes, dataMultiple, ops, rounds, readFraction, skew, seed, common.tmpfsDir, common.diskDir,
            threads, warmupRounds),
            System.err, jcache);
        common.print(System.out, result.toTable(), result);
        return result.verified() ? 0 : BenchCommand.EXIT_FAILED;
    }
}
