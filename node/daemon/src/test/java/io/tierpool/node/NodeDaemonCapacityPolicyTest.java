/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node;

import io.tierpool.node.cluster.CapacityPublicationPolicy;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The node daemon publishes its free capacity as its configuration says: capacity.publish.threshold of its
 * capacity and capacity.publish.refresh, from flags or the environment, the documented defaults otherwise.
 */
class NodeDaemonCapacityPolicyTest
{
    @Test
    void shouldBuildThePublicationPolicyFromTheConfiguration()
    {
        final CapacityPublicationPolicy defaults =
            NodeDaemon.capacityPolicy(64L << 30, NodeDaemonCommand.parse(Map.of()).configuration());
        assertEquals((64L << 30) / 100, defaults.changeThresholdBytes());
        assertEquals(30_000L * 1_000_000L, defaults.maxSilenceNs());

        final CapacityPublicationPolicy configured = NodeDaemon.capacityPolicy(64L << 30, NodeDaemonCommand.parse(
            Map.of("TIERPOOL_CAPACITY_PUBLISH_REFRESH", "5000"), "--capacity-publish-threshold", "0.25")
            .configuration());
        assertEquals(16L << 30, configured.changeThresholdBytes());
        assertEquals(5_000L * 1_000_000L, configured.maxSilenceNs());
    }
}
