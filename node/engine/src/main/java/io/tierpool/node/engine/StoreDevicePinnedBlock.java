/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

/**
 * The engine's {@link io.tierpool.client.DevicePinnedBlock}: a view of a block pinned in the DEVICE tier (GPU memory), returned by {@link BlockStore#pinOnDevice(long)}.
 * While at least one such view is open the block stays in the DEVICE tier at a fixed device address: the mover
 * does not demote it, it cannot be freed, moved or pinned in RAM, and host writes to it are refused.
 * <p>
 * {@link #devicePointer()} is the device address of the block's first byte, for kernels and library calls
 * (cuBLAS); the block spans {@link #sizeBytes()} bytes from there. Kernels may read and write the block in
 * place; the store takes a fresh checksum of the block the next time its bytes leave the device.
 * <p>
 * {@link #close()} unpins; it is idempotent and thread-safe. The caller makes sure the device has finished
 * using the address (synchronises its stream) before closing: the block may move at any time afterwards.
 * After close (or after the store closes) {@link #devicePointer()} throws, but an address copied earlier is not
 * protected.
 * <pre>{@code
 * try (StoreDevicePinnedBlock view = store.pinOnDevice(blockId))
 * {
 *     launchKernel(view.devicePointer(), view.sizeBytes());
 *     stream.synchronize();
 * }
 * }</pre>
 */
public final class StoreDevicePinnedBlock implements io.tierpool.client.DevicePinnedBlock
{
    private final BlockStore store;
    private final long blockId;
    private final long devicePointer;
    private final int sizeBytes;
    private volatile boolean closed;

    StoreDevicePinnedBlock(final BlockStore store, final long blockId, final long devicePointer, final int sizeBytes)
    {
        this.store = store;
        this.blockId = blockId;
        this.devicePointer = devicePointer;
        this.sizeBytes = sizeBytes;
    }

    /**
     * @return the device address of the block's first byte; valid until {@link #close()}.
     * @throws IllegalStateException if the view was closed, or its store was.
     */
    public long devicePointer()
    {
        if (closed)
        {
            throw new IllegalStateException("the device view of block " + blockId + " is closed; pin the block " +
                "on the device again to get its current address");
        }
        return devicePointer;
    }

    /**
     * @return the block's size in bytes.
     */
    public int sizeBytes()
    {
        return sizeBytes;
    }

    /**
     * @return the id of the pinned block.
     */
    public long blockId()
    {
        return blockId;
    }

    /**
     * @return true once this view was closed, or its store was.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Unpins the block from the device (once per view). Idempotent; a no-op after the store closed.
     */
    public void close()
    {
        if (!closed)
        {
            store.pins.unpinDevice(this);
        }
    }

    /**
     * Marks the view closed; called with the store's lock held.
     */
    void detach()
    {
        closed = true;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "DevicePinnedBlock{blockId=" + blockId + ", sizeBytes=" + sizeBytes + ", closed=" + closed + '}';
    }
}
