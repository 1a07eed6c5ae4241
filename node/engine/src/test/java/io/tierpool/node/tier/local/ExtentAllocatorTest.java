/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExtentAllocatorTest
{
    @Test
    void shouldAlignOffsetsAndLengthsTo64Bytes()
    {
        final ExtentAllocator allocator = new ExtentAllocator(4096 + 10);

        assertEquals(4096, allocator.capacityBytes());
        final long a = allocator.allocate(1);
        final long b = allocator.allocate(65);
        final long c = allocator.allocate(64);

        assertEquals(0, a);
        assertEquals(64, b);
        assertEquals(192, c);
        assertEquals(64, allocator.allocatedLength(a));
        assertEquals(128, allocator.allocatedLength(b));
        assertEquals(256, allocator.usedBytes());
        assertEquals(3, allocator.allocatedCount());
    }

    @Test
    void shouldChooseSmallestFreeExtentThatFits()
    {
        final ExtentAllocator allocator = new ExtentAllocator(64 * 100);
        final long[] blocks = new long[8];
        final int[] sizes = { 10, 1, 4, 1, 6, 1, 3, 1 };
        for (int i = 0; i < blocks.length; i++)
        {
            blocks[i] = allocator.allocate(sizes[i] * 64L);
        }
        allocator.free(blocks[0]);
        allocator.free(blocks[2]);
        allocator.free(blocks[4]);
        allocator.free(blocks[6]);

        final long fit = allocator.allocate(3 * 64);

        assertEquals(blocks[6], fit, "a 3-unit request takes the 3-unit hole, not the 4-, 6- or 10-unit ones");
        assertEquals(blocks[2], allocator.allocate(4 * 64));
        assertEquals(blocks[4], allocator.allocate(5 * 64), "5 units fit best in the 6-unit hole");
    }

    @Test
    void shouldSplitExtentAndKeepRemainderFree()
    {
        final ExtentAllocator allocator = new ExtentAllocator(64 * 10);

        final long first = allocator.allocate(64 * 3);

        assertEquals(0, first);
        assertEquals(1, allocator.freeExtentCount());
        assertEquals(64 * 7, allocator.largestFreeExtentBytes());
        assertEquals(64 * 3, allocator.allocate(64 * 7));
        assertEquals(0, allocator.freeBytes());
        assertEquals(ExtentAllocator.NO_SPACE, allocator.allocate(1));
    }

    @Test
    void shouldCoalesceFreedExtentWithBothNeighbours()
    {
        final ExtentAllocator allocator = new ExtentAllocator(64 * 5);
        final long a = allocator.allocate(64);
        final long b = allocator.allocate(64);
        final long c = allocator.allocate(64);
        final long d = allocator.allocate(64);
        final long e = allocator.allocate(64);

        allocator.free(a);
        allocator.free(c);
        allocator.free(e);
        assertEquals(3, allocator.freeExtentCount());
        assertEquals(64, allocator.largestFreeExtentBytes());

        allocator.free(b);
        assertEquals(2, allocator.freeExtentCount(), "b merges with a and c");
        assertEquals(64 * 3, allocator.largestFreeExtentBytes());

        allocator.free(d);
        assertEquals(1, allocator.freeExtentCount());
        assertEquals(64 * 5, allocator.largestFreeExtentBytes());
        assertEquals(0, allocator.usedBytes());
    }

    @Test
    void shouldReportFragmentation()
    {
        final ExtentAllocator allocator = new ExtentAllocator(64 * 8);
        assertEquals(0.0, allocator.fragmentationRatio());

        final long[] units = new long[8];
        for (int i = 0; i < 8; i++)
        {
            units[i] = allocator.allocate(64);
        }
        assertEquals(0.0, allocator.fragmentationRatio(), "nothing free");
        for (int i = 0; i < 8; i += 2)
        {
            allocator.free(units[i]);
        }

        assertEquals(256, allocator.freeBytes());
        assertEquals(64, allocator.largestFreeExtentBytes());
        assertEquals(0.75, allocator.fragmentationRatio(), 1e-9);
        assertEquals(ExtentAllocator.NO_SPACE, allocator.allocate(128), "OOM with memory free: fragmentation");
    }

    @Test
    void shouldRejectDoubleFreeAndBadLength()
    {
        final ExtentAllocator allocator = new ExtentAllocator(1024);
        final long offset = allocator.allocate(100);
        allocator.free(offset);

        assertThrows(IllegalStateException.class, () -> allocator.free(offset));
        assertThrows(IllegalStateException.class, () -> allocator.free(12345));
        assertThrows(IllegalArgumentException.class, () -> allocator.allocate(0));
        assertThrows(IllegalArgumentException.class, () -> allocator.allocate(-1));
        assertThrows(IllegalArgumentException.class, () -> new ExtentAllocator(63));
        assertEquals(ExtentAllocator.NO_SPACE, allocator.allocate(1025));
    }

    @Test
    void shouldNeverOverlapAndShouldCoalesceFullyUnderRandomUse()
    {
        final long seed = System.nanoTime();
        System.out.println("ExtentAllocatorTest seed=" + seed);
        final Random random = new Random(seed);
        final long capacity = 64 * 4096;
        final ExtentAllocator allocator = new ExtentAllocator(capacity);
        final TreeMap<Long, Long> live = new TreeMap<>();

        for (int op = 0; op < 20_000; op++)
        {
            if (random.nextInt(100) < 55 || live.isEmpty())
            {
                final long length = 1 + random.nextInt(64 * 64);
                final long offset = allocator.allocate(length);
                if (offset == ExtentAllocator.NO_SPACE)
                {
                    assertTrue(allocator.largestFreeExtentBytes() < ExtentAllocator.align(length), "seed " + seed);
                    continue;
                }
                assertEquals(0, offset % ExtentAllocator.ALIGNMENT);
                final long end = offset + ExtentAllocator.align(length);
                assertTrue(end <= capacity);
                final var lower = live.floorEntry(offset);
                assertTrue(lower == null || lower.getValue() <= offset, "overlap below, seed " + seed);
                final var higher = live.ceilingEntry(offset);
                assertTrue(higher == null || higher.getKey() >= end, "overlap above, seed " + seed);
                live.put(offset, end);
            }
            else
            {
                final List<Long> offsets = new ArrayList<>(live.keySet());
                final long offset = offsets.get(random.nextInt(offsets.size()));
                assertEquals(live.remove(offset) - offset, allocator.free(offset));
            }

            long used = 0;
            for (final var entry : live.entrySet())
            {
                used += entry.getValue() - entry.getKey();
            }
            assertEquals(used, allocator.usedBytes(), "seed " + seed);
        }

        for (final long offset : new ArrayList<>(live.keySet()))
        {
            allocator.free(offset);
        }
        assertEquals(1, allocator.freeExtentCount(), "all free space coalesces into one extent, seed " + seed);
        assertEquals(capacity, allocator.largestFreeExtentBytes());
    }

    @Test
    void shouldAllocateAlignedExtentsSplittingTheFreeSpaceAroundThemAndCoalesceBack()
    {
        final ExtentAllocator allocator = new ExtentAllocator(1 << 20);
        final long small = allocator.allocate(100);
        assertEquals(0, small);
        final long aligned = allocator.allocateAligned(64 * 1024, 64 * 1024);
        assertEquals(64 * 1024, aligned, "the first 64 KiB boundary past the small extent");
        assertEquals(2, allocator.freeExtentCount(), "free space before and after the aligned extent");
        assertEquals((1 << 20) - 128 * 1024, allocator.largestFreeExtentBytes());
        final long second = allocator.allocateAligned(64 * 1024, 64 * 1024);
        assertEquals(128 * 1024, second);
        assertEquals(ExtentAllocator.NO_SPACE, allocator.allocateAligned(1 << 20, 64));
        assertThrows(IllegalArgumentException.class, () -> allocator.allocateAligned(64, 100));

        assertEquals(3, allocator.allocations());
        assertEquals(1, allocator.failedAllocations());
        final long peak = allocator.peakUsedBytes();
        assertEquals(128 + 2 * 64 * 1024, peak);
        allocator.free(aligned);
        allocator.free(small);
        allocator.free(second);
        assertEquals(3, allocator.frees());
        assertEquals(peak, allocator.peakUsedBytes(), "peak stays");
        assertEquals(1, allocator.freeExtentCount());
        assertEquals(1 << 20, allocator.largestFreeExtentBytes());
    }

    @Test
    void shouldAllocateRunOfExtentsBackToBackEachCountedAndFreedOnItsOwn()
    {
        final ExtentAllocator allocator = new ExtentAllocator(64 * 100);
        final long head = allocator.allocate(64);
        final int[] lengths = { 1, 63, 64, 4097, 65 };
        final long[] offsets = new long[lengths.length];

        final long start = allocator.allocateRun(lengths.length, lengths, offsets);

        assertEquals(64, start, "best fit: the one free extent, after the head");
        assertArrayEquals(new long[]{ 64, 128, 192, 256, 256 + 4160 }, offsets);
        assertEquals(64 + 64 + 64 + 64 + 4160 + 128, allocator.usedBytes());
        assertEquals(6, allocator.allocatedCount());
        assertEquals(6, allocator.allocations());
        assertEquals(allocator.usedBytes(), allocator.peakUsedBytes());
        for (int k = 0; k < lengths.length; k++)
        {
            assertEquals(ExtentAllocator.align(lengths[k]), allocator.allocatedLength(offsets[k]));
        }

        final List<Long> order = new ArrayList<>();
        for (final long offset : offsets)
        {
            order.add(offset);
        }
        order.add(head);
        Collections.shuffle(order, new Random(42));
        for (final long offset : order)
        {
            allocator.free(offset);
        }
        assertEquals(6, allocator.frees());
        assertEquals(0, allocator.usedBytes());
        assertEquals(0, allocator.allocatedCount());
        assertEquals(1, allocator.freeExtentCount(), "the pieces coalesce back into one free extent");
        assertEquals(64 * 100, allocator.largestFreeExtentBytes());
    }

    @Test
    void shouldRefuseRunThatFitsNowhereWithoutAllocatingOrCountingAFailure()
    {
        final ExtentAllocator allocator = new ExtentAllocator(64 * 8);
        final long[] units = new long[8];
        for (int i = 0; i < 8; i++)
        {
            units[i] = allocator.allocate(64);
        }
        for (int i = 0; i < 8; i += 2)
        {
            allocator.free(units[i]);
        }
        final int[] lengths = { 64, 64 };
        final long[] offsets = { 7, 7 };

        assertEquals(ExtentAllocator.NO_SPACE, allocator.allocateRun(2, lengths, offsets),
            "256 bytes free, but no two free units are adjacent");
        assertArrayEquals(new long[]{ 7, 7 }, offsets, "untouched");
        assertEquals(4, allocator.allocatedCount());
        assertEquals(256, allocator.usedBytes());
        assertEquals(0, allocator.failedAllocations());
        assertEquals(ExtentAllocator.NO_SPACE, allocator.allocateRun(1, new int[]{ 64 * 9 }, offsets));

        assertEquals(0, allocator.allocateRun(1, new int[]{ 64 }, offsets), "a run of one is an allocation, best fit");
        assertThrows(IllegalArgumentException.class, () -> allocator.allocateRun(0, lengths, offsets));
        assertThrows(IllegalArgumentException.class, () -> allocator.allocateRun(3, lengths, offsets));
        assertThrows(IllegalArgumentException.class, () -> allocator.allocateRun(2, new int[]{ 64, 0 }, offsets));
        assertEquals(5, allocator.allocatedCount(), "a rejected run allocates nothing");
    }
}
