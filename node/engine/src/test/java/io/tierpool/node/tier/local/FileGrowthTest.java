/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.client.AllocatorStats;
import io.tierpool.node.tier.Tier;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The file-backed tiers grow their files in steps up to the capacity, never beyond, and return to one free
 * extent once every block is freed.
 */
@Timeout(60)
class FileGrowthTest
{
    private static final int KIB = 1024;
    private static final long CAPACITY = 1024 * KIB;

    @TempDir
    Path tempDir;

    @Test
    void vssdShouldGrowInStepsUpToCapacityAndCoalesceBackToOneFreeExtent() throws Exception
    {
        try (VssdTier tier = new VssdTier(tempDir, CAPACITY, 1))
        {
            fillGrowAndCoalesce(tier, () -> tier.fileLengthBytes());
            assertEquals(CAPACITY, Files.size(tier.file()));
        }
    }

    @Test
    void vvramShouldGrowInStepsUpToCapacityAndCoalesceBackToOneFreeExtent() throws Exception
    {
        try (VvramTier tier = new VvramTier(tempDir, CAPACITY, 1, 256 * KIB))
        {
            assertEquals(AbstractExtentTier.growthStepBytes(CAPACITY), tier.fileLengthBytes());
            fillGrowAndCoalesce(tier, () -> tier.fileLengthBytes());
            long total = 0;
            for (final Path file : tier.segmentFiles())
            {
                total += Files.size(file);
            }
            assertEquals(CAPACITY, total);
        }
    }

    private static void fillGrowAndCoalesce(final AbstractExtentTier tier, final java.util.function.LongSupplier fileLength)
    {
        final long step = AbstractExtentTier.growthStepBytes(CAPACITY);
        assertEquals(128 * KIB, step);
        final Random random = new Random(1);
        final List<long[]> blocks = new ArrayList<>();
        final List<byte[]> contents = new ArrayList<>();
        long previousLength = fileLength.getAsLong();
        long blockId = 1;
        while (true)
        {
            final int size = 1 + random.nextInt(40 * KIB);
            final byte[] bytes = TierTestSupport.randomBytes(random, size);
            final long location = tier.write(blockId, new UnsafeBuffer(bytes), 0, size, 0);
            final long length = fileLength.getAsLong();
            assertTrue(length <= CAPACITY, "file length " + length + " past the capacity");
            assertTrue(length == previousLength || length - previousLength <= step || length == CAPACITY,
                "grew by one step at a time: " + previousLength + " -> " + length);
            previousLength = length;
            if (location == Tier.NO_SPACE)
            {
                break;
            }
            assertTrue(location + size <= length, "block lies within the file");
            blocks.add(new long[]{ blockId++, location, size });
            contents.add(bytes);
            if (random.nextInt(4) == 0)
            {
                final int victim = random.nextInt(blocks.size());
                final long[] block = blocks.remove(victim);
                contents.remove(victim);
                tier.free(block[0], block[1]);
            }
        }
        assertTrue(tier.usedBytes() > CAPACITY - 40 * KIB - 64 || tier.fragmentationRatio() > 0,
            "NO_SPACE only when full or fragmented");
        assertEquals(CAPACITY, fileLength.getAsLong(), "the files reached the capacity");

        for (int i = 0; i < blocks.size(); i++)
        {
            final long[] block = blocks.get(i);
            final byte[] back = new byte[(int)block[2]];
            tier.read(block[0], block[1], new UnsafeBuffer(back), 0, back.length);
            assertArrayEquals(contents.get(i), back, "block " + block[0]);
        }
        final AllocatorStats stats = tier.allocatorStats();
        assertEquals(blocks.size(), stats.blockCount());
        assertEquals(CAPACITY, stats.fileLengthBytes());
        assertTrue(stats.peakUsedBytes() >= stats.usedBytes());
        assertTrue(stats.failedAllocations() >= 1);

        for (final long[] block : blocks)
        {
            tier.free(block[0], block[1]);
        }
        assertEquals(0, tier.usedBytes());
        assertEquals(1, tier.freeExtentCount(), "coalesced back to one free extent");
        assertEquals(CAPACITY, tier.largestFreeExtentBytes());
        assertEquals(0.0, tier.fragmentationRatio());
        assertEquals(tier.allocatorStats().allocations(), tier.allocatorStats().frees());
    }
}
