/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import javax.cache.Cache;
import javax.cache.event.EventType;
import java.util.ArrayList;
import java.util.List;

/**
 * The events one cache operation produced, in order, collected while it runs and handed to
 * {@link EntryListeners#dispatch(EventBatch)} at its end. When the cache has no listener the batch is disabled and
 * collects nothing, so operations skip reading old values back from blocks.
 * <p>
 * <b>Threads.</b> Confined to the thread running the operation.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
final class EventBatch<K, V>
{
    private final Cache<K, V> source;
    private final boolean enabled;
    private final List<CacheEvent<K, V>> events = new ArrayList<>(2);

    EventBatch(final Cache<K, V> source, final boolean enabled)
    {
        this.source = source;
        this.enabled = enabled;
    }

    /**
     * @return whether events are collected: callers skip reading old values from blocks when not.
     */
    boolean enabled()
    {
        return enabled;
    }

    void created(final K key, final V value)
    {
        if (enabled)
        {
            events.add(new CacheEvent<>(source, EventType.CREATED, key, value, null, false));
        }
    }

    void updated(final K key, final V value, final V oldValue)
    {
        if (enabled)
        {
            events.add(new CacheEvent<>(source, EventType.UPDATED, key, value, oldValue, true));
        }
    }

    void removed(final K key, final V oldValue)
    {
        if (enabled)
        {
            events.add(new CacheEvent<>(source, EventType.REMOVED, key, oldValue, oldValue, true));
        }
    }

    void expired(final K key, final V oldValue)
    {
        if (enabled)
        {
            events.add(new CacheEvent<>(source, EventType.EXPIRED, key, oldValue, oldValue, true));
        }
    }

    List<CacheEvent<K, V>> events()
    {
        return events;
    }
}
