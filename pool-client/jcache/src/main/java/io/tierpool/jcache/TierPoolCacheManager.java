/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import io.tierpool.client.TierPool;

import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.spi.CachingProvider;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JCache {@link CacheManager} that owns one {@link TierPool}: every cache it makes keeps its values in that
 * pool's blocks. The pool is opened on the first {@link #createCache} (from {@link JCacheConfiguration}'s
 * properties: local tiers only by default, node daemons' memory with {@code tierpool.nodes}) and closed with the
 * manager.
 * <p>
 * <b>Threads.</b> Thread-safe. <b>Resources.</b> The pool (its memory, files and, with nodes, its media driver),
 * the caches and a daemon thread pool for {@link Cache#loadAll}; {@link #close()} releases them all.
 */
public final class TierPoolCacheManager implements CacheManager
{
    private static final AtomicInteger LOADER_THREADS = new AtomicInteger();

    private final TierPoolCachingProvider provider;
    private final URI uri;
    private final ClassLoader classLoader;
    private final Properties properties;
    private final ConcurrentHashMap<String, TierPoolCache<?, ?>> caches = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newCachedThreadPool(r ->
    {
        final Thread thread = new Thread(r, "tierpool-jcache-loader-" + LOADER_THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    private TierPool pool;
    private volatile boolean closed;

    TierPoolCacheManager(
        final TierPoolCachingProvider provider, final URI uri, final ClassLoader classLoader,
        final Properties properties)
    {
        this.provider = provider;
        this.uri = uri;
        this.classLoader = classLoader;
        this.properties = properties;
    }

    /**
     * {@inheritDoc}
     */
    public CachingProvider getCachingProvider()
    {
        return provider;
    }

    /**
     * {@inheritDoc}
     */
    public URI getURI()
    {
        return uri;
    }

    /**
     * {@inheritDoc}
     */
    public ClassLoader getClassLoader()
    {
        return classLoader;
    }

    /**
     * @return the properties this manager was made with (not the effective ones, see {@link JCacheConfiguration}).
     */
    public Properties getProperties()
    {
        return properties;
    }

    /**
     * Creates a cache. A {@link TierPoolConfiguration} sets its serializers; any other
     * {@link CompleteConfiguration} is copied with the default serializers, and a plain {@link Configuration} gives
     * its types and nothing else.
     *
     * @throws UnsupportedOperationException if the configuration asks for store-by-reference.
     * @throws CacheException                if a cache of that name exists, or the pool cannot open.
     * @throws IllegalStateException         if the manager is closed.
     */
    public synchronized <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(
        final String cacheName, final C configuration)
    {
        ensureOpen();
        if (cacheName == null)
        {
            throw new NullPointerException("cache name must not be null");
        }
        if (configuration == null)
        {
            throw new NullPointerException("configuration of cache " + cacheName + " must not be null");
        }
        if (!configuration.isStoreByValue())
        {
            throw new UnsupportedOperationException("cache " + cacheName + ": store-by-reference is not supported, " +
                "TierPool keeps values off heap and stores them by value");
        }
        if (caches.containsKey(cacheName))
        {
            throw new CacheException("cache " + cacheName + " exists already in " + uri);
        }
        final TierPoolConfiguration<K, V> copy = copyOf(configuration);
        final TierPoolCache<K, V> cache = new TierPoolCache<>(this, cacheName, copy, pool(), executor);
        caches.put(cacheName, cache);
        return cache;
    }

    @SuppressWarnings("unchecked")
    private static <K, V> TierPoolConfiguration<K, V> copyOf(final Configuration<K, V> configuration)
    {
        if (configuration instanceof CompleteConfiguration)
        {
            return new TierPoolConfiguration<>((CompleteConfiguration<K, V>)configuration);
        }
        final TierPoolConfiguration<K, V> copy = new TierPoolConfiguration<>();
        copy.setTypes(configuration.getKeyType(), configuration.getValueType());
        return copy;
    }

    /**
     * {@inheritDoc}
     */
    @SuppressWarnings("unchecked")
    public <K, V> Cache<K, V> getCache(final String cacheName, final Class<K> keyType, final Class<V> valueType)
    {
        ensureOpen();
        if (cacheName == null || keyType == null || valueType == null)
        {
            throw new NullPointerException("cache name, key type and value type must not be null");
        }
        final TierPoolCache<?, ?> cache = caches.get(cacheName);
        if (cache == null)
        {
            return null;
        }
        final CompleteConfiguration<?, ?> configuration = cache.getConfiguration(CompleteConfiguration.class);
        if (configuration.getKeyType() != keyType || configuration.getValueType() != valueType)
        {
            throw new ClassCastException("cache " + cacheName + " holds " + configuration.getKeyType().getName() +
                " -> " + configuration.getValueType().getName() + ", not " + keyType.getName() + " -> " +
                valueType.getName());
        }
        return (Cache<K, V>)cache;
    }

    /**
     * {@inheritDoc}
     */
    @SuppressWarnings("unchecked")
    public <K, V> Cache<K, V> getCache(final String cacheName)
    {
        ensureOpen();
        if (cacheName == null)
        {
            throw new NullPointerException("cache name must not be null");
        }
        return (Cache<K, V>)caches.get(cacheName);
    }

    /**
     * {@inheritDoc}
     */
    public Iterable<String> getCacheNames()
    {
        ensureOpen();
        return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
    }

    /**
     * {@inheritDoc}
     */
    public synchronized void destroyCache(final String cacheName)
    {
        ensureOpen();
        if (cacheName == null)
        {
            throw new NullPointerException("cache name must not be null");
        }
        final TierPoolCache<?, ?> cache = caches.remove(cacheName);
        if (cache != null)
        {
            cache.closeQuietly();
        }
    }

    /**
     * {@inheritDoc}
     */
    public void enableManagement(final String cacheName, final boolean enabled)
    {
        ensureOpen();
        if (cacheName == null)
        {
            throw new NullPointerException("cache name must not be null");
        }
        final TierPoolCache<?, ?> cache = caches.get(cacheName);
        if (cache != null)
        {
            cache.setManagementEnabled(enabled);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void enableStatistics(final String cacheName, final boolean enabled)
    {
        ensureOpen();
        if (cacheName == null)
        {
            throw new NullPointerException("cache name must not be null");
        }
        final TierPoolCache<?, ?> cache = caches.get(cacheName);
        if (cache != null)
        {
            cache.setStatisticsEnabled(enabled);
        }
    }

    /**
     * Closes every cache, then the pool, and leaves the provider: a later {@code getCacheManager} with the same URI
     * and class loader makes a new manager. Idempotent.
     */
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            for (final TierPoolCache<?, ?> cache : caches.values())
            {
                cache.closeQuietly();
            }
            caches.clear();
            executor.shutdown();
            try
            {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            if (pool != null)
            {
                pool.close();
            }
        }
        provider.release(this);
    }

    /**
     * {@inheritDoc}
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * @param clazz this class, {@link CacheManager}, or {@link TierPool} for the manager's pool (opened if it was
     *              not yet).
     * @return the manager or its pool.
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
            return clazz.cast(pool());
        }
        throw new IllegalArgumentException("a TierPool cache manager unwraps to " +
            TierPoolCacheManager.class.getName() + " or " + TierPool.class.getName() + ", not to " + clazz.getName());
    }

    /**
     * @return the manager's pool, opened on first use.
     * @throws CacheException if the pool cannot open; the message says why.
     */
    synchronized TierPool pool()
    {
        ensureOpen();
        if (pool == null)
        {
            try
            {
                pool = TierPool.open(JCacheConfiguration.poolContext(JCacheConfiguration.effective(uri, properties)));
            }
            catch (final RuntimeException ex)
            {
                throw new CacheException("cache manager " + uri + " cannot open its TierPool: " + ex.getMessage(), ex);
            }
        }
        return pool;
    }

    void release(final String cacheName, final TierPoolCache<?, ?> cache)
    {
        caches.remove(cacheName, cache);
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("cache manager " + uri + " is closed");
        }
    }
}
