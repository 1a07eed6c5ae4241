/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.node.NodeProcess;
import io.tierpool.client.NodeUsage;
import io.tierpool.client.TierUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client killed with {@code kill -9} never frees its remote blocks itself: the node daemons see it fail through
 * Ignite discovery and reclaim every block it had placed with them.
 */
class ClientLeaseReclaimTest
{
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldReclaimTheBlocksOfAClientKilledWithSigkill() throws InterruptedException
    {
        try (NodeCluster cluster = new NodeCluster(2, 40540, 48200, "4m", "0", "4m"))
        {
            final NodeProcess client = NodeProcess.start(new NodeProcess.Context()
                .name("killed-client")
                .mainClass(ClientHolderMain.class.getName())
                .maxHeap("256m")
                .arguments(List.of(String.join(",", cluster.endpoints()), "10000", "48", cluster.workDir().toString())));
            try (TierPool probe = TierPool.open(cluster.clientContext()
                .ramCapacityBytes(64 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0)))
            {
                final long remoteBlocks = Long.parseLong(client.readyInfo().get("remoteBlocks"));
                assertTrue(remoteBlocks > 0, "the client placed blocks on the nodes");
                assertTrue(usedOnNodes(probe, cluster) > 0);

                client.kill();
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                long used = usedOnNodes(probe, cluster);
                while (used > 0 && System.nanoTime() < deadline)
                {
                    Thread.sleep(250);
                    used = usedOnNodes(probe, cluster);
                }
                assertEquals(0, used, "the nodes reclaim a failed client's blocks");
            }
            finally
            {
                client.close();
            }
        }
    }

    private static long usedOnNodes(final TierPool probe, final NodeCluster cluster)
    {
        long used = 0;
        for (final NodeProcess node : cluster.nodes())
        {
            final NodeUsage usage = probe.nodeUsage(node.endpoint());
            used += usage.tiers().stream().mapToLong(TierUsage::usedBytes).sum();
        }
        return used;
    }
}
