/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

/**
 * Told when node daemons and clients join and leave the cluster.
 * <p>
 * Callbacks run on Ignite's discovery notification thread, one at a time and in the order Ignite saw the
 * changes. They must return quickly and must not block on other cluster operations: hand longer work to a thread
 * of your own. An exception thrown by a callback goes to {@link ClusterContext#errorHandler()} and does not stop
 * later callbacks.
 */
public interface MembershipListener
{
    /**
     * A node daemon joined (or was first seen after the local member joined).
     *
     * @param node the node that joined.
     */
    void onNodeJoined(NodeInfo node);

    /**
     * A node daemon left the cluster.
     *
     * @param node   the node that left, as it was when it joined.
     * @param failed {@code true} when it stopped answering (crash, kill, network) rather than leaving cleanly.
     */
    void onNodeLeft(NodeInfo node, boolean failed);

    /**
     * A client left the cluster; nodes free the blocks it placed with them. Clients that never published
     * {@link NodeInfo#ATTR_CLIENT_ID} are not reported.
     *
     * @param clientId the id the client published in {@link NodeInfo#ATTR_CLIENT_ID}.
     * @param failed   {@code true} when it stopped answering rather than leaving cleanly.
     */
    default void onClientLeft(final long clientId, final boolean failed)
    {
    }

    /**
     * The local member lost the cluster for good: it was segmented, disconnected with no way back, or stopped by
     * Ignite after a critical failure. Every node reported joined has by now been reported left with
     * {@code failed = true}. The membership will not recover; close it and start a new one (a node daemon
     * should exit).
     *
     * @param reason what happened, for logs.
     */
    default void onDisconnected(final String reason)
    {
    }
}
