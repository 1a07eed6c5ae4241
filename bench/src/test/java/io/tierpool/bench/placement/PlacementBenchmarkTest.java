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
}
