/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.cli;

import io.tierpool.client.demo.DemoReport;
import io.tierpool.client.NodeView;
import io.tierpool.client.NodeUsage;
import io.tierpool.client.TierUsage;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The table {@code tierpool top} draws: one row per tier of every live node (capacity, used, percent used,
 * blocks), a total per node, and a total for the cluster. A node that did not answer gets one row naming the
 * error instead of its tiers.
 * <pre>
 * node       endpoint              tier        capacity         used       %     blocks
 * node-1     127.0.0.1:40501       RAM        256.0 MiB     12.0 MiB    4.7%         12
 *                                  VVRAM      256.0 MiB          0 B    0.0%          0
 *                                  VSSD        1.00 GiB          0 B    0.0%          0
 *                                  total       1.50 GiB     12.0 MiB    0.8%         12
 * cluster    1 node(s)             total       1.50 GiB     12.0 MiB    0.8%         12
 * </pre>
 * Stateless; thread-safe.
 */
public final class TopTable
{
    /**
     * First word of the row that totals the cluster.
     */
    public static final String CLUSTER_ROW = "cluster";

    private static final String ROW = "%-10s %-21s %-7s %12s %12s %7s %10s%n";

    private TopTable()
    {
    }

    /**
     * One live node and what it answered.
     *
     * @param node  the node as cluster membership sees it.
     * @param usage its tiers' usage, or {@code null} when it did not answer.
     * @param error why it did not answer, or {@code null} when it did.
     */
    public record NodeRow(NodeView node, NodeUsage usage, String error)
    {
        /**
         * @throws NullPointerException     if node is null.
         * @throws IllegalArgumentException unless exactly one of usage and error is given.
         */
        public NodeRow
        {
            Objects.requireNonNull(node, "node");
            if ((null == usage) == (null == error))
            {
                throw new IllegalArgumentException("node " + node.nodeName() + " (" + node.endpoint() +
                    "): give either its usage or the error that kept it from answering, not both or neither");
            }
        }
    }

    /**
     * @param rows the live nodes, in the order to show them.
     * @return the table's lines, each ending in a newline: a header, the nodes' tiers, the cluster total.
     */
    public static String format(final List<NodeRow> rows)
    {
        final StringBuilder out = new StringBuilder(256 + 512 * rows.size());
        out.append(String.format(Locale.ROOT, ROW, "node", "endpoint", "tier", "capacity", "used", "%", "blocks"));
        long capacity = 0;
        long used = 0;
        long blocks = 0;
        for (final NodeRow row : rows)
        {
            final String name = row.node().nodeName();
            final String endpoint = row.node().endpoint();
            if (null == row.usage())
            {
                out.append(String.format(Locale.ROOT, "%-10s %-21s %s%n", name, endpoint,
                    "did not answer: " + row.error()));
                continue;
            }
            boolean first = true;
            for (final TierUsage tier : row.usage().tiers())
            {
                line(out, first ? name : "", first ? endpoint : "", tier.tier(), tier.capacityBytes(),
                    tier.usedBytes(), tier.blockCount());
                first = false;
            }
            final NodeUsage usage = row.usage();
            line(out, first ? name : "", first ? endpoint : "", "total", usage.capacityBytes(), usage.usedBytes(),
                usage.blockCount());
            capacity += usage.capacityBytes();
            used += usage.usedBytes();
            blocks += usage.blockCount();
        }
        line(out, CLUSTER_ROW, rows.size() + " node(s)", "total", capacity, used, blocks);
        return out.toString();
    }

    private static void line(
        final StringBuilder out,
        final String name,
        final String endpoint,
        final String tier,
        final long capacityBytes,
        final long usedBytes,
        final long blocks)
    {
        final String percent = capacityBytes > 0 ?
            String.format(Locale.ROOT, "%.1f%%", 100.0 * usedBytes / capacityBytes) : "-";
        out.append(String.format(Locale.ROOT, ROW, name, endpoint, tier, DemoReport.formatBytes(capacityBytes),
            DemoReport.formatBytes(usedBytes), percent, blocks));
    }
}
