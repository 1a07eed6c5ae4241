/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import io.tierpool.client.PressureLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device pool's size classes, cache, accounting, guard, trim and pressure levels, on a counting allocator:
 * runs on every machine (no GPU needed; {@link DeviceTierCudaTest} and {@link GpuBuffersTest} cover the CUDA side).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DevicePoolTest
{
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    @Test
    void shouldRoundRequestsUpToTheSmallBucketsThenPowersOfTwo()
    {
        assertEquals(256, DevicePool.sizeClassBytes(1));
        assertEquals(256, DevicePool.sizeClassBytes(256));
        assertEquals(1024, DevicePool.sizeClassBytes(257));
        assertEquals(1024, DevicePool.sizeClassBytes(1024));
        assertEquals(4096, DevicePool.sizeClassBytes(1025));
        assertEquals(4096, DevicePool.sizeClassBytes(4096));
        assertEquals(16384, DevicePool.sizeClassBytes(4097));
        assertEquals(65536, DevicePool.sizeClassBytes(16385));
        assertEquals(65536, DevicePool.sizeClassBytes(65536));
        assertEquals(128 * KIB, DevicePool.sizeClassBytes(65537));
        assertEquals(128 * KIB, DevicePool.sizeClassBytes(128 * KIB));
        assertEquals(256 * KIB, DevicePool.sizeClassBytes(128 * KIB + 1));
        assertEquals(128 * MIB, DevicePool.sizeClassBytes(65 * MIB));
        assertEquals(1L << 30, DevicePool.sizeClassBytes(1L << 30));
        assertEquals(DevicePool.MAX_BUCKET_BYTES, DevicePool.sizeClassBytes(DevicePool.MAX_BUCKET_BYTES));
        assertEquals(DevicePool.MAX_BUCKET_BYTES, DevicePool.bucketBytes(DevicePool.BUCKET_COUNT - 1));

        long previous = 0;
        for (int i = 0; i < DevicePool.BUCKET_COUNT; i++)
        {
            final long size = DevicePool.bucketBytes(i);
            assertTrue(size > previous, "bucket sizes grow");
            assertEquals(i, DevicePool.bucketIndex(size));
            assertEquals(i, DevicePool.bucketIndex(previous + 1));
            previous = size;
        }
    }

    @Test
    void shouldRejectSizesOutsideTheBuckets()
    {
        assertThrows(IllegalArgumentException.class, () -> DevicePool.bucketIndex(0));
        assertThrows(IllegalArgumentException.class, () -> DevicePool.bucketIndex(-5));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> DevicePool.bucketIndex(DevicePool.MAX_BUCKET_BYTES + 1));
        assertTrue(ex.getMessage().contains(Long.toString(DevicePool.MAX_BUCKET_BYTES + 1)), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DevicePool.bucketBytes(DevicePool.BUCKET_COUNT));

        final CountingDeviceMemory memory = new CountingDeviceMemory(64 * MIB, 64 * MIB);
        try (DevicePool pool = new DevicePool(memory, new DevicePool.Context()))
        {
            assertThrows(IllegalArgumentException.class, () -> pool.allocate(0));
            assertEquals(0, pool.stats().misses());
            assertEquals(0, memory.allocations());
        }
    }

    @Test
    void shouldServeARequestOfTheSameClassFromTheCache()
    {
        final CountingDeviceMemory memory = new CountingDeviceMemory(64 * MIB, 64 * MIB);
        try (DevicePool pool = new DevicePool(memory, new DevicePool.Context()))
        {
            final long first = pool.allocate(3000);
            assertEquals(1, memory.allocations());
            pool.release(first);
            assertEquals(4096, pool.cachedBytes());
            assertEquals(1, memory.liveCount(), "a released allocation stays with the pool");

            final long second = pool.allocate(2500);
            assertEquals(first, second, "same size class: the cached allocation is reused");
            assertEquals(1, memory.allocations(), "no second cudaMalloc");

            final long other = pool.allocate(5000);
            assertNotEquals(first, other);
            assertEquals(2, memory.allocations(), "another size class misses");

            final DevicePool.Stats stats = pool.stats();
            assertEquals(1, stats.hits());
            assertEquals(2, stats.misses());
            assertEquals(1.0 / 3, stats.hitRate(), 1e-9);
            assertEquals(List.of(
                new DevicePool.BucketStats(4096, 1, 1, 1, 0),
                new DevicePool.BucketStats(16384, 0, 1, 1, 0)), stats.buckets());
            assertEquals(0.5, stats.buckets().get(0).hitRate(), 1e-9);
        }
    }

    @Test
    void shouldAccountInUseCachedRequestedAndPeakBytes()
    {
        final CountingDeviceMemory memory = new CountingDeviceMemory(64 * MIB, 64 * MIB);
        try (DevicePool pool = new DevicePool(memory, new DevicePool.Context()))
        {
            final long a = pool.allocate(100);
            final long b = pool.allocate(70 * KIB);
            assertEquals(256 + 128 * KIB, pool.inUseBytes());
            assertEquals(100 + 70 * KIB, pool.stats().requestedBytes());
            assertEquals(0, pool.cachedBytes());

            pool.release(b);
            assertEquals(256, pool.inUseBytes());
            assertEquals(128 * KIB, pool.cachedBytes());
            assertEquals(256 + 128 * KIB, pool.totalBytes());
            assertEquals(100, pool.stats().requestedBytes());
            pool.release(a);

            final DevicePool.Stats stats = pool.stats();
            assertEquals(0, stats.inUseBytes());
            assertEquals(256 + 128 * KIB, stats.cachedBytes());
            assertEquals(256 + 128 * KIB, stats.peakInUseBytes());
            assertEquals(256 + 128 * KIB, stats.peakCachedBytes());
            assertEquals(256 + 128 * KIB, stats.peakTotalBytes());
            assertEquals(0, stats.requestedBytes());
            assertEquals(memory.liveBytes(), stats.totalBytes(), "the pool's total is what the driver handed out");
        }
    }

    @Test
    void shouldReturnCachedMemoryToTheDriverOnTrim()
    {
        final CountingDeviceMemory memory = new CountingDeviceMemory(64 * MIB, 64 * MIB);
        try (DevicePool pool = new DevicePool(memory, new DevicePool.Context()))
        {
            final long kept = pool.allocate(MIB);
            final List<Long> released = new ArrayList<>();
            for (int i = 0; i < 5; i++)
            {
                released.add(pool.allocate(5000 + i));
            }
            released.forEach(pool::release);
            assertEquals(5 * 16384, pool.cachedBytes());

            assertEquals(5 * 16384, pool.trim());
            assertEquals(0, pool.cachedBytes());
            assertEquals(MIB, pool.inUseBytes(), "allocations in use are not touched");
            assertEquals(1, memory.liveCount());
            assertEquals(MIB, memory.liveBytes());
            assertEquals(5 * 16384, pool.stats().trimmedBytes());
            assertEquals(0, pool.trim(), "nothing left to trim");

            pool.release(kept);
        }
        assertEquals(0, memory.liveCount(), "close returns everything");
    }

    @Test
    void shouldRefuseARequestPastTheLimitNamingSizesAndFreeMemory()
    {
        final CountingDeviceMemory memory = new CountingDeviceMemory(MIB, MIB);
        try (DevicePool pool = new DevicePool(memory, new DevicePool.Context().memoryFraction(0.5)))
        {
            assertEquals(512 * KIB, pool.limitBytes());
            pool.allocate(256 * KIB);
            pool.allocate(200 * KIB);
            assertEquals(512 * KIB, pool.inUseBytes(), "exactly at the limit is allowed");

            final DeviceOutOfMemoryException ex = assertThrows(DeviceOutOfMemoryException.class, () -> pool.allocate(10));
            assertEquals(10, ex.requestedBytes());
            assertEquals(512 * KIB, ex.poolBytes());
            assertEquals(512 * KIB, ex.limitBytes());
            assertEquals(512 * KIB, ex.deviceFreeBytes());
            assertTrue(ex.getMessage().contains("cannot allocate 10 bytes"), ex.getMessage());
            assertTrue(ex.getMessage().contains("the pool holds 524288 bytes"), ex.getMessage());
            assertTrue(ex.getMessage().contains("limit of 524288 bytes"), ex.getMessage());
            assertTrue(ex.getMessage().contains("524288 bytes free"), ex.getMessage());
            assertTrue(ex.getMessage().contains("gpu.pool.fraction"), ex.getMessage());

            assertEquals(2, memory.liveCount(), "nothing was allocated");
            assertEquals(512 * KIB, pool.inUseBytes());
            assertEquals(1, pool.stats().outOfMemoryFailures());
            assertThrows(DeviceOutOfMemoryException.class, () -> pool.allocate(2 * MIB), "larger than the limit");
        }
    }

    @Test
    void shouldTrimTheCacheBeforeRefusingARequest()
    {
        final CountingDeviceMemory memory = new CountingDeviceMemory(MIB, MIB);
        try (DevicePool pool = new DevicePool(memory, new DevicePool.Context().memoryFraction(1.0)))
        {
            final List<Long> addresses = new ArrayList<>();
            for (int i = 0; i < 5; i++)
            {
                addresses.add(pool.allocate(128 * KIB));
            }
            for (int i = 1; i < 5; i++)
            {
                pool.release(addresses.get(i));
            }
            assertEquals(128 * KIB, pool.inUseBytes());
            assertEquals(512 * KIB, pool.cachedBytes());

            pool.allocate(300 * KIB);
            assertEquals(0, pool.cachedBytes(), "the guard returned the cache to the driver");
            assertEquals(640 * KIB, pool.inUseBytes());
            assertEquals(512 * KIB, pool.stats().trimmedBytes());
            assertEquals(2, memory.liveCount());
            assertEquals(640 * KIB, memory.liveBytes());
        }
    }

    @Test
    void shouldTrimAndRetryWhenTheDriverIsOutOfMemoryThenFailClearly()
    {
        final CountingDeviceMemory memory = new CountingDeviceMemory(MIB, 256 * KIB);
        try (DevicePool pool = new DevicePool(memory, new DevicePool.Context()))
        {
            pool.release(pool.allocate(128 * KIB));
            assertEquals(128 * KIB, pool.cachedBytes());

            final long big = pool.allocate(256 * KIB);
            assertEquals(0, pool.cachedBytes(), "the cache made room for the driver");
            assertEquals(256 * KIB, memory.liveBytes());

            final DeviceOutOfMemoryException ex = assertThrows(DeviceOutOfMemoryException.class,
                () -> pool.allocate(256 * KIB));
            assertTrue(ex.getMessage().contains("the driver has no memory left"), ex.getMessage());
            assertEquals(0, ex.deviceFreeBytes());
            assertEquals(256 * KIB, pool.inUseBytes(), "the failed request changed nothing");
            pool.release(big);
        }
    }

    @Test
    void shouldGradePressureOfTheBytesInUseAgainstTheLimit()
    {
        final CountingDeviceMemory memory = new CountingDeviceMemory(MIB, MIB);
        try (DevicePool pool = new DevicePool(memory, new DevicePool.Context().memoryFraction(1.0)))
        {
            assertEquals(PressureLevel.NORMAL, pool.pressureLevel());
            pool.allocate(512 * KIB);
            assertEquals(PressureLevel.NORMAL, pool.pressureLevel());
            final long quarter = pool.allocate(256 * KIB);
            assertEquals(PressureLevel.ELEVATED, pool.pressureLevel(), "768 KiB = 0.75 of the limit");
            pool.allocate(128 * KIB);
            assertEquals(PressureLevel.ELEVATED, pool.pressureLevel(), "896 KiB < 0.9");
            pool.allocate(64 * KIB);
            assertEquals(PressureLevel.WARNING, pool.pressureLevel(), "960 KiB >= 0.9, < 0.95");
            final long last = pool.allocate(64 * KIB);
            assertEquals(PressureLevel.OUT_OF_MEMORY, pool.pressureLevel());
            assertEquals(PressureLevel.OUT_OF_MEMORY, pool.stats().pressureLevel());

            pool.release(last);
            assertEquals(0, pool.cachedBytes(), "above the high watermark a release goes to the driver");
            assertEquals(4, memory.liveCount());
            pool.release(quarter);
            assertEquals(0, pool.cachedBytes(), "960 KiB before the release: still above the high watermark");
            assertEquals(PressureLevel.NORMAL, pool.pressureLevel(), "704 KiB < 0.75");
        }
    }

    @Test
    void shouldRejectAReleaseOfAnAddressNotInUse()
    {
        final CountingDeviceMemory memory = new CountingDeviceMemory(64 * MIB, 64 * MIB);
        try (DevicePool pool = new DevicePool(memory, new DevicePool.Context()))
        {
            final long address = pool.allocate(1000);
            final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> pool.release(address + 256));
            assertTrue(unknown.getMessage().contains("0x" + Long.toHexString(address + 256)), unknown.getMessage());

            pool.release(address);
            assertThrows(IllegalArgumentException.class, () -> pool.release(address), "released twice");
            assertEquals(1024, pool.cachedBytes(), "the pool is unchanged by the bad releases");
            assertEquals(0, pool.inUseBytes());
        }
    }

    @Test
    void shouldReturnEverythingOnCloseAndRefuseAllocationsAfter()
    {
        final CountingDeviceMemory memory = new CountingDeviceMemory(64 * MIB, 64 * MIB);
        final DevicePool pool = new DevicePool(memory, new DevicePool.Context().name("test pool"));
        final long inUse = pool.allocate(MIB);
        pool.release(pool.allocate(100));
        assertEquals(2, memory.liveCount());

        pool.close();
        assertTrue(pool.isClosed());
        assertEquals(0, memory.liveCount(), "cached and in-use memory went back to the driver");
        assertEquals(2, memory.frees());
        pool.close();
        assertEquals(2, memory.frees(), "a second close does nothing");

        pool.release(inUse);
        assertEquals(2, memory.frees(), "a release after close does nothing");
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> pool.allocate(10));
        assertTrue(ex.getMessage().contains("test pool"), ex.getMessage());
    }

    @Test
    void shouldKeepItsBooksStraightUnderConcurrentUse() throws InterruptedException
    {
        final CountingDeviceMemory memory = new CountingDeviceMemory(1L << 30, 1L << 30);
        final int threads = 4;
        final int operations = 20_000;
        try (DevicePool pool = new DevicePool(memory, new DevicePool.Context()))
        {
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final long seed = t;
                workers.add(new Thread(() ->
                {
                    try
                    {
                        final SplittableRandom random = new SplittableRandom(seed);
                        final List<Long> mine = new ArrayList<>();
                        for (int i = 0; i < operations; i++)
                        {
                            if (mine.isEmpty() || random.nextInt(3) != 0)
                            {
                                mine.add(pool.allocate(1 + random.nextInt(200_000)));
                            }
                            else
                            {
                                pool.release(mine.remove(random.nextInt(mine.size())));
                            }
                            if (mine.size() > 32)
                            {
                                pool.release(mine.remove(0));
                            }
                        }
                        mine.forEach(pool::release);
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                }));
            }
            workers.forEach(Thread::start);
            for (final Thread worker : workers)
            {
                worker.join();
            }
            assertNull(failure.get());

            final DevicePool.Stats stats = pool.stats();
            assertEquals(0, stats.inUseBytes());
            assertEquals(0, stats.requestedBytes());
            assertEquals(memory.liveBytes(), stats.cachedBytes());
            assertEquals(stats.misses(), stats.driverAllocations());
            long cached = 0;
            for (final DevicePool.BucketStats bucket : stats.buckets())
            {
                assertEquals(0, bucket.inUse());
                cached += bucket.cached() * bucket.sizeBytes();
            }
            assertEquals(stats.cachedBytes(), cached);
            assertTrue(stats.hits() > stats.misses(), "a steady workload is served mostly from the cache");

            final Set<Long> distinct = new HashSet<>();
            final List<Long> again = new ArrayList<>();
            for (int i = 0; i < 100; i++)
            {
                final long address = pool.allocate(100_000);
                assertTrue(distinct.add(address), "no address is handed out twice");
                again.add(address);
            }
            again.forEach(pool::release);
        }
        assertEquals(0, memory.liveCount());
    }

    @Test
    void shouldRejectBadSettings()
    {
        final CountingDeviceMemory memory = new CountingDeviceMemory(MIB, MIB);
        assertThrows(IllegalArgumentException.class,
            () -> new DevicePool(memory, new DevicePool.Context().memoryFraction(0)));
        assertThrows(IllegalArgumentException.class,
            () -> new DevicePool(memory, new DevicePool.Context().memoryFraction(1.5)));
        assertThrows(IllegalArgumentException.class,
            () -> new DevicePool(memory, new DevicePool.Context().lowWatermark(0.95)));
        assertThrows(IllegalArgumentException.class,
            () -> new DevicePool(new CountingDeviceMemory(0, 0), new DevicePool.Context()));
    }
}
