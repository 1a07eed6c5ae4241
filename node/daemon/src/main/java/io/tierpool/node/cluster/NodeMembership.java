/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import io.tierpool.client.ClusterUnavailableException;

import io.tierpool.transport.DepartedNode;

import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.spi.discovery.tcp.internal.TcpDiscoveryNode;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

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
    private final ClusterContext ctx;
    private final Map<String, Object> attributes;
    private final ArrayDeque<DepartedNode> departures = new ArrayDeque<>();
    private final CopyOnWriteArrayList<MembershipListener> listeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<CapacityListener> capacityListeners = new CopyOnWriteArrayList<>();
    private final MembershipListener departureRecorder = new MembershipListener()
    {
        public void onNodeJoined(final NodeInfo node)
        {
        }

        public void onNodeLeft(final NodeInfo node, final boolean failed)
        {
            synchronized (departures)
            {
                if (departures.size() == MAX_DEPARTURES)
                {
                    departures.removeFirst();
                }
                departures.addLast(new DepartedNode(node.nodeId(), failed));
            }
        }
    };
    private volatile IgniteMember member;
    private volatile NodeInfo localNode;
    private volatile CapacityBoard capacity;
    private boolean closed;

    private NodeMembership(
        final ClusterContext ctx,
        final Map<String, Object> attributes,
        final IgniteMember member,
        final NodeInfo localNode,
        final CapacityBoard capacity)
    {
        this.ctx = ctx;
        this.attributes = attributes;
        this.member = member;
        this.localNode = localNode;
        this.capacity = capacity;
        member.tracker().addListener(departureRecorder);
    }

    /** How many departures {@link #recentDepartures()} remembers. */
    public static final int MAX_DEPARTURES = 64;

    /**
     * @return the node daemons that left since this daemon joined, at most the last {@link #MAX_DEPARTURES}, most
     * recent last, each saying whether it failed or left cleanly; thin clients learn from it how a node they lost
     * went. An immutable snapshot.
     */
    public List<DepartedNode> recentDepartures()
    {
        synchronized (departures)
        {
            return List.copyOf(departures);
        }
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
     * @throws io.tierpool.client.ConfigurationException if {@code ctx} is invalid.
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
        final CapacityBoard capacity;
        try
        {
            capacity = CapacityBoard.follow(member, ctx.errorHandler());
        }
        catch (final RuntimeException ex)
        {
            member.close();
            throw new ClusterUnavailableException("node daemon " + nodeName + " (" + endpoint +
                ") could not listen on topic " + CapacityBoard.TOPIC + ": " + ex, ex);
        }

        return new NodeMembership(ctx, Map.copyOf(attributes), member,
            new NodeInfo(member.localNodeId(), nodeName, endpoint, capacityBytes), capacity);
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
    public synchronized void addListener(final MembershipListener listener)
    {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        member.tracker().addListener(listener);
    }

    /**
     * @param listener to remove.
     * @return whether it had been added.
     */
    public synchronized boolean removeListener(final MembershipListener listener)
    {
        listeners.remove(listener);
        return member.tracker().removeListener(listener);
    }

    /**
     * Tell every member (node daemons and clients, this daemon included) how many bytes of far memory this daemon
     * has free now; clients weight placement by it. Call about once a second and when it changes much
     * ({@link FreeCapacityPublisher} does). Sent asynchronously with Ignite messaging on topic
     * {@value CapacityBoard#TOPIC}; a later call supersedes an earlier one even if delivered first.
     *
     * @param freeBytes bytes this daemon can still take, 0 or more.
     * @throws IllegalArgumentException    if freeBytes is negative.
     * @throws ClusterUnavailableException if Ignite could not send (the membership is closed or lost the cluster).
     */
    public void publishFreeBytes(final long freeBytes)
    {
        if (freeBytes < 0)
        {
            throw new IllegalArgumentException("freeBytes must be 0 or more, was " + freeBytes + " for node " +
                localNode.nodeName() + " (" + localNode.endpoint() + ")");
        }
        try
        {
            capacity.publish(freeBytes);
        }
        catch (final RuntimeException ex)
        {
            throw new ClusterUnavailableException("node daemon " + localNode.nodeName() + " (" +
                localNode.endpoint() + ") could not publish its free capacity of " + freeBytes + " bytes: " + ex, ex);
        }
    }

    /**
     * @param nodeId a node daemon's Ignite node id.
     * @return the free bytes that node last published, or -1 if none is known (not published yet, or it left).
     */
    public long freeBytes(final UUID nodeId)
    {
        return capacity.freeBytes(nodeId);
    }

    /**
     * @param listener told of every free-capacity publication from now on, on an Ignite messaging thread.
     */
    public synchronized void addCapacityListener(final CapacityListener listener)
    {
        capacityListeners.add(Objects.requireNonNull(listener, "listener"));
        capacity.addListener(listener);
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
     * Leave the cluster this member is in and join again as a new Ignite node: a fresh node id, a fresh work
     * directory, the same name, endpoint, capacity and configuration, so the new node joins whichever cluster answers
     * at {@link ClusterContext#discoveryAddresses()} first. {@link PartitionHealer} calls it when this daemon finds
     * itself split off from the cluster it was in. Listeners added with {@link #addListener} and
     * {@link #addCapacityListener} carry over: they are not told of the old member's departure nor of the nodes
     * already in the cluster it joins (read {@link #liveNodes()}), and hear of every change after that;
     * {@link #localNodeId()} changes. Blocks until joined; listeners cannot be added or removed meanwhile.
     *
     * @return the new node id.
     * @throws IllegalStateException       if the membership is closed.
     * @throws ClusterUnavailableException if the new Ignite node could not start; listeners are then told the
     *                                     cluster is lost ({@link MembershipListener#onDisconnected}).
     */
    public UUID rejoin()
    {
        return rejoin(ctx);
    }

    /**
     * As {@link #rejoin()}, with another configuration for this one start (tests use it to make a member leave its
     * cluster and form one of its own, as a partition would).
     *
     * @param using the configuration to start the new Ignite node with, concluded.
     * @return the new node id.
     */
    UUID rejoin(final ClusterContext using)
    {
        return rejoin(using, null);
    }

    /**
     * As {@link #rejoin()}, under a given Ignite node id ({@link ZooKeeperHealer} rejoins a cluster formed anew
     * under the id the clients know).
     *
     * @param nodeId the node id to join with, or null for a fresh one.
     * @return the new node id.
     */
    UUID rejoin(final UUID nodeId)
    {
        return rejoin(ctx, nodeId);
    }

    /**
     * @return when the cluster this member is in was started (ms since the epoch, as Ignite's discovery says), or
     * -1 when the member cannot tell (stopped).
     */
    long clusterStartTime()
    {
        try
        {
            return member.clusterStartTime();
        }
        catch (final RuntimeException ex)
        {
            return -1;
        }
    }

    private synchronized UUID rejoin(final ClusterContext using, final UUID nodeId)
    {
        if (closed)
        {
            throw new IllegalStateException("membership of node " + localNode.nodeName() + " is closed");
        }
        final IgniteMember old = member;
        capacity.close();
        old.close();

        final IgniteMember joined;
        try
        {
            joined = IgniteMember.start(using, NodeInfo.ROLE_NODE, attributes, nodeId);
        }
        catch (final RuntimeException ex)
        {
            for (final MembershipListener listener : listeners)
            {
                listener.onDisconnected("could not rejoin the cluster: " + ex.getMessage());
            }
            throw ex;
        }
        final CapacityBoard board;
        try
        {
            board = CapacityBoard.follow(joined, ctx.errorHandler());
        }
        catch (final RuntimeException ex)
        {
            joined.close();
            throw new ClusterUnavailableException("node daemon " + localNode.nodeName() + " rejoined but could not " +
                "listen on topic " + CapacityBoard.TOPIC + ": " + ex, ex);
        }
        joined.tracker().addListener(departureRecorder);
        for (final MembershipListener listener : listeners)
        {
            joined.tracker().addListener(listener);
        }
        for (final CapacityListener listener : capacityListeners)
        {
            board.addListener(listener);
        }
        final NodeInfo previous = localNode;
        localNode = new NodeInfo(joined.localNodeId(), previous.nodeName(), previous.endpoint(),
            previous.capacityBytes());
        capacity = board;
        member = joined;
        return joined.localNodeId();
    }

    /**
     * @return who may join, as configured for this membership.
     */
    MembershipSecurity membershipSecurity()
    {
        return ctx.membershipSecurity();
    }

    /**
     * @return for each live node daemon's name, the addresses its Ignite discovery listens on (empty where the
     * discovery SPI does not say; loopback addresses only when this member binds a loopback address itself); what
     * {@link PartitionHealer} probes once the node is missing.
     */
    Map<String, List<InetSocketAddress>> discoveryAddressesByName()
    {
        final Map<String, List<InetSocketAddress>> addresses = new HashMap<>();
        final InetSocketAddress local = new InetSocketAddress(ctx.localAddress(), 0);
        final boolean localLoopback = null == local.getAddress() || local.getAddress().isLoopbackAddress();
        try
        {
            for (final ClusterNode node : member.ignite().cluster().forServers().nodes())
            {
                if (!NodeInfo.isTierPoolNode(node))
                {
                    continue;
                }
                final List<InetSocketAddress> sockets = new ArrayList<>();
                if (node instanceof TcpDiscoveryNode discoveryNode)
                {
                    for (final String host : node.addresses())
                    {
                        final InetSocketAddress socket = new InetSocketAddress(host, discoveryNode.discoveryPort());
                        // Another machine's loopback address would reach this machine, not that node.
                        if (localLoopback || null == socket.getAddress() || !socket.getAddress().isLoopbackAddress())
                        {
                            sockets.add(socket);
                        }
                    }
                }
                addresses.put(NodeInfo.of(node).nodeName(), sockets);
            }
        }
        catch (final RuntimeException ex)
        {
            // The member is stopping or lost the cluster: nothing to learn this time.
        }
        return addresses;
    }

    /**
     * Leave the cluster (the others see {@link MembershipListener#onNodeLeft} with {@code failed = false}), stop the
     * Ignite node and delete its work directory. Idempotent; listeners are not called during or after it.
     */
    public void close()
    {
        synchronized (this)
        {
            closed = true;
        }
        capacity.close();
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
