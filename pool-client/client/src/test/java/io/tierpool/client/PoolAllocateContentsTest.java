/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.client.BlockFreedException;
import io.tierpool.client.Hint;
import io.tierpool.client.TierKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TierPool#allocate(long, Hint, byte[], int, int)} and its buffer overload, and
 * {@link TierPool.Context#zeroFill(boolean)}, on a local pool.
 */
@Timeout(60)
class PoolAllocateContentsTest
{
    private static final int BLOCK = 16 * 1024;

    @TempDir
    Path dir;

    private final SplittableRandom random = new SplittableRandom(3);

    @Test
    void blocksMadeWithTheirBytesReadThemBackWithTheRestZeroed()
    {
        assertTrue(new TierPool.Context().zeroFill());
        try (TierPool pool = TierPool.open(context()))
        {
            final byte[] bytes = randomBytes(BLOCK);
            try (Block full = pool.allocate(BLOCK, Hint.WARM, bytes, 0, BLOCK);
                Block head = pool.allocate(BLOCK, Hint.COLD, new UnsafeBuffer(bytes), 100, 1000))
            {
                assertEquals(BLOCK, full.sizeBytes());
                assertArrayEquals(bytes, readAll(full));
                assertEquals(TierKind.VVRAM, head.tier());
                final byte[] expected = new byte[BLOCK];
                System.arraycopy(bytes, 100, expected, 0, 1000);
                assertArrayEquals(expected, readAll(head));
            }

            assertThrows(IllegalArgumentException.class, () -> pool.allocate(100, Hint.WARM, bytes, 0, 101));
            assertThrows(IndexOutOfBoundsException.class, () -> pool.allocate(BLOCK, Hint.WARM, bytes, 1, BLOCK));
            assertEquals(0, pool.stats().blocks());
        }
    }

    @Test
    void zeroFillOffStillKeepsWrittenBytes()
    {
        try (TierPool pool = TierPool.open(context().zeroFill(false)))
        {
            assertFalse(pool.context().zeroFill());
            final byte[] bytes = randomBytes(BLOCK);
            final Block block = pool.allocate(BLOCK, Hint.WARM, bytes, 0, BLOCK);
            assertArrayEquals(bytes, readAll(block));
            block.free();
            assertThrows(BlockFreedException.class, () -> block.read(0, new byte[1]));

            final Block written = pool.allocate(BLOCK);
            written.write(0, bytes);
            assertArrayEquals(bytes, readAll(written));
            written.free();
        }
    }

    private TierPool.Context context()
    {
        return new TierPool.Context()
            .ramCapacityBytes(256 * 1024)
            .vvramCapacityBytes(256 * 1024)
            .vssdCapacityBytes(0)
            .vvramDir(dir);
    }

    private byte[] randomBytes(final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] readAll(final Block block)
    {
        final byte[] bytes = new byte[(int)block.sizeBytes()];
        block.read(0, bytes);
        return Arrays.copyOf(bytes, bytes.length);
    }
}
