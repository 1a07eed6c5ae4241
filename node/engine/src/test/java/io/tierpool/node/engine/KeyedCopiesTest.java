/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * {@link KeyedCopies} against a tier that keys copies by block id ({@link KeyedHeapTier}, which refuses and counts a
 * second copy of a block, or a free of a copy other than the block's one): a queued free of a block's old copy made
 * early by a write of the block is skipped when it comes, so it never deletes the new copy; one not made early is
 * made once.
 */
class KeyedCopiesTest
{
    private static final long BLOCK_ID = 7;

    @Test
    void aWriteOfTheBlockMakesItsWaitingFreeFirstAndTheLateFreeSkipsIt()
    {
        final KeyedHeapTier tier = new KeyedHeapTier(1024);
        final KeyedCopies keyed = new KeyedCopies();
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[16]);

        final long old = tier.write(BLOCK_ID, bytes, 0, 16, 0);
        keyed.noted(BLOCK_ID, old); // the engine no longer refers to it: its free is queued

        keyed.beforeWrite(tier, BLOCK_ID); // a new copy of the block is about to be written: the old one goes first
        assertEquals(0, tier.blockCount());
        final long fresh = tier.write(BLOCK_ID, bytes, 0, 16, 0);
        assertNotEquals(old, fresh);

        keyed.freeQueued(tier, BLOCK_ID, old); // the late free: made already, skipped
        assertEquals(1, tier.blockCount(), "the new copy lives");
        tier.read(BLOCK_ID, fresh, new UnsafeBuffer(new byte[16]), 0, 16);

        keyed.freeQueued(tier, BLOCK_ID, fresh); // a free never noted (the store closing): made
        assertEquals(0, tier.blockCount());
        assertEquals(0, tier.violations.get(), tier.firstViolation.get());
    }

    @Test
    void aQueuedFreeMadeInTimeIsMadeOnceAndAWriteAfterItFreesNothing()
    {
        final KeyedHeapTier tier = new KeyedHeapTier(1024);
        final KeyedCopies keyed = new KeyedCopies();
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[16]);

        final long old = tier.write(BLOCK_ID, bytes, 0, 16, 0);
        keyed.noted(BLOCK_ID, old);
        keyed.freeQueued(tier, BLOCK_ID, old);
        assertEquals(0, tier.blockCount());

        keyed.beforeWrite(tier, BLOCK_ID); // nothing waits any more
        tier.write(BLOCK_ID, bytes, 0, 16, 0);
        assertEquals(1, tier.blockCount());
        assertEquals(0, tier.violations.get(), tier.firstViolation.get());
    }
}
