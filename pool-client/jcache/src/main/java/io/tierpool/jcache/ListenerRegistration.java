/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import java.util.ArrayList;
import java.util.List;

/**
 * One registered listener: the listener and filter its configuration's factories made, and how it wants events
 * (old values or not, synchronously or not). {@link #deliver(List)} calls the listener for the events of each type
 * it implements that pass the filter, in the order expired, created, updated, removed.
 * <p>
 * <b>Threads.</b> Immutable; the listener and filter are called on the thread that delivers.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
final class ListenerRegistration<K, V>
{
    private static final EventType[] ORDER = {EventType.EXPIRED, EventType.CREATED, EventType.UPDATED,
        EventType.REMOVED};

    final CacheEntryListenerConfiguration<K, V> configuration;
    final CacheEntryListener<? super K, ? super V> listener;
    private final CacheEntryEventFilter<? super K, ? super V> filter;

    ListenerRegistration(final CacheEntryListenerConfiguration<K, V> configuration)
    {
        this.configuration = configuration;
        this.listener = configuration.getCacheEntryListenerFactory().create();
        final Factory<CacheEntryEventFilter<? super K, ? super V>> filterFactory =
            configuration.getCacheEntryEventFilterFactory();
        this.filter = filterFactory == null ? null : filterFactory.create();
    }

    boolean isSynchronous()
    {
        return configuration.isSynchronous();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    void deliver(final List<CacheEvent<K, V>> events)
    {
        for (final EventType type : ORDER)
        {
            if (!implementsType(type))
            {
                continue;
            }
            final List<CacheEntryEvent<? extends K, ? extends V>> selected = new ArrayList<>();
            for (final CacheEvent<K, V> event : events)
            {
                if (event.getEventType() == type && (filter == null || filter.evaluate(event)))
                {
                    selected.add(configuration.isOldValueRequired() ? event : event.withoutOldValue());
                }
            }
            if (selected.isEmpty())
            {
                continue;
            }
            switch (type)
            {
                case EXPIRED:
                    ((CacheEntryExpiredListener)listener).onExpired((Iterable)selected);
                    break;
                case CREATED:
                    ((CacheEntryCreatedListener)listener).onCreated((Iterable)selected);
                    break;
                case UPDATED:
                    ((CacheEntryUpdatedListener)listener).onUpdated((Iterable)selected);
                    break;
                default:
                    ((CacheEntryRemovedListener)listener).onRemoved((Iterable)selected);
                    break;
            }
        }
    }

    private boolean implementsType(final EventType type)
    {
        switch (type)
        {
            case EXPIRED:
                return listener instanceof CacheEntryExpiredListener;
            case CREATED:
                return listener instanceof CacheEntryCreatedListener;
            case UPDATED:
                return listener instanceof CacheEntryUpdatedListener;
            default:
                return listener instanceof CacheEntryRemovedListener;
        }
    }
}
