/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench;

import io.tierpool.bench.gemm.GemmWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code tierpool bench gemm}: see {@link GemmWorkload}.
 */
@Command(name = "gemm", mixinStandardHelpOptions = true,
    description = "The demo's out-of-core matrix multiply on local tiers with data N x the RAM tier vs all in RAM; " +
        "products verified with Freivalds' check. Defaults take under a minute on 2 cores.")
public final class GemmCommand implements Callable<Integer>
{
    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--n", description = "Matrix side in floats, a multiple of --tile (default: ${DEFAULT-VALUE}).")
    int n = GemmWorkload.Settings.defaults().n();

    @Option(names = "--tile", description = "Tile side in floats; one block per tile (default: ${DEFAULT-VALUE}).")
    int tile = GemmWorkload.Settings.defaults().tile();

    @Option(names = "--data-multiple", description = "Data as a multiple of the out-of-core RAM tier " +
        "(default: ${DEFAULT-VALUE}).")
    int dataMultiple = GemmWorkload.Settings.defaults().dataMultiple();

    @Option(names = "--threads", description = "Multiply worker threads (default: available processors, " +
        "${DEFAULT-VALUE}).")
    int threads = GemmWorkload.Settings.defaults().threads();

    @Option(names = "--repeats", description = "Timed multiplies per run (default: ${DEFAULT-VALUE}).")
    int repeats = GemmWorkload.Settings.defaults().repeats();

    /**
     * @return 0, or 1 if a product failed verification.
     */
    public Integer call()
    {
        final GemmWorkload.Result result = GemmWorkload.run(new GemmWorkload.Settings(n, tile, dataMultiple, threads,
            repeats, common.tmpfsDir, common.diskDir), System.err);
        common.print(System.out, result.toTable(), result);
        return result.verified() ? 0 : BenchCommand.EXIT_FAILED;
    }
}
