/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.placement;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PlacementBenchmarkTest
{
    @Test
    void shouldPlaceEveryBlockOnTheNodeThePlainRankingPicks()
    {
        for (final int nodes : new int[]{ 10, 100, 1_000 })
        {
            final PlacementBenchmark placement = new PlacementBenchmark();
            final PlacementBenchmark plain = new PlacementBenchmark();
            placement.nodes = nodes;
            plain.nodes = nodes;
            placement.setUp();
            plain.setUp();
            for (int b = 0; b < 5_000; b++)
            {
                assertEquals(plain.baselinePlainRendezvous(), placement.rendezvousPlacement(), "nodes " + nodes);
            }
        }
    }

    @Test
    void shouldPlaceWithThePreviousVersionWhereThePlainRankingWithThePreviousHashDoes()
    {
        for (final int nodes : new int[]{ 10, 100, 1_000 })
        {
            final PlacementBenchmark previous = new PlacementBenchmark();
            previous.nodes = nodes;
            previous.setUp();
            for (long b = 0; b < 2_000; b++)
            {
                int first = -1;
                double best = -1;
                for (int i = 0; i < nodes; i++)
                {
                    final double score = PlacementBenchmark.previousScore(b, previous.key(i), previous.weight(i));
                    if (score > best)
                    {
                        best = score;
                        first = i;
                    }
                }
                assertEquals(first, previous.previousPlacement(), "nodes " + nodes + " block " + b);
            }
        }
    }
}
