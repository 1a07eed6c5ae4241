/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A cache's entries: the index on heap (a {@link ConcurrentHashMap} from a private copy of each key, made with the
 * key {@link Serializer}, to its {@link StoredValue}), the values' blocks ({@link ValueStore}), the key locks and
 * the {@link ExpiryPolicy}. Each method that changes an entry is called with the entry's key lock held
 * ({@link #locks}): it finds the entry (one found expired is removed then, its block freed, an EXPIRED event
 * added), creates, updates or removes it, and applies the policy's creation, update or access duration (a policy
 * that throws leaves the expiry as it was, or eternal on creation). Events go into the caller's
 * {@link EventBatch}; the caller delivers them.
 * <p>
 * <b>Threads.</b> Thread-safe under the key-lock discipline above.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
final class EntryStore<K, V>
{
    private static final int SWEEP_BATCH = 4;

    final KeyLocks locks = new KeyLocks();
    private final ConcurrentHashMap<K, StoredValue> index = new ConcurrentHashMap<>();
    private final ValueStore<V> values;
    private final Serializer<K> keySerializer;
    private final ExpiryPolicy expiryPolicy;
    private final ReentrantLock sweepLock = new ReentrantLock();
    private Iterator<K> sweepCursor;
    private volatile boolean finiteExpirySeen;

    EntryStore(final ValueStore<V> values, final Serializer<K> keySerializer, final ExpiryPolicy expiryPolicy)
    {
        this.values = values;
        this.keySerializer = keySerializer;
        this.expiryPolicy = expiryPolicy;
    }

    /**
     * @return the key's entry if present and live; an expired one is removed, its block freed, an EXPIRED event
     * added.
     */
    StoredValue live(final K key, final long now, final EventBatch<K, V> batch)
    {
        final StoredValue stored = index.get(key);
        if (stored == null || !stored.isExpiredAt(now))
        {
            return stored;
        }
        index.remove(key);
        batch.expired(key, batch.enabled() ? values.load(stored) : null);
        values.free(stored);
        return null;
    }

    /**
     * Stores a new entry with the creation expiry; one already expired by it is not stored.
     *
     * @return whether the entry was stored.
     */
    boolean create(final K key, final V value, final long now, final EventBatch<K, V> batch)
    {
        Duration duration;
        try
        {
            duration = expiryPolicy.getExpiryForCreation();
        }
        catch (final RuntimeException ex)
        {
            duration = Duration.ETERNAL;
        }
        final long expiry = expiryTime(duration, now);
        if (expiry <= now)
        {
            batch.expired(key, value);
            return false;
        }
        index.put(keySerializer.copy(key), values.store(value, expiry));
        batch.created(key, value);
        return true;
    }

    boolean update(
        final K key, final StoredValue existing, final V value, final long now, final EventBatch<K, V> batch)
    {
        return update(key, existing, batch.enabled() ? values.load(existing) : null, value, now, batch);
    }

    boolean update(
        final K key,
        final StoredValue existing,
        final V oldValue,
        final V value,
        final long now,
        final EventBatch<K, V> batch)
    {
        long expiry = existing.expiryTimeMs;
        try
        {
            final Duration duration = expiryPolicy.getExpiryForUpdate();
            if (duration != null)
            {
                expiry = expiryTime(duration, now);
            }
        }
        catch (final RuntimeException ex)
        {
            // keep the entry's expiry when the policy cannot say
        }
        index.put(key, values.replace(existing, value, expiry));
        batch.updated(key, value, oldValue);
        return true;
    }

    void removeEntry(final K key, final StoredValue existing, final V knownValue, final EventBatch<K, V> batch)
    {
        index.remove(key);
        if (batch.enabled())
        {
            batch.removed(key, knownValue != null ? knownValue : values.load(existing));
        }
        values.free(existing);
    }

    void access(final StoredValue stored, final long now)
    {
        try
        {
            final Duration duration = expiryPolicy.getExpiryForAccess();
            if (duration != null)
            {
                stored.expiryTimeMs = expiryTime(duration, now);
            }
        }
        catch (final RuntimeException ex)
        {
            // keep the entry's expiry when the policy cannot say
        }
    }

    private long expiryTime(final Duration duration, final long now)
    {
        if (duration.isEternal())
        {
            return StoredValue.ETERNAL;
        }
        final long adjusted = duration.getAdjustedTime(now);
        if (adjusted == Long.MAX_VALUE)
        {
            return StoredValue.ETERNAL;
        }
        finiteExpirySeen = true;
        return adjusted;
    }

    /**
     * Removes up to {@value #SWEEP_BATCH} expired entries that nobody touches, so that their blocks do not stay
     * allocated until the next access: each put looks at the next few keys of a cursor that cycles through the
     * index, once any entry got a finite expiry. Runs after the put released its key lock, on one thread at a
     * time, and skips keys whose lock is busy (so it never waits while holding a lock). The entries removed fire
     * EXPIRED events into {@code batch}, as an access would.
     */
    void sweepExpired(final EventBatch<K, V> batch)
    {
        if (!finiteExpirySeen || !sweepLock.tryLock())
        {
            return;
        }
        try
        {
            final long now = System.currentTimeMillis();
            for (int i = 0; i < SWEEP_BATCH; i++)
            {
                if (sweepCursor == null || !sweepCursor.hasNext())
                {
                    sweepCursor = index.keySet().iterator();
                    if (!sweepCursor.hasNext())
                    {
                        break;
                    }
                }
                final K key = sweepCursor.next();
                if (locks.tryLock(key))
                {
                    try
                    {
                        live(key, now, batch);
                    }
                    finally
                    {
                        locks.unlock(key);
                    }
                }
            }
        }
        finally
        {
            sweepLock.unlock();
        }
    }

    /**
     * Removes every entry and frees its block, each under its key's lock; no events.
     */
    void freeAll()
    {
        for (final K key : index.keySet())
        {
            locks.lock(key);
            try
            {
                values.free(index.remove(key));
            }
            finally
            {
                locks.unlock(key);
            }
        }
    }

    /**
     * Reads a live entry for an iterator: the key's private copy copied again, and the value; access expiry
     * applies.
     *
     * @return the entry, or null when absent or expired.
     */
    CacheEntry<K, V> readLive(final K key, final long now)
    {
        locks.lock(key);
        try
        {
            final StoredValue stored = index.get(key);
            if (stored == null || stored.isExpiredAt(now))
            {
                return null;
            }
            final CacheEntry<K, V> entry = new CacheEntry<>(keySerializer.copy(key), values.load(stored));
            access(stored, now);
            return entry;
        }
        finally
        {
            locks.unlock(key);
        }
    }

    V load(final StoredValue stored)
    {
        return values.load(stored);
    }

    StoredValue get(final K key)
    {
        return index.get(key);
    }

    Iterator<K> keys()
    {
        return index.keySet().iterator();
    }

    Set<K> keySnapshot()
    {
        return new LinkedHashSet<>(index.keySet());
    }

    int size()
    {
        return index.size();
    }
}
