/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.zipf;

import java.util.SplittableRandom;

/**
 * Draws ranks {@code 0 .. n-1} with probability proportional to {@code 1 / (rank + 1)^theta}, by the closed-form
 * method of Gray et al., "Quickly Generating Billion-Record Synthetic Databases" (SIGMOD 1994), as YCSB's
 * {@code ZipfianGenerator} does. Rank 0 is the most popular. {@code zeta(n, theta)} is summed once at
 * construction ({@code O(n)}). Not thread-safe (it owns a {@link SplittableRandom}).
 */
public final class ZipfGenerator
{
    private final int n;
    private final double theta;
    private final double alpha;
    private final double zetaN;
    private final double eta;
    private final SplittableRandom random;

    /**
     * @param n     how many ranks, at least 2.
     * @param theta the skew, {@code 0 < theta < 1} (YCSB's default and this benchmark's: 0.99).
     * @param seed  seed of the draws: the same seed gives the same sequence.
     * @throws IllegalArgumentException if {@code n} or {@code theta} is out of range.
     */
    public ZipfGenerator(final int n, final double theta, final long seed)
    {
        if (n < 2)
        {
            throw new IllegalArgumentException("a Zipf distribution needs at least 2 items, not " + n);
        }
        if (!(theta > 0 && theta < 1))
        {
            throw new IllegalArgumentException("skew " + theta + " must lie strictly between 0 and 1");
        }
        this.n = n;
        this.theta = theta;
        this.alpha = 1.0 / (1.0 - theta);
        this.zetaN = zeta(n, theta);
        final double zeta2 = zeta(2, theta);
        this.eta = (1 - Math.pow(2.0 / n, 1 - theta)) / (1 - zeta2 / zetaN);
        this.random = new SplittableRandom(seed);
    }

    /**
     * @param n     ranks.
     * @param theta skew.
     * @return {@code sum over i = 1..n of 1 / i^theta}.
     */
    static double zeta(final long n, final double theta)
    {
        double sum = 0;
        for (long i = 1; i <= n; i++)
        {
            sum += 1 / Math.pow(i, theta);
        }
        return sum;
    }

    /**
     * @return the next rank, from 0 (most popular) to {@code n - 1}.
     */
    public int next()
    {
        final double u = random.nextDouble();
        final double uz = u * zetaN;
        if (uz < 1.0)
        {
            return 0;
        }
        if (uz < 1.0 + Math.pow(0.5, theta))
        {
            return 1;
        }
        final int rank = (int)(n * Math.pow(eta * u - eta + 1, alpha));
        return Math.min(rank, n - 1);
    }
}
