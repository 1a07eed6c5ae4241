/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.zipf;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZipfGeneratorTest
{
    @Test
    void frequenciesFollowZipf()
    {
        final int n = 1000;
        final double theta = 0.99;
        final int draws = 1_000_000;
        final ZipfGenerator zipf = new ZipfGenerator(n, theta, 1);
        final long[] counts = new long[n];
        for (int i = 0; i < draws; i++)
        {
            final int rank = zipf.next();
            assertTrue(rank >= 0 && rank < n, "rank " + rank);
            counts[rank]++;
        }
        final double zeta = ZipfGenerator.zeta(n, theta);
        for (int rank = 0; rank < 2; rank++)
        {
            final double expected = draws / Math.pow(rank + 1, theta) / zeta;
            assertEquals(expected, counts[rank], expected * 0.02, "rank " + rank);
        }
        // The head is much hotter than the tail.
        long head = 0;
        for (int rank = 0; rank < 10; rank++)
        {
            head += counts[rank];
        }
        assertTrue(head > 0.3 * draws, "top 1% of ranks drew " + head);
    }

    @Test
    void sameSeedSameSequence()
    {
        final ZipfGenerator a = new ZipfGenerator(100, 0.99, 5);
        final ZipfGenerator b = new ZipfGenerator(100, 0.99, 5);
        final int[] x = new int[1000];
        final int[] y = new int[1000];
        for (int i = 0; i < x.length; i++)
        {
            x[i] = a.next();
            y[i] = b.next();
        }
        assertArrayEquals(x, y);
    }

    @Test
    void rejectsBadParameters()
    {
        assertThrows(IllegalArgumentException.class, () -> new ZipfGenerator(1, 0.99, 1));
        assertThrows(IllegalArgumentException.class, () -> new ZipfGenerator(10, 1.0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ZipfGenerator(10, 0.0, 1));
    }
}
