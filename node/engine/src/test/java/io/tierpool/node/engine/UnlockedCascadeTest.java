/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.Hint;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.MIB;
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
 * Making room without a mover thread (the caller drives it) follows the move protocol: the demotion out of RAM,
 * the cascade out of a full tier below it, and {@link RoomMaker}'s window demotions write their copies to far memory
 * (a {@link ConcurrentHeapTier} whose writes can be held back on a latch) without the engine lock, so a held write
 * delays no access to another block nor {@code stats()}. A held call never released expires after 20 s and is
 * reported: an access that waited behind it (the lock held across the write) fails the test.
 */
@Timeout(60)
class UnlockedCascadeTest
{
    private static final int BLOCK = 4 * KIB;

    @TempDir
    Path tempDir;

    @Test
    void aDemotionOutOfRamHeldInFarMemoryDelaysNoAccessToAnotherBlock() throws Exception
    {
        final Random random = new Random(73);
        final ConcurrentHeapTier far = new ConcurrentHeapTier(1024 * KIB);
        try (BlockStore store = new BlockStore(context(tempDir, 2L * BLOCK, 0, 0).extraTiers(List.of(far))))
        {
            final byte[] coldest = randomBytes(random, BLOCK);
            final byte[] other = randomBytes(random, BLOCK);
            final long coldestId = allocateWith(store, coldest, Hint.WARM);
            final long otherId = allocateWith(store, other, Hint.WARM);

            // RAM is full: the next allocation demotes the coldest block to far memory itself (no mover).
            final byte[] newest = randomBytes(random, BLOCK);
            final long newestId = allocateWhileHeld(
                store, far.holdNextWrite(coldestId), newest, Hint.WARM, random, otherId, 2);
            assertEquals(TierKind.REMOTE, store.tierOf(coldestId));
            assertEquals(TierKind.RAM, store.tierOf(newestId));
            assertEquals(1, store.stats().demotions());
            assertContent(store, newestId, newest);
            assertContent(store, coldestId, coldest);
        }
        assertEquals(0, far.blockCount(), "closing the store freed its blocks in far memory");
    }

    @Test
    void aCascadeOutOfAFullTierBelowHeldInFarMemoryDelaysNoAccessToAnotherBlock() throws Exception
    {
        final Random random = new Random(79);
        final ConcurrentHeapTier far = new ConcurrentHeapTier(1024 * KIB);
        try (BlockStore store = new BlockStore(context(tempDir, 2L * BLOCK, 0, MIB)
            .hardCapBytes(TierKind.VSSD, BLOCK)
            .extraTiers(List.of(far))))
        {
            final byte[] below = randomBytes(random, BLOCK);
            final long belowId = store.allocate(BLOCK, Hint.COLD, below, 0, BLOCK);
            assertEquals(TierKind.VSSD, store.tierOf(belowId), "the COLD block fills VSSD");
            final byte[] coldest = randomBytes(random, BLOCK);
            final byte[] other = randomBytes(random, BLOCK);
            final long coldestId = allocateWith(store, coldest, Hint.WARM);
            final long otherId = allocateWith(store, other, Hint.WARM);

            // RAM and VSSD are full: the next allocation demotes the coldest RAM block to VSSD, and to make room
            // there first cascades VSSD's block to far memory, where its write is held.
            final byte[] newest = randomBytes(random, BLOCK);
            final long newestId = allocateWhileHeld(
                store, far.holdNextWrite(belowId), newest, Hint.WARM, random, otherId, 3);
            assertEquals(TierKind.REMOTE, store.tierOf(belowId));
            assertEquals(TierKind.VSSD, store.tierOf(coldestId));
            assertEquals(TierKind.RAM, store.tierOf(newestId));
            assertEquals(2, store.stats().demotions());
            assertContent(store, belowId, below);
            assertContent(store, newestId, newest);
            assertContent(store, coldestId, coldest);
        }
    }

    @Test
    void aWindowEmptiedForAPinFastBlockHeldInFarMemoryDelaysNoAccessToAnotherBlock() throws Exception
    {
        final Random random = new Random(83);
        final ConcurrentHeapTier far = new ConcurrentHeapTier(4 * MIB);
        // 1 MiB of RAM: four chunks of 256 KiB. Four 64 KiB WARM blocks fill the lowest chunk.
        try (BlockStore store = new BlockStore(context(tempDir, MIB, 0, 0).extraTiers(List.of(far))))
        {
            final int size = 64 * KIB;
            final byte[][] warm = new byte[4][];
            final long[] warmIds = new long[4];
            for (int i = 0; i < warm.length; i++)
            {
                warm[i] = randomBytes(random, size);
                warmIds[i] = allocateWith(store, warm[i], Hint.WARM);
            }
            final byte[] other = randomBytes(random, BLOCK);
            final long otherId = allocateWith(store, other, Hint.WARM);

            // A PIN_FAST block gathers at RAM's low end: RoomMaker empties a window there by demoting WARM blocks
            // (RAM has the bytes, so only the window's blocks move), the first write of which is held.
            final byte[] pinned = randomBytes(random, 512);
            final long pinnedId = allocateWhileHeld(
                store, far.holdNextWrite(0), pinned, Hint.PIN_FAST, random, otherId, 5);
            assertEquals(TierKind.RAM, store.tierOf(pinnedId));
            assertTrue(far.blockCount() > 0, "the window's blocks went to far memory");
            assertContent(store, pinnedId, pinned);
            for (int i = 0; i < warm.length; i++)
            {
                assertContent(store, warmIds[i], warm[i]);
            }
        }
    }

    /**
     * Allocates a block on another thread, whose demotions to make room reach the far-memory write held back; while
     * it is held, accesses another block in RAM ({@link #accessAnotherBlock}); then lets the write go.
     *
     * @return the new block's id.
     */
    private static long allocateWhileHeld(
        final BlockStore store,
        final ConcurrentHeapTier.Hold hold,
        final byte[] bytes,
        final Hint hint,
        final Random random,
        final long otherId,
        final long blocks) throws InterruptedException
    {
        final AtomicLong id = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread allocator = new Thread(() -> allocate(store, bytes, hint, id, failure));
        allocator.start();
        assertTrue(hold.awaitReached(), "making room reached the held far-memory write");

        accessAnotherBlock(store, random, otherId, blocks);
        assertFalse(hold.expired, "an access to another block waited for the held demotion");

        hold.release();
        allocator.join();
        assertNull(failure.get());
        assertFalse(hold.expired);
        return id.get();
    }

    /**
     * Reads, rewrites and reads again a block in RAM other than the one held, and takes the statistics.
     */
    private static void accessAnotherBlock(
        final BlockStore store, final Random random, final long otherId, final long blocks)
    {
        final byte[] before = readAll(store, otherId);
        final byte[] newer = randomBytes(random, before.length);
        store.write(otherId, 0, newer, 0, newer.length);
        assertArrayEquals(newer, readAll(store, otherId));
        assertEquals(TierKind.RAM, store.tierOf(otherId));
        assertEquals(blocks, store.stats().blocks(), "the block being allocated is not in the table yet");
    }

    private static void allocate(
        final BlockStore store,
        final byte[] bytes,
        final Hint hint,
        final AtomicLong id,
        final AtomicReference<Throwable> failure)
    {
        try
        {
            id.set(store.allocate(bytes.length, hint, bytes, 0, bytes.length));
        }
        catch (final Throwable ex)
        {
            failure.set(ex);
        }
    }
}
