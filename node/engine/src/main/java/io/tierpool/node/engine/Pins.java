/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The engine's pins part: pins a block in RAM ({@link BlockStore#pin}) or on the DEVICE tier
 * ({@link BlockStore#pinOnDevice}), bringing it there first, and unpins it when its view closes. A pinned block is
 * out of its tier's demotion lists, so no move picks it, and counted in its tier's pinned blocks.
 * <p>
 * <b>Owns</b> the sets of open views, so that the store can detach them all when it closes ({@link #detachAll}).
 * <p>
 * <b>Threading.</b> {@link #pin} and {@link #pinOnDevice} are called under the engine lock; {@link #unpin} and
 * {@link #unpinDevice} take it (a view may be closed on any thread).
 */
final class Pins
{
    private final BlockStore store;
    private final Set<StorePinnedBlock> open = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<StoreDevicePinnedBlock> openOnDevice = Collections.newSetFromMap(new IdentityHashMap<>());

    Pins(final BlockStore store)
    {
        this.store = store;
    }

    /**
     * Promotes a block to RAM if needed and pins it there; see {@link BlockStore#pin}.
     */
    StorePinnedBlock pin(final BlockEntry entry)
    {
        store.deviceSupport.checkNotPinnedOnDevice(entry, "pin it in RAM");
        store.prefetchScheduler.noteAccess(entry);
        if (!store.promoter.promote(entry))
        {
            throw store.outOfMemory(entry, "cannot pin block " + entry.id + " of " + entry.size + " bytes in RAM");
        }
        store.fastAccess.bumpVersion(entry, true);
        store.retainedCopies.dropCopy(entry);
        if (entry.pinCount++ == 0)
        {
            store.slots[store.ramIndex].unlink(entry);
            store.slots[store.ramIndex].countPinned(entry, 1);
        }
        final StorePinnedBlock view = new StorePinnedBlock(store, entry.id);
        store.ram.wrap(entry.location, entry.size, view.unsafeBuffer());
        open.add(view);
        return view;
    }

    /**
     * Moves a block to the DEVICE tier if needed and pins it there; see {@link BlockStore#pinOnDevice}.
     */
    StoreDevicePinnedBlock pinOnDevice(final long blockId)
    {
        store.ensureOpen();
        if (store.deviceIndex < 0)
        {
            throw new IllegalStateException("cannot pin block " + blockId + " on the device: node " + store.nodeName +
                " has no DEVICE tier (" + store.ctx.deviceUnavailableReason() + "); use read/write or pin(blockId) " +
                "for host access");
        }
        final BlockEntry entry = store.entry(blockId);
        if (entry.tier != store.deviceIndex && !entry.isMovable())
        {
            throw new IllegalStateException("cannot pin block " + blockId + " on the device of node " + store.nodeName +
                ": it cannot leave " + store.slots[entry.tier].tier.name() + " because " + (entry.pinCount > 0 ?
                "it has " + entry.pinCount + " open StorePinnedBlock views; close them first" :
                "it was allocated with Hint.PIN_FAST; allocate it with Hint.DEVICE instead"));
        }
        store.prefetchScheduler.noteAccess(entry);
        if (!store.deviceSupport.promoteToDevice(entry))
        {
            throw store.outOfMemory(entry, "cannot pin block " + entry.id + " of " + entry.size + " bytes on the " +
                "device: the DEVICE tier cannot take it under its hard cap of " +
                store.slots[store.deviceIndex].hardCapBytes() + " bytes");
        }
        final TierSlot slot = store.slots[store.deviceIndex];
        final long pointer;
        slot.ioLock.lock();
        try
        {
            pointer = store.deviceSupport.device().devicePointer(entry.id, entry.location);
        }
        finally
        {
            slot.ioLock.unlock();
        }
        store.fastAccess.bumpVersion(entry, true);
        entry.deviceDirty = true;
        if (entry.pinCount++ == 0)
        {
            slot.unlink(entry);
            slot.countPinned(entry, 1);
        }
        final StoreDevicePinnedBlock view = new StoreDevicePinnedBlock(store, entry.id, pointer, entry.size);
        openOnDevice.add(view);
        return view;
    }

    void unpin(final StorePinnedBlock view)
    {
        store.lock.lock();
        try
        {
            if (!view.isClosed() && open.remove(view))
            {
                view.detach();
                release(view.blockId());
            }
        }
        finally
        {
            store.unlockAndNotify();
        }
    }

    void unpinDevice(final StoreDevicePinnedBlock view)
    {
        store.lock.lock();
        try
        {
            if (!view.isClosed() && openOnDevice.remove(view))
            {
                view.detach();
                release(view.blockId());
            }
        }
        finally
        {
            store.unlockAndNotify();
        }
    }

    /**
     * Detaches every open view, the store closing. Called under the lock.
     */
    void detachAll()
    {
        for (final StorePinnedBlock view : open)
        {
            view.detach();
        }
        open.clear();
        for (final StoreDevicePinnedBlock view : openOnDevice)
        {
            view.detach();
        }
        openOnDevice.clear();
    }

    private void release(final long blockId)
    {
        final BlockEntry entry = store.blocks.get(blockId);
        if (entry != null && --entry.pinCount == 0)
        {
            final TierSlot slot = store.slots[entry.tier];
            slot.link(entry);
            slot.countPinned(entry, -1);
        }
    }
}
