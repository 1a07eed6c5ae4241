/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

/**
 * A summary of one HdrHistogram of operation latencies (as the engine records them per tier), in nanoseconds (3 significant digits). All values are 0
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
}
