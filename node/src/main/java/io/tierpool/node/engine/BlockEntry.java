/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.node.Hint;

/**
 * One row of the block table: where a block lives and how it is used. Also a node of the intrusive
 * least-recently-used list ({@link LruList}) of the tier it lives in. Guarded by the engine lock.
 */
final class BlockEntry
{
    static final int NO_TIER = -1;

    final long id;
    final int size;
    final Hint hint;

    int tier = NO_TIER;
    long location;
    int crc32c;
    int pinCount;
    /** Bumped by every write and pin: a move prepared without the engine lock commits only if unchanged. */
    long version;
    /** CLOCK reference bit: accessed since the demotion hand last passed. */
    boolean referenced;
    /** In the prefetch queue now. */
    boolean prefetchQueued;
    /** Queued by sequential-access detection (dropped if the scan passes it first), not by a caller. */
    boolean prefetchBySequence;
    /** Brought into RAM by the prefetcher and not accessed since; {@link #prefetchSource} says from where. */
    boolean prefetched;
    /** The prefetcher is reading the block into RAM without the engine lock; accesses wait for it. */
    boolean prefetchInFlight;
    /** The mover or prefetcher is writing a copy of the block to a slower tier without the engine lock. */
    boolean moving;
    /** Pinned on the device since its checksum was last taken: kernels may have changed it in place. */
    boolean deviceDirty;
    /**
     * {@link #crc32c} may not match the block's bytes in RAM: the block was allocated, written or pinned since its
     * checksum was last taken or verified. A block that is clean (false) leaves RAM without a checksum pass.
     */
    boolean crcStale = true;
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

    BlockEntry(final long id, final int size, final Hint hint)
    {
        this.id = id;
        this.size = size;
        this.hint = hint;
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
            location + ", pinCount=" + pinCount + '}';
    }
}
