/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import java.util.Collection;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped key locks: a key's lock is one of {@value #STRIPES} reentrant locks chosen by its hash, so that every
 * operation on one entry (its index slot, its block, its expiry, its events) runs alone. Reentrant because
 * listeners, loaders and writers called under the lock may use the cache again on the same thread. Bulk
 * operations take several stripes in ascending order ({@link #lockAll}), so two of them cannot deadlock.
 * <p>
 * <b>Threads.</b> Thread-safe.
 */
final class KeyLocks
{
    static final int STRIPES = 256;

    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    KeyLocks()
    {
        for (int i = 0; i < STRIPES; i++)
        {
            locks[i] = new ReentrantLock();
        }
    }

    void lock(final Object key)
    {
        locks[stripe(key)].lock();
    }

    boolean tryLock(final Object key)
    {
        return locks[stripe(key)].tryLock();
    }

    void unlock(final Object key)
    {
        locks[stripe(key)].unlock();
    }

    /**
     * Locks the stripes of all keys, in ascending stripe order.
     *
     * @param keys the keys.
     * @return the stripes locked, to pass to {@link #unlockAll(Collection)}.
     */
    Collection<Integer> lockAll(final Collection<?> keys)
    {
        final TreeSet<Integer> stripes = new TreeSet<>();
        for (final Object key : keys)
        {
            stripes.add(stripe(key));
        }
        for (final int stripe : stripes)
        {
            locks[stripe].lock();
        }
        return stripes;
    }

    void unlockAll(final Collection<Integer> stripes)
    {
        for (final int stripe : stripes)
        {
            locks[stripe].unlock();
        }
    }

    private static int stripe(final Object key)
    {
        final int h = key.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }
}
