/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import io.tierpool.client.TierPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.spi.CachingProvider;
import java.net.URI;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TierPoolCacheTest
{
    private CachingProvider provider;
    private CacheManager manager;

    @BeforeEach
    void open()
    {
        provider = Caching.getCachingProvider();
        final Properties properties = new Properties();
        properties.setProperty(JCacheConfiguration.RAM_PROP_NAME, "4m");
        properties.setProperty(JCacheConfiguration.VSSD_PROP_NAME, "64m");
        manager = provider.getCacheManager(URI.create("tierpool://TierPoolCacheTest"),
            provider.getDefaultClassLoader(), properties);
    }

    @AfterEach
    void close()
    {
        manager.close();
    }

    @Test
    void shouldBeTheOnlyProviderAndRefuseStoreByReference()
    {
        assertInstanceOf(TierPoolCachingProvider.class, provider);
        assertThrows(UnsupportedOperationException.class,
            () -> manager.createCache("byRef", new MutableConfiguration<>().setStoreByValue(false)));
    }

    @Test
    void shouldKeepValuesInPoolBlocksByValue()
    {
        final Cache<String, byte[]> cache = manager.createCache("bytes",
            new MutableConfiguration<String, byte[]>().setTypes(String.class, byte[].class));
        final byte[] value = {1, 2, 3, 4};
        cache.put("k", value);
        value[0] = 99;
        final byte[] read = cache.get("k");
        assertArrayEquals(new byte[] {1, 2, 3, 4}, read);
        read[1] = 77;
        assertArrayEquals(new byte[] {1, 2, 3, 4}, cache.get("k"));

        final TierPool pool = cache.unwrap(TierPool.class);
        assertSame(pool, manager.unwrap(TierPool.class));
        assertEquals(1, pool.stats().blocks());
        cache.remove("k");
        assertEquals(0, pool.stats().blocks());
    }

    @Test
    void shouldSpillBeyondRamIntoLowerTiersAndReadEveryValueBack()
    {
        final Cache<Integer, byte[]> cache = manager.createCache("spill",
            new MutableConfiguration<Integer, byte[]>().setTypes(Integer.class, byte[].class));
        final int count = 64;
        for (int i = 0; i < count; i++)
        {
            final byte[] value = new byte[128 * 1024];
            Arrays.fill(value, (byte)i);
            cache.put(i, value);
        }
        for (int i = 0; i < count; i++)
        {
            final byte[] value = cache.get(i);
            assertEquals(128 * 1024, value.length);
            assertEquals((byte)i, value[0]);
            assertEquals((byte)i, value[value.length - 1]);
        }
    }

    @Test
    void shouldFreeTheBlocksOfExpiredAndDestroyedEntries() throws InterruptedException
    {
        final Cache<Long, String> cache = manager.createCache("expiring", new MutableConfiguration<Long, String>()
            .setTypes(Long.class, String.class)
            .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 50))));
        cache.put(1L, "one");
        assertEquals("one", cache.get(1L));
        Thread.sleep(80);
        assertNull(cache.get(1L));
        assertFalse(cache.containsKey(1L));
        final TierPool pool = manager.unwrap(TierPool.class);
        assertEquals(0, pool.stats().blocks());

        cache.put(2L, "two");
        manager.destroyCache("expiring");
        assertTrue(cache.isClosed());
        assertEquals(0, pool.stats().blocks());
    }

    @Test
    void shouldFreeTheBlocksOfExpiredEntriesNobodyReadsAgainWhileOthersArePut() throws InterruptedException
    {
        final Cache<Long, String> cache = manager.createCache("sweep", new MutableConfiguration<Long, String>()
            .setTypes(Long.class, String.class)
            .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 50))));
        for (long i = 0; i < 100; i++)
        {
            cache.put(i, "value " + i);
        }
        final TierPool pool = manager.unwrap(TierPool.class);
        assertEquals(100, pool.stats().blocks());
        Thread.sleep(80);
        for (long i = 100; i < 150; i++)
        {
            cache.put(i, "value " + i);
        }
        assertEquals(50, pool.stats().blocks(), "50 puts sweep 4 keys each: every expired entry is gone");
    }

    @Test
    void shouldUpdateSameSizeValuesInPlace()
    {
        final Cache<Long, byte[]> cache = manager.createCache("inPlace", new TierPoolConfiguration<Long, byte[]>()
            .setValueSerializer(ByteArraySerializer.INSTANCE)
            .setTypes(Long.class, byte[].class));
        cache.put(1L, new byte[] {1, 2, 3, 4});
        final TierPool pool = manager.unwrap(TierPool.class);
        final long allocations = pool.stats().blocks();
        cache.put(1L, new byte[] {5, 6, 7, 8});
        cache.put(1L, new byte[] {9, 9, 9});
        assertArrayEquals(new byte[] {9, 9, 9}, cache.get(1L));
        assertEquals(allocations, pool.stats().blocks());
        cache.put(1L, new byte[100]);
        assertArrayEquals(new byte[100], cache.get(1L));
        assertEquals(1, pool.stats().blocks());
    }
}
