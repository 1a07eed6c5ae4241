/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;


/**
 * The engine's retained clean copies part: keeps a block's copy in VVRAM, VSSD or a concurrent extra tier when it
 * is promoted to RAM, switches the block back to it when it is demoted again unchanged, and drops or forgets the
 * copy when the block changes, moves elsewhere or its tier needs room.
 * <p>
 * <b>Owns</b> nothing but the code: each copy's tier and location live in its {@link BlockEntry}, the per tier list
 * and counts of copies in its {@link TierSlot}.
 * <p>
 * <b>Threading.</b> Called under the engine lock. A dropped copy outside room-making is queued in the deferred
 * frees and freed by the thread that next releases the lock.
 */
final class RetainedCopies
{
    private final BlockStore store;

    RetainedCopies(final BlockStore store)
    {
        this.store = store;
    }

    /**
     * Frees the copy a block was promoted from, or keeps it as the block's retained copy: when the store retains
     * clean copies, the copy is in one of its own tiers below RAM and its checksum is current.
     */
    void retainOrFree(final BlockEntry entry, final int from, final long location)
    {
        final TierSlot source = store.slots[from];
        if (store.ctx.retainCleanCopies() && from > store.ramIndex && (source.owned || source.concurrent) &&
            !entry.crcStale && entry.copyTier == BlockEntry.NO_TIER)
        {
            entry.copyTier = from;
            entry.copyLocation = location;
            source.addCopy(entry, IoScratch.aligned(entry.size));
            store.counters.copiesRetained++;
        }
        else
        {
            store.freeCopy(from, entry.id, location);
        }
    }

    /**
     * Frees a block's retained copy, if it has one: the block changed, moved elsewhere or was freed, or the copy's
     * tier needs the room.
     */
    void dropCopy(final BlockEntry entry)
    {
        final int copyTier = entry.copyTier;
        if (copyTier != BlockEntry.NO_TIER)
        {
            forgetCopy(entry, copyTier);
            store.freeCopy(copyTier, entry.id, entry.copyLocation);
        }
    }

    /**
     * Drops the oldest retained copies in a tier, queued in the deferred frees (made once the engine lock is
     * released, never under it), until at least {@code bytes} of them are dropped or none is left: for a write that
     * found the tier full. The room they leave is there once the lock is released; a caller that keeps holding it
     * goes on without it (another tier, a demotion).
     *
     * @return how many copies were dropped.
     */
    int dropForRoom(final TierSlot slot, final long bytes)
    {
        int dropped = 0;
        long droppedBytes = 0;
        while (slot.copyHead != null && droppedBytes < bytes)
        {
            droppedBytes += IoScratch.aligned(slot.copyHead.size);
            dropCopy(slot.copyHead);
            dropped++;
        }
        return dropped;
    }

    void forgetCopy(final BlockEntry entry, final int copyTier)
    {
        store.slots[copyTier].removeCopy(entry, IoScratch.aligned(entry.size));
        entry.copyTier = BlockEntry.NO_TIER;
        store.usageChanged = true;
        store.counters.copiesDropped++;
    }

    /**
     * Demotes a block in RAM that has a retained copy by switching it back to that copy (no write): the block is
     * unchanged since it was promoted from it.
     */
    void returnToCopy(final BlockEntry entry)
    {
        final TierSlot ramSlot = store.slots[store.ramIndex];
        final TierSlot to = store.slots[entry.copyTier];
        to.removeCopy(entry, IoScratch.aligned(entry.size));
        ramSlot.unlink(entry);
        final long ramLocation = entry.location;
        entry.prefetched = false;
        // Switched first (bumping the version, ABA), so that no new fast access reaches the RAM extent, which is
        // freed after the fast reads in flight on it (no fast write is: the fast path does not write a block with a
        // retained copy).
        store.fastAccess.place(entry, entry.copyTier, entry.copyLocation);
        entry.copyTier = BlockEntry.NO_TIER;
        store.fastAccess.releaseRam(entry, ramLocation);
        to.link(entry);
        ramSlot.demotedBlocks++;
        ramSlot.demotedBytes += entry.size;
        store.counters.demotions++;
        store.counters.copyReturns++;
        store.usageChanged = true;
    }
}
