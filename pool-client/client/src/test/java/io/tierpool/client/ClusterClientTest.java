/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.client.cluster.ClusterClient;
import io.tierpool.client.cluster.ClusterListener;
import io.tierpool.node.NodeProcess;
import io.tierpool.transport.BlockClient;
import io.tierpool.transport.TransportDriver;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The thin client's view of the cluster against real node daemons (separate JVMs on loopback, one Ignite cluster
 * among themselves): bootstrapping from one endpoint finds every node with its endpoint and free bytes; a node
 * that joins later, one stopped cleanly and one killed are each reported, the last two as left and failed; a pool
 * opened with no daemon up fails naming the endpoints. Ports: Aeron 40780-40789, Ignite 48780-48799.
 */
class ClusterClientTest
{
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Path workDir;

    @AfterEach
    void tearDown()
    {
        Collections.reverse(closeables);
        CloseHelper.closeAll(closeables);
        NodeCluster.deleteRecursively(workDir);
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void shouldReportEveryJoinCleanLeaveAndFailureLearntFromTheNodes() throws Exception
    {
        workDir = Files.createTempDirectory("tierpool-cluster-client-");
        final String discovery = "127.0.0.1:48780..48784";
        final NodeProcess first = own(NodeCluster.startNode(
            workDir, "node-a", 40780, 48780, 48790, discovery, "4m", "0", "0"));
        final NodeProcess second = own(NodeCluster.startNode(
            workDir, "node-b", 40781, 48781, 48791, discovery, "4m", "0", "0"));

        final TransportDriver driver = own(TransportDriver.launch(new TransportDriver.Context()));
        final BlockClient client = own(BlockClient.connect(new BlockClient.Context().aeron(driver.aeron())));
        final List<String> events = new CopyOnWriteArrayList<>();
        final ClusterClient cluster = own(ClusterClient.connect(client, new ClusterClient.Context()
            .bootstrapEndpoints(List.of(first.endpoint()))
            .leaseTimeoutMs(4_000)));
        cluster.addListener(new ClusterListener()
        {
            public void onNodeJoined(final NodeView node)
            {
                events.add("joined " + node.nodeName());
            }

            public void onNodeLeft(final NodeView node, final boolean failed)
            {
                events.add((failed ? "failed " : "left ") + node.nodeName());
            }
        });

        final List<NodeView> both = cluster.awaitNodes(2, 30_000);
        assertEquals(List.of("node-a", "node-b"), both.stream().map(NodeView::nodeName).toList());
        assertEquals(second.endpoint(), both.get(1).endpoint(), "learnt node-b's endpoint from node-a");
        assertEquals(4L << 20, both.get(1).capacityBytes());
        assertEquals(1_000, cluster.context().heartbeatIntervalMs(), "a quarter of the lease, at most 1 s");
        assertEquals(4_000, cluster.grantedLeaseMs());
        final UUID secondId = both.get(1).nodeId();
        await(() -> cluster.freeBytes(secondId) == 4L << 20, "node-b's published free bytes reach the client");

        final NodeProcess third = own(NodeCluster.startNode(
            workDir, "node-c", 40782, 48782, 48792, discovery, "4m", "0", "0"));
        await(() -> events.contains("joined node-c"), "node-c's join is reported: " + events);
        assertEquals(3, cluster.liveNodes().size());

        second.close();
        await(() -> events.contains("left node-b"), "node-b's clean leave is reported as such: " + events);

        third.kill();
        await(() -> events.contains("failed node-c"), "node-c's kill is reported as a failure: " + events);
        assertEquals(List.of("node-a"), cluster.liveNodes().stream().map(NodeView::nodeName).toList());
        assertFalse(events.contains("failed node-b") || events.contains("left node-c"), events::toString);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRefuseBadEndpointsAndNameTheEndpointsWhenNoNodeAnswers()
    {
        final ConfigurationException bad = assertThrows(ConfigurationException.class,
            () -> TierPool.open(new TierPool.Context().nodes("localhost").ramCapacityBytes(64 * 1024)
                .vvramCapacityBytes(0).vssdCapacityBytes(0)));
        assertTrue(bad.getMessage().contains("'localhost' is not host:port"), bad.getMessage());
        final ConfigurationException shortLease = assertThrows(ConfigurationException.class,
            () -> TierPool.open(new TierPool.Context().nodes("127.0.0.1:40789").leaseTimeoutMs(10)
                .ramCapacityBytes(64 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0)));
        assertTrue(shortLease.getMessage().contains("leaseTimeoutMs"), shortLease.getMessage());

        final long startNs = System.nanoTime();
        final ClusterUnavailableException none = assertThrows(ClusterUnavailableException.class,
            () -> TierPool.open(new TierPool.Context().nodes("127.0.0.1:40788", "127.0.0.1:40789")
                .awaitNodesTimeoutMs(2_000).ramCapacityBytes(64 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0)));
        assertTrue(none.getMessage().contains("127.0.0.1:40788") && none.getMessage().contains("127.0.0.1:40789") &&
            none.getMessage().contains("Start node daemons"), none.getMessage());
        assertTrue(System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(20), "fails within its timeout");
    }

    private static void await(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadlineNs, "timed out waiting: " + what);
            Thread.sleep(50);
        }
    }

    private <T extends AutoCloseable> T own(final T closeable)
    {
        closeables.add(closeable);
        return closeable;
    }
}
