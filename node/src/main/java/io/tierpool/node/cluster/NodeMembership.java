/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A node daemon's membership of the cluster: an Ignite server node that publishes the daemon's name, Aeron
 * endpoint and capacity ({@link NodeInfo}'s attributes, role {@value NodeInfo#ROLE_NODE}) and follows the other
 * node daemons and the clients as they join and leave.
 * <p>
 * Thread-safe. Owns an Ignite node, its threads and sockets, and a work directory under
 * {@link ClusterContext#workDirectory()}; {@link #close()} releases all of them.
 * <pre>{@code
 * try (NodeMembership membership = NodeMembership.start(new ClusterContext(), "node-1", "10.0.0.1:40501", 8L << 30))
 * {
 *     membership.addListener(listener);
 *     List<NodeInfo> nodes = membership.liveNodes();
 * }
 * }</pre>
 */
public final class NodeMembership implements AutoCloseable
{
    private final IgniteMember member;
    private final NodeInfo localNode;

    private NodeMembership(final IgniteMember member, final NodeInfo localNode)
    {
        this.member = member;
        this.localNode = localNode;
    }

    /**
     * Start an Ignite server node and join the cluster, or form it if no other node daemon answers at
     * {@link ClusterContext#discoveryAddresses()}. Blocks until joined (typically 2 to 4 seconds).
     *
     * @param ctx           configuration, concluded here.
     * @param nodeName      this daemon's name, shown to the others; not blank.
     * @param endpoint      this daemon's Aeron endpoint, {@code host:port}; not blank.
     * @param capacityBytes bytes this daemon offers to other members, 0 or more.
     * @return the running membership, to be closed by the caller.
     * @throws io.tierpool.ConfigurationException if {@code ctx} is invalid.
     * @throws IllegalArgumentException          if nodeName or endpoint is blank or capacityBytes negative.
     * @throws ClusterUnavailableException       if Ignite could not start (ports taken, addresses unreachable).
     */
    public static NodeMembership start(
        final ClusterContext ctx, final String nodeName, final String endpoint, final long capacityBytes)
    {
        Objects.requireNonNull(ctx, "ctx");
        if (null == nodeName || nodeName.isBlank())
        {
            throw new IllegalArgumentException("nodeName must not be blank, was '" + nodeName + "'");
        }
        if (null == endpoint || endpoint.isBlank())
        {
            throw new IllegalArgumentException(
                "endpoint must be the node's Aeron host:port, was '" + endpoint + "' for node " + nodeName);
        }
        if (capacityBytes < 0)
        {
            throw new IllegalArgumentException(
                "capacityBytes must be 0 or more, was " + capacityBytes + " for node " + nodeName + " (" +
                endpoint + ")");
        }

        ctx.conclude();

        final Map<String, Object> attributes = new HashMap<>();
        attributes.put(NodeInfo.ATTR_ROLE, NodeInfo.ROLE_NODE);
        attributes.put(NodeInfo.ATTR_NODE_NAME, nodeName);
        attributes.put(NodeInfo.ATTR_ENDPOINT, endpoint);
        attributes.put(NodeInfo.ATTR_CAPACITY_BYTES, capacityBytes);

        final IgniteMember member = IgniteMember.start(ctx, NodeInfo.ROLE_NODE, attributes);

        return new NodeMembership(member, new NodeInfo(member.localNodeId(), nodeName, endpoint, capacityBytes));
    }

    /**
     * @return this daemon as the other members see it.
     */
    public NodeInfo localNode()
    {
        return localNode;
    }

    /**
     * @return this daemon's Ignite node id.
     */
    public UUID localNodeId()
    {
        return localNode.nodeId();
    }

    /**
     * @return the live node daemons, this one included, sorted by name; an immutable snapshot, empty once the
     * membership has lost the cluster.
     */
    public List<NodeInfo> liveNodes()
    {
        return member.liveNodes();
    }

    /**
     * @return the {@link NodeInfo#ATTR_CLIENT_ID} of every live client; an immutable snapshot.
     */
    public Set<Long> liveClientIds()
    {
        return member.tracker().liveClientIds();
    }

    /**
     * Wait until at least {@code count} node daemons, this one included, are live.
     *
     * @param count     how many, 1 or more.
     * @param timeoutMs how long to wait in milliseconds, 0 or more.
     * @return the live nodes, sorted by name.
     * @throws IllegalArgumentException    if count or timeoutMs is out of range.
     * @throws ClusterUnavailableException if fewer are live when the time is up or the cluster is lost.
     * @throws IllegalStateException       if the calling thread is interrupted (its interrupt flag is kept).
     */
    public List<NodeInfo> awaitNodes(final int count, final long timeoutMs)
    {
        return member.awaitNodes(count, timeoutMs, "node daemon " + localNode.nodeName());
    }

    /**
     * Add a listener for node daemons and clients joining and leaving from now on. Nodes already live are not
     * replayed: add the listener, then read {@link #liveNodes()} (a node may then be both listed and reported).
     *
     * @param listener to add; called on Ignite's discovery thread.
     */
    public void addListener(final MembershipListener listener)
    {
        member.tracker().addListener(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * @param listener to remove.
     * @return whether it had been added.
     */
    public boolean removeListener(final MembershipListener listener)
    {
        return member.tracker().removeListener(listener);
    }

    /**
     * @return {@code true} until the membership is closed or has lost the cluster
     * (see {@link MembershipListener#onDisconnected}).
     */
    public boolean isConnected()
    {
        return member.isConnected();
    }

    /**
     * @return this member's own Ignite work directory, deleted by {@link #close()}.
     */
    public Path workDirectory()
    {
        return member.workDirectory();
    }

    /**
     * Leave the cluster (the others see {@link MembershipListener#onNodeLeft} with {@code failed = false}), stop the
     * Ignite node and delete its work directory. Idempotent; listeners are not called during or after it.
     */
    public void close()
    {
        member.close();
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "NodeMembership{" + localNode + ", instance=" + member.instanceName() + '}';
    }
}
