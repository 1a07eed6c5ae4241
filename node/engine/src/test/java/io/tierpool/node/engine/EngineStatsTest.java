/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.LatencyStats;

import io.tierpool.client.EngineTierStats;

import io.tierpool.client.StoreStats;

import io.tierpool.client.OverflowPolicy;

import io.tierpool.client.Hint;
import io.tierpool.client.PressureLevel;
import io.tierpool.client.AllocatorStats;
import io.tierpool.client.SizeClassStats;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

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

    @Test
    void eachTiersAllocatorStatisticsAreInTheSnapshotAndKeptAfterClose()
    {
        final BlockStore store = new BlockStore(context(tempDir, MIB, MIB, 0));
        try
        {
            final long[] ram = new long[3];
            for (int i = 0; i < ram.length; i++)
            {
                ram[i] = store.allocate(BLOCK, Hint.WARM);
            }
            final long small = store.allocate(100, Hint.WARM);
            final long cold = store.allocate(BLOCK, Hint.COLD);
            store.write(ram[1], 0, new byte[]{ 9, 8, 7 }, 0, 3);
            store.free(ram[0]);

            final StoreStats stats = store.stats();
            final AllocatorStats ramAllocator = stats.engineTier(TierKind.RAM).allocator();
            assertEquals(4, ramAllocator.allocations(), ramAllocator.toString());
            assertEquals(1, ramAllocator.frees());
            assertEquals(3, ramAllocator.blockCount());
            assertEquals(0, ramAllocator.failedAllocations());
            assertEquals(-1, ramAllocator.fileLengthBytes(), "RAM has no file");
            assertEquals(stats.engineTier(TierKind.RAM).usedBytes(), ramAllocator.usedBytes());
            final SizeClassStats pageClass = sizeClass(stats.engineTier(TierKind.RAM), BLOCK);
            assertEquals(3, pageClass.allocations());
            assertEquals(1, pageClass.frees());
            assertEquals(2, pageClass.usedBlocks());
            assertEquals(2L * BLOCK, pageClass.usedBytes());
            assertEquals(1, sizeClass(stats.engineTier(TierKind.RAM), 112).usedBlocks(), "100 bytes take the 112 B class");

            final AllocatorStats vvramAllocator = stats.engineTier(TierKind.VVRAM).allocator();
            assertEquals(1, vvramAllocator.allocations());
            assertEquals(1, vvramAllocator.blockCount());
            assertTrue(vvramAllocator.fileLengthBytes() >= BLOCK && vvramAllocator.fileLengthBytes() <= MIB,
                "the VVRAM file grew to hold the block: " + vvramAllocator);
            assertTrue(vvramAllocator.largestFreeExtentBytes() >= 0 && vvramAllocator.fragmentationRatio() >= 0);
            assertEquals(List.of(), stats.engineTier(TierKind.VVRAM).sizeClasses(), "VVRAM has no size classes");

            store.free(ram[1]);
            store.free(small);
            store.free(cold);
            final AllocatorStats beforeClose = store.stats().engineTier(TierKind.RAM).allocator();
            store.close();
            final StoreStats closed = store.stats();
            assertEquals(beforeClose, closed.engineTier(TierKind.RAM).allocator(),
                "after close, the allocator statistics as the store closed");
            final SizeClassStats closedPageClass = sizeClass(closed.engineTier(TierKind.RAM), BLOCK);
            assertEquals(2, closedPageClass.frees(), closedPageClass.toString());
            assertEquals(1, closedPageClass.usedBlocks(), "the block still live when the store closed");
        }
        finally
        {
            store.close();
        }
    }

    private static SizeClassStats sizeClass(final EngineTierStats tier, final int sizeBytes)
    {
        for (final SizeClassStats sizeClass : tier.sizeClasses())
        {
            if (sizeClass.sizeBytes() == sizeBytes)
            {
                return sizeClass;
            }
        }
        throw new AssertionError("no size class of " + sizeBytes + " bytes in " + tier.sizeClasses());
    }
}
