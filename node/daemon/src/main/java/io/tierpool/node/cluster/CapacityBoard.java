/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import org.agrona.ErrorHandler;
import org.apache.ignite.Ignite;
import org.apache.ignite.cluster.ClusterGroup;
import org.apache.ignite.lang.IgniteBiPredicate;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The free far-memory capacity of every live node daemon, as they publish it with Ignite messaging on topic
 * {@value #TOPIC}. A message is {@code long[]{sequence, freeBytes}}; messages are not ordered, so a node's value is
 * replaced only by one with a higher sequence. A node's value is dropped when it leaves.
 * <p>
 * Thread-safe.
 */
final class CapacityBoard implements MembershipListener
{
    /** Ignite messaging topic of free-capacity messages. */
    static final String TOPIC = "tierpool-capacity";

    /**
     * Ignite messaging topic on which a member that starts following asks every other member for its last value;
     * each answers to it alone. Members publish only on change (see {@link CapacityPublicationPolicy}), so without
     * this a node that joins would not know the others' values until they changed or the refresh came.
     */
    static final String REQUEST_TOPIC = "tierpool-capacity-request";

    private final Map<UUID, long[]> latestByNodeId = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<CapacityListener> listeners = new CopyOnWriteArrayList<>();
    private final ErrorHandler errorHandler;
    private final IgniteBiPredicate<UUID, Object> messageListener;
    private final IgniteBiPredicate<UUID, Object> requestListener;
    private final Ignite ignite;
    private long sequence;
    private long lastPublished = -1;

    private CapacityBoard(final IgniteMember member, final ErrorHandler errorHandler)
    {
        this.ignite = member.ignite();
        this.errorHandler = errorHandler;
        this.messageListener = (nodeId, message) ->
        {
            if (message instanceof long[] && ((long[])message).length == 2)
            {
                final long[] value = (long[])message;
                onMessage(nodeId, value[0], value[1]);
            }
            return true;
        };
        this.requestListener = (nodeId, message) ->
        {
            onRequest(nodeId);
            return true;
        };
    }

    /**
     * Start following the published capacities of the member's cluster.
     *
     * @param member       the local member.
     * @param errorHandler where listener failures go.
     * @return the board, listening.
     */
    static CapacityBoard follow(final IgniteMember member, final ErrorHandler errorHandler)
    {
        final CapacityBoard board = new CapacityBoard(member, errorHandler);
        member.tracker().addListener(board);
        board.ignite.message().localListen(TOPIC, board.messageListener);
        board.ignite.message().localListen(REQUEST_TOPIC, board.requestListener);
        try
        {
            final ClusterGroup others = board.ignite.cluster().forRemotes();
            if (!others.nodes().isEmpty())
            {
                board.ignite.message(others).send(REQUEST_TOPIC, (Object)Boolean.TRUE);
            }
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
        return board;
    }

    /**
     * Send this node's free bytes to every member, this one included.
     *
     * @param freeBytes 0 or more.
     */
    void publish(final long freeBytes)
    {
        final long seq;
        synchronized (this)
        {
            seq = ++sequence;
            lastPublished = freeBytes;
        }
        ignite.message().send(TOPIC, (Object)new long[]{ seq, freeBytes });
    }

    long freeBytes(final UUID nodeId)
    {
        final long[] value = latestByNodeId.get(nodeId);
        return null == value ? -1 : value[1];
    }

    void addListener(final CapacityListener listener)
    {
        listeners.add(listener);
    }

    boolean removeListener(final CapacityListener listener)
    {
        return listeners.remove(listener);
    }

    void close()
    {
        listeners.clear();
        try
        {
            ignite.message().stopLocalListen(TOPIC, messageListener);
            ignite.message().stopLocalListen(REQUEST_TOPIC, requestListener);
        }
        catch (final Throwable ex)
        {
            // Ignite is stopping or stopped: its listeners go with it.
        }
    }

    public void onNodeJoined(final NodeInfo node)
    {
    }

    public void onNodeLeft(final NodeInfo node, final boolean failed)
    {
        latestByNodeId.remove(node.nodeId());
    }

    /**
     * A member started following: send it this node's last published value, under the same sequence, so that a
     * newer publication still wins wherever the two cross.
     */
    private void onRequest(final UUID requester)
    {
        final long seq;
        final long free;
        synchronized (this)
        {
            seq = sequence;
            free = lastPublished;
        }
        if (free < 0 || requester.equals(ignite.cluster().localNode().id()))
        {
            return;
        }
        try
        {
            ignite.message(ignite.cluster().forNodeId(requester)).send(TOPIC, (Object)new long[]{ seq, free });
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
    }

    private void onMessage(final UUID nodeId, final long seq, final long freeBytes)
    {
        if (freeBytes < 0)
        {
            return;
        }

        final long[] next = new long[]{ seq, freeBytes };
        final long[] merged = latestByNodeId.merge(nodeId, next, (old, fresh) -> fresh[0] > old[0] ? fresh : old);
        if (merged != next)
        {
            return;
        }

        for (final CapacityListener listener : listeners)
        {
            try
            {
                listener.onFreeBytes(nodeId, freeBytes);
            }
            catch (final Throwable ex)
            {
                errorHandler.onError(ex);
            }
        }
    }
}
