/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.StoreStats;

import io.tierpool.client.Hint;
import io.tierpool.client.OutOfTierMemoryException;
import io.tierpool.client.TierKind;
import io.tierpool.client.TierStats;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.MIB;
import static io.tierpool.node.engine.StoreTestSupport.allocateWith;
import static io.tierpool.node.engine.StoreTestSupport.assertContent;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static io.tierpool.node.engine.StoreTestSupport.readAll;
import static io.tierpool.node.engine.StoreTestSupport.tierStats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class BlockStoreTierMovementTest
{
    @TempDir
    Path tempDir;

    @Test
    void shouldKeepBytesThroughDemotionToEveryTierAndPromotionBack()
    {
        final Random random = new Random(17);
        final int[] sizes = { 1, 63, 64, 65, 4097, 100_003, 333_333 };
        // Without retained copies, so that the second demotion writes the block to VVRAM again (with them it goes
        // back to its copy in VSSD: RetainedCopyTest).
        try (BlockStore store = new BlockStore(context(tempDir, MIB, MIB, 4 * MIB).retainCleanCopies(false)))
        {
            for (final int size : sizes)
            {
                final byte[] bytes = randomBytes(random, size);
                final long id = allocateWith(store, bytes, Hint.WARM);
                assertEquals(TierKind.RAM, store.tierOf(id));

                assertTrue(store.demote(id));
                assertEquals(TierKind.VVRAM, store.tierOf(id));
                assertTrue(store.demote(id));
                assertEquals(TierKind.VSSD, store.tierOf(id));
                assertFalse(store.demote(id), "VSSD is the last tier");

                assertContent(store, id, bytes);
                assertEquals(TierKind.RAM, store.tierOf(id), "a read promotes straight to RAM");

                assertTrue(store.demote(id));
                assertContent(store, id, bytes);
                assertEquals(TierKind.RAM, store.tierOf(id));
            }

            final StoreStats stats = store.stats();
            assertEquals(3L * sizes.length, stats.demotions());
            assertEquals(2L * sizes.length, stats.promotions());
            assertEquals(sizes.length, stats.tier(TierKind.VVRAM).promotedBlocks());
            assertEquals(sizes.length, stats.tier(TierKind.VSSD).promotedBlocks());
            assertEquals(2L * sizes.length, stats.tier(TierKind.RAM).demotedBlocks());
            assertEquals(0, stats.checksumFailures());
        }
    }

    @Test
    void shouldDemoteStraightToVssdWhenVvramIsDisabled()
    {
        try (BlockStore store = new BlockStore(context(tempDir, MIB, 0, 4 * MIB)))
        {
            final byte[] bytes = randomBytes(new Random(1), 12_345);
            final long id = allocateWith(store, bytes, Hint.WARM);
            assertTrue(store.demote(id));
            assertEquals(TierKind.VSSD, store.tierOf(id));
            assertEquals(2, store.stats().tiers().size());
            assertContent(store, id, bytes);
        }
    }

    @Test
    void shouldDemoteLeastRecentlyUsedBlocksToMakeRoomForAllocationAndCascade()
    {
        // 64 KiB is a size class of the RAM tier, so 17 blocks fill its 17 * 64 KiB exactly.
        final int size = 64 * KIB;
        try (BlockStore store = new BlockStore(context(tempDir, 17 * 64 * KIB, 128 * KIB, 4 * MIB)))
        {
            final Random random = new Random(5);
            final long[] ids = new long[20];
            final byte[][] contents = new byte[20][];
            for (int i = 0; i < 17; i++)
            {
                contents[i] = randomBytes(random, size);
                ids[i] = allocateWith(store, contents[i], Hint.WARM);
            }
            for (int i = 0; i < 17; i++)
            {
                assertEquals(TierKind.RAM, store.tierOf(ids[i]));
            }

            for (int i = 17; i < 20; i++)
            {
                contents[i] = randomBytes(random, size);
                ids[i] = store.allocate(size, Hint.WARM);
                assertEquals(TierKind.RAM, store.tierOf(ids[i]), "new block " + i + " gets RAM");
            }

            assertEquals(TierKind.VSSD, store.tierOf(ids[0]), "VVRAM full: its oldest block cascaded to VSSD");
            assertEquals(TierKind.VVRAM, store.tierOf(ids[1]));
            assertEquals(TierKind.VVRAM, store.tierOf(ids[2]));
            assertEquals(TierKind.RAM, store.tierOf(ids[3]));
            assertEquals(4, store.stats().demotions());

            for (int i = 17; i < 20; i++)
            {
                store.write(ids[i], 0, contents[i], 0, size);
            }
            for (int i = 0; i < 20; i++)
            {
                assertContent(store, ids[i], contents[i]);
            }
        }
    }

    @Test
    void shouldFillNewBlocksWithZerosInEveryTier()
    {
        try (BlockStore store = new BlockStore(context(tempDir, 256 * KIB, 256 * KIB, MIB)))
        {
            final long dirty = store.allocate(200 * KIB, Hint.WARM);
            final byte[] ones = new byte[200 * KIB];
            java.util.Arrays.fill(ones, (byte)0xFF);
            store.write(dirty, 0, ones, 0, ones.length);
            store.free(dirty);

            final long reused = store.allocate(200 * KIB, Hint.WARM);
            final long cold = store.allocate(100 * KIB, Hint.COLD);
            final long colder = store.allocate(200 * KIB, Hint.COLD);

            assertEquals(TierKind.RAM, store.tierOf(reused));
            assertEquals(TierKind.VVRAM, store.tierOf(cold));
            assertEquals(TierKind.VSSD, store.tierOf(colder), "VVRAM has no room left for it");
            assertArrayEquals(new byte[200 * KIB], readAll(store, reused));
            assertArrayEquals(new byte[100 * KIB], readAll(store, cold));
            assertArrayEquals(new byte[200 * KIB], readAll(store, colder));
        }
    }

    @Test
    void shouldGiveZeroCopyPinnedViewThatStaysInRam()
    {
        try (BlockStore store = new BlockStore(context(tempDir, MIB, MIB, MIB)))
        {
            final long id = store.allocate(10_000, Hint.COLD);
            assertEquals(TierKind.VVRAM, store.tierOf(id));

            final MutableDirectBuffer buffer;
            try (StorePinnedBlock view = store.pin(id))
            {
                buffer = view.buffer();
                assertEquals(TierKind.RAM, store.tierOf(id), "pin promotes to RAM");
                assertEquals(10_000, buffer.capacity());
                assertEquals(id, view.blockId());
                assertEquals(1, store.pinCount(id));
                buffer.putLong(9_992, 0xCAFEBABEL);
                buffer.putInt(0, 7);
                assertFalse(store.demote(id), "pinned blocks never move");

                final byte[] back = new byte[8];
                store.read(id, 9_992, back, 0, 8);
                assertEquals(0xCAFEBABEL, new UnsafeBuffer(back).getLong(0), "view writes are the block's bytes");

                try (StorePinnedBlock nested = store.pin(id))
                {
                    assertEquals(2, store.pinCount(id));
                    assertEquals(7, nested.buffer().getInt(0));
                }
                assertEquals(1, store.pinCount(id));
                assertEquals(1, store.stats().pinnedBlocks());
            }
            assertEquals(0, store.pinCount(id));
            assertEquals(0, buffer.capacity(), "a closed view's buffer is detached");
            assertThrows(IndexOutOfBoundsException.class, () -> buffer.getInt(0));

            assertTrue(store.demote(id));
            final byte[] back = new byte[8];
            store.read(id, 9_992, back, 0, 8);
            assertEquals(0xCAFEBABEL, new UnsafeBuffer(back).getLong(0));
        }
    }

    @Test
    void shouldServeBlockLargerThanRamFromLowerTier()
    {
        try (BlockStore store = new BlockStore(context(tempDir, 256 * KIB, MIB, MIB)))
        {
            final byte[] bytes = randomBytes(new Random(9), 700 * KIB + 3);
            final long id = store.allocate(bytes.length, Hint.WARM);
            assertEquals(TierKind.VVRAM, store.tierOf(id), "skips RAM, which it does not fit");
            store.write(id, 0, bytes, 0, bytes.length);
            assertEquals(TierKind.VSSD, store.tierOf(id),
                "the rewritten copy goes where there is room for it beside the old one");
            assertContent(store, id, bytes);

            final byte[] patch = randomBytes(new Random(10), 5000);
            store.write(id, 300_000, patch, 0, patch.length);
            System.arraycopy(patch, 0, bytes, 300_000, patch.length);
            assertContent(store, id, bytes);
            assertFalse(store.prefetch(id));

            final OutOfTierMemoryException ex = assertThrows(OutOfTierMemoryException.class, () -> store.pin(id));
            assertTrue(ex.getMessage().contains("block larger than the tier"), ex.getMessage());
            assertEquals(id, ex.blockId());
        }
    }

    @Test
    void shouldDemoteIntoExtraTierWithChecksumAndNotCloseIt()
    {
        final HeapTier remote = new HeapTier(MIB);
        final byte[] bytes = randomBytes(new Random(4), 50_000);
        final StoreContext ctx = context(tempDir, 256 * KIB, 0, 0).extraTiers(List.of(remote));
        try (BlockStore store = new BlockStore(ctx))
        {
            final long id = allocateWith(store, bytes, Hint.WARM);
            assertTrue(store.demote(id));
            assertEquals(TierKind.REMOTE, store.tierOf(id));

            final CRC32C crc = new CRC32C();
            crc.update(ByteBuffer.wrap(bytes));
            assertEquals((int)crc.getValue(), (int)remote.crcByLocation.values().iterator().next(),
                "the tier is handed the block's CRC32C");

            assertContent(store, id, bytes);
            assertEquals(TierKind.RAM, store.tierOf(id));
            assertTrue(store.demote(id));
            store.allocate(1000, Hint.COLD);
            assertEquals(2, remote.blockCount());
            final TierStats stats = tierStats(store, TierKind.REMOTE);
            assertEquals("REMOTE", stats.name());
            assertEquals(-1, stats.largestFreeExtentBytes());
        }
        assertFalse(remote.closed, "extra tiers belong to the caller");
        assertEquals(0, remote.blockCount(), "the store freed its blocks in the extra tier");
    }

    @Test
    void shouldPreferFastWithoutDemotingOthers()
    {
        try (BlockStore store = new BlockStore(context(tempDir, 256 * KIB, MIB, MIB)))
        {
            final long first = store.allocate(200 * KIB, Hint.WARM);
            final long preferFast = store.allocate(100 * KIB, Hint.PREFER_FAST);

            assertEquals(TierKind.RAM, store.tierOf(first));
            assertEquals(TierKind.VVRAM, store.tierOf(preferFast), "falls to the next tier with room");
            assertEquals(0, store.stats().demotions());

            final long small = store.allocate(10 * KIB, Hint.PREFER_FAST);
            assertEquals(TierKind.RAM, store.tierOf(small), "RAM still has room for a small one");
        }
    }
}
