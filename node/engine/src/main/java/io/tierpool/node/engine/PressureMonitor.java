/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.PressureListener;

import io.tierpool.client.PressureChange;

import io.tierpool.client.PressureLevel;
import org.agrona.ErrorHandler;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the tiers' pressure levels and tells {@link PressureListener}s of changes. {@link #evaluate} runs under
 * the engine lock after every operation that may change usage and queues a {@link PressureChange} per tier whose
 * level changed (allocating only then); {@link #dispatch()} runs after the lock is released and calls the
 * listeners in order, one thread at a time.
 * <p>
 * A tier's level is a non-decreasing step function of its used bytes (for a given hard cap), so each evaluation
 * that computes a level also keeps the range of used bytes {@code [lower, upper)} over which that level holds,
 * with the hard cap it was computed for. Later evaluations of the tier only read its used bytes and hard cap and
 * recompute the level (and its range) when the used bytes leave the range or the hard cap changed (a remote
 * tier's capacity changes as nodes come and go): the same levels, and the same changes reported, as recomputing
 * after every operation, without the divisions and cap arithmetic on every allocate and free.
 */
final class PressureMonitor
{
    private final CopyOnWriteArrayList<PressureListener> listeners = new CopyOnWriteArrayList<>();
    private final Queue<PressureChange> pending = new ConcurrentLinkedQueue<>();
    private final Object dispatchLock = new Object();
    private final AtomicLong listenerErrors = new AtomicLong();
    private final ErrorHandler errorHandler;
    /** Per tier (by slot index): the used bytes from which the cached level holds, inclusive. */
    private long[] lowerUsedBytes = new long[0];
    /** Per tier: the used bytes from which the cached level no longer holds, exclusive. */
    private long[] upperUsedBytes = new long[0];
    /** Per tier: the hard cap the range was computed for. */
    private long[] rangeHardCapBytes = new long[0];
    /** Per tier: the level the range is for; null until the tier was first evaluated. */
    private PressureLevel[] rangeLevel = new PressureLevel[0];

    PressureMonitor(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
    }

    void add(final PressureListener listener)
    {
        listeners.add(listener);
    }

    boolean remove(final PressureListener listener)
    {
        return listeners.remove(listener);
    }

    long listenerErrors()
    {
        return listenerErrors.get();
    }

    /**
     * Recomputes every tier's level; the engine lock is held.
     *
     * @param slots the tiers.
     */
    void evaluate(final TierSlot[] slots)
    {
        if (rangeLevel.length != slots.length)
        {
            lowerUsedBytes = new long[slots.length];
            upperUsedBytes = new long[slots.length];
            rangeHardCapBytes = new long[slots.length];
            rangeLevel = new PressureLevel[slots.length];
        }
        for (int i = 0; i < slots.length; i++)
        {
            final TierSlot slot = slots[i];
            final long usedBytes = slot.tier.usedBytes();
            if (usedBytes >= lowerUsedBytes[i] && usedBytes < upperUsedBytes[i] &&
                rangeLevel[i] == slot.pressureLevel && slot.hardCapBytes() == rangeHardCapBytes[i])
            {
                continue;
            }

            final PressureLevel level = slot.computePressure();
            cacheRange(i, slot, level);
            if (level != slot.pressureLevel)
            {
                final PressureLevel previous = slot.pressureLevel;
                slot.pressureLevel = level;
                if (!listeners.isEmpty())
                {
                    pending.add(new PressureChange(slot.tier.kind(), slot.tier.name(), previous, level,
                        slot.tier.usedBytes(), slot.softCapBytes(), slot.hardCapBytes()));
                }
            }
        }
    }

    /**
     * Finds the used bytes over which {@code level} holds for the slot's caps now, by binary search on
     * {@link #levelOf} (the same thresholds as {@link TierSlot#computePressure()}). If {@code level} is not the
     * one {@link #levelOf} gives anywhere (the caps changed between the two reads), the range is left empty so
     * that the next evaluation recomputes.
     */
    private void cacheRange(final int i, final TierSlot slot, final PressureLevel level)
    {
        final long hard = slot.hardCapBytes();
        final long soft = slot.softCapBytes();
        final long drain = slot.drainTargetBytes();
        final long lower;
        final long upper;
        if (hard <= 0)
        {
            lower = Long.MIN_VALUE;
            upper = Long.MAX_VALUE;
        }
        else
        {
            lower = level.ordinal() == 0 ? Long.MIN_VALUE : firstUsedAtLeast(level.ordinal(), hard, soft, drain);
            upper = level == PressureLevel.OUT_OF_MEMORY ?
                Long.MAX_VALUE : firstUsedAtLeast(level.ordinal() + 1, hard, soft, drain);
        }
        final boolean consistent = lower < upper &&
            levelOf(Math.max(lower, 0), hard, soft, drain) == level && slot.hardCapBytes() == hard;
        lowerUsedBytes[i] = consistent ? lower : 1;
        upperUsedBytes[i] = consistent ? upper : 0;
        rangeHardCapBytes[i] = hard;
        rangeLevel[i] = level;
    }

    /**
     * @return the fewest used bytes, from 0 to {@code hard}, at which {@link #levelOf} is at least the level of
     * ordinal {@code ordinal} ({@code hard} is always {@link PressureLevel#OUT_OF_MEMORY}, the highest).
     */
    private static long firstUsedAtLeast(final int ordinal, final long hard, final long soft, final long drain)
    {
        long low = 0;
        long high = hard;
        while (low < high)
        {
            final long mid = low + ((high - low) >>> 1);
            if (levelOf(mid, hard, soft, drain).ordinal() >= ordinal)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }
        return low;
    }

    /**
     * The level of a tier with {@code usedBytes} in use, computed as {@link TierSlot#computePressure()} does
     * from the tier's hard cap, soft cap and drain target (in bytes): thresholds the drain target (low), the soft
     * cap (high) and {@link PressureLevel#CRITICAL_UTILISATION} of the hard cap. Non-decreasing in
     * {@code usedBytes}.
     *
     * @param usedBytes bytes in use.
     * @param hard      the hard cap in bytes, above 0.
     * @param soft      the soft cap in bytes.
     * @param drain     the drain target in bytes.
     * @return the level.
     */
    static PressureLevel levelOf(final long usedBytes, final long hard, final long soft, final long drain)
    {
        final double high = Math.max((double)soft / hard, Double.MIN_VALUE);
        final double low = Math.min((double)drain / hard, high * 0.999999);
        return PressureLevel.of(usedBytes, hard, low, high);
    }

    /**
     * Calls the listeners for every queued change; the engine lock must not be held.
     */
    void dispatch()
    {
        if (pending.isEmpty())
        {
            return;
        }
        synchronized (dispatchLock)
        {
            PressureChange change;
            while ((change = pending.poll()) != null)
            {
                for (final PressureListener listener : listeners)
                {
                    try
                    {
                        listener.onPressureChange(change);
                    }
                    catch (final Throwable ex)
                    {
                        listenerErrors.incrementAndGet();
                        errorHandler.onError(ex);
                    }
                }
            }
        }
    }
}
