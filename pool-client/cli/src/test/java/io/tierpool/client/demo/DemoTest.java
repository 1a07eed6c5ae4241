/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.demo;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.RemoteNodeStats;
import io.tierpool.client.cli.TierPoolCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoTest
{
    /**
     * Ports of this test class: 49100..49199.
     */
    private static final int BASE_PORT = 49100;

    @TempDir
    Path workDir;

    @TempDir
    Path vvramDir;

    private final ByteArrayOutputStream status = new ByteArrayOutputStream();

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRunLocalOnlyDemoReportItAndRemoveItsDirectories()
    {
        final Demo.Context ctx = smallContext().nodes(0);
        final DemoReport report;
        try (Demo demo = new Demo(ctx))
        {
            report = demo.run();
        }

        assertTrue(report.passed(), report.format());
        assertEquals(256, report.n());
        assertEquals(3L * 256 * 256 * 4, report.dataBytes());
        assertTrue(report.stats().demotions() > 0, report.format());
        assertTrue(report.product().gflopsPerSecond() > 0, report.format());
        final String text = report.format();
        assertTrue(text.contains("verification       PASSED"), text);
        assertTrue(text.contains("RAM"), text);
        assertTrue(text.contains("VSSD"), text);
        assertEquals(0, DemoFixtures.countFiles(workDir), "the run's disk files are removed");
        assertEquals(0, DemoFixtures.countFiles(vvramDir), "the run's tmpfs files are removed");
        assertTrue(status().contains("generate: 32/32 tiles"), status());
        assertTrue(status().contains("multiply: 16/16 tiles"), status());
        assertTrue(status().contains("verify: 48/48 tiles"), status());
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldKeepMostDataOnTwoNodeDaemonsAndVerifyProduct()
    {
        final Demo.Context ctx = new Demo.Context()
            .n(512)
            .tile(64)
            .ramBytes(64 << 10)
            .vvramBytes(64 << 10)
            .vssdBytes(128 << 10)
            .nodes(2)
            .nodeRamBytes(1 << 20)
            .nodeVvramBytes(1 << 20)
            .nodeVssdBytes(4 << 20)
            .threads(2)
            .basePort(BASE_PORT)
            .workDir(workDir)
            .vvramDir(vvramDir)
            .progressMode(ProgressBar.Mode.LINES)
            .progressOut(new PrintStream(status, true, StandardCharsets.UTF_8))
            .status(new PrintStream(status, true, StandardCharsets.UTF_8));
        final DemoReport report;
        try (Demo demo = new Demo(ctx))
        {
            report = demo.run();
        }

        assertTrue(report.passed(), report.format());
        assertEquals(2, report.stats().remoteNodes().size(), report.format());
        long remoteBytes = 0;
        for (final RemoteNodeStats node : report.stats().remoteNodes())
        {
            assertTrue(node.bytes() > 0, "each node holds some of the data: " + report.format());
            remoteBytes += node.bytes();
        }
        assertTrue(remoteBytes * 3 >= report.dataBytes() * 2 - 3L * 64 * 64 * 4,
            "at least two thirds of the data (less the blocks in flight) lives on the nodes: " + report.format());
        assertTrue(report.stats().remotePuts() > 0 && report.stats().remoteGets() > 0, report.format());
        assertTrue(report.format().contains("node-1"), report.format());
        assertTrue(status().contains("fresh membership credentials"),
            "the node daemons joined with membership credentials made for the run: " + status());
        assertTrue(status().contains("data-path security on"), status());
        assertEquals(0, DemoFixtures.countFiles(workDir), "the run's disk files, the credentials included, are removed");
        assertEquals(0, DemoFixtures.countFiles(vvramDir), "the run's tmpfs files are removed");
    }

    @Test
    void shouldRejectMatrixSideThatIsNotMultipleOfTile()
    {
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> new Demo(smallContext().n(1000).tile(64)));
        assertTrue(ex.getMessage().contains("--n=1000 is not a multiple of --tile=64"), ex.getMessage());
    }

    @Test
    void shouldRejectJobLargerThanAllTiers()
    {
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> new Demo(smallContext().nodes(0).vssdBytes(0)));
        assertTrue(ex.getMessage().contains("the job needs 786432 bytes"), ex.getMessage());
    }

    @Test
    void shouldWarnWhenLocalTiersHoldMoreThanThirdOfData()
    {
        final Demo.Context ctx = smallContext().nodes(0).conclude();
        assertTrue(ctx.warnings().stream().anyMatch((w) -> w.contains("more than a third of the data")),
            ctx.warnings().toString());
    }

    @Test
    void commandShouldExitWithUsageErrorNamingBadFlags()
    {
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = TierPoolCli.commandLine();
        commandLine.setErr(new PrintWriter(err));

        final int exitCode = commandLine.execute("demo", "--n", "1000", "--tile", "512");

        assertEquals(2, exitCode);
        assertTrue(err.toString().contains("--n=1000 is not a multiple of --tile=512"), err.toString());
    }

    @Test
    void commandShouldRejectMalformedSize()
    {
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = TierPoolCli.commandLine();
        commandLine.setErr(new PrintWriter(err));

        final int exitCode = commandLine.execute("demo", "--ram", "lots");

        assertEquals(2, exitCode);
        assertTrue(err.toString().contains("'lots' is not a size"), err.toString());
    }

    private Demo.Context smallContext()
    {
        return new Demo.Context()
            .n(DemoFixtures.N)
            .tile(DemoFixtures.TILE)
            .ramBytes(64 << 10)
            .vvramBytes(128 << 10)
            .vssdBytes(1 << 20)
            .threads(2)
            .basePort(BASE_PORT)
            .workDir(workDir)
            .vvramDir(vvramDir)
            .progressMode(ProgressBar.Mode.LINES)
            .progressOut(new PrintStream(status, true, StandardCharsets.UTF_8))
            .status(new PrintStream(status, true, StandardCharsets.UTF_8));
    }

    private String status()
    {
        return status.toString(StandardCharsets.UTF_8);
    }
}
