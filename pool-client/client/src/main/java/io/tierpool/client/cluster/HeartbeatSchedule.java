/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.cluster;

import io.tierpool.client.far.RendezvousHash;

/**
 * Which node daemons a thin client's heartbeat round asks. A heartbeat is a membership request: it renews the
 * client's lease with the node and brings back the node's list of every live node. The old rounds asked every live
 * node every interval, so at {@code n} nodes and {@code c} clients each node received {@code c} requests a second
 * and each client {@code n} answers of {@code n} entries each, although the client follows one node's answers only
 * (the anchor's).
 * <p>
 * Now the anchor is asked every round, and every other node once in {@link #renewEveryRounds()} rounds, which is
 * enough to renew the lease three times per lease ({@link #renewEveryRounds(long, long)}); each client asks a given
 * node in a round of its own (a stagger from a hash of the client and the node), so that the nodes' load is even
 * from round to round. When the client has no anchor, or its anchor did not answer the last round, every node is
 * asked every round, as before, so that a new anchor is found as fast as before.
 * <p>
 * From protocol version 4 a heartbeat to a node other than the anchor asks for a lease renewal only (an answer
 * with no list) and the anchor answers with what changed since the client's last answer from it: see
 * {@link MembershipView}.
 * <p>
 * Stateless and thread-safe.
 */
public final class HeartbeatSchedule
{
    private final long clientKey;
    private final int renewEveryRounds;

    /**
     * @param clientId         the client's id.
     * @param renewEveryRounds rounds between two heartbeats to a node that is not the anchor, 1 or more (1: every
     *                         node every round, the old behaviour).
     * @throws IllegalArgumentException if renewEveryRounds is below 1.
     */
    public HeartbeatSchedule(final long clientId, final int renewEveryRounds)
    {
        if (renewEveryRounds < 1)
        {
            throw new IllegalArgumentException("renewEveryRounds must be 1 or more, was " + renewEveryRounds);
        }
        this.clientKey = RendezvousHash.mix(clientId);
        this.renewEveryRounds = renewEveryRounds;
    }

    /**
     * Rounds between two heartbeats to a node that is not the anchor: as many as leave three heartbeats per lease.
     *
     * @param leaseTimeoutMs      the lease, ms; 0 for an observer (every round, as before).
     * @param heartbeatIntervalMs ms between rounds, more than 0.
     * @return 1 or more.
     */
    public static int renewEveryRounds(final long leaseTimeoutMs, final long heartbeatIntervalMs)
    {
        if (leaseTimeoutMs <= 0 || heartbeatIntervalMs <= 0)
        {
            return 1;
        }
        return (int)Math.max(1, Math.min(Integer.MAX_VALUE, leaseTimeoutMs / (3 * heartbeatIntervalMs)));
    }

    /**
     * @return rounds between two heartbeats to a node that is not the anchor.
     */
    public int renewEveryRounds()
    {
        return renewEveryRounds;
    }

    /**
     * The rank of a node as a client's anchor: the client takes the live node with the highest score as its anchor
     * whenever that node answers, so that anchors (asked every round) spread evenly over the nodes.
     *
     * @param clientId the client's id.
     * @param nodeKey  a stable key of the node (such as a hash of its id).
     * @return the score, compared as an unsigned number; higher wins.
     */
    public static long anchorScore(final long clientId, final long nodeKey)
    {
        return RendezvousHash.mix(RendezvousHash.mix(clientId) ^ nodeKey);
    }

    /**
     * @param round         the round's number, counting from 0.
     * @param nodeKey       a stable key of the node (such as a hash of its id).
     * @param anchor        whether the node is the client's anchor.
     * @param anchorHealthy whether the client has an anchor that answered the last round.
     * @return whether this round asks the node.
     */
    public boolean sendTo(final long round, final long nodeKey, final boolean anchor, final boolean anchorHealthy)
    {
        if (anchor || !anchorHealthy || renewEveryRounds == 1)
        {
            return true;
        }
        final long stagger = Long.remainderUnsigned(RendezvousHash.mix(clientKey ^ nodeKey), renewEveryRounds);
        return Long.remainderUnsigned(round + stagger, renewEveryRounds) == 0;
    }
}
