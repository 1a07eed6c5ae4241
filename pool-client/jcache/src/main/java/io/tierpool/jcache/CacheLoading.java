/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import javax.cache.integration.CompletionListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * {@link TierPoolCache#loadAll}: loads the asked keys through the cache's loader on the cache manager's executor,
 * stores what came back (replacing existing values or not, as asked, without writing through) and tells the
 * completion listener.
 * <p>
 * Thread-safe: each call runs on an executor thread and goes through the cache's own per-key operations.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
final class CacheLoading<K, V>
{
    private final TierPoolCache<K, V> cache;
    private final Executor executor;

    CacheLoading(final TierPoolCache<K, V> cache, final Executor executor)
    {
        this.cache = cache;
        this.executor = executor;
    }

    /**
     * As {@link javax.cache.Cache} specifies.
     */
    public void loadAll(
        final Set<? extends K> keys, final boolean replaceExistingValues, final CompletionListener completionListener)
    {
        cache.ensureOpen();
        if (keys == null)
        {
            throw new NullPointerException("keys must not be null");
        }
        if (cache.integration.loader == null)
        {
            if (completionListener != null)
            {
                completionListener.onCompletion();
            }
            return;
        }
        TierPoolCache.requireKeys(keys);
        final List<K> requested = new ArrayList<>(keys);
        executor.execute(() -> runLoadAll(requested, replaceExistingValues, completionListener));
    }

    private void runLoadAll(
        final List<K> keys, final boolean replaceExistingValues, final CompletionListener completionListener)
    {
        try
        {
            final List<K> toLoad = new ArrayList<>(keys.size());
            for (final K key : keys)
            {
                if (replaceExistingValues || !cache.containsKey(key))
                {
                    toLoad.add(key);
                }
            }
            final Map<K, V> loaded = cache.integration.loadAll(toLoad);
            final Map<K, V> present = new LinkedHashMap<>();
            if (loaded != null)
            {
                for (final Map.Entry<K, V> entry : loaded.entrySet())
                {
                    if (entry.getKey() != null && entry.getValue() != null)
                    {
                        present.put(entry.getKey(), entry.getValue());
                    }
                }
            }
            cache.putAll(present, replaceExistingValues, false);
            if (completionListener != null)
            {
                completionListener.onCompletion();
            }
        }
        catch (final Exception ex)
        {
            if (completionListener != null)
            {
                completionListener.onException(ex);
            }
        }
    }
}
