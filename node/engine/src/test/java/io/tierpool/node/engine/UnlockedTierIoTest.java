/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.StoreStats;

import io.tierpool.client.Hint;
import io.tierpool.node.tier.Tier;
import io.tierpool.client.TierKind;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.allocateWith;
import static io.tierpool.node.engine.StoreTestSupport.assertContent;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mover and the prefetcher do their tier I/O without the engine lock: an application call that needs no
 * tier I/O completes while their I/O is held up, and a block written meanwhile is not switched to the stale copy.
 * A gated tier holds the I/O up deterministically.
 */
@Timeout(60)
class UnlockedTierIoTest
{
    private static final int BLOCK = 4 * KIB;

    @TempDir
    Path tempDir;

    @Test
    void aDemotionWritesWithoutTheEngineLockAndIsAbandonedWhenTheBlockIsWrittenMeanwhile() throws Exception
    {
        final Random random = new Random(21);
        try (BlockStore store = new BlockStore(context(tempDir, 64 * KIB, 0, 1024 * KIB)
            .hardCapBytes(TierKind.RAM, 4L * BLOCK)))
        {
            final long[] ids = new long[4];
            for (int i = 0; i < ids.length; i++)
            {
                ids[i] = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);
            }
            // 16 KiB used, above the soft cap (0.9 * 16 KiB): the mover drains to 12 KiB, one block, the LRU one.
            final CountDownLatch reached = new CountDownLatch(1);
            final CountDownLatch gate = new CountDownLatch(1);
            store.unlockedWriteHook(() ->
            {
                store.unlockedWriteHook(null);
                reached.countDown();
                try
                {
                    gate.await(10, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            });
            final Thread mover = new Thread(store::runMover);
            mover.start();
            assertTrue(reached.await(10, TimeUnit.SECONDS), "the mover reached the tier write");

            // The engine lock is free while the mover writes: this write completes.
            final byte[] newer = randomBytes(random, BLOCK);
            store.write(ids[0], 0, newer, 0, BLOCK);
            assertEquals(TierKind.RAM, store.tierOf(ids[0]));

            gate.countDown();
            mover.join();
            // The stale copy of block 0 was freed; the mover moved the next LRU block instead, under the lock.
            assertEquals(TierKind.RAM, store.tierOf(ids[0]));
            assertEquals(TierKind.VSSD, store.tierOf(ids[1]));
            final StoreStats stats = store.stats();
            assertEquals(1, stats.tier(TierKind.VSSD).blockCount());
            assertEquals(1, stats.movesAbandoned());
            assertEquals(3L * BLOCK, stats.tier(TierKind.RAM).usedBytes());
            assertContent(store, ids[0], newer);
        }
    }

    @Test
    void aDemotionIntoAnExtraTierThatIsNotConcurrentIsWrittenWithoutTheEngineLock()
    {
        final Random random = new Random(23);
        final GatedTier far = new GatedTier(new HeapTier(1024 * KIB));
        try (BlockStore store = new BlockStore(context(tempDir, 64 * KIB, 0, 0)
            .hardCapBytes(TierKind.RAM, 4L * BLOCK)
            .extraTiers(List.of(far))))
        {
            final byte[][] contents = new byte[4][];
            final long[] ids = new long[4];
            for (int i = 0; i < ids.length; i++)
            {
                contents[i] = randomBytes(random, BLOCK);
                ids[i] = allocateWith(store, contents[i], Hint.WARM);
            }
            // The tier may key copies by block id: it is written under its slot's I/O lock, not the engine lock.
            final java.util.concurrent.atomic.AtomicInteger unlockedWrites =
                new java.util.concurrent.atomic.AtomicInteger();
            store.unlockedWriteHook(() ->
            {
                assertFalse(store.lock.isHeldByCurrentThread(), "the engine lock is released for the write");
                unlockedWrites.incrementAndGet();
            });
            assertEquals(1, store.runMover());
            assertEquals(1, unlockedWrites.get());
            assertEquals(TierKind.REMOTE, store.tierOf(ids[0]));
            assertEquals(0, store.stats().moverErrors());
            for (int i = 0; i < ids.length; i++)
            {
                assertContent(store, ids[i], contents[i]);
            }
        }
    }

    @Test
    void aPrefetchReadsWithoutTheEngineLockAndLeaksNoRamWhenTheBlockIsFreedMeanwhile() throws Exception
    {
        final Random random = new Random(22);
        final GatedTier far = new GatedTier(new HeapTier(1024 * KIB));
        try (BlockStore store = new BlockStore(context(tempDir, 64 * KIB, 0, 0)
            .hardCapBytes(TierKind.RAM, 4L * BLOCK)
            .extraTiers(List.of(far))))
        {
            final byte[] bytes = randomBytes(random, BLOCK);
            final long remote = allocateWith(store, bytes, Hint.WARM);
            store.moveTo(remote, TierKind.REMOTE);
            final byte[] local = randomBytes(random, BLOCK);
            final long inRam = allocateWith(store, local, Hint.WARM);

            assertTrue(store.prefetchAsync(remote));
            far.gateNextRead();
            final Thread prefetcher = new Thread(store::runPrefetcher);
            prefetcher.start();
            assertTrue(far.awaitGated(), "the prefetcher reached the tier read");
            // RAM room is reserved for the block being read: 2 blocks' worth used, one block live in RAM.
            assertEquals(2L * BLOCK, store.stats().tier(TierKind.RAM).usedBytes());
            store.write(inRam, 0, local, 0, BLOCK);
            assertContent(store, inRam, local);
            far.openGate();
            prefetcher.join();
            assertEquals(TierKind.RAM, store.tierOf(remote));
            assertContent(store, remote, bytes);
            assertEquals(1, store.stats().prefetchHits());

            // Again, but the block is freed while the read is held up: the reserved RAM is given back.
            store.moveTo(remote, TierKind.REMOTE);
            assertTrue(store.prefetchAsync(remote));
            far.gateNextRead();
            final Thread again = new Thread(store::runPrefetcher);
            again.start();
            assertTrue(far.awaitGated());
            final Thread freer = new Thread(() -> store.free(remote));
            freer.start();
            // The free waits for the tier (its I/O lock) while holding the engine lock, so the prefetch cannot
            // switch the block over after the read; give the freer the engine lock first.
            Thread.sleep(200);
            far.openGate();
            again.join();
            freer.join();
            final StoreStats stats = store.stats();
            assertEquals(1, stats.blocks());
            assertEquals(BLOCK, stats.tier(TierKind.RAM).usedBytes(), "no RAM left reserved");
            assertEquals(0, far.blockCount());
            assertEquals(0, stats.prefetchErrors());
        }
    }

    @Test
    void anAccessToABlockBeingPrefetchedWaitsForThePrefetchInsteadOfReadingItTwice() throws Exception
    {
        final Random random = new Random(24);
        final GatedTier far = new GatedTier(new HeapTier(1024 * KIB));
        try (BlockStore store = new BlockStore(context(tempDir, 64 * KIB, 0, 0)
            .hardCapBytes(TierKind.RAM, 4L * BLOCK)
            .extraTiers(List.of(far))))
        {
            final byte[] bytes = randomBytes(random, BLOCK);
            final long id = allocateWith(store, bytes, Hint.WARM);
            store.moveTo(id, TierKind.REMOTE);
            assertTrue(store.prefetchAsync(id));
            far.gateNextRead();
            final Thread prefetcher = new Thread(store::runPrefetcher);
            prefetcher.start();
            assertTrue(far.awaitGated());

            final byte[] copy = new byte[BLOCK];
            final Thread reader = new Thread(() -> store.read(id, 0, copy, 0, BLOCK));
            reader.start();
            reader.join(200);
            assertTrue(reader.isAlive(), "the read waits for the prefetch in flight");
            far.openGate();
            prefetcher.join();
            reader.join();
            assertArrayEquals(bytes, copy);
            final StoreStats stats = store.stats();
            assertEquals(1, stats.prefetchesIssued());
            assertEquals(1, stats.prefetchHits());
            assertEquals(0, stats.movesAbandoned());
            assertEquals(1, stats.engineTier(TierKind.REMOTE).promotedBlocks(), "read from far memory once");
        }
    }

    /**
     * A tier that holds up its next read until the test opens the gate.
     */
    private static final class GatedTier implements Tier
    {
        private final HeapTier delegate;
        private final AtomicBoolean gateRead = new AtomicBoolean();
        private volatile CountDownLatch reached = new CountDownLatch(1);
        private volatile CountDownLatch gate = new CountDownLatch(0);

        GatedTier(final HeapTier delegate)
        {
            this.delegate = delegate;
        }

        void gateNextRead()
        {
            arm();
            gateRead.set(true);
        }

        private void arm()
        {
            reached = new CountDownLatch(1);
            gate = new CountDownLatch(1);
        }

        boolean awaitGated() throws InterruptedException
        {
            return reached.await(10, TimeUnit.SECONDS);
        }

        void openGate()
        {
            gate.countDown();
        }

        private void pass()
        {
            reached.countDown();
            try
            {
                if (!gate.await(10, TimeUnit.SECONDS))
                {
                    throw new IllegalStateException("gate never opened");
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
        }

        public TierKind kind()
        {
            return delegate.kind();
        }

        public String name()
        {
            return delegate.name();
        }

        public long capacityBytes()
        {
            return delegate.capacityBytes();
        }

        public long usedBytes()
        {
            return delegate.usedBytes();
        }

        public long blockCount()
        {
            return delegate.blockCount();
        }

        public long write(final long blockId, final DirectBuffer src, final int srcOffset, final int length, final int crc)
        {
            return delegate.write(blockId, src, srcOffset, length, crc);
        }

        public void read(
            final long blockId, final long location, final MutableDirectBuffer dst, final int dstOffset, final int length)
        {
            if (gateRead.compareAndSet(true, false))
            {
                pass();
            }
            delegate.read(blockId, location, dst, dstOffset, length);
        }

        public void free(final long blockId, final long location)
        {
            delegate.free(blockId, location);
        }

        public void close()
        {
            delegate.close();
        }
    }
}
