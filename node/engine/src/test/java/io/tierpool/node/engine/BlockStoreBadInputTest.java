/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.StoreStats;

import io.tierpool.client.BlockFreedException;
import io.tierpool.client.Hint;
import io.tierpool.client.TierKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.MIB;
import static io.tierpool.node.engine.StoreTestSupport.allocateWith;
import static io.tierpool.node.engine.StoreTestSupport.assertContent;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of bad input is refused with a clear exception and leaves the other blocks, in every tier, intact.
 */
@Timeout(60)
class BlockStoreBadInputTest
{
    private static final long MAX_BLOCK = 200 * KIB;

    @TempDir
    Path tempDir;

    private BlockStore store;
    private final long[] keep = new long[3];
    private final byte[][] keepBytes = new byte[3][];
    private long victim;

    @BeforeEach
    void openStoreWithBlocksInEveryTier()
    {
        store = new BlockStore(context(tempDir, MIB, MIB, MIB).maxBlockBytes(MAX_BLOCK));
        final Random random = new Random(3);
        for (int i = 0; i < keep.length; i++)
        {
            keepBytes[i] = randomBytes(random, 3000 + i);
            keep[i] = allocateWith(store, keepBytes[i], Hint.WARM);
        }
        store.demote(keep[1]);
        store.demote(keep[2]);
        store.demote(keep[2]);
        victim = allocateWith(store, randomBytes(random, 1000), Hint.WARM);
    }

    @AfterEach
    void checkOtherBlocksAndClose()
    {
        try
        {
            for (int i = 0; i < keep.length; i++)
            {
                assertContent(store, keep[i], keepBytes[i]);
            }
        }
        finally
        {
            store.close();
        }
    }

    @Test
    void shouldRejectBadSizesNamingAllowedRange()
    {
        for (final long size : new long[]{ 0, -1, Long.MIN_VALUE, MAX_BLOCK + 1, Long.MAX_VALUE })
        {
            final IllegalArgumentException ex = assertThrows(
                IllegalArgumentException.class, () -> store.allocate(size, Hint.WARM));
            assertTrue(ex.getMessage().contains("1 to " + MAX_BLOCK), ex.getMessage());
            assertTrue(ex.getMessage().contains(Long.toString(size)), ex.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> store.allocate(10, null));
        assertEquals(MAX_BLOCK, store.sizeOf(store.allocate(MAX_BLOCK, Hint.WARM)), "the limit itself is fine");
        assertEquals(5, store.stats().blocks());
    }

    @Test
    void shouldRejectRangesOutsideBlockNamingBlockOffsetLengthAndSize()
    {
        final byte[] array = new byte[2000];
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[2000]);
        final long[][] ranges = { { -1, 10 }, { 0, 1001 }, { 1000, 1 }, { 999, 2 }, { 10, -1 }, { 1L << 40, 1 },
            { Long.MAX_VALUE, 1 } };
        for (final long[] range : ranges)
        {
            final long offset = range[0];
            final int length = (int)range[1];
            for (final Executable call : new Executable[]{
                () -> store.read(victim, offset, array, 0, length),
                () -> store.write(victim, offset, array, 0, length),
                () -> store.read(victim, offset, buffer, 0, length),
                () -> store.write(victim, offset, buffer, 0, length) })
            {
                final IndexOutOfBoundsException ex = assertThrows(IndexOutOfBoundsException.class, call);
                assertTrue(ex.getMessage().contains("block " + victim), ex.getMessage());
                assertTrue(ex.getMessage().contains("offset " + offset), ex.getMessage());
                assertTrue(ex.getMessage().contains("length " + length), ex.getMessage());
                assertTrue(ex.getMessage().contains("1000 bytes"), ex.getMessage());
            }
        }

        assertThrows(IndexOutOfBoundsException.class, () -> store.read(victim, 0, new byte[10], 5, 10));
        assertThrows(IndexOutOfBoundsException.class, () -> store.write(victim, 0, new byte[10], -1, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> store.read(victim, 0, new UnsafeBuffer(new byte[10]), 5, 10));
        store.read(victim, 1000, array, 0, 0);
        store.write(victim, 0, array, 0, 0);
    }

    @Test
    void shouldRejectUseAfterFreeAndDoubleFree()
    {
        store.free(victim);

        for (final Executable call : new Executable[]{
            () -> store.read(victim, 0, new byte[1], 0, 1),
            () -> store.write(victim, 0, new byte[1], 0, 1),
            () -> store.pin(victim),
            () -> store.sizeOf(victim),
            () -> store.tierOf(victim),
            () -> store.pinCount(victim),
            () -> store.prefetch(victim),
            () -> store.free(victim) })
        {
            final BlockFreedException ex = assertThrows(BlockFreedException.class, call);
            assertEquals(victim, ex.blockId());
            assertTrue(ex.getMessage().startsWith("block " + victim + " was freed or never allocated in this pool"),
                ex.getMessage());
            assertTrue(ex.getMessage().contains("test-node"), ex.getMessage());
        }
        for (final long neverAllocated : new long[]{ 0, -5, 999_999 })
        {
            assertThrows(BlockFreedException.class, () -> store.read(neverAllocated, 0, new byte[1], 0, 1));
            assertThrows(BlockFreedException.class, () -> store.free(neverAllocated));
        }
        assertEquals(3, store.stats().blocks());
    }

    @Test
    void shouldRefuseToFreePinnedBlock()
    {
        final StorePinnedBlock view = store.pin(keep[2]);
        assertEquals(TierKind.RAM, store.tierOf(keep[2]));

        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> store.free(keep[2]));
        assertTrue(ex.getMessage().contains("block " + keep[2]), ex.getMessage());
        assertTrue(ex.getMessage().contains("pinned"), ex.getMessage());

        view.close();
        view.close();
        assertEquals(0, store.pinCount(keep[2]));
        final long extra = allocateWith(store, keepBytes[2], Hint.WARM);
        store.free(extra);
    }

    @Test
    void shouldRefuseEverythingAfterClose()
    {
        final StorePinnedBlock view = store.pin(victim);
        final StoreStats before = store.stats();
        store.close();
        store.close();

        assertTrue(view.isClosed(), "close detaches open views");
        assertEquals(0, view.buffer().capacity());
        view.close();
        assertThrows(IllegalStateException.class, () -> store.allocate(10, Hint.WARM));
        assertThrows(IllegalStateException.class, () -> store.read(victim, 0, new byte[1], 0, 1));
        assertThrows(IllegalStateException.class, () -> store.free(victim));
        assertEquals(before.allocations(), store.stats().allocations());
        assertEquals(0, store.stats().blocks());

        store = new BlockStore(context(tempDir, MIB, MIB, MIB));
        for (int i = 0; i < keep.length; i++)
        {
            keep[i] = allocateWith(store, keepBytes[i], Hint.WARM);
        }
    }
}
