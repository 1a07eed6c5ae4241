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
import java.util.concurrent.atomic.AtomicLong;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.allocateWith;
import static io.tierpool.node.engine.StoreTestSupport.assertContent;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retained copies dropped to make room in a full tier, inside a path that holds the engine lock (the mover's choice
 * of a target tier, a write into a tier that found it full), are freed once the lock is released, never under it: a
 * far-memory free held back on a latch ({@link ConcurrentHeapTier#holdNextFree}) delays no access to another block
 * nor {@code stats()}. A held free never released expires after 20 s and is reported: an access that waited behind
 * it (the lock held across the free) fails the test.
 */
@Timeout(60)
class UnlockedCopyDropTest
{
    private static final int BLOCK = 4 * KIB;

    @TempDir
    Path tempDir;

    @Test
    void aCopyDroppedByTheMoverForRoomHeldOnItsFreeDelaysNoAccessToAnotherBlock() throws Exception
    {
        final Random random = new Random(149);
        // Far memory holds two blocks: the retained copies of the two blocks read back fill it.
        final ConcurrentHeapTier far = new ConcurrentHeapTier(2 * BLOCK);
        try (BlockStore store = new BlockStore(context(tempDir, 8L * BLOCK, 0, 0)
            .softCapBytes(TierKind.RAM, 2L * BLOCK)
            .extraTiers(List.of(far))))
        {
            final byte[][] bytes = new byte[4][];
            final long[] ids = fillFarWithRetainedCopies(store, random, bytes);

            // RAM is past its soft cap: the mover demotes the coldest block, which has no copy below, and finds far
            // memory full of retained copies: it drops them for room, and the free of the first is held.
            final ConcurrentHeapTier.Hold hold = far.holdNextFree(0);
            runWhileHeld(store, hold, store::runMover, random, ids[3]);

            assertTrue(store.stats().demotions() >= 1, "the mover demoted the coldest block");
            for (int i = 0; i < 3; i++)
            {
                assertContent(store, ids[i], bytes[i]);
            }
        }
        assertEquals(0, far.blockCount(), "closing the store freed its blocks in far memory");
    }

    @Test
    void aCopyDroppedForANewBlockBelowRamHeldOnItsFreeDelaysNoAccessToAnotherBlock() throws Exception
    {
        final Random random = new Random(151);
        final ConcurrentHeapTier far = new ConcurrentHeapTier(2 * BLOCK);
        try (BlockStore store = new BlockStore(context(tempDir, 8L * BLOCK, 0, 0).extraTiers(List.of(far))))
        {
            final byte[][] bytes = new byte[4][];
            final long[] ids = fillFarWithRetainedCopies(store, random, bytes);

            // A COLD block goes below RAM: far memory is full of retained copies, dropped for it; the free of the
            // first is held.
            final byte[] cold = randomBytes(random, BLOCK);
            final AtomicLong coldId = new AtomicLong();
            final ConcurrentHeapTier.Hold hold = far.holdNextFree(0);
            runWhileHeld(store, hold, () -> coldId.set(store.allocate(BLOCK, Hint.COLD, cold, 0, BLOCK)), random,
                ids[3]);

            assertEquals(TierKind.REMOTE, store.tierOf(coldId.get()), "the COLD block went to far memory");
            assertContent(store, coldId.get(), cold);
            for (int i = 0; i < 3; i++)
            {
                assertContent(store, ids[i], bytes[i]);
            }
        }
        assertEquals(0, far.blockCount(), "closing the store freed its blocks in far memory");
    }

    /**
     * Allocates four blocks in RAM (the first the coldest, the last the one accessed while a free is held), moves
     * the second and third to far memory and reads them back: far memory then holds their retained copies only.
     */
    private static long[] fillFarWithRetainedCopies(final BlockStore store, final Random random, final byte[][] bytes)
    {
        final long[] ids = new long[bytes.length];
        for (int i = 0; i < ids.length; i++)
        {
            bytes[i] = randomBytes(random, BLOCK);
            ids[i] = allocateWith(store, bytes[i], Hint.WARM);
        }
        for (int i = 1; i < 3; i++)
        {
            store.moveTo(ids[i], TierKind.REMOTE);
            assertContent(store, ids[i], bytes[i]);
            assertEquals(TierKind.RAM, store.tierOf(ids[i]));
        }
        assertContent(store, ids[3], bytes[3]);
        assertEquals(2, store.stats().retainedCopies(), "far memory holds the two blocks' retained copies");
        return ids;
    }

    private static void runWhileHeld(
        final BlockStore store,
        final ConcurrentHeapTier.Hold hold,
        final Executable call,
        final Random random,
        final long otherId) throws InterruptedException
    {
        StoreTestSupport.runWhileHeld(store, hold, call, random, otherId, BLOCK, "far-memory free", 4);
    }
}
