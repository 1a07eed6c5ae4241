/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import io.tierpool.client.TierPool;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CompletionListener;
import javax.cache.management.CacheStatisticsMXBean;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;
import javax.management.ObjectName;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * A JCache {@link Cache} whose values live in TierPool blocks.
 * <p>
 * <b>Layout.</b> The entries are an {@link EntryStore}: an index on heap from a private copy of each key to the
 * value's block in the cache manager's {@link TierPool} and the entry's expiry time. Values are stored by value:
 * each is serialized into a block of its own and every read deserializes a fresh copy, from whichever tier the
 * pool has moved the block to (RAM, VVRAM, VSSD or a node daemon's memory); an update of the same size rewrites
 * the block in place.
 * <p>
 * <b>Operations.</b> Every operation on one key runs under that key's lock ({@link KeyLocks}): it finds the entry
 * (an entry found expired is removed then, with an {@code EXPIRED} event), calls the writer or loader
 * ({@link CacheIntegration}), changes the entry, applies the {@link ExpiryPolicy}, counts statistics
 * ({@link CacheStatistics}) and delivers the operation's events ({@link EntryListeners}). Bulk operations lock
 * their keys' stripes in ascending order and call the writer once for the batch. {@link #loadAll} runs on the
 * cache manager's executor. Expired entries nobody touches are removed a few at a time by later puts
 * ({@link EntryStore#sweepExpired}), so their blocks are freed without an access.
 * <p>
 * <b>Threads.</b> Thread-safe. <b>Resources.</b> The blocks; {@link #close()} frees them, unregisters the MXBeans
 * and closes the loader, writer, expiry policy and listeners that are {@link java.io.Closeable}.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
public final class TierPoolCache<K, V> implements Cache<K, V>
{
    private final TierPoolCacheManager manager;
    private final String name;
    private final TierPoolConfiguration<K, V> configuration;
    final EntryStore<K, V> store;
    final CacheIntegration<K, V> integration;
    final EntryListeners<K, V> listeners;
    final CacheStatistics statistics = new CacheStatistics();
    private final CacheEntryProcessing<K, V> processing = new CacheEntryProcessing<>(this);
    private final CacheLoading<K, V> loading;
    private final CacheBulkOperations<K, V> bulk = new CacheBulkOperations<>(this);
    private final CacheConfigurationBean configurationBean;
    private final ExpiryPolicy expiryPolicy;
    private final Executor executor;
    volatile boolean statisticsEnabled;
    private volatile boolean closed;

    TierPoolCache(
        final TierPoolCacheManager manager,
        final String name,
        final TierPoolConfiguration<K, V> configuration,
        final TierPool pool,
        final Executor executor)
    {
        this.manager = manager;
        this.name = name;
        this.configuration = configuration;
        this.executor = executor;
        this.loading = new CacheLoading<>(this, executor);
        final ClassLoader classLoader = manager.getClassLoader();
        final Serializer<K> keySerializer = configuration.getKeySerializer() != null ?
            configuration.getKeySerializer() : new DefaultSerializer<>(classLoader);
        final Serializer<V> valueSerializer = configuration.getValueSerializer() != null ?
            configuration.getValueSerializer() : new DefaultSerializer<>(classLoader);
        this.expiryPolicy = configuration.getExpiryPolicyFactory().create();
        this.store = new EntryStore<>(new ValueStore<>(pool, valueSerializer, name), keySerializer, expiryPolicy);
        this.integration = new CacheIntegration<>(name, configuration);
        this.listeners = new EntryListeners<>(name);
        for (final CacheEntryListenerConfiguration<K, V> listener :
            configuration.getCacheEntryListenerConfigurations())
        {
            listeners.register(listener);
        }
        this.configurationBean = new CacheConfigurationBean(configuration);
        setManagementEnabled(configuration.isManagementEnabled());
        setStatisticsEnabled(configuration.isStatisticsEnabled());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reads

    /**
     * {@inheritDoc}
     */
    public V get(final K key)
    {
        ensureOpen();
        requireKey(key);
        final EventBatch<K, V> batch = batch();
        final V value = getValue(key, batch);
        listeners.dispatch(batch);
        return value;
    }

    /**
     * {@inheritDoc}
     */
    public Map<K, V> getAll(final Set<? extends K> keys)
    {
        ensureOpen();
        requireKeys(keys);
        final Map<K, V> result = new HashMap<>(keys.size() * 2);
        final EventBatch<K, V> batch = batch();
        for (final K key : keys)
        {
            final V value = getValue(key, batch);
            if (value != null)
            {
                result.put(key, value);
            }
        }
        listeners.dispatch(batch);
        return result;
    }

    /**
     * {@inheritDoc}
     */
    public boolean containsKey(final K key)
    {
        ensureOpen();
        requireKey(key);
        store.locks.lock(key);
        try
        {
            final StoredValue stored = store.get(key);
            return stored != null && !stored.isExpiredAt(System.currentTimeMillis());
        }
        finally
        {
            store.locks.unlock(key);
        }
    }

    private V getValue(final K key, final EventBatch<K, V> batch)
    {
        final long start = statisticsEnabled ? System.nanoTime() : 0;
        final long now = System.currentTimeMillis();
        store.locks.lock(key);
        try
        {
            final StoredValue stored = store.live(key, now, batch);
            if (stored != null)
            {
                final V value = store.load(stored);
                store.access(stored, now);
                if (statisticsEnabled)
                {
                    statistics.hits(1);
                }
                return value;
            }
            if (statisticsEnabled)
            {
                statistics.misses(1);
            }
            if (integration.readThroughLoader() == null)
            {
                return null;
            }
            final V loaded = integration.load(key);
            if (loaded != null)
            {
                store.create(key, loaded, now, batch);
            }
            return loaded;
        }
        finally
        {
            store.locks.unlock(key);
            if (statisticsEnabled)
            {
                statistics.getTimeNs(System.nanoTime() - start);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writes

    /**
     * {@inheritDoc}
     */
    public void put(final K key, final V value)
    {
        ensureOpen();
        requireEntry(key, value);
        final long start = statisticsEnabled ? System.nanoTime() : 0;
        final long now = System.currentTimeMillis();
        final EventBatch<K, V> batch = batch();
        boolean stored;
        store.locks.lock(key);
        try
        {
            final StoredValue existing = store.live(key, now, batch);
            integration.write(key, value);
            stored = existing == null ? store.create(key, value, now, batch) : store.update(key, existing, value, now, batch);
            listeners.dispatch(batch);
        }
        finally
        {
            store.locks.unlock(key);
        }
        if (statisticsEnabled && stored)
        {
            statistics.puts(1);
            statistics.putTimeNs(System.nanoTime() - start);
        }
        final EventBatch<K, V> swept = batch();
        store.sweepExpired(swept);
        listeners.dispatch(swept);
    }

    /**
     * {@inheritDoc}
     */
    public V getAndPut(final K key, final V value)
    {
        ensureOpen();
        requireEntry(key, value);
        final long start = statisticsEnabled ? System.nanoTime() : 0;
        final long now = System.currentTimeMillis();
        final EventBatch<K, V> batch = batch();
        final V old;
        boolean stored;
        store.locks.lock(key);
        try
        {
            final StoredValue existing = store.live(key, now, batch);
            old = existing == null ? null : store.load(existing);
            integration.write(key, value);
            stored = existing == null ? store.create(key, value, now, batch) :
                store.update(key, existing, old, value, now, batch);
            listeners.dispatch(batch);
        }
        finally
        {
            store.locks.unlock(key);
        }
        if (statisticsEnabled)
        {
            countGet(old != null, start);
            if (stored)
            {
                statistics.puts(1);
                statistics.putTimeNs(System.nanoTime() - start);
            }
        }
        return old;
    }

    /**
     * {@inheritDoc}
     */
    void putAll(
        final Map<? extends K, ? extends V> map, final boolean replaceExisting, final boolean writeThrough)
    {
        bulk.putAll(map, replaceExisting, writeThrough);
    }

    private void removeKeys(final Set<K> keys)
    {
        bulk.removeKeys(keys);
    }

    /**
     * {@inheritDoc}
     */
    public void putAll(final Map<? extends K, ? extends V> map)
    {
        ensureOpen();
        if (map == null)
        {
            throw new NullPointerException("map must not be null");
        }
        for (final Map.Entry<? extends K, ? extends V> entry : map.entrySet())
        {
            requireEntry(entry.getKey(), entry.getValue());
        }
        putAll(map, true, true);
    }


    /**
     * {@inheritDoc}
     */
    public boolean putIfAbsent(final K key, final V value)
    {
        ensureOpen();
        requireEntry(key, value);
        final long start = statisticsEnabled ? System.nanoTime() : 0;
        final long now = System.currentTimeMillis();
        final EventBatch<K, V> batch = batch();
        boolean stored = false;
        store.locks.lock(key);
        try
        {
            final StoredValue existing = store.live(key, now, batch);
            if (existing == null)
            {
                integration.write(key, value);
                stored = store.create(key, value, now, batch);
            }
            listeners.dispatch(batch);
        }
        finally
        {
            store.locks.unlock(key);
        }
        if (statisticsEnabled)
        {
            if (stored)
            {
                statistics.puts(1);
                statistics.misses(1);
                statistics.putTimeNs(System.nanoTime() - start);
            }
            else
            {
                statistics.hits(1);
            }
        }
        return stored;
    }

    /**
     * {@inheritDoc}
     */
    public boolean replace(final K key, final V oldValue, final V newValue)
    {
        ensureOpen();
        requireEntry(key, newValue);
        requireValue(oldValue);
        final long start = statisticsEnabled ? System.nanoTime() : 0;
        final long now = System.currentTimeMillis();
        final EventBatch<K, V> batch = batch();
        boolean found = false;
        boolean replaced = false;
        store.locks.lock(key);
        try
        {
            final StoredValue existing = store.live(key, now, batch);
            if (existing != null)
            {
                found = true;
                final V current = store.load(existing);
                if (current.equals(oldValue))
                {
                    integration.write(key, newValue);
                    store.update(key, existing, current, newValue, now, batch);
                    replaced = true;
                }
                else
                {
                    store.access(existing, now);
                }
            }
            listeners.dispatch(batch);
        }
        finally
        {
            store.locks.unlock(key);
        }
        if (statisticsEnabled)
        {
            countGet(found, start);
            if (replaced)
            {
                statistics.puts(1);
                statistics.putTimeNs(System.nanoTime() - start);
            }
        }
        return replaced;
    }

    /**
     * {@inheritDoc}
     */
    public boolean replace(final K key, final V value)
    {
        return getAndReplace(key, value, false) != null;
    }

    /**
     * {@inheritDoc}
     */
    public V getAndReplace(final K key, final V value)
    {
        return getAndReplace(key, value, true);
    }

    private V getAndReplace(final K key, final V value, final boolean returnOld)
    {
        ensureOpen();
        requireEntry(key, value);
        final long start = statisticsEnabled ? System.nanoTime() : 0;
        final long now = System.currentTimeMillis();
        final EventBatch<K, V> batch = batch();
        V old = null;
        boolean replaced = false;
        store.locks.lock(key);
        try
        {
            final StoredValue existing = store.live(key, now, batch);
            if (existing != null)
            {
                old = returnOld || batch.enabled() ? store.load(existing) : null;
                integration.write(key, value);
                store.update(key, existing, old, value, now, batch);
                replaced = true;
            }
            listeners.dispatch(batch);
        }
        finally
        {
            store.locks.unlock(key);
        }
        if (statisticsEnabled)
        {
            countGet(replaced, start);
            if (replaced)
            {
                statistics.puts(1);
                statistics.putTimeNs(System.nanoTime() - start);
            }
        }
        if (!returnOld)
        {
            return replaced ? value : null;
        }
        return old;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Removals

    /**
     * {@inheritDoc}
     */
    public boolean remove(final K key)
    {
        ensureOpen();
        requireKey(key);
        final long start = statisticsEnabled ? System.nanoTime() : 0;
        final long now = System.currentTimeMillis();
        final EventBatch<K, V> batch = batch();
        boolean removed = false;
        store.locks.lock(key);
        try
        {
            integration.delete(key);
            final StoredValue existing = store.live(key, now, batch);
            if (existing != null)
            {
                store.removeEntry(key, existing, null, batch);
                removed = true;
            }
            listeners.dispatch(batch);
        }
        finally
        {
            store.locks.unlock(key);
        }
        if (statisticsEnabled && removed)
        {
            statistics.removals(1);
            statistics.removeTimeNs(System.nanoTime() - start);
        }
        return removed;
    }

    /**
     * {@inheritDoc}
     */
    public boolean remove(final K key, final V oldValue)
    {
        ensureOpen();
        requireKey(key);
        requireValue(oldValue);
        final long start = statisticsEnabled ? System.nanoTime() : 0;
        final long now = System.currentTimeMillis();
        final EventBatch<K, V> batch = batch();
        boolean found = false;
        boolean removed = false;
        store.locks.lock(key);
        try
        {
            final StoredValue existing = store.live(key, now, batch);
            if (existing != null)
            {
                found = true;
                final V current = store.load(existing);
                if (current.equals(oldValue))
                {
                    integration.delete(key);
                    store.removeEntry(key, existing, current, batch);
                    removed = true;
                }
                else
                {
                    store.access(existing, now);
                }
            }
            listeners.dispatch(batch);
        }
        finally
        {
            store.locks.unlock(key);
        }
        if (statisticsEnabled)
        {
            countGet(found, start);
            if (removed)
            {
                statistics.removals(1);
                statistics.removeTimeNs(System.nanoTime() - start);
            }
        }
        return removed;
    }

    /**
     * {@inheritDoc}
     */
    public V getAndRemove(final K key)
    {
        ensureOpen();
        requireKey(key);
        final long start = statisticsEnabled ? System.nanoTime() : 0;
        final long now = System.currentTimeMillis();
        final EventBatch<K, V> batch = batch();
        V old = null;
        store.locks.lock(key);
        try
        {
            integration.delete(key);
            final StoredValue existing = store.live(key, now, batch);
            if (existing != null)
            {
                old = store.load(existing);
                store.removeEntry(key, existing, old, batch);
            }
            listeners.dispatch(batch);
        }
        finally
        {
            store.locks.unlock(key);
        }
        if (statisticsEnabled)
        {
            countGet(old != null, start);
            if (old != null)
            {
                statistics.removals(1);
                statistics.removeTimeNs(System.nanoTime() - start);
            }
        }
        return old;
    }

    /**
     * {@inheritDoc}
     */
    public void removeAll(final Set<? extends K> keys)
    {
        ensureOpen();
        requireKeys(keys);
        removeKeys(new LinkedHashSet<K>(keys));
    }

    /**
     * {@inheritDoc}
     */
    public void removeAll()
    {
        ensureOpen();
        removeKeys(store.keySnapshot());
    }


    /**
     * Removes every entry without calling the writer or listeners and without counting statistics, freeing the
     * blocks.
     */
    public void clear()
    {
        ensureOpen();
        store.freeAll();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Loading and processing

    /**
     * {@inheritDoc}
     */
    public void loadAll(
        final Set<? extends K> keys, final boolean replaceExistingValues, final CompletionListener completionListener)
    {
        loading.loadAll(keys, replaceExistingValues, completionListener);
    }

    /**
     * {@inheritDoc}
     */
    public <T> T invoke(final K key, final EntryProcessor<K, V, T> processor, final Object... arguments)
    {
        return processing.invoke(key, processor, arguments);
    }

    /**
     * {@inheritDoc}
     */
    public <T> Map<K, EntryProcessorResult<T>> invokeAll(
        final Set<? extends K> keys, final EntryProcessor<K, V, T> processor, final Object... arguments)
    {
        return processing.invokeAll(keys, processor, arguments);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Iteration

    /**
     * An iterator over the live entries ({@link EntryIterator}), weakly consistent. Each entry returned counts as
     * a hit and an access; {@code remove()} removes through the writer and tells listeners.
     */
    public Iterator<Cache.Entry<K, V>> iterator()
    {
        ensureOpen();
        return new EntryIterator<>(this, store.keys());
    }

    CacheEntry<K, V> iteratorRead(final K key)
    {
        final long start = statisticsEnabled ? System.nanoTime() : 0;
        final CacheEntry<K, V> entry = store.readLive(key, System.currentTimeMillis());
        if (entry != null && statisticsEnabled)
        {
            statistics.hits(1);
            statistics.getTimeNs(System.nanoTime() - start);
        }
        return entry;
    }

    void iteratorRemove(final K key)
    {
        final long start = statisticsEnabled ? System.nanoTime() : 0;
        final EventBatch<K, V> batch = batch();
        boolean removed = false;
        store.locks.lock(key);
        try
        {
            integration.delete(key);
            final StoredValue existing = store.get(key);
            if (existing != null)
            {
                store.removeEntry(key, existing, null, batch);
                removed = true;
            }
            listeners.dispatch(batch);
        }
        finally
        {
            store.locks.unlock(key);
        }
        if (removed && statisticsEnabled)
        {
            statistics.removals(1);
            statistics.removeTimeNs(System.nanoTime() - start);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Configuration, listeners, management

    /**
     * {@inheritDoc}
     */
    public String getName()
    {
        return name;
    }

    /**
     * {@inheritDoc}
     */
    public CacheManager getCacheManager()
    {
        return manager;
    }

    /**
     * The cache's configuration, a {@link TierPoolConfiguration} (so also a {@code MutableConfiguration} and a
     * {@code CompleteConfiguration}). It is the cache's own: changing it changes nothing but what it reports.
     */
    public <C extends Configuration<K, V>> C getConfiguration(final Class<C> clazz)
    {
        if (clazz.isInstance(configuration))
        {
            return clazz.cast(configuration);
        }
        throw new IllegalArgumentException("a TierPool cache's configuration is a " +
            TierPoolConfiguration.class.getName() + ", not a " + clazz.getName());
    }

    /**
     * {@inheritDoc}
     */
    public void registerCacheEntryListener(final CacheEntryListenerConfiguration<K, V> listenerConfiguration)
    {
        ensureOpen();
        if (listenerConfiguration == null)
        {
            throw new NullPointerException("listener configuration must not be null");
        }
        configuration.addCacheEntryListenerConfiguration(listenerConfiguration);
        listeners.register(listenerConfiguration);
    }

    /**
     * {@inheritDoc}
     */
    public void deregisterCacheEntryListener(final CacheEntryListenerConfiguration<K, V> listenerConfiguration)
    {
        ensureOpen();
        if (listenerConfiguration == null)
        {
            throw new NullPointerException("listener configuration must not be null");
        }
        configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
        listeners.deregister(listenerConfiguration);
    }

    /**
     * @param clazz this class, {@link Cache}, or {@link TierPool} for the pool holding the blocks.
     * @return the cache or its pool.
     * @throws IllegalArgumentException for any other class.
     */
    public <T> T unwrap(final Class<T> clazz)
    {
        if (clazz.isInstance(this))
        {
            return clazz.cast(this);
        }
        if (clazz == TierPool.class)
        {
            return clazz.cast(manager.pool());
        }
        throw new IllegalArgumentException("a TierPool cache unwraps to " + TierPoolCache.class.getName() +
            " or " + TierPool.class.getName() + ", not to " + clazz.getName());
    }

    /**
     * @return the cache's statistics, whether or not they are enabled (they count only while enabled); the same
     * object the platform MBean server shows while they are.
     */
    public CacheStatisticsMXBean statistics()
    {
        return statistics;
    }

    /**
     * @return the number of entries in the index, expired ones not yet removed included.
     */
    public int size()
    {
        return store.size();
    }

    void setStatisticsEnabled(final boolean enabled)
    {
        final ObjectName objectName = MBeans.name(MBeans.STATISTICS, manager.getURI(), name);
        if (enabled)
        {
            MBeans.register(objectName, statistics);
        }
        else
        {
            MBeans.unregister(objectName);
        }
        configuration.setStatisticsEnabled(enabled);
        statisticsEnabled = enabled;
    }

    void setManagementEnabled(final boolean enabled)
    {
        final ObjectName objectName = MBeans.name(MBeans.CONFIGURATION, manager.getURI(), name);
        if (enabled)
        {
            MBeans.register(objectName, configurationBean);
        }
        else
        {
            MBeans.unregister(objectName);
        }
        configuration.setManagementEnabled(enabled);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Life cycle

    /**
     * Closes the cache: it leaves its manager, its MXBeans are unregistered, its blocks freed, and the loader,
     * writer, expiry policy and listeners that are {@link java.io.Closeable} closed. Idempotent.
     */
    public void close()
    {
        if (closeQuietly())
        {
            manager.release(name, this);
        }
    }

    /**
     * Closes without telling the manager (which is closing it).
     *
     * @return whether this call closed it.
     */
    synchronized boolean closeQuietly()
    {
        if (closed)
        {
            return false;
        }
        closed = true;
        MBeans.unregister(MBeans.name(MBeans.STATISTICS, manager.getURI(), name));
        MBeans.unregister(MBeans.name(MBeans.CONFIGURATION, manager.getURI(), name));
        integration.close();
        EntryListeners.closeQuietly(expiryPolicy);
        listeners.close();
        store.freeAll();
        return true;
    }

    /**
     * {@inheritDoc}
     */
    public boolean isClosed()
    {
        return closed;
    }

    void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("cache " + name + " of " + manager.getURI() + " is closed");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    EventBatch<K, V> batch()
    {
        return new EventBatch<>(this, !listeners.isEmpty());
    }

    void countGet(final boolean hit, final long start)
    {
        if (hit)
        {
            statistics.hits(1);
        }
        else
        {
            statistics.misses(1);
        }
        statistics.getTimeNs(System.nanoTime() - start);
    }

    static void requireKey(final Object key)
    {
        if (key == null)
        {
            throw new NullPointerException("key must not be null");
        }
    }

    private static void requireValue(final Object value)
    {
        if (value == null)
        {
            throw new NullPointerException("value must not be null");
        }
    }

    private void requireEntry(final K key, final V value)
    {
        requireKey(key);
        requireValue(value);
        final Class<K> keyType = configuration.getKeyType();
        final Class<V> valueType = configuration.getValueType();
        if (keyType != Object.class && !keyType.isInstance(key))
        {
            throw new ClassCastException("cache " + name + " takes keys of " + keyType.getName() + ", not " +
                key.getClass().getName());
        }
        if (valueType != Object.class && !valueType.isInstance(value))
        {
            throw new ClassCastException("cache " + name + " takes values of " + valueType.getName() + ", not " +
                value.getClass().getName());
        }
    }

    static void requireKeys(final Collection<?> keys)
    {
        if (keys == null)
        {
            throw new NullPointerException("keys must not be null");
        }
        for (final Object key : keys)
        {
            requireKey(key);
        }
    }
}
