/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import javax.cache.Cache;

/**
 * An immutable key and value handed out by the cache's iterator and to {@link javax.cache.integration.CacheWriter}s.
 * The value is a copy read back from the entry's block.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
public final class CacheEntry<K, V> implements Cache.Entry<K, V>
{
    private final K key;
    private final V value;

    CacheEntry(final K key, final V value)
    {
        this.key = key;
        this.value = value;
    }

    /**
     * {@inheritDoc}
     */
    public K getKey()
    {
        return key;
    }

    /**
     * {@inheritDoc}
     */
    public V getValue()
    {
        return value;
    }

    /**
     * @param clazz {@code CacheEntry} or one of its supertypes.
     * @return this entry.
     * @throws IllegalArgumentException for any other class.
     */
    public <T> T unwrap(final Class<T> clazz)
    {
        if (clazz.isInstance(this))
        {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException("a TierPool cache entry cannot be unwrapped to " + clazz.getName());
    }

    public String toString()
    {
        return "CacheEntry{" + key + "=" + value + '}';
    }
}
