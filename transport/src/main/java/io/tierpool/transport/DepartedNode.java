/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import java.util.Objects;
import java.util.UUID;

/**
 * A node daemon that left the cluster lately, in a {@link MembershipSnapshot}.
 *
 * @param nodeId the node's id.
 * @param failed {@code true} when it stopped answering (crash, kill, network), {@code false} when it left cleanly.
 */
public record DepartedNode(UUID nodeId, boolean failed)
{
    /**
     * @throws NullPointerException if nodeId is null.
     */
    public DepartedNode
    {
        Objects.requireNonNull(nodeId, "nodeId");
    }
}
