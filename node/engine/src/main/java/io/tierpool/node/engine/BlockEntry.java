/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.Hint;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One row of the block table: where a block lives and how it is used. Also a node of the intrusive
 * least-recently-used list ({@link LruList}) of the tier it lives in. Guarded by the engine lock: every field is
 * read and written with it held; a move in flight works on values it copied out under the lock and commits them
 * back under the lock. The RAM fast path ({@link FastAccess}) reads
 * {@link #state}, {@link #tier}, {@link #location} and {@link #fenced} under the block's stripe lock, so they are
 * written under it too (after the engine lock); {@link #copyTier} and {@link #prefetched} become set only while the
 * block is out of RAM, before the stripe-locked switch that brings it there, and a stale clear value only sends the
 * fast path to the locked path. The fields the fast path writes ({@link #version}, {@link #crcStale},
 * {@link #readers}, {@link #writing}) are written under the stripe lock by everyone.
 * <p>
 * <b>States</b> ({@link State}; Aeron's {@code NetworkPublication} names its states the same way), together with
 * {@link #version}, bumped by every write and pin:
 * <pre>
 *                     allocate (placed, inserted)
 *                                 |
 *                                 v
 *        +---- choose -----> RESIDENT <------ commit / abandon ----+
 *        |  (worker, lock)   |   ^   \                              |
 *        v                   |   |    \ reserve RAM (lock)          |
 *    DEMOTING ---------------+   |     +-------------------> PROMOTING
 *   copy + write unlocked,       |                           read + verify unlocked
 *   commit if version, tier,     |                           (accessors of this block wait;
 *   location unchanged, else     |                            the block is out of its tier's lists)
 *   free the new copy            |
 *                                | free (lock; tier copies freed after it is released)
 *                                v
 *                              FREED  (terminal; the id is never valid again)
 * </pre>
 * RESIDENT: the block lives at {@link #tier}/{@link #location} and nothing is moving it. DEMOTING: a worker is
 * writing a copy to a slower tier without the engine lock; the block stays readable, writable, pinnable and
 * freeable where it is (any of those changes {@link #version}, its location or state, and the move is abandoned at
 * commit). PROMOTING: a thread reserved RAM for the block and reads it there without the engine lock (or, for a
 * block RAM cannot take, reads and rewrites it where it lies through a staging copy of its own); every other
 * access, free or move of the block waits on the store's settle condition until it is RESIDENT again (threads
 * working on other blocks never wait). FREED: unlinked from the table; a move in flight that finds it so frees its
 * copy.
 */
final class BlockEntry
{
    static final int NO_TIER = -1;

    /**
     * The life of a block; see the class comment for the transitions.
     */
    enum State
    {
        /** Lives in one tier, nothing moving it. */
        RESIDENT,
        /** A copy is being written to a slower tier without the engine lock. */
        DEMOTING,
        /** Being read into reserved RAM (or accessed where it lies) without the engine lock; its accessors wait. */
        PROMOTING,
        /** Freed; terminal. */
        FREED
    }

    final long id;
    final int size;
    final Hint hint;

    int tier = NO_TIER;
    long location;
    int crc32c;
    int pinCount;
    /**
     * Bumped by every write (twice: when it starts and when it ends), every pin and every change of {@link #location}:
     * a move prepared without the engine lock commits only if unchanged, so a block that left its location and came
     * back to the same one meanwhile (ABA) is not taken for one that stayed. Written under the stripe lock (a fast
     * write holds only that); volatile so that the engine's threads read it whole and current.
     */
    volatile long version;
    /** Reads of the block's RAM bytes in flight, fast or registered by the locked path ({@link FastAccess}); stripe lock. */
    volatile int readers;
    /** A write of the block's RAM bytes is in flight, fast or registered by the locked path; stripe lock. */
    volatile boolean writing;
    /** Moves out of RAM made under the engine lock that keep fast accesses out ({@link FastAccess#fence}); stripe lock. */
    int fenced;
    /** CLOCK reference bit: accessed since the demotion hand last passed. */
    boolean referenced;
    /** In the prefetch queue now. */
    boolean prefetchQueued;
    /** Queued by sequential-access detection (dropped if the scan passes it first), not by a caller. */
    boolean prefetchBySequence;
    /** Brought into RAM by the prefetcher and not accessed since; {@link #prefetchSource} says from where. */
    boolean prefetched;
    /** Where the block is in its life; see the class comment. */
    State state = State.RESIDENT;
    /** Pinned on the device since its checksum was last taken: kernels may have changed it in place. */
    boolean deviceDirty;
    /**
     * {@link #crc32c} may not match the block's bytes in RAM: the block was allocated, written or pinned since its
     * checksum was last taken or verified. A block that is clean (false) leaves RAM without a checksum pass.
     */
    volatile boolean crcStale;
    /**
     * The lower tier still holding the copy the block was promoted from, or {@link #NO_TIER}: kept while the block
     * is in RAM and unchanged (only then), so that demoting it again is a switch back, not a write.
     */
    int copyTier = NO_TIER;
    /** Location of that copy in {@link #copyTier}. */
    long copyLocation;
    /** Neighbours in the copy tier's list of retained copies, oldest first. */
    BlockEntry copyPrev;
    BlockEntry copyNext;
    int prefetchSource;

    BlockEntry prev;
    BlockEntry next;
    LruList list;

    /**
     * True while the entry is in the {@link BlockTable} (set and cleared under its stripe lock and the engine lock;
     * read under the engine lock). Before it is inserted no other thread can reach the entry, so its fields are
     * written plainly ({@link #placeUnpublished}), without the stripe lock or a volatile store; inserting it under the
     * stripe lock publishes them.
     */
    boolean published;

    private static final VarHandle VERSION;
    private static final VarHandle CRC_STALE;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            VERSION = lookup.findVarHandle(BlockEntry.class, "version", long.class);
            CRC_STALE = lookup.findVarHandle(BlockEntry.class, "crcStale", boolean.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    BlockEntry(final long id, final int size, final Hint hint)
    {
        this.id = id;
        this.size = size;
        this.hint = hint;
        CRC_STALE.set(this, true); // plain store: the entry is published by its insertion under a stripe lock
    }

    /**
     * Places an entry that is in no table yet (no other thread can see it): sets its tier and location, bumps its
     * version, and with {@code clean} records {@code crc} as the checksum of its bytes, with plain stores. The
     * stripe lock taken by {@link BlockTable#put} publishes them.
     */
    void placeUnpublished(final int tier, final long location, final boolean clean, final int crc)
    {
        this.tier = tier;
        this.location = location;
        VERSION.set(this, (long)VERSION.get(this) + 1);
        if (clean)
        {
            crc32c = crc;
            CRC_STALE.set(this, false);
        }
    }

    /**
     * @return true if the mover may move the block out of its tier: not pinned, not {@link Hint#PIN_FAST}.
     */
    boolean isMovable()
    {
        return pinCount == 0 && hint != Hint.PIN_FAST;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "BlockEntry{id=" + id + ", size=" + size + ", hint=" + hint + ", tier=" + tier + ", location=" +
            location + ", pinCount=" + pinCount + ", state=" + state + '}';
    }
}
