/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import org.agrona.ErrorHandler;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.events.DiscoveryEvent;
import org.apache.ignite.events.Event;
import org.apache.ignite.events.EventType;
import org.apache.ignite.lang.IgnitePredicate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The live node daemons and clients one member knows of, kept from Ignite's discovery events, and the listeners
 * told of changes.
 * <p>
 * Registered as a local event listener before Ignite starts, so no event is missed; once the member has started,
 * {@link #sync(Collection)} adds the nodes that were already there, silently (they joined before this member).
 * Each change is applied and told to listeners under one lock, so listeners see changes in order and
 * {@link #liveNodes()} never contradicts what they were told. When the member loses the cluster every known node
 * is reported failed, once, and nothing more is reported.
 */
final class MembershipTracker implements IgnitePredicate<Event>
{
    private static final long serialVersionUID = 1L;

    private static final Comparator<NodeInfo> BY_NAME =
        Comparator.comparing(NodeInfo::nodeName).thenComparing(NodeInfo::nodeId);

    private final transient Object lock = new Object();
    private final transient Map<UUID, NodeInfo> nodeById = new HashMap<>();
    private final transient Map<UUID, Long> clientIdByNodeId = new HashMap<>();
    private final transient CopyOnWriteArrayList<MembershipListener> listeners = new CopyOnWriteArrayList<>();
    private final transient ErrorHandler errorHandler;
    private transient String lostReason;
    private transient boolean closed;

    MembershipTracker(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
    }

    /**
     * Ignite's local event callback.
     *
     * @param event a discovery event of one of {@link ClusterContext#EVENT_TYPES}.
     * @return {@code true}: keep listening.
     */
    public boolean apply(final Event event)
    {
        if (event instanceof DiscoveryEvent)
        {
            onDiscoveryEvent(event.type(), ((DiscoveryEvent)event).eventNode());
        }

        return true;
    }

    void addListener(final MembershipListener listener)
    {
        listeners.add(listener);
    }

    boolean removeListener(final MembershipListener listener)
    {
        return listeners.remove(listener);
    }

    /**
     * Add the nodes already in the topology when the local member finished joining, without telling listeners.
     *
     * @param topology every node Ignite knows of, the local one included.
     */
    void sync(final Collection<ClusterNode> topology)
    {
        synchronized (lock)
        {
            for (final ClusterNode node : topology)
            {
                if (NodeInfo.isTierPoolNode(node))
                {
                    nodeById.putIfAbsent(node.id(), NodeInfo.of(node));
                }
                else if (NodeInfo.isTierPoolClient(node))
                {
                    clientIdByNodeId.putIfAbsent(node.id(), node.attribute(NodeInfo.ATTR_CLIENT_ID));
                }
            }

            lock.notifyAll();
        }
    }

    /**
     * The local member lost the cluster: report every known node failed, then {@link MembershipListener#onDisconnected}.
     * Only the first call has an effect.
     *
     * @param reason what happened.
     */
    void lost(final String reason)
    {
        synchronized (lock)
        {
            if (closed || null != lostReason)
            {
                return;
            }

            lostReason = reason;
            final List<NodeInfo> known = sorted(nodeById.values());
            nodeById.clear();
            clientIdByNodeId.clear();
            for (final NodeInfo node : known)
            {
                for (final MembershipListener listener : listeners)
                {
                    try
                    {
                        listener.onNodeLeft(node, true);
                    }
                    catch (final Throwable ex)
                    {
                        errorHandler.onError(ex);
                    }
                }
            }

            for (final MembershipListener listener : listeners)
            {
                try
                {
                    listener.onDisconnected(reason);
                }
                catch (final Throwable ex)
                {
                    errorHandler.onError(ex);
                }
            }

            lock.notifyAll();
        }
    }

    /**
     * Stop reporting; wake any thread waiting in {@link #awaitNodes(int, long)}.
     */
    void close()
    {
        synchronized (lock)
        {
            closed = true;
            lock.notifyAll();
        }
    }

    /**
     * @return why the member lost the cluster, or {@code null} while it is connected.
     */
    String lostReason()
    {
        synchronized (lock)
        {
            return lostReason;
        }
    }

    List<NodeInfo> liveNodes()
    {
        synchronized (lock)
        {
            return sorted(nodeById.values());
        }
    }

    Set<Long> liveClientIds()
    {
        synchronized (lock)
        {
            return Set.copyOf(new HashSet<>(clientIdByNodeId.values()));
        }
    }

    /**
     * Wait until at least {@code count} node daemons are live.
     *
     * @param count     how many.
     * @param timeoutMs how long to wait, 0 or more.
     * @return the live nodes, or {@code null} on timeout, on loss of the cluster or on close.
     * @throws InterruptedException if the waiting thread is interrupted.
     */
    List<NodeInfo> awaitNodes(final int count, final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (lock)
        {
            while (nodeById.size() < count)
            {
                final long remainingNs = deadlineNs - System.nanoTime();
                if (remainingNs <= 0 || closed || null != lostReason)
                {
                    return null;
                }

                TimeUnit.NANOSECONDS.timedWait(lock, remainingNs);
            }

            return sorted(nodeById.values());
        }
    }

    private void onDiscoveryEvent(final int type, final ClusterNode node)
    {
        synchronized (lock)
        {
            if (closed || null != lostReason)
            {
                return;
            }

            switch (type)
            {
                case EventType.EVT_NODE_JOINED:
                    onJoined(node);
                    break;

                case EventType.EVT_NODE_LEFT:
                    onLeft(node, false);
                    break;

                case EventType.EVT_NODE_FAILED:
                    onLeft(node, true);
                    break;

                case EventType.EVT_NODE_SEGMENTED:
                    lost("the local member was segmented from the cluster (it stopped hearing the other members " +
                        "for longer than the failure detection timeout)");
                    break;

                case EventType.EVT_CLIENT_NODE_DISCONNECTED:
                    lost("the client lost its connection to every node daemon; it does not rejoin by itself");
                    break;

                default:
                    break;
            }

            lock.notifyAll();
        }
    }

    private void onJoined(final ClusterNode node)
    {
        if (NodeInfo.isTierPoolNode(node))
        {
            final NodeInfo info = NodeInfo.of(node);
            if (null == nodeById.putIfAbsent(node.id(), info))
            {
                for (final MembershipListener listener : listeners)
                {
                    try
                    {
                        listener.onNodeJoined(info);
                    }
                    catch (final Throwable ex)
                    {
                        errorHandler.onError(ex);
                    }
                }
            }
        }
        else if (NodeInfo.isTierPoolClient(node))
        {
            clientIdByNodeId.putIfAbsent(node.id(), node.attribute(NodeInfo.ATTR_CLIENT_ID));
        }
    }

    private void onLeft(final ClusterNode node, final boolean failed)
    {
        final NodeInfo info = nodeById.remove(node.id());
        if (null != info)
        {
            for (final MembershipListener listener : listeners)
            {
                try
                {
                    listener.onNodeLeft(info, failed);
                }
                catch (final Throwable ex)
                {
                    errorHandler.onError(ex);
                }
            }

            return;
        }

        clientIdByNodeId.remove(node.id());
        if (NodeInfo.isTierPoolClient(node))
        {
            final long clientId = node.attribute(NodeInfo.ATTR_CLIENT_ID);
            for (final MembershipListener listener : listeners)
            {
                try
                {
                    listener.onClientLeft(clientId, failed);
                }
                catch (final Throwable ex)
                {
                    errorHandler.onError(ex);
                }
            }
        }
    }

    private static List<NodeInfo> sorted(final Collection<NodeInfo> nodes)
    {
        final List<NodeInfo> list = new ArrayList<>(nodes);
        list.sort(BY_NAME);
        return List.copyOf(list);
    }
}
