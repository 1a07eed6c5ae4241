/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import java.util.concurrent.TimeUnit;

/**
 * The client could not connect to a node within its connect timeout: nothing listens at the endpoint (the node
 * daemon is not running, or runs elsewhere) or the network drops the traffic. The request was not sent.
 */
public class NodeUnreachableException extends TransportException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param nodeEndpoint     the node's {@code host:port}.
     * @param blockId          the block, or {@link TransportConfiguration#NULL_BLOCK_ID}.
     * @param operation        {@code put}, {@code get}, {@code free} or {@code usage}.
     * @param connectTimeoutNs how long the client waited, nanoseconds.
     */
    public NodeUnreachableException(
        final String nodeEndpoint, final long blockId, final String operation, final long connectTimeoutNs)
    {
        super("node " + nodeEndpoint + " is not reachable: no connection within " +
            TimeUnit.NANOSECONDS.toMillis(connectTimeoutNs) + " ms for " + operation + " of " +
            describeBlock(blockId) + "; is the node daemon running and listening on " + nodeEndpoint + "?",
            nodeEndpoint, blockId);
    }
}
