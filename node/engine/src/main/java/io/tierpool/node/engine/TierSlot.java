/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.LatencyStats;
import io.tierpool.client.EvictionPolicy;

import io.tierpool.client.Hint;
import io.tierpool.client.PressureLevel;
import io.tierpool.node.tier.Tier;
import io.tierpool.client.TierStats;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine's view of one tier: the tier itself, whether the engine owns it, its soft and hard caps, its three
 * demotion lists (COLD first, then WARM and PREFER_FAST, then HOT), its traffic counters, pressure level and
 * latency histograms. Guarded by the engine lock, except the tier itself: every call into it goes through
 * {@link #write}, {@link #writeBatch}, {@link #read} and {@link #free}, which hold the slot's I/O lock, so that the
 * I/O workers can move bytes in and out of the tier without the engine lock (lock order: engine lock, then I/O
 * lock; never the other way round). A tier that takes calls from several threads at once
 * ({@link Tier#concurrentIo()}) is called without the I/O lock; its hard cap then holds through reservations made
 * before each write.
 */
final class TierSlot
{
    final int index;
    final Tier tier;
    final boolean owned;
    final boolean clock;
    final ReentrantLock ioLock = new ReentrantLock();
    /** The tier takes calls from several threads at once ({@link Tier#concurrentIo()}): no I/O lock around them. */
    final boolean concurrent;
    /** An extra tier that may key copies by block id (not concurrent): its queued frees, else null. */
    final KeyedCopies keyed;
    /**
     * Every call into the tier is made under the engine lock (the RAM tier of a store without a DEVICE tier: no
     * worker writes into it), so reads and frees need no I/O lock of their own.
     */
    boolean engineLockOnly;
    /** Bytes of writes in flight to a concurrent tier, reserved under its hard cap (guarded by ioLock's monitor). */
    private volatile long reservedBytes;
    /** Bytes of blocks chosen to leave this tier whose moves are in flight (guarded by the engine lock). */
    long pendingOutBytes;
    /** Retained copies of blocks now in RAM (see {@link BlockEntry#copyTier}), oldest first; engine lock. */
    BlockEntry copyHead;
    BlockEntry copyTail;
    int copyCount;
    long copyBytes;
    private final long softCapSetting;
    private final long hardCapSetting;
    private final double lowWatermark;
    private final double highWatermark;
    final LruList cold = new LruList();
    final LruList warm = new LruList();
    final LruList hot = new LruList();
    final Histogram allocateLatency = new Histogram(3);
    final Histogram readLatency = new Histogram(3);
    final Histogram writeLatency = new Histogram(3);

    /** Blocks here that cannot move (pinned, PIN_FAST): written under the engine lock, read without it. */
    long pinnedBlocks;
    PressureLevel pressureLevel = PressureLevel.NORMAL;
    long allocations;
    long frees;
    long prefetchesIssued;
    long prefetchHits;
    long peakUsedBytes;
    long demotedBlocks;
    long demotedBytes;
    long promotedBlocks;
    long promotedBytes;
    long checksumFailures;

    TierSlot(
        final int index,
        final Tier tier,
        final boolean owned,
        final long softCapSetting,
        final long hardCapSetting,
        final double lowWatermark,
        final double highWatermark,
        final EvictionPolicy evictionPolicy)
    {
        this.index = index;
        this.tier = tier;
        this.owned = owned;
        this.softCapSetting = softCapSetting;
        this.hardCapSetting = hardCapSetting;
        this.lowWatermark = lowWatermark;
        this.highWatermark = highWatermark;
        this.clock = evictionPolicy == EvictionPolicy.CLOCK;
        this.concurrent = tier.concurrentIo();
        this.keyed = owned || concurrent || tier instanceof io.tierpool.node.tier.DeviceResidentTier ?
            null : new KeyedCopies();
    }

    /**
     * @return the hard cap in bytes: the configured one (0 = none) bounded by the tier's capacity now (a remote
     * tier's capacity changes as nodes come and go).
     */
    long hardCapBytes()
    {
        final long capacity = tier.capacityBytes();
        return hardCapSetting == 0 ? capacity : Math.min(hardCapSetting, capacity);
    }

    /**
     * @return the soft cap in bytes: the configured one (0 = {@code highWatermark * hardCap}), at most the hard cap.
     */
    long softCapBytes()
    {
        final long hard = hardCapBytes();
        return softCapSetting == 0 ? (long)(highWatermark * hard) : Math.min(softCapSetting, hard);
    }

    /**
     * @return the used bytes the mover drains the tier down to once above the soft cap: {@code lowWatermark *
     * hardCap} with the default soft cap, else {@code softCap * lowWatermark / highWatermark}.
     */
    long drainTargetBytes()
    {
        return softCapSetting == 0 ? (long)(lowWatermark * hardCapBytes()) :
            (long)(softCapBytes() * lowWatermark / highWatermark);
    }

    /**
     * Stores a copy in the tier if it stays within the hard cap (checked before the write for the size and after
     * it for alignment padding, atomically with other writes to the tier).
     *
     * @return the location, or {@link Tier#NO_SPACE}.
     */
    long write(final long blockId, final DirectBuffer src, final int size, final int crc)
    {
        if (concurrent)
        {
            final long reservation = IoScratch.aligned(size);
            if (!reserve(reservation))
            {
                return Tier.NO_SPACE;
            }
            try
            {
                return tier.write(blockId, src, 0, size, crc);
            }
            finally
            {
                unreserve(reservation);
            }
        }

        ioLock.lock();
        try
        {
            if (!fitsUnderHardCap(size))
            {
                return Tier.NO_SPACE;
            }
            if (keyed != null)
            {
                keyed.beforeWrite(tier, blockId);
            }
            final long location = tier.write(blockId, src, 0, size, crc);
            if (location != Tier.NO_SPACE && tier.usedBytes() > hardCapBytes())
            {
                tier.free(blockId, location);
                return Tier.NO_SPACE;
            }
            return location;
        }
        finally
        {
            ioLock.unlock();
        }
    }

    /**
     * Stores copies of several blocks laid out as {@link Tier#writeBatch} describes, all or none within the hard
     * cap: if the batch does not fit under it as a whole, nothing is written and every location is
     * {@link Tier#NO_SPACE}.
     *
     * @return how many blocks were stored.
     */
    int writeBatch(
        final int count,
        final long[] blockIds,
        final DirectBuffer src,
        final int[] offsets,
        final int[] lengths,
        final int[] crcs,
        final long[] locations)
    {
        long reservation = 0;
        for (int k = 0; k < count; k++)
        {
            reservation += IoScratch.aligned(lengths[k]);
        }
        if (concurrent)
        {
            if (!reserve(reservation))
            {
                java.util.Arrays.fill(locations, 0, count, Tier.NO_SPACE);
                return 0;
            }
            try
            {
                return tier.writeBatch(count, blockIds, src, offsets, lengths, crcs, locations);
            }
            finally
            {
                unreserve(reservation);
            }
        }

        ioLock.lock();
        try
        {
            if (!fitsUnderHardCap(reservation))
            {
                java.util.Arrays.fill(locations, 0, count, Tier.NO_SPACE);
                return 0;
            }
            for (int k = 0; keyed != null && k < count; k++)
            {
                keyed.beforeWrite(tier, blockIds[k]);
            }
            int stored = tier.writeBatch(count, blockIds, src, offsets, lengths, crcs, locations);
            for (int k = count - 1; k >= 0 && stored > 0 && tier.usedBytes() > hardCapBytes(); k--)
            {
                if (locations[k] != Tier.NO_SPACE)
                {
                    tier.free(blockIds[k], locations[k]);
                    locations[k] = Tier.NO_SPACE;
                    stored--;
                }
            }
            return stored;
        }
        finally
        {
            ioLock.unlock();
        }
    }

    void read(final long blockId, final long location, final MutableDirectBuffer dst, final int length)
    {
        if (concurrent || engineLockOnly)
        {
            tier.read(blockId, location, dst, 0, length);
            return;
        }
        ioLock.lock();
        try
        {
            tier.read(blockId, location, dst, 0, length);
        }
        finally
        {
            ioLock.unlock();
        }
    }

    void free(final long blockId, final long location)
    {
        if (concurrent || engineLockOnly)
        {
            tier.free(blockId, location);
            return;
        }
        ioLock.lock();
        try
        {
            tier.free(blockId, location);
        }
        finally
        {
            ioLock.unlock();
        }
    }

    /**
     * Notes a copy in this tier whose free was queued in the deferred frees (called under the engine lock).
     */
    void queuedFree(final long blockId, final long location)
    {
        if (keyed != null)
        {
            keyed.noted(blockId, location);
        }
    }

    /**
     * Makes a free queued in the deferred frees (without the engine lock): {@link #free}, except in a tier that
     * may key copies by block id, where a free made early by a write of the block is skipped ({@link KeyedCopies}).
     */
    void freeQueued(final long blockId, final long location)
    {
        if (keyed == null)
        {
            free(blockId, location);
            return;
        }
        ioLock.lock();
        try
        {
            keyed.freeQueued(tier, blockId, location);
        }
        finally
        {
            ioLock.unlock();
        }
    }

    /**
     * Records a retained copy of a block in this tier, newest last.
     */
    void addCopy(final BlockEntry entry, final long bytes)
    {
        entry.copyPrev = copyTail;
        entry.copyNext = null;
        if (copyTail == null)
        {
            copyHead = entry;
        }
        else
        {
            copyTail.copyNext = entry;
        }
        copyTail = entry;
        copyCount++;
        copyBytes += bytes;
    }

    /**
     * Forgets a retained copy of a block in this tier (the caller frees its location).
     */
    void removeCopy(final BlockEntry entry, final long bytes)
    {
        if (entry.copyPrev == null)
        {
            copyHead = entry.copyNext;
        }
        else
        {
            entry.copyPrev.copyNext = entry.copyNext;
        }
        if (entry.copyNext == null)
        {
            copyTail = entry.copyPrev;
        }
        else
        {
            entry.copyNext.copyPrev = entry.copyPrev;
        }
        entry.copyPrev = null;
        entry.copyNext = null;
        copyCount--;
        copyBytes -= bytes;
    }

    /**
     * @param sizeBytes bytes to add.
     * @return true if the tier's used bytes, plus the bytes of writes in flight to it, plus {@code sizeBytes}
     * stay within the hard cap.
     */
    boolean fitsUnderHardCap(final long sizeBytes)
    {
        return tier.usedBytes() + reservedBytes + sizeBytes <= hardCapBytes();
    }

    /**
     * Reserves room under the hard cap for a write to a tier that takes writes from several threads at once: the
     * reservation stands for the write until {@link #unreserve(long)}, so that concurrent writes never pass the
     * cap together. (Counted twice while the tier already holds the bytes: conservative.)
     */
    private boolean reserve(final long bytes)
    {
        synchronized (ioLock)
        {
            if (tier.usedBytes() + reservedBytes + bytes > hardCapBytes())
            {
                return false;
            }
            reservedBytes += bytes;
            return true;
        }
    }

    private void unreserve(final long bytes)
    {
        synchronized (ioLock)
        {
            reservedBytes -= bytes;
        }
    }

    /**
     * @return the tier's pressure level for its usage now, as {@link PressureLevel} defines it: its used bytes
     * against its hard cap, soft cap and drain target (passed to {@link PressureLevel#of} as fractions of the hard
     * cap).
     */
    PressureLevel computePressure()
    {
        final long hard = hardCapBytes();
        if (hard <= 0)
        {
            return PressureLevel.NORMAL;
        }
        final long soft = softCapBytes();
        final double high = Math.max((double)soft / hard, Double.MIN_VALUE);
        final double low = Math.min((double)drainTargetBytes() / hard, high * 0.999999);
        return PressureLevel.of(tier.usedBytes(), hard, low, high);
    }

    /**
     * @param index 0 for the first demotion class (COLD), 1 (WARM, PREFER_FAST), 2 (HOT); other values null.
     * @return the demotion list of that class.
     */
    LruList demotionList(final int index)
    {
        switch (index)
        {
            case 0:
                return cold;
            case 1:
                return warm;
            case 2:
                return hot;
            default:
                return null;
        }
    }

    /**
     * Puts a block that now lives in this tier at the most recently used end of its list, unless it may not
     * move (pinned or {@link Hint#PIN_FAST}), in which case it stays out of the lists.
     *
     * @param entry the block.
     */
    void link(final BlockEntry entry)
    {
        if (entry.isMovable())
        {
            entry.referenced = false;
            (entry.hint == Hint.HOT || entry.hint == Hint.DEVICE ? hot : entry.hint == Hint.COLD ? cold : warm)
                .addLast(entry);
        }
    }

    /**
     * Takes a block out of this tier's lists, if it is in one.
     *
     * @param entry the block.
     */
    void unlink(final BlockEntry entry)
    {
        if (entry.list != null)
        {
            entry.list.remove(entry);
        }
    }

    /**
     * Marks a block as just used: LRU moves it to the most recently used end, CLOCK sets its reference bit.
     *
     * @param entry the block.
     */
    void touch(final BlockEntry entry)
    {
        if (entry.list != null)
        {
            if (clock)
            {
                entry.referenced = true;
            }
            else
            {
                entry.list.moveToLast(entry);
            }
        }
    }

    /**
     * Counts a block that became pinned ({@code delta} 1) or unpinned (-1), unless it is PIN_FAST (always counted).
     */
    void countPinned(final BlockEntry entry, final int delta)
    {
        if (entry.hint != Hint.PIN_FAST)
        {
            pinnedBlocks += delta;
        }
    }

    /**
     * Records a latency in one of this tier's histograms, under the histogram's own monitor (held for the record:
     * {@link BlockStore#stats()} copies the histograms without the engine lock).
     */
    void recordLatency(final Histogram histogram, final long ns)
    {
        synchronized (histogram)
        {
            histogram.recordValue(Math.max(0, ns));
        }
    }

    /**
     * @return the percentiles of one of this tier's histograms, taken under its monitor.
     */
    LatencyStats latency(final Histogram histogram)
    {
        synchronized (histogram)
        {
            return latencyStats(histogram);
        }
    }

    void updatePeak()
    {
        peakUsedBytes = Math.max(peakUsedBytes, tier.usedBytes());
    }

    TierStats stats()
    {
        return new TierStats(
            tier.kind(),
            tier.name(),
            tier.capacityBytes(),
            tier.usedBytes(),
            Math.max(peakUsedBytes, tier.usedBytes()),
            tier.blockCount(),
            demotedBlocks,
            demotedBytes,
            promotedBlocks,
            promotedBytes,
            checksumFailures,
            tier.largestFreeExtentBytes(),
            tier.fragmentationRatio());
    }

    String describe()
    {
        final StringBuilder sb = new StringBuilder(128);
        sb.append(tier.name()).append(' ').append(tier.usedBytes()).append('/').append(tier.capacityBytes())
            .append(" bytes used (hard cap ").append(hardCapBytes()).append(')');
        final long largestFree = tier.largestFreeExtentBytes();
        if (largestFree >= 0)
        {
            sb.append(" (largest free extent ").append(largestFree).append(" bytes, fragmentation ")
                .append(String.format("%.1f", tier.fragmentationRatio() * 100)).append("%)");
        }
        sb.append(", ").append(tier.blockCount()).append(" blocks");
        return sb.toString();
    }

    /**
     * @param histogram a histogram of latencies in ns; read, not kept.
     * @return its summary as {@link LatencyStats}.
     */
    private static LatencyStats latencyStats(final Histogram histogram)
    {
        final long count = histogram.getTotalCount();
        if (count == 0)
        {
            return LatencyStats.EMPTY;
        }
        return new LatencyStats(
            count,
            histogram.getMinValue(),
            histogram.getMean(),
            histogram.getValueAtPercentile(50),
            histogram.getValueAtPercentile(90),
            histogram.getValueAtPercentile(99),
            histogram.getValueAtPercentile(99.9),
            histogram.getMaxValue());
    }
}
