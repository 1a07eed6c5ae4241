/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import io.tierpool.client.PoolStats;
import io.tierpool.client.TierPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import java.net.URI;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Four threads run random puts, gets, replaces, removes and getAndPuts, each on keys of its own, against a
 * {@link HashMap} model, through a cache whose 2 MiB of RAM hold a fraction of the values (the rest spill to VSSD);
 * every read is checked against the model, and at the end the cache holds exactly the models' entries, one block
 * each.
 */
class ConcurrentCacheModelTest
{
    private static final int THREADS = 4;
    private static final int KEYS_PER_THREAD = 200;
    private static final int OPS_PER_THREAD = 5_000;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldMatchAModelUnderFourThreadsWhileValuesSpillBelowRam() throws Exception
    {
        final CachingProvider provider = Caching.getCachingProvider();
        final Properties properties = new Properties();
        properties.setProperty(JCacheConfiguration.RAM_PROP_NAME, "2m");
        properties.setProperty(JCacheConfiguration.VSSD_PROP_NAME, "128m");
        final ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try (CacheManager manager = provider.getCacheManager(URI.create("tierpool://ConcurrentCacheModelTest"),
            provider.getDefaultClassLoader(), properties))
        {
            final Cache<Integer, byte[]> cache = manager.createCache("model",
                new MutableConfiguration<Integer, byte[]>().setTypes(Integer.class, byte[].class));
            final Future<?>[] results = new Future<?>[THREADS];
            final Map<Integer, byte[]> all = new HashMap<>();
            @SuppressWarnings("unchecked") final Map<Integer, byte[]>[] models = new Map[THREADS];
            for (int t = 0; t < THREADS; t++)
            {
                final int thread = t;
                models[t] = new HashMap<>();
                results[t] = threads.submit(() -> run(cache, thread, models[thread]));
            }
            for (final Future<?> result : results)
            {
                result.get();
            }
            for (final Map<Integer, byte[]> model : models)
            {
                all.putAll(model);
            }
            int count = 0;
            for (final Cache.Entry<Integer, byte[]> entry : cache)
            {
                assertArrayEquals(all.get(entry.getKey()), entry.getValue(), "key " + entry.getKey());
                count++;
            }
            assertEquals(all.size(), count);
            final PoolStats stats = cache.unwrap(TierPool.class).stats();
            assertEquals(all.size(), stats.blocks());
            assertTrue(stats.demotions() > 0, "values must have spilled below RAM: " + stats);
        }
        finally
        {
            threads.shutdownNow();
        }
    }

    private static void run(final Cache<Integer, byte[]> cache, final int thread, final Map<Integer, byte[]> model)
    {
        final Random random = new Random(42 + thread);
        for (int op = 0; op < OPS_PER_THREAD; op++)
        {
            final int key = thread * KEYS_PER_THREAD + random.nextInt(KEYS_PER_THREAD);
            final byte[] value = new byte[1 + random.nextInt(32 * 1024)];
            Arrays.fill(value, (byte)op);
            value[0] = (byte)key;
            switch (random.nextInt(5))
            {
                case 0:
                    cache.put(key, value);
                    model.put(key, value);
                    break;
                case 1:
                    check(model.get(key), cache.get(key), key);
                    break;
                case 2:
                    assertEquals(model.containsKey(key), cache.replace(key, value), "replace " + key);
                    model.computeIfPresent(key, (k, v) -> value);
                    break;
                case 3:
                    assertEquals(model.remove(key) != null, cache.remove(key), "remove " + key);
                    break;
                default:
                    check(model.put(key, value), cache.getAndPut(key, value), key);
                    break;
            }
        }
    }

    private static void check(final byte[] expected, final byte[] actual, final int key)
    {
        if (expected == null)
        {
            assertNull(actual, "key " + key);
        }
        else
        {
            assertArrayEquals(expected, actual, "key " + key);
        }
    }
}
