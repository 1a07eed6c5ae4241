/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.demo;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Freivalds' check of a product {@code C = A * B}: for a few random vectors {@code x}, compare {@code C x}
 * with {@code A (B x)}. That costs three passes over the data ({@code O(n^2)} work, every tile read once from
 * the pool) instead of a second multiply ({@code O(n^3)}).
 * <p>
 * <b>Vectors.</b> Each {@code x} has entries {@code +1} or {@code -1}, drawn independently with equal
 * probability. Then a single wrong element {@code C[i][j] + d} changes {@code (C x)[i]} by exactly {@code |d|},
 * so it is caught with certainty once {@code |d|} exceeds the tolerance below; and for any set of wrong elements
 * the chance that one vector misses them all is at most 1/2, so {@code r} vectors miss with probability at most
 * {@code 2^-r}.
 * <p>
 * <b>Tolerance.</b> {@code C} is computed in float, so it is not exact. Each element is a sum of {@code n}
 * products accumulated in binary32 (unit roundoff {@code u = 2^-24}). The classical bound is
 * {@code |fl(C) - C| <= gamma_n |A| |B|} elementwise with {@code gamma_n = n u / (1 - n u)}; the
 * probabilistic bound of Higham and Mary (rounding errors independent with mean zero), which is what random data
 * shows, replaces {@code n u} by {@code lambda sqrt(n) u}. Multiplying by {@code x} with {@code |x| = 1}:
 * <pre>
 *   |(fl(C) x - A (B x))[i]|  <=  lambda sqrt(n) u (|A| |B| |x|)[i]
 * </pre>
 * Row {@code i} passes when that holds with {@code lambda sqrt(n) u = } {@link #tolerance(int)}
 * {@code = ERROR_BOUND_FACTOR * sqrt(n) * eps}, where {@code eps = 2^-23} is the float machine epsilon (so
 * {@code lambda = 8}). The reference {@code A (B x)} and the scale {@code |A| (|B| |x|)} are computed in double,
 * whose own error ({@code n * 2^-53}) is far below the tolerance. The reported
 * {@linkplain Result#maxRelativeError() relative error} is the largest
 * {@code |(C x - A (B x))[i]| / (|A| |B| |x|)[i]}; correct products show values orders of magnitude under the
 * tolerance, and NaN or infinite elements always fail.
 * <p>
 * <b>Threads.</b> Runs on the calling thread; the matrices must not be written meanwhile.
 */
public final class Freivalds
{
    /**
     * The factor {@code lambda / 2} of the tolerance {@code ERROR_BOUND_FACTOR * sqrt(n) * eps}.
     */
    public static final double ERROR_BOUND_FACTOR = 4.0;

    /**
     * The float machine epsilon, {@code 2^-23} (the distance from 1.0f to the next float).
     */
    public static final double FLOAT_EPSILON = Math.ulp(1.0f);

    /**
     * The default number of random vectors: a wrong product passes with probability at most {@code 2^-4}
     * (and a single wrong element never does once it exceeds the tolerance).
     */
    public static final int DEFAULT_VECTORS = 4;

    private Freivalds()
    {
    }

    /**
     * The outcome of a check.
     *
     * @param passed           true when every row of every vector is within the tolerance.
     * @param vectors          random vectors used.
     * @param maxRelativeError the largest {@code |(C x - A (B x))[i]| / (|A| |B| |x|)[i]}; NaN if {@code C}
     *                         holds a NaN.
     * @param tolerance        the relative tolerance, {@link #tolerance(int)}.
     * @param worstRow         the row with the largest error, or -1 when {@code maxRelativeError} is 0.
     * @param wallNs           time the check took, in ns.
     */
    public record Result(
        boolean passed, int vectors, double maxRelativeError, double tolerance, int worstRow, long wallNs)
    {
        /**
         * @return {@code "PASSED"} or {@code "FAILED"}.
         */
        public String verdict()
        {
            return passed ? "PASSED" : "FAILED";
        }
    }

    /**
     * @param n the matrix side, the length of each dot product.
     * @return the relative tolerance {@code ERROR_BOUND_FACTOR * sqrt(n) * FLOAT_EPSILON}.
     */
    public static double tolerance(final int n)
    {
        return ERROR_BOUND_FACTOR * Math.sqrt(n) * FLOAT_EPSILON;
    }

    /**
     * Checks {@code c == a * b} within float tolerance, reading each matrix once from the pool.
     *
     * @param a         the left operand.
     * @param b         the right operand.
     * @param c         the product to check.
     * @param vectors   random vectors, at least 1.
     * @param seed      seed of the vectors.
     * @param afterTile called after each tile is read (progress); {@code 3 * (n / tile)^2} calls in all.
     * @return the verdict and the error it is based on.
     * @throws IllegalArgumentException if the shapes differ or {@code vectors < 1}.
     * @throws io.tierpool.client.TierPoolException if the pool cannot return a tile.
     */
    public static Result verify(
        final TiledMatrix a,
        final TiledMatrix b,
        final TiledMatrix c,
        final int vectors,
        final long seed,
        final Runnable afterTile)
    {
        if (vectors < 1)
        {
            throw new IllegalArgumentException("vectors=" + vectors + " must be >= 1");
        }
        if (a.n() != b.n() || a.n() != c.n() || a.tile() != b.tile() || a.tile() != c.tile())
        {
            throw new IllegalArgumentException("operands must have the same n and tile: " + a + ", " + b + ", " + c);
        }
        final long startNs = System.nanoTime();
        final int n = a.n();
        final SplittableRandom random = new SplittableRandom(seed);
        final double[][] x = new double[vectors][n];
        for (final double[] vector : x)
        {
            for (int i = 0; i < n; i++)
            {
                vector[i] = random.nextBoolean() ? 1.0 : -1.0;
            }
        }
        final double[] ones = new double[n];
        Arrays.fill(ones, 1.0);

        final TileBuffers scratch = new TileBuffers(a.tile());
        final float[] tile = new float[a.tile() * a.tile()];
        final double[][] bx = new double[vectors][n];
        final double[] absBx = new double[n];
        multiply(b, x, bx, ones, absBx, tile, scratch, afterTile);

        final double[][] abx = new double[vectors][n];
        final double[] absAbx = new double[n];
        multiply(a, bx, abx, absBx, absAbx, tile, scratch, afterTile);

        final double[][] cx = new double[vectors][n];
        multiply(c, x, cx, null, null, tile, scratch, afterTile);

        final double tolerance = tolerance(n);
        double maxError = 0.0;
        int worstRow = -1;
        boolean passed = true;
        for (int v = 0; v < vectors; v++)
        {
            for (int i = 0; i < n; i++)
            {
                final double scale = Math.max(absAbx[i], Double.MIN_NORMAL);
                final double error = Math.abs(cx[v][i] - abx[v][i]) / scale;
                if (!(error <= tolerance))
                {
                    passed = false;
                }
                if (Double.isNaN(error))
                {
                    maxError = Double.NaN;
                    worstRow = i;
                }
                else if (error > maxError)
                {
                    maxError = error;
                    worstRow = i;
                }
            }
        }
        return new Result(passed, vectors, maxError, tolerance, worstRow, System.nanoTime() - startNs);
    }

    /**
     * {@code out[v] += m * in[v]} for every vector {@code v}, and {@code absOut += |m| * absIn} when
     * {@code absIn} is not null, one tile at a time.
     */
    private static void multiply(
        final TiledMatrix m,
        final double[][] in,
        final double[][] out,
        final double[] absIn,
        final double[] absOut,
        final float[] tile,
        final TileBuffers scratch,
        final Runnable afterTile)
    {
        final int side = m.tile();
        final int tilesPerSide = m.tilesPerSide();
        final int vectors = in.length;
        for (int tileRow = 0; tileRow < tilesPerSide; tileRow++)
        {
            for (int tileCol = 0; tileCol < tilesPerSide; tileCol++)
            {
                m.readTile(tileRow, tileCol, tile, scratch);
                final int colBase = tileCol * side;
                for (int r = 0; r < side; r++)
                {
                    final int row = tileRow * side + r;
                    final int base = r * side;
                    for (int v = 0; v < vectors; v++)
                    {
                        final double[] vector = in[v];
                        double sum = 0.0;
                        for (int col = 0; col < side; col++)
                        {
                            sum += tile[base + col] * vector[colBase + col];
                        }
                        out[v][row] += sum;
                    }
                    if (null != absIn)
                    {
                        double absSum = 0.0;
                        for (int col = 0; col < side; col++)
                        {
                            absSum += Math.abs(tile[base + col]) * absIn[colBase + col];
                        }
                        absOut[row] += absSum;
                    }
                }
                afterTile.run();
            }
        }
    }
}
