/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.cli;

import io.tierpool.client.LatencyStats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tierpool.client.TierPoolException;
import io.tierpool.client.PoolStats;
import io.tierpool.client.demo.DemoReport;
import io.tierpool.client.EngineTierStats;
import io.tierpool.client.LatencyStats;
import io.tierpool.client.AllocatorStats;
import io.tierpool.client.SizeClassStats;
import io.tierpool.transport.BlockClient;
import io.tierpool.client.NodeUsage;
import io.tierpool.client.TierUsage;
import io.tierpool.transport.TransportDriver;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tierpool stats --node host:port}: asks a node daemon over Aeron how full its tiers are and prints a
 * table (or JSON). Starts an embedded media driver for the request and stops it after.
 * <p>
 * {@code tierpool stats --pool-stats FILE}: a pool lives inside its application's process, so its full
 * statistics are saved by the application ({@code Files.writeString(file, pool.stats().toJson())}, any time,
 * as often as it likes) and this command prints them as a per-tier table: caps, usage, traffic, prefetches,
 * pressure level and latency percentiles, the tiers' allocators (failed allocations, largest free extent,
 * fragmentation, file length) and a row per size class with any activity (size, allocations, frees, thread-cache
 * hit ratio, blocks and bytes in use), plus a {@code direct} row for blocks above the largest class, and a
 * summary line of the engine's counters: blocks and bytes, allocations, frees, demotions (of which how many were
 * written in how many batches of small blocks), promotions, prefetches and the engine's I/O worker threads
 * ({@code -} reads the JSON from standard input). With {@code --json} the JSON is printed back as read.
 * <p>
 * Exit codes: 0 printed, 2 bad flags, the node did not answer, or the file is not pool statistics.
 */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = "Shows a node daemon's tiers (capacity, bytes used, blocks), asked over Aeron, or a pool's " +
        "statistics saved as JSON (--pool-stats).")
public final class StatsCommand implements Callable<Integer>
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--node", paramLabel = "HOST:PORT",
        description = "The node daemon's Aeron data endpoint, e.g. 127.0.0.1:40501.")
    private String node;

    @Option(names = "--pool-stats", paramLabel = "FILE", description = "Print a pool's statistics saved by the " +
        "application as JSON (pool.stats().toJson()); '-' reads standard input. Instead of --node.")
    private String poolStats;

    @Option(names = "--json", description = "Print the usage as JSON: nodeName and tiers (tier, " +
        "capacityBytes, usedBytes, blockCount).")
    private boolean json;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "This client's " +
        "address, where the node sends its answer (default ${DEFAULT-VALUE}; in a container, its host name).")
    private String host;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    private boolean verbose;

    /**
     * Asks the node and prints its tiers.
     *
     * @return 0 when the node answered, 2 otherwise.
     * @throws CommandLine.ParameterException if {@code --node} is not {@code host:port}.
     */
    public Integer call()
    {
        if ((node == null) == (poolStats == null))
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either --node HOST:PORT (a node " +
                "daemon's tiers) or --pool-stats FILE (a pool's saved statistics), not " +
                (node == null ? "neither" : "both"));
        }
        if (poolStats != null)
        {
            return printPoolStats();
        }
        checkEndpoint();
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final NodeUsage usage;
        try (TransportDriver driver = TransportDriver.launch(new TransportDriver.Context());
            BlockClient client = BlockClient.connect(new BlockClient.Context()
                .aeron(driver.aeron())
                .security(CliSecurity.fromEnvironment())
                .responseEndpoint(host + ":0")))
        {
            usage = client.usage(node);
        }
        catch (final TierPoolException ex)
        {
            err.println("tierpool stats: error: node " + node + " did not answer: " + DemoCommand.describe(ex));
            if (verbose)
            {
                ex.printStackTrace(err);
            }
            err.flush();
            return TierPoolCli.EXIT_ERROR;
        }

        if (json)
        {
            try
            {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(usage));
            }
            catch (final JsonProcessingException ex)
            {
                err.println("tierpool stats: error: cannot write JSON: " + ex.getMessage());
                err.flush();
                return TierPoolCli.EXIT_ERROR;
            }
        }
        else
        {
            out.print(format(node, usage));
        }
        out.flush();
        return 0;
    }

    /**
     * @param endpoint the endpoint asked.
     * @param usage    the node's answer.
     * @return an aligned table of the node's tiers and their total, ending in a newline.
     */
    static String format(final String endpoint, final NodeUsage usage)
    {
        final StringBuilder out = new StringBuilder(512);
        out.append("node ").append(usage.nodeName()).append(" at ").append(endpoint).append('\n');
        final String row = "  %-8s %12s %12s %12s %9s%n";
        out.append(String.format(Locale.ROOT, row, "tier", "capacity", "used", "free", "blocks"));
        for (final TierUsage tier : usage.tiers())
        {
            out.append(String.format(Locale.ROOT, row, tier.tier(), DemoReport.formatBytes(tier.capacityBytes()),
                DemoReport.formatBytes(tier.usedBytes()), DemoReport.formatBytes(tier.freeBytes()),
                tier.blockCount()));
        }
        out.append(String.format(Locale.ROOT, row, "total", DemoReport.formatBytes(usage.capacityBytes()),
            DemoReport.formatBytes(usage.usedBytes()), DemoReport.formatBytes(usage.freeBytes()),
            usage.blockCount()));
        return out.toString();
    }

    private int printPoolStats()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final PoolStats stats;
        try
        {
            final String text = "-".equals(poolStats) ?
                new String(System.in.readAllBytes(), StandardCharsets.UTF_8) :
                Files.readString(Path.of(poolStats), StandardCharsets.UTF_8);
            stats = PoolStats.fromJson(text);
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            err.println("tierpool stats: error: cannot read pool statistics from " + poolStats + ": " +
                ex.getMessage() + "; write them with Files.writeString(file, pool.stats().toJson())");
            err.flush();
            return TierPoolCli.EXIT_ERROR;
        }
        out.print(json ? stats.toJson() + System.lineSeparator() : formatPool(stats));
        out.flush();
        return 0;
    }

    /**
     * @param stats a pool's statistics.
     * @return an aligned per-tier table (usage and traffic, then pressure and latencies, then allocators and size
     * classes with any activity) and a summary line of the engine's counters (demotion batches and I/O workers
     * included), ending in a newline.
     */
    static String formatPool(final PoolStats stats)
    {
        final StringBuilder out = new StringBuilder(1024);
        final String row = "  %-7s %10s %10s %10s %10s %7s %6s %8s %8s %8s %8s %8s %6s%n";
        out.append(String.format(Locale.ROOT, row, "tier", "used", "peak", "soft cap", "hard cap", "blocks",
            "pinned", "allocs", "frees", "demoted", "promoted", "prefetch", "hits"));
        for (final EngineTierStats tier : stats.engineTiers())
        {
            out.append(String.format(Locale.ROOT, row, tier.name(), DemoReport.formatBytes(tier.usedBytes()),
                DemoReport.formatBytes(tier.peakUsedBytes()), DemoReport.formatBytes(tier.softCapBytes()),
                DemoReport.formatBytes(tier.hardCapBytes()), tier.blocks(), tier.pinnedBlocks(), tier.allocations(),
                tier.frees(), tier.demotedBlocks(), tier.promotedBlocks(), tier.prefetchesIssued(),
                tier.prefetchHits()));
        }
        final String latencyRow = "  %-7s %-13s %16s %16s %16s%n";
        out.append(String.format(Locale.ROOT, latencyRow, "tier", "pressure", "allocate p50/p99",
            "read p50/p99", "write p50/p99"));
        for (final EngineTierStats tier : stats.engineTiers())
        {
            out.append(String.format(Locale.ROOT, latencyRow, tier.name(), tier.pressureLevel(),
                latency(tier.allocateLatency()), latency(tier.readLatency()), latency(tier.writeLatency())));
        }
        appendAllocators(out, stats);
        out.append(String.format(Locale.ROOT, "  %d blocks, %s; %d allocations, %d frees, %d demotions " +
            "(%d in %d batches), %d promotions; prefetch %d requested, %d issued, %d hits (%.1f%%), %d dropped; " +
            "%d I/O workers%n", stats.blocks(), DemoReport.formatBytes(stats.logicalBytes()), stats.allocations(),
            stats.frees(), stats.demotions(), stats.batchedDemotions(), stats.demotionBatches(), stats.promotions(),
            stats.prefetchRequests(), stats.prefetchesIssued(), stats.prefetchHits(), stats.prefetchHitRate() * 100,
            stats.prefetchDropped(), stats.ioWorkers()));
        return out.toString();
    }

    /**
     * Appends, per tier with allocator statistics, its failed allocations, largest free extent, fragmentation and
     * backing file length, then a row per size class that was ever used (allocations or blocks in use).
     */
    private static void appendAllocators(final StringBuilder out, final PoolStats stats)
    {
        final String allocatorRow = "  %-7s %12s %14s %13s %12s%n";
        boolean header = false;
        for (final EngineTierStats tier : stats.engineTiers())
        {
            final AllocatorStats allocator = tier.allocator();
            if (allocator == null)
            {
                continue;
            }
            if (!header)
            {
                out.append(String.format(Locale.ROOT, allocatorRow, "tier", "failed alloc", "largest free",
                    "fragmentation", "file length"));
                header = true;
            }
            out.append(String.format(Locale.ROOT, allocatorRow, tier.name(), orDash(allocator.failedAllocations()),
                allocator.largestFreeExtentBytes() < 0 ? "-" :
                    DemoReport.formatBytes(allocator.largestFreeExtentBytes()),
                allocator.fragmentationRatio() < 0 ? "-" :
                    String.format(Locale.ROOT, "%.3f", allocator.fragmentationRatio()),
                allocator.fileLengthBytes() < 0 ? "-" : DemoReport.formatBytes(allocator.fileLengthBytes())));
        }
        final String classRow = "  %-7s %10s %10s %10s %9s %11s %10s%n";
        header = false;
        for (final EngineTierStats tier : stats.engineTiers())
        {
            long classAllocations = 0;
            long classFrees = 0;
            long classBlocks = 0;
            long classBytes = 0;
            for (final SizeClassStats sizeClass : tier.sizeClasses())
            {
                classAllocations += sizeClass.allocations();
                classFrees += sizeClass.frees();
                classBlocks += sizeClass.usedBlocks();
                classBytes += sizeClass.usedBytes();
                if (sizeClass.allocations() == 0 && sizeClass.frees() == 0 && sizeClass.usedBlocks() == 0)
                {
                    continue;
                }
                if (!header)
                {
                    out.append(String.format(Locale.ROOT, classRow, "tier", "size class", "allocs", "frees",
                        "cache hit", "used blocks", "used"));
                    header = true;
                }
                out.append(String.format(Locale.ROOT, classRow, tier.name(), sizeClassName(sizeClass.sizeBytes()),
                    sizeClass.allocations(), sizeClass.frees(),
                    String.format(Locale.ROOT, "%.1f%%", sizeClass.cacheHitRatio() * 100), sizeClass.usedBlocks(),
                    DemoReport.formatBytes(sizeClass.usedBytes())));
            }
            final AllocatorStats allocator = tier.allocator();
            if (header && allocator != null && !tier.sizeClasses().isEmpty() &&
                allocator.allocations() > classAllocations)
            {
                // Blocks above the largest class (or that no chunk could hold) are extents of the region, outside
                // every class: what the allocator counts beyond the classes.
                out.append(String.format(Locale.ROOT, classRow, tier.name(), "direct",
                    allocator.allocations() - classAllocations, allocator.frees() - classFrees, "-",
                    allocator.blockCount() - classBlocks, DemoReport.formatBytes(allocator.usedBytes() - classBytes)));
            }
        }
    }

    /**
     * @param sizeBytes a size class's block size in bytes.
     * @return the size exactly, in the largest binary unit that divides it (e.g. {@code 48B}, {@code 3KiB},
     * {@code 1MiB}), so that neighbouring classes never print alike.
     */
    static String sizeClassName(final long sizeBytes)
    {
        if (sizeBytes >= 1L << 20 && (sizeBytes & ((1L << 20) - 1)) == 0)
        {
            return (sizeBytes >> 20) + "MiB";
        }
        if (sizeBytes >= 1L << 10 && (sizeBytes & ((1L << 10) - 1)) == 0)
        {
            return (sizeBytes >> 10) + "KiB";
        }
        return sizeBytes + "B";
    }

    private static String orDash(final long value)
    {
        return value < 0 ? "-" : Long.toString(value);
    }

    private static String latency(final LatencyStats latency)
    {
        return latency == null || latency.count() == 0 ? "-" :
            formatNs(latency.p50Ns()) + "/" + formatNs(latency.p99Ns());
    }

    private static String formatNs(final long ns)
    {
        if (ns < 10_000)
        {
            return ns + "ns";
        }
        if (ns < 10_000_000)
        {
            return (ns / 1000) + "us";
        }
        return (ns / 1_000_000) + "ms";
    }

    private void checkEndpoint()
    {
        final int colon = node.lastIndexOf(':');
        boolean valid = colon > 0 && colon < node.length() - 1;
        if (valid)
        {
            try
            {
                final int port = Integer.parseInt(node.substring(colon + 1));
                valid = port > 0 && port < 65536;
            }
            catch (final NumberFormatException ex)
            {
                valid = false;
            }
        }
        if (!valid)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--node=" + node + " is not host:port " +
                "with a port in 1..65535, e.g. 127.0.0.1:40501");
        }
    }
}
