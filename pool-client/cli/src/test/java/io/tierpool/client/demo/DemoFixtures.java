/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.demo;

import io.tierpool.client.TierPool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Shared set-up of the demo tests: small local-only pools whose tiers force tiles to spill, and in-memory
 * reference arithmetic.
 */
final class DemoFixtures
{
    static final int N = 256;
    static final int TILE = 64;

    private DemoFixtures()
    {
    }

    /**
     * A local-only pool with RAM 64 KiB, VVRAM 128 KiB and VSSD 1 MiB: four 16 KiB tiles fit in RAM, so the
     * 48 tiles of three 256 x 256 matrices spill down to VSSD.
     */
    static TierPool openSpillingPool(final Path dir)
    {
        return TierPool.open(new TierPool.Context()
            .ramCapacityBytes(64 << 10)
            .vvramCapacityBytes(128 << 10)
            .vssdCapacityBytes(1 << 20)
            .vvramDir(subdirectory(dir, "vvram"))
            .vssdDir(subdirectory(dir, "vssd"))
            .maxBlockBytes(TiledMatrix.tileBytes(TILE)));
    }

    static Path subdirectory(final Path dir, final String name)
    {
        try
        {
            return Files.createDirectories(dir.resolve(name));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @return the whole matrix, row-major, read tile by tile from the pool.
     */
    static float[] toArray(final TiledMatrix matrix)
    {
        final int n = matrix.n();
        final int tile = matrix.tile();
        final float[] values = new float[n * n];
        final float[] tileValues = new float[tile * tile];
        final TileBuffers scratch = new TileBuffers(tile);
        for (int tileRow = 0; tileRow < matrix.tilesPerSide(); tileRow++)
        {
            for (int tileCol = 0; tileCol < matrix.tilesPerSide(); tileCol++)
            {
                matrix.readTile(tileRow, tileCol, tileValues, scratch);
                for (int r = 0; r < tile; r++)
                {
                    System.arraycopy(tileValues, r * tile, values, (tileRow * tile + r) * n + tileCol * tile, tile);
                }
            }
        }
        return values;
    }

    /**
     * Writes a whole row-major matrix into the pool tile by tile.
     */
    static void fromArray(final TiledMatrix matrix, final float[] values)
    {
        final int n = matrix.n();
        final int tile = matrix.tile();
        final float[] tileValues = new float[tile * tile];
        final TileBuffers scratch = new TileBuffers(tile);
        for (int tileRow = 0; tileRow < matrix.tilesPerSide(); tileRow++)
        {
            for (int tileCol = 0; tileCol < matrix.tilesPerSide(); tileCol++)
            {
                for (int r = 0; r < tile; r++)
                {
                    System.arraycopy(values, (tileRow * tile + r) * n + tileCol * tile, tileValues, r * tile, tile);
                }
                matrix.writeTile(tileRow, tileCol, tileValues, scratch);
            }
        }
    }

    static void fill(final TiledMatrix matrix, final long seed)
    {
        final float[] values = new float[matrix.tile() * matrix.tile()];
        matrix.fillUniform(new SplittableRandom(seed), values, new TileBuffers(matrix.tile()), () -> {});
    }

    /**
     * @return {@code a * b} in double.
     */
    static double[] multiplyExactly(final float[] a, final float[] b, final int n)
    {
        final double[] c = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < n; k++)
            {
                final double aik = a[i * n + k];
                for (int j = 0; j < n; j++)
                {
                    c[i * n + j] += aik * b[k * n + j];
                }
            }
        }
        return c;
    }

    /**
     * @return {@code |a| * |b|} in double, the scale of each element's rounding error.
     */
    static double[] multiplyAbsolute(final float[] a, final float[] b, final int n)
    {
        final double[] c = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < n; k++)
            {
                final double aik = Math.abs(a[i * n + k]);
                for (int j = 0; j < n; j++)
                {
                    c[i * n + j] += aik * Math.abs(b[k * n + j]);
                }
            }
        }
        return c;
    }

    static long countFiles(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return 0;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            return paths.filter(Files::isRegularFile).count();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
