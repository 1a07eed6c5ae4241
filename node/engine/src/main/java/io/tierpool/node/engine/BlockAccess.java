/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.BlockFreedException;
import io.tierpool.client.ChecksumMismatchException;
import io.tierpool.client.OutOfTierMemoryException;
import io.tierpool.node.tier.Tier;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The engine's block access part: copies bytes into and out of a block for {@link BlockStore}'s read and write,
 * in RAM directly, and where the block cannot come to RAM (or lies in the DEVICE tier) through a staging copy
 * read, verified and, for a write, written back where the block lies.
 * <p>
 * <b>Owns</b> nothing but the code: the shared staging buffer and views, the scratch pool and the block table
 * belong to {@link BlockStore}.
 * <p>
 * <b>Threading.</b> A read or write of a block settled in RAM goes to the fast path first ({@link FastAccess}: its
 * stripe lock only, the copy with no lock held); the rest is called under the engine lock, where a copy in RAM
 * registers with the fast path's bookkeeping ({@link FastAccess#beginLocked}) so that it never overlaps a conflicting
 * fast access to the same block. Access in place (below RAM, or in the DEVICE tier) marks the block
 * {@link BlockEntry.State#PROMOTING}, releases the lock for the tier I/O on a staging copy of its own
 * ({@link ScratchPool}) and commits under it if the block is unchanged.
 */
final class BlockAccess
{
    private final BlockStore store;

    BlockAccess(final BlockStore store)
    {
        this.store = store;
    }

    /**
     * {@link BlockStore#write}: a block settled in RAM is written by the fast path ({@link FastAccess}, no engine
     * lock); otherwise checks the range, then copies the bytes in under the engine lock, timing it.
     */
    void write(
        final long blockId,
        final long blockOffset,
        final DirectBuffer srcBuffer,
        final byte[] srcArray,
        final int srcOffset,
        final int length)
    {
        if (store.fastAccess.tryWrite(blockId, blockOffset, srcBuffer, srcArray, srcOffset, length))
        {
            return;
        }
        final long startNs = store.nanoClock.nanoTime();
        store.lock.lock();
        try
        {
            final BlockEntry entry = store.entry(blockId);
            checkRange(entry, blockOffset, length);
            if (null != srcBuffer)
            {
                srcBuffer.boundsCheck(srcOffset, length);
            }
            else
            {
                checkArray(entry, "source", srcArray.length, srcOffset, length);
            }
            store.promoter.awaitSettled(entry);
            final TierSlot startSlot = store.slots[entry.tier];
            store.prefetchScheduler.noteAccess(entry);
            copyIn(entry, (int)blockOffset, srcBuffer, srcArray, srcOffset, length);
            startSlot.recordLatency(startSlot.writeLatency, store.nanoClock.nanoTime() - startNs);
        }
        finally
        {
            store.unlockAndNotify();
        }
    }

    /**
     * {@link BlockStore#read}: a block settled in RAM is read by the fast path ({@link FastAccess}, no engine lock);
     * otherwise checks the range, then copies the bytes out under the engine lock, timing it.
     */
    void read(
        final long blockId,
        final long blockOffset,
        final MutableDirectBuffer dstBuffer,
        final byte[] dstArray,
        final int dstOffset,
        final int length)
    {
        if (store.fastAccess.tryRead(blockId, blockOffset, dstBuffer, dstArray, dstOffset, length))
        {
            return;
        }
        final long startNs = store.nanoClock.nanoTime();
        store.lock.lock();
        try
        {
            final BlockEntry entry = store.entry(blockId);
            checkRange(entry, blockOffset, length);
            if (null != dstBuffer)
            {
                dstBuffer.boundsCheck(dstOffset, length);
            }
            else
            {
                checkArray(entry, "destination", dstArray.length, dstOffset, length);
            }
            final TierSlot startSlot = store.slots[entry.tier];
            store.prefetchScheduler.noteAccess(entry);
            copyOut(entry, (int)blockOffset, dstBuffer, dstArray, dstOffset, length);
            startSlot.recordLatency(startSlot.readLatency, store.nanoClock.nanoTime() - startNs);
        }
        finally
        {
            store.unlockAndNotify();
        }
    }

    void copyIn(
        final BlockEntry entry,
        final int blockOffset,
        final DirectBuffer srcBuffer,
        final byte[] srcArray,
        final int srcOffset,
        final int length)
    {
        store.fastAccess.bumpVersion(entry, false);
        if (entry.tier == store.deviceIndex)
        {
            // A DEVICE block is rewritten where it lies, through a staging copy: not while kernels may use it, and
            // after making room for the new copy next to the old one by demoting the tier's coldest other blocks.
            store.deviceSupport.checkNotPinnedOnDevice(entry, "write to it from the host");
            if (store.lock.getHoldCount() == 1)
            {
                // Rewritten through a staging copy of its own, the engine lock released (DeviceSupport#writeWithRoom).
                accessInPlace(entry, blockOffset, srcBuffer, srcArray, srcOffset, null, null, 0, length);
                return;
            }
            final TierSlot deviceSlot = store.slots[store.deviceIndex];
            deviceSlot.unlink(entry);
            try
            {
                while (!deviceSlot.fitsUnderHardCap(entry.size) && store.relocator.demoteOne(store.deviceIndex))
                {
                    store.usageChanged = true;
                }
            }
            finally
            {
                deviceSlot.link(entry);
            }
        }
        else if (store.promoter.promote(entry))
        {
            store.retainedCopies.dropCopy(entry);
            // Bumped again now that the bytes change (and the checksum marked stale from here on, not before: moves
            // made to bring the block to RAM may have taken it): promote may have released the lock (waiting for
            // room, or reading the block unlocked), and a demotion that chose the block meanwhile noted the version
            // above. Registered as a write, so that no fast access to the block runs alongside (FastAccess).
            final BlockTable.Stripe stripe = store.fastAccess.beginLocked(entry, true);
            try
            {
                store.ram.wrap(entry.location, entry.size, store.accessView);
                put(store.accessView, blockOffset, srcBuffer, srcArray, srcOffset, length);
            }
            finally
            {
                store.fastAccess.end(stripe, entry, true);
            }
            return;
        }
        else if (canAccessInPlace(entry))
        {
            store.fastAccess.bumpVersion(entry, false); // as above: the failed promotion may have released the lock
            accessInPlace(entry, blockOffset, srcBuffer, srcArray, srcOffset, null, null, 0, length);
            return;
        }

        store.fastAccess.bumpVersion(entry, false); // as above: the failed promotion may have released the lock
        store.staging.stageVerified(entry);
        put(store.staging.view, blockOffset, srcBuffer, srcArray, srcOffset, length);
        final int crc = store.staging.checksum(store.staging.view, entry.size);
        final int from = entry.tier;
        long location = store.slots[from].keyed != null ? Tier.NO_SPACE : // (no second copy there: see accessInPlace)
            store.relocator.writeTier(from, entry.id, store.staging.view, entry.size, crc);
        int to = from;
        final int first = from < store.ramIndex ? store.ramIndex : store.ramIndex + 1;
        for (int i = first; location == Tier.NO_SPACE && i < store.slots.length; i++)
        {
            if (i != from && entry.size <= store.slots[i].hardCapBytes())
            {
                location = store.relocator.writeTier(i, entry.id, store.staging.view, entry.size, crc);
                to = i;
            }
        }
        if (location == Tier.NO_SPACE)
        {
            store.staging.releaseIfLarge();
            throw store.outOfMemory(entry, "cannot write block " + entry.id + " of " + entry.size + " bytes: RAM cannot " +
                "take it and no tier has room for its rewritten copy (the block is unchanged)");
        }
        final TierSlot source = store.slots[from];
        source.unlink(entry);
        store.freeCopy(from, entry.id, entry.location);
        store.fastAccess.placeClean(entry, to, location, crc);
        store.slots[to].link(entry);
        store.slots[to].updatePeak();
        store.staging.releaseIfLarge();
    }

    /**
     * @return true if an access to the block where it lies (it cannot come to RAM) can be made without the engine
     * lock: it lies below RAM in a tier that keeps copies apart by location, and the lock is held once.
     */
    boolean canAccessInPlace(final BlockEntry entry)
    {
        final int tier = entry.tier;
        return tier > store.ramIndex && store.lock.getHoldCount() == 1;
    }

    /**
     * @return true if a host read of a block in the DEVICE tier can be made without the engine lock
     * ({@link #accessInPlace}): the lock is held once. The device is read through its slot's I/O lock; a block
     * pinned on the device is read too (kernels may change it meanwhile, as they may under the lock: its bytes are
     * the truth and its checksum is taken afresh).
     */
    boolean canReadDeviceInPlace(final BlockEntry entry)
    {
        return entry.tier == store.deviceIndex && store.lock.getHoldCount() == 1;
    }

    /**
     * Reads or writes a block where it lies below RAM (RAM cannot take it), or reads or writes one in the DEVICE
     * tier ({@link #canReadDeviceInPlace}; a write only while it is not pinned on the device), through a staging
     * copy of the calling thread's own, without the engine lock: the block is marked
     * {@link BlockEntry.State#PROMOTING} (its other accessors, a second writer included, wait for this block only;
     * no move picks it), its copy is read and verified, then a read copies out of the staging copy; a write changes
     * it and stores it as a new copy (in the same tier, else the first tier below RAM with room; a DEVICE block in
     * the DEVICE tier after demoting its coldest other blocks for room ({@link DeviceSupport#writeWithRoom}), else
     * in RAM or the first tier below with room), and under the lock again the block switches to the new copy and
     * the old one is freed. Called under the lock (held once); returns with it held. A write is given {@code src*},
     * a read {@code dst*}.
     *
     * @throws ChecksumMismatchException if the copy read back is damaged (the block is unchanged).
     * @throws OutOfTierMemoryException  if no tier has room for a written copy (the block is unchanged).
     */
    void accessInPlace(
        final BlockEntry entry,
        final int blockOffset,
        final DirectBuffer srcBuffer,
        final byte[] srcArray,
        final int srcOffset,
        final MutableDirectBuffer dstBuffer,
        final byte[] dstArray,
        final int dstOffset,
        final int length)
    {
        final boolean write = srcBuffer != null || srcArray != null;
        final int from = entry.tier;
        final long sourceLocation = entry.location;
        final int expectedCrc = entry.crc32c;
        // A block changed by kernels since its checksum was taken (it was pinned on the device): its bytes are the
        // truth, as Staging.verify has it.
        final boolean bytesAreTruth = from == store.deviceIndex && entry.deviceDirty;
        final TierSlot source = store.slots[from];
        source.touch(entry);
        source.unlink(entry);
        store.fastAccess.state(entry, BlockEntry.State.PROMOTING);
        final IoScratch scratch = store.scratchPool.acquire();
        RuntimeException error = null;
        int actual = 0;
        int crc = 0;
        int to = from;
        long location = Tier.NO_SPACE;
        // close() waits for this count: a rewritten DEVICE block may be written into RAM, which close releases.
        store.promotionsInFlight++;
        store.unlockAndNotify();
        try
        {
            final UnsafeBuffer bytes = scratch.staging.wrap(entry.size);
            source.read(entry.id, sourceLocation, bytes, entry.size);
            actual = scratch.checksum(bytes, 0, entry.size);
            if (actual == expectedCrc || bytesAreTruth)
            {
                if (write)
                {
                    put(bytes, blockOffset, srcBuffer, srcArray, srcOffset, length);
                    crc = scratch.checksum(bytes, 0, entry.size);
                    // A tier that may key copies by block id never gets a second copy of the block: elsewhere.
                    location = from == store.deviceIndex ? store.deviceSupport.writeWithRoom(entry, bytes, crc) :
                        source.keyed != null ? Tier.NO_SPACE : source.write(entry.id, bytes, entry.size, crc);
                    final int first = from == store.deviceIndex ? store.ramIndex : store.ramIndex + 1;
                    for (int i = first; location == Tier.NO_SPACE && i < store.slots.length; i++)
                    {
                        if (i != from && entry.size <= store.slots[i].hardCapBytes())
                        {
                            location = store.slots[i].write(entry.id, bytes, entry.size, crc);
                            to = i;
                        }
                    }
                }
                else if (dstArray != null)
                {
                    bytes.getBytes(blockOffset, dstArray, dstOffset, length);
                }
                else
                {
                    bytes.getBytes(blockOffset, dstBuffer, dstOffset, length);
                }
            }
        }
        catch (final RuntimeException ex)
        {
            error = ex;
        }
        finally
        {
            store.scratchPool.release(scratch);
            store.lock.lock();
            store.promotionsInFlight--;
            store.fastAccess.state(entry,
                store.blocks.get(entry.id) == entry ? BlockEntry.State.RESIDENT : BlockEntry.State.FREED);
            store.settled.signalAll();
        }

        store.usageChanged = true;
        if (location != Tier.NO_SPACE && (store.closed || entry.state == BlockEntry.State.FREED))
        {
            if (!(store.closed && store.slots[to].owned))
            {
                store.pendingFrees.add(to, entry.id, location);
            }
            location = Tier.NO_SPACE;
        }
        store.ensureOpen();
        if (entry.state == BlockEntry.State.FREED)
        {
            throw new BlockFreedException(entry.id, store.nodeName);
        }
        if (error != null || (actual != expectedCrc && !bytesAreTruth) || location == Tier.NO_SPACE)
        {
            if (entry.list == null)
            {
                source.link(entry); // (a block pinned on the device and unpinned meanwhile was linked by the unpin)
            }
            if (error != null)
            {
                throw error;
            }
            if (bytesAreTruth)
            {
                entry.crc32c = actual; // nothing wrote or moved it meanwhile: it was PROMOTING
                entry.deviceDirty = entry.pinCount > 0; // kernels may change it again while it stays pinned
            }
            else if (actual != expectedCrc)
            {
                source.checksumFailures++;
                store.counters.checksumFailures++;
                throw new ChecksumMismatchException(entry.id, source.tier.name(), store.nodeName, expectedCrc, actual);
            }
            if (write)
            {
                throw store.outOfMemory(entry, "cannot write block " + entry.id + " of " + entry.size + " bytes: RAM " +
                    "cannot take it and no tier has room for its rewritten copy (the block is unchanged)");
            }
            return;
        }
        store.freeCopy(from, entry.id, sourceLocation);
        store.fastAccess.placeClean(entry, to, location, crc);
        entry.deviceDirty = false;
        store.slots[to].link(entry);
        store.slots[to].updatePeak();
    }

    static void put(
        final UnsafeBuffer block,
        final int blockOffset,
        final DirectBuffer srcBuffer,
        final byte[] srcArray,
        final int srcOffset,
        final int length)
    {
        if (srcArray != null)
        {
            block.putBytes(blockOffset, srcArray, srcOffset, length);
        }
        else
        {
            block.putBytes(blockOffset, srcBuffer, srcOffset, length);
        }
    }

    void copyOut(
        final BlockEntry entry,
        final int blockOffset,
        final MutableDirectBuffer dstBuffer,
        final byte[] dstArray,
        final int dstOffset,
        final int length)
    {
        final UnsafeBuffer block;
        if (entry.tier == store.deviceIndex)
        {
            // Another reader may be reading it without the lock (PROMOTING): wait for that block only.
            store.promoter.awaitSettled(entry);
        }
        if (entry.tier == store.deviceIndex)
        {
            store.slots[store.deviceIndex].touch(entry); // read from the device where it lies, through a staging copy
        }
        if (entry.tier != store.deviceIndex && store.promoter.promote(entry))
        {
            // Registered as a read, so that no fast write to the block runs alongside (FastAccess).
            final BlockTable.Stripe stripe = store.fastAccess.beginLocked(entry, false);
            try
            {
                store.ram.wrap(entry.location, entry.size, store.accessView);
                if (dstArray != null)
                {
                    store.accessView.getBytes(blockOffset, dstArray, dstOffset, length);
                }
                else
                {
                    store.accessView.getBytes(blockOffset, dstBuffer, dstOffset, length);
                }
            }
            finally
            {
                store.fastAccess.end(stripe, entry, false);
            }
            return;
        }
        else if (canAccessInPlace(entry) || canReadDeviceInPlace(entry))
        {
            accessInPlace(entry, blockOffset, null, null, 0, dstBuffer, dstArray, dstOffset, length);
            return;
        }
        else
        {
            store.staging.stageVerified(entry);
            block = store.staging.view;
        }

        if (dstArray != null)
        {
            block.getBytes(blockOffset, dstArray, dstOffset, length);
        }
        else
        {
            block.getBytes(blockOffset, dstBuffer, dstOffset, length);
        }
        if (block == store.staging.view)
        {
            store.staging.releaseIfLarge();
        }
    }

    private void checkRange(final BlockEntry entry, final long blockOffset, final int length)
    {
        if (blockOffset < 0 || length < 0 || blockOffset > entry.size - length)
        {
            throw new IndexOutOfBoundsException("block " + entry.id + " on node " + store.nodeName + ": offset " +
                blockOffset + ", length " + length + " lies outside the block of " + entry.size + " bytes");
        }
    }

    private void checkArray(
        final BlockEntry entry, final String what, final int arrayLength, final int offset, final int length)
    {
        if (offset < 0 || length < 0 || offset > arrayLength - length)
        {
            throw new IndexOutOfBoundsException("block " + entry.id + " on node " + store.nodeName + ": " + what +
                " offset " + offset + ", length " + length + " lies outside the " + what + " array of " +
                arrayLength + " bytes");
        }
    }
}
