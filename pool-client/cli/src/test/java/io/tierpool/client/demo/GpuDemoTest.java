/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.demo;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.cli.DemoCommand;
import io.tierpool.client.cli.TierPoolCli;
import io.tierpool.client.GpuInfo;
import io.tierpool.node.gpu.GpuProbe;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code tierpool demo --gpu}: without a GPU it says so and exits with {@link DemoCommand#EXIT_NO_GPU}; with one
 * (tag {@code gpu}, skipped elsewhere) the cuBLAS multiply verifies with Freivalds' check and reports the GPU lines.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GpuDemoTest
{
    /**
     * Ports of this test class: 49300..49319 (the runs here start no node daemons and bind none).
     */
    private static final int BASE_PORT = 49300;

    @TempDir
    Path workDir;

    @TempDir
    Path vvramDir;

    @Test
    void commandShouldSayThereIsNoCudaDeviceAndExitWithItsCode()
    {
        final GpuInfo gpu = GpuProbe.shared(true);
        assumeFalse(gpu.available(), "this machine has a GPU");

        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream original = System.err;
        final int exitCode;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try
        {
            exitCode = TierPoolCli.commandLine().execute("demo", "--gpu", "--nodes", "0");
        }
        finally
        {
            System.setErr(original);
        }

        final String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(DemoCommand.EXIT_NO_GPU, exitCode, text);
        assertTrue(text.contains("tierpool demo: no CUDA device: " + gpu.reason()), text);
        assertEquals(0, DemoFixtures.countFiles(workDir));
    }

    @Test
    void contextShouldRefuseAGpuThatIsNotAvailable()
    {
        final Demo.Context ctx = smallContext().gpu(GpuInfo.unavailable("no driver"));
        final ConfigurationException ex = assertThrows(ConfigurationException.class, ctx::conclude);
        assertTrue(ex.getMessage().contains("no CUDA device: no driver"), ex.getMessage());
    }

    @Test
    @Tag("gpu")
    void shouldMultiplyOnTheGpuVerifyAndReportBandwidthAndPoolHits()
    {
        final GpuInfo gpu = GpuProbe.shared(true);
        assumeTrue(gpu.available(), () -> "skipped: " + gpu.describe());

        final DemoReport report;
        final String gpuReport;
        try (Demo demo = new Demo(smallContext().gpu(gpu)))
        {
            report = demo.run();
            gpuReport = demo.gpuReport();
        }
        assertTrue(report.passed(), report.format() + gpuReport);
        assertTrue(gpuReport.contains("host->device"), gpuReport);
        assertTrue(gpuReport.contains("hit rate"), gpuReport);
        assertTrue(gpuReport.contains("GFLOP/s"), gpuReport);
        System.out.print(report.format() + gpuReport);
        assertEquals(0, DemoFixtures.countFiles(workDir), "the run's disk files are removed");
    }

    private Demo.Context smallContext()
    {
        return new Demo.Context()
            .n(DemoFixtures.N)
            .tile(DemoFixtures.TILE)
            .ramBytes(64 << 10)
            .vvramBytes(128 << 10)
            .vssdBytes(1 << 20)
            .threads(1)
            .nodes(0)
            .basePort(BASE_PORT)
            .workDir(workDir)
            .vvramDir(vvramDir)
            .progressMode(ProgressBar.Mode.LINES)
            .progressOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .status(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }
}
