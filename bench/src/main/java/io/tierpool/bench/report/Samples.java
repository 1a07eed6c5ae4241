/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.report;

import java.util.Arrays;

/**
 * The summary of repeated measurements of one quantity: median, minimum and maximum. Benchmarks on a shared
 * machine are noisy, so results are quoted as median with min–max rather than as a mean.
 *
 * @param median the median (the mean of the two middle values for an even count).
 * @param min    the smallest value.
 * @param max    the largest value.
 * @param count  how many values, at least 1.
 */
public record Samples(double median, double min, double max, int count)
{
    /**
     * @param values the measurements, at least one; not modified.
     * @return their summary.
     * @throws IllegalArgumentException if there are none.
     */
    public static Samples of(final double... values)
    {
        if (values.length == 0)
        {
            throw new IllegalArgumentException("no samples to summarise");
        }
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int mid = sorted.length / 2;
        final double median = (sorted.length & 1) == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Samples(median, sorted[0], sorted[sorted.length - 1], sorted.length);
    }

    /**
     * @param format a {@link String#format} pattern for one number, e.g. {@code "%.2f"}.
     * @return {@code "median (min–max)"}, or just the value when there is one sample.
     */
    public String format(final String format)
    {
        final String median = String.format(format, this.median);
        if (count == 1)
        {
            return median;
        }
        return median + " (" + String.format(format, min) + "–" + String.format(format, max) + ")";
    }
}
