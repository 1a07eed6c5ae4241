/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import javax.cache.management.CacheStatisticsMXBean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A cache's statistics, counted with {@link LongAdder}s so that reading them stops no operation. Registered in the
 * platform MBean server as {@code javax.cache:type=CacheStatistics,CacheManager=<uri>,Cache=<name>} while
 * statistics are enabled. Average times are in microseconds, as JSR-107 specifies. There is no eviction: a full
 * RAM tier spills values to the pool's lower tiers instead, so {@link #getCacheEvictions()} stays 0.
 * <p>
 * <b>Threads.</b> Thread-safe.
 */
final class CacheStatistics implements CacheStatisticsMXBean
{
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder removals = new LongAdder();
    private final LongAdder getTimeNs = new LongAdder();
    private final LongAdder putTimeNs = new LongAdder();
    private final LongAdder removeTimeNs = new LongAdder();

    void hits(final long count)
    {
        hits.add(count);
    }

    void misses(final long count)
    {
        misses.add(count);
    }

    void puts(final long count)
    {
        puts.add(count);
    }

    void removals(final long count)
    {
        removals.add(count);
    }

    void getTimeNs(final long ns)
    {
        getTimeNs.add(ns);
    }

    void putTimeNs(final long ns)
    {
        putTimeNs.add(ns);
    }

    void removeTimeNs(final long ns)
    {
        removeTimeNs.add(ns);
    }

    public void clear()
    {
        hits.reset();
        misses.reset();
        puts.reset();
        removals.reset();
        getTimeNs.reset();
        putTimeNs.reset();
        removeTimeNs.reset();
    }

    public long getCacheHits()
    {
        return hits.sum();
    }

    public float getCacheHitPercentage()
    {
        final long gets = getCacheGets();
        return gets == 0 ? 0 : getCacheHits() * 100f / gets;
    }

    public long getCacheMisses()
    {
        return misses.sum();
    }

    public float getCacheMissPercentage()
    {
        final long gets = getCacheGets();
        return gets == 0 ? 0 : getCacheMisses() * 100f / gets;
    }

    public long getCacheGets()
    {
        return hits.sum() + misses.sum();
    }

    public long getCachePuts()
    {
        return puts.sum();
    }

    public long getCacheRemovals()
    {
        return removals.sum();
    }

    public long getCacheEvictions()
    {
        return 0;
    }

    public float getAverageGetTime()
    {
        return averageUs(getTimeNs.sum(), getCacheGets());
    }

    public float getAveragePutTime()
    {
        return averageUs(putTimeNs.sum(), getCachePuts());
    }

    public float getAverageRemoveTime()
    {
        return averageUs(removeTimeNs.sum(), getCacheRemovals());
    }

    private static float averageUs(final long totalNs, final long count)
    {
        return count == 0 ? 0 : totalNs / 1000f / count;
    }
}
