/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench;

import io.tierpool.bench.scan.ScanWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code tierpool bench scan}: see {@link ScanWorkload}.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
    description = "Sequential scan of data N x the RAM tier (spilling to VVRAM and VSSD) with no, automatic and " +
        "explicit prefetch vs the same scan all in RAM; every block verified. Defaults take well under a minute on 2 cores.")
public final class ScanCommand implements Callable<Integer>
{
    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--ram", paramLabel = "SIZE", converter = SizeConverter.class,
        description = "RAM tier of the out-of-core run (default: 64m).")
    long ramBytes = ScanWorkload.Settings.defaults().ramBytes();

    @Option(names = "--data-multiple", description = "Data as a multiple of --ram (default: ${DEFAULT-VALUE}).")
    int dataMultiple = ScanWorkload.Settings.defaults().dataMultiple();

    @Option(names = "--block", paramLabel = "SIZE", converter = SizeConverter.class,
        description = "Block size (default: 1m).")
    long blockBytes = ScanWorkload.Settings.defaults().blockBytes();

    @Option(names = "--passes", description = "Timed passes per run (default: ${DEFAULT-VALUE}).")
    int passes = ScanWorkload.Settings.defaults().passes();

    @Option(names = "--warmup-passes", description = "Untimed passes per run before the timed ones; the first one's " +
        "ratio is reported on its own (default: ${DEFAULT-VALUE}).")
    int warmupPasses = ScanWorkload.Settings.defaults().warmupPasses();

    @Option(names = "--prefetch-ahead", paramLabel = "BLOCKS", description = "How many blocks ahead of the reader " +
        "the explicit-prefetch run asks for, 1 to a quarter of the blocks RAM holds (default: ${DEFAULT-VALUE}).")
    int prefetchAhead = ScanWorkload.Settings.defaults().prefetchAhead();

    /**
     * @return 0, or 1 if a block read back wrong.
     */
    public Integer call()
    {
        final ScanWorkload.Result result = ScanWorkload.run(new ScanWorkload.Settings(ramBytes, dataMultiple,
            Math.toIntExact(blockBytes), passes, warmupPasses, prefetchAhead, common.tmpfsDir, common.diskDir),
            System.err);
        common.print(System.out, result.toTable(), result);
        return result.verified() ? 0 : BenchCommand.EXIT_FAILED;
    }
}
