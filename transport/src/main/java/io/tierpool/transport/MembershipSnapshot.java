/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What one node daemon answered to a membership request ({@link BlockClient#membership}): the node daemons it sees
 * live, those that left lately, and the lease it keeps for the asking client.
 *
 * @param answeringNodeId   the id of the node that answered.
 * @param answeringNodeName the name of the node that answered.
 * @param grantedLeaseMs    how long the node keeps the client's blocks without hearing from it, ms; 0 for an
 *                          observer, which holds no lease.
 * @param nodes             the live node daemons, the answering one included; copied, unmodifiable.
 * @param departed          node daemons that left lately, most recent last; copied, unmodifiable.
 */
public record MembershipSnapshot(
    UUID answeringNodeId,
    String answeringNodeName,
    long grantedLeaseMs,
    List<MemberNode> nodes,
    List<DepartedNode> departed)
{
    /**
     * @throws NullPointerException     if an argument or an element is null.
     * @throws IllegalArgumentException if grantedLeaseMs is negative.
     */
    public MembershipSnapshot
    {
        Objects.requireNonNull(answeringNodeId, "answeringNodeId");
        Objects.requireNonNull(answeringNodeName, "answeringNodeName");
        if (grantedLeaseMs < 0)
        {
            throw new IllegalArgumentException("grantedLeaseMs must be 0 or more, was " + grantedLeaseMs +
                " from node " + answeringNodeName);
        }
        nodes = List.copyOf(nodes);
        departed = List.copyOf(departed);
    }
}
