/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierpool.bench.remote.RemoteReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@code bench remote} end to end at a tiny size: two node daemon JVMs, a raw Aeron peer JVM per idle mode,
 * two pools (replicas 1 and 2), a few blocks, the mix with 1 and 2 threads. The report must have every row,
 * every byte read back must be right, every timed small read must have been a real fetch, and nothing may be
 * left on disk or tmpfs. No timing is asserted. Ports 54100..54199.
 */
class RemoteCommandTest
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
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void tinyRunReportsEveryFigureAndVerifiesEveryByte() throws IOException
    {
        final CommandLine commandLine = BenchCommand.commandLine();
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final PrintStream stdout = System.out;
        final PrintStream stderr = System.err;
        final int exit;
        try
        {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            System.setErr(QUIET);
            exit = commandLine.execute("remote", "--base-port", "54100", "--nodes", "2", "--node-ram", "64m",
                "--node-heap", "192m", "--ram", "1m", "--block", "256k", "--blocks", "8", "--replicas", "1,2",
                "--small-block", "4k", "--latency-blocks", "4", "--latency-warmup", "5", "--latency-reads", "20",
                "--mix-block", "16k", "--mix-multiple", "2", "--threads", "1,2", "--mix-warmup-seconds", "0.2",
                "--mix-seconds", "0.5", "--spill-rounds", "1", "--stream-rounds", "1", "--ping-pongs", "50",
                "--tmpfs-dir", tmpfs.toString(), "--disk-dir", disk.toString());
        }
        finally
        {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        final String table = captured.toString(StandardCharsets.UTF_8);

        assertEquals(0, exit, table);
        for (final String row : new String[]{
            "write 8 x 256 KiB until spilled, replicas 1", "write 8 x 256 KiB until spilled, replicas 2",
            "read them back, random order, replicas 1", "read them back, random order, replicas 2",
            "far read 4 KiB p50, replicas 1", "far read 4 KiB p99, replicas 1", "far read 4 KiB p99.9, replicas 1",
            "raw ping-pong p50 / p99 / p99.9, yield", "16 KiB, 2x local tiers, 1 thread ",
            "16 KiB, 2x local tiers, 2 threads ", "write 256 KiB, replicas 1 / raw stream",
            "write 256 KiB, replicas 2 (bytes sent) / raw stream", "read 256 KiB, replicas 1 / raw stream",
            "read 256 KiB, replicas 2 / raw stream", "far read 4 KiB p50 / raw ping-pong p50",
            "far read 4 KiB p99 / raw ping-pong p99", "timed, 20 remote gets (one per read)",
            "read again in the order written (prefetch), replicas 1",
            "TierPool transport alone, 256 KiB get one at a time (no engine)",
            "transport alone: 8 x 256 KiB blocks per round, 32 got back and verified, 0 wrong",
            "replicas 1: medians of 1 timed rounds after an untimed one",
            "verification: passed" })
        {
            assertTrue(table.contains(row), "missing '" + row + "' in\n" + table);
        }

        final RemoteCommand command = commandLine.getSubcommands().get("remote").getCommand();
        final RemoteReport report = command.report();
        assertNotNull(report);
        assertTrue(report.verified(), table);
        final JsonNode json = new ObjectMapper().readTree(CommonOptions.toJson(report));
        assertTrue(json.path("verified").asBoolean(), "JSON says verified");
        assertEquals(2, json.path("spills").size());
        for (final JsonNode spill : json.path("spills"))
        {
            assertEquals(16, spill.path("verified").asLong(), "every block read back right in both rounds");
            assertEquals(1, spill.path("rounds").asInt());
            assertTrue(spill.path("coldWriteMibPerSecond").asDouble() > 0, "the untimed round is reported: " + spill);
            assertEquals(0, spill.path("mismatches").asLong());
            assertTrue(spill.path("farAfterWrite").asLong() > 0, "blocks spilled to far memory: " + spill);
        }
        assertEquals(2, json.path("spills").get(1).path("replicas").asInt());
        assertTrue(json.path("spills").get(1).path("write").path("copiesPut").asLong() >=
            2 * json.path("spills").get(1).path("farAfterWrite").asLong(), "replicas 2 puts two copies per far block");
        assertEquals(20, json.path("latency").path("far").path("remoteGets").asLong());
        assertEquals(32, json.path("transport").path("verified").asLong(),
            "an untimed and 3 timed rounds of 8 blocks, each got back");
        assertEquals(0, json.path("transport").path("mismatches").asLong());
        assertTrue(json.path("transport").path("getMibPerSecond").path("median").asDouble() > 0, "gets timed");
        assertEquals(2, json.path("mix").size());
        for (final JsonNode run : json.path("mix"))
        {
            assertTrue(run.path("verified").asLong() > 0, "the mix read and checked blocks: " + run);
            assertEquals(0, run.path("mismatches").asLong());
        }
        assertEquals(2, json.path("baseline").path("streamMibPerSecond").path("count").asInt(), "start and end");
        assertEquals(100, json.path("baseline").path("pingPongBackoff").path("count").asLong(), "start and end");
        assertEquals(100, json.path("baseline").path("pingPongYield").path("count").asLong(), "start and end");
        assertEquals(8, json.path("goals").size(),
            "2 writes, 2 reads, 2 sequential / random reads, p50, p99 (no 4-thread mix at this size)");
        for (final JsonNode spill : json.path("spills"))
        {
            assertTrue(spill.path("sequentialReadMibPerSecond").asDouble() > 0, "the second pass was timed: " + spill);
        }
    }

    @Test
    void badSettingsAreRejectedBeforeAnythingStarts()
    {
        final PrintStream stderr = System.err;
        final int exit;
        try
        {
            System.setErr(QUIET);
            exit = BenchCommand.commandLine().execute("remote", "--nodes", "1", "--replicas", "2",
                "--tmpfs-dir", tmpfs.toString(), "--disk-dir", disk.toString());
        }
        finally
        {
            System.setErr(stderr);
        }
        assertEquals(BenchCommand.EXIT_ERROR, exit, "replicas 2 needs two nodes");
    }
}
