/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import org.agrona.MutableDirectBuffer;

/**
 * A zero-copy view of a block in RAM, returned by {@code Block.pin()}. While at least one view of a block is open
 * the block stays in RAM at a fixed address: the mover does not demote it and it cannot be freed.
 * <p>
 * {@link #buffer()} reads and writes the block's bytes in place (an Agrona buffer); its capacity is the block's
 * size in bytes. Reads and writes through it are not synchronised with {@code Block.read}/{@code Block.write} of
 * the same block: the application coordinates its own threads.
 * <p>
 * {@link #close()} unpins; it is idempotent and thread-safe. The view belongs to the caller, who closes it. After
 * close (or after the pool closes) the buffer is re-pointed at an empty array, so a stray access throws
 * {@link IndexOutOfBoundsException} rather than touching memory the block no longer owns; using the buffer after
 * close is nevertheless the caller's bug, and a copy of the buffer reference or of its address taken earlier is
 * not protected.
 * <pre>{@code
 * try (PinnedBlock view = block.pin())
 * {
 *     view.buffer().putLong(0, 42L);
 * }
 * }</pre>
 */
public interface PinnedBlock extends AutoCloseable
{
    /**
     * @return the block's bytes in RAM, capacity equal to the block's size in bytes; valid until {@link #close()}.
     */
    MutableDirectBuffer buffer();

    /**
     * @return the pinned block's id.
     */
    long blockId();

    /**
     * @return whether the view has been closed (by the caller, or by the pool closing).
     */
    boolean isClosed();

    /**
     * Unpin: the block may move again once its last view is closed. Idempotent, thread-safe, throws nothing.
     */
    void close();
}
