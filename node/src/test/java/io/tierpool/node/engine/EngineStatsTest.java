/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.node.Hint;
import io.tierpool.node.metrics.PressureLevel;
import io.tierpool.node.tier.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.MIB;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class EngineStatsTest
{
    private static final int BLOCK = 4 * KIB;

    @TempDir
    Path tempDir;

    @Test
    void perTierCountersAndLatenciesFollowTheOperations()
    {
        try (BlockStore store = new BlockStore(context(tempDir, MIB, MIB, 0)
            .hardCapBytes(TierKind.RAM, 4L * BLOCK)))
        {
            final long a = store.allocate(BLOCK, Hint.WARM);
            final long b = store.allocate(BLOCK, Hint.WARM);
            final long pinned = store.allocate(BLOCK, Hint.PIN_FAST);
            final long cold = store.allocate(BLOCK, Hint.COLD);
            store.write(a, 0, new byte[]{ 1, 2, 3 }, 0, 3);
            readAll(store, b);
            readAll(store, cold);
            store.free(b);

            final StoreStats stats = store.stats();
            final EngineTierStats ram = stats.engineTier(TierKind.RAM);
            final EngineTierStats vvram = stats.engineTier(TierKind.VVRAM);
            assertEquals(3, ram.allocations());
            assertEquals(1, vvram.allocations());
            assertEquals(1, ram.frees());
            assertEquals(0, vvram.frees());
            assertEquals(1, vvram.promotedBlocks());
            assertEquals(BLOCK, vvram.promotedBytes());
            assertEquals(3, ram.blocks());
            assertEquals(3L * BLOCK, ram.usedBytes());
            assertEquals(4L * BLOCK, ram.peakUsedBytes());
            assertEquals(1, ram.pinnedBlocks());
            assertEquals(0, vvram.pinnedBlocks());
            assertEquals(4L * BLOCK, ram.hardCapBytes());
            assertEquals(MIB, ram.capacityBytes());
            assertEquals(PressureLevel.NORMAL, vvram.pressureLevel());
            assertEquals(3, ram.allocateLatency().count());
            assertEquals(1, vvram.allocateLatency().count());
            assertEquals(1, ram.writeLatency().count());
            assertEquals(1, ram.readLatency().count());
            assertEquals(1, vvram.readLatency().count(), "the read of the COLD block counts for the tier it was in");
            assertTrue(vvram.readLatency().maxNs() > 0);
            assertTrue(ram.allocateLatency().p50Ns() <= ram.allocateLatency().maxNs());
            assertEquals(LatencyStats.EMPTY, vvram.writeLatency());
            assertEquals(OverflowPolicy.SPILL_TO_NEXT, stats.overflowPolicy());
            assertEquals(stats.tiers().size(), stats.engineTiers().size());
            store.free(pinned);
        }
    }
}
