/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node;

import io.tierpool.TierPoolException;

/**
 * Thrown when no tier can hold a block: every tier that may take it is full (or too fragmented) and nothing can
 * be demoted to make room, or the hint forbids the tiers that have room ({@link Hint#PIN_FAST}). The message
 * lists every tier's usage, largest free extent and fragmentation, and says what to do: raise tier capacities,
 * free or unpin blocks. Nothing was allocated or moved.
 */
public class OutOfTierMemoryException extends TierPoolException
{
    private static final long serialVersionUID = 1L;

    private final long blockId;
    private final long sizeBytes;

    /**
     * @param blockId   the block that needed room, or 0 for a new allocation.
     * @param sizeBytes the bytes that needed room.
     * @param message   the full message, with every tier's usage.
     */
    public OutOfTierMemoryException(final long blockId, final long sizeBytes, final String message)
    {
        super(message);
        this.blockId = blockId;
        this.sizeBytes = sizeBytes;
    }

    /**
     * @return the block that needed room, or 0 for a new allocation.
     */
    public long blockId()
    {
        return blockId;
    }

    /**
     * @return the bytes that needed room.
     */
    public long sizeBytes()
    {
        return sizeBytes;
    }
}
