/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.Hint;
import io.tierpool.client.OutOfTierMemoryException;
import io.tierpool.client.TierKind;
import io.tierpool.client.TierStats;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.MIB;
import static io.tierpool.node.engine.StoreTestSupport.allocateWith;
import static io.tierpool.node.engine.StoreTestSupport.assertContent;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static io.tierpool.node.engine.StoreTestSupport.tierStats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class MoverTest
{
    private static final int BLOCK = 60 * KIB;
    private static final int BLOCKS = 16;

    @TempDir
    Path tempDir;

    private final CachedNanoClock clock = new CachedNanoClock();
    private final Random random = new Random(23);
    private final List<Long> ids = new ArrayList<>();
    private final List<byte[]> contents = new ArrayList<>();

    private BlockStore open(final long vvram, final long vssd)
    {
        return new BlockStore(context(tempDir, MIB, vvram, vssd).nanoClock(clock));
    }

    private void fillRam(final BlockStore store, final Hint... hints)
    {
        allocateAll(store, hints);
        final TierStats ram = tierStats(store, TierKind.RAM);
        assertTrue(ram.usedBytes() > 0.9 * ram.capacityBytes(), "RAM is above its high watermark");
    }

    /**
     * Allocates and writes the blocks without checking where they are: with the mover thread running, it may
     * already have demoted some by the time the last one is written.
     */
    private void allocateAll(final BlockStore store, final Hint... hints)
    {
        for (int i = 0; i < BLOCKS; i++)
        {
            final byte[] bytes = randomBytes(random, BLOCK);
            ids.add(allocateWith(store, bytes, i < hints.length ? hints[i] : Hint.WARM));
            contents.add(bytes);
        }
    }

    private void assertDemoted(final BlockStore store, final int... demotedIndexes)
    {
        final boolean[] demoted = new boolean[BLOCKS];
        for (final int index : demotedIndexes)
        {
            demoted[index] = true;
        }
        for (int i = 0; i < BLOCKS; i++)
        {
            assertEquals(demoted[i] ? TierKind.VVRAM : TierKind.RAM, store.tierOf(ids.get(i)), "block index " + i);
        }
    }

    private void assertAllContents(final BlockStore store)
    {
        for (int i = 0; i < ids.size(); i++)
        {
            assertContent(store, ids.get(i), contents.get(i));
        }
    }

    @Test
    void shouldDemoteColdestBlocksWhenRamPassesHighWatermarkDownToLowWatermark()
    {
        try (BlockStore store = open(MIB, 4 * MIB))
        {
            fillRam(store);
            store.read(ids.get(0), 0, new byte[1], 0, 1);
            store.write(ids.get(1), 5, new byte[]{ 1 }, 0, 1);
            contents.get(1)[5] = 1;

            assertEquals(4, store.mover().doWork());

            assertDemoted(store, 2, 3, 4, 5);
            final TierStats ram = tierStats(store, TierKind.RAM);
            assertTrue(ram.usedBytes() <= 0.75 * ram.capacityBytes());
            assertTrue(ram.usedBytes() + BLOCK > 0.75 * ram.capacityBytes(), "stops at the low watermark");
            assertEquals(4, ram.demotedBlocks());
            assertEquals(4L * BLOCK, ram.demotedBytes());
            assertEquals(0, store.runMover(), "below the high watermark there is nothing to do");
            assertAllContents(store);
        }
    }

    @Test
    void shouldNeverDemotePinnedBlocks()
    {
        try (BlockStore store = open(MIB, 4 * MIB))
        {
            fillRam(store);
            try (StorePinnedBlock first = store.pin(ids.get(0));
                StorePinnedBlock second = store.pin(ids.get(1)))
            {
                assertEquals(4, store.runMover());
                assertDemoted(store, 2, 3, 4, 5);
                assertEquals(ids.get(0), first.blockId());
                assertEquals(ids.get(1), second.blockId());
            }
            assertAllContents(store);
        }
    }

    @Test
    void shouldDemoteHotBlocksOnlyAfterWarmAndColdOnes()
    {
        try (BlockStore store = open(MIB, 4 * MIB))
        {
            fillRam(store, Hint.HOT, Hint.HOT, Hint.HOT, Hint.HOT);
            assertEquals(4, store.runMover());
            assertDemoted(store, 4, 5, 6, 7);
            assertAllContents(store);
        }
    }

    @Test
    void shouldDemoteOldestHotBlocksWhenNoOtherBlockIsLeft()
    {
        final Hint[] hints = new Hint[BLOCKS];
        java.util.Arrays.fill(hints, Hint.HOT);
        hints[10] = Hint.WARM;
        hints[11] = Hint.WARM;
        try (BlockStore store = open(MIB, 4 * MIB))
        {
            fillRam(store, hints);
            assertEquals(4, store.runMover());
            assertDemoted(store, 10, 11, 0, 1);
        }
    }

    @Test
    void shouldKeepPinFastBlocksInRam()
    {
        try (BlockStore store = open(MIB, 4 * MIB))
        {
            fillRam(store, Hint.PIN_FAST, Hint.PIN_FAST);
            assertEquals(4, store.runMover());
            assertDemoted(store, 2, 3, 4, 5);
            assertEquals(2, store.stats().pinnedBlocks());
        }
    }

    @Test
    void shouldFailPinFastAllocationWhenRamHoldsOnlyPinnedBlocks()
    {
        try (BlockStore store = open(MIB, 4 * MIB))
        {
            final List<StorePinnedBlock> pins = new ArrayList<>();
            fillRam(store);
            for (final long id : ids)
            {
                pins.add(store.pin(id));
            }

            final OutOfTierMemoryException ex = assertThrows(
                OutOfTierMemoryException.class, () -> store.allocate(100 * KIB, Hint.PIN_FAST));
            assertTrue(ex.getMessage().contains("16 blocks pinned in RAM"), ex.getMessage());
            assertTrue(ex.getMessage().contains("test-node"), ex.getMessage());
            assertEquals(100 * KIB, ex.sizeBytes());

            final long warm = store.allocate(100 * KIB, Hint.WARM);
            assertEquals(TierKind.VVRAM, store.tierOf(warm), "a WARM block falls to the next tier instead");
            pins.forEach(StorePinnedBlock::close);
        }
    }

    @Test
    void shouldPlaceColdBlocksBelowRam()
    {
        try (BlockStore store = open(128 * KIB, 128 * KIB))
        {
            final long first = store.allocate(BLOCK, Hint.COLD);
            final long second = store.allocate(BLOCK, Hint.COLD);
            final long third = store.allocate(BLOCK, Hint.COLD);
            final long fourth = store.allocate(BLOCK, Hint.COLD);
            final long fifth = store.allocate(BLOCK, Hint.COLD);

            assertEquals(TierKind.VVRAM, store.tierOf(first));
            assertEquals(TierKind.VVRAM, store.tierOf(second));
            assertEquals(TierKind.VSSD, store.tierOf(third));
            assertEquals(TierKind.VSSD, store.tierOf(fourth));
            assertEquals(TierKind.RAM, store.tierOf(fifth), "RAM only when no tier below has room");
        }
    }

    @Test
    void shouldCascadeWhenNextTierPassesItsOwnWatermark()
    {
        try (BlockStore store = open(256 * KIB, 4 * MIB))
        {
            fillRam(store);
            assertEquals(5, store.runMover());

            assertEquals(TierKind.VSSD, store.tierOf(ids.get(0)), "the VVRAM drained its oldest block");
            for (int i = 1; i < 4; i++)
            {
                assertEquals(TierKind.VVRAM, store.tierOf(ids.get(i)));
            }
            for (int i = 4; i < BLOCKS; i++)
            {
                assertEquals(TierKind.RAM, store.tierOf(ids.get(i)));
            }
            assertAllContents(store);
        }
    }

    @Test
    void shouldBackOffAndCountStuckWhenEverythingIsPinned()
    {
        try (BlockStore store = open(MIB, 4 * MIB))
        {
            fillRam(store);
            final List<StorePinnedBlock> pins = new ArrayList<>();
            for (final long id : ids)
            {
                pins.add(store.pin(id));
            }

            assertEquals(0, store.runMover());
            assertEquals(1, store.stats().moverStuck());
            assertEquals(0, store.runMover());
            assertEquals(1, store.stats().moverStuck(), "backing off: does not retry at once");

            clock.advance(store.context().moverStuckBackoffNs());
            assertEquals(0, store.runMover());
            assertEquals(2, store.stats().moverStuck(), "retries after the back-off");

            pins.forEach(StorePinnedBlock::close);
            clock.advance(store.context().moverStuckBackoffNs());
            assertEquals(4, store.runMover());
            assertDemoted(store, 0, 1, 2, 3);
        }
    }

    @Test
    void shouldLeaveBlocksInPlaceWhenLastTierIsFull()
    {
        try (BlockStore store = open(0, 128 * KIB))
        {
            fillRam(store);
            assertEquals(2, store.runMover(), "the VSSD takes two blocks");
            assertEquals(1, store.stats().moverStuck());

            assertEquals(TierKind.VSSD, store.tierOf(ids.get(0)));
            assertEquals(TierKind.VSSD, store.tierOf(ids.get(1)));
            assertEquals(BLOCKS, store.stats().blocks(), "nothing was deleted");
            assertEquals(0, store.stats().moverErrors());

            final OutOfTierMemoryException ex = assertThrows(
                OutOfTierMemoryException.class, () -> store.allocate(200 * KIB, Hint.WARM));
            assertTrue(ex.getMessage().contains("largest free extent"), ex.getMessage());
            assertTrue(ex.getMessage().contains("fragmentation"), ex.getMessage());
            assertTrue(ex.getMessage().contains("RAM"), ex.getMessage());
            assertTrue(ex.getMessage().contains("VSSD"), ex.getMessage());
            assertAllContents(store);
        }
    }

    @Test
    void shouldDemoteInBackgroundOnMoverThread() throws Exception
    {
        try (BlockStore store = new BlockStore(context(tempDir, MIB, MIB, MIB).startMover(true)))
        {
            allocateAll(store);
            final long deadline = System.nanoTime() + 20_000_000_000L;
            while (tierStats(store, TierKind.RAM).usedBytes() > 0.75 * MIB)
            {
                assertTrue(System.nanoTime() < deadline, "mover thread did not demote");
                Thread.sleep(5);
            }
            assertTrue(store.stats().demotions() >= 4);
            assertAllContents(store);
        }
    }
}
