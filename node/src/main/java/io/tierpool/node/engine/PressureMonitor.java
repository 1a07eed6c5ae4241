/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.node.metrics.PressureLevel;
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
 */
final class PressureMonitor
{
    private final CopyOnWriteArrayList<PressureListener> listeners = new CopyOnWriteArrayList<>();
    private final Queue<PressureChange> pending = new ConcurrentLinkedQueue<>();
    private final Object dispatchLock = new Object();
    private final AtomicLong listenerErrors = new AtomicLong();
    private final ErrorHandler errorHandler;

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
        for (final TierSlot slot : slots)
        {
            final PressureLevel level = slot.computePressure();
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
