/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import javax.cache.Cache;
import javax.cache.integration.CacheWriterException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bulk operations of a {@link TierPoolCache} ({@code putAll}, {@code removeAll}, and the stores of
 * {@code loadAll}): they lock their keys' stripes in ascending order ({@link KeyLocks#lockAll}), call the writer
 * once for the batch and deliver one batch of events.
 * <p>
 * Thread-safe: all state is the cache's, guarded by its key locks.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
final class CacheBulkOperations<K, V>
{
    private final TierPoolCache<K, V> cache;

    CacheBulkOperations(final TierPoolCache<K, V> cache)
    {
        this.cache = cache;
    }

    /**
     * Store the entries under their keys' locks (stripes locked in ascending order), writing through first
     * when asked and the cache writes through, replacing existing values or not; one event batch, statistics for
     * an application's putAll only.
     */
    void putAll(
        final Map<? extends K, ? extends V> map, final boolean replaceExisting, final boolean writeThrough)
    {
        final long start = cache.statisticsEnabled ? System.nanoTime() : 0;
        final long now = System.currentTimeMillis();
        final EventBatch<K, V> batch = cache.batch();
        final Map<K, V> toStore = new LinkedHashMap<>(map);
        CacheWriterException failure = null;
        int puts = 0;
        final Collection<Integer> stripes = cache.store.locks.lockAll(toStore.keySet());
        try
        {
            if (writeThrough && cache.integration.isWriteThrough())
            {
                final List<Cache.Entry<? extends K, ? extends V>> pending = new ArrayList<>(toStore.size());
                for (final Map.Entry<K, V> entry : toStore.entrySet())
                {
                    pending.add(new CacheEntry<>(entry.getKey(), entry.getValue()));
                }
                failure = cache.integration.writeAll(pending);
                for (final Cache.Entry<? extends K, ? extends V> unwritten : pending)
                {
                    toStore.remove(unwritten.getKey());
                }
            }
            for (final Map.Entry<K, V> entry : toStore.entrySet())
            {
                final K key = entry.getKey();
                final StoredValue existing = cache.store.live(key, now, batch);
                if (existing == null)
                {
                    if (cache.store.create(key, entry.getValue(), now, batch))
                    {
                        puts++;
                    }
                }
                else if (replaceExisting)
                {
                    cache.store.update(key, existing, entry.getValue(), now, batch);
                    puts++;
                }
            }
        }
        finally
        {
            cache.store.locks.unlockAll(stripes);
        }
        cache.listeners.dispatch(batch);
        if (cache.statisticsEnabled && writeThrough && puts > 0)
        {
            cache.statistics.puts(puts);
            cache.statistics.putTimeNs(System.nanoTime() - start);
        }
        if (failure != null)
        {
            throw failure;
        }
    }

    /**
     * Remove the keys under their locks, deleting through the writer first when the cache writes through; one
     * event batch. {@code keys} is changed: the keys the writer could not delete are taken out.
     */
    void removeKeys(final Set<K> keys)
    {
        final long start = cache.statisticsEnabled ? System.nanoTime() : 0;
        final long now = System.currentTimeMillis();
        final EventBatch<K, V> batch = cache.batch();
        CacheWriterException failure = null;
        int removals = 0;
        final Collection<Integer> stripes = cache.store.locks.lockAll(keys);
        try
        {
            if (cache.integration.isWriteThrough() && !keys.isEmpty())
            {
                final Set<K> pending = new LinkedHashSet<>(keys);
                failure = cache.integration.deleteAll(pending);
                keys.removeAll(pending);
            }
            for (final K key : keys)
            {
                final StoredValue existing = cache.store.live(key, now, batch);
                if (existing != null)
                {
                    cache.store.removeEntry(key, existing, null, batch);
                    removals++;
                }
            }
        }
        finally
        {
            cache.store.locks.unlockAll(stripes);
        }
        cache.listeners.dispatch(batch);
        if (cache.statisticsEnabled && removals > 0)
        {
            cache.statistics.removals(removals);
            cache.statistics.removeTimeNs(System.nanoTime() - start);
        }
        if (failure != null)
        {
            throw failure;
        }
    }
}
