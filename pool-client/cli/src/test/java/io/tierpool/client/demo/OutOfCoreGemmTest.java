/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.demo;

import io.tierpool.client.PoolStats;
import io.tierpool.client.TierPool;
import io.tierpool.client.Hint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.tierpool.client.demo.DemoFixtures.N;
import static io.tierpool.client.demo.DemoFixtures.TILE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutOfCoreGemmTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldMatchInMemoryProductWhileTilesSpillThroughLocalTiers()
    {
        try (TierPool pool = DemoFixtures.openSpillingPool(dir);
            TiledMatrix a = TiledMatrix.allocate(pool, "A", N, TILE, Hint.WARM);
            TiledMatrix b = TiledMatrix.allocate(pool, "B", N, TILE, Hint.WARM);
            TiledMatrix c = TiledMatrix.allocate(pool, "C", N, TILE, Hint.WARM);
            OutOfCoreGemm gemm = new OutOfCoreGemm(2))
        {
            DemoFixtures.fill(a, 1);
            DemoFixtures.fill(b, 2);
            final ByteArrayOutputStream progressText = new ByteArrayOutputStream();
            final ProgressBar progress = ProgressBar.start(new PrintStream(progressText, true, StandardCharsets.UTF_8),
                "multiply", "tiles", a.tilesPerSide() * a.tilesPerSide(), ProgressBar.Mode.LINES);

            final OutOfCoreGemm.Result result = gemm.multiply(a, b, c, progress);

            assertEquals(2L * N * N * N, result.flops());
            assertEquals(16, result.tiles());
            assertEquals(16, gemm.tilesDone());
            assertTrue(result.wallNs() > 0);
            assertTrue(progressText.toString(StandardCharsets.UTF_8).contains("multiply: 16/16 tiles"),
                progressText.toString(StandardCharsets.UTF_8));

            final float[] aValues = DemoFixtures.toArray(a);
            final float[] bValues = DemoFixtures.toArray(b);
            final float[] cValues = DemoFixtures.toArray(c);
            final double[] exact = DemoFixtures.multiplyExactly(aValues, bValues, N);
            final double[] scale = DemoFixtures.multiplyAbsolute(aValues, bValues, N);
            final double tolerance = Freivalds.tolerance(N);
            double worst = 0;
            for (int i = 0; i < N * N; i++)
            {
                final double error = Math.abs(cValues[i] - exact[i]) / scale[i];
                worst = Math.max(worst, error);
                assertTrue(error <= tolerance, "element " + i + ": C=" + cValues[i] + ", exact=" + exact[i] +
                    ", relative error " + error + " > tolerance " + tolerance);
            }
            assertTrue(worst > 0, "a float product of random data differs from the exact one somewhere");

            final PoolStats stats = pool.stats();
            assertTrue(stats.demotions() > 0, "tiles must have spilled out of RAM: " + stats);
            assertTrue(stats.promotions() > 0, "tiles must have come back to RAM: " + stats);
            assertTrue(stats.tier("VSSD").usedBytes() > 0, "some tiles must live on VSSD: " + stats);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldGiveSameProductWithOneOrThreeThreads()
    {
        try (TierPool pool = DemoFixtures.openSpillingPool(dir);
            TiledMatrix a = TiledMatrix.allocate(pool, "A", N, TILE, Hint.WARM);
            TiledMatrix b = TiledMatrix.allocate(pool, "B", N, TILE, Hint.WARM);
            TiledMatrix c = TiledMatrix.allocate(pool, "C", N, TILE, Hint.WARM);
            OutOfCoreGemm oneThread = new OutOfCoreGemm(1);
            OutOfCoreGemm threeThreads = new OutOfCoreGemm(3))
        {
            DemoFixtures.fill(a, 3);
            DemoFixtures.fill(b, 4);
            final ProgressBar silent = ProgressBar.start(System.err, "multiply", "tiles", 16, ProgressBar.Mode.SILENT);
            oneThread.multiply(a, b, c, silent);
            final float[] first = DemoFixtures.toArray(c);
            threeThreads.multiply(a, b, c, silent);
            final float[] second = DemoFixtures.toArray(c);

            for (int i = 0; i < first.length; i++)
            {
                assertEquals(Float.floatToRawIntBits(first[i]), Float.floatToRawIntBits(second[i]),
                    "element " + i + " differs: every tile is summed in the same order whatever the threads");
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRefuseMismatchedOperandsAndProductThatIsAnOperand()
    {
        try (TierPool pool = DemoFixtures.openSpillingPool(dir);
            TiledMatrix a = TiledMatrix.allocate(pool, "A", N, TILE, Hint.WARM);
            TiledMatrix small = TiledMatrix.allocate(pool, "S", TILE * 2, TILE, Hint.WARM);
            OutOfCoreGemm gemm = new OutOfCoreGemm(1))
        {
            final ProgressBar silent = ProgressBar.start(System.err, "multiply", "tiles", 1, ProgressBar.Mode.SILENT);
            assertThrows(IllegalArgumentException.class, () -> gemm.multiply(a, small, a, silent));
            assertThrows(IllegalArgumentException.class, () -> gemm.multiply(a, a, a, silent));
        }
    }

    @Test
    void kernelShouldComputeSmallProductExactly()
    {
        final int tile = 5;
        final float[] a = new float[tile * tile];
        final float[] b = new float[tile * tile];
        for (int i = 0; i < tile * tile; i++)
        {
            a[i] = i % 7 - 3;
            b[i] = (i * 3) % 5 - 2;
        }
        final float[] c = new float[tile * tile];
        GemmKernel.multiplyAdd(a, b, c, tile);
        GemmKernel.multiplyAdd(a, b, c, tile);

        for (int i = 0; i < tile; i++)
        {
            for (int j = 0; j < tile; j++)
            {
                float expected = 0;
                for (int k = 0; k < tile; k++)
                {
                    expected += a[i * tile + k] * b[k * tile + j];
                }
                assertEquals(2 * expected, c[i * tile + j], "element (" + i + ", " + j + ")");
            }
        }
    }
}
