/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;


/**
 * Thrown when a block id is used that names no live block: it was freed, or never allocated in this pool
 * (a double free, a use after free, or an id from another pool). No block is touched.
 */
public class BlockFreedException extends TierPoolException
{
    private static final long serialVersionUID = 1L;

    private final long blockId;

    /**
     * @param blockId  the id that was used.
     * @param nodeName the node (or pool) whose store was asked.
     */
    public BlockFreedException(final long blockId, final String nodeName)
    {
        super("block " + blockId + " was freed or never allocated in this pool (node " + nodeName + "); " +
            "it holds no data: stop using this id and allocate a new block");
        this.blockId = blockId;
    }

    /**
     * For callers that detect the misuse themselves and put the block in the message; {@link #blockId()} is 0.
     *
     * @param message names the block and says what to do.
     */
    public BlockFreedException(final String message)
    {
        super(message);
        this.blockId = 0;
    }

    /**
     * @return the id that was used, or 0 if not given.
     */
    public long blockId()
    {
        return blockId;
    }
}
