/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.OverflowPolicy;

import io.tierpool.client.EvictionPolicy;

import io.tierpool.client.ConfigurationException;
import io.tierpool.node.tier.local.VssdTier;
import io.tierpool.node.tier.local.VvramTier;
import org.agrona.SystemUtil;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * Defaults of {@link StoreContext} and the system properties that override them. Sizes accept {@code k/m/g}
 * suffixes.
 */
public final class StoreConfiguration
{
    /**
     * Node name in messages.
     */
    public static final String NODE_NAME_PROP_NAME = "tierpool.node.name";

    /**
     * Default node name.
     */
    public static final String NODE_NAME_DEFAULT = "local";

    /**
     * RAM tier capacity.
     */
    public static final String RAM_CAPACITY_PROP_NAME = "tierpool.ram.capacity";

    /**
     * Default RAM tier capacity: 256 MiB.
     */
    public static final long RAM_CAPACITY_DEFAULT = 256L * 1024 * 1024;

    /**
     * VVRAM tier capacity; 0 disables.
     */
    public static final String VVRAM_CAPACITY_PROP_NAME = "tierpool.vvram.capacity";

    /**
     * Default VVRAM tier capacity: 256 MiB.
     */
    public static final long VVRAM_CAPACITY_DEFAULT = 256L * 1024 * 1024;

    /**
     * VVRAM directory.
     */
    public static final String VVRAM_DIR_PROP_NAME = "tierpool.vvram.dir";

    /**
     * VSSD tier capacity; 0 disables.
     */
    public static final String VSSD_CAPACITY_PROP_NAME = "tierpool.vssd.capacity";

    /**
     * Default VSSD tier capacity: 1 GiB.
     */
    public static final long VSSD_CAPACITY_DEFAULT = 1024L * 1024 * 1024;

    /**
     * VSSD directory.
     */
    public static final String VSSD_DIR_PROP_NAME = "tierpool.vssd.dir";

    /**
     * High watermark fraction.
     */
    public static final String HIGH_WATERMARK_PROP_NAME = "tierpool.high.watermark";

    /**
     * Default high watermark: 0.90.
     */
    public static final double HIGH_WATERMARK_DEFAULT = 0.90;

    /**
     * Low watermark fraction.
     */
    public static final String LOW_WATERMARK_PROP_NAME = "tierpool.low.watermark";

    /**
     * Default low watermark: 0.75.
     */
    public static final double LOW_WATERMARK_DEFAULT = 0.75;

    /**
     * Largest block.
     */
    public static final String MAX_BLOCK_BYTES_PROP_NAME = "tierpool.max.block";

    /**
     * Default largest block: 256 MiB.
     */
    public static final long MAX_BLOCK_BYTES_DEFAULT = 256L * 1024 * 1024;

    /**
     * Hard limit of the largest block: 1 GiB.
     */
    public static final long MAX_BLOCK_BYTES_LIMIT = 1024L * 1024 * 1024;

    /**
     * Default back-off of the mover after getting stuck: 100 ms.
     */
    public static final long MOVER_STUCK_BACKOFF_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Default longest park of the mover's idle strategy: 10 ms.
     */
    public static final long MOVER_MAX_PARK_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(10);

    /**
     * How long an application thread that finds no room in RAM waits for the mover to make it, as a duration
     * ({@code s/ms/us/ns} suffixes).
     */
    public static final String RAM_ROOM_WAIT_PROP_NAME = "tierpool.ram.room.wait";

    /**
     * Default wait for room in RAM: 100 ms.
     */
    public static final long RAM_ROOM_WAIT_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Overflow policy: {@code SPILL_TO_NEXT} or {@code FAIL}.
     */
    public static final String OVERFLOW_POLICY_PROP_NAME = "tierpool.overflow.policy";

    /**
     * Eviction policy: {@code LRU} or {@code CLOCK}.
     */
    public static final String EVICTION_POLICY_PROP_NAME = "tierpool.eviction.policy";

    /**
     * Sequential prefetch depth in blocks.
     */
    public static final String PREFETCH_DEPTH_PROP_NAME = "tierpool.prefetch.depth";

    /**
     * Default sequential prefetch depth: 4 blocks.
     */
    public static final int PREFETCH_DEPTH_DEFAULT = 4;

    /**
     * Largest sequential prefetch depth: 1024 blocks.
     */
    public static final int PREFETCH_DEPTH_LIMIT = 1024;

    /**
     * Default prefetch queue capacity: 1024 requests.
     */
    public static final int PREFETCH_QUEUE_CAPACITY_DEFAULT = 1024;

    /**
     * Largest prefetch queue capacity: 65536 requests.
     */
    public static final int PREFETCH_QUEUE_CAPACITY_LIMIT = 65536;

    /**
     * Number of I/O worker threads.
     */
    public static final String IO_WORKERS_PROP_NAME = "tierpool.io.workers";

    /**
     * Default number of I/O worker threads: 2.
     */
    public static final int IO_WORKERS_DEFAULT = 2;

    /**
     * Most I/O worker threads: 64.
     */
    public static final int IO_WORKERS_LIMIT = 64;

    /**
     * Number of stripes of the block table (a power of two).
     */
    public static final String BLOCK_TABLE_STRIPES_PROP_NAME = "tierpool.block.table.stripes";

    /**
     * Default number of stripes of the block table: 64 (a few times the cores of a large host, so that threads on
     * different blocks seldom share a stripe lock; each stripe is a small map and a monitor).
     */
    public static final int BLOCK_TABLE_STRIPES_DEFAULT = 64;

    /**
     * Most stripes of the block table: 4096.
     */
    public static final int BLOCK_TABLE_STRIPES_LIMIT = 4096;

    /**
     * Most bytes in one demotion batch.
     */
    public static final String DEMOTION_BATCH_BYTES_PROP_NAME = "tierpool.demotion.batch";

    /**
     * Default most bytes in one demotion batch: 1 MiB.
     */
    public static final int DEMOTION_BATCH_BYTES_DEFAULT = 1024 * 1024;

    /**
     * Largest demotion batch: 64 MiB.
     */
    public static final int DEMOTION_BATCH_BYTES_LIMIT = 64 * 1024 * 1024;

    /**
     * Whether blocks promoted from VVRAM or VSSD keep their copy there while unchanged.
     */
    public static final String RETAIN_CLEAN_COPIES_PROP_NAME = "tierpool.retain.clean.copies";

    /**
     * Default largest block batched with others: 64 KiB.
     */
    public static final int DEMOTION_BATCH_BLOCK_BYTES_DEFAULT = 64 * 1024;

    /**
     * Default longest park of the prefetcher's idle strategy: 1 ms.
     */
    public static final long PREFETCHER_MAX_PARK_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(1);

    private StoreConfiguration()
    {
    }

    static OverflowPolicy overflowPolicy()
    {
        return enumProperty(OVERFLOW_POLICY_PROP_NAME, OverflowPolicy.class, OverflowPolicy.SPILL_TO_NEXT);
    }

    static EvictionPolicy evictionPolicy()
    {
        return enumProperty(EVICTION_POLICY_PROP_NAME, EvictionPolicy.class, EvictionPolicy.LRU);
    }

    static boolean retainCleanCopies()
    {
        return !"false".equalsIgnoreCase(System.getProperty(RETAIN_CLEAN_COPIES_PROP_NAME));
    }

    static int ioWorkers()
    {
        return Integer.getInteger(IO_WORKERS_PROP_NAME, IO_WORKERS_DEFAULT);
    }

    static int blockTableStripes()
    {
        return Integer.getInteger(BLOCK_TABLE_STRIPES_PROP_NAME, BLOCK_TABLE_STRIPES_DEFAULT);
    }

    static int demotionBatchBytes()
    {
        return (int)Math.min(Integer.MAX_VALUE,
            SystemUtil.getSizeAsLong(DEMOTION_BATCH_BYTES_PROP_NAME, DEMOTION_BATCH_BYTES_DEFAULT));
    }

    static long ramRoomWaitNs()
    {
        return SystemUtil.getDurationInNanos(RAM_ROOM_WAIT_PROP_NAME, RAM_ROOM_WAIT_NS_DEFAULT);
    }

    static int prefetchDepth()
    {
        return Integer.getInteger(PREFETCH_DEPTH_PROP_NAME, PREFETCH_DEPTH_DEFAULT);
    }

    private static <E extends Enum<E>> E enumProperty(final String name, final Class<E> type, final E defaultValue)
    {
        final String value = System.getProperty(name);
        if (value == null)
        {
            return defaultValue;
        }
        try
        {
            return Enum.valueOf(type, value.trim().toUpperCase(java.util.Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigurationException(name + "=" + value + " is not one of " +
                java.util.Arrays.toString(type.getEnumConstants()));
        }
    }

    static String nodeName()
    {
        return System.getProperty(NODE_NAME_PROP_NAME, NODE_NAME_DEFAULT);
    }

    static long ramCapacityBytes()
    {
        return SystemUtil.getSizeAsLong(RAM_CAPACITY_PROP_NAME, RAM_CAPACITY_DEFAULT);
    }

    static long vvramCapacityBytes()
    {
        return SystemUtil.getSizeAsLong(VVRAM_CAPACITY_PROP_NAME, VVRAM_CAPACITY_DEFAULT);
    }

    static Path vvramDir()
    {
        final String dir = System.getProperty(VVRAM_DIR_PROP_NAME);
        return dir == null ? VvramTier.DEFAULT_DIR : Paths.get(dir);
    }

    static long vssdCapacityBytes()
    {
        return SystemUtil.getSizeAsLong(VSSD_CAPACITY_PROP_NAME, VSSD_CAPACITY_DEFAULT);
    }

    static Path vssdDir()
    {
        final String dir = System.getProperty(VSSD_DIR_PROP_NAME);
        return dir == null ? VssdTier.DEFAULT_DIR : Paths.get(dir);
    }

    static double highWatermark()
    {
        return doubleProperty(HIGH_WATERMARK_PROP_NAME, HIGH_WATERMARK_DEFAULT);
    }

    static double lowWatermark()
    {
        return doubleProperty(LOW_WATERMARK_PROP_NAME, LOW_WATERMARK_DEFAULT);
    }

    static long maxBlockBytes()
    {
        return SystemUtil.getSizeAsLong(MAX_BLOCK_BYTES_PROP_NAME, MAX_BLOCK_BYTES_DEFAULT);
    }

    private static double doubleProperty(final String name, final double defaultValue)
    {
        final String value = System.getProperty(name);
        if (value == null)
        {
            return defaultValue;
        }
        try
        {
            return Double.parseDouble(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException(name + "=" + value + " is not a number; use a fraction such as 0.9");
        }
    }
}
