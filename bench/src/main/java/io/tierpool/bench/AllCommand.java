/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench;

import io.tierpool.bench.gemm.GemmWorkload;
import io.tierpool.bench.scan.ScanWorkload;
import io.tierpool.bench.zipf.ZipfWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tierpool bench all}: {@code scan}, {@code gemm} and {@code zipf} with their defaults, one after the other.
 */
@Command(name = "all", mixinStandardHelpOptions = true,
    description = "Runs scan, gemm and zipf with their defaults (30 s to 1.5 min on 2 cores).")
public final class AllCommand implements Callable<Integer>
{
    @Mixin
    CommonOptions common = new CommonOptions();

    /**
     * @return 0, or 1 if any workload failed verification.
     */
    public Integer call()
    {
        final Path tmpfs = common.tmpfsDir;
        final Path disk = common.diskDir;
        final ScanWorkload.Result scan = ScanWorkload.run(
            ScanWorkload.Settings.defaults().withDirectories(tmpfs, disk), System.err);
        final GemmWorkload.Result gemm = GemmWorkload.run(
            GemmWorkload.Settings.defaults().withDirectories(tmpfs, disk), System.err);
        final ZipfWorkload.Result zipf = ZipfWorkload.run(
            ZipfWorkload.Settings.defaults().withDirectories(tmpfs, disk), System.err);

        final Map<String, Object> results = new LinkedHashMap<>();
        results.put("scan", scan);
        results.put("gemm", gemm);
        results.put("zipf", zipf);
        common.print(System.out, scan.toTable() + "\n" + gemm.toTable() + "\n" + zipf.toTable(), results);
        return scan.verified() && gemm.verified() && zipf.verified() ? 0 : BenchCommand.EXIT_FAILED;
    }
}
