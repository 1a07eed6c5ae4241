/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.client.NodeView;

import java.util.Objects;

/**
 * One live node daemon in a {@link MembershipSnapshot}.
 *
 * @param node      who the node is and where it listens.
 * @param freeBytes bytes of blocks the node last published it can still take, or -1 when not known yet.
 */
public record MemberNode(NodeView node, long freeBytes)
{
    /**
     * @throws NullPointerException     if node is null.
     * @throws IllegalArgumentException if freeBytes is below -1.
     */
    public MemberNode
    {
        Objects.requireNonNull(node, "node");
        if (freeBytes < -1)
        {
            throw new IllegalArgumentException("freeBytes must be -1 (unknown) or more for node " + node.nodeName() +
                ", was " + freeBytes);
        }
    }
}
