/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;


/**
 * Thrown when no tier can hold a block: every tier that may take it is full up to its hard cap (or too
 * fragmented) and nothing can be demoted to make room, the hint forbids the tiers that have room
 * ({@link Hint#PIN_FAST}), or, with the overflow policy {@code FAIL}, the tier the hint asks for cannot take the
 * block under its hard cap ({@link #tierName()}, {@link #hardCapBytes()}). The message
 * lists every tier's usage, largest free extent and fragmentation, and says what to do: raise tier capacities,
 * free or unpin blocks. Nothing was allocated or moved.
 */
public class OutOfTierMemoryException extends TierPoolException
{
    private static final long serialVersionUID = 1L;

    private final long blockId;
    private final long sizeBytes;
    private final String tierName;
    private final long hardCapBytes;

    /**
     * @param blockId   the block that needed room, or 0 for a new allocation.
     * @param sizeBytes the bytes that needed room.
     * @param message   the full message, with every tier's usage.
     */
    public OutOfTierMemoryException(final long blockId, final long sizeBytes, final String message)
    {
        this(blockId, sizeBytes, null, -1, message);
    }

    /**
     * For an allocation refused by a tier's hard cap under the overflow policy {@code FAIL}.
     *
     * @param blockId      the block that needed room, or 0 for a new allocation.
     * @param sizeBytes    the bytes that needed room.
     * @param tierName     the tier that refused, e.g. {@code "RAM"}; null if not one tier.
     * @param hardCapBytes that tier's hard cap in bytes, or -1 if not one tier.
     * @param message      the full message: size, tier, cap, usage and what to do.
     */
    public OutOfTierMemoryException(
        final long blockId, final long sizeBytes, final String tierName, final long hardCapBytes, final String message)
    {
        super(message);
        this.blockId = blockId;
        this.sizeBytes = sizeBytes;
        this.tierName = tierName;
        this.hardCapBytes = hardCapBytes;
    }

    /**
     * @return the tier whose hard cap refused the allocation, or null when no single tier is to blame (every
     * tier was full).
     */
    public String tierName()
    {
        return tierName;
    }

    /**
     * @return the hard cap in bytes of {@link #tierName()}, or -1 when no single tier is to blame.
     */
    public long hardCapBytes()
    {
        return hardCapBytes;
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
