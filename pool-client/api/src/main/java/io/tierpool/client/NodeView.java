/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import java.util.Objects;
import java.util.UUID;

/**
 * A live node daemon as a client sees it: what the node daemons report of it when the client asks them for the
 * cluster's membership.
 *
 * @param nodeId        the node's id in the daemons' cluster, new each time a daemon starts.
 * @param nodeName      the daemon's configured name, e.g. {@code node-1}.
 * @param endpoint      the daemon's Aeron endpoint, {@code host:port}, where clients send block requests.
 * @param capacityBytes how many bytes of blocks the daemon offers clients, 0 or more.
 */
public record NodeView(UUID nodeId, String nodeName, String endpoint, long capacityBytes)
{
    /**
     * @throws NullPointerException     if nodeId, nodeName or endpoint is null.
     * @throws IllegalArgumentException if capacityBytes is negative.
     */
    public NodeView
    {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(endpoint, "endpoint");
        if (capacityBytes < 0)
        {
            throw new IllegalArgumentException(
                "capacityBytes must be 0 or more for node " + nodeName + " (" + endpoint + "), was " + capacityBytes);
        }
    }
}
