/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.ChecksumMismatchException;
import io.tierpool.client.Hint;
import io.tierpool.client.StoreStats;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.allocateWith;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tier that checks what it reads against the checksum the block was written with ({@code Tier.verifiesReads()},
 * as far memory does) is trusted by promotions and prefetches, which then skip their own pass over the bytes; the
 * damage such a tier reports is counted as the engine's own would be, and leaves the block where it was, readable
 * once the tier can deliver it intact again.
 */
@Timeout(60)
class VerifyingTierReadTest
{
    private static final int BLOCK = 64 * KIB;

    @TempDir
    Path tempDir;

    @Test
    void aDamagedCopyReportedByTheTierIsCountedAndLeavesTheBlockBelow()
    {
        final Random random = new Random(41);
        final ConcurrentHeapTier far = new ConcurrentHeapTier(1024 * KIB);
        far.verifying = true;
        try (BlockStore store = new BlockStore(context(tempDir, 512 * KIB, 0, 0).extraTiers(List.of(far))))
        {
            final byte[] contents = randomBytes(random, BLOCK);
            final long id = allocateWith(store, contents, Hint.WARM);
            store.moveTo(id, TierKind.REMOTE);
            assertEquals(1, far.flipBit(id));

            final byte[] found = new byte[BLOCK];
            final ChecksumMismatchException ex =
                assertThrows(ChecksumMismatchException.class, () -> store.read(id, 0, found, 0, BLOCK));
            assertTrue(ex.getMessage().contains("block " + id), ex.getMessage());
            assertEquals(TierKind.REMOTE, store.tierOf(id), "the block stays where it was");
            final StoreStats afterRead = store.stats();
            assertEquals(1, afterRead.checksumFailures(), "counted as the engine's own check counts");

            assertThrows(ChecksumMismatchException.class, () -> store.prefetch(id));
            assertEquals(2, store.stats().checksumFailures());
            assertEquals(TierKind.REMOTE, store.tierOf(id));

            assertEquals(1, far.flipBit(id));
            store.read(id, 0, found, 0, BLOCK);
            assertArrayEquals(contents, found, "read back intact once the tier delivers it intact");
            assertEquals(TierKind.RAM, store.tierOf(id));
        }
    }

    @Test
    void promotionsTrustATierThatVerifiesItsReadsAndCheckOneThatDoesNot()
    {
        // A tier that breaks its promise (says it verifies, delivers damaged bytes) shows that the engine spared
        // its own pass; the same damage from a tier that makes no such promise is caught by the engine.
        final Random random = new Random(43);
        for (final boolean promised : new boolean[]{ true, false })
        {
            final ConcurrentHeapTier far = new ConcurrentHeapTier(1024 * KIB);
            far.promisesUnchecked = promised;
            try (BlockStore store = new BlockStore(context(tempDir, 512 * KIB, 0, 0).extraTiers(List.of(far))))
            {
                final byte[] contents = randomBytes(random, BLOCK);
                final long id = allocateWith(store, contents, Hint.WARM);
                store.moveTo(id, TierKind.REMOTE);
                far.flipBit(id);
                final byte[] found = new byte[BLOCK];
                if (promised)
                {
                    store.read(id, 0, found, 0, BLOCK);
                    assertEquals(0x10, (found[0] ^ contents[0]) & 0xFF, "no second pass: the tier is trusted");
                    assertEquals(0, store.stats().checksumFailures());
                }
                else
                {
                    assertThrows(ChecksumMismatchException.class, () -> store.read(id, 0, found, 0, BLOCK));
                    assertEquals(1, store.stats().checksumFailures());
                    assertEquals(TierKind.REMOTE, store.tierOf(id));
                }
            }
        }
    }
}
