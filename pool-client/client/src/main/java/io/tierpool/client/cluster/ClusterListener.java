/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.cluster;

import io.tierpool.client.NodeView;

import java.util.UUID;

/**
 * Told by a {@link ClusterClient} when node daemons join and leave the cluster and when their free capacity
 * changes, as the node daemons report it.
 * <p>
 * Callbacks run on the cluster client's agent thread, one at a time and in the order the client learnt of the
 * changes. They must return quickly and must not block on cluster operations: hand longer work to a thread of
 * your own. An exception thrown by a callback goes to {@link ClusterClient.Context#errorHandler()} and does not
 * stop later callbacks.
 */
public interface ClusterListener
{
    /**
     * A node daemon joined (or was first seen by this client).
     *
     * @param node the node.
     */
    void onNodeJoined(NodeView node);

    /**
     * A node daemon left the cluster.
     *
     * @param node   the node, as it was when it joined.
     * @param failed {@code true} when it stopped answering (crash, kill, network) rather than leaving cleanly, or
     *               when this client lost touch with every node daemon.
     */
    void onNodeLeft(NodeView node, boolean failed);

    /**
     * The free capacity a node daemon last published changed.
     *
     * @param nodeId    the node.
     * @param freeBytes bytes of blocks it can still take, 0 or more.
     */
    default void onFreeBytes(final UUID nodeId, final long freeBytes)
    {
    }
}
