/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.Hint;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.MIB;
import static io.tierpool.node.engine.StoreTestSupport.allocateWith;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.countEntries;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static io.tierpool.node.engine.StoreTestSupport.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BlockStore#close()} from one thread while another is blocked in a tier call made without the engine lock
 * (a promotion reading far memory, a new block written below RAM, a host write rewriting a DEVICE block): close waits
 * for the call (it writes into memory that close releases) without holding the lock, so the statistics answer
 * meanwhile; once the call is let go both finish, nothing deadlocks, the blocked call reports the store closed, and
 * neither far memory, the DEVICE tier nor the store's directories keep anything (the owned tiers are closed after the
 * lock is released).
 */
@Timeout(60)
class CloseWhileHeldTest
{
    private static final int BLOCK = 4 * KIB;

    @TempDir
    Path tempDir;

    @Test
    void closeWhileAPromotionIsHeldInFarMemoryFinishesAndLeavesNothing() throws Exception
    {
        final Random random = new Random(157);
        final ConcurrentHeapTier far = new ConcurrentHeapTier(MIB);
        final BlockStore store = new BlockStore(context(tempDir, 256 * KIB, 256 * KIB, 256 * KIB)
            .extraTiers(List.of(far)));
        final long farId = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);
        allocateWith(store, randomBytes(random, BLOCK), Hint.COLD);
        store.moveTo(farId, TierKind.REMOTE);

        final ConcurrentHeapTier.Hold hold = far.holdNextRead(farId);
        closeWhileHeld(store, hold, () -> store.read(farId, 0, new byte[BLOCK], 0, BLOCK));
        assertEquals(0, far.blockCount(), "closing the store freed its blocks in far memory");
        assertNoFiles();
    }

    @Test
    void closeWhileANewBlockIsHeldOnItsWriteBelowRamFinishesAndLeavesNothing() throws Exception
    {
        final Random random = new Random(163);
        final ConcurrentHeapTier far = new ConcurrentHeapTier(MIB);
        final BlockStore store = new BlockStore(context(tempDir, 256 * KIB, 256 * KIB, 0)
            .hardCapBytes(TierKind.VVRAM, BLOCK)
            .extraTiers(List.of(far)));
        // Fills VVRAM (allocated with its bytes: a write would bring it to RAM): the next COLD block goes to far.
        store.allocate(BLOCK, Hint.COLD, randomBytes(random, BLOCK), 0, BLOCK);

        final ConcurrentHeapTier.Hold hold = far.holdNextWrite(0);
        final byte[] cold = randomBytes(random, BLOCK);
        closeWhileHeld(store, hold, () -> store.allocate(BLOCK, Hint.COLD, cold, 0, BLOCK));
        assertEquals(0, far.blockCount(), "the copy written after close was freed");
        assertNoFiles();
    }

    @Test
    void closeWhileAHostWriteOfADeviceBlockIsHeldFinishesAndLeavesNothing() throws Exception
    {
        final Random random = new Random(167);
        final HeapDeviceTier device = new HeapDeviceTier(4 * BLOCK);
        final BlockStore store = new BlockStore(context(tempDir, 256 * KIB, 256 * KIB, 256 * KIB).deviceTier(device));
        final long id = store.allocate(BLOCK, Hint.DEVICE, randomBytes(random, BLOCK), 0, BLOCK);

        final ConcurrentHeapTier.Hold hold = device.holdNextWrite(id);
        final byte[] newer = randomBytes(random, BLOCK);
        closeWhileHeld(store, hold, () -> store.write(id, 0, newer, 0, BLOCK));
        assertEquals(0, device.usedBytes(), "the store freed its blocks in the DEVICE tier, the new copy too");
        assertNoFiles();
    }

    /**
     * Runs a store call on another thread, whose tier call is held back; closes the store on a third thread, which
     * waits for the held call; takes the statistics meanwhile; lets the call go; both threads finish, the call failing
     * with the store closed (or having finished before close).
     */
    private static void closeWhileHeld(
        final BlockStore store, final ConcurrentHeapTier.Hold hold, final Executable call) throws InterruptedException
    {
        final AtomicReference<Throwable> callFailure = new AtomicReference<>();
        final AtomicReference<Throwable> closeFailure = new AtomicReference<>();
        final Thread caller = start(call, callFailure);
        assertTrue(hold.awaitReached(), "the call reached the held tier call");
        final Thread closer = start(store::close, closeFailure);
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!store.isClosed() && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertTrue(store.isClosed(), "close() began while the tier call was held");
        assertTrue(store.stats().blocks() >= 0, "stats() answers while close waits for the held call");
        assertFalse(hold.expired, "stats() waited for the held tier call");

        hold.release();
        caller.join(20_000);
        closer.join(20_000);
        assertFalse(caller.isAlive(), "the held call finished");
        assertFalse(closer.isAlive(), "close() finished: no deadlock");
        assertFalse(hold.expired);
        assertEquals(null, closeFailure.get());
        final Throwable failure = callFailure.get();
        assertTrue(failure == null || failure instanceof IllegalStateException,
            "the held call finished or reported the store closed: " + failure);
        store.close();
    }

    private void assertNoFiles() throws java.io.IOException
    {
        assertEquals(0, countEntries(tempDir.resolve("vvram")), "no VVRAM files or directories left");
        assertEquals(0, countEntries(tempDir.resolve("vssd")), "no VSSD files or directories left");
    }
}
