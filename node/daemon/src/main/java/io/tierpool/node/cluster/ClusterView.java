/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import io.tierpool.client.ClusterUnavailableException;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A view of the node daemons' cluster from inside Ignite: an Ignite client node (role {@value NodeInfo#ROLE_CLIENT})
 * that publishes a client id and follows the node daemons as they join and leave. It stores no data. Applications
 * do not use it: they are thin clients that learn the cluster from the daemons over Aeron
 * ({@code io.tierpool.client.cluster.ClusterClient} in tierpool-client) and never load Ignite. It stays for the
 * daemon's own tests of Ignite membership, which need an Ignite client to watch a cluster from outside.
 * <p>
 * Node daemons report this client's departure to their {@link MembershipListener#onClientLeft} with its id, and
 * free the blocks it placed with them. The view does not rejoin by itself after losing the cluster (a rejoined
 * client would get a new node id while nodes reclaim the blocks of the old one): it reports every node failed,
 * then {@link MembershipListener#onDisconnected}; close it and connect a new one.
 * <p>
 * Thread-safe. Owns an Ignite client node, its threads and sockets, and a work directory under
 * {@link ClusterContext#workDirectory()}; {@link #close()} releases all of them.
 * <pre>{@code
 * try (ClusterView view = ClusterView.connect(new ClusterContext(), clientId))
 * {
 *     List<NodeInfo> nodes = view.awaitNodes(2, 30_000);
 * }
 * }</pre>
 */
public final class ClusterView implements AutoCloseable
{
    private final IgniteMember member;
    private final long clientId;
    private final List<String> discoveryAddresses;
    private final CapacityBoard capacity;

    private ClusterView(
        final IgniteMember member,
        final long clientId,
        final List<String> discoveryAddresses,
        final CapacityBoard capacity)
    {
        this.member = member;
        this.capacity = capacity;
        this.clientId = clientId;
        this.discoveryAddresses = discoveryAddresses;
    }

    /**
     * Join the cluster as a client. Blocks until a node daemon accepts the client, for at most
     * {@link ClusterContext#clientJoinTimeoutMs()}.
     *
     * @param ctx      configuration, concluded here.
     * @param clientId this application's id, unique among the cluster's live clients; nodes name its blocks by it.
     * @return the running view, to be closed by the caller.
     * @throws io.tierpool.client.ConfigurationException if {@code ctx} is invalid.
     * @throws ClusterUnavailableException       if no node daemon accepted the client in time; the message names the
     *                                           discovery addresses tried.
     */
    public static ClusterView connect(final ClusterContext ctx, final long clientId)
    {
        Objects.requireNonNull(ctx, "ctx");
        ctx.conclude();

        final Map<String, Object> attributes = new HashMap<>();
        attributes.put(NodeInfo.ATTR_ROLE, NodeInfo.ROLE_CLIENT);
        attributes.put(NodeInfo.ATTR_CLIENT_ID, clientId);

        final IgniteMember member = IgniteMember.start(ctx, NodeInfo.ROLE_CLIENT, attributes);
        final CapacityBoard capacity;
        try
        {
            capacity = CapacityBoard.follow(member, ctx.errorHandler());
        }
        catch (final RuntimeException ex)
        {
            member.close();
            throw new ClusterUnavailableException("client " + clientId + " could not listen on topic " +
                CapacityBoard.TOPIC + ": " + ex, ex);
        }

        return new ClusterView(member, clientId, ctx.discoveryAddresses(), capacity);
    }

    /**
     * @return the client id given to {@link #connect}.
     */
    public long clientId()
    {
        return clientId;
    }

    /**
     * @return this client's Ignite node id.
     */
    public UUID localNodeId()
    {
        return member.localNodeId();
    }

    /**
     * @return the live node daemons, sorted by name; an immutable snapshot, empty once the view has lost the
     * cluster.
     */
    public List<NodeInfo> liveNodes()
    {
        return member.liveNodes();
    }

    /**
     * Wait until at least {@code count} node daemons are live.
     *
     * @param count     how many, 1 or more.
     * @param timeoutMs how long to wait in milliseconds, 0 or more.
     * @return the live nodes, sorted by name.
     * @throws IllegalArgumentException    if count or timeoutMs is out of range.
     * @throws ClusterUnavailableException if fewer are live when the time is up or the cluster is lost; the message
     *                                     names the discovery addresses and how to start node daemons.
     * @throws IllegalStateException       if the calling thread is interrupted (its interrupt flag is kept).
     */
    public List<NodeInfo> awaitNodes(final int count, final long timeoutMs)
    {
        return member.awaitNodes(count, timeoutMs, "client " + clientId);
    }

    /**
     * Add a listener for node daemons joining and leaving from now on. Nodes already live are not replayed: add the
     * listener, then read {@link #liveNodes()} (a node may then be both listed and reported).
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
     * @param nodeId a node daemon's Ignite node id ({@link NodeInfo#nodeId()}).
     * @return the free far-memory bytes that node last published ({@code NodeMembership#publishFreeBytes}), or -1
     * if none is known yet (nodes publish about once a second) or the node has left.
     */
    public long freeBytes(final UUID nodeId)
    {
        return capacity.freeBytes(nodeId);
    }

    /**
     * Add a listener for the free capacity node daemons publish from now on. Values already known are not
     * replayed: read them with {@link #freeBytes(UUID)}.
     *
     * @param listener to add; called on an Ignite messaging thread.
     */
    public void addCapacityListener(final CapacityListener listener)
    {
        capacity.addListener(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * @param listener to remove.
     * @return whether it had been added.
     */
    public boolean removeCapacityListener(final CapacityListener listener)
    {
        return capacity.removeListener(listener);
    }

    /**
     * @return {@code true} until the view is closed or has lost the cluster
     * (see {@link MembershipListener#onDisconnected}).
     */
    public boolean isConnected()
    {
        return member.isConnected();
    }

    /**
     * @return this client's own Ignite work directory, deleted by {@link #close()}.
     */
    public Path workDirectory()
    {
        return member.workDirectory();
    }

    /**
     * Leave the cluster (node daemons see {@link MembershipListener#onClientLeft} with {@code failed = false}), stop
     * the Ignite client and delete its work directory. Idempotent; listeners are not called during or after it.
     */
    public void close()
    {
        capacity.close();
        member.close();
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "ClusterView{clientId=" + clientId + ", discoveryAddresses=" + discoveryAddresses +
            ", instance=" + member.instanceName() + '}';
    }
}
