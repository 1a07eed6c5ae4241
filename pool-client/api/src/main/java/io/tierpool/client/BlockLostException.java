/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;


/**
 * Thrown on access to a block whose only copy lived on a node daemon that has left the cluster (stopped, crashed
 * or partitioned away and declared failed by discovery). The block's data is gone; TierPool never returns
 * different bytes in its place. The block stays allocated until the application frees it, and every further
 * access throws this exception again.
 */
public class BlockLostException extends TierPoolException
{
    private static final long serialVersionUID = 1L;

    private final long blockId;
    private final String nodeName;

    /**
     * @param blockId  the block that was lost.
     * @param nodeName the node that held its only copy.
     * @param message  what happened and what to do.
     */
    public BlockLostException(final long blockId, final String nodeName, final String message)
    {
        super(message);
        this.blockId = blockId;
        this.nodeName = nodeName;
    }

    /**
     * @return the id of the block that was lost.
     */
    public long blockId()
    {
        return blockId;
    }

    /**
     * @return the name of the node daemon that held the block's only copy.
     */
    public String nodeName()
    {
        return nodeName;
    }
}
