/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * TierPool's JCache provider, registered in {@code META-INF/services/javax.cache.spi.CachingProvider}: with
 * tierpool-jcache on the class path, {@code Caching.getCachingProvider()} returns it. Each cache manager it makes
 * owns one {@link io.tierpool.client.TierPool}, configured by the manager's properties and URI
 * ({@link JCacheConfiguration}); the default URI, {@value #DEFAULT_URI}, opens a local-only pool.
 * <p>
 * {@code
 * CachingProvider provider = Caching.getCachingProvider();
 * Properties props = new Properties();
 * props.setProperty("tierpool.nodes", "10.0.0.1:40501,10.0.0.2:40501");   // far memory; omit for local only
 * CacheManager manager = provider.getCacheManager(provider.getDefaultURI(), provider.getDefaultClassLoader(), props);
 * Cache<String, byte[]> cache = manager.createCache("images", new MutableConfiguration<String, byte[]>()
 *     .setTypes(String.class, byte[].class));
 * }
 * <p>
 * Store-by-reference is not supported ({@link #isSupported(OptionalFeature)}).
 * <p>
 * <b>Threads.</b> Thread-safe. <b>Resources.</b> The managers it made and has not seen closed; {@link #close()}
 * closes them. While any is open, a JVM shutdown hook stands ready to close those left open, so the pools' files
 * are removed.
 */
public final class TierPoolCachingProvider implements CachingProvider
{
    /** The default cache manager URI. */
    public static final String DEFAULT_URI = "tierpool://local";

    private final HashMap<ClassLoader, Map<URI, TierPoolCacheManager>> managers = new HashMap<>();
    private final Thread shutdownHook = new Thread(this::close, "tierpool-jcache-shutdown");
    private boolean hookRegistered;

    /**
     * Made by {@link java.util.ServiceLoader} through {@link javax.cache.Caching}, or directly where other
     * providers on the class path should not be instantiated.
     */
    public TierPoolCachingProvider()
    {
    }

    /**
     * {@inheritDoc}
     */
    public synchronized CacheManager getCacheManager(
        final URI uri, final ClassLoader classLoader, final Properties properties)
    {
        final URI managerUri = uri == null ? getDefaultURI() : uri;
        final ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
        final Map<URI, TierPoolCacheManager> byUri = managers.computeIfAbsent(loader, l -> new HashMap<>());
        TierPoolCacheManager manager = byUri.get(managerUri);
        if (manager == null)
        {
            final Properties copy = new Properties();
            if (properties != null)
            {
                copy.putAll(properties);
            }
            manager = new TierPoolCacheManager(this, managerUri, loader, copy);
            byUri.put(managerUri, manager);
            if (!hookRegistered)
            {
                Runtime.getRuntime().addShutdownHook(shutdownHook);
                hookRegistered = true;
            }
        }
        return manager;
    }

    /**
     * {@inheritDoc}
     */
    public CacheManager getCacheManager(final URI uri, final ClassLoader classLoader)
    {
        return getCacheManager(uri, classLoader, getDefaultProperties());
    }

    /**
     * {@inheritDoc}
     */
    public CacheManager getCacheManager()
    {
        return getCacheManager(getDefaultURI(), getDefaultClassLoader());
    }

    /**
     * {@inheritDoc}
     */
    public ClassLoader getDefaultClassLoader()
    {
        final ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : TierPoolCachingProvider.class.getClassLoader();
    }

    /**
     * {@inheritDoc}
     */
    public URI getDefaultURI()
    {
        return URI.create(DEFAULT_URI);
    }

    /**
     * @return empty properties: the defaults are {@link JCacheConfiguration}'s.
     */
    public Properties getDefaultProperties()
    {
        return new Properties();
    }

    /**
     * Closes every manager this provider made.
     */
    public void close()
    {
        for (final TierPoolCacheManager manager : snapshot(null, null))
        {
            manager.close();
        }
    }

    /**
     * {@inheritDoc}
     */
    public void close(final ClassLoader classLoader)
    {
        final ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
        for (final TierPoolCacheManager manager : snapshot(loader, null))
        {
            manager.close();
        }
    }

    /**
     * {@inheritDoc}
     */
    public void close(final URI uri, final ClassLoader classLoader)
    {
        final URI managerUri = uri == null ? getDefaultURI() : uri;
        final ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
        for (final TierPoolCacheManager manager : snapshot(loader, managerUri))
        {
            manager.close();
        }
    }

    /**
     * @return false for {@link OptionalFeature#STORE_BY_REFERENCE}: values live off heap, so they are copies.
     */
    public boolean isSupported(final OptionalFeature optionalFeature)
    {
        return false;
    }

    synchronized void release(final TierPoolCacheManager manager)
    {
        final Map<URI, TierPoolCacheManager> byUri = managers.get(manager.getClassLoader());
        if (byUri != null && byUri.get(manager.getURI()) == manager)
        {
            byUri.remove(manager.getURI());
            if (byUri.isEmpty())
            {
                managers.remove(manager.getClassLoader());
            }
        }
        if (managers.isEmpty() && hookRegistered && Thread.currentThread() != shutdownHook)
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            }
            catch (final IllegalStateException ex)
            {
                // the JVM is shutting down: the hook runs or has run
            }
            hookRegistered = false;
        }
    }

    private synchronized List<TierPoolCacheManager> snapshot(final ClassLoader loader, final URI uri)
    {
        final List<TierPoolCacheManager> result = new ArrayList<>();
        for (final Map.Entry<ClassLoader, Map<URI, TierPoolCacheManager>> entry : managers.entrySet())
        {
            if (loader == null || entry.getKey() == loader)
            {
                for (final TierPoolCacheManager manager : entry.getValue().values())
                {
                    if (uri == null || manager.getURI().equals(uri))
                    {
                        result.add(manager);
                    }
                }
            }
        }
        return result;
    }
}
