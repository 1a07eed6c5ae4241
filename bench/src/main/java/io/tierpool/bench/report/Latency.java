/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.report;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of a latency distribution, in microseconds, taken from an HdrHistogram of nanoseconds.
 *
 * @param count  measurements, 0 or more.
 * @param p50Us  median, µs.
 * @param p99Us  99th percentile, µs.
 * @param p999Us 99.9th percentile, µs.
 * @param maxUs  largest, µs.
 */
public record Latency(long count, double p50Us, double p99Us, double p999Us, double maxUs)
{
    /**
     * Largest latency a {@link #histogram()} records: 60 s in ns.
     */
    public static final long HIGHEST_TRACKABLE_NS = 60_000_000_000L;

    /**
     * @return an empty histogram of nanoseconds, 1 ns to 60 s at 3 significant digits. Not thread-safe.
     */
    public static Histogram histogram()
    {
        return new Histogram(1, HIGHEST_TRACKABLE_NS, 3);
    }

    /**
     * @param histogram recorded latencies in ns.
     * @return their percentiles in µs (all 0 when empty).
     */
    public static Latency of(final Histogram histogram)
    {
        return new Latency(histogram.getTotalCount(),
            histogram.getValueAtPercentile(50) / 1e3,
            histogram.getValueAtPercentile(99) / 1e3,
            histogram.getValueAtPercentile(99.9) / 1e3,
            histogram.getMaxValue() / 1e3);
    }

    /**
     * @param ns a latency in ns.
     * @return it clamped into the range a {@link #histogram()} records.
     */
    public static long clamp(final long ns)
    {
        return Math.max(1, Math.min(ns, HIGHEST_TRACKABLE_NS));
    }
}
