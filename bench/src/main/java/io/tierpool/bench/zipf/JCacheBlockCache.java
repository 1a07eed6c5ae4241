/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.zipf;

import io.tierpool.jcache.ByteArraySerializer;
import io.tierpool.jcache.JCacheConfiguration;
import io.tierpool.jcache.TierPoolCachingProvider;
import io.tierpool.jcache.TierPoolConfiguration;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.EntryUnit;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.core.config.DefaultConfiguration;
import org.ehcache.impl.config.persistence.DefaultPersistenceConfiguration;
import org.ehcache.jsr107.Eh107Configuration;
import org.ehcache.jsr107.EhcacheCachingProvider;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.spi.CachingProvider;
import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The Zipf workload through the JCache API ({@code javax.cache.Cache<Long, byte[]>}, store-by-value), for
 * {@code bench zipf --jcache}: TierPool's provider ({@link #tierPool}) against Ehcache 3's ({@link #ehcache}) with
 * the same tier sizes. Each provider is made directly rather than through {@code javax.cache.Caching}, which would
 * instantiate every provider on the class path (Ignite's among them). Both copy on put and on get, as
 * store-by-value requires.
 */
public final class JCacheBlockCache implements BlockCache
{
    private static final String CACHE_NAME = "blocks";

    private final String name;
    private final CachingProvider provider;
    private final CacheManager manager;
    private final Cache<Long, byte[]> cache;

    private JCacheBlockCache(
        final String name, final CachingProvider provider, final CacheManager manager, final Cache<Long, byte[]> cache)
    {
        this.name = name;
        this.provider = provider;
        this.manager = manager;
        this.cache = cache;
    }

    /**
     * A TierPool JCache cache: RAM, VVRAM and VSSD tiers of the given sizes; {@code byte[]} values stored raw
     * ({@link ByteArraySerializer}) so that a value fills its block.
     *
     * @param blockBytes bytes per value.
     * @param ramBytes   the RAM tier, in bytes.
     * @param vvramBytes the VVRAM tier, in bytes.
     * @param vssdBytes  the VSSD tier, in bytes.
     * @param tmpfsDir   directory of the VVRAM tier.
     * @param diskDir    directory of the VSSD tier.
     * @return the cache, to be closed by the caller.
     */
    public static JCacheBlockCache tierPool(
        final int blockBytes, final long ramBytes, final long vvramBytes, final long vssdBytes, final Path tmpfsDir,
        final Path diskDir)
    {
        final CachingProvider provider = new TierPoolCachingProvider();
        final Properties properties = new Properties();
        properties.setProperty(JCacheConfiguration.RAM_PROP_NAME, Long.toString(ramBytes));
        properties.setProperty(JCacheConfiguration.VVRAM_PROP_NAME, Long.toString(vvramBytes));
        properties.setProperty(JCacheConfiguration.VSSD_PROP_NAME, Long.toString(vssdBytes));
        properties.setProperty(JCacheConfiguration.VVRAM_DIR_PROP_NAME, tmpfsDir.toString());
        properties.setProperty(JCacheConfiguration.VSSD_DIR_PROP_NAME, diskDir.toString());
        properties.setProperty(JCacheConfiguration.MAX_BLOCK_PROP_NAME, Integer.toString(blockBytes));
        final CacheManager manager = provider.getCacheManager(URI.create("tierpool://bench-zipf"),
            JCacheBlockCache.class.getClassLoader(), properties);
        final Cache<Long, byte[]> cache = manager.createCache(CACHE_NAME, new TierPoolConfiguration<Long, byte[]>()
            .setValueSerializer(ByteArraySerializer.INSTANCE)
            .setTypes(Long.class, byte[].class));
        return new JCacheBlockCache("TierPool JCache", provider, manager, cache);
    }

    /**
     * An Ehcache 3 JCache cache with heap, off-heap and disk tiers, as {@link EhcacheBlockCache} has.
     *
     * @param heapEntries entries in the heap tier (RAM tier bytes / block bytes).
     * @param offHeapMiB  the off-heap tier, in MiB; less than {@code diskMiB}.
     * @param diskMiB     the disk tier, in MiB.
     * @param diskDir     the directory of the disk tier, existing and empty.
     * @return the cache, to be closed by the caller.
     */
    public static JCacheBlockCache ehcache(
        final long heapEntries, final long offHeapMiB, final long diskMiB, final Path diskDir)
    {
        final EhcacheCachingProvider provider = new EhcacheCachingProvider();
        final ClassLoader loader = JCacheBlockCache.class.getClassLoader();
        final CacheManager manager = provider.getCacheManager(URI.create("ehcache://bench-zipf"),
            new DefaultConfiguration(loader, new DefaultPersistenceConfiguration(diskDir.toFile())));
        final Cache<Long, byte[]> cache = manager.createCache(CACHE_NAME, Eh107Configuration.fromEhcacheCacheConfiguration(
            CacheConfigurationBuilder.newCacheConfigurationBuilder(Long.class, byte[].class,
                ResourcePoolsBuilder.newResourcePoolsBuilder()
                    .heap(heapEntries, EntryUnit.ENTRIES)
                    .offheap(offHeapMiB, MemoryUnit.MB)
                    .disk(diskMiB, MemoryUnit.MB, false))));
        return new JCacheBlockCache("Ehcache 3 JCache", provider, manager, cache);
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return name;
    }

    /**
     * {@inheritDoc}
     */
    public void put(final long key, final byte[] value)
    {
        cache.put(key, value);
    }

    /**
     * {@inheritDoc}
     */
    public byte[] get(final long key, final byte[] scratch)
    {
        return cache.get(key);
    }

    /**
     * Closes the cache manager and the provider.
     */
    public void close()
    {
        manager.close();
        provider.close();
    }
}
