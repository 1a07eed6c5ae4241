/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.node.tier.Tier;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A batch of blocks laid out back to back in one source buffer as {@link Tier#writeBatch} expects, each block's
 * bytes a pattern derived from its id (so that any block read back can be checked without keeping its bytes).
 * Reusable: {@link #clear()} and add blocks again. Not thread-safe.
 */
final class TestBatch
{
    final UnsafeBuffer src;
    final long[] blockIds;
    final int[] srcOffsets;
    final int[] lengths;
    final int[] crc32cs;
    final long[] locations;
    private final int base;
    int count;
    private int end;

    /**
     * @param capacityBytes bytes of the source buffer.
     * @param maxBlocks     the most blocks in a batch.
     * @param offHeap       whether the source buffer is off-heap (direct) or a heap array.
     * @param base          offset of the first block in the buffer, a multiple of {@link Tier#BATCH_ALIGNMENT}.
     */
    TestBatch(final int capacityBytes, final int maxBlocks, final boolean offHeap, final int base)
    {
        src = offHeap ? new UnsafeBuffer(ByteBuffer.allocateDirect(capacityBytes)) :
            new UnsafeBuffer(new byte[capacityBytes]);
        blockIds = new long[maxBlocks];
        srcOffsets = new int[maxBlocks];
        lengths = new int[maxBlocks];
        crc32cs = new int[maxBlocks];
        locations = new long[maxBlocks];
        this.base = base;
        clear();
    }

    void clear()
    {
        count = 0;
        end = base;
    }

    /**
     * Adds a block at the next aligned offset and fills it with its pattern.
     */
    void add(final long blockId, final int length)
    {
        blockIds[count] = blockId;
        srcOffsets[count] = end;
        lengths[count] = length;
        crc32cs[count] = (int)blockId;
        locations[count] = Long.MIN_VALUE;
        fill(src, end, blockId, length);
        end += (int)ExtentAllocator.align(length);
        count++;
    }

    int write(final Tier tier)
    {
        return tier.writeBatch(count, blockIds, src, srcOffsets, lengths, crc32cs, locations);
    }

    /**
     * @return bytes from the first block's start to the last block's end.
     */
    int spanBytes()
    {
        return srcOffsets[count - 1] + lengths[count - 1] - srcOffsets[0];
    }

    /**
     * Writes the pattern of {@code blockId}: eight bytes at a time, each word a mix of the id and its index.
     */
    static void fill(final MutableDirectBuffer buffer, final int offset, final long blockId, final int length)
    {
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            buffer.putLong(offset + i, word(blockId, i));
        }
        final long last = word(blockId, i);
        for (int j = 0; i < length; i++, j++)
        {
            buffer.putByte(offset + i, (byte)(last >>> (8 * j)));
        }
    }

    /**
     * Asserts that {@code buffer} holds the first {@code length} bytes of the pattern of {@code blockId}.
     */
    static void check(
        final MutableDirectBuffer buffer, final int offset, final long blockId, final int length, final String what)
    {
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            if (buffer.getLong(offset + i) != word(blockId, i))
            {
                assertEquals(word(blockId, i), buffer.getLong(offset + i),
                    what + ": block " + blockId + " differs at byte " + i + " of " + length);
            }
        }
        final long last = word(blockId, i);
        for (int j = 0; i < length; i++, j++)
        {
            assertEquals((byte)(last >>> (8 * j)), buffer.getByte(offset + i),
                what + ": block " + blockId + " differs at byte " + i + " of " + length);
        }
    }

    private static long word(final long blockId, final int index)
    {
        long x = blockId * 0x9E3779B97F4A7C15L + index;
        x = (x ^ (x >>> 31)) * 0xBF58476D1CE4E5B9L;
        return x ^ (x >>> 29);
    }
}
