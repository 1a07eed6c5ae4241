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
 * Runs {@code bench remote --security off,on,on+encryption} at a tiny size, one round: three clusters of one node
 * daemon JVM each, one per mode. Every mode's row must be there, every byte read back right, every timed far read
 * a real fetch, nothing left on disk or tmpfs. No timing is asserted. Ports 56200..56399.
 */
class RemoteSecurityCommandTest
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
    void shouldMeasureEverySecurityModeInOneRunAndVerifyEveryByte()
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
            exit = commandLine.execute("remote", "--base-port", "56200", "--nodes", "1", "--replicas", "1",
                "--node-ram", "32m",
                "--node-heap", "192m", "--ram", "1m", "--block", "256k", "--blocks", "8", "--small-block", "4k",
                "--latency-blocks", "4", "--latency-warmup", "5", "--latency-reads", "20",
                "--security", "off,on,on+encryption", "--security-rounds", "1", "--mix-block", "16k",
                "--mix-multiple", "2", "--threads", "1,2", "--mix-warmup-seconds", "0.1", "--mix-seconds", "0.3",
                "--tmpfs-dir", tmpfs.toString(), "--disk-dir", disk.toString());
        }
        finally
        {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        final String table = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, table);
        for (final String row : new String[]{ "off ", "on ", "on+encryption ", "round 0 on+encryption",
            "mix 2 threads on+encryption" })
        {
            assertTrue(table.contains(row), "missing '" + row + "' in\n" + table);
        }
    }
}
