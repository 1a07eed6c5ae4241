/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.EvictionPolicy;

import io.tierpool.client.Hint;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.MIB;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(60)
class EvictionPolicyTest
{
    private static final int BLOCK = 4 * KIB;

    @TempDir
    Path tempDir;

    private BlockStore open(final EvictionPolicy policy)
    {
        return new BlockStore(context(tempDir, MIB, MIB, 0)
            .hardCapBytes(TierKind.RAM, 4L * BLOCK)
            .evictionPolicy(policy));
    }

    private static long[] fill(final BlockStore store)
    {
        final long[] ids = new long[4];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = store.allocate(BLOCK, Hint.WARM);
        }
        return ids;
    }

    @Test
    void lruIsTheDefaultAndDemotesTheLeastRecentlyUsedBlock()
    {
        assertEquals(EvictionPolicy.LRU, new StoreContext().evictionPolicy());
        try (BlockStore store = open(EvictionPolicy.LRU))
        {
            final long[] ids = fill(store);
            // Used in the order d, c, b, a: d is the least recently used.
            for (int i = 3; i >= 0; i--)
            {
                readAll(store, ids[i]);
            }
            store.allocate(BLOCK, Hint.WARM);
            assertEquals(TierKind.VVRAM, store.tierOf(ids[3]));
            assertEquals(TierKind.RAM, store.tierOf(ids[0]));
            assertEquals(EvictionPolicy.LRU, store.stats().evictionPolicy());
        }
    }

    @Test
    void clockGivesReferencedBlocksASecondChanceInArrivalOrder()
    {
        try (BlockStore store = open(EvictionPolicy.CLOCK))
        {
            final long[] ids = fill(store);
            // The same accesses as the LRU test: all four referenced. The hand clears every bit once, then takes
            // the oldest block, a (LRU would take d).
            for (int i = 3; i >= 0; i--)
            {
                readAll(store, ids[i]);
            }
            store.allocate(BLOCK, Hint.WARM);
            assertEquals(TierKind.VVRAM, store.tierOf(ids[0]));
            assertEquals(TierKind.RAM, store.tierOf(ids[3]));

            // Now only c is referenced: b is next in arrival order and unreferenced, so it goes; c stays.
            readAll(store, ids[2]);
            store.allocate(BLOCK, Hint.WARM);
            assertEquals(TierKind.VVRAM, store.tierOf(ids[1]));
            assertEquals(TierKind.RAM, store.tierOf(ids[2]));
            assertEquals(EvictionPolicy.CLOCK, store.stats().evictionPolicy());
        }
    }
}
