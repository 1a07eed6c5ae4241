/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.client.TierPoolException;

/**
 * A request to a node failed in the transport: the node did not answer, refused, or sent damaged data.
 * Subtypes say which. Every instance names the node's endpoint and the block involved.
 */
public class TransportException extends TierPoolException
{
    private static final long serialVersionUID = 1L;

    private final String nodeEndpoint;
    private final long blockId;

    /**
     * @param message      what went wrong, naming the node and the block.
     * @param nodeEndpoint the node's {@code host:port}.
     * @param blockId      the block, or {@link TransportConfiguration#NULL_BLOCK_ID} for none.
     */
    public TransportException(final String message, final String nodeEndpoint, final long blockId)
    {
        super(message);
        this.nodeEndpoint = nodeEndpoint;
        this.blockId = blockId;
    }

    /**
     * @param message      what went wrong, naming the node and the block.
     * @param nodeEndpoint the node's {@code host:port}.
     * @param blockId      the block, or {@link TransportConfiguration#NULL_BLOCK_ID} for none.
     * @param cause        the failure behind it.
     */
    public TransportException(
        final String message, final String nodeEndpoint, final long blockId, final Throwable cause)
    {
        super(message, cause);
        this.nodeEndpoint = nodeEndpoint;
        this.blockId = blockId;
    }

    /**
     * @return the node's {@code host:port}.
     */
    public String nodeEndpoint()
    {
        return nodeEndpoint;
    }

    /**
     * @return the block involved, or {@link TransportConfiguration#NULL_BLOCK_ID} for requests about no block.
     */
    public long blockId()
    {
        return blockId;
    }

    static String describeBlock(final long blockId)
    {
        return TransportConfiguration.NULL_BLOCK_ID == blockId ? "no block" : "block " + blockId;
    }
}
