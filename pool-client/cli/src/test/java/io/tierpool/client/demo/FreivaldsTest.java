/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.demo;

import io.tierpool.client.TierPool;
import io.tierpool.client.Hint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.tierpool.client.demo.DemoFixtures.N;
import static io.tierpool.client.demo.DemoFixtures.TILE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FreivaldsTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldPassCorrectlyRoundedProduct()
    {
        try (TierPool pool = DemoFixtures.openSpillingPool(dir);
            TiledMatrix a = TiledMatrix.allocate(pool, "A", N, TILE, Hint.WARM);
            TiledMatrix b = TiledMatrix.allocate(pool, "B", N, TILE, Hint.WARM);
            TiledMatrix c = TiledMatrix.allocate(pool, "C", N, TILE, Hint.WARM))
        {
            writeProduct(a, b, c);
            final AtomicInteger tilesRead = new AtomicInteger();

            final Freivalds.Result result = Freivalds.verify(a, b, c, 4, 7, tilesRead::incrementAndGet);

            assertTrue(result.passed(), result.toString());
            assertEquals("PASSED", result.verdict());
            assertEquals(4, result.vectors());
            assertEquals(3 * 16, tilesRead.get(), "each matrix is read once");
            assertTrue(result.maxRelativeError() < result.tolerance() / 100,
                "a correctly rounded product is far inside the tolerance: " + result);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldPassOutOfCoreFloatProduct()
    {
        try (TierPool pool = DemoFixtures.openSpillingPool(dir);
            TiledMatrix a = TiledMatrix.allocate(pool, "A", N, TILE, Hint.WARM);
            TiledMatrix b = TiledMatrix.allocate(pool, "B", N, TILE, Hint.WARM);
            TiledMatrix c = TiledMatrix.allocate(pool, "C", N, TILE, Hint.WARM);
            OutOfCoreGemm gemm = new OutOfCoreGemm(2))
        {
            DemoFixtures.fill(a, 11);
            DemoFixtures.fill(b, 12);
            gemm.multiply(a, b, c, ProgressBar.start(System.err, "multiply", "tiles", 16, ProgressBar.Mode.SILENT));

            final Freivalds.Result result = Freivalds.verify(a, b, c, Freivalds.DEFAULT_VECTORS, 13, () -> {});

            assertTrue(result.passed(), result.toString());
            assertTrue(result.maxRelativeError() > 0, "float accumulation leaves some rounding error: " + result);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldDetectSingleCorruptedElement()
    {
        try (TierPool pool = DemoFixtures.openSpillingPool(dir);
            TiledMatrix a = TiledMatrix.allocate(pool, "A", N, TILE, Hint.WARM);
            TiledMatrix b = TiledMatrix.allocate(pool, "B", N, TILE, Hint.WARM);
            TiledMatrix c = TiledMatrix.allocate(pool, "C", N, TILE, Hint.WARM))
        {
            final float[] product = writeProduct(a, b, c);
            final int row = 77;
            final int col = 201;
            product[row * N + col] += 1.0f;
            DemoFixtures.fromArray(c, product);

            for (long seed = 0; seed < 8; seed++)
            {
                final Freivalds.Result result = Freivalds.verify(a, b, c, 1, seed, () -> {});

                assertFalse(result.passed(), "seed " + seed + ": " + result);
                assertEquals("FAILED", result.verdict());
                assertEquals(row, result.worstRow(), "seed " + seed + ": " + result);
                assertTrue(result.maxRelativeError() > result.tolerance(), result.toString());
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldFailProductHoldingNaN()
    {
        try (TierPool pool = DemoFixtures.openSpillingPool(dir);
            TiledMatrix a = TiledMatrix.allocate(pool, "A", N, TILE, Hint.WARM);
            TiledMatrix b = TiledMatrix.allocate(pool, "B", N, TILE, Hint.WARM);
            TiledMatrix c = TiledMatrix.allocate(pool, "C", N, TILE, Hint.WARM))
        {
            final float[] product = writeProduct(a, b, c);
            product[5] = Float.NaN;
            DemoFixtures.fromArray(c, product);

            final Freivalds.Result result = Freivalds.verify(a, b, c, 2, 3, () -> {});

            assertFalse(result.passed(), result.toString());
            assertTrue(Double.isNaN(result.maxRelativeError()), result.toString());
        }
    }

    @Test
    void toleranceShouldScaleWithSquareRootOfN()
    {
        assertEquals(4.0 * 64 * 0x1.0p-23, Freivalds.tolerance(4096), 1e-18);
        assertEquals(2 * Freivalds.tolerance(1024), Freivalds.tolerance(4096), 1e-18);
    }

    /**
     * Fills A and B at random and writes into C the product computed in double and rounded to float once.
     */
    private static float[] writeProduct(final TiledMatrix a, final TiledMatrix b, final TiledMatrix c)
    {
        DemoFixtures.fill(a, 5);
        DemoFixtures.fill(b, 6);
        final double[] exact = DemoFixtures.multiplyExactly(DemoFixtures.toArray(a), DemoFixtures.toArray(b), N);
        final float[] product = new float[N * N];
        for (int i = 0; i < product.length; i++)
        {
            product[i] = (float)exact[i];
        }
        DemoFixtures.fromArray(c, product);
        return product;
    }
}
