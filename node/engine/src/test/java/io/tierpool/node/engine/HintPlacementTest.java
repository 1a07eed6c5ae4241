/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.Hint;
import io.tierpool.client.OutOfTierMemoryException;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.MIB;
import static io.tierpool.node.engine.StoreTestSupport.allocateWith;
import static io.tierpool.node.engine.StoreTestSupport.assertContent;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static io.tierpool.node.engine.StoreTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(60)
class HintPlacementTest
{
    private static final int BLOCK = 4 * KIB;

    @TempDir
    Path tempDir;

    private BlockStore open(final int ramBlocks)
    {
        return new BlockStore(context(tempDir, MIB, MIB, MIB).hardCapBytes(TierKind.RAM, (long)ramBlocks * BLOCK));
    }

    @Test
    void coldStartsBelowRamAndHotWarmStartInRam()
    {
        try (BlockStore store = open(4))
        {
            assertEquals(TierKind.VVRAM, store.tierOf(store.allocate(BLOCK, Hint.COLD)));
            assertEquals(TierKind.RAM, store.tierOf(store.allocate(BLOCK, Hint.HOT)));
            assertEquals(TierKind.RAM, store.tierOf(store.allocate(BLOCK, Hint.WARM)));
            assertEquals(TierKind.RAM, store.tierOf(store.allocate(BLOCK, Hint.PREFER_FAST)));
            assertEquals(TierKind.RAM, store.tierOf(store.allocate(BLOCK, Hint.PIN_FAST)));
        }
    }

    @Test
    void preferFastGoesBelowRamInsteadOfDemotingWhenRamIsFull()
    {
        try (BlockStore store = open(4))
        {
            final long[] warm = new long[4];
            for (int i = 0; i < warm.length; i++)
            {
                warm[i] = store.allocate(BLOCK, Hint.WARM);
            }
            final long preferFast = store.allocate(BLOCK, Hint.PREFER_FAST);
            assertEquals(TierKind.VVRAM, store.tierOf(preferFast));
            for (final long id : warm)
            {
                assertEquals(TierKind.RAM, store.tierOf(id), "nothing demoted for a PREFER_FAST block");
            }

            // A WARM block in the same state demotes the least recently used block instead.
            final long another = store.allocate(BLOCK, Hint.WARM);
            assertEquals(TierKind.RAM, store.tierOf(another));
            assertEquals(TierKind.VVRAM, store.tierOf(warm[0]));
        }
    }

    @Test
    void demotionOrderIsColdThenWarmThenHotRegardlessOfRecency()
    {
        final Random random = new Random(5);
        try (BlockStore store = open(3))
        {
            final byte[] hotBytes = randomBytes(random, BLOCK);
            final byte[] warmBytes = randomBytes(random, BLOCK);
            final byte[] coldBytes = randomBytes(random, BLOCK);
            final long hot = allocateWith(store, hotBytes, Hint.HOT);
            final long warm = allocateWith(store, warmBytes, Hint.WARM);
            final long cold = allocateWith(store, coldBytes, Hint.COLD);
            store.moveTo(cold, TierKind.RAM);
            // Recency: hot least recently used, cold most recently used.
            readAll(store, hot);
            readAll(store, warm);
            readAll(store, cold);
            assertEquals(TierKind.RAM, store.tierOf(hot));
            assertEquals(TierKind.RAM, store.tierOf(warm));
            assertEquals(TierKind.RAM, store.tierOf(cold));

            final long n1 = store.allocate(BLOCK, Hint.WARM);
            assertEquals(TierKind.VVRAM, store.tierOf(cold), "COLD leaves first although most recently used");
            final long n2 = store.allocate(BLOCK, Hint.WARM);
            assertEquals(TierKind.VVRAM, store.tierOf(warm), "then the least recently used WARM block");
            store.allocate(BLOCK, Hint.WARM);
            assertEquals(TierKind.VVRAM, store.tierOf(n1), "then the next WARM block");
            assertEquals(TierKind.RAM, store.tierOf(n2));
            assertEquals(TierKind.RAM, store.tierOf(hot), "HOT stays while any WARM or COLD block can leave");

            assertContent(store, hot, hotBytes);
            assertContent(store, warm, warmBytes);
            assertContent(store, cold, coldBytes);
        }
    }

    @Test
    void pinFastNeverLeavesRamAndFailsWhenRamHoldsOnlyPinnedBlocks()
    {
        try (BlockStore store = open(2))
        {
            final long a = store.allocate(BLOCK, Hint.PIN_FAST);
            final long b = store.allocate(BLOCK, Hint.PIN_FAST);
            assertEquals(TierKind.VVRAM, store.tierOf(store.allocate(BLOCK, Hint.WARM)));
            assertEquals(TierKind.RAM, store.tierOf(a));
            assertEquals(TierKind.RAM, store.tierOf(b));
            final OutOfTierMemoryException ex =
                assertThrows(OutOfTierMemoryException.class, () -> store.allocate(BLOCK, Hint.PIN_FAST));
            assertEquals(BLOCK, ex.sizeBytes());
            assertThrows(IllegalStateException.class, () -> store.moveTo(a, TierKind.VSSD));
            assertEquals(0, store.runMover());
            assertEquals(2, store.stats().engineTier(TierKind.RAM).pinnedBlocks());
        }
    }
}
