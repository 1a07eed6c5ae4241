/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code tierpool bench}: whole-workload benchmarks, each against a baseline in the same process, and the JMH
 * microbenchmarks with ratio tables. The {@code ./tierpool} launcher runs this (from
 * {@code bench/target/tierpool-bench.jar}) for {@code tierpool bench ...}, so that the peers (Netty, Ehcache, JMH)
 * stay out of the client jar.
 * <ul>
 *     <li>{@code scan}: sequential scan with data 4x the RAM tier vs all in RAM;</li>
 *     <li>{@code gemm}: the demo's out-of-core matrix multiply with data 4x the RAM tier vs all in RAM;</li>
 *     <li>{@code zipf}: Zipf (0.99) block get/put, working set 4x RAM, TierPool vs Ehcache 3, with 1 or more
 *     application threads ({@code --threads 1,2,4});</li>
 *     <li>{@code all}: the three above with their defaults;</li>
 *     <li>{@code remote}: far memory on node daemons it starts, against raw Aeron in the same run;</li>
 *     <li>{@code scale}: far-memory placement, rebalancing and repair simulated at 1,000 nodes with the client's
 *     own placement code, and the capacity and membership traffic at 10, 100 and 1,000 nodes (docs/SCALE.md);</li>
 *     <li>{@code jmh}: the JMH benchmarks (allocation vs Netty and allocateDirect; spill and read-back vs
 *     FileChannel), JMH's own options passed through, with a ratio table at the end.</li>
 * </ul>
 * Exit codes: 0 success, 1 a workload's data failed verification, 2 bad flags or an error.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "TierPool benchmarks: whole workloads (scan, gemm, zipf, all), far memory against raw Aeron " +
        "(remote) and JMH microbenchmarks (jmh), " +
        "each reported as a ratio against a baseline run in the same process.",
    subcommands = { ScanCommand.class, GemmCommand.class, ZipfCommand.class, AllCommand.class, RemoteCommand.class,
        JmhCommand.class, ScaleCommand.class,
        CommandLine.HelpCommand.class })
public final class BenchCommand implements Runnable
{
    /**
     * Exit code of a workload whose data failed verification.
     */
    public static final int EXIT_FAILED = 1;

    /**
     * Exit code of bad flags or an error.
     */
    public static final int EXIT_ERROR = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the workload and its flags.
     */
    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }

    /**
     * @return the command line, ready to {@link CommandLine#execute(String...)}.
     */
    public static CommandLine commandLine()
    {
        return new CommandLine(new BenchCommand())
            .setExitCodeExceptionMapper((ex) -> EXIT_ERROR);
    }

    /**
     * Without a workload: print the usage and fail, naming the workloads.
     */
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "name a workload: scan, gemm, zipf, all, remote, scale or jmh");
    }
}
