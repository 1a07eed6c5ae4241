/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import org.HdrHistogram.Histogram;

/**
 * A summary of one HdrHistogram of operation latencies, in nanoseconds (3 significant digits). All values are 0
 * when nothing was recorded.
 *
 * @param count  operations recorded.
 * @param minNs  the fastest, in ns.
 * @param meanNs the mean, in ns.
 * @param p50Ns  the median, in ns.
 * @param p90Ns  the 90th percentile, in ns.
 * @param p99Ns  the 99th percentile, in ns.
 * @param p999Ns the 99.9th percentile, in ns.
 * @param maxNs  the slowest, in ns.
 */
public record LatencyStats(
    long count, long minNs, double meanNs, long p50Ns, long p90Ns, long p99Ns, long p999Ns, long maxNs)
{
    /**
     * No operations recorded.
     */
    public static final LatencyStats EMPTY = new LatencyStats(0, 0, 0, 0, 0, 0, 0, 0);

    /**
     * @param histogram a histogram of latencies in ns; read, not kept.
     * @return its summary.
     */
    public static LatencyStats of(final Histogram histogram)
    {
        final long count = histogram.getTotalCount();
        if (count == 0)
        {
            return EMPTY;
        }
        return new LatencyStats(
            count,
            histogram.getMinValue(),
            histogram.getMean(),
            histogram.getValueAtPercentile(50),
            histogram.getValueAtPercentile(90),
            histogram.getValueAtPercentile(99),
            histogram.getValueAtPercentile(99.9),
            histogram.getMaxValue());
    }
}
