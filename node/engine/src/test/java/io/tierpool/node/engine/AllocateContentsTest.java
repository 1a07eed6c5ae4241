/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.OverflowPolicy;

import io.tierpool.client.BlockFreedException;
import io.tierpool.client.Hint;
import io.tierpool.client.OutOfTierMemoryException;
import io.tierpool.client.TierKind;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BlockStore#allocate(long, Hint, org.agrona.DirectBuffer, int, int)} and its array overload (a block
 * created with its initial bytes) and {@link StoreContext#zeroFill(boolean)}.
 */
@Timeout(60)
class AllocateContentsTest
{
    private static final int[] SIZES = { 1, 64, 100, 4 * KIB, 64 * KIB + 3, 300 * KIB };

    @TempDir
    Path tempDir;

    private final Random random = new Random(42);

    @Test
    void zeroFillIsOnByDefault()
    {
        assertTrue(new StoreContext().zeroFill());
        assertFalse(new StoreContext().zeroFill(false).zeroFill());
    }

    @Test
    void recycledRamReadsAsZerosWithZeroFillOn()
    {
        try (BlockStore store = new BlockStore(context(tempDir, 4 * MIB, 0, 0)))
        {
            for (final int size : SIZES)
            {
                // Dirty the memory the next block of this size most likely gets (the allocator's thread cache
                // hands back the block freed last).
                store.free(allocateWith(store, filled(size, (byte)0x5A), Hint.WARM));
                final long id = store.allocate(size, Hint.WARM);
                assertArrayEquals(new byte[size], readAll(store, id), "size " + size);

                store.free(allocateWith(store, filled(size, (byte)0x6B), Hint.WARM));
                final byte[] head = randomBytes(random, size / 2);
                final long partial = store.allocate(size, Hint.WARM, head, 0, head.length);
                final byte[] expected = new byte[size];
                System.arraycopy(head, 0, expected, 0, head.length);
                assertContent(store, partial, expected);

                store.free(id);
                store.free(partial);
            }
        }
    }

    @Test
    void initialBytesRoundTripInEveryTierFromArraysAndBuffers()
    {
        final ByteBuffer direct = ByteBuffer.allocateDirect(400 * KIB);
        try (BlockStore store = new BlockStore(context(tempDir, 2 * MIB, 2 * MIB, 2 * MIB)))
        {
            for (final int size : SIZES)
            {
                for (final Hint hint : new Hint[]{ Hint.WARM, Hint.HOT, Hint.PIN_FAST, Hint.COLD })
                {
                    final byte[] source = randomBytes(random, size + 10);

                    final long fromArray = store.allocate(size, hint, source, 7, size);
                    assertEquals(hint == Hint.COLD ? TierKind.VVRAM : TierKind.RAM, store.tierOf(fromArray));
                    assertContent(store, fromArray, Arrays.copyOfRange(source, 7, 7 + size));

                    final UnsafeBuffer heapBuffer = new UnsafeBuffer(source);
                    final long fromHeapBuffer = store.allocate(size, hint, heapBuffer, 3, size);
                    assertContent(store, fromHeapBuffer, Arrays.copyOfRange(source, 3, 3 + size));

                    final UnsafeBuffer directBuffer = new UnsafeBuffer(direct);
                    directBuffer.putBytes(0, source, 0, size);
                    final int head = size / 3;
                    final long fromDirect = store.allocate(size, hint, directBuffer, 0, head);
                    final byte[] expected = new byte[size];
                    System.arraycopy(source, 0, expected, 0, head);
                    assertContent(store, fromDirect, expected);

                    final long empty = store.allocate(size, hint, source, 0, 0);
                    assertContent(store, empty, new byte[size]);

                    for (final long id : new long[]{ fromArray, fromHeapBuffer, fromDirect, empty })
                    {
                        store.free(id);
                        assertThrows(BlockFreedException.class, () -> store.sizeOf(id), "freed id stays invalid");
                    }
                }
            }
            assertEquals(0, store.stats().blocks());
            assertEquals(0, store.stats().logicalBytes());
            assertEquals(SIZES.length * 4 * 4, store.stats().allocations());
        }
        finally
        {
            BufferUtil.free(direct);
        }
    }

    @Test
    void zeroFillOffKeepsWrittenBytesAndBlocksBelowRamStillReadAsZeros()
    {
        try (BlockStore store = new BlockStore(context(tempDir, 2 * MIB, 2 * MIB, 0).zeroFill(false)))
        {
            for (final int size : SIZES)
            {
                final byte[] bytes = randomBytes(random, size);
                final long full = store.allocate(size, Hint.WARM, bytes, 0, size);
                assertContent(store, full, bytes);

                final long written = allocateWith(store, bytes, Hint.HOT);
                assertContent(store, written, bytes);

                final byte[] head = Arrays.copyOf(bytes, size / 2);
                final long partial = store.allocate(size, Hint.WARM, head, 0, head.length);
                assertArrayEquals(head, Arrays.copyOf(readAll(store, partial), head.length));

                final long cold = store.allocate(size, Hint.COLD, head, 0, head.length);
                assertEquals(TierKind.VVRAM, store.tierOf(cold));
                assertContent(store, cold, Arrays.copyOf(head, size));
                assertContent(store, store.allocate(size, Hint.COLD), new byte[size]);

                store.free(full);
                store.free(written);
                store.free(partial);
            }
        }
    }

    @Test
    void badInitialBytesAllocateNothingAndLeaveOtherBlocksIntact()
    {
        try (BlockStore store = new BlockStore(context(tempDir, MIB, 0, 0)))
        {
            final byte[] kept = randomBytes(random, 4 * KIB);
            final long keptId = allocateWith(store, kept, Hint.WARM);
            final byte[] source = randomBytes(random, 100);
            final UnsafeBuffer buffer = new UnsafeBuffer(source);

            assertThrows(IllegalArgumentException.class,
                () -> store.allocate(64, Hint.WARM, (byte[])null, 0, 0));
            assertThrows(IllegalArgumentException.class,
                () -> store.allocate(64, Hint.WARM, (UnsafeBuffer)null, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> store.allocate(64, Hint.WARM, source, 0, 65));
            assertThrows(IllegalArgumentException.class, () -> store.allocate(64, Hint.WARM, buffer, 0, 65));
            assertThrows(IllegalArgumentException.class, () -> store.allocate(64, Hint.WARM, source, 0, -1));
            assertThrows(IllegalArgumentException.class, () -> store.allocate(0, Hint.WARM, source, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> store.allocate(1L << 40, Hint.WARM, source, 0, 10));
            assertThrows(IllegalArgumentException.class, () -> store.allocate(64, null, source, 0, 10));
            assertThrows(IndexOutOfBoundsException.class, () -> store.allocate(64, Hint.WARM, source, 50, 64));
            assertThrows(IndexOutOfBoundsException.class, () -> store.allocate(64, Hint.WARM, source, -1, 10));
            assertThrows(IndexOutOfBoundsException.class,
                () -> store.allocate(64, Hint.WARM, source, Integer.MAX_VALUE, 10));
            assertThrows(IndexOutOfBoundsException.class, () -> store.allocate(64, Hint.WARM, buffer, 50, 64));
            assertThrows(IndexOutOfBoundsException.class, () -> store.allocate(64, Hint.WARM, buffer, -1, 10));

            assertEquals(1, store.stats().blocks());
            assertEquals(1, store.stats().allocations());
            assertEquals(4 * KIB, store.stats().logicalBytes());
            assertContent(store, keptId, kept);

            final long next = store.allocate(64, Hint.WARM, source, 0, 64);
            assertNotEquals(keptId, next);
            assertContent(store, next, Arrays.copyOf(source, 64));
        }
    }

    @Test
    void fullRamWithFailPolicyRejectsInitialBytesAndKeepsOtherBlocks()
    {
        try (BlockStore store = new BlockStore(context(tempDir, 64 * KIB, 0, 0)
            .overflowPolicy(OverflowPolicy.FAIL)))
        {
            final byte[] kept = randomBytes(random, 32 * KIB);
            final long keptId = store.allocate(kept.length, Hint.WARM, kept, 0, kept.length);
            final byte[] big = randomBytes(random, 48 * KIB);

            assertThrows(OutOfTierMemoryException.class,
                () -> store.allocate(big.length, Hint.WARM, big, 0, big.length));

            assertContent(store, keptId, kept);
            assertEquals(1, store.stats().blocks());
            assertEquals(kept.length, store.stats().logicalBytes());
            store.free(keptId);
            final long reused = store.allocate(big.length, Hint.WARM, big, 0, big.length);
            assertNotEquals(keptId, reused);
            assertContent(store, reused, big);
        }
    }

    private static byte[] filled(final int size, final byte value)
    {
        final byte[] bytes = new byte[size];
        Arrays.fill(bytes, value);
        return bytes;
    }
}
