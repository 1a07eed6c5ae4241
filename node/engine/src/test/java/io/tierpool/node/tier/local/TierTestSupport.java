/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.node.tier.Tier;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

final class TierTestSupport
{
    private TierTestSupport()
    {
    }

    static byte[] randomBytes(final Random random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * Writes blocks of odd sizes from off-heap and heap buffers, reads them back into both kinds, frees half,
     * writes more, and checks every byte.
     */
    static void shouldRoundTripRandomBlocks(final Tier tier, final long seed)
    {
        final Random random = new Random(seed);
        final List<long[]> blocks = new ArrayList<>();
        final List<byte[]> contents = new ArrayList<>();
        final ByteBuffer direct = ByteBuffer.allocateDirect(64 * 1024 + 7);
        final UnsafeBuffer offHeap = new UnsafeBuffer(direct);
        long blockId = 1;

        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 12; i++)
            {
                final int length = 1 + random.nextInt(60 * 1024);
                final byte[] bytes = randomBytes(random, length);
                final long location;
                if (random.nextBoolean())
                {
                    offHeap.putBytes(3, bytes);
                    location = tier.write(blockId, offHeap, 3, length, 0);
                }
                else
                {
                    location = tier.write(blockId, new UnsafeBuffer(bytes), 0, length, 0);
                }
                if (location == Tier.NO_SPACE)
                {
                    continue;
                }
                blocks.add(new long[]{ blockId, location, length });
                contents.add(bytes);
                blockId++;
            }

            for (int i = 0; i < blocks.size(); i++)
            {
                final long[] block = blocks.get(i);
                final int length = (int)block[2];
                final byte[] back = new byte[length];
                if (random.nextBoolean())
                {
                    tier.read(block[0], block[1], new UnsafeBuffer(back), 0, length);
                }
                else
                {
                    tier.read(block[0], block[1], offHeap, 5, length);
                    offHeap.getBytes(5, back);
                }
                assertArrayEquals(contents.get(i), back, "block " + block[0] + " seed " + seed);
            }

            for (int i = blocks.size() - 1; i >= 0; i -= 2)
            {
                final long[] block = blocks.remove(i);
                contents.remove(i);
                tier.free(block[0], block[1]);
            }
        }

        assertEquals(blocks.size(), tier.blockCount());
        assertNotEquals(0, tier.usedBytes());
        for (final long[] block : blocks)
        {
            tier.free(block[0], block[1]);
        }
        assertEquals(0, tier.blockCount());
        assertEquals(0, tier.usedBytes());
    }

    static long countFiles(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            return 0;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            return paths.filter((p) -> !p.equals(dir)).count();
        }
    }
}
