/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.transport.codecs.MembershipAnswerKind;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What one node daemon answered to a membership request ({@link BlockClient#membership}): the node daemons it sees
 * live, those that left lately, and the lease it keeps for the asking client.
 * <p>
 * From protocol version 4 an answer says what its lists hold ({@link #kind()}): {@link MembershipAnswerKind#COMPLETE}
 * (every live node and the recent departures, what every answer was before), {@link MembershipAnswerKind#DELTA}
 * (only the nodes changed and gone since the sequence the request named) or {@link MembershipAnswerKind#LEASE_ONLY}
 * (nothing; the lease was renewed), and the membership sequence it is current to ({@link #epoch()},
 * {@link #sequence()}), which the client names in its next delta request.
 *
 * @param answeringNodeId   the id of the node that answered.
 * @param answeringNodeName the name of the node that answered.
 * @param grantedLeaseMs    how long the node keeps the client's blocks without hearing from it, ms; 0 for an
 *                          observer, which holds no lease.
 * @param nodes             the live node daemons, the answering one included; copied, unmodifiable.
 * @param departed          node daemons that left lately, most recent last (a delta: those gone since the
 *                          request's sequence); copied, unmodifiable.
 * @param kind              what the lists hold; an answer from a node older than version 4 is complete.
 * @param epoch             the epoch of the answering node's membership sequence; 0 from a node older than
 *                          version 4.
 * @param sequence          the membership sequence this answer is current to, 0 or more; 0 from a node older than
 *                          version 4.
 */
public record MembershipSnapshot(
    UUID answeringNodeId,
    String answeringNodeName,
    long grantedLeaseMs,
    List<MemberNode> nodes,
    List<DepartedNode> departed,
    MembershipAnswerKind kind,
    long epoch,
    long sequence)
{
    /**
     * @throws NullPointerException     if an argument or an element is null.
     * @throws IllegalArgumentException if grantedLeaseMs or sequence is negative, kind is
     *                                  {@link MembershipAnswerKind#NULL_VAL}, or a lease-only answer lists nodes.
     */
    public MembershipSnapshot
    {
        Objects.requireNonNull(answeringNodeId, "answeringNodeId");
        Objects.requireNonNull(answeringNodeName, "answeringNodeName");
        Objects.requireNonNull(kind, "kind");
        if (MembershipAnswerKind.NULL_VAL == kind || sequence < 0)
        {
            throw new IllegalArgumentException("kind must be COMPLETE, DELTA or LEASE_ONLY and sequence 0 or more, " +
                "were " + kind + " and " + sequence + " from node " + answeringNodeName);
        }
        if (MembershipAnswerKind.LEASE_ONLY == kind && (!nodes.isEmpty() || !departed.isEmpty()))
        {
            throw new IllegalArgumentException("a lease-only answer lists no nodes; node " + answeringNodeName +
                " listed " + nodes.size() + " live and " + departed.size() + " departed");
        }
        if (grantedLeaseMs < 0)
        {
            throw new IllegalArgumentException("grantedLeaseMs must be 0 or more, was " + grantedLeaseMs +
                " from node " + answeringNodeName);
        }
        nodes = List.copyOf(nodes);
        departed = List.copyOf(departed);
    }

    /**
     * A complete answer, as every answer was before protocol version 4 (epoch and sequence 0).
     *
     * @param answeringNodeId   the id of the node that answered.
     * @param answeringNodeName the name of the node that answered.
     * @param grantedLeaseMs    the lease granted, ms; 0 for an observer.
     * @param nodes             every live node daemon, the answering one included.
     * @param departed          node daemons that left lately, most recent last.
     * @throws NullPointerException     if an argument or an element is null.
     * @throws IllegalArgumentException if grantedLeaseMs is negative.
     */
    public MembershipSnapshot(
        final UUID answeringNodeId,
        final String answeringNodeName,
        final long grantedLeaseMs,
        final List<MemberNode> nodes,
        final List<DepartedNode> departed)
    {
        this(answeringNodeId, answeringNodeName, grantedLeaseMs, nodes, departed, MembershipAnswerKind.COMPLETE, 0, 0);
    }

    /**
     * @param answeringNodeId   the id of the node that answered.
     * @param answeringNodeName the name of the node that answered.
     * @param grantedLeaseMs    the lease granted, ms; 0 for an observer.
     * @param epoch             the epoch of the node's membership sequence.
     * @param sequence          the sequence the node is at, 0 or more.
     * @return an answer that renews the lease and lists nothing.
     * @throws NullPointerException     if an argument is null.
     * @throws IllegalArgumentException if grantedLeaseMs or sequence is negative.
     */
    public static MembershipSnapshot leaseOnly(
        final UUID answeringNodeId,
        final String answeringNodeName,
        final long grantedLeaseMs,
        final long epoch,
        final long sequence)
    {
        return new MembershipSnapshot(answeringNodeId, answeringNodeName, grantedLeaseMs, List.of(), List.of(),
            MembershipAnswerKind.LEASE_ONLY, epoch, sequence);
    }
}
