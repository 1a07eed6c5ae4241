/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import javax.cache.Cache;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An iterator over a cache's live entries, weakly consistent: entries added or removed while it runs may or may
 * not be seen. Each entry returned counts as a hit and an access (access expiry applies); {@link #remove()}
 * removes through the writer and tells listeners.
 * <p>
 * <b>Threads.</b> For one thread; the cache it walks may change concurrently.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
final class EntryIterator<K, V> implements Iterator<Cache.Entry<K, V>>
{
    private final TierPoolCache<K, V> cache;
    private final Iterator<K> keys;
    private CacheEntry<K, V> next;
    private CacheEntry<K, V> last;

    EntryIterator(final TierPoolCache<K, V> cache, final Iterator<K> keys)
    {
        this.cache = cache;
        this.keys = keys;
    }

    public boolean hasNext()
    {
        while (next == null && keys.hasNext())
        {
            next = cache.iteratorRead(keys.next());
        }
        return next != null;
    }

    public Cache.Entry<K, V> next()
    {
        if (!hasNext())
        {
            throw new NoSuchElementException("no more entries in cache " + cache.getName());
        }
        last = next;
        next = null;
        return last;
    }

    public void remove()
    {
        if (last == null)
        {
            throw new IllegalStateException("next() must be called before remove(), once per entry");
        }
        final K key = last.getKey();
        last = null;
        cache.iteratorRemove(key);
    }
}
