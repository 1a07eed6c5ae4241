/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.demo;

import io.tierpool.client.PoolStats;
import io.tierpool.client.RemoteNodeStats;
import io.tierpool.client.TierStats;

import java.util.Locale;
import java.util.Map;

/**
 * What a demo run did: the job, where its data lived (bytes and blocks per local tier and per remote node, as
 * the client counts them after the check), how much moved (spills, promotions, remote puts and gets), the
 * multiply's speed, the phases' times and the verdict. {@link #format()} lays it out as an aligned text table.
 *
 * @param n                  the matrix side.
 * @param tile               the tile side.
 * @param threads            multiply worker threads.
 * @param nodes              node daemons in the run.
 * @param dataBytes          bytes of the three matrices.
 * @param localCapacityBytes the client's local tiers together, bytes.
 * @param stats              the pool's statistics after the check.
 * @param product            the multiply's operation count and time.
 * @param verification       the check's verdict.
 * @param phaseNs            time of each phase in ns, in the order they ran.
 * @param wallNs             time from the start of the run to the report, in ns.
 * @param cleanupNs          time to stop the nodes and remove the files, in ns, or -1 when not measured.
 */
public record DemoReport(
    int n,
    int tile,
    int threads,
    int nodes,
    long dataBytes,
    long localCapacityBytes,
    PoolStats stats,
    OutOfCoreGemm.Result product,
    Freivalds.Result verification,
    Map<String, Long> phaseNs,
    long wallNs,
    long cleanupNs)
{
    /**
     * @return true when the product verified.
     */
    public boolean passed()
    {
        return verification.passed();
    }

    /**
     * @param ns time to stop the nodes and remove the files, in ns.
     * @return a copy of this report with the cleanup time, which also counts in the wall time.
     */
    public DemoReport withCleanupNs(final long ns)
    {
        return new DemoReport(n, tile, threads, nodes, dataBytes, localCapacityBytes, stats, product, verification,
            phaseNs, wallNs + ns, ns);
    }

    /**
     * @return the report as an aligned, multi-line text table ending in a newline.
     */
    public String format()
    {
        final StringBuilder out = new StringBuilder(2048);
        final long tileBytes = TiledMatrix.tileBytes(tile);
        final int tilesPerMatrix = (n / tile) * (n / tile);
        out.append("TierPool demo report\n");
        line(out, "job", String.format(Locale.ROOT, "C = A x B, float32, n = %d, tile = %d (%s blocks), %d thread%s",
            n, tile, formatBytes(tileBytes), threads, threads == 1 ? "" : "s"));
        line(out, "data", String.format(Locale.ROOT, "%s in %d blocks (A, B, C: %s each)",
            formatBytes(dataBytes), 3 * tilesPerMatrix, formatBytes(dataBytes / 3)));
        line(out, "local tiers", String.format(Locale.ROOT, "%s = %.0f%% of the data; %d remote node%s",
            formatBytes(localCapacityBytes), 100.0 * localCapacityBytes / dataBytes, nodes, nodes == 1 ? "" : "s"));

        out.append('\n');
        out.append(String.format(Locale.ROOT, "  %-8s %12s %12s %9s %10s %10s%n",
            "tier", "capacity", "used", "blocks", "spilled", "promoted"));
        for (final TierStats tier : stats.tiers())
        {
            out.append(String.format(Locale.ROOT, "  %-8s %12s %12s %9d %10d %10d%n",
                tier.name(), formatBytes(tier.capacityBytes()), formatBytes(tier.usedBytes()), tier.blockCount(),
                tier.demotedBlocks(), tier.promotedBlocks()));
        }
        out.append("  (spilled: blocks moved from the tier down to a slower one; promoted: blocks moved from the tier " +
            "back up to RAM)\n");

        if (!stats.remoteNodes().isEmpty())
        {
            out.append('\n');
            out.append(String.format(Locale.ROOT, "  %-10s %-22s %12s %12s %9s %8s %8s%n",
                "node", "endpoint", "capacity", "used", "blocks", "puts", "gets"));
            for (final RemoteNodeStats node : stats.remoteNodes())
            {
                out.append(String.format(Locale.ROOT, "  %-10s %-22s %12s %12s %9d %8d %8d%s%n",
                    node.nodeName(), node.endpoint(), formatBytes(node.capacityBytes()), formatBytes(node.bytes()),
                    node.blocks(), node.puts(), node.gets(), node.live() ? "" : "  (left)"));
            }
        }

        out.append('\n');
        line(out, "spills", stats.demotions() + " blocks moved down a tier");
        line(out, "promotions", stats.promotions() + " blocks moved back to RAM");
        line(out, "remote puts/gets", String.format(Locale.ROOT, "%d / %d blocks (%d remote frees)",
            stats.remotePuts(), stats.remoteGets(), stats.remoteFrees()));
        line(out, "multiply", String.format(Locale.ROOT, "%.1f GFLOP in %s = %.2f GFLOP/s",
            product.flops() / 1e9, formatSeconds(product.wallNs()), product.gflopsPerSecond()));

        final StringBuilder phases = new StringBuilder();
        for (final Map.Entry<String, Long> phase : phaseNs.entrySet())
        {
            phases.append(", ").append(phase.getKey()).append(' ').append(formatSeconds(phase.getValue()));
        }
        if (cleanupNs >= 0)
        {
            phases.append(", stop and clean up ").append(formatSeconds(cleanupNs));
        }
        line(out, "wall time", formatSeconds(wallNs) + (phases.length() > 0 ? " (" + phases.substring(2) + ")" : ""));
        line(out, "verification", String.format(Locale.ROOT,
            "%s (Freivalds, %d random +-1 vectors: max relative error %.2e, tolerance %.2e)",
            verification.verdict(), verification.vectors(), verification.maxRelativeError(),
            verification.tolerance()));
        return out.toString();
    }

    private static void line(final StringBuilder out, final String label, final String value)
    {
        out.append(String.format(Locale.ROOT, "  %-18s %s%n", label, value));
    }

    /**
     * @param ns a duration in ns.
     * @return seconds with two decimals and a unit, e.g. {@code "41.23 s"}.
     */
    public static String formatSeconds(final long ns)
    {
        return String.format(Locale.ROOT, "%.2f s", ns / 1e9);
    }

    /**
     * @param bytes a size in bytes, not negative.
     * @return the size in binary units with one decimal, e.g. {@code "64.0 MiB"}, or {@code "512 B"}.
     */
    public static String formatBytes(final long bytes)
    {
        if (bytes >= 1L << 30)
        {
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (double)(1L << 30));
        }
        if (bytes >= 1L << 20)
        {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double)(1L << 20));
        }
        if (bytes >= 1L << 10)
        {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / (double)(1L << 10));
        }
        return bytes + " B";
    }
}
