/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.Hint;
import io.tierpool.client.OutOfTierMemoryException;
import io.tierpool.client.TierKind;
import io.tierpool.node.tier.local.SizeClassAllocator;
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
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, point 4: a RAM tier with the free bytes for a block but no extent large enough makes the room (packing
 * PIN_FAST blocks low, demoting the movable blocks of the best window) instead of placing the block below or
 * refusing {@code pin()}.
 */
@Timeout(60)
class RoomMakingTest
{
    private static final int BIG = 200_000;
    private static final int BLOCKS = 200;
    private static final int CHUNK = 256 * KIB;
    private static final int PAGE = 8 * KIB;

    @TempDir
    Path tempDir;

    /** 1 MiB of RAM (four chunks of 256 KiB, 8 KiB pages) over a VSSD tier. */
    private BlockStore open(final String name)
    {
        return new BlockStore(context(tempDir.resolve(name), MIB, 0, 64 * MIB));
    }

    /**
     * 200 WARM blocks of 1 B to 64 KiB with a PIN_FAST block of 1 to 512 B every tenth, as the issue says.
     */
    private static void allocateScenario(
        final BlockStore store, final Random random, final long[] ids, final byte[][] contents, final boolean[] pinFast)
    {
        for (int i = 0; i < BLOCKS; i++)
        {
            pinFast[i] = i % 10 == 9;
            contents[i] = randomBytes(random, pinFast[i] ? 1 + random.nextInt(512) : 1 + random.nextInt(64 * KIB));
            ids[i] = allocateWith(store, contents[i], pinFast[i] ? Hint.PIN_FAST : Hint.WARM);
        }
    }

    @Test
    void shouldPlaceA200000ByteWarmBlockInRamAndPinItAfterTheWarmBlocksAroundPinFastOnesWereFreed()
    {
        for (long seed = 1; seed <= 8; seed++)
        {
            final Random random = new Random(seed);
            try (BlockStore store = open("freed-" + seed))
            {
                final long[] ids = new long[BLOCKS];
                final byte[][] contents = new byte[BLOCKS][];
                final boolean[] pinFast = new boolean[BLOCKS];
                allocateScenario(store, random, ids, contents, pinFast);
                for (int i = 0; i < BLOCKS; i++)
                {
                    if (!pinFast[i])
                    {
                        store.free(ids[i]);
                    }
                }

                final long largestFree = store.stats().tier(TierKind.RAM).largestFreeExtentBytes();
                assertTrue(largestFree >= 224 * KIB, "seed " + seed + ": the PIN_FAST blocks left a largest free " +
                    "extent of " + largestFree + " bytes, less than the 224 KiB size class of the block");

                final byte[] bytes = randomBytes(random, BIG);
                final long big = allocateWith(store, bytes, Hint.WARM);
                assertEquals(TierKind.RAM, store.tierOf(big), "seed " + seed + ": the block lands in RAM");
                try (StorePinnedBlock view = store.pin(big))
                {
                    final byte[] back = new byte[BIG];
                    view.buffer().getBytes(0, back);
                    assertArrayEquals(bytes, back, "seed " + seed + ": the pinned block's bytes");
                }
                for (int i = 0; i < BLOCKS; i++)
                {
                    if (pinFast[i])
                    {
                        assertEquals(TierKind.RAM, store.tierOf(ids[i]));
                        assertContent(store, ids[i], contents[i]);
                    }
                }
            }
        }
    }

    @Test
    void shouldDemoteTheMovableBlocksOfOneWindowWhenTheWarmBlocksWereNotFreed()
    {
        for (long seed = 1; seed <= 4; seed++)
        {
            final Random random = new Random(100 + seed);
            try (BlockStore store = open("kept-" + seed))
            {
                final long[] ids = new long[BLOCKS];
                final byte[][] contents = new byte[BLOCKS][];
                final boolean[] pinFast = new boolean[BLOCKS];
                allocateScenario(store, random, ids, contents, pinFast);
                final long warmInRamBefore = warmInRam(store, ids, pinFast);

                final byte[] bytes = randomBytes(random, BIG);
                final long big = allocateWith(store, bytes, Hint.WARM);
                assertEquals(TierKind.RAM, store.tierOf(big), "seed " + seed + ": the block lands in RAM");
                try (StorePinnedBlock view = store.pin(big))
                {
                    final byte[] back = new byte[BIG];
                    view.buffer().getBytes(0, back);
                    assertArrayEquals(bytes, back, "seed " + seed + ": the pinned block's bytes");
                }
                assertTrue(warmInRam(store, ids, pinFast) > 0, "seed " + seed + ": one window was emptied, not RAM (" +
                    warmInRamBefore + " WARM blocks in RAM before)");
                for (int i = 0; i < BLOCKS; i++)
                {
                    assertContent(store, ids[i], contents[i]);
                }
                assertContent(store, big, bytes);
            }
        }
    }

    private static long warmInRam(final BlockStore store, final long[] ids, final boolean[] pinFast)
    {
        long count = 0;
        for (int i = 0; i < BLOCKS; i++)
        {
            if (!pinFast[i] && store.tierOf(ids[i]) == TierKind.RAM)
            {
                count++;
            }
        }
        return count;
    }

    @Test
    void shouldPlaceTheBlockBelowAndRefuseToPinItWhileAPinnedBlockLiesInEveryWindow()
    {
        final Random random = new Random(7);
        try (BlockStore store = open("pinned"))
        {
            // Sixteen 64 KiB blocks fill RAM, four per chunk; pin one of the middle two of each chunk.
            final List<Long> ids = new ArrayList<>();
            final List<byte[]> contents = new ArrayList<>();
            final List<StorePinnedBlock> pins = new ArrayList<>();
            final boolean[] chunkPinned = new boolean[MIB / CHUNK];
            for (int i = 0; i < MIB / (64 * KIB); i++)
            {
                final byte[] bytes = randomBytes(random, 64 * KIB);
                final long id = allocateWith(store, bytes, Hint.WARM);
                ids.add(id);
                contents.add(bytes);
                assertEquals(TierKind.RAM, store.tierOf(id));
            }
            for (final long id : ids)
            {
                final long offset = SizeClassAllocator.offset(store.locationOf(id));
                final int chunk = (int)(offset / CHUNK);
                final long page = (offset % CHUNK) / PAGE;
                if (!chunkPinned[chunk] && page >= 8 && page < 24)
                {
                    chunkPinned[chunk] = true;
                    pins.add(store.pin(id));
                }
            }
            assertEquals(MIB / CHUNK, pins.size(), "a pinned block in every chunk's middle");

            final byte[] bytes = randomBytes(random, BIG);
            final long big = allocateWith(store, bytes, Hint.WARM);
            assertEquals(TierKind.VSSD, store.tierOf(big), "no window without a pinned block: the block goes below");
            assertThrows(OutOfTierMemoryException.class, () -> store.pin(big));
            assertEquals(TierKind.VSSD, store.tierOf(big), "the refused pin leaves the block where it was");
            assertContent(store, big, bytes);
            for (int i = 0; i < ids.size(); i++)
            {
                assertContent(store, ids.get(i), contents.get(i));
            }

            for (final StorePinnedBlock pin : pins)
            {
                pin.close();
            }
            try (StorePinnedBlock view = store.pin(big))
            {
                final byte[] back = new byte[BIG];
                view.buffer().getBytes(0, back);
                assertArrayEquals(bytes, back, "pinned once the other pins were closed");
            }
            assertEquals(TierKind.RAM, store.tierOf(big));
            for (int i = 0; i < ids.size(); i++)
            {
                assertContent(store, ids.get(i), contents.get(i));
            }
        }
    }
}
