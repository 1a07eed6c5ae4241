/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import javax.cache.Cache;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;

/**
 * A cache entry event as listeners receive it. For {@code REMOVED} and {@code EXPIRED} events the value and old
 * value are the value the entry had, when the listener asked for old values; otherwise both are null.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
final class CacheEvent<K, V> extends CacheEntryEvent<K, V>
{
    private static final long serialVersionUID = 1L;

    private final K key;
    private final V value;
    private final V oldValue;
    private final boolean oldValueAvailable;

    CacheEvent(
        final Cache<K, V> source, final EventType type, final K key, final V value, final V oldValue,
        final boolean oldValueAvailable)
    {
        super(source, type);
        this.key = key;
        this.value = value;
        this.oldValue = oldValue;
        this.oldValueAvailable = oldValueAvailable;
    }

    /**
     * @return a copy for a listener that does not want old values: no old value, and no value for removals and
     * expiries.
     */
    CacheEvent<K, V> withoutOldValue()
    {
        final boolean gone = getEventType() == EventType.REMOVED || getEventType() == EventType.EXPIRED;
        return new CacheEvent<>(getSource(), getEventType(), key, gone ? null : value, null, false);
    }

    public K getKey()
    {
        return key;
    }

    public V getValue()
    {
        return value;
    }

    public V getOldValue()
    {
        return oldValueAvailable ? oldValue : null;
    }

    public boolean isOldValueAvailable()
    {
        return oldValueAvailable;
    }

    public <T> T unwrap(final Class<T> clazz)
    {
        if (clazz.isInstance(this))
        {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException("a TierPool cache event cannot be unwrapped to " + clazz.getName());
    }
}
