/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryListenerException;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A cache's entry listeners. Synchronous listeners get an operation's events on the caller's thread before the
 * operation returns, and an exception they throw reaches the caller as a {@link CacheEntryListenerException}.
 * Asynchronous listeners get them on the cache's event thread, one batch after another in the order the
 * operations produced them; what they throw is logged and dropped.
 * <p>
 * <b>Threads.</b> Thread-safe: registrations are a copy-on-write list.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
final class EntryListeners<K, V> implements AutoCloseable
{
    private static final Logger LOG = Logger.getLogger(EntryListeners.class.getName());

    private final String cacheName;
    private final CopyOnWriteArrayList<ListenerRegistration<K, V>> registrations = new CopyOnWriteArrayList<>();
    private volatile ExecutorService asyncExecutor;

    EntryListeners(final String cacheName)
    {
        this.cacheName = cacheName;
    }

    boolean isEmpty()
    {
        return registrations.isEmpty();
    }

    void register(final CacheEntryListenerConfiguration<K, V> configuration)
    {
        registrations.add(new ListenerRegistration<>(configuration));
    }

    void deregister(final CacheEntryListenerConfiguration<K, V> configuration)
    {
        for (final ListenerRegistration<K, V> registration : registrations)
        {
            if (registration.configuration.equals(configuration))
            {
                registrations.remove(registration);
                closeQuietly(registration.listener);
            }
        }
    }

    /**
     * Delivers a batch to every listener.
     *
     * @param batch the operation's events.
     * @throws CacheEntryListenerException if a synchronous listener or its filter threw.
     */
    void dispatch(final EventBatch<K, V> batch)
    {
        final List<CacheEvent<K, V>> events = batch.events();
        if (events.isEmpty())
        {
            return;
        }
        for (final ListenerRegistration<K, V> registration : registrations)
        {
            if (registration.isSynchronous())
            {
                try
                {
                    registration.deliver(events);
                }
                catch (final CacheEntryListenerException ex)
                {
                    throw ex;
                }
                catch (final RuntimeException ex)
                {
                    throw new CacheEntryListenerException("listener " + registration.listener + " of cache " +
                        cacheName + " threw " + ex, ex);
                }
            }
            else
            {
                asyncExecutor().execute(() -> deliverAsync(registration, events));
            }
        }
    }

    private void deliverAsync(final ListenerRegistration<K, V> registration, final List<CacheEvent<K, V>> events)
    {
        try
        {
            registration.deliver(events);
        }
        catch (final RuntimeException ex)
        {
            LOG.log(Level.WARNING, "asynchronous listener " + registration.listener + " of cache " + cacheName +
                " threw; its events are dropped", ex);
        }
    }

    private ExecutorService asyncExecutor()
    {
        ExecutorService executor = asyncExecutor;
        if (executor == null)
        {
            synchronized (this)
            {
                executor = asyncExecutor;
                if (executor == null)
                {
                    executor = Executors.newSingleThreadExecutor(r ->
                    {
                        final Thread thread = new Thread(r, "tierpool-jcache-events-" + cacheName);
                        thread.setDaemon(true);
                        return thread;
                    });
                    asyncExecutor = executor;
                }
            }
        }
        return executor;
    }

    /**
     * Delivers the asynchronous events already queued (waiting up to 10 s), stops the event thread and closes
     * every listener that is {@link Closeable}.
     */
    public void close()
    {
        final ExecutorService executor = asyncExecutor;
        if (executor != null)
        {
            executor.shutdown();
            try
            {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        for (final ListenerRegistration<K, V> registration : registrations)
        {
            closeQuietly(registration.listener);
        }
        registrations.clear();
    }

    static void closeQuietly(final Object resource)
    {
        if (resource instanceof Closeable)
        {
            try
            {
                ((Closeable)resource).close();
            }
            catch (final IOException | RuntimeException ex)
            {
                LOG.log(Level.WARNING, "closing " + resource + " failed", ex);
            }
        }
    }
}
