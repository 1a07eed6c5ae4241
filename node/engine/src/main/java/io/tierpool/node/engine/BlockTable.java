/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import org.agrona.collections.Long2ObjectHashMap;

import java.util.function.Consumer;

/**
 * The engine's block table: block id to {@link BlockEntry}, striped by id. There are
 * {@link StoreContext#blockTableStripes()} stripes (a power of two, default
 * {@value StoreConfiguration#BLOCK_TABLE_STRIPES_DEFAULT}); a block lives in stripe {@code mix(id) & (stripes - 1)},
 * each stripe has its own map and its own small lock (its monitor), so that threads looking up different blocks
 * meet only when two ids share a stripe.
 * <p>
 * <b>Threading.</b> The table is changed ({@link #put}, {@link #remove}, {@link #clear}) only by a thread holding the
 * engine lock <em>and</em> the stripe's lock (lock order: engine lock, then a stripe lock; a stripe lock is held for
 * a few instructions, never across I/O, a copy of a block or a wait on anything but the stripe's own monitor). So a
 * thread holding the engine lock may read with {@link #get} without a stripe lock (nobody else can change a map
 * meanwhile), while a thread without the engine lock (the RAM fast path, {@link FastAccess}) reads under the stripe
 * lock ({@link #stripe(long)}). Every change of an entry's state, tier, location or version is made under its stripe
 * lock too ({@link FastAccess#place}, {@link FastAccess#state}, {@link FastAccess#bumpVersion}), so that the fast path
 * sees them consistently. {@link #size()} may be read by any thread (it is written under the engine lock).
 * <p>
 * <b>Owns</b> the stripes; the entries belong to the store.
 */
final class BlockTable
{
    /**
     * One stripe: its map, guarded by its monitor (and changed only under the engine lock too), and the RAM fast
     * path's state for the blocks in it ({@link FastAccess}), guarded by the monitor.
     */
    static final class Stripe
    {
        final Long2ObjectHashMap<BlockEntry> map = new Long2ObjectHashMap<>();
        /** Fast-path and registered locked accesses in flight in this stripe (guarded by this stripe's monitor). */
        int inFlight;
        /** Threads waiting on this stripe's monitor for an access in flight to end (guarded by the monitor). */
        int waiters;
        /** Ids of blocks accessed by the fast path, not yet applied to the LRU/CLOCK lists (guarded by the monitor). */
        final long[] accessed = new long[FastAccess.ACCESS_BUFFER_LENGTH];
        /** Ids in {@link #accessed}; read without the monitor only as a hint. */
        int accessedCount;
        /** RAM extents entries left while accesses were in flight on them, freed by the last to leave (monitor). */
        BlockEntry[] retiredEntries = new BlockEntry[2];
        long[] retiredLocations = new long[2];
        int retiredCount;
    }

    private final Stripe[] stripes;
    private final int mask;
    private volatile int size;

    /**
     * @param stripeCount number of stripes, a power of two from 1 to {@value StoreConfiguration#BLOCK_TABLE_STRIPES_LIMIT}
     *                    (checked by {@link StoreContext#conclude()}).
     */
    BlockTable(final int stripeCount)
    {
        if (stripeCount < 1 || Integer.bitCount(stripeCount) != 1)
        {
            throw new IllegalArgumentException("stripe count must be a power of two, got " + stripeCount);
        }
        stripes = new Stripe[stripeCount];
        for (int i = 0; i < stripeCount; i++)
        {
            stripes[i] = new Stripe();
        }
        mask = stripeCount - 1;
    }

    /**
     * @return the number of stripes.
     */
    int stripeCount()
    {
        return stripes.length;
    }

    /**
     * @param index a stripe index, 0 to {@link #stripeCount()} - 1.
     * @return that stripe.
     */
    Stripe stripeAt(final int index)
    {
        return stripes[index];
    }

    /**
     * @return the stripe of a block id (consecutive ids land in different stripes).
     */
    Stripe stripe(final long blockId)
    {
        return stripes[(int)mix(blockId) & mask];
    }

    /**
     * Reads an entry; the caller holds the engine lock (or the stripe's lock).
     *
     * @return the entry, or null if the block is not in the table.
     */
    BlockEntry get(final long blockId)
    {
        return stripe(blockId).map.get(blockId);
    }

    /**
     * Inserts an entry; the caller holds the engine lock.
     */
    void put(final BlockEntry entry)
    {
        final Stripe stripe = stripe(entry.id);
        synchronized (stripe)
        {
            stripe.map.put(entry.id, entry);
        }
        size++;
    }

    /**
     * Removes an entry and marks it {@link BlockEntry.State#FREED}, in one step under its stripe's lock; the caller
     * holds the engine lock.
     */
    void remove(final BlockEntry entry)
    {
        final Stripe stripe = stripe(entry.id);
        synchronized (stripe)
        {
            if (stripe.map.remove(entry.id) != null)
            {
                size--;
            }
            entry.state = BlockEntry.State.FREED;
        }
    }

    /**
     * Calls {@code action} for every entry, then empties the table, marking each entry
     * {@link BlockEntry.State#FREED}; the caller holds the engine lock (the store closing).
     */
    void clear(final Consumer<BlockEntry> action)
    {
        for (final Stripe stripe : stripes)
        {
            synchronized (stripe)
            {
                for (final BlockEntry entry : stripe.map.values())
                {
                    entry.state = BlockEntry.State.FREED;
                    action.accept(entry);
                }
                stripe.map.clear();
            }
        }
        size = 0;
    }

    /**
     * @return the number of blocks in the table; any thread (a snapshot that may lag operations in flight).
     */
    int size()
    {
        return size;
    }

    /**
     * Spreads consecutive ids over the stripes (the low bits of a 64-bit multiplicative hash, as Agrona's
     * {@code Hashing} does).
     */
    private static long mix(final long id)
    {
        final long x = id * 0x9E3779B97F4A7C15L;
        return x ^ (x >>> 32);
    }
}
