/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.zipf;

import org.ehcache.Cache;
import org.ehcache.PersistentCacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.EntryUnit;
import org.ehcache.config.units.MemoryUnit;

import java.nio.file.Path;

/**
 * Values in an Ehcache 3 cache with heap, off-heap and disk tiers (the peer of issue 4's Zipf benchmark):
 * {@code Cache<Long, byte[]>} with Ehcache's built-in {@code byte[]} serializer for the off-heap and disk tiers.
 * The heap tier keeps values by reference, so a put stores a copy of the caller's array (the application could
 * not reuse its buffer otherwise) and a get returns the cache's own array (no copy). The disk tier is not
 * persistent across restarts; its directory is the caller's.
 */
public final class EhcacheBlockCache implements BlockCache
{
    private static final String CACHE_NAME = "blocks";

    private final PersistentCacheManager manager;
    private final Cache<Long, byte[]> cache;

    /**
     * @param heapEntries entries in the heap tier (RAM tier bytes / block bytes).
     * @param offHeapMiB  the off-heap tier, in MiB; less than {@code diskMiB}.
     * @param diskMiB     the disk tier, in MiB.
     * @param diskDir     the directory of the disk tier, existing and empty.
     * @throws IllegalArgumentException if Ehcache rejects the sizes (e.g. off-heap not smaller than disk).
     */
    public EhcacheBlockCache(final long heapEntries, final long offHeapMiB, final long diskMiB, final Path diskDir)
    {
        manager = CacheManagerBuilder.newCacheManagerBuilder()
            .with(CacheManagerBuilder.persistence(diskDir.toFile()))
            .withCache(CACHE_NAME, CacheConfigurationBuilder.newCacheConfigurationBuilder(Long.class, byte[].class,
                ResourcePoolsBuilder.newResourcePoolsBuilder()
                    .heap(heapEntries, EntryUnit.ENTRIES)
                    .offheap(offHeapMiB, MemoryUnit.MB)
                    .disk(diskMiB, MemoryUnit.MB, false)))
            .build(true);
        cache = manager.getCache(CACHE_NAME, Long.class, byte[].class);
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "Ehcache 3";
    }

    /**
     * {@inheritDoc}
     */
    public void put(final long key, final byte[] value)
    {
        cache.put(key, value.clone());
    }

    /**
     * {@inheritDoc}
     */
    public byte[] get(final long key, final byte[] scratch)
    {
        return cache.get(key);
    }

    /**
     * Closes the cache manager (its disk files stay in the caller's directory).
     */
    public void close()
    {
        manager.close();
    }
}
