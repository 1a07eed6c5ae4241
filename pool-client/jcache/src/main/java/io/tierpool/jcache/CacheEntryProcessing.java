/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import javax.cache.CacheException;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@link TierPoolCache#invoke} and {@link TierPoolCache#invokeAll}: runs an entry processor on one key under that
 * key's lock, against a {@link ProcessorEntry} holding the current value (read through the loader if the
 * processor asks and the cache reads through), then applies what the processor did (access, create, load,
 * update or remove) to the store, the writer, the statistics and the listeners.
 * <p>
 * Thread-safe: each key's operation runs under its lock in the cache's {@link KeyLocks}.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
final class CacheEntryProcessing<K, V>
{
    private final TierPoolCache<K, V> cache;

    CacheEntryProcessing(final TierPoolCache<K, V> cache)
    {
        this.cache = cache;
    }

    /**
     * As {@link javax.cache.Cache} specifies.
     */
    public <T> T invoke(final K key, final EntryProcessor<K, V, T> processor, final Object... arguments)
    {
        cache.ensureOpen();
        TierPoolCache.requireKey(key);
        if (processor == null)
        {
            throw new NullPointerException("entry processor must not be null");
        }
        long start = cache.statisticsEnabled ? System.nanoTime() : 0;
        final long now = System.currentTimeMillis();
        final EventBatch<K, V> batch = cache.batch();
        cache.store.locks.lock(key);
        try
        {
            final StoredValue existing = cache.store.live(key, now, batch);
            final V current = existing == null ? null : cache.store.load(existing);
            if (cache.statisticsEnabled)
            {
                cache.countGet(existing != null, start);
                start = System.nanoTime();
            }
            final ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, current,
                cache.integration.readThroughLoader());
            final T result;
            try
            {
                result = processor.process(entry, arguments);
            }
            catch (final CacheException ex)
            {
                throw ex;
            }
            catch (final Exception ex)
            {
                throw new EntryProcessorException(ex);
            }
            apply(key, existing, current, entry, now, start, batch);
            cache.listeners.dispatch(batch);
            return result;
        }
        finally
        {
            cache.store.locks.unlock(key);
        }
    }

    private void apply(
        final K key,
        final StoredValue existing,
        final V current,
        final ProcessorEntry<K, V> entry,
        final long now,
        final long start,
        final EventBatch<K, V> batch)
    {
        switch (entry.operation())
        {
            case ACCESS:
                cache.store.access(existing, now);
                break;
            case CREATE:
                cache.integration.write(key, entry.value());
                if (cache.store.create(key, entry.value(), now, batch) && cache.statisticsEnabled)
                {
                    cache.statistics.puts(1);
                    cache.statistics.putTimeNs(System.nanoTime() - start);
                }
                break;
            case LOAD:
                cache.store.create(key, entry.value(), now, batch);
                break;
            case UPDATE:
                cache.integration.write(key, entry.value());
                cache.store.update(key, existing, current, entry.value(), now, batch);
                if (cache.statisticsEnabled)
                {
                    cache.statistics.puts(1);
                    cache.statistics.putTimeNs(System.nanoTime() - start);
                }
                break;
            case REMOVE:
                cache.integration.delete(key);
                if (existing != null)
                {
                    cache.store.removeEntry(key, existing, current, batch);
                    if (cache.statisticsEnabled)
                    {
                        cache.statistics.removals(1);
                        cache.statistics.removeTimeNs(System.nanoTime() - start);
                    }
                }
                break;
            default:
                break;
        }
    }

    /**
     * As {@link javax.cache.Cache} specifies.
     */
    public <T> Map<K, EntryProcessorResult<T>> invokeAll(
        final Set<? extends K> keys, final EntryProcessor<K, V, T> processor, final Object... arguments)
    {
        cache.ensureOpen();
        TierPoolCache.requireKeys(keys);
        if (processor == null)
        {
            throw new NullPointerException("entry processor must not be null");
        }
        final Map<K, EntryProcessorResult<T>> results = new HashMap<>();
        for (final K key : keys)
        {
            try
            {
                final T result = invoke(key, processor, arguments);
                if (result != null)
                {
                    results.put(key, new ProcessorResult<>(result, null));
                }
            }
            catch (final RuntimeException ex)
            {
                results.put(key, new ProcessorResult<>(null, ex));
            }
        }
        return results;
    }
}
