/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import org.agrona.collections.Long2ObjectHashMap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The engine's block table: block id to {@link BlockEntry}, striped by id. There are
 * {@link StoreContext#blockTableStripes()} stripes (a power of two, default
 * {@value StoreConfiguration#BLOCK_TABLE_STRIPES_DEFAULT}); a block lives in stripe {@code mix(id) & (stripes - 1)},
 * each stripe has its own map and its own small lock (its monitor), so that threads looking up different blocks
 * meet only when two ids share a stripe.
 * <p>
 * <b>Threading.</b> The table is changed ({@link #put}, {@link #remove}, {@link #clear}) only by a thread holding the
 * engine lock, and (but for {@link #put}) the stripe's lock too (lock order: engine lock, then a stripe lock; a stripe lock is held for
 * a few instructions, never across I/O, a copy of a block or a wait on anything but the stripe's own monitor). So a
 * thread holding the engine lock may read with {@link #get} without a stripe lock (nobody else can change a map
 * meanwhile), while a thread without the engine lock (the RAM fast path, {@link FastAccess}) reads under the stripe
 * lock ({@link #stripe(long)}) through {@link #lookup}: removals take the stripe lock, insertions do not (they are
 * bracketed by the stripe's sequence, a seqlock, so that allocating a block takes no atomic instruction), and a
 * lookup that overlapped an insertion is retried. Every change of an entry's state, tier, location or version is made under its stripe
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
        /**
         * Sequence of {@link BlockTable#put}s into {@link #map} (a seqlock: odd while one is under way). An insertion
         * holds the engine lock but not the stripe's monitor, so that allocating a block costs no atomic instruction;
         * a reader without the engine lock looks up through {@link BlockTable#lookup}, which retries a lookup that
         * overlapped an insertion. Written only by engine-lock holders; read with acquire semantics.
         */
        int putSequence;
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

    private static final VarHandle PUT_SEQUENCE;
    private static final VarHandle SIZE;

    static
    {
        try
        {
            PUT_SEQUENCE = MethodHandles.lookup().findVarHandle(Stripe.class, "putSequence", int.class);
            SIZE = MethodHandles.lookup().findVarHandle(BlockTable.class, "size", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Stripe[] stripes;
    private final int mask;
    /**
     * Blocks in the table: written by engine-lock holders only, with release stores (a plain store on x86: a volatile
     * increment would cost a full fence on every allocation and free), read by any thread with acquire loads.
     */
    private int size;

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
     * Looks an entry up for a thread that does not hold the engine lock (it holds the stripe's monitor, which keeps
     * removals and changes of the entry out): an insertion into the stripe may be under way meanwhile, so the lookup
     * is retried until none overlapped it (a seqlock read, as {@code StampedLock}'s optimistic reads are validated).
     *
     * @param stripe  the block's stripe, {@link #stripe(long)}.
     * @param blockId the block.
     * @return the entry, or null if the block is not in the table.
     */
    static BlockEntry lookup(final Stripe stripe, final long blockId)
    {
        while (true)
        {
            final int sequence = (int)PUT_SEQUENCE.getAcquire(stripe);
            if ((sequence & 1) == 0)
            {
                BlockEntry found;
                try
                {
                    found = stripe.map.get(blockId);
                }
                catch (final RuntimeException ex)
                {
                    found = null; // a view torn by a resize under way: the sequence has moved, retried below
                }
                VarHandle.loadLoadFence();
                if ((int)PUT_SEQUENCE.getOpaque(stripe) == sequence)
                {
                    return found != null && found.id == blockId ? found : null;
                }
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Inserts an entry; the caller holds the engine lock. Takes no lock of its own (the insertion is bracketed by
     * the stripe's sequence, see {@link #lookup}); the release store that ends it publishes the entry's fields.
     */
    void put(final BlockEntry entry)
    {
        final Stripe stripe = stripe(entry.id);
        final int sequence = stripe.putSequence;
        PUT_SEQUENCE.setOpaque(stripe, sequence + 1);
        VarHandle.storeStoreFence();
        entry.published = true;
        stripe.map.put(entry.id, entry);
        PUT_SEQUENCE.setRelease(stripe, sequence + 2);
        SIZE.setRelease(this, size + 1);
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
            removeLocked(stripe, entry);
        }
    }

    /**
     * {@link #remove}, for a caller that holds the engine lock and already holds {@code stripe}'s lock (the entry's
     * stripe), so that it can do more in the same step ({@link FastAccess#removeAndReleaseCopy}).
     */
    void removeLocked(final Stripe stripe, final BlockEntry entry)
    {
        if (stripe.map.remove(entry.id) != null)
        {
            SIZE.setRelease(this, size - 1);
        }
        entry.state = BlockEntry.State.FREED;
        entry.published = false;
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
        SIZE.setRelease(this, 0);
    }

    /**
     * @return the number of blocks in the table; any thread (a snapshot that may lag operations in flight).
     */
    int size()
    {
        return (int)SIZE.getAcquire(this);
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
