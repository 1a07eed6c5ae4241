/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.Hint;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.allocateWith;
import static io.tierpool.node.engine.StoreTestSupport.assertContent;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Direct reclaim of clean blocks: a thread that needs room in RAM switches RAM's coldest blocks that still have
 * their copy below back to it, itself, instead of waiting for the mover, whose only I/O worker is here held
 * inside a far-memory write of a dirty block. Before, the promotion waited for the mover until its deadline and
 * the block was read where it lay, not brought up.
 */
class DirectReclaimTest
{
    private static final int BLOCK = 4 * KIB;

    @TempDir
    Path tempDir;

    @Test
    void aPromotionReturnsACleanBlockToItsCopyWhileTheMoverIsBusy() throws Exception
    {
        final Random random = new Random(59);
        final ConcurrentHeapTier far = new ConcurrentHeapTier(1024 * KIB);
        try (BlockStore store = new BlockStore(context(tempDir, 4L * BLOCK, 0, 0)
            .extraTiers(List.of(far))
            .startMover(true)
            .ioWorkers(1)))
        {
            final byte[] farBytes = randomBytes(random, BLOCK);
            final long farId = allocateWith(store, farBytes, Hint.WARM);
            store.moveTo(farId, TierKind.REMOTE);

            // Coldest first: a dirty block, then two clean ones (read back from far memory: their copies stay).
            final byte[] dirtyBytes = randomBytes(random, BLOCK);
            final long dirtyId = allocateWith(store, dirtyBytes, Hint.WARM);
            final byte[][] cleanBytes = {randomBytes(random, BLOCK), randomBytes(random, BLOCK)};
            final long[] cleanIds = new long[2];
            for (int i = 0; i < 2; i++)
            {
                cleanIds[i] = allocateWith(store, cleanBytes[i], Hint.WARM);
                store.moveTo(cleanIds[i], TierKind.REMOTE);
            }
            for (int i = 0; i < 2; i++)
            {
                assertContent(store, cleanIds[i], cleanBytes[i]);
                assertEquals(TierKind.RAM, store.tierOf(cleanIds[i]));
            }
            assertEquals(2, store.stats().retainedCopies());

            // A fourth block fills RAM past its watermark: the mover demotes the dirty block, and its only I/O
            // worker is held inside that far-memory write.
            final ConcurrentHeapTier.Hold hold = far.holdNextWrite(dirtyId);
            final byte[] hotBytes = randomBytes(random, BLOCK);
            final long hotId = allocateWith(store, hotBytes, Hint.WARM);
            assertTrue(hold.awaitReached(), "the mover's worker is writing the dirty block to far memory");

            // The far block is read: RAM is full, the mover busy; the coldest clean block goes back to its copy.
            assertContent(store, farId, farBytes);
            assertEquals(TierKind.RAM, store.tierOf(farId), "the far block was brought up to RAM");
            assertEquals(TierKind.REMOTE, store.tierOf(cleanIds[0]), "the coldest clean block went back to its copy");
            assertEquals(3, far.writes.get(), "nothing was written for the room: only the three moves above");
            assertFalse(hold.expired, "the read waited for the held write");

            hold.release();
            assertContent(store, dirtyId, dirtyBytes);
            assertContent(store, cleanIds[0], cleanBytes[0]);
            assertContent(store, cleanIds[1], cleanBytes[1]);
            assertContent(store, hotId, hotBytes);
            assertContent(store, farId, farBytes);
            assertEquals(0, store.stats().checksumFailures());
        }
    }
}
