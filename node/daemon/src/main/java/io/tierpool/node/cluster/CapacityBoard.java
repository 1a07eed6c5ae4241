/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import org.agrona.ErrorHandler;
import org.apache.ignite.Ignite;
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

    private final Map<UUID, long[]> latestByNodeId = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<CapacityListener> listeners = new CopyOnWriteArrayList<>();
    private final ErrorHandler errorHandler;
    private final IgniteBiPredicate<UUID, Object> messageListener;
    private final Ignite ignite;
    private long sequence;

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
