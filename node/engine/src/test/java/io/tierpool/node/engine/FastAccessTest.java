/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.BlockFreedException;
import io.tierpool.client.ConfigurationException;
import io.tierpool.client.Hint;
import io.tierpool.client.StoreStats;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.allocateWith;
import static io.tierpool.node.engine.StoreTestSupport.assertContent;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The RAM fast path ({@link FastAccess}): reads and writes of blocks settled in RAM take no engine lock, a block freed
 * or moved while a fast access is inside it keeps its RAM extent until the access ends, and a move never loses a
 * fast write in flight. Hooks hold an access or the engine lock up deterministically; no timings are asserted.
 */
@Timeout(60)
class FastAccessTest
{
    private static final int BLOCK = 64 * KIB;

    @TempDir
    Path tempDir;

    @Test
    void shouldReadAndWriteRamBlockWhileAnotherThreadHoldsTheEngineLock() throws Exception
    {
        final Random random = new Random(7);
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try (BlockStore store = new BlockStore(context(tempDir, 4L * BLOCK * 4, 0, 0)))
        {
            final byte[] original = randomBytes(random, BLOCK);
            final long id = allocateWith(store, original, Hint.WARM);
            assertEquals(TierKind.RAM, store.tierOf(id));

            final CountDownLatch held = new CountDownLatch(1);
            final CountDownLatch release = new CountDownLatch(1);
            final Future<?> holder = pool.submit(() ->
            {
                store.lock.lock();
                try
                {
                    held.countDown();
                    release.await(30, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                finally
                {
                    store.lock.unlock();
                }
                return null;
            });
            assertTrue(held.await(10, TimeUnit.SECONDS));

            final byte[] newer = randomBytes(random, BLOCK);
            final byte[] read = new byte[BLOCK];
            final byte[] readBack = new byte[BLOCK];
            final Future<?> access = pool.submit(() ->
            {
                store.read(id, 0, read, 0, BLOCK);
                store.write(id, 0, newer, 0, BLOCK);
                store.read(id, 0, readBack, 0, BLOCK);
                return null;
            });
            try
            {
                access.get(10, TimeUnit.SECONDS);
            }
            catch (final TimeoutException ex)
            {
                release.countDown();
                fail("a read and a write of a block in RAM waited for the engine lock held by another thread");
            }
            assertTrue(store.lock.isLocked(), "the engine lock was held throughout");
            release.countDown();
            holder.get(10, TimeUnit.SECONDS);

            assertArrayEquals(original, read);
            assertArrayEquals(newer, readBack);
            final StoreStats stats = store.stats();
            assertEquals(2, stats.engineTiers().get(0).readLatency().count(), "both fast reads were timed");
            assertEquals(2, stats.engineTiers().get(0).writeLatency().count(), "the initial and the fast write were timed");
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldReadOldBytesWhenBlockIsFreedAndItsRoomReusedDuringAFastRead() throws Exception
    {
        final Random random = new Random(11);
        final ExecutorService pool = Executors.newFixedThreadPool(1);
        try (BlockStore store = new BlockStore(context(tempDir, 8L * BLOCK, 0, 0)))
        {
            final byte[] original = randomBytes(random, BLOCK);
            final long id = allocateWith(store, original, Hint.WARM);
            final long perBlock = store.stats().tier(TierKind.RAM).usedBytes();
            final CountDownLatch inside = new CountDownLatch(1);
            final CountDownLatch proceed = new CountDownLatch(1);
            store.fastAccess.copyHook = () ->
            {
                store.fastAccess.copyHook = null;
                inside.countDown();
                try
                {
                    proceed.await(30, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            };
            final byte[] read = new byte[BLOCK];
            try
            {
                freeDuringRead(store, pool, id, original, perBlock, read, inside, proceed, random);
            }
            finally
            {
                proceed.countDown(); // never leave the read held (close waits for it)
            }
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    private static void freeDuringRead(
        final BlockStore store,
        final ExecutorService pool,
        final long id,
        final byte[] original,
        final long perBlock,
        final byte[] read,
        final CountDownLatch inside,
        final CountDownLatch proceed,
        final Random random) throws Exception
    {
        final Future<?> reader = pool.submit(() ->
        {
            store.read(id, 0, read, 0, BLOCK);
            return null;
        });
        assertTrue(inside.await(10, TimeUnit.SECONDS), "the read registered and stopped before its copy");

        // Freed while the read is inside it: the free does not wait, and its RAM extent is not given back yet.
        store.free(id);
        assertThrows(BlockFreedException.class, () -> store.read(id, 0, new byte[1], 0, 1));
        final long usedWhileReading = store.stats().tier(TierKind.RAM).usedBytes();
        assertEquals(perBlock, usedWhileReading, "the extent stays held while the read is in it");
        // Other blocks of the same size, other bytes (the allocator's thread cache would hand a freed extent
        // straight back): none of them may take the extent being read.
        final long[] others = new long[3];
        final byte[][] otherBytes = new byte[3][];
        for (int i = 0; i < others.length; i++)
        {
            otherBytes[i] = randomBytes(random, BLOCK);
            others[i] = allocateWith(store, otherBytes[i], Hint.WARM);
            assertEquals(TierKind.RAM, store.tierOf(others[i]));
        }

        proceed.countDown();
        reader.get(10, TimeUnit.SECONDS);
        assertArrayEquals(original, read, "the read returned the freed block's own bytes, not another block's");
        assertEquals(3L * perBlock, store.stats().tier(TierKind.RAM).usedBytes(),
            "the last access out gave the freed block's extent back");
        for (int i = 0; i < others.length; i++)
        {
            assertContent(store, others[i], otherBytes[i]);
        }
    }

    @Test
    void shouldNotLoseAFastWriteInFlightWhenTheBlockIsMovedDown() throws Exception
    {
        final Random random = new Random(13);
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try (BlockStore store = new BlockStore(context(tempDir, 8L * BLOCK, 0, 64L * BLOCK)))
        {
            final long id = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);
            final CountDownLatch inside = new CountDownLatch(1);
            final CountDownLatch proceed = new CountDownLatch(1);
            store.fastAccess.copyHook = () ->
            {
                store.fastAccess.copyHook = null;
                inside.countDown();
                try
                {
                    proceed.await(30, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            };
            final byte[] newer = randomBytes(random, BLOCK);
            try
            {
                moveDuringWrite(store, pool, id, newer, inside, proceed);
            }
            finally
            {
                proceed.countDown(); // never leave the write held (close waits for it)
            }
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    private static void moveDuringWrite(
        final BlockStore store,
        final ExecutorService pool,
        final long id,
        final byte[] newer,
        final CountDownLatch inside,
        final CountDownLatch proceed) throws Exception
    {
        final Future<?> writer = pool.submit(() ->
        {
            store.write(id, 0, newer, 0, BLOCK);
            return null;
        });
        assertTrue(inside.await(10, TimeUnit.SECONDS), "the write registered and stopped before its copy");

        // The move stages the block while the write is in flight: its unlocked tries are abandoned at commit
        // (a write in flight), then the locked one waits for the write to end.
        final Future<?> move = pool.submit(() ->
        {
            store.moveTo(id, TierKind.VSSD);
            return null;
        });
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (store.stats().movesAbandoned() < Relocator.MAX_UNLOCKED_MOVE_ATTEMPTS && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertEquals(Relocator.MAX_UNLOCKED_MOVE_ATTEMPTS, store.stats().movesAbandoned(),
            "every unlocked try saw the write in flight");
        assertFalse(move.isDone(), "the locked move waits for the write in flight");
        proceed.countDown();
        writer.get(10, TimeUnit.SECONDS);
        move.get(10, TimeUnit.SECONDS);

        assertEquals(TierKind.VSSD, store.tierOf(id));
        assertContent(store, id, newer);
        assertEquals(0, store.stats().checksumFailures());
    }

    @Test
    void shouldApplyFastAccessesToTheLruOrderBeforeChoosingVictims() throws Exception
    {
        final Random random = new Random(17);
        try (BlockStore store = new BlockStore(context(tempDir, 4L * BLOCK, 0, 64L * BLOCK)
            .hardCapBytes(TierKind.RAM, 4L * BLOCK)))
        {
            final long[] ids = new long[4];
            for (int i = 0; i < ids.length; i++)
            {
                ids[i] = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);
            }
            // Block 0 is the least recently allocated; a fast read makes it the most recently used.
            final byte[] one = new byte[1];
            store.read(ids[0], 0, one, 0, 1);
            // Above the soft cap (0.9 * 4 blocks): the mover demotes the least recently used block, now block 1.
            assertEquals(1, store.runMover());
            assertEquals(TierKind.RAM, store.tierOf(ids[0]));
            assertEquals(TierKind.VSSD, store.tierOf(ids[1]));
        }
    }

    @Test
    void shouldRejectBlockTableStripesThatAreNotAPowerOfTwo()
    {
        for (final int stripes : new int[]{ 0, 3, 100, 8192 })
        {
            final ConfigurationException ex = assertThrows(ConfigurationException.class,
                () -> new BlockStore(context(tempDir, 64 * KIB, 0, 0).blockTableStripes(stripes)));
            assertTrue(ex.getMessage().contains("blockTableStripes=" + stripes), ex.getMessage());
        }
        try (BlockStore store = new BlockStore(context(tempDir, 64 * KIB, 0, 0).blockTableStripes(1)))
        {
            final long id = allocateWith(store, new byte[]{ 1, 2, 3 }, Hint.WARM);
            assertContent(store, id, new byte[]{ 1, 2, 3 });
        }
    }
}
