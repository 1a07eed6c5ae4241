/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The engine's {@link io.tierpool.client.PinnedBlock}: a zero-copy view of a block in RAM, returned by {@link BlockStore#pin(long)}. While at least one view of a
 * block is open the block stays in RAM at a fixed address: the mover does not demote it and it cannot be freed.
 * <p>
 * {@link #buffer()} reads and writes the block's bytes in place; its capacity is the block's size. Reads and
 * writes through it are not synchronised with {@link BlockStore#read}/{@link BlockStore#write} of the same block:
 * the application coordinates its own threads.
 * <p>
 * {@link #close()} unpins; it is idempotent and thread-safe. After close (or after the store closes) the buffer
 * is re-pointed at an empty array, so a stray access throws {@link IndexOutOfBoundsException} rather than touching
 * memory the block no longer owns; using the buffer after close is nevertheless the caller's bug, and a copy of
 * the buffer reference or of its address taken earlier is not protected.
 * <pre>{@code
 * try (StorePinnedBlock view = store.pin(blockId))
 * {
 *     view.buffer().putLong(0, 42L);
 * }
 * }</pre>
 */
public final class StorePinnedBlock implements io.tierpool.client.PinnedBlock
{
    private static final byte[] EMPTY = new byte[0];

    private final BlockStore store;
    private final long blockId;
    private final UnsafeBuffer buffer = new UnsafeBuffer(EMPTY);
    private volatile boolean closed;

    StorePinnedBlock(final BlockStore store, final long blockId)
    {
        this.store = store;
        this.blockId = blockId;
    }

    UnsafeBuffer unsafeBuffer()
    {
        return buffer;
    }

    /**
     * @return the block's bytes in RAM, capacity equal to the block's size; valid until {@link #close()}.
     */
    public MutableDirectBuffer buffer()
    {
        return buffer;
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
     * Unpins the block (once per view). Idempotent; a no-op after the store closed.
     */
    public void close()
    {
        if (!closed)
        {
            store.pins.unpin(this);
        }
    }

    /**
     * Marks the view closed and detaches its buffer; called with the store's lock held.
     */
    void detach()
    {
        closed = true;
        buffer.wrap(EMPTY);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "PinnedBlock{blockId=" + blockId + ", closed=" + closed + '}';
    }
}
