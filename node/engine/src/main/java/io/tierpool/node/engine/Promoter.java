/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.BlockFreedException;
import io.tierpool.client.ChecksumMismatchException;
import io.tierpool.node.tier.Tier;

/**
 * The engine's promotion part: brings a block back into RAM for an access, {@code moveTo(RAM)} or a prefetch, and
 * makes a second accessor of a block being promoted wait for that block only.
 * <p>
 * <b>Owns</b> nothing but the code: the count of promotions in flight, the block table and the settle condition
 * belong to {@link BlockStore}.
 * <p>
 * <b>Threading.</b> Called under the engine lock. A promotion from a tier below RAM (or from DEVICE) reserves RAM
 * under the lock, marks the block {@link BlockEntry.State#PROMOTING}, releases the lock while it reads and verifies
 * the copy, and commits under it if the block is unchanged; waiters wait on the settle condition with the lock
 * released.
 */
final class Promoter
{
    private final BlockStore store;

    Promoter(final BlockStore store)
    {
        this.store = store;
    }

    /**
     * Waits while another thread promotes the block (it is {@link BlockEntry.State#PROMOTING}): only accessors of
     * that block wait, the lock being released meanwhile. Called under the lock.
     *
     * @throws BlockFreedException   if the block was freed meanwhile.
     * @throws IllegalStateException if the store was closed meanwhile.
     */
    void awaitSettled(final BlockEntry entry)
    {
        if (entry.state == BlockEntry.State.PROMOTING)
        {
            do
            {
                store.settled.awaitUninterruptibly();
            }
            while (entry.state == BlockEntry.State.PROMOTING && !store.closed);
            store.ensureOpen();
            if (store.blocks.get(entry.id) != entry)
            {
                throw new BlockFreedException(entry.id, store.nodeName);
            }
            // The access found the block brought in by a prefetch it waited for: a (late) hit.
            store.prefetchScheduler.countPrefetchHit(entry);
        }
    }

    /**
     * Brings a block into RAM if it is not there. Returns false, leaving the block where it is, if RAM cannot
     * hold it.
     */
    boolean promote(final BlockEntry entry)
    {
        long location;
        while (true)
        {
            awaitSettled(entry);
            if (entry.tier == store.ramIndex)
            {
                store.slots[store.ramIndex].touch(entry);
                return true;
            }
            location = store.placement.allocateInRam(entry, BlockStore.ROOM_WAIT);
            if (store.blocks.get(entry.id) == entry && entry.state != BlockEntry.State.PROMOTING &&
                entry.tier != store.ramIndex)
            {
                break;
            }
            // Freed, promoted or being promoted by another thread while this one waited for room: start again.
            if (location != Tier.NO_SPACE)
            {
                store.ram.free(entry.id, location);
                store.usageChanged = true;
            }
            store.ensureOpen();
            if (store.blocks.get(entry.id) != entry)
            {
                throw new BlockFreedException(entry.id, store.nodeName);
            }
        }
        if (location == Tier.NO_SPACE)
        {
            return false;
        }
        if ((entry.tier > store.ramIndex || entry.tier == store.deviceIndex) && store.lock.getHoldCount() == 1)
        {
            promoteUnlocked(entry, location);
            return true;
        }

        final TierSlot source = store.slots[entry.tier];
        try
        {
            store.ram.wrap(location, entry.size, store.accessView);
            source.read(entry.id, entry.location, store.accessView, entry.size);
            store.staging.verify(entry, source, store.accessView);
        }
        catch (final RuntimeException | Error ex)
        {
            store.ram.free(entry.id, location);
            throw ex;
        }

        source.unlink(entry);
        store.retainedCopies.retainOrFree(entry, entry.tier, entry.location);
        // Every location change bumps the version: no move in flight mistakes a block that left and came back for
        // one that stayed (ABA). Under the stripe lock: the RAM fast path may take the block from here on.
        store.fastAccess.place(entry, store.ramIndex, location);
        store.slots[store.ramIndex].link(entry);
        store.slots[store.ramIndex].updatePeak();
        source.promotedBlocks++;
        source.promotedBytes += entry.size;
        store.counters.promotions++;
        return true;
    }

    /**
     * The move protocol for a promotion on access, from a tier below RAM (or from DEVICE, read through its I/O lock)
     * into RAM reserved for it: marks the block
     * {@link BlockEntry.State#PROMOTING} (out of its tier's lists, so no demotion picks it; its other accessors
     * wait for it), releases the engine lock, reads and verifies the block into the reserved RAM, takes the lock
     * again and switches the block over, keeping or freeing its source copy. On a failure the reservation is freed,
     * the block stays where it was, and the failure is thrown. Called under the lock (held once); returns with it
     * held.
     */
    void promoteUnlocked(final BlockEntry entry, final long location)
    {
        final int from = entry.tier;
        final long sourceLocation = entry.location;
        final long version = entry.version;
        // Kernels may have changed a block pinned on the device since its checksum was taken: its bytes are the truth.
        final boolean bytesAreTruth = from == store.deviceIndex && entry.deviceDirty;
        final TierSlot source = store.slots[from];
        // A tier that checks what it delivers against the block's checksum spares the pass over the bytes here.
        final boolean verifiedByTier = source.tier.verifiesReads() && !bytesAreTruth;
        final int expectedCrc = entry.crc32c;
        source.unlink(entry);
        store.fastAccess.state(entry, BlockEntry.State.PROMOTING);
        final IoScratch scratch = store.scratchPool.acquire();
        store.ram.wrap(location, entry.size, scratch.view);
        // close() waits for this count: the read below writes into RAM, which close releases.
        store.promotionsInFlight++;
        store.unlockAndNotify();

        RuntimeException error = null;
        int actual = 0;
        try
        {
            source.read(entry.id, sourceLocation, scratch.view, entry.size);
            actual = verifiedByTier ? expectedCrc : scratch.checksum(scratch.view, 0, entry.size);
        }
        catch (final RuntimeException ex)
        {
            error = ex;
        }
        finally
        {
            scratch.view.wrap(new byte[0], 0, 0);
            store.scratchPool.release(scratch);
            store.lock.lock();
            store.promotionsInFlight--;
            store.fastAccess.state(entry,
                store.blocks.get(entry.id) == entry ? BlockEntry.State.RESIDENT : BlockEntry.State.FREED);
            store.settled.signalAll();
        }
        store.ensureOpen();
        // Nothing else moves, writes, pins or frees a PROMOTING block: it is where it was, unchanged.
        final boolean unchanged = entry.state == BlockEntry.State.RESIDENT && entry.tier == from &&
            entry.location == sourceLocation && entry.version == version;
        if (error == null && unchanged && bytesAreTruth)
        {
            entry.crc32c = actual;
            entry.deviceDirty = false;
        }
        if (error != null || !unchanged || actual != entry.crc32c)
        {
            store.ram.free(entry.id, location);
            store.usageChanged = true;
            if (entry.state == BlockEntry.State.RESIDENT && entry.tier == from)
            {
                source.link(entry);
            }
            if (error != null)
            {
                if (error instanceof ChecksumMismatchException)
                {
                    source.checksumFailures++;
                    store.counters.checksumFailures++;
                }
                throw error;
            }
            if (!unchanged)
            {
                throw new BlockFreedException(entry.id, store.nodeName);
            }
            source.checksumFailures++;
            store.counters.checksumFailures++;
            throw new ChecksumMismatchException(entry.id, source.tier.name(), store.nodeName, entry.crc32c, actual);
        }
        store.retainedCopies.retainOrFree(entry, from, sourceLocation);
        store.fastAccess.place(entry, store.ramIndex, location); // bumps the version (ABA), as above
        store.slots[store.ramIndex].link(entry);
        store.slots[store.ramIndex].updatePeak();
        source.promotedBlocks++;
        source.promotedBytes += entry.size;
        store.counters.promotions++;
    }
}
