/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.StoreStats;

import io.tierpool.client.Hint;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.allocateWith;
import static io.tierpool.node.engine.StoreTestSupport.assertContent;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static io.tierpool.node.engine.StoreTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An extra tier that keeps the {@link io.tierpool.node.tier.Tier#concurrentIo()} contract (far memory) is written,
 * read and freed without the engine lock: a write or read to it held back on a latch delays no access to another
 * block, a held-back promotion delays only the accessors of its block, and a block read back from it keeps its copy
 * there while unchanged. A held call that is never released expires after 20 s and is reported, so a call that
 * waited behind it fails the test rather than hanging it.
 */
@Timeout(60)
class UnlockedFarTierTest
{
    private static final int BLOCK = 4 * KIB;

    @TempDir
    Path tempDir;

    @Test
    void aDemotionHeldBackInFarMemoryDelaysNoAccessToAnotherBlockNorStats() throws Exception
    {
        final Random random = new Random(31);
        final ConcurrentHeapTier far = new ConcurrentHeapTier(1024 * KIB);
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
            final ConcurrentHeapTier.Hold hold = far.holdNextWrite(0);
            final AtomicReference<Throwable> moverFailure = new AtomicReference<>();
            final Thread mover = new Thread(() ->
            {
                try
                {
                    store.runMover();
                }
                catch (final Throwable ex)
                {
                    moverFailure.set(ex);
                }
            });
            mover.start();
            assertTrue(hold.awaitReached(), "the mover reached the far-memory write");

            // The write to far memory is held: RAM reads and writes of another block, and stats, go on.
            final byte[] newer = randomBytes(random, BLOCK);
            store.write(ids[3], 0, newer, 0, BLOCK);
            contents[3] = newer;
            assertArrayEquals(newer, readAll(store, ids[3]));
            final StoreStats during = store.stats();
            assertEquals(4, during.blocks());
            assertFalse(hold.expired, "the access waited for the held far-memory write");

            hold.release();
            mover.join();
            assertNull(moverFailure.get());
            assertFalse(hold.expired);
            assertEquals(TierKind.REMOTE, store.tierOf(ids[0]), "the least recently used block went to far memory");
            assertEquals(0, store.stats().moverErrors());
            for (int i = 0; i < ids.length; i++)
            {
                assertContent(store, ids[i], contents[i]);
            }
        }
        assertEquals(0, far.blockCount(), "closing the store freed its blocks in far memory");
    }

    @Test
    void aPromotionHeldBackInFarMemoryDelaysOnlyAccessorsOfThatBlock() throws Exception
    {
        final Random random = new Random(37);
        final ConcurrentHeapTier far = new ConcurrentHeapTier(1024 * KIB);
        try (BlockStore store = new BlockStore(context(tempDir, 64 * KIB, 0, 0)
            .extraTiers(List.of(far))))
        {
            final byte[] farBytes = randomBytes(random, BLOCK);
            final byte[] ramBytes = randomBytes(random, BLOCK);
            final long farId = allocateWith(store, farBytes, Hint.WARM);
            final long ramId = allocateWith(store, ramBytes, Hint.WARM);
            store.moveTo(farId, TierKind.REMOTE);
            assertEquals(TierKind.REMOTE, store.tierOf(farId));

            final ConcurrentHeapTier.Hold hold = far.holdNextRead(farId);
            final AtomicReference<byte[]> firstRead = new AtomicReference<>();
            final AtomicReference<byte[]> secondRead = new AtomicReference<>();
            final Thread first = new Thread(() -> firstRead.set(readAll(store, farId)));
            first.start();
            assertTrue(hold.awaitReached(), "the first reader is promoting the block");

            // A second reader of the same block waits for that promotion...
            final Thread second = new Thread(() -> secondRead.set(readAll(store, farId)));
            second.start();
            while (second.getState() != Thread.State.WAITING && second.isAlive())
            {
                Thread.yield();
            }
            assertNull(secondRead.get(), "the second reader waits for the promotion in flight");

            // ...while another block is read, written and pinned, and stats are taken.
            final byte[] newer = randomBytes(random, BLOCK);
            store.write(ramId, 0, newer, 0, BLOCK);
            assertArrayEquals(newer, readAll(store, ramId));
            try (StorePinnedBlock pin = store.pin(ramId))
            {
                assertEquals(newer[7], pin.buffer().getByte(7));
            }
            assertEquals(2, store.stats().blocks());
            assertFalse(hold.expired, "an access to another block waited for the held promotion");

            hold.release();
            first.join();
            second.join();
            assertFalse(hold.expired);
            assertArrayEquals(farBytes, firstRead.get());
            assertArrayEquals(farBytes, secondRead.get());
            assertEquals(1, far.reads.get(), "the second reader found the block in RAM: one far read");
            assertEquals(TierKind.RAM, store.tierOf(farId));
            assertEquals(1, store.stats().promotions());
        }
    }

    @Test
    void aBlockReadBackFromFarMemoryKeepsItsCopyThereAndDemotesWithoutAWrite()
    {
        final Random random = new Random(41);
        final ConcurrentHeapTier far = new ConcurrentHeapTier(1024 * KIB);
        try (BlockStore store = new BlockStore(context(tempDir, 64 * KIB, 0, 0)
            .hardCapBytes(TierKind.RAM, 4L * BLOCK)
            .extraTiers(List.of(far))))
        {
            final byte[] bytes = randomBytes(random, BLOCK);
            final long id = allocateWith(store, bytes, Hint.WARM);
            store.moveTo(id, TierKind.REMOTE);
            assertEquals(1, far.writes.get());

            assertContent(store, id, bytes);
            assertEquals(TierKind.RAM, store.tierOf(id));
            assertEquals(1, store.stats().retainedCopies(), "the far copy is kept while the block is unchanged");
            assertEquals(0, far.frees.get());

            store.moveTo(id, TierKind.REMOTE);
            assertEquals(TierKind.REMOTE, store.tierOf(id));
            assertEquals(1, far.writes.get(), "demoting it again sent nothing");
            assertEquals(1, store.stats().copyReturns());

            // Read back again, then demoted by the mover: again no write.
            assertContent(store, id, bytes);
            final long[] others = new long[3];
            for (int i = 0; i < others.length; i++)
            {
                others[i] = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);
            }
            store.runMover();
            assertEquals(TierKind.REMOTE, store.tierOf(id), "the least recently used block went back down");
            assertEquals(1, far.writes.get(), "switched back to its far copy: nothing sent");
            assertEquals(2, store.stats().copyReturns());

            // Written after it came up: the far copy is stale and freed (after the lock), the next demotion sends it.
            assertContent(store, id, bytes);
            final byte[] newer = randomBytes(random, BLOCK);
            store.write(id, 0, newer, 0, BLOCK);
            assertEquals(1, far.frees.get(), "the stale far copy was freed");
            assertEquals(0, store.stats().retainedCopies());
            store.moveTo(id, TierKind.REMOTE);
            assertEquals(2, far.writes.get());
            assertContent(store, id, newer);
        }
    }

    @Test
    void aBlockTooLargeForRamIsAccessedInFarMemoryWithoutDelayingOtherBlocks() throws Exception
    {
        final Random random = new Random(53);
        final ConcurrentHeapTier far = new ConcurrentHeapTier(1024 * KIB);
        try (BlockStore store = new BlockStore(context(tempDir, 64 * KIB, 0, 0)
            .hardCapBytes(TierKind.RAM, 4L * BLOCK)
            .extraTiers(List.of(far))))
        {
            final byte[] large = randomBytes(random, 8 * BLOCK);
            final long largeId = allocateWith(store, large, Hint.WARM);
            assertEquals(TierKind.REMOTE, store.tierOf(largeId), "larger than RAM's hard cap: placed below");
            final byte[] small = randomBytes(random, BLOCK);
            final long smallId = allocateWith(store, small, Hint.WARM);

            final ConcurrentHeapTier.Hold hold = far.holdNextRead(largeId);
            final AtomicReference<byte[]> read = new AtomicReference<>();
            final Thread reader = new Thread(() -> read.set(readAll(store, largeId)));
            reader.start();
            assertTrue(hold.awaitReached(), "the reader is reading the block in far memory");

            // A writer of the same block waits for the read; other blocks and stats do not.
            final byte[] patch = randomBytes(random, 100);
            final Thread writer = new Thread(() -> store.write(largeId, 1000, patch, 0, patch.length));
            writer.start();
            while (writer.getState() != Thread.State.WAITING && writer.isAlive())
            {
                Thread.yield();
            }
            assertArrayEquals(small, readAll(store, smallId));
            store.write(smallId, 0, patch, 0, patch.length);
            final long allocated = store.allocate(BLOCK, Hint.COLD);
            assertEquals(TierKind.REMOTE, store.tierOf(allocated));
            assertEquals(3, store.stats().blocks());
            assertFalse(hold.expired, "an access to another block waited for the held far-memory read");

            hold.release();
            reader.join();
            writer.join();
            assertFalse(hold.expired);
            assertArrayEquals(large, read.get(), "the read saw the block before the write");
            System.arraycopy(patch, 0, large, 1000, patch.length);
            assertContent(store, largeId, large);
            assertEquals(TierKind.REMOTE, store.tierOf(largeId));
        }
        assertEquals(0, far.blockCount(), "no copy left behind in far memory");
    }

    @Test
    void closeWaitsForAPromotionReadingIntoRamAndTheReaderSeesTheStoreClosed() throws Exception
    {
        final Random random = new Random(59);
        final ConcurrentHeapTier far = new ConcurrentHeapTier(1024 * KIB);
        final BlockStore store = new BlockStore(context(tempDir, 64 * KIB, 0, 0).extraTiers(List.of(far)));
        final long id = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);
        store.moveTo(id, TierKind.REMOTE);

        final ConcurrentHeapTier.Hold hold = far.holdNextRead(id);
        final AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        final Thread reader = new Thread(() ->
        {
            try
            {
                readAll(store, id);
            }
            catch (final Throwable ex)
            {
                readerFailure.set(ex);
            }
        });
        reader.start();
        assertTrue(hold.awaitReached(), "the reader is promoting the block");

        final Thread closer = new Thread(store::close);
        closer.start();
        while (closer.getState() != Thread.State.WAITING && closer.isAlive())
        {
            Thread.yield();
        }
        assertTrue(closer.isAlive(), "close waits for the promotion writing into RAM");

        hold.release();
        closer.join();
        reader.join();
        assertFalse(hold.expired);
        assertTrue(readerFailure.get() instanceof IllegalStateException, "the reader found the store closed: " +
            readerFailure.get());
        assertTrue(store.isClosed());
        assertEquals(0, far.blockCount(), "closing the store freed its block in far memory");
    }
}
