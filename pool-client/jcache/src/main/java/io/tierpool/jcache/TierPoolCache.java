/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import io.tierpool.client.TierPool;

import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import javax.management.ObjectName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A JCache {@link Cache} whose values live in TierPool blocks.
 * <p>
 * <b>Layout.</b> The index is a {@link ConcurrentHashMap} on heap from a private copy of each key (made with the
 * key {@link Serializer}, so a caller changing its key object later changes nothing here) to a
 * {@link StoredValue}: the value's block in the cache manager's {@link TierPool} and the entry's expiry time.
 * Values are stored by value: {@link ValueStore} serializes each into a block of its own and every read
 * deserializes a fresh copy, from whichever tier the pool has moved the block to (RAM, VVRAM, VSSD or a node
 * daemon's memory). An update stores a new block and frees the old one.
 * <p>
 * <b>Operations.</b> Every operation on one key runs under that key's lock ({@link KeyLocks}): it finds the entry
 * (an entry found expired is removed then, with an {@code EXPIRED} event), calls the writer or loader, changes the
 * index and blocks, applies the {@link ExpiryPolicy} (creation, update or access; a policy that throws leaves the
 * expiry as it was, or eternal on creation), counts statistics and delivers the operation's events
 * ({@link EntryListeners}). Bulk operations lock their keys' stripes in ascending order and call the writer once
 * for the batch. {@link #loadAll} runs on the cache manager's executor. Expired entries nobody touches are
 * removed a few at a time by later puts ({@link #sweepExpired()}), so their blocks are freed without an access.
 * <p>
 * <b>Threads.</b> Thread-safe. <b>Resources.</b> The blocks; {@link #close()} frees them, unregisters the MXBeans
 * and closes the loader, writer, expiry policy and listeners that are {@link java.io.Closeable}.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
public final class TierPoolCache<K, V> implements Cache<K, V>
{
    private static final int SWEEP_BATCH = 4;

    private final TierPoolCacheManager manager;
    private final String name;
    private final TierPoolConfiguration<K, V> configuration;
    private final Serializer<K> keySerializer;
    private final ValueStore<V> values;
    private final ConcurrentHashMap<K, StoredValue> index = new ConcurrentHashMap<>();
    private final KeyLocks locks = new KeyLocks();
    private final EntryListeners<K, V> listeners;
    private final CacheStatistics statistics = new CacheStatistics();
    private final CacheConfigurationBean configurationBean;
    private final ExpiryPolicy expiryPolicy;
    private final CacheLoader<K, V> loader;
    private final CacheWriter<K, V> writer;
    private final Executor executor;
    private final ReentrantLock sweepLock = new ReentrantLock();
    private Iterator<K> sweepCursor;
    private volatile boolean finiteExpirySeen;
    private volatile boolean statisticsEnabled;
    private volatile boolean closed;

    @SuppressWarnings("unchecked")
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
        final ClassLoader classLoader = manager.getClassLoader();
        this.keySerializer = configuration.getKeySerializer() != null ? configuration.getKeySerializer() :
            new DefaultSerializer<>(classLoader);
        final Serializer<V> valueSerializer = configuration.getValueSerializer() != null ?
            configuration.getValueSerializer() : new DefaultSerializer<>(classLoader);
        this.values = new ValueStore<>(pool, valueSerializer, name);
        this.expiryPolicy = configuration.getExpiryPolicyFactory().create();
        this.loader = configuration.getCacheLoaderFactory() == null ? null :
            (CacheLoader<K, V>)configuration.getCacheLoaderFactory().create();
        this.writer = configuration.getCacheWriterFactory() == null ? null :
            (CacheWriter<K, V>)configuration.getCacheWriterFactory().create();
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
        locks.lock(key);
        try
        {
            final StoredValue stored = index.get(key);
            return stored != null && !stored.isExpiredAt(System.currentTimeMillis());
        }
        finally
        {
            locks.unlock(key);
        }
    }

    private V getValue(final K key, final EventBatch<K, V> batch)
    {
        final long start = statisticsEnabled ? System.nanoTime() : 0;
        final long now = System.currentTimeMillis();
        locks.lock(key);
        try
        {
            final StoredValue stored = live(key, now, batch);
            if (stored != null)
            {
                final V value = values.load(stored);
                access(stored, now);
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
            if (!configuration.isReadThrough() || loader == null)
            {
                return null;
            }
            final V loaded = load(key);
            if (loaded != null)
            {
                create(key, loaded, now, batch);
            }
            return loaded;
        }
        finally
        {
            locks.unlock(key);
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
        locks.lock(key);
        try
        {
            final StoredValue existing = live(key, now, batch);
            write(key, value);
            stored = existing == null ? create(key, value, now, batch) : update(key, existing, value, now, batch);
            listeners.dispatch(batch);
        }
        finally
        {
            locks.unlock(key);
        }
        if (statisticsEnabled && stored)
        {
            statistics.puts(1);
            statistics.putTimeNs(System.nanoTime() - start);
        }
        sweepExpired();
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
        locks.lock(key);
        try
        {
            final StoredValue existing = live(key, now, batch);
            old = existing == null ? null : values.load(existing);
            write(key, value);
            stored = existing == null ? create(key, value, now, batch) :
                update(key, existing, old, value, now, batch);
            listeners.dispatch(batch);
        }
        finally
        {
            locks.unlock(key);
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

    private void putAll(
        final Map<? extends K, ? extends V> map, final boolean replaceExisting, final boolean writeThrough)
    {
        final long start = statisticsEnabled ? System.nanoTime() : 0;
        final long now = System.currentTimeMillis();
        final EventBatch<K, V> batch = batch();
        final Map<K, V> toStore = new LinkedHashMap<>(map);
        CacheWriterException failure = null;
        int puts = 0;
        final Collection<Integer> stripes = locks.lockAll(toStore.keySet());
        try
        {
            if (writeThrough && configuration.isWriteThrough() && writer != null)
            {
                final List<Cache.Entry<? extends K, ? extends V>> pending = new ArrayList<>(toStore.size());
                for (final Map.Entry<K, V> entry : toStore.entrySet())
                {
                    pending.add(new CacheEntry<>(entry.getKey(), entry.getValue()));
                }
                try
                {
                    writer.writeAll(pending);
                }
                catch (final RuntimeException ex)
                {
                    failure = writerFailure(ex);
                }
                for (final Cache.Entry<? extends K, ? extends V> unwritten : pending)
                {
                    toStore.remove(unwritten.getKey());
                }
            }
            for (final Map.Entry<K, V> entry : toStore.entrySet())
            {
                final K key = entry.getKey();
                final StoredValue existing = live(key, now, batch);
                if (existing == null)
                {
                    if (create(key, entry.getValue(), now, batch))
                    {
                        puts++;
                    }
                }
                else if (replaceExisting)
                {
                    update(key, existing, entry.getValue(), now, batch);
                    puts++;
                }
            }
        }
        finally
        {
            locks.unlockAll(stripes);
        }
        listeners.dispatch(batch);
        if (statisticsEnabled && writeThrough && puts > 0)
        {
            statistics.puts(puts);
            statistics.putTimeNs(System.nanoTime() - start);
        }
        if (failure != null)
        {
            throw failure;
        }
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
        locks.lock(key);
        try
        {
            final StoredValue existing = live(key, now, batch);
            if (existing == null)
            {
                write(key, value);
                stored = create(key, value, now, batch);
            }
            listeners.dispatch(batch);
        }
        finally
        {
            locks.unlock(key);
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
        locks.lock(key);
        try
        {
            final StoredValue existing = live(key, now, batch);
            if (existing != null)
            {
                found = true;
                final V current = values.load(existing);
                if (current.equals(oldValue))
                {
                    write(key, newValue);
                    update(key, existing, current, newValue, now, batch);
                    replaced = true;
                }
                else
                {
                    access(existing, now);
                }
            }
            listeners.dispatch(batch);
        }
        finally
        {
            locks.unlock(key);
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
        locks.lock(key);
        try
        {
            final StoredValue existing = live(key, now, batch);
            if (existing != null)
            {
                old = returnOld || batch.enabled() ? values.load(existing) : null;
                write(key, value);
                update(key, existing, old, value, now, batch);
                replaced = true;
            }
            listeners.dispatch(batch);
        }
        finally
        {
            locks.unlock(key);
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
        locks.lock(key);
        try
        {
            delete(key);
            final StoredValue existing = live(key, now, batch);
            if (existing != null)
            {
                removeEntry(key, existing, null, batch);
                removed = true;
            }
            listeners.dispatch(batch);
        }
        finally
        {
            locks.unlock(key);
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
        locks.lock(key);
        try
        {
            final StoredValue existing = live(key, now, batch);
            if (existing != null)
            {
                found = true;
                final V current = values.load(existing);
                if (current.equals(oldValue))
                {
                    delete(key);
                    removeEntry(key, existing, current, batch);
                    removed = true;
                }
                else
                {
                    access(existing, now);
                }
            }
            listeners.dispatch(batch);
        }
        finally
        {
            locks.unlock(key);
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
        locks.lock(key);
        try
        {
            delete(key);
            final StoredValue existing = live(key, now, batch);
            if (existing != null)
            {
                old = values.load(existing);
                removeEntry(key, existing, old, batch);
            }
            listeners.dispatch(batch);
        }
        finally
        {
            locks.unlock(key);
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
        removeKeys(new LinkedHashSet<>(index.keySet()));
    }

    private void removeKeys(final Set<K> keys)
    {
        final long start = statisticsEnabled ? System.nanoTime() : 0;
        final long now = System.currentTimeMillis();
        final EventBatch<K, V> batch = batch();
        CacheWriterException failure = null;
        int removals = 0;
        final Collection<Integer> stripes = locks.lockAll(keys);
        try
        {
            if (configuration.isWriteThrough() && writer != null && !keys.isEmpty())
            {
                final Set<K> pending = new LinkedHashSet<>(keys);
                try
                {
                    writer.deleteAll(pending);
                }
                catch (final RuntimeException ex)
                {
                    failure = writerFailure(ex);
                }
                keys.removeAll(pending);
            }
            for (final K key : keys)
            {
                final StoredValue existing = live(key, now, batch);
                if (existing != null)
                {
                    removeEntry(key, existing, null, batch);
                    removals++;
                }
            }
        }
        finally
        {
            locks.unlockAll(stripes);
        }
        listeners.dispatch(batch);
        if (statisticsEnabled && removals > 0)
        {
            statistics.removals(removals);
            statistics.removeTimeNs(System.nanoTime() - start);
        }
        if (failure != null)
        {
            throw failure;
        }
    }

    /**
     * Removes every entry without calling the writer or listeners and without counting statistics, freeing the
     * blocks.
     */
    public void clear()
    {
        ensureOpen();
        freeAll();
    }

    private void freeAll()
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

    // ---------------------------------------------------------------------------------------------------------
    // Loading and processing

    /**
     * {@inheritDoc}
     */
    public void loadAll(
        final Set<? extends K> keys, final boolean replaceExistingValues, final CompletionListener completionListener)
    {
        ensureOpen();
        if (keys == null)
        {
            throw new NullPointerException("keys must not be null");
        }
        if (loader == null)
        {
            if (completionListener != null)
            {
                completionListener.onCompletion();
            }
            return;
        }
        requireKeys(keys);
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
                if (replaceExistingValues || !containsKey(key))
                {
                    toLoad.add(key);
                }
            }
            final Map<K, V> loaded;
            try
            {
                loaded = loader.loadAll(toLoad);
            }
            catch (final CacheLoaderException ex)
            {
                throw ex;
            }
            catch (final RuntimeException ex)
            {
                throw new CacheLoaderException("loader of cache " + name + " failed in loadAll: " + ex, ex);
            }
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
            putAll(present, replaceExistingValues, false);
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

    /**
     * {@inheritDoc}
     */
    public <T> T invoke(final K key, final EntryProcessor<K, V, T> processor, final Object... arguments)
    {
        ensureOpen();
        requireKey(key);
        if (processor == null)
        {
            throw new NullPointerException("entry processor must not be null");
        }
        long start = statisticsEnabled ? System.nanoTime() : 0;
        final long now = System.currentTimeMillis();
        final EventBatch<K, V> batch = batch();
        locks.lock(key);
        try
        {
            final StoredValue existing = live(key, now, batch);
            final V current = existing == null ? null : values.load(existing);
            if (statisticsEnabled)
            {
                countGet(existing != null, start);
                start = System.nanoTime();
            }
            final ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, current,
                configuration.isReadThrough() ? loader : null);
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
            listeners.dispatch(batch);
            return result;
        }
        finally
        {
            locks.unlock(key);
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
                access(existing, now);
                break;
            case CREATE:
                write(key, entry.value());
                if (create(key, entry.value(), now, batch) && statisticsEnabled)
                {
                    statistics.puts(1);
                    statistics.putTimeNs(System.nanoTime() - start);
                }
                break;
            case LOAD:
                create(key, entry.value(), now, batch);
                break;
            case UPDATE:
                write(key, entry.value());
                update(key, existing, current, entry.value(), now, batch);
                if (statisticsEnabled)
                {
                    statistics.puts(1);
                    statistics.putTimeNs(System.nanoTime() - start);
                }
                break;
            case REMOVE:
                delete(key);
                if (existing != null)
                {
                    removeEntry(key, existing, current, batch);
                    if (statisticsEnabled)
                    {
                        statistics.removals(1);
                        statistics.removeTimeNs(System.nanoTime() - start);
                    }
                }
                break;
            default:
                break;
        }
    }

    /**
     * {@inheritDoc}
     */
    public <T> Map<K, EntryProcessorResult<T>> invokeAll(
        final Set<? extends K> keys, final EntryProcessor<K, V, T> processor, final Object... arguments)
    {
        ensureOpen();
        requireKeys(keys);
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

    // ---------------------------------------------------------------------------------------------------------
    // Entry life: under the key's lock

    /**
     * @return the key's entry if present and live; an expired one is removed, its block freed, an EXPIRED event
     * added.
     */
    private StoredValue live(final K key, final long now, final EventBatch<K, V> batch)
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
    private boolean create(final K key, final V value, final long now, final EventBatch<K, V> batch)
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

    private boolean update(
        final K key, final StoredValue existing, final V value, final long now, final EventBatch<K, V> batch)
    {
        return update(key, existing, batch.enabled() ? values.load(existing) : null, value, now, batch);
    }

    private boolean update(
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

    private void removeEntry(final K key, final StoredValue existing, final V knownValue, final EventBatch<K, V> batch)
    {
        index.remove(key);
        if (batch.enabled())
        {
            batch.removed(key, knownValue != null ? knownValue : values.load(existing));
        }
        values.free(existing);
    }

    private void access(final StoredValue stored, final long now)
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
     * EXPIRED events, as an access would.
     */
    private void sweepExpired()
    {
        if (!finiteExpirySeen || !sweepLock.tryLock())
        {
            return;
        }
        final EventBatch<K, V> batch = batch();
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
        listeners.dispatch(batch);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Integration

    private V load(final K key)
    {
        try
        {
            return loader.load(key);
        }
        catch (final CacheLoaderException ex)
        {
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            throw new CacheLoaderException("loader of cache " + name + " failed for key " + key + ": " + ex, ex);
        }
    }

    private void write(final K key, final V value)
    {
        if (configuration.isWriteThrough() && writer != null)
        {
            try
            {
                writer.write(new CacheEntry<>(key, value));
            }
            catch (final RuntimeException ex)
            {
                throw writerFailure(ex);
            }
        }
    }

    private void delete(final K key)
    {
        if (configuration.isWriteThrough() && writer != null)
        {
            try
            {
                writer.delete(key);
            }
            catch (final RuntimeException ex)
            {
                throw writerFailure(ex);
            }
        }
    }

    private CacheWriterException writerFailure(final RuntimeException ex)
    {
        return ex instanceof CacheWriterException ? (CacheWriterException)ex :
            new CacheWriterException("writer of cache " + name + " failed: " + ex, ex);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Iteration

    /**
     * An iterator over the live entries, weakly consistent: entries added or removed while it runs may or may not
     * be seen. Each entry returned counts as a hit and an access (access expiry applies); {@code remove()} removes
     * through the writer and tells listeners.
     */
    public Iterator<Cache.Entry<K, V>> iterator()
    {
        ensureOpen();
        return new EntryIterator(index.keySet().iterator());
    }

    private final class EntryIterator implements Iterator<Cache.Entry<K, V>>
    {
        private final Iterator<K> keys;
        private CacheEntry<K, V> next;
        private CacheEntry<K, V> last;

        EntryIterator(final Iterator<K> keys)
        {
            this.keys = keys;
        }

        public boolean hasNext()
        {
            while (next == null && keys.hasNext())
            {
                final K key = keys.next();
                final long start = statisticsEnabled ? System.nanoTime() : 0;
                final long now = System.currentTimeMillis();
                locks.lock(key);
                try
                {
                    final StoredValue stored = index.get(key);
                    if (stored != null && !stored.isExpiredAt(now))
                    {
                        next = new CacheEntry<>(keySerializer.copy(key), values.load(stored));
                        access(stored, now);
                    }
                }
                finally
                {
                    locks.unlock(key);
                }
                if (next != null && statisticsEnabled)
                {
                    statistics.hits(1);
                    statistics.getTimeNs(System.nanoTime() - start);
                }
            }
            return next != null;
        }

        public Cache.Entry<K, V> next()
        {
            if (!hasNext())
            {
                throw new NoSuchElementException("no more entries in cache " + name);
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
            final long start = statisticsEnabled ? System.nanoTime() : 0;
            final EventBatch<K, V> batch = batch();
            boolean removed = false;
            locks.lock(key);
            try
            {
                delete(key);
                final StoredValue existing = index.get(key);
                if (existing != null)
                {
                    removeEntry(key, existing, null, batch);
                    removed = true;
                }
                listeners.dispatch(batch);
            }
            finally
            {
                locks.unlock(key);
            }
            if (removed && statisticsEnabled)
            {
                statistics.removals(1);
                statistics.removeTimeNs(System.nanoTime() - start);
            }
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
     * @return the cache's statistics, whether or not they are enabled (they count only while enabled).
     */
    public CacheStatistics statistics()
    {
        return statistics;
    }

    /**
     * @return the number of entries in the index, expired ones not yet removed included.
     */
    public int size()
    {
        return index.size();
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
        EntryListeners.closeQuietly(loader);
        EntryListeners.closeQuietly(writer);
        EntryListeners.closeQuietly(expiryPolicy);
        listeners.close();
        freeAll();
        return true;
    }

    /**
     * {@inheritDoc}
     */
    public boolean isClosed()
    {
        return closed;
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("cache " + name + " of " + manager.getURI() + " is closed");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    private EventBatch<K, V> batch()
    {
        return new EventBatch<>(this, !listeners.isEmpty());
    }

    private void countGet(final boolean hit, final long start)
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

    private static void requireKey(final Object key)
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

    private static void requireKeys(final Collection<?> keys)
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
