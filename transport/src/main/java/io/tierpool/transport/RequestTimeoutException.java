/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import java.util.concurrent.TimeUnit;

/**
 * The node did not answer a request before its deadline: it may have died, be overloaded, or the network may be
 * partitioned. The request may or may not have taken effect on the node.
 */
public class RequestTimeoutException extends TransportException
{
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final long timeoutNs;

    /**
     * @param nodeEndpoint the node's {@code host:port}.
     * @param blockId      the block, or {@link TransportConfiguration#NULL_BLOCK_ID}.
     * @param operation    {@code put}, {@code get}, {@code free} or {@code usage}.
     * @param timeoutNs    the timeout that passed, nanoseconds.
     * @param detail       what the client was waiting for when time ran out.
     */
    public RequestTimeoutException(
        final String nodeEndpoint, final long blockId, final String operation, final long timeoutNs, final String detail)
    {
        super(operation + " of " + describeBlock(blockId) + " on node " + nodeEndpoint + " timed out after " +
            TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms (" + detail + "); the node may be down or overloaded, " +
            "retry or raise " + TransportConfiguration.REQUEST_TIMEOUT_PROP_NAME, nodeEndpoint, blockId);
        this.operation = operation;
        this.timeoutNs = timeoutNs;
    }

    /**
     * @return {@code put}, {@code get}, {@code free} or {@code usage}.
     */
    public String operation()
    {
        return operation;
    }

    /**
     * @return the timeout that passed, nanoseconds.
     */
    public long timeoutNs()
    {
        return timeoutNs;
    }
}
