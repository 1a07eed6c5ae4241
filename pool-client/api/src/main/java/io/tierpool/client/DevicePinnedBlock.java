/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

/**
 * A view of a block pinned in the DEVICE tier (GPU memory), returned by {@code Block.pinOnDevice()}. While at
 * least one such view is open the block stays in the DEVICE tier at a fixed device address: the mover does not
 * demote it, it cannot be freed, moved or pinned in RAM, and host writes to it are refused.
 * <p>
 * {@link #devicePointer()} is the device address of the block's first byte, for kernels and library calls
 * (cuBLAS); the block spans {@link #sizeBytes()} bytes from there. Kernels may read and write the block in place;
 * the pool takes a fresh checksum of the block the next time its bytes leave the device.
 * <p>
 * {@link #close()} unpins; it is idempotent and thread-safe. The view belongs to the caller, who makes sure the
 * device has finished using the address (synchronises its stream) before closing: the block may move at any time
 * afterwards. After close (or after the pool closes) {@link #devicePointer()} throws, but an address copied
 * earlier is not protected.
 * <pre>{@code
 * try (DevicePinnedBlock view = block.pinOnDevice())
 * {
 *     launchKernel(view.devicePointer(), view.sizeBytes());
 *     stream.synchronize();
 * }
 * }</pre>
 */
public interface DevicePinnedBlock extends AutoCloseable
{
    /**
     * @return the device address of the block's first byte.
     * @throws IllegalStateException once the view is closed.
     */
    long devicePointer();

    /**
     * @return the block's size in bytes.
     */
    int sizeBytes();

    /**
     * @return the pinned block's id.
     */
    long blockId();

    /**
     * @return whether the view has been closed (by the caller, or by the pool closing).
     */
    boolean isClosed();

    /**
     * Unpin. Idempotent, thread-safe, throws nothing.
     */
    void close();
}
