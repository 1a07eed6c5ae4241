/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.spi.CachingProvider;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EntryListenersTest
{
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();
    static volatile CountDownLatch asyncDone;

    private CacheManager manager;

    @BeforeEach
    void open()
    {
        EVENTS.clear();
        final CachingProvider provider = Caching.getCachingProvider();
        manager = provider.getCacheManager(URI.create("tierpool://EntryListenersTest"),
            provider.getDefaultClassLoader());
    }

    @AfterEach
    void close()
    {
        manager.close();
    }

    @Test
    void shouldDeliverAsynchronousEventsInOrderOnAnotherThread() throws InterruptedException
    {
        asyncDone = new CountDownLatch(3);
        final Cache<String, String> cache = manager.createCache("async", new MutableConfiguration<String, String>()
            .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                FactoryBuilder.factoryOf(RecordingListener.class), null, true, false)));
        cache.put("a", "1");
        cache.put("a", "2");
        cache.put("b", "3");
        assertTrue(asyncDone.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("CREATED a=1 on tierpool-jcache-events-async", "UPDATED a=2 (was 1) on " +
            "tierpool-jcache-events-async", "CREATED b=3 on tierpool-jcache-events-async"), EVENTS);
    }

    @Test
    void shouldPropagateASynchronousListenersFailureButNotAnAsynchronousOne() throws InterruptedException
    {
        final Cache<String, String> sync = manager.createCache("syncFailing",
            new MutableConfiguration<String, String>().addCacheEntryListenerConfiguration(
                new MutableCacheEntryListenerConfiguration<>(FactoryBuilder.factoryOf(FailingListener.class), null,
                    false, true)));
        assertThrows(CacheEntryListenerException.class, () -> sync.put("k", "v"));

        asyncDone = new CountDownLatch(1);
        final Cache<String, String> async = manager.createCache("asyncFailing",
            new MutableConfiguration<String, String>().addCacheEntryListenerConfiguration(
                new MutableCacheEntryListenerConfiguration<>(FactoryBuilder.factoryOf(FailingListener.class), null,
                    false, false)));
        async.put("k", "v");
        assertTrue(asyncDone.await(10, TimeUnit.SECONDS));
        assertEquals("v", async.get("k"));
    }

    @Test
    void shouldRegisterStatisticsInThePlatformMBeanServerWhileEnabled() throws Exception
    {
        final Cache<String, String> cache = manager.createCache("stats",
            new MutableConfiguration<String, String>().setStatisticsEnabled(true));
        final javax.management.ObjectName name = MBeans.name(MBeans.STATISTICS, manager.getURI(), "stats");
        cache.put("k", "v");
        cache.get("k");
        cache.get("missing");
        assertEquals(1L, ManagementFactory.getPlatformMBeanServer().getAttribute(name, "CacheHits"));
        assertEquals(1L, ManagementFactory.getPlatformMBeanServer().getAttribute(name, "CacheMisses"));
        manager.enableStatistics("stats", false);
        assertFalse(ManagementFactory.getPlatformMBeanServer().isRegistered(name));
    }

    public static final class RecordingListener implements CacheEntryCreatedListener<String, String>,
        CacheEntryUpdatedListener<String, String>, Serializable
    {
        private static final long serialVersionUID = 1L;

        public void onCreated(final Iterable<CacheEntryEvent<? extends String, ? extends String>> events)
        {
            for (final CacheEntryEvent<? extends String, ? extends String> event : events)
            {
                EVENTS.add("CREATED " + event.getKey() + "=" + event.getValue() + " on " +
                    Thread.currentThread().getName());
                asyncDone.countDown();
            }
        }

        public void onUpdated(final Iterable<CacheEntryEvent<? extends String, ? extends String>> events)
        {
            for (final CacheEntryEvent<? extends String, ? extends String> event : events)
            {
                EVENTS.add("UPDATED " + event.getKey() + "=" + event.getValue() + " (was " + event.getOldValue() +
                    ") on " + Thread.currentThread().getName());
                asyncDone.countDown();
            }
        }
    }

    public static final class FailingListener implements CacheEntryCreatedListener<String, String>, Serializable
    {
        private static final long serialVersionUID = 1L;

        public void onCreated(final Iterable<CacheEntryEvent<? extends String, ? extends String>> events)
        {
            if (asyncDone != null)
            {
                asyncDone.countDown();
            }
            throw new IllegalStateException("listener failure on purpose");
        }
    }
}
