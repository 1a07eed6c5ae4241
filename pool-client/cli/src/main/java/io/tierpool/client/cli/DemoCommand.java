/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.cli;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.demo.Demo;
import io.tierpool.client.demo.DemoPorts;
import io.tierpool.client.demo.DemoReport;
import io.tierpool.client.demo.Freivalds;
import io.tierpool.client.demo.ProgressBar;
import io.tierpool.node.SizeConverter;
import io.tierpool.client.GpuInfo;
import io.tierpool.node.gpu.GpuProbe;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code tierpool demo}: an out-of-core matrix multiply on an embedded cluster (see {@link Demo}). Prints
 * progress and status to stderr and the report to stdout. Always stops its node daemons and removes its files,
 * on Ctrl-C too (a shutdown hook aborts the run: {@link Demo#abort()}).
 * <p>
 * Exit codes: 0 the product verified, 1 it did not, 2 bad flags or an error (the message only; the stack trace
 * with {@code --verbose}), 3 ({@link #EXIT_NO_GPU}) {@code --gpu} was given but no CUDA device is usable,
 * 130 interrupted.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Runs an out-of-core matrix multiply on node daemons it starts on loopback, verifies it, and reports.",
    usageHelpAutoWidth = true,
    description = {
        "Starts node daemons as child JVMs on loopback, opens a pool whose local tiers hold at most a third of " +
        "the data (so most of it lives on the nodes), and multiplies two random float matrices C = A x B tile " +
        "by tile out of core. Verifies C with Freivalds' check and reports bytes per tier and per node, spills, " +
        "promotions, remote puts and gets, GFLOP/s and wall time.",
        "Sizes take k, m or g suffixes (powers of 1024)."
    })
public final class DemoCommand implements Callable<Integer>
{
    /**
     * Exit code when the run was interrupted (Ctrl-C), as shells report SIGINT.
     */
    public static final int EXIT_INTERRUPTED = 130;

    /**
     * Exit code when {@code --gpu} was given and probing found no usable CUDA device; stderr says
     * {@code "tierpool demo: no CUDA device: <reason>"}.
     */
    public static final int EXIT_NO_GPU = 3;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--n", paramLabel = "N", description = "Matrix side in floats, a multiple of --tile " +
        "(default: ${DEFAULT-VALUE}: three matrices of 64 MiB).")
    private int n = Demo.Context.N_DEFAULT;

    @Option(names = "--tile", paramLabel = "T", description = "Tile side in floats; each tile is one block of " +
        "4*T*T bytes (default: ${DEFAULT-VALUE}).")
    private int tile = Demo.Context.TILE_DEFAULT;

    @Option(names = "--ram", paramLabel = "SIZE", converter = SizeConverter.class, defaultValue = "16m",
        description = "The client's RAM tier (default: ${DEFAULT-VALUE}).")
    private long ram;

    @Option(names = "--vvram", paramLabel = "SIZE", converter = SizeConverter.class, defaultValue = "16m",
        description = "The client's VVRAM tier, on tmpfs (default: ${DEFAULT-VALUE}).")
    private long vvram;

    @Option(names = "--vssd", paramLabel = "SIZE", converter = SizeConverter.class, defaultValue = "32m",
        description = "The client's VSSD tier, on local disk (default: ${DEFAULT-VALUE}).")
    private long vssd;

    @Option(names = "--nodes", paramLabel = "COUNT", description = "Node daemons to start, 0.." +
        DemoPorts.MAX_NODES + "; 0 runs local only (default: ${DEFAULT-VALUE}).")
    private int nodes = Demo.Context.NODES_DEFAULT;

    @Option(names = "--join", split = ",", paramLabel = "HOST:PORT", description = "Use a running " +
        "cluster whose node daemons have these Aeron endpoints (host:port, comma separated; one is enough) " +
        "instead of starting node daemons; --nodes is then how many of its nodes to wait for, and the --node-* sizes do not " +
        "apply (default: start node daemons).")
    private List<String> joinNodes = List.of();

    @Option(names = "--host", paramLabel = "HOST", description = "This client's address, which the nodes " +
        "connect back to (default: ${DEFAULT-VALUE}; in a container, its host name).")
    private String host = "127.0.0.1";

    @Option(names = "--node-ram", paramLabel = "SIZE", converter = SizeConverter.class, defaultValue = "64m",
        description = "Each node's RAM tier (default: ${DEFAULT-VALUE}).")
    private long nodeRam;

    @Option(names = "--node-vvram", paramLabel = "SIZE", converter = SizeConverter.class, defaultValue = "64m",
        description = "Each node's VVRAM tier (default: ${DEFAULT-VALUE}).")
    private long nodeVvram;

    @Option(names = "--node-vssd", paramLabel = "SIZE", converter = SizeConverter.class, defaultValue = "256m",
        description = "Each node's VSSD tier (default: ${DEFAULT-VALUE}).")
    private long nodeVssd;

    @Option(names = "--node-heap", paramLabel = "SIZE", description = "Each node JVM's -Xmx " +
        "(default: ${DEFAULT-VALUE}; blocks live off-heap).")
    private String nodeHeap = Demo.Context.NODE_HEAP_DEFAULT;

    @Option(names = "--threads", paramLabel = "COUNT", description = "Multiply worker threads " +
        "(default: ${DEFAULT-VALUE}, the available processors).")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--seed", paramLabel = "SEED",
        description = "Seed of the random matrices (default: ${DEFAULT-VALUE}).")
    private long seed = Demo.Context.SEED_DEFAULT;

    @Option(names = "--verify-vectors", paramLabel = "COUNT", description = "Random vectors of Freivalds' check; " +
        "a wrong product passes with probability at most 2^-COUNT (default: ${DEFAULT-VALUE}).")
    private int verifyVectors = Freivalds.DEFAULT_VECTORS;

    @Option(names = "--base-port", paramLabel = "PORT", description = "First of the " + DemoPorts.RANGE +
        " loopback ports the run uses; give two demos on one machine bases " + DemoPorts.RANGE + " apart " +
        "(default: ${DEFAULT-VALUE}).")
    private int basePort = DemoPorts.DEFAULT_BASE_PORT;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Existing directory for the run's disk files " +
        "(a subdirectory is made and removed; default: ${DEFAULT-VALUE}).")
    private Path workDir = Path.of(System.getProperty("java.io.tmpdir"));

    @Option(names = "--vvram-dir", paramLabel = "DIR", description = "Existing tmpfs directory for the run's " +
        "VVRAM files (a subdirectory is made and removed; default: /dev/shm).")
    private Path vvramDir;

    @Option(names = "--no-progress", description = "Plain progress lines instead of a redrawn bar (also the " +
        "default when stderr is not a terminal).")
    private boolean noProgress;

    @Option(names = "--json", description = "Also print the pool's statistics as JSON after the report.")
    private boolean json;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    private boolean verbose;

    @Option(names = "--gpu", description = "Multiply on the GPU with cuBLAS SGEMM, tiles staged through pinned " +
        "buffers and a device pool; reports host<->device bandwidth, pool hit rate and GFLOP/s. Without a usable " +
        "CUDA device it says why and exits with " + EXIT_NO_GPU + ".")
    private boolean gpu;

    /**
     * Runs the demo.
     *
     * @return the exit code: 0 verified, 1 not verified, 2 error, 130 interrupted.
     * @throws CommandLine.ParameterException if the flags do not make a valid run (picocli prints it with the
     *                                        usage and exits with 2).
     */
    public Integer call()
    {
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        GpuInfo gpuInfo = null;
        if (gpu)
        {
            gpuInfo = GpuProbe.shared(true);
            if (!gpuInfo.available())
            {
                err.println("tierpool demo: no CUDA device: " + gpuInfo.reason());
                return EXIT_NO_GPU;
            }
            err.println("tierpool demo: " + gpuInfo.describe());
        }
        final Demo.Context ctx = new Demo.Context()
            .n(n)
            .tile(tile)
            .ramBytes(ram)
            .vvramBytes(vvram)
            .vssdBytes(vssd)
            .nodes(nodes)
            .joinNodes(joinNodes)
            .host(host)
            .nodeRamBytes(nodeRam)
            .nodeVvramBytes(nodeVvram)
            .nodeVssdBytes(nodeVssd)
            .nodeHeap(nodeHeap)
            .threads(threads)
            .seed(seed)
            .verifyVectors(verifyVectors)
            .basePort(basePort)
            .workDir(workDir)
            .vvramDir(vvramDir)
            .progressMode(ProgressBar.defaultMode(noProgress))
            .progressOut(err)
            .status(err)
            .gpu(gpuInfo);
        try
        {
            ctx.conclude();
        }
        catch (final ConfigurationException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage(), ex);
        }
        for (final String warning : ctx.warnings())
        {
            err.println("tierpool demo: warning: " + warning);
        }

        final Demo demo = new Demo(ctx);
        final AtomicBoolean interrupted = new AtomicBoolean();
        final Thread hook = new Thread(() ->
        {
            if (!demo.isClosed())
            {
                interrupted.set(true);
                err.println();
                err.println("tierpool demo: interrupted: stopping the node daemons and removing the run's files");
                demo.abort();
            }
        }, "tierpool-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        DemoReport report = null;
        RuntimeException failure = null;
        long cleanupNs;
        try
        {
            report = demo.run();
        }
        catch (final RuntimeException ex)
        {
            failure = ex;
        }
        finally
        {
            final long startNs = System.nanoTime();
            demo.close();
            cleanupNs = System.nanoTime() - startNs;
            removeHook(hook);
        }

        for (final String warning : demo.cleanupWarnings())
        {
            err.println("tierpool demo: warning: " + warning);
        }
        if (interrupted.get())
        {
            return EXIT_INTERRUPTED;
        }
        if (null != failure)
        {
            err.println("tierpool demo: error: " + describe(failure));
            if (verbose)
            {
                failure.printStackTrace(err);
            }
            else
            {
                err.println("tierpool demo: (run with --verbose for the stack trace)");
            }
            return TierPoolCli.EXIT_ERROR;
        }

        final DemoReport finalReport = report.withCleanupNs(cleanupNs);
        out.print(finalReport.format());
        out.print(demo.gpuReport());
        if (json)
        {
            out.println(finalReport.stats().toJson());
        }
        out.flush();
        return finalReport.passed() ? 0 : TierPoolCli.EXIT_FAILED;
    }

    private static void removeHook(final Thread hook)
    {
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ignore)
        {
            // The JVM is already shutting down: the hook runs, and finds the demo closed.
        }
    }

    /**
     * @param ex a failure.
     * @return its message and those of its causes, each once, joined by {@code ": "}.
     */
    static String describe(final Throwable ex)
    {
        final StringBuilder text = new StringBuilder();
        Throwable current = ex;
        int depth = 0;
        while (null != current && depth++ < 5)
        {
            final String message = null == current.getMessage() ?
                current.getClass().getSimpleName() : current.getMessage();
            if (text.indexOf(message) < 0)
            {
                if (text.length() > 0)
                {
                    text.append(": ");
                }
                text.append(message);
            }
            current = current.getCause();
        }
        return text.toString();
    }
}
