/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.BlockFreedException;
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
 * {@code moveTo} a slower tier follows the move protocol: the copy is written to far memory (a
 * {@link ConcurrentHeapTier} whose writes can be held back on a latch) without the engine lock, so a held move
 * delays no access to another block nor {@code stats()}; a write or free of the block while its move is held makes
 * the move abandon its copy (freed, nothing left behind in far memory) and keeps the block's new bytes. A held call
 * never released expires after 20 s and is reported, so a call that waited behind it fails the test.
 */
@Timeout(60)
class UnlockedMoveToTest
{
    private static final int BLOCK = 4 * KIB;

    @TempDir
    Path tempDir;

    @Test
    void aMoveToFarMemoryHeldBackDelaysNoRamAccessToAnotherBlockNorStats() throws Exception
    {
        final Random random = new Random(61);
        final ConcurrentHeapTier far = new ConcurrentHeapTier(1024 * KIB);
        try (BlockStore store = new BlockStore(context(tempDir, 64 * KIB, 0, 0).extraTiers(List.of(far))))
        {
            final byte[] moved = randomBytes(random, BLOCK);
            final byte[] other = randomBytes(random, BLOCK);
            final long movedId = allocateWith(store, moved, Hint.WARM);
            final long otherId = allocateWith(store, other, Hint.WARM);

            final ConcurrentHeapTier.Hold hold = far.holdNextWrite(movedId);
            final AtomicReference<Throwable> moveFailure = new AtomicReference<>();
            final Thread mover = new Thread(() -> moveToRemote(store, movedId, moveFailure));
            mover.start();
            assertTrue(hold.awaitReached(), "moveTo reached the far-memory write");

            // The write to far memory is held: RAM reads, writes and allocations of other blocks, and stats, go on.
            assertArrayEquals(other, readAll(store, otherId));
            final byte[] newer = randomBytes(random, BLOCK);
            store.write(otherId, 0, newer, 0, BLOCK);
            assertArrayEquals(newer, readAll(store, otherId));
            final byte[] third = randomBytes(random, BLOCK);
            final long thirdId = allocateWith(store, third, Hint.WARM);
            assertEquals(TierKind.RAM, store.tierOf(thirdId));
            assertArrayEquals(third, readAll(store, thirdId));
            assertEquals(3, store.stats().blocks());
            assertFalse(hold.expired, "an access to another block waited for the held moveTo");

            hold.release();
            mover.join();
            assertNull(moveFailure.get());
            assertFalse(hold.expired);
            assertEquals(TierKind.REMOTE, store.tierOf(movedId));
            assertEquals(1, far.writes.get());
            assertEquals(1, store.stats().demotions());
            assertContent(store, movedId, moved);
            assertContent(store, otherId, newer);
            assertContent(store, thirdId, third);
        }
        assertEquals(0, far.blockCount(), "closing the store freed its blocks in far memory");
    }

    @Test
    void aWriteDuringAHeldMoveToAbandonsTheCopyAndTheMoveIsMadeAgainWithTheNewBytes() throws Exception
    {
        final Random random = new Random(67);
        final ConcurrentHeapTier far = new ConcurrentHeapTier(1024 * KIB);
        try (BlockStore store = new BlockStore(context(tempDir, 64 * KIB, 0, 0).extraTiers(List.of(far))))
        {
            final byte[] bytes = randomBytes(random, BLOCK);
            final long id = allocateWith(store, bytes, Hint.WARM);

            final ConcurrentHeapTier.Hold hold = far.holdNextWrite(id);
            final AtomicReference<Throwable> moveFailure = new AtomicReference<>();
            final Thread mover = new Thread(() -> moveToRemote(store, id, moveFailure));
            mover.start();
            assertTrue(hold.awaitReached(), "moveTo reached the far-memory write");

            // The block stays writable where it is while its copy is written; the write does not wait for it.
            final byte[] patch = randomBytes(random, 300);
            store.write(id, 1000, patch, 0, patch.length);
            System.arraycopy(patch, 0, bytes, 1000, patch.length);
            assertArrayEquals(bytes, readAll(store, id), "the block's new bytes, read in RAM during the move");
            assertEquals(TierKind.RAM, store.tierOf(id));
            assertFalse(hold.expired, "the write waited for the held moveTo");

            hold.release();
            mover.join();
            assertNull(moveFailure.get());
            assertFalse(hold.expired);
            assertEquals(1, store.stats().movesAbandoned(), "the copy of the old bytes was abandoned");
            assertEquals(2, far.writes.get(), "moveTo tried again with the new bytes");
            assertEquals(1, far.frees.get(), "the abandoned copy was freed");
            assertEquals(1, far.blockCount(), "one copy of the block in far memory");
            assertEquals(TierKind.REMOTE, store.tierOf(id));
            assertContent(store, id, bytes);
        }
        assertEquals(0, far.blockCount(), "closing the store freed its blocks in far memory");
    }

    @Test
    void aFreeDuringAHeldMoveToAbandonsTheCopyAndMoveToReportsTheBlockFreed() throws Exception
    {
        final Random random = new Random(71);
        final ConcurrentHeapTier far = new ConcurrentHeapTier(1024 * KIB);
        try (BlockStore store = new BlockStore(context(tempDir, 64 * KIB, 0, 0).extraTiers(List.of(far))))
        {
            final long id = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);
            final byte[] other = randomBytes(random, BLOCK);
            final long otherId = allocateWith(store, other, Hint.WARM);

            final ConcurrentHeapTier.Hold hold = far.holdNextWrite(id);
            final AtomicReference<Throwable> moveFailure = new AtomicReference<>();
            final Thread mover = new Thread(() -> moveToRemote(store, id, moveFailure));
            mover.start();
            assertTrue(hold.awaitReached(), "moveTo reached the far-memory write");

            store.free(id);
            assertFalse(hold.expired, "the free waited for the held moveTo");
            hold.release();
            mover.join();
            assertTrue(moveFailure.get() instanceof BlockFreedException, "moveTo reports the block freed: " +
                moveFailure.get());
            assertEquals(0, far.blockCount(), "the abandoned copy was freed");
            assertContent(store, otherId, other);
        }
    }

    private static void moveToRemote(final BlockStore store, final long id, final AtomicReference<Throwable> failure)
    {
        try
        {
            store.moveTo(id, TierKind.REMOTE);
        }
        catch (final Throwable ex)
        {
            failure.set(ex);
        }
    }
}
