/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.client.SizeClassStats;
import io.tierpool.node.tier.Tier;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class SizeClassAllocatorTest
{
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;

    @Test
    void shouldRoundTripBlocksOfManySizesWithContentsChecked()
    {
        try (RamTier tier = new RamTier(64L * MIB))
        {
            final Random random = new Random(3);
            final List<long[]> blocks = new ArrayList<>();
            final List<byte[]> contents = new ArrayList<>();
            final int[] sizes = { 1, 15, 16, 17, 63, 64, 65, 100, 1000, 4096, 4097, 28 * KIB, 28 * KIB + 1, 32 * KIB,
                64 * KIB, 100_000, 1 * MIB, 4 * MIB, 4 * MIB + 1, 6 * MIB };
            long blockId = 1;
            for (int round = 0; round < 2; round++)
            {
                for (final int size : sizes)
                {
                    final byte[] bytes = TierTestSupport.randomBytes(random, size);
                    final long location = tier.write(blockId, new UnsafeBuffer(bytes), 0, size, 0);
                    assertNotEquals(Tier.NO_SPACE, location, "block of " + size);
                    blocks.add(new long[]{ blockId++, location, size });
                    contents.add(bytes);
                }
            }
            for (int i = 0; i < blocks.size(); i++)
            {
                final long[] block = blocks.get(i);
                final byte[] back = new byte[(int)block[2]];
                tier.read(block[0], block[1], new UnsafeBuffer(back), 0, back.length);
                assertArrayEquals(contents.get(i), back, "block " + block[0] + " of " + block[2] + " bytes");
            }
            for (final long[] block : blocks)
            {
                tier.free(block[0], block[1]);
            }
            assertEquals(0, tier.usedBytes());
            assertEquals(0, tier.blockCount());
            assertTrue(tier.peakUsedBytes() > 2 * 15 * MIB, "peak " + tier.peakUsedBytes());
        }
    }

    @Test
    void shouldHitTheThreadCacheWhenTheSameThreadAllocatesAfterAFree()
    {
        try (RamTier tier = new RamTier(16L * MIB))
        {
            final SizeClassAllocator allocator = tier.allocator();
            final int sizeIndex = allocator.sizeClasses().index(64);
            final long first = allocator.allocate(64);
            allocator.free(first);
            final long second = allocator.allocate(60);
            assertEquals(first, second, "the freed block comes back from the thread cache");
            final SizeClassStats stats = allocator.sizeClassStats().get(sizeIndex);
            assertEquals(64, stats.sizeBytes());
            assertEquals(2, stats.allocations());
            assertEquals(1, stats.frees());
            assertEquals(1, stats.cacheHits());
            assertEquals(1, stats.usedBlocks());
            assertEquals(64, stats.usedBytes());
            allocator.free(second);
        }
    }

    @Test
    void shouldGiveACachedBlockBackToTheArenaWhenItsThreadDies() throws Exception
    {
        try (RamTier tier = new RamTier(16L * MIB))
        {
            final SizeClassAllocator allocator = tier.allocator();
            final long[] handle = new long[1];
            final Thread thread = new Thread(() ->
            {
                handle[0] = allocator.allocate(100);
                allocator.free(handle[0]);
            });
            thread.start();
            thread.join();
            assertEquals(1, allocator.chunkCount(), "the dead thread's cached block still holds its chunk");

            allocator.trim();
            assertEquals(0, allocator.chunkCount(), "the dead thread's cache went back, and the chunk with it");
            assertEquals(1, allocator.regionFreeExtentCount());
            assertEquals(1, allocator.sizeClassStats().get(allocator.sizeClasses().index(100)).frees());
        }
    }

    @Test
    void shouldCoalesceAChunkAndTheRegionBackToOneFreeExtentAfterEverythingIsFreed()
    {
        try (RamTier tier = new RamTier(64L * MIB))
        {
            final SizeClassAllocator allocator = tier.allocator();
            final Random random = new Random(9);
            final List<Long> handles = new ArrayList<>();
            for (int i = 0; i < 1200; i++)
            {
                final long handle = allocator.allocate(1 + random.nextInt(random.nextBoolean() ? 2048 : 64 * KIB));
                assertNotEquals(SizeClassAllocator.NO_SPACE, handle);
                handles.add(handle);
                if (random.nextBoolean())
                {
                    allocator.free(handles.remove(random.nextInt(handles.size())));
                }
            }
            assertTrue(allocator.chunkCount() >= 1);
            assertTrue(allocator.fragmentationRatio() > 0, "mixed sizes fragment the free space");
            for (final long handle : handles)
            {
                allocator.free(handle);
            }
            allocator.trim();
            assertEquals(0, allocator.usedBytes());
            assertEquals(0, allocator.chunkCount());
            assertEquals(1, allocator.regionFreeExtentCount(), "the region is one free extent again");
            assertEquals(tier.capacityBytes(), allocator.largestFreeExtentBytes());
            assertEquals(0.0, allocator.fragmentationRatio());
        }
    }

    @Test
    void shouldKeepAnEmptiedChunkAsOneFreeRun()
    {
        try (RamTier tier = new RamTier(16L * MIB))
        {
            final SizeClassAllocator allocator = tier.allocator();
            final long[] runs = new long[8];
            for (int i = 0; i < runs.length; i++)
            {
                runs[i] = allocator.allocate(40 * KIB);
            }
            for (int i = 0; i < runs.length; i += 2)
            {
                allocator.free(runs[i]);
            }
            for (int i = 1; i < runs.length; i += 2)
            {
                allocator.free(runs[i]);
            }
            assertEquals(1, allocator.chunkCount(), "the arena keeps its last chunk");
            final long whole = allocator.allocate(allocator.sizeClasses().chunkBytes());
            assertEquals(0, SizeClassAllocator.offset(whole) % allocator.sizeClasses().chunkBytes());
            allocator.free(whole);
        }
    }

    @Test
    void shouldReportNoSpaceWhenFullAndNeverExceedCapacity()
    {
        try (RamTier tier = new RamTier(3L * MIB))
        {
            final List<Long> locations = new ArrayList<>();
            long blockId = 1;
            while (true)
            {
                final long location = tier.allocate(blockId, 1 * MIB);
                if (location == Tier.NO_SPACE)
                {
                    break;
                }
                locations.add(location);
                blockId++;
            }
            assertEquals(3, locations.size(), "three 1 MiB blocks fill a 3 MiB tier");
            assertTrue(tier.usedBytes() <= tier.capacityBytes());
            assertEquals(Tier.NO_SPACE, tier.allocate(blockId, 64));
            assertEquals(0, tier.largestFreeExtentBytes());
            assertTrue(tier.allocatorStats().failedAllocations() >= 2);
            tier.free(1, locations.get(0));
            assertNotEquals(Tier.NO_SPACE, tier.allocate(blockId, 64));
        }
    }

    @Test
    void shouldNeverHandOutOverlappingMemoryOrExceedCapacityUnderConcurrentAllocation() throws Exception
    {
        final int threads = 4;
        try (RamTier tier = new RamTier(8L * MIB, new SizeClassAllocator.Context().arenas(2)))
        {
            final SizeClassAllocator allocator = tier.allocator();
            final CyclicBarrier start = new CyclicBarrier(threads);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int worker = t;
                final Thread thread = new Thread(() ->
                {
                    try
                    {
                        start.await();
                        hammer(allocator, worker, tier.capacityBytes());
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                });
                workers.add(thread);
                thread.start();
            }
            for (final Thread thread : workers)
            {
                thread.join();
            }
            assertNull(failure.get(), () -> "worker failed: " + failure.get());
            allocator.trim();
            assertEquals(0, allocator.usedBytes());
            assertEquals(0, allocator.chunkCount());
            assertEquals(1, allocator.regionFreeExtentCount());
            long allocations = 0;
            for (final SizeClassStats stats : allocator.sizeClassStats())
            {
                allocations += stats.allocations();
                assertEquals(0, stats.usedBlocks());
            }
            assertTrue(allocations > 10_000);
        }
    }

    private static void hammer(final SizeClassAllocator allocator, final int worker, final long capacity)
    {
        final Random random = new Random(worker);
        final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
        final long[] handles = new long[400];
        final int[] sizes = new int[400];
        final long[] patterns = new long[400];
        int live = 0;
        for (int op = 0; op < 20_000; op++)
        {
            if (live < handles.length && (live == 0 || random.nextInt(100) < 55))
            {
                final int size = random.nextInt(10) == 0 ? 1 + random.nextInt(300 * KIB) : 1 + random.nextInt(2 * KIB);
                // One block in eight never moves: it takes the unmovable subpages and the lowest runs.
                final long handle = allocator.allocate(size, random.nextInt(8) != 0);
                if (handle == SizeClassAllocator.NO_SPACE)
                {
                    continue;
                }
                if (allocator.usedBytes() > capacity)
                {
                    throw new AssertionError("used " + allocator.usedBytes() + " > capacity " + capacity);
                }
                final long pattern = random.nextLong() | 1;
                fill(view, allocator.address(handle), size, pattern);
                handles[live] = handle;
                sizes[live] = size;
                patterns[live] = pattern;
                live++;
            }
            else
            {
                final int victim = random.nextInt(live);
                verify(view, allocator.address(handles[victim]), sizes[victim], patterns[victim], worker);
                allocator.free(handles[victim]);
                live--;
                handles[victim] = handles[live];
                sizes[victim] = sizes[live];
                patterns[victim] = patterns[live];
            }
        }
        for (int i = 0; i < live; i++)
        {
            verify(view, allocator.address(handles[i]), sizes[i], patterns[i], worker);
            allocator.free(handles[i]);
        }
        allocator.trim();
    }

    private static void fill(final UnsafeBuffer view, final long address, final int size, final long pattern)
    {
        view.wrap(address, size);
        int i = 0;
        for (; i + 8 <= size; i += 8)
        {
            view.putLong(i, pattern ^ i);
        }
        for (; i < size; i++)
        {
            view.putByte(i, (byte)pattern);
        }
    }

    private static void verify(final UnsafeBuffer view, final long address, final int size, final long pattern, final int worker)
    {
        view.wrap(address, size);
        int i = 0;
        for (; i + 8 <= size; i += 8)
        {
            if (view.getLong(i) != (pattern ^ i))
            {
                throw new AssertionError("worker " + worker + ": block at " + address + " of " + size +
                    " bytes was overwritten at byte " + i);
            }
        }
        for (; i < size; i++)
        {
            if (view.getByte(i) != (byte)pattern)
            {
                throw new AssertionError("worker " + worker + ": block at " + address + " overwritten at " + i);
            }
        }
    }

    @Test
    void shouldRejectBadHandlesAndDoubleFreesThatReachTheArena()
    {
        try (RamTier tier = new RamTier(16L * MIB, new SizeClassAllocator.Context().threadCacheEntriesPerClass(0)))
        {
            final SizeClassAllocator allocator = tier.allocator();
            final long small = allocator.allocate(100);
            final long run = allocator.allocate(64 * KIB);
            final long direct = allocator.allocate(5 * MIB);
            allocator.free(small);
            allocator.free(run);
            allocator.free(direct);
            assertThrows(IllegalStateException.class, () -> allocator.free(small));
            assertThrows(IllegalStateException.class, () -> allocator.free(run));
            assertThrows(IllegalStateException.class, () -> allocator.free(direct));
            assertThrows(IllegalStateException.class, () -> allocator.free(-5));
            assertThrows(IllegalArgumentException.class, () -> allocator.allocate(0));
        }
    }

    @Test
    void shouldTrimCachedBlocksAThreadStoppedUsing()
    {
        try (RamTier tier = new RamTier(16L * MIB, new SizeClassAllocator.Context().threadCacheTrimIntervalAllocations(100)))
        {
            final SizeClassAllocator allocator = tier.allocator();
            final long[] handles = new long[50];
            for (int i = 0; i < handles.length; i++)
            {
                handles[i] = allocator.allocate(1000);
            }
            for (final long handle : handles)
            {
                allocator.free(handle);
            }
            final long usedByOtherClass = allocator.allocate(64);
            for (int i = 0; i < 200; i++)
            {
                allocator.free(allocator.allocate(64));
            }
            final int sizeIndex = allocator.sizeClasses().index(1000);
            final long hitsBefore = allocator.sizeClassStats().get(sizeIndex).cacheHits();
            final long again = allocator.allocate(1000);
            assertEquals(hitsBefore, allocator.sizeClassStats().get(sizeIndex).cacheHits(),
                "the 1000-byte blocks were trimmed from the cache: a miss");
            allocator.free(again);
            allocator.free(usedByOtherClass);
        }
    }

    @Test
    void shouldStoreAndCheckBlocksThroughTheTierFromSeveralThreads() throws Exception
    {
        try (RamTier tier = new RamTier(16L * MIB))
        {
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < 3; t++)
            {
                final int worker = t;
                final Thread thread = new Thread(() ->
                {
                    try
                    {
                        final Random random = new Random(100 + worker);
                        for (int round = 0; round < 200; round++)
                        {
                            final long blockId = worker * 1_000_000L + round + 1;
                            final byte[] bytes = TierTestSupport.randomBytes(random, 1 + random.nextInt(20_000));
                            final long location = tier.write(blockId, new UnsafeBuffer(bytes), 0, bytes.length, 0);
                            assertNotEquals(Tier.NO_SPACE, location);
                            final byte[] back = new byte[bytes.length];
                            tier.read(blockId, location, new UnsafeBuffer(back), 0, back.length);
                            assertArrayEquals(bytes, back);
                            assertThrows(IllegalStateException.class, () -> tier.free(blockId + 1, location));
                            tier.free(blockId, location);
                        }
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                });
                workers.add(thread);
                thread.start();
            }
            for (final Thread thread : workers)
            {
                thread.join();
            }
            assertNull(failure.get(), () -> "worker failed: " + failure.get());
            assertEquals(0, tier.blockCount());
            assertEquals(0, tier.usedBytes());
        }
    }

    @Test
    void shouldServeATierSmallerThanAChunkStraightFromTheRegion()
    {
        try (RamTier tier = new RamTier(192))
        {
            final long location = tier.allocate(1, 100);
            assertNotEquals(Tier.NO_SPACE, location);
            assertEquals(-1, tier.allocator().sizeIndex(location), "a direct extent: no chunk fits the tier");
            assertNotEquals(Tier.NO_SPACE, tier.allocate(2, 64));
            assertEquals(Tier.NO_SPACE, tier.allocate(3, 1));
            assertEquals(192, tier.usedBytes());
        }
    }

    @Test
    void shouldRejectBadAllocatorSettingsWithTheirNames()
    {
        final io.tierpool.client.ConfigurationException page = assertThrows(io.tierpool.client.ConfigurationException.class,
            () -> new RamTier(MIB, new SizeClassAllocator.Context().pageBytes(1000)));
        assertTrue(page.getMessage().contains("pageBytes=1000"), page.getMessage());
        final io.tierpool.client.ConfigurationException arenas = assertThrows(io.tierpool.client.ConfigurationException.class,
            () -> new RamTier(MIB, new SizeClassAllocator.Context().arenas(0)));
        assertTrue(arenas.getMessage().contains("arenas=0"), arenas.getMessage());
        assertThrows(io.tierpool.client.ConfigurationException.class,
            () -> new RamTier(MIB, new SizeClassAllocator.Context().chunkBytes(3 * MIB)));
    }
}
