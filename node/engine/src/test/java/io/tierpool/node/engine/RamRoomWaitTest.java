/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.Hint;
import io.tierpool.client.OutOfTierMemoryException;
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
import static io.tierpool.node.engine.StoreTestSupport.allocateWith;
import static io.tierpool.node.engine.StoreTestSupport.assertContent;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With the mover running, an application thread that finds no room in RAM never demotes blocks itself: it asks the
 * mover and waits for it (WARM, HOT, PIN_FAST, promotions on access), or places the block below at once (COLD); at
 * the deadline a WARM block goes below and a PIN_FAST one fails.
 */
@Timeout(60)
class RamRoomWaitTest
{
    private static final int BLOCK = 4 * KIB;

    @TempDir
    Path tempDir;

    @Test
    void aWarmAllocationInFullRamWaitsForTheMoverAndLandsInRam()
    {
        final Random random = new Random(43);
        final ConcurrentHeapTier far = new ConcurrentHeapTier(1024 * KIB);
        try (BlockStore store = new BlockStore(context(tempDir, 64 * KIB, 0, 0)
            .hardCapBytes(TierKind.RAM, 4L * BLOCK)
            .softCapBytes(TierKind.RAM, 4L * BLOCK)
            .ramRoomWaitNs(TimeUnit.SECONDS.toNanos(10))
            .startMover(true)
            .extraTiers(List.of(far))))
        {
            final List<Long> ids = new ArrayList<>();
            final List<byte[]> contents = new ArrayList<>();
            for (int i = 0; i < 12; i++)
            {
                final byte[] bytes = randomBytes(random, BLOCK);
                final long id = allocateWith(store, bytes, Hint.WARM);
                ids.add(id);
                contents.add(bytes);
                assertEquals(TierKind.RAM, store.tierOf(id), "block " + i + " waited for room in RAM");
            }
            final String self = Thread.currentThread().getName();
            assertFalse(far.writerThreads.contains(self), "the application thread demoted nothing itself");
            assertTrue(far.writes.get() >= 8, "the mover demoted the older blocks to far memory");

            // Reading the demoted blocks back promotes them, the mover making room again.
            for (int i = 0; i < ids.size(); i++)
            {
                assertContent(store, ids.get(i), contents.get(i));
            }
            assertFalse(far.writerThreads.contains(self), "the application thread demoted nothing itself");
            assertEquals(0, store.stats().moverErrors());
        }
    }

    @Test
    void aColdAllocationGoesBelowAtOnceAndPinFastFailsAtTheDeadlineWhenRamHoldsOnlyPinnedBlocks()
    {
        final Random random = new Random(47);
        final ConcurrentHeapTier far = new ConcurrentHeapTier(1024 * KIB);
        try (BlockStore store = new BlockStore(context(tempDir, 64 * KIB, 0, 0)
            .hardCapBytes(TierKind.RAM, 4L * BLOCK)
            .ramRoomWaitNs(TimeUnit.MILLISECONDS.toNanos(20))
            .startMover(true)
            .extraTiers(List.of(far))))
        {
            for (int i = 0; i < 4; i++)
            {
                allocateWith(store, randomBytes(random, BLOCK), Hint.PIN_FAST);
            }
            final byte[] cold = randomBytes(random, BLOCK);
            final long coldId = allocateWith(store, cold, Hint.COLD);
            assertEquals(TierKind.REMOTE, store.tierOf(coldId));

            final byte[] warm = randomBytes(random, BLOCK);
            final long warmId = allocateWith(store, warm, Hint.WARM);
            assertEquals(TierKind.REMOTE, store.tierOf(warmId), "at the deadline a WARM block goes below");
            assertContent(store, warmId, warm);
            assertContent(store, coldId, cold);

            assertThrows(OutOfTierMemoryException.class, () -> store.allocate(BLOCK, Hint.PIN_FAST));
            assertEquals(6, store.stats().blocks());
        }
    }
}
