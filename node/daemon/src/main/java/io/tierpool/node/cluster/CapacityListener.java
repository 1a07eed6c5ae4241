/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import java.util.UUID;

/**
 * Told each time a node daemon publishes how many bytes of far memory it has free
 * ({@link NodeMembership#publishFreeBytes(long)}), about once a second per node and on change.
 * <p>
 * Called on an Ignite messaging thread; must return quickly, without blocking on cluster operations. An exception
 * thrown by a callback goes to {@link ClusterContext#errorHandler()}.
 */
@FunctionalInterface
public interface CapacityListener
{
    /**
     * @param nodeId    the Ignite node id of the node daemon that published.
     * @param freeBytes bytes it can still take, 0 or more.
     */
    void onFreeBytes(UUID nodeId, long freeBytes);
}
