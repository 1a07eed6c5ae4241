/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import io.tierpool.client.PressureLevel;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A caching allocator of device memory: allocations are rounded up to a size class (bucket), and a released
 * allocation is kept in its bucket's cache for the next request of that class instead of going back to the
 * driver. A {@code cudaMalloc} costs on the order of 100 µs and can synchronise the device; a cache hit is a
 * few hash-map operations.
 * <p>
 * <b>Size classes.</b> 256 B, 1 KiB, 4 KiB, 16 KiB and 64 KiB (the small buckets of RingKernel's stratified
 * pool), then every power of two from 128 KiB up to {@link #MAX_BUCKET_BYTES} (64 TiB). A request is served from
 * the smallest class that holds it, so up to half of a large allocation can be padding (a 65 MiB request uses
 * a 128 MiB class); {@link Stats#requestedBytes()} against {@link Stats#inUseBytes()} shows that waste.
 * <p>
 * <b>Guard.</b> The pool's total ({@code inUse + cached} bytes) never exceeds {@link #limitBytes()}, a fraction
 * ({@link Context#memoryFraction(double)}, default {@value Context#MEMORY_FRACTION_DEFAULT}) of the device's
 * total memory, so that the card is never run out of memory by the pool. A cache miss that would pass the limit
 * first returns every cached allocation to the driver ({@link #trim()}), as PyTorch's caching allocator does
 * before it gives up; if the request still does not fit, or if the driver itself has no memory left (other
 * processes share the card), {@link #allocate} throws {@link DeviceOutOfMemoryException} naming the request,
 * the pool's total, the limit and the device's free memory.
 * <p>
 * <b>Pressure.</b> {@link #pressureLevel()} grades the bytes in use as {@link PressureLevel} defines it, with
 * the limit as hard cap, the high watermark times the limit as soft cap and the low watermark times the limit as
 * drain target. While the pool's total is at or above the high watermark of the limit, a released
 * allocation goes straight back to the driver instead of into the cache (RingKernel's "shrink on warning"
 * reaction), so a pool under pressure does not sit on memory it is not using.
 * <p>
 * <b>Where the ideas come from.</b> Size-class caching of device memory is what RAPIDS RMM's
 * {@code pool_memory_resource}/{@code binning_memory_resource} and PyTorch's CUDA caching allocator do (including
 * "free the cache and retry" on out-of-memory and {@code empty_cache()}, here {@link #trim()}); the small buckets,
 * per-bucket hit counts and pressure reactions follow RingKernel's {@code StratifiedMemoryPool}; the 80% device
 * memory limit follows the Genesis memory manager (engram task 004).
 * <p>
 * <b>Threading:</b> thread-safe; every method takes the pool's lock, and the raw allocator is called under it
 * (a miss holds the lock for the length of a {@code cudaMalloc}). No stream ordering: an allocation may be
 * released only once the device has finished every operation that uses it (synchronise its stream first), as
 * with {@code cudaFree}.
 * <p>
 * <b>Ownership:</b> whoever opens the pool closes it; the pool does not close its {@link DeviceMemory}. Closing
 * returns every allocation, cached or still in use, to the driver.
 */
public final class DevicePool implements AutoCloseable
{
    /** Sizes of the small buckets, in bytes: 256 B, 1 KiB, 4 KiB, 16 KiB, 64 KiB. */
    private static final long[] SMALL_BUCKET_BYTES = {256, 1024, 4096, 16384, 65536};

    /** log2 of the largest bucket. */
    private static final int MAX_BUCKET_SHIFT = 46;

    /** The largest size class, and so the largest request: 64 TiB. */
    public static final long MAX_BUCKET_BYTES = 1L << MAX_BUCKET_SHIFT;

    /** Number of size classes: the five small ones and the powers of two from 128 KiB to 64 TiB. */
    public static final int BUCKET_COUNT = SMALL_BUCKET_BYTES.length + MAX_BUCKET_SHIFT - 16;

    private static final long MISSING = -1;

    /** An in-use entry packs the requested size above the bucket index: {@code (bytes << 6) | index}. */
    private static final int INDEX_BITS = 6;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

    private final DeviceMemory memory;
    private final String name;
    private final long limitBytes;
    private final double lowWatermark;
    private final double highWatermark;

    private final LongArrayList[] cached = new LongArrayList[BUCKET_COUNT];
    private final Long2LongHashMap inUse = new Long2LongHashMap(MISSING);
    private final long[] hits = new long[BUCKET_COUNT];
    private final long[] misses = new long[BUCKET_COUNT];
    private final long[] inUseCount = new long[BUCKET_COUNT];

    private long inUseBytes;
    private long cachedBytes;
    private long requestedBytes;
    private long peakInUseBytes;
    private long peakCachedBytes;
    private long peakTotalBytes;
    private long driverAllocations;
    private long driverFrees;
    private long trimmedBytes;
    private long outOfMemoryFailures;
    private boolean closed;

    /**
     * Opens a pool over a raw allocator.
     *
     * @param memory the raw allocator ({@link CudaDeviceMemory} on a GPU); not closed by the pool.
     * @param ctx    the settings.
     * @throws IllegalArgumentException if a setting is out of range or the device reports no memory.
     */
    public DevicePool(final DeviceMemory memory, final Context ctx)
    {
        ctx.conclude();
        final long totalBytes = memory.totalBytes();
        if (totalBytes <= 0)
        {
            throw new IllegalArgumentException(memory.name() + " reports " + totalBytes + " bytes of memory");
        }
        this.memory = memory;
        this.name = ctx.name();
        this.limitBytes = (long)(totalBytes * ctx.memoryFraction());
        this.lowWatermark = ctx.lowWatermark();
        this.highWatermark = ctx.highWatermark();
        for (int i = 0; i < BUCKET_COUNT; i++)
        {
            cached[i] = new LongArrayList();
        }
    }

    /**
     * @param bytes a request size in bytes, 1 to {@link #MAX_BUCKET_BYTES}.
     * @return the index of the smallest size class that holds it, 0 to {@link #BUCKET_COUNT} - 1.
     * @throws IllegalArgumentException if {@code bytes} is out of range.
     */
    public static int bucketIndex(final long bytes)
    {
        if (bytes < 1 || bytes > MAX_BUCKET_BYTES)
        {
            throw new IllegalArgumentException("device allocation of " + bytes + " bytes: the size must be from 1 " +
                "to " + MAX_BUCKET_BYTES + " bytes");
        }
        for (int i = 0; i < SMALL_BUCKET_BYTES.length; i++)
        {
            if (bytes <= SMALL_BUCKET_BYTES[i])
            {
                return i;
            }
        }
        final int shift = 64 - Long.numberOfLeadingZeros(bytes - 1);
        return SMALL_BUCKET_BYTES.length + shift - 17;
    }

    /**
     * @param index a size class, 0 to {@link #BUCKET_COUNT} - 1.
     * @return its size in bytes.
     * @throws IllegalArgumentException if {@code index} is out of range.
     */
    public static long bucketBytes(final int index)
    {
        if (index < 0 || index >= BUCKET_COUNT)
        {
            throw new IllegalArgumentException("bucket index " + index + " is outside 0.." + (BUCKET_COUNT - 1));
        }
        if (index < SMALL_BUCKET_BYTES.length)
        {
            return SMALL_BUCKET_BYTES[index];
        }
        return 1L << (index - SMALL_BUCKET_BYTES.length + 17);
    }

    /**
     * @param bytes a request size in bytes, 1 to {@link #MAX_BUCKET_BYTES}.
     * @return the bytes the pool sets aside for it: the size of its class.
     * @throws IllegalArgumentException if {@code bytes} is out of range.
     */
    public static long sizeClassBytes(final long bytes)
    {
        return bucketBytes(bucketIndex(bytes));
    }

    /**
     * Allocates device memory of at least {@code bytes} bytes, from the cache of its size class when it has one.
     *
     * @param bytes how many bytes, 1 to {@link #MAX_BUCKET_BYTES}.
     * @return the device address; valid for {@link #sizeClassBytes(long)} bytes until {@link #release(long)}.
     * @throws IllegalArgumentException   if {@code bytes} is out of range.
     * @throws DeviceOutOfMemoryException if the request does not fit under the limit even after trimming the
     *                                    cache, or the driver is out of memory; nothing was allocated.
     * @throws CudaException              if the driver failed for another reason.
     * @throws IllegalStateException      if the pool is closed.
     */
    public synchronized long allocate(final long bytes)
    {
        final int index = bucketIndex(bytes);
        checkOpen();
        final long size = bucketBytes(index);
        final LongArrayList bucket = cached[index];
        final long address;
        if (!bucket.isEmpty())
        {
            address = bucket.removeAt(bucket.size() - 1);
            cachedBytes -= size;
            hits[index]++;
        }
        else
        {
            misses[index]++;
            address = allocateFromDriver(bytes, size);
        }
        inUse.put(address, (bytes << INDEX_BITS) | index);
        inUseCount[index]++;
        inUseBytes += size;
        requestedBytes += bytes;
        peakInUseBytes = Math.max(peakInUseBytes, inUseBytes);
        peakTotalBytes = Math.max(peakTotalBytes, inUseBytes + cachedBytes);
        return address;
    }

    /**
     * Gives an allocation back: into its size class's cache, or to the driver while the pool is at or above the
     * high watermark of its limit. The device must have finished with the memory (synchronise its stream
     * first). After {@link #close()} this does nothing: the memory went back to the driver with the pool.
     *
     * @param address an address {@link #allocate} returned and not released since.
     * @throws IllegalArgumentException if the address is not in use from this pool (never allocated here, or
     *                                  released twice); the pool is unchanged.
     * @throws CudaException            if the driver refuses to free it (the pool has then forgotten it).
     */
    public synchronized void release(final long address)
    {
        if (closed)
        {
            return;
        }
        final long entry = inUse.remove(address);
        if (entry == MISSING)
        {
            throw new IllegalArgumentException(name + ": address 0x" + Long.toHexString(address) + " is not in use " +
                "from this pool (never allocated here, or released already)");
        }
        final int bucket = (int)(entry & INDEX_MASK);
        final long size = bucketBytes(bucket);
        inUseCount[bucket]--;
        inUseBytes -= size;
        requestedBytes -= entry >>> INDEX_BITS;
        if (inUseBytes + cachedBytes + size >= highWatermark * limitBytes)
        {
            freeToDriver(address, size);
        }
        else
        {
            cached[bucket].addLong(address);
            cachedBytes += size;
            peakCachedBytes = Math.max(peakCachedBytes, cachedBytes);
        }
    }

    /**
     * Returns every cached allocation to the driver (PyTorch's {@code empty_cache()}). Allocations in use are
     * not touched.
     *
     * @return bytes returned to the driver.
     * @throws CudaException if the driver refuses a free (the allocations freed before it stay freed).
     */
    public synchronized long trim()
    {
        if (closed)
        {
            return 0;
        }
        return trimCache();
    }

    /**
     * @return the largest number of bytes the pool may hold, in use and cached: the memory fraction of the
     * device's total memory.
     */
    public long limitBytes()
    {
        return limitBytes;
    }

    /**
     * @return bytes handed out and not released, counted by size class.
     */
    public synchronized long inUseBytes()
    {
        return inUseBytes;
    }

    /**
     * @return bytes held in the caches, ready for reuse.
     */
    public synchronized long cachedBytes()
    {
        return cachedBytes;
    }

    /**
     * @return {@code inUseBytes() + cachedBytes()}: what the pool holds from the driver.
     */
    public synchronized long totalBytes()
    {
        return inUseBytes + cachedBytes;
    }

    /**
     * @return the pressure level of the bytes in use against {@link #limitBytes()}, with the watermarks of the
     * context; {@link PressureLevel#OUT_OF_MEMORY} when the in-use bytes reach the limit.
     */
    public synchronized PressureLevel pressureLevel()
    {
        return PressureLevel.of(inUseBytes, limitBytes, lowWatermark, highWatermark);
    }

    /**
     * @return a consistent snapshot of the pool's counters.
     */
    public synchronized Stats stats()
    {
        final List<BucketStats> buckets = new ArrayList<>();
        long totalHits = 0;
        long totalMisses = 0;
        for (int i = 0; i < BUCKET_COUNT; i++)
        {
            totalHits += hits[i];
            totalMisses += misses[i];
            if (hits[i] != 0 || misses[i] != 0 || !cached[i].isEmpty() || inUseCount[i] != 0)
            {
                buckets.add(new BucketStats(bucketBytes(i), hits[i], misses[i], inUseCount[i], cached[i].size()));
            }
        }
        return new Stats(name, limitBytes, inUseBytes, cachedBytes, requestedBytes, peakInUseBytes, peakCachedBytes,
            peakTotalBytes, totalHits, totalMisses, driverAllocations, driverFrees, trimmedBytes, outOfMemoryFailures,
            PressureLevel.of(inUseBytes, limitBytes, lowWatermark, highWatermark),
            Collections.unmodifiableList(buckets));
    }

    /**
     * @return the pool's name, for messages.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return true once {@link #close()} was called.
     */
    public synchronized boolean isClosed()
    {
        return closed;
    }

    /**
     * Returns every allocation, cached and in use, to the driver. Idempotent. Buffers still holding pool memory
     * must not be used afterwards; releasing them is then a no-op.
     *
     * @throws CudaException if the driver refuses a free; the pool is closed anyway.
     */
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        CudaException failure = null;
        try
        {
            trimCache();
        }
        catch (final CudaException ex)
        {
            failure = ex;
        }
        final Long2LongHashMap.KeyIterator addresses = inUse.keySet().iterator();
        while (addresses.hasNext())
        {
            final long address = addresses.nextValue();
            try
            {
                freeToDriver(address, bucketBytes((int)(inUse.get(address) & INDEX_MASK)));
            }
            catch (final CudaException ex)
            {
                failure = null == failure ? ex : failure;
            }
        }
        inUse.clear();
        inUseBytes = 0;
        requestedBytes = 0;
        if (null != failure)
        {
            throw failure;
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return stats().toString();
    }

    private long allocateFromDriver(final long requested, final long size)
    {
        if (inUseBytes + cachedBytes + size > limitBytes && cachedBytes > 0)
        {
            trimCache();
        }
        if (inUseBytes + size > limitBytes)
        {
            throw outOfMemory(requested, size, "would take the pool past its limit");
        }
        long address = memory.allocate(size);
        if (0 == address && cachedBytes > 0)
        {
            trimCache();
            address = memory.allocate(size);
        }
        if (0 == address)
        {
            throw outOfMemory(requested, size, "the driver has no memory left for it");
        }
        driverAllocations++;
        return address;
    }

    private long trimCache()
    {
        long freed = 0;
        for (int i = 0; i < BUCKET_COUNT; i++)
        {
            final LongArrayList bucket = cached[i];
            final long size = bucketBytes(i);
            while (!bucket.isEmpty())
            {
                final long address = bucket.removeAt(bucket.size() - 1);
                cachedBytes -= size;
                freeToDriver(address, size);
                freed += size;
            }
        }
        trimmedBytes += freed;
        return freed;
    }

    private void freeToDriver(final long address, final long size)
    {
        driverFrees++;
        memory.free(address, size);
    }

    private DeviceOutOfMemoryException outOfMemory(final long requested, final long size, final String why)
    {
        outOfMemoryFailures++;
        final long deviceFree = memory.freeBytes();
        final long total = inUseBytes + cachedBytes;
        return new DeviceOutOfMemoryException(String.format(Locale.ROOT,
            "%s on %s: cannot allocate %d bytes (size class %d bytes): it %s; the pool holds %d bytes (%d in use, " +
            "%d cached) of its limit of %d bytes, and the device has %s bytes free. Release device blocks or " +
            "demote them to host tiers, or raise gpu.pool.fraction",
            name, memory.name(), requested, size, why, total, inUseBytes, cachedBytes, limitBytes,
            deviceFree < 0 ? "an unknown number of" : Long.toString(deviceFree)),
            requested, total, limitBytes, deviceFree);
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException(name + " is closed");
        }
    }

    /**
     * One size class's counters.
     *
     * @param sizeBytes the class's size in bytes.
     * @param hits      requests served from the cache.
     * @param misses    requests that went to the driver (or failed).
     * @param inUse     allocations of this class handed out now.
     * @param cached    allocations of this class in the cache now.
     */
    public record BucketStats(long sizeBytes, long hits, long misses, long inUse, long cached)
    {
        /**
         * @return {@code hits / (hits + misses)}, 0 when there were no requests.
         */
        public double hitRate()
        {
            return hits + misses == 0 ? 0.0 : (double)hits / (hits + misses);
        }
    }

    /**
     * A snapshot of the pool's counters. Byte counts are by size class, except {@code requestedBytes}.
     *
     * @param name                the pool's name.
     * @param limitBytes          the most the pool may hold.
     * @param inUseBytes          bytes handed out now.
     * @param cachedBytes         bytes cached now.
     * @param requestedBytes      bytes asked for by the allocations in use (before rounding to size classes).
     * @param peakInUseBytes      the most bytes ever in use at once.
     * @param peakCachedBytes     the most bytes ever cached at once.
     * @param peakTotalBytes      the most bytes ever held (in use and cached) at once.
     * @param hits                requests served from a cache, all classes.
     * @param misses              requests that went to the driver, all classes.
     * @param driverAllocations   successful raw allocations ({@code cudaMalloc}).
     * @param driverFrees         raw frees ({@code cudaFree}).
     * @param trimmedBytes        bytes returned to the driver by trims (explicit and by the guard).
     * @param outOfMemoryFailures requests refused with {@link DeviceOutOfMemoryException}.
     * @param pressureLevel       the pressure level now.
     * @param buckets             the classes that have seen requests or hold memory, smallest first.
     */
    public record Stats(
        String name,
        long limitBytes,
        long inUseBytes,
        long cachedBytes,
        long requestedBytes,
        long peakInUseBytes,
        long peakCachedBytes,
        long peakTotalBytes,
        long hits,
        long misses,
        long driverAllocations,
        long driverFrees,
        long trimmedBytes,
        long outOfMemoryFailures,
        PressureLevel pressureLevel,
        List<BucketStats> buckets)
    {
        /**
         * @return {@code hits / (hits + misses)}, 0 when there were no requests.
         */
        public double hitRate()
        {
            return hits + misses == 0 ? 0.0 : (double)hits / (hits + misses);
        }

        /**
         * @return {@code inUseBytes + cachedBytes}.
         */
        public long totalBytes()
        {
            return inUseBytes + cachedBytes;
        }
    }

    /**
     * Settings of a {@link DevicePool}, with documented defaults. Not thread-safe; not to be changed after the
     * pool opens.
     */
    public static final class Context
    {
        /** Default {@link #memoryFraction(double)}: 0.8 of the device's memory. */
        public static final double MEMORY_FRACTION_DEFAULT = 0.8;

        /** Default {@link #lowWatermark(double)}: 0.75, as for the other tiers. */
        public static final double LOW_WATERMARK_DEFAULT = 0.75;

        /** Default {@link #highWatermark(double)}: 0.90, as for the other tiers. */
        public static final double HIGH_WATERMARK_DEFAULT = 0.90;

        private String name = "device pool";
        private double memoryFraction = MEMORY_FRACTION_DEFAULT;
        private double lowWatermark = LOW_WATERMARK_DEFAULT;
        private double highWatermark = HIGH_WATERMARK_DEFAULT;

        /**
         * @param name the pool's name in messages and statistics (default {@code "device pool"}).
         * @return this.
         */
        public Context name(final String name)
        {
            this.name = name;
            return this;
        }

        /**
         * @return the pool's name.
         */
        public String name()
        {
            return name;
        }

        /**
         * @param fraction the largest share of the device's total memory the pool may hold, in (0, 1] (default
         *                 {@value #MEMORY_FRACTION_DEFAULT}; node configuration key {@code gpu.pool.fraction}).
         * @return this.
         */
        public Context memoryFraction(final double fraction)
        {
            this.memoryFraction = fraction;
            return this;
        }

        /**
         * @return the memory fraction.
         */
        public double memoryFraction()
        {
            return memoryFraction;
        }

        /**
         * @param fraction the low watermark of {@link DevicePool#pressureLevel()}, a fraction of the limit in
         *                 (0, 1), below the high one (default {@value #LOW_WATERMARK_DEFAULT}).
         * @return this.
         */
        public Context lowWatermark(final double fraction)
        {
            this.lowWatermark = fraction;
            return this;
        }

        /**
         * @return the low watermark.
         */
        public double lowWatermark()
        {
            return lowWatermark;
        }

        /**
         * @param fraction the high watermark, a fraction of the limit in (0, 1]: pressure level
         *                 {@link PressureLevel#WARNING} from here, and releases skip the cache while the pool's
         *                 total is at or above it (default {@value #HIGH_WATERMARK_DEFAULT}).
         * @return this.
         */
        public Context highWatermark(final double fraction)
        {
            this.highWatermark = fraction;
            return this;
        }

        /**
         * @return the high watermark.
         */
        public double highWatermark()
        {
            return highWatermark;
        }

        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException naming the setting that is out of range and the accepted range.
         */
        public void conclude()
        {
            if (null == name || name.isBlank())
            {
                throw new IllegalArgumentException("device pool name must not be blank");
            }
            if (!(memoryFraction > 0 && memoryFraction <= 1))
            {
                throw new IllegalArgumentException("memoryFraction=" + memoryFraction + " must be in (0, 1], e.g. 0.8");
            }
            if (!(highWatermark > 0 && highWatermark <= 1))
            {
                throw new IllegalArgumentException("highWatermark=" + highWatermark + " must be in (0, 1], e.g. 0.9");
            }
            if (!(lowWatermark > 0 && lowWatermark < highWatermark))
            {
                throw new IllegalArgumentException("lowWatermark=" + lowWatermark + " must be in (0, highWatermark=" +
                    highWatermark + "), e.g. 0.75");
            }
        }
    }
}
