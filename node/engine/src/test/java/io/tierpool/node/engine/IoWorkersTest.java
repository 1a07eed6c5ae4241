/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.StoreStats;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.Hint;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.MIB;
import static io.tierpool.node.engine.StoreTestSupport.allocateWith;
import static io.tierpool.node.engine.StoreTestSupport.assertContent;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The I/O worker pool, demotion batches and checksum reuse for clean blocks: data read back equals data written
 * whichever way the blocks moved.
 */
@Timeout(120)
class IoWorkersTest
{
    @TempDir
    Path tempDir;

    private final Random random = new Random(41);

    @Test
    void shouldDemoteSmallBlocksInBatchesAndReadThemBackIntact()
    {
        try (BlockStore store = new BlockStore(context(tempDir, MIB, 0, 16 * MIB).demotionBatchBytes(256 * KIB)))
        {
            final List<Long> ids = new ArrayList<>();
            final List<byte[]> contents = new ArrayList<>();
            while (store.stats().tier(TierKind.RAM).usedBytes() < 0.93 * MIB)
            {
                // Sizes of one size class (1793-2048 bytes: the 2 KiB class), so that RAM fills evenly.
                final byte[] bytes = randomBytes(random, 1793 + random.nextInt(256));
                contents.add(bytes);
                ids.add(allocateWith(store, bytes, Hint.WARM));
            }
            assertEquals(0, store.stats().demotions(), "RAM filled below its hard cap");
            assertTrue(store.runMover() > 0);

            final StoreStats stats = store.stats();
            assertTrue(stats.demotionBatches() > 0, "small blocks moved in batches: " + stats);
            assertTrue(stats.batchedDemotions() <= stats.demotions());
            assertTrue(stats.batchedDemotions() >= 2 * stats.demotionBatches(), "a batch holds several blocks");
            final long ramUsed = stats.tier(TierKind.RAM).usedBytes();
            final double drainTarget = MIB * StoreConfiguration.LOW_WATERMARK_DEFAULT;
            assertTrue(ramUsed <= drainTarget && ramUsed > drainTarget - 8 * KIB,
                "drained to the drain target and a batch does not overshoot it by more than one block: " + ramUsed);
            for (int i = 0; i < ids.size(); i++)
            {
                assertContent(store, ids.get(i), contents.get(i));
            }
        }
    }

    @Test
    void shouldDemoteOneBlockAtATimeWithoutBatching()
    {
        try (BlockStore store = new BlockStore(context(tempDir, MIB, 0, 16 * MIB).demotionBatchBytes(0)))
        {
            final List<Long> ids = new ArrayList<>();
            final List<byte[]> contents = new ArrayList<>();
            for (int i = 0; i < 120; i++)
            {
                final byte[] bytes = randomBytes(random, 8 * KIB);
                contents.add(bytes);
                ids.add(allocateWith(store, bytes, Hint.WARM));
            }
            assertTrue(store.runMover() > 0);
            final StoreStats stats = store.stats();
            assertEquals(0, stats.demotionBatches());
            assertEquals(0, stats.batchedDemotions());
            for (int i = 0; i < ids.size(); i++)
            {
                assertContent(store, ids.get(i), contents.get(i));
            }
        }
    }

    @Test
    void shouldKeepCleanAndWrittenBlocksIntactAcrossRepeatedMoves()
    {
        try (BlockStore store = new BlockStore(context(tempDir, MIB, MIB, 16 * MIB)))
        {
            final List<Long> ids = new ArrayList<>();
            final List<byte[]> contents = new ArrayList<>();
            for (int i = 0; i < 64; i++)
            {
                final byte[] bytes = randomBytes(random, 32 * KIB + random.nextInt(KIB));
                contents.add(bytes);
                ids.add(allocateWith(store, bytes, Hint.WARM));
            }
            for (int round = 0; round < 6; round++)
            {
                for (int i = 0; i < ids.size(); i++)
                {
                    final long id = ids.get(i);
                    if (random.nextInt(3) == 0)
                    {
                        // Written: its checksum is taken afresh when it next leaves RAM.
                        final byte[] bytes = contents.get(i);
                        final int offset = random.nextInt(bytes.length);
                        bytes[offset] = (byte)random.nextInt();
                        store.write(id, offset, bytes, offset, 1);
                    }
                    else
                    {
                        // Only read: it leaves RAM again with the checksum verified when it came up.
                        assertContent(store, id, contents.get(i));
                    }
                    store.moveTo(id, round % 2 == 0 ? TierKind.VSSD : TierKind.VVRAM);
                }
                store.runMover();
                for (int i = 0; i < ids.size(); i++)
                {
                    assertContent(store, ids.get(i), contents.get(i));
                }
            }
            assertEquals(0, store.stats().checksumFailures());
        }
    }

    @Test
    void shouldMoveBlocksThroughTheWorkersAndStopThemOnClose() throws InterruptedException
    {
        final List<Long> ids = new ArrayList<>();
        final List<byte[]> contents = new ArrayList<>();
        try (BlockStore store = new BlockStore(context(tempDir, 2 * MIB, 2 * MIB, 32 * MIB)
            .startMover(true)
            .startPrefetcher(true)
            .ioWorkers(3)))
        {
            assertEquals(3, countWorkerThreads());
            for (int i = 0; i < 160; i++)
            {
                final byte[] bytes = randomBytes(random, 1 + random.nextInt(128 * KIB));
                contents.add(bytes);
                ids.add(allocateWith(store, bytes, i % 3 == 0 ? Hint.COLD : Hint.WARM));
            }
            awaitDrained(store);
            final StoreStats drained = store.stats();
            assertEquals(3, drained.ioWorkers());
            assertTrue(drained.demotions() > 0, drained.toString());

            // Sequential reads: the detector queues the next blocks, the workers bring them up.
            for (int pass = 0; pass < 2; pass++)
            {
                for (int i = 0; i < ids.size(); i++)
                {
                    assertContent(store, ids.get(i), contents.get(i));
                }
            }
            final StoreStats after = store.stats();
            assertTrue(after.prefetchRequests() > 0, after.toString());
            assertEquals(0, after.checksumFailures());
            assertEquals(0, after.moverErrors());
            assertEquals(0, after.prefetchErrors());
        }
        assertEquals(0, countWorkerThreads(), "the workers stop with the store");
    }

    @Test
    void shouldRejectBadWorkerAndBatchSettings()
    {
        final ConfigurationException workers = assertThrows(ConfigurationException.class,
            () -> new BlockStore(context(tempDir, MIB, 0, 0).ioWorkers(-1)));
        assertTrue(workers.getMessage().contains("ioWorkers=-1"), workers.getMessage());
        final ConfigurationException batch = assertThrows(ConfigurationException.class,
            () -> new BlockStore(context(tempDir, MIB, 0, 0).demotionBatchBytes(-5)));
        assertTrue(batch.getMessage().contains("demotionBatchBytes=-5"), batch.getMessage());
        final ConfigurationException block = assertThrows(ConfigurationException.class,
            () -> new BlockStore(context(tempDir, MIB, 0, 0).demotionBatchBlockBytes(0)));
        assertTrue(block.getMessage().contains("demotionBatchBlockBytes=0"), block.getMessage());
    }

    private static void awaitDrained(final BlockStore store) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (store.stats().tier(TierKind.RAM).usedBytes() > 2 * MIB * StoreConfiguration.HIGH_WATERMARK_DEFAULT)
        {
            assertTrue(System.nanoTime() < deadline, "the mover drains RAM below its soft cap");
            Thread.sleep(10);
        }
    }

    private static int countWorkerThreads()
    {
        int count = 0;
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().startsWith(IoWorkers.THREAD_NAME_PREFIX) && thread.isAlive())
            {
                count++;
            }
        }
        return count;
    }
}
