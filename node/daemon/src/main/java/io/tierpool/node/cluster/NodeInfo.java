/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import org.apache.ignite.cluster.ClusterNode;

import java.util.Objects;
import java.util.UUID;

/**
 * A live node daemon as cluster membership sees it: what it published when it joined.
 *
 * @param nodeId        the Ignite node id, new each time a daemon starts.
 * @param nodeName      the daemon's configured name, e.g. {@code node-1}.
 * @param endpoint      the daemon's Aeron endpoint, {@code host:port}, where clients send block requests.
 * @param capacityBytes how many bytes of blocks the daemon offers other members, 0 or more.
 */
public record NodeInfo(UUID nodeId, String nodeName, String endpoint, long capacityBytes)
{
    /** Attribute holding the member's role: {@link #ROLE_NODE} or {@link #ROLE_CLIENT}. */
    public static final String ATTR_ROLE = "tierpool.role";

    /** Attribute holding the node daemon's name (a {@link String}). */
    public static final String ATTR_NODE_NAME = "tierpool.nodeName";

    /** Attribute holding the node daemon's Aeron endpoint, {@code host:port} (a {@link String}). */
    public static final String ATTR_ENDPOINT = "tierpool.endpoint";

    /** Attribute holding the node daemon's capacity in bytes (a {@link Long}). */
    public static final String ATTR_CAPACITY_BYTES = "tierpool.capacityBytes";

    /** Attribute holding a client's id (a {@link Long}), chosen by the application and unique in the cluster. */
    public static final String ATTR_CLIENT_ID = "tierpool.clientId";

    /** Role of a node daemon (an Ignite server node). */
    public static final String ROLE_NODE = "node";

    /** Role of an application using the pool (an Ignite client node). */
    public static final String ROLE_CLIENT = "client";

    /**
     * @throws NullPointerException     if nodeId, nodeName or endpoint is null.
     * @throws IllegalArgumentException if capacityBytes is negative.
     */
    public NodeInfo
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

    /**
     * @param node an Ignite cluster node.
     * @return whether it is a TierPool node daemon with every attribute this record needs.
     */
    static boolean isTierPoolNode(final ClusterNode node)
    {
        return !node.isClient() &&
            ROLE_NODE.equals(node.attribute(ATTR_ROLE)) &&
            node.attribute(ATTR_NODE_NAME) instanceof String &&
            node.attribute(ATTR_ENDPOINT) instanceof String &&
            node.attribute(ATTR_CAPACITY_BYTES) instanceof Long;
    }

    /**
     * @param node an Ignite cluster node.
     * @return whether it is a TierPool client with a client id.
     */
    static boolean isTierPoolClient(final ClusterNode node)
    {
        return node.isClient() &&
            ROLE_CLIENT.equals(node.attribute(ATTR_ROLE)) &&
            node.attribute(ATTR_CLIENT_ID) instanceof Long;
    }

    /**
     * @param node an Ignite node for which {@link #isTierPoolNode(ClusterNode)} holds.
     * @return its attributes as a record.
     */
    static NodeInfo of(final ClusterNode node)
    {
        return new NodeInfo(
            node.id(),
            node.attribute(ATTR_NODE_NAME),
            node.attribute(ATTR_ENDPOINT),
            (Long)node.attribute(ATTR_CAPACITY_BYTES));
    }
}
