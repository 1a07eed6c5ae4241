/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.transport.codecs.MembershipQueryKind;

import java.util.Objects;
import java.util.UUID;

/**
 * What a membership request (protocol version 4) asks a node daemon to list: everything ({@link #FULL}), nothing
 * but the lease renewal ({@link #LEASE_ONLY}), or only what changed since a membership sequence the client holds
 * from that node ({@link #delta}). A node that cannot answer a delta (another node, another epoch, a sequence it
 * no longer remembers) answers in full; a node older than version 4 answers every request in full.
 *
 * @param kind          what to list.
 * @param knownNodeId   for {@link MembershipQueryKind#DELTA}: the node whose sequence the client holds; null
 *                      otherwise.
 * @param knownEpoch    for a delta: the epoch of that sequence ({@link MembershipSnapshot#epoch()}); 0 otherwise.
 * @param knownSequence for a delta: the sequence the client's view is current to
 *                      ({@link MembershipSnapshot#sequence()}), 0 or more; 0 otherwise.
 */
public record MembershipQuery(MembershipQueryKind kind, UUID knownNodeId, long knownEpoch, long knownSequence)
{
    /** Every live node and the recent departures: what every request was up to version 3. */
    public static final MembershipQuery FULL = new MembershipQuery(MembershipQueryKind.FULL, null, 0, 0);

    /** Renew the lease and list nothing. */
    public static final MembershipQuery LEASE_ONLY = new MembershipQuery(MembershipQueryKind.LEASE_ONLY, null, 0, 0);

    /**
     * @throws NullPointerException     if kind is null, or knownNodeId is null for a delta.
     * @throws IllegalArgumentException if kind is {@link MembershipQueryKind#NULL_VAL}, or a delta's sequence is
     *                                  negative.
     */
    public MembershipQuery
    {
        Objects.requireNonNull(kind, "kind");
        if (MembershipQueryKind.NULL_VAL == kind)
        {
            throw new IllegalArgumentException("kind must be FULL, DELTA or LEASE_ONLY");
        }
        if (MembershipQueryKind.DELTA == kind)
        {
            Objects.requireNonNull(knownNodeId, "knownNodeId");
            if (knownSequence < 0)
            {
                throw new IllegalArgumentException("knownSequence must be 0 or more, was " + knownSequence);
            }
        }
    }

    /**
     * @param nodeId   the node whose answer the client's view was last brought up to date from.
     * @param epoch    that answer's {@link MembershipSnapshot#epoch()}.
     * @param sequence that answer's {@link MembershipSnapshot#sequence()}, 0 or more.
     * @return a request for what changed on that node since.
     * @throws NullPointerException     if nodeId is null.
     * @throws IllegalArgumentException if sequence is negative.
     */
    public static MembershipQuery delta(final UUID nodeId, final long epoch, final long sequence)
    {
        return new MembershipQuery(MembershipQueryKind.DELTA, nodeId, epoch, sequence);
    }
}
