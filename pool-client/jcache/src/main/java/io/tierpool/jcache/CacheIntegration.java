/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import javax.cache.Cache;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import java.util.Collection;
import java.util.Map;

/**
 * A cache's loader and writer, made from its configuration's factories, with JSR-107's wrapping of what they
 * throw: anything but a {@link CacheLoaderException} from the loader becomes one, anything but a
 * {@link CacheWriterException} from the writer becomes one, each message naming the cache. The writer is used only
 * with write-through on; the loader by read-through (when on) and by {@code loadAll} (always).
 * <p>
 * <b>Threads.</b> As thread-safe as the application's loader and writer; the cache calls them under key locks.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
final class CacheIntegration<K, V> implements AutoCloseable
{
    private final String name;
    final CacheLoader<K, V> loader;
    private final CacheWriter<K, V> writer;
    private final boolean readThrough;
    private final boolean writeThrough;

    @SuppressWarnings("unchecked")
    CacheIntegration(final String name, final TierPoolConfiguration<K, V> configuration)
    {
        this.name = name;
        this.loader = configuration.getCacheLoaderFactory() == null ? null :
            (CacheLoader<K, V>)configuration.getCacheLoaderFactory().create();
        this.writer = configuration.getCacheWriterFactory() == null ? null :
            (CacheWriter<K, V>)configuration.getCacheWriterFactory().create();
        this.readThrough = configuration.isReadThrough();
        this.writeThrough = configuration.isWriteThrough();
    }

    /**
     * @return the loader when read-through is on and one is configured, else null.
     */
    CacheLoader<K, V> readThroughLoader()
    {
        return readThrough ? loader : null;
    }

    boolean isWriteThrough()
    {
        return writeThrough && writer != null;
    }


    V load(final K key)
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

    void write(final K key, final V value)
    {
        if (writeThrough && writer != null)
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

    void delete(final K key)
    {
        if (writeThrough && writer != null)
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

    CacheWriterException writerFailure(final RuntimeException ex)
    {
        return ex instanceof CacheWriterException ? (CacheWriterException)ex :
            new CacheWriterException("writer of cache " + name + " failed: " + ex, ex);
    }

    /**
     * Loads keys for {@code loadAll}.
     *
     * @return what the loader returned (may be null or hold null values).
     * @throws CacheLoaderException if the loader threw.
     */
    Map<K, V> loadAll(final Iterable<K> keys)
    {
        try
        {
            return loader.loadAll(keys);
        }
        catch (final CacheLoaderException ex)
        {
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            throw new CacheLoaderException("loader of cache " + name + " failed in loadAll: " + ex, ex);
        }
    }

    /**
     * Writes a batch with write-through on; the writer removes from {@code pending} the entries it wrote.
     *
     * @return the writer's failure, or null.
     */
    CacheWriterException writeAll(final Collection<Cache.Entry<? extends K, ? extends V>> pending)
    {
        try
        {
            writer.writeAll(pending);
            return null;
        }
        catch (final RuntimeException ex)
        {
            return writerFailure(ex);
        }
    }

    /**
     * Deletes a batch with write-through on; the writer removes from {@code pending} the keys it deleted.
     *
     * @return the writer's failure, or null.
     */
    CacheWriterException deleteAll(final Collection<?> pending)
    {
        try
        {
            writer.deleteAll(pending);
            return null;
        }
        catch (final RuntimeException ex)
        {
            return writerFailure(ex);
        }
    }

    /**
     * Closes the loader and writer where they are {@link java.io.Closeable}.
     */
    public void close()
    {
        EntryListeners.closeQuietly(loader);
        EntryListeners.closeQuietly(writer);
    }
}
