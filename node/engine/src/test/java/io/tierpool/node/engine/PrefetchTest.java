/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.StoreStats;

import io.tierpool.client.BlockFreedException;
import io.tierpool.client.Hint;
import io.tierpool.client.TierKind;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class PrefetchTest
{
    private static final int BLOCK = 16 * KIB;
    private static final int RAM_BLOCKS = 16;
    private static final int SCAN_BLOCKS = 4 * RAM_BLOCKS;

    @TempDir
    Path tempDir;

    @Test
    void prefetchAsyncMakesALaterReadHitRam()
    {
        final Random random = new Random(3);
        try (BlockStore store = new BlockStore(context(tempDir, MIB, MIB, MIB).prefetchDepth(0)))
        {
            final byte[] bytes = randomBytes(random, BLOCK);
            final long id = allocateWith(store, bytes, Hint.WARM);
            store.moveTo(id, TierKind.VSSD);
            assertEquals(TierKind.VSSD, store.tierOf(id));

            assertTrue(store.prefetchAsync(id));
            assertFalse(store.prefetchAsync(id), "already queued");
            assertEquals(TierKind.VSSD, store.tierOf(id), "asynchronous: nothing moved yet");
            assertEquals(1, store.runPrefetcher());
            assertEquals(TierKind.RAM, store.tierOf(id));
            assertFalse(store.prefetchAsync(id), "already in RAM");

            assertContent(store, id, bytes);
            final StoreStats stats = store.stats();
            assertEquals(1, stats.prefetchRequests());
            assertEquals(1, stats.prefetchesIssued());
            assertEquals(1, stats.prefetchHits());
            assertEquals(1, stats.engineTier(TierKind.VSSD).prefetchesIssued());
            assertEquals(1, stats.engineTier(TierKind.VSSD).prefetchHits());

            // A prefetched block demoted again before use is no hit.
            store.moveTo(id, TierKind.VVRAM);
            assertTrue(store.prefetchAsync(id));
            store.runPrefetcher();
            store.moveTo(id, TierKind.VSSD);
            assertContent(store, id, bytes);
            assertEquals(1, store.stats().prefetchHits());
            assertEquals(2, store.stats().prefetchesIssued());

            store.free(id);
            assertThrows(BlockFreedException.class, () -> store.prefetchAsync(id));
        }
    }

    @Test
    void aFreedBlockInTheQueueIsSkippedAndAFullQueueDrops()
    {
        try (BlockStore store = new BlockStore(context(tempDir, MIB, MIB, 0).prefetchQueueCapacity(1)))
        {
            final long a = store.allocate(BLOCK, Hint.COLD);
            final long b = store.allocate(BLOCK, Hint.COLD);
            assertTrue(store.prefetchAsync(a));
            assertFalse(store.prefetchAsync(b), "queue of 1 is full");
            assertEquals(1, store.stats().prefetchDropped());
            store.free(a);
            assertEquals(1, store.runPrefetcher());
            assertEquals(0, store.stats().prefetchesIssued());
            assertEquals(TierKind.VVRAM, store.tierOf(b));
        }
    }

    @Test
    void sequentialScanIsPrefetchedAheadAndHitsRam()
    {
        final Random random = new Random(4);
        try (BlockStore store = new BlockStore(context(tempDir, (long)RAM_BLOCKS * BLOCK, 8 * MIB, 0)
            .prefetchDepth(4)))
        {
            final List<Long> ids = new ArrayList<>();
            final List<byte[]> contents = new ArrayList<>();
            for (int i = 0; i < SCAN_BLOCKS; i++)
            {
                final byte[] bytes = randomBytes(random, BLOCK);
                ids.add(allocateWith(store, bytes, Hint.WARM));
                contents.add(bytes);
            }
            final StoreStats before = store.stats();

            // Deterministic: the prefetcher's duty cycle runs between reads, as its thread would while the
            // application works on the block it just read.
            for (int i = 0; i < SCAN_BLOCKS; i++)
            {
                assertContent(store, ids.get(i), contents.get(i));
                store.runPrefetcher();
            }

            final StoreStats after = store.stats();
            final long issued = after.prefetchesIssued() - before.prefetchesIssued();
            final long hits = after.prefetchHits() - before.prefetchHits();
            final long demandPromotions = after.promotions() - before.promotions() - issued;
            // Blocks 0..2 establish the sequence and are read from below RAM; every later block is below RAM
            // when its turn comes (the scan itself pushed it out), is prefetched, and hits.
            assertEquals(SCAN_BLOCKS - 3, issued);
            assertEquals(issued, hits, "every prefetched block was read while still in RAM");
            assertEquals(3, demandPromotions);
            System.out.printf("sequential scan over %d blocks (4x RAM), runPrefetcher between reads: %d " +
                "prefetches, %d hits, %d demand promotions, hit rate %.3f%n", SCAN_BLOCKS, issued, hits,
                demandPromotions, (double)hits / (hits + demandPromotions));
        }
    }

    @Test
    void sequentialScanWithThePrefetcherThreadCountsHits()
    {
        final Random random = new Random(6);
        try (BlockStore store = new BlockStore(context(tempDir, (long)RAM_BLOCKS * BLOCK, 8 * MIB, 0)
            .prefetchDepth(8)
            .startPrefetcher(true)))
        {
            final List<Long> ids = new ArrayList<>();
            final List<byte[]> contents = new ArrayList<>();
            for (int i = 0; i < SCAN_BLOCKS; i++)
            {
                final byte[] bytes = randomBytes(random, BLOCK);
                ids.add(allocateWith(store, bytes, Hint.WARM));
                contents.add(bytes);
            }
            final StoreStats before = store.stats();
            final byte[] buffer = new byte[BLOCK];
            long checksum = 0;
            for (int i = 0; i < SCAN_BLOCKS; i++)
            {
                store.read(ids.get(i), 0, buffer, 0, BLOCK);
                assertArrayEquals(contents.get(i), buffer, "block " + ids.get(i));
                // Some work on the block, as a scan would do.
                for (int k = 0; k < 200; k++)
                {
                    for (final byte b : buffer)
                    {
                        checksum += b;
                    }
                }
            }
            final StoreStats after = store.stats();
            final long issued = after.prefetchesIssued() - before.prefetchesIssued();
            final long hits = after.prefetchHits() - before.prefetchHits();
            final long demandPromotions = after.promotions() - before.promotions() - issued;
            assertTrue(hits <= issued);
            assertTrue(after.prefetchRequests() - before.prefetchRequests() > 0, "sequential access was detected");
            assertTrue(hits + demandPromotions <= SCAN_BLOCKS, "a block is a hit or a demand promotion at most once");
            System.out.printf("sequential scan over %d blocks (4x RAM) with the prefetcher thread: %d prefetches, " +
                "%d hits, %d demand promotions; hit rate %.3f of reads that needed a block from below RAM " +
                "(checksum %d)%n", SCAN_BLOCKS, issued, hits, demandPromotions,
                (double)hits / Math.max(1, hits + demandPromotions), checksum);
        }
    }

    @Test
    void moveToMovesBetweenAnyTiersKeepingTheBytes()
    {
        final Random random = new Random(8);
        try (BlockStore store = new BlockStore(context(tempDir, MIB, MIB, MIB)))
        {
            final byte[] bytes = randomBytes(random, BLOCK);
            final long id = allocateWith(store, bytes, Hint.WARM);
            store.moveTo(id, TierKind.VSSD);
            assertEquals(TierKind.VSSD, store.tierOf(id));
            store.moveTo(id, TierKind.VVRAM);
            assertEquals(TierKind.VVRAM, store.tierOf(id));
            store.moveTo(id, TierKind.VVRAM);
            assertEquals(TierKind.VVRAM, store.tierOf(id));
            store.moveTo(id, TierKind.RAM);
            assertEquals(TierKind.RAM, store.tierOf(id));
            store.moveTo(id, TierKind.VVRAM);
            assertContent(store, id, bytes);
            assertEquals(TierKind.RAM, store.tierOf(id), "a read promotes it again");

            final StoreStats stats = store.stats();
            assertEquals(1, stats.engineTier(TierKind.VSSD).promotedBlocks());
            assertEquals(2, stats.engineTier(TierKind.RAM).demotedBlocks());
            assertEquals(2, stats.engineTier(TierKind.VVRAM).promotedBlocks());

            final IllegalArgumentException noTier =
                assertThrows(IllegalArgumentException.class, () -> store.moveTo(id, TierKind.REMOTE));
            assertTrue(noTier.getMessage().contains("no REMOTE tier"), noTier.getMessage());
            assertThrows(IllegalArgumentException.class, () -> store.moveTo(id, null));
            try (StorePinnedBlock ignored = store.pin(id))
            {
                assertThrows(IllegalStateException.class, () -> store.moveTo(id, TierKind.VSSD));
            }
            store.moveTo(id, TierKind.VSSD);
            assertContent(store, id, bytes);
        }
    }
}
