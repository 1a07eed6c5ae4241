/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.client.BlockFreedException;
import io.tierpool.client.Hint;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input gets a clear exception that says what to do, and harms no other block: every test checks a
 * bystander block, spilled to a lower tier, byte for byte afterwards.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest
{
    @TempDir
    Path dir;

    private TierPool pool;
    private Block bystander;
    private byte[] bystanderData;

    @BeforeEach
    void open()
    {
        pool = TierPool.open(new TierPool.Context()
            .ramCapacityBytes(256 * 1024)
            .vvramCapacityBytes(256 * 1024)
            .vssdCapacityBytes(1024 * 1024)
            .maxBlockBytes(128 * 1024)
            .vvramDir(dir)
            .vssdDir(dir));
        bystanderData = new byte[100_000];
        new SplittableRandom(3).nextBytes(bystanderData);
        bystander = pool.allocate(bystanderData.length, Hint.COLD);
        bystander.write(0, bystanderData);
    }

    @AfterEach
    void checkBystanderAndClose()
    {
        final byte[] copy = new byte[bystanderData.length];
        bystander.read(0, copy);
        assertArrayEquals(bystanderData, copy, "the bystander block must be intact");
        pool.close();
    }

    @Test
    void shouldRejectZeroNegativeAndOversizedAllocations()
    {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> pool.allocate(0, Hint.WARM)), "0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> pool.allocate(-5, Hint.WARM)), "-5");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> pool.allocate(128 * 1024 + 1, Hint.WARM)), "131073");
        assertThrows(IllegalArgumentException.class, () -> pool.allocate(16, null));
    }

    @Test
    void shouldRejectOffsetsAndLengthsOutsideTheBlock()
    {
        try (Block block = pool.allocate(1000, Hint.WARM))
        {
            final byte[] buffer = new byte[2000];
            assertThrows(IndexOutOfBoundsException.class, () -> block.write(-1, buffer, 0, 10));
            assertThrows(IndexOutOfBoundsException.class, () -> block.write(995, buffer, 0, 10));
            assertThrows(IndexOutOfBoundsException.class, () -> block.read(0, buffer, 0, 1001));
            assertThrows(IndexOutOfBoundsException.class, () -> block.read(1000, buffer, 0, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> block.read(0, buffer, 1990, 20));
            assertThrows(IndexOutOfBoundsException.class, () -> block.write(0, buffer, -1, 10));
            assertDoesNotThrow(() -> block.write(990, buffer, 0, 10));
        }
    }

    @Test
    void shouldRejectNullBuffersWithIllegalArgumentExceptionAsAllocateDoes()
    {
        try (Block block = pool.allocate(1000, Hint.WARM))
        {
            block.write(0, new byte[] {5, 6, 7});
            final String id = "block " + block.id();
            assertMessage(assertThrows(IllegalArgumentException.class, () -> block.write(0, (byte[])null)), id);
            assertMessage(assertThrows(IllegalArgumentException.class, () -> block.write(0, (byte[])null, 0, 3)), id);
            assertMessage(assertThrows(IllegalArgumentException.class,
                () -> block.write(0, (DirectBuffer)null, 0, 3)), id);
            assertMessage(assertThrows(IllegalArgumentException.class, () -> block.read(0, (byte[])null)), id);
            assertMessage(assertThrows(IllegalArgumentException.class, () -> block.read(0, (byte[])null, 0, 3)), id);
            assertMessage(assertThrows(IllegalArgumentException.class,
                () -> block.read(0, (MutableDirectBuffer)null, 0, 3)), id);
            assertMessage(assertThrows(IllegalArgumentException.class,
                () -> block.read(0, (byte[])null, 0, 0)), "must not be null");
            assertThrows(IllegalArgumentException.class,
                () -> pool.allocate(16, Hint.WARM, (byte[])null, 0, 0), "allocate documents the same exception");

            final byte[] copy = new byte[3];
            block.read(0, copy);
            assertArrayEquals(new byte[] {5, 6, 7}, copy, "the block must be unchanged");
        }
    }

    @Test
    void shouldRejectUseAfterFreeAndDoubleFree()
    {
        final Block block = pool.allocate(4096, Hint.WARM);
        block.write(0, new byte[] {1, 2, 3});
        block.free();
        assertTrue(block.isFreed());
        final byte[] buffer = new byte[16];
        assertMessage(assertThrows(BlockFreedException.class, () -> block.read(0, buffer, 0, 3)), Long.toString(block.id()));
        assertThrows(BlockFreedException.class, () -> block.write(0, buffer, 0, 3));
        assertThrows(BlockFreedException.class, block::pin);
        assertThrows(BlockFreedException.class, block::tier);
        assertMessage(assertThrows(BlockFreedException.class, block::free), Long.toString(block.id()));
        assertDoesNotThrow(block::close);
    }

    @Test
    void shouldRefuseToFreeAPinnedBlockAndKeepItsBytes()
    {
        final Block block = pool.allocate(64, Hint.WARM);
        block.write(0, new byte[] {9, 8, 7});
        try (PinnedBlock view = block.pin())
        {
            assertThrows(IllegalStateException.class, block::free);
            assertThrows(IllegalStateException.class, block::close);
            assertTrue(view.buffer().getByte(0) == 9);
        }
        final byte[] copy = new byte[3];
        block.read(0, copy);
        assertArrayEquals(new byte[] {9, 8, 7}, copy);
        block.free();
    }

    @Test
    void shouldRejectUseOfAClosedPool()
    {
        final TierPool other = TierPool.open(new TierPool.Context()
            .ramCapacityBytes(64 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0));
        final Block block = other.allocate(128, Hint.WARM);
        other.close();
        assertThrows(IllegalStateException.class, () -> other.allocate(16, Hint.WARM));
        assertThrows(RuntimeException.class, () -> block.read(0, new byte[1], 0, 1));
        assertDoesNotThrow(other::close);
    }

    private static void assertMessage(final Throwable ex, final String fragment)
    {
        assertTrue(ex.getMessage() != null && ex.getMessage().contains(fragment),
            "message should mention " + fragment + ": " + ex.getMessage());
    }
}
