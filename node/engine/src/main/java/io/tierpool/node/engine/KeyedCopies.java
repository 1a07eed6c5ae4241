/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.node.tier.Tier;
import org.agrona.collections.Long2LongHashMap;

import java.util.HashSet;
import java.util.Set;

/**
 * The frees waiting for an extra tier that may key copies by block id (it does not say {@link Tier#concurrentIo()}):
 * keeps such a tier to at most one copy of a block at any time, so that keying by id and keying by location mean the
 * same, while the engine frees its copies after releasing the engine lock and writes new ones without it.
 * <p>
 * <b>How.</b> A copy that the engine no longer refers to (the source of a move out of the tier, an abandoned move's
 * new copy, the copy of a freed block) is {@link #noted} here when its free is queued, under the engine lock. The
 * engine writes a block into the tier only while it holds the block marked moving (so no other copy of it is made
 * meanwhile) and the block has no live copy there; {@link #beforeWrite} first frees the block's noted copy, if any,
 * and remembers that it did. The queued free then finds it done and skips it ({@link #freeQueued}): it never deletes
 * the block's new copy, whatever the tier keys copies by. A freed block's id is never used again, so its noted copy
 * just waits for its queued free.
 * <p>
 * <b>Threading.</b> The tier itself is called only under its slot's I/O lock ({@link TierSlot#ioLock}), by
 * {@link #beforeWrite} and {@link #freeQueued}; this object's own monitor guards its two tables for a few
 * instructions, so that {@link #noted} can be called under the engine lock without waiting for the tier's I/O.
 */
final class KeyedCopies
{
    /** Queued frees not made yet: block id to the location of its one unreferenced copy (this monitor). */
    private final Long2LongHashMap waiting = new Long2LongHashMap(Tier.NO_SPACE);
    /** Queued frees made early by {@link #beforeWrite}, which their queued free then skips (this monitor). */
    private final Set<Copy> madeEarly = new HashSet<>();

    private record Copy(long blockId, long location)
    {
    }

    /**
     * Notes a copy whose free was queued (called under the engine lock, before it is released).
     */
    void noted(final long blockId, final long location)
    {
        synchronized (this)
        {
            waiting.put(blockId, location);
        }
    }

    /**
     * Frees the block's noted copy, if any, before a new copy of it is written (called under the slot's I/O lock).
     */
    void beforeWrite(final Tier tier, final long blockId)
    {
        final long location;
        synchronized (this)
        {
            location = waiting.remove(blockId);
            if (location == Tier.NO_SPACE)
            {
                return;
            }
            madeEarly.add(new Copy(blockId, location));
        }
        tier.free(blockId, location);
    }

    /**
     * Makes a queued free, unless {@link #beforeWrite} made it already (called under the slot's I/O lock).
     */
    void freeQueued(final Tier tier, final long blockId, final long location)
    {
        synchronized (this)
        {
            if (madeEarly.remove(new Copy(blockId, location)))
            {
                return;
            }
            if (waiting.get(blockId) == location)
            {
                waiting.remove(blockId);
            }
        }
        tier.free(blockId, location);
    }
}
