/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.ops;

import io.tierpool.client.cli.TierPoolCli;
import io.tierpool.client.cli.TopTable;
import io.tierpool.client.NodeView;
import io.tierpool.client.NodeUsage;
import io.tierpool.client.TierUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tierpool top} and {@code tierpool stats} without a cluster: the table's rows and totals, and the clear
 * errors (exit code 2) for bad flags and for a cluster that is not there. The commands against live nodes are in
 * {@link LocalClusterScriptTest}.
 */
class LiveViewCommandsTest
{
    private static final long MIB = 1L << 20;

    @Test
    void shouldListEveryTierOfEveryNodeWithPercentUsedAndTotals()
    {
        final String table = TopTable.format(List.of(
            row("node-1", "127.0.0.1:40501", 64 * MIB, 16 * MIB, 16, 128 * MIB, 0, 0),
            row("node-2", "127.0.0.1:40502", 64 * MIB, 48 * MIB, 48, 128 * MIB, 32 * MIB, 32)));
        final List<String> lines = table.lines().toList();

        assertEquals(1 + 2 * 3 + 1, lines.size(), table);
        assertTrue(lines.get(0).matches("node\\s+endpoint\\s+tier\\s+capacity\\s+used\\s+%\\s+blocks"), table);
        assertTrue(lines.get(1).matches("node-1\\s+127\\.0\\.0\\.1:40501\\s+RAM\\s+64\\.0 MiB\\s+16\\.0 MiB\\s+25\\.0%\\s+16"),
            lines.get(1));
        assertTrue(lines.get(3).matches("\\s+total\\s+192\\.0 MiB\\s+16\\.0 MiB\\s+8\\.3%\\s+16"), lines.get(3));
        assertTrue(lines.get(4).startsWith("node-2 "), lines.get(4));
        assertTrue(lines.get(5).matches("\\s+VSSD\\s+128\\.0 MiB\\s+32\\.0 MiB\\s+25\\.0%\\s+32"), lines.get(5));
        assertTrue(lines.get(7).matches("cluster\\s+2 node\\(s\\)\\s+total\\s+384\\.0 MiB\\s+96\\.0 MiB\\s+25\\.0%\\s+96"),
            lines.get(7));
    }

    @Test
    void shouldShowANodeThatDidNotAnswerWithItsErrorAndLeaveItOutOfTheTotals()
    {
        final NodeView silent = new NodeView(UUID.randomUUID(), "node-9", "127.0.0.1:40509", 0);
        final String table = TopTable.format(List.of(
            new TopTable.NodeRow(silent, null, "no response within 5000 ms"),
            row("node-1", "127.0.0.1:40501", 8 * MIB, 0, 0, 0, 0, 0)));

        assertTrue(table.contains("node-9     127.0.0.1:40509       did not answer: no response within 5000 ms"), table);
        assertTrue(table.lines().anyMatch((line) -> line.matches("cluster\\s+2 node\\(s\\)\\s+total\\s+8\\.0 MiB\\s+0 B\\s+0\\.0%\\s+0")),
            table);
        assertThrows(IllegalArgumentException.class, () -> new TopTable.NodeRow(silent, null, null));
    }

    @Test
    void shouldRejectAnIntervalWithoutAUnitOrShorterThan100ms()
    {
        final Result noUnit = run("top", "--once", "--interval", "1");
        assertEquals(TierPoolCli.EXIT_ERROR, noUnit.exitCode());
        assertTrue(noUnit.err().contains("--interval=1") && noUnit.err().contains("unit"), noUnit.err());

        final Result tooShort = run("top", "--interval", "10ms");
        assertEquals(TierPoolCli.EXIT_ERROR, tooShort.exitCode());
        assertTrue(tooShort.err().contains("--interval=10ms is shorter than 100ms"), tooShort.err());

        final Result badAddress = run("top", "--once", "--discovery", "nowhere");
        assertEquals(TierPoolCli.EXIT_ERROR, badAddress.exitCode());
        assertTrue(badAddress.err().contains("'nowhere'"), badAddress.err());
    }

    @Test
    void shouldRejectAStatsNodeThatIsNotHostAndPort()
    {
        final Result result = run("stats", "--node", "127.0.0.1");
        assertEquals(TierPoolCli.EXIT_ERROR, result.exitCode());
        assertTrue(result.err().contains("--node=127.0.0.1 is not host:port"), result.err());
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldExitWith2NamingTheEndpointsWhenNoNodeAnswers()
    {
        final Result result = run("top", "--once", "--nodes", "127.0.0.1:48460,127.0.0.1:48461", "--timeout", "3s");
        assertEquals(TierPoolCli.EXIT_ERROR, result.exitCode(), result.out() + result.err());
        assertTrue(result.err().startsWith("tierpool top: error: ") && result.err().contains("127.0.0.1:48460") &&
            result.err().contains("127.0.0.1:48461") && result.err().contains("found no node daemon"), result.err());
        assertEquals("", result.out());
    }

    private static TopTable.NodeRow row(
        final String name,
        final String endpoint,
        final long ramCapacity,
        final long ramUsed,
        final long ramBlocks,
        final long vssdCapacity,
        final long vssdUsed,
        final long vssdBlocks)
    {
        final NodeUsage usage = new NodeUsage(name, List.of(
            new TierUsage("RAM", ramCapacity, ramUsed, ramBlocks),
            new TierUsage("VSSD", vssdCapacity, vssdUsed, vssdBlocks)));
        return new TopTable.NodeRow(new NodeView(UUID.randomUUID(), name, endpoint, usage.capacityBytes()), usage, null);
    }

    private static Result run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exitCode = TierPoolCli.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    private record Result(int exitCode, String out, String err)
    {
    }
}
