/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.StoreStats;

import io.tierpool.client.Hint;
import io.tierpool.client.TierKind;
import io.tierpool.client.TierStats;
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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retained clean copies: a block promoted from VSSD keeps its copy there while unchanged, goes back to it without
 * a write, loses it on the first write, pin or free, and never keeps a block from being placed.
 */
@Timeout(60)
class RetainedCopyTest
{
    private static final int BLOCK = 64 * KIB + 7;

    @TempDir
    Path tempDir;

    private final Random random = new Random(5);

    @Test
    void shouldReturnAnUnchangedBlockToItsCopyWithoutWritingIt()
    {
        try (BlockStore store = new BlockStore(context(tempDir, MIB, 0, 4 * MIB)))
        {
            final byte[] bytes = randomBytes(random, BLOCK);
            final long id = allocateWith(store, bytes, Hint.WARM);
            assertTrue(store.demote(id));
            final long vssdAllocations = vssdAllocations(store);

            assertContent(store, id, bytes);
            assertEquals(TierKind.RAM, store.tierOf(id));
            StoreStats stats = store.stats();
            assertEquals(1, stats.retainedCopies());
            assertEquals(1, stats.tier(TierKind.VSSD).blockCount(), "the copy stays in VSSD");

            assertTrue(store.demote(id));
            stats = store.stats();
            assertEquals(TierKind.VSSD, store.tierOf(id));
            assertEquals(1, stats.copyReturns());
            assertEquals(0, stats.retainedCopies());
            assertEquals(vssdAllocations, vssdAllocations(store), "no new copy was written");
            assertEquals(1, stats.tier(TierKind.VSSD).blockCount());
            assertContent(store, id, bytes);
            assertEquals(0, store.stats().checksumFailures());
        }
    }

    @Test
    void shouldDropTheCopyOnWritePinAndFree()
    {
        try (BlockStore store = new BlockStore(context(tempDir, MIB, 0, 4 * MIB)))
        {
            final byte[] written = randomBytes(random, BLOCK);
            final long writtenId = allocateWith(store, written, Hint.WARM);
            final byte[] pinned = randomBytes(random, BLOCK);
            final long pinnedId = allocateWith(store, pinned, Hint.WARM);
            final long freedId = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);
            for (final long id : new long[]{ writtenId, pinnedId, freedId })
            {
                assertTrue(store.demote(id));
                store.read(id, 0, new byte[1], 0, 1);
            }
            assertEquals(3, store.stats().retainedCopies());

            written[10] = (byte)(written[10] + 1);
            store.write(writtenId, 10, written, 10, 1);
            try (StorePinnedBlock view = store.pin(pinnedId))
            {
                pinned[20] = (byte)(pinned[20] + 1);
                view.buffer().putByte(20, pinned[20]);
            }
            store.free(freedId);
            final StoreStats stats = store.stats();
            assertEquals(0, stats.retainedCopies());
            assertEquals(3, stats.copiesDropped());
            assertEquals(0, stats.tier(TierKind.VSSD).usedBytes(), "every copy freed");

            // Their next demotions write the new bytes with a fresh checksum.
            assertTrue(store.demote(writtenId));
            assertTrue(store.demote(pinnedId));
            assertEquals(0, store.stats().copyReturns());
            assertContent(store, writtenId, written);
            assertContent(store, pinnedId, pinned);
            assertEquals(0, store.stats().checksumFailures());
        }
    }

    @Test
    void shouldDropCopiesToMakeRoomAndNeverRefuseABlockBecauseOfThem()
    {
        // VSSD holds 16 blocks; 12 copies fill most of it, then 12 new blocks need its room.
        final long vssd = 16L * (BLOCK + 64);
        try (BlockStore store = new BlockStore(context(tempDir, 2 * MIB, 0, vssd)))
        {
            final List<Long> ids = new ArrayList<>();
            final List<byte[]> contents = new ArrayList<>();
            for (int i = 0; i < 12; i++)
            {
                final byte[] bytes = randomBytes(random, BLOCK);
                contents.add(bytes);
                final long id = allocateWith(store, bytes, Hint.WARM);
                ids.add(id);
                assertTrue(store.demote(id));
                assertContent(store, id, bytes);
            }
            assertEquals(12, store.stats().retainedCopies());

            for (int i = 0; i < 12; i++)
            {
                final byte[] bytes = randomBytes(random, BLOCK);
                contents.add(bytes);
                final long id = store.allocate(BLOCK, Hint.COLD, bytes, 0, BLOCK);
                ids.add(id);
                assertEquals(TierKind.VSSD, store.tierOf(id), "COLD goes below RAM, where copies make way");
            }
            final StoreStats stats = store.stats();
            assertTrue(stats.copiesDropped() >= 8, stats.toString());
            final TierStats vssdStats = stats.tier(TierKind.VSSD);
            assertTrue(vssdStats.usedBytes() <= vssdStats.capacityBytes());
            for (int i = 0; i < ids.size(); i++)
            {
                assertContent(store, ids.get(i), contents.get(i));
            }
        }
    }

    @Test
    void shouldDrainRetainedCopiesFirstWhenTheirTierPassesItsSoftCap()
    {
        try (BlockStore store = new BlockStore(context(tempDir, 4 * MIB, 2 * MIB, 16 * MIB)))
        {
            final List<Long> ids = new ArrayList<>();
            final List<byte[]> contents = new ArrayList<>();
            // 30 blocks of 64 KiB demoted to VVRAM (1.9 MiB of its 2 MiB), then read back: VVRAM keeps their copies.
            for (int i = 0; i < 30; i++)
            {
                final byte[] bytes = randomBytes(random, BLOCK);
                contents.add(bytes);
                final long id = allocateWith(store, bytes, Hint.WARM);
                ids.add(id);
                assertTrue(store.demote(id));
            }
            for (int i = 0; i < ids.size(); i++)
            {
                assertContent(store, ids.get(i), contents.get(i));
            }
            final TierStats vvram = store.stats().tier(TierKind.VVRAM);
            assertEquals(30, store.stats().retainedCopies());
            assertTrue(vvram.usedBytes() >= 0.9 * 2 * MIB, "copies alone pass VVRAM's soft cap: " + vvram);

            store.runMover();
            final StoreStats stats = store.stats();
            assertTrue(stats.tier(TierKind.VVRAM).usedBytes() <= 0.75 * 2 * MIB, stats.tier(TierKind.VVRAM).toString());
            assertEquals(0, stats.tier(TierKind.VSSD).blockCount(), "copies are dropped, not demoted");
            assertTrue(stats.copiesDropped() > 0);
            for (int i = 0; i < ids.size(); i++)
            {
                assertEquals(TierKind.RAM, store.tierOf(ids.get(i)));
                assertContent(store, ids.get(i), contents.get(i));
            }
        }
    }

    @Test
    void shouldFreeTheLowerCopyWhenRetainingIsOff()
    {
        try (BlockStore store = new BlockStore(context(tempDir, MIB, 0, 4 * MIB).retainCleanCopies(false)))
        {
            final byte[] bytes = randomBytes(random, BLOCK);
            final long id = allocateWith(store, bytes, Hint.WARM);
            assertTrue(store.demote(id));
            assertContent(store, id, bytes);
            final StoreStats stats = store.stats();
            assertEquals(0, stats.retainedCopies());
            assertEquals(0, stats.tier(TierKind.VSSD).usedBytes());
            assertTrue(store.demote(id));
            assertEquals(0, store.stats().copyReturns());
            assertContent(store, id, bytes);
        }
    }

    private static long vssdAllocations(final BlockStore store)
    {
        return store.stats().engineTier(TierKind.VSSD).allocator().allocations();
    }
}
