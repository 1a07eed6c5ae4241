/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

/**
 * Told when a tier of a {@link BlockStore} changes pressure level (RingKernel's pressure handler callbacks).
 * Register with {@link BlockStore#addPressureListener(PressureListener)}.
 * <p>
 * <b>Threading:</b> called on the thread whose operation changed the level (an application thread, the mover or
 * the prefetcher), after that thread released the engine lock, so a listener may call the store (for example
 * {@link BlockStore#stats()} or {@link BlockStore#free(long)}). Calls are serialised and in the order the changes
 * happened, per store. A listener must not block: other threads whose operations changed a level wait for it.
 * An exception thrown by a listener is caught, counted in {@link StoreStats#pressureListenerErrors()} and passed to
 * the store's error handler; other listeners are still called.
 */
@FunctionalInterface
public interface PressureListener
{
    /**
     * @param change the tier, its previous and new level, and its usage.
     */
    void onPressureChange(PressureChange change);
}
