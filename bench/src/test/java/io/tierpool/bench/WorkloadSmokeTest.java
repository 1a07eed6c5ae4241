/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierpool.bench.gemm.GemmWorkload;
import io.tierpool.bench.scan.ScanWorkload;
import io.tierpool.bench.zipf.ZipfWorkload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs each whole workload at a tiny size: it must complete, verify every byte it reads back, move blocks
 * between tiers where it claims to, and leave no files behind. No timing is asserted.
 */
class WorkloadSmokeTest
{
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @TempDir
    Path disk;

    private Path tmpfs;

    @BeforeEach
    void createTmpfsParent() throws IOException
    {
        tmpfs = Files.createTempDirectory(BenchDirectories.TMPFS_DEFAULT, "tierpool-bench-test-");
    }

    @AfterEach
    void checkNothingLeft() throws IOException
    {
        try (Stream<Path> left = Files.list(tmpfs))
        {
            assertEquals(0, left.count(), "files left on tmpfs");
        }
        try (Stream<Path> left = Files.list(disk))
        {
            assertEquals(0, left.count(), "files left on disk");
        }
        Files.delete(tmpfs);
    }

    @Test
    void scanVerifiesEveryBlockAndSpillsOutOfCore()
    {
        final ScanWorkload.Result result = ScanWorkload.run(
            new ScanWorkload.Settings(1L << 20, 4, 64 << 10, 2, 1, 2, tmpfs, disk), QUIET);

        assertTrue(result.verified(), result.toTable());
        assertEquals(2L * 64, result.inRam().blocksVerified());
        assertEquals(0, result.inRam().promotionsPerPass());
        assertEquals(1.0, result.inRam().ramHitRate());
        assertEquals(0, result.inRam().prefetchesIssued(), "nothing to prefetch when everything is in RAM");
        for (final ScanWorkload.Run run : result.outOfCoreRuns())
        {
            assertEquals(2L * 64, run.blocksVerified(), run.name());
            assertEquals(0, run.mismatches(), run.name());
            assertTrue(run.promotionsPerPass() + run.demotionsPerPass() > 0,
                run.name() + ": a scan of data 4x RAM must move blocks between tiers");
            assertTrue(run.prefetchHits() <= run.prefetchesIssued(), run.name() + ": hits are prefetched blocks");
            assertTrue(run.prefetchCoverage() >= 0 && run.prefetchCoverage() <= 1, run.name());
            assertTrue(run.ratio().median() > 0, run.name());
            assertTrue(run.warmupRatio() > 0, run.name() + ": the warm-up pass's ratio is reported");
        }
        assertTrue(result.toTable().contains("first (untimed warm-up) pass"), result.toTable());
        assertEquals(0, result.noPrefetch().prefetchRequests(), "prefetchDepth(0) and no requests: none queued");
        assertEquals(0, result.noPrefetch().prefetchesIssued());
        assertTrue(result.explicitPrefetch().prefetchRequests() > 0,
            "the explicit run asks for blocks ahead of the reader: " + result.toTable());
        assertTrue(result.autoPrefetch().prefetchRequests() > 0,
            "the engine's detector queues requests on a sequential scan: " + result.toTable());
    }

    @Test
    void gemmProductsPassVerification()
    {
        final GemmWorkload.Result result = GemmWorkload.run(
            new GemmWorkload.Settings(256, 64, 4, 2, 1, tmpfs, disk), QUIET);

        assertTrue(result.verified(), result.toTable());
        assertEquals(0, result.inRam().promotionsPerRepeat());
        assertTrue(result.outOfCore().promotionsPerRepeat() + result.outOfCore().demotionsPerRepeat() > 0,
            "tiles 4x RAM must move between tiers");
        assertTrue(result.outOfCore().gflops().median() > 0);
    }

    @Test
    void zipfReturnsOnlyCurrentValuesFromBothSystems()
    {
        final ZipfWorkload.Result result = ZipfWorkload.run(
            new ZipfWorkload.Settings(4 << 10, 1L << 20, 4, 5_000, 2, 0.8, 0.99, 7, tmpfs, disk), QUIET);

        assertTrue(result.verified(), result.toTable());
        assertEquals(result.tierPool().gets(), result.ehcache().gets(), "same op mix for both");
        assertEquals(result.tierPool().puts(), result.ehcache().puts(), "same op mix for both");
        assertEquals(10_000, result.tierPool().gets() + result.tierPool().puts());
        assertTrue(result.tierPool().puts() > 0 && result.tierPool().gets() > result.tierPool().puts());
    }

    @Test
    void zipfThroughJCacheReturnsOnlyCurrentValuesFromBothProviders()
    {
        final ZipfWorkload.Result result = ZipfWorkload.run(new ZipfWorkload.Settings(
            4 << 10, 1L << 20, 4, 4_000, 2, 0.8, 0.99, 7, tmpfs, disk, List.of(1, 4)), QUIET, true);

        assertTrue(result.verified(), result.toTable());
        for (final ZipfWorkload.ThreadsRun run : result.runs())
        {
            final String name = run.threads() + " threads";
            assertEquals(run.tierPool().gets(), run.ehcache().gets(), name + ": same op mix for both");
            assertEquals(0, run.tierPool().mismatches() + run.ehcache().mismatches(), name);
            assertEquals(0, run.tierPool().missing(), name + ": TierPool's JCache never drops a value");
            assertTrue(run.tierPool().verified() >= run.tierPool().gets(), name + ": every get is checked");
        }
    }

    @Test
    void zipfWithSeveralThreadsReturnsOnlyCurrentValuesAtEveryThreadCount()
    {
        final ZipfWorkload.Result result = ZipfWorkload.run(new ZipfWorkload.Settings(
            4 << 10, 1L << 20, 4, 4_000, 2, 0.8, 0.99, 7, tmpfs, disk, List.of(1, 2, 4)), QUIET);

        assertTrue(result.verified(), result.toTable());
        assertEquals(List.of(1, 2, 4), result.runs().stream().map(ZipfWorkload.ThreadsRun::threads).toList());
        assertEquals(result.runs().get(0).tierPool(), result.tierPool(), "the single-system table is the first count");
        for (final ZipfWorkload.ThreadsRun run : result.runs())
        {
            final String name = run.threads() + " threads";
            assertEquals(run.tierPool().gets(), run.ehcache().gets(), name + ": same op mix for both");
            assertEquals(run.tierPool().puts(), run.ehcache().puts(), name + ": same op mix for both");
            assertEquals(8_000, run.tierPool().gets() + run.tierPool().puts(), name + ": a round's ops are shared out");
            assertTrue(run.tierPool().verified() >= run.tierPool().gets(), name + ": warm-up gets are checked too");
            assertEquals(0, run.tierPool().mismatches() + run.ehcache().mismatches(), name);
            assertEquals(0, run.tierPool().missing(), name + ": TierPool never drops a block");
            assertEquals(2, run.ratio().count(), name);
        }
        assertTrue(result.toTable().contains("by thread count"), result.toTable());
    }

    @Test
    void commandPrintsJsonAndExitsZero() throws IOException
    {
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final PrintStream stdout = System.out;
        final PrintStream stderr = System.err;
        final int exit;
        try
        {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            System.setErr(QUIET);
            exit = BenchCommand.commandLine().execute("scan", "--json", "--ram", "1m", "--block", "128k",
                "--passes", "1", "--prefetch-ahead", "2", "--tmpfs-dir", tmpfs.toString(), "--disk-dir", disk.toString());
        }
        finally
        {
            System.setOut(stdout);
            System.setErr(stderr);
        }

        assertEquals(0, exit, captured.toString(StandardCharsets.UTF_8));
        final JsonNode json = new ObjectMapper().readTree(captured.toString(StandardCharsets.UTF_8));
        for (final String run : new String[]{ "inRam", "noPrefetch", "autoPrefetch", "explicitPrefetch" })
        {
            assertEquals(32, json.path(run).path("blocksVerified").asLong(), run);
            assertEquals(0, json.path(run).path("mismatches").asLong(), run);
            assertTrue(json.path(run).path("ratio").path("median").asDouble() > 0, run);
            assertTrue(json.path(run).has("prefetchHitRate") && json.path(run).has("prefetchesIssued") &&
                json.path(run).has("prefetchHits"), run + " reports its prefetch counters");
        }
    }

    @Test
    void badSettingsAreRejectedWithExitTwo()
    {
        final PrintStream stderr = System.err;
        final int exit;
        final int scanExit;
        try
        {
            System.setErr(QUIET);
            exit = BenchCommand.commandLine().execute("gemm", "--n", "1000", "--tile", "512",
                "--tmpfs-dir", tmpfs.toString(), "--disk-dir", disk.toString());
            scanExit = BenchCommand.commandLine().execute("scan", "--ram", "1m", "--block", "128k",
                "--prefetch-ahead", "3", "--tmpfs-dir", tmpfs.toString(), "--disk-dir", disk.toString());
        }
        finally
        {
            System.setErr(stderr);
        }
        assertEquals(BenchCommand.EXIT_ERROR, exit);
        assertEquals(BenchCommand.EXIT_ERROR, scanExit, "8 blocks of RAM allow prefetching at most 2 ahead");
    }
}
