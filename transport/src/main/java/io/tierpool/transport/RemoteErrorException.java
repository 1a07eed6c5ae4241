/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

/**
 * The node received the request and refused or failed it; {@link #code()} says why and {@link #remoteMessage()}
 * is the node's own explanation.
 */
public class RemoteErrorException extends TransportException
{
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String nodeName;
    private final String remoteMessage;

    /**
     * @param code          why the node refused.
     * @param nodeName      the node's name, as it reported it.
     * @param nodeEndpoint  the node's {@code host:port}.
     * @param blockId       the block, or {@link TransportConfiguration#NULL_BLOCK_ID}.
     * @param operation     {@code put}, {@code get}, {@code free} or {@code usage}.
     * @param remoteMessage the node's message.
     */
    public RemoteErrorException(
        final ErrorCode code,
        final String nodeName,
        final String nodeEndpoint,
        final long blockId,
        final String operation,
        final String remoteMessage)
    {
        super(operation + " of " + describeBlock(blockId) + " failed on node " + nodeName + " (" + nodeEndpoint +
            "): " + code + ": " + remoteMessage, nodeEndpoint, blockId);
        this.code = code;
        this.nodeName = nodeName;
        this.remoteMessage = remoteMessage;
    }

    /**
     * @return why the node refused.
     */
    public ErrorCode code()
    {
        return code;
    }

    /**
     * @return the node's name, as it reported it.
     */
    public String nodeName()
    {
        return nodeName;
    }

    /**
     * @return the node's own message.
     */
    public String remoteMessage()
    {
        return remoteMessage;
    }
}
