/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import io.tierpool.node.NodeProcess;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node daemon in a child JVM joins a cluster formed in this JVM, then is killed with SIGKILL. Ports: discovery
 * 47710-47719, communication 47760-47769.
 */
class ChildNodeFailureTest
{
    private static final int DISCOVERY_PORT = 47710;
    private static final int COMMUNICATION_PORT = 47760;
    private static final String DISCOVERY_ADDRESSES = "127.0.0.1:47710..47719";

    @TempDir
    Path workParent;

    private NodeMembership node;
    private ClusterView view;
    private NodeProcess child;

    @AfterEach
    void tearDown() throws Exception
    {
        CloseHelper.closeAll(child, view, node);
        if (null != child && !Boolean.getBoolean(NodeProcess.KEEP_LOGS_PROP_NAME))
        {
            assertFalse(child.isAlive(), "child JVM still running");
            assertFalse(Files.exists(child.directory()), "child's directory left behind");
        }
        try (Stream<Path> left = Files.list(workParent))
        {
            assertEquals(List.of(), left.toList(), "Ignite work files left behind");
        }
    }

    @Test
    @Timeout(180)
    void shouldReportChildNodeFailedWithinSecondsOfKill() throws Exception
    {
        node = NodeMembership.start(context(DISCOVERY_PORT), "node-local", "127.0.0.1:40521", 1L << 20);
        // The client routes through the node in this JVM, so killing the child does not cut the client off.
        view = ClusterView.connect(
            new ClusterContext()
                .workDirectory(workParent)
                .discoveryAddresses(List.of("127.0.0.1:" + DISCOVERY_PORT))
                .communicationPort(COMMUNICATION_PORT)
                .communicationPortRange(9),
            99);
        final RecordingListener clientListener = new RecordingListener();
        final RecordingListener nodeListener = new RecordingListener();
        view.addListener(clientListener);
        node.addListener(nodeListener);

        child = startChild();

        assertEquals("node-child", child.readyInfo().get(NodeProcess.READY_KEY_NAME));
        assertEquals("127.0.0.1:40522", child.endpoint());
        final Path childWorkDirectory = Paths.get(child.readyInfo().get("workDirectory"));
        assertTrue(childWorkDirectory.startsWith(child.directory()), childWorkDirectory.toString());

        clientListener.await("joined:node-child", 30_000);
        nodeListener.await("joined:node-child", 30_000);
        final NodeInfo childInfo = new NodeInfo(
            UUID.fromString(child.readyInfo().get("nodeId")), "node-child", "127.0.0.1:40522", 64L << 20);
        assertEquals(List.of(childInfo, node.localNode()), view.liveNodes(), "sorted by name");

        child.kill();
        assertFalse(child.isAlive());

        final long detectedMs = clientListener.await("left:node-child:true", 10_000);
        nodeListener.await("left:node-child:true", 10_000);
        System.out.println("child kill noticed by the client after " + detectedMs + " ms");
        assertEquals(List.of(node.localNode()), view.liveNodes());
        assertTrue(view.isConnected());

        child.close();
        if (!Boolean.getBoolean(NodeProcess.KEEP_LOGS_PROP_NAME))
        {
            assertFalse(Files.exists(childWorkDirectory), "killed child's Ignite work directory");
        }
    }

    @Test
    @Timeout(180)
    void shouldReportChildNodeLeftCleanlyWhenItsProcessIsStopped() throws Exception
    {
        node = NodeMembership.start(context(DISCOVERY_PORT), "node-local", "127.0.0.1:40521", 1L << 20);
        final RecordingListener nodeListener = new RecordingListener();
        node.addListener(nodeListener);

        child = startChild();
        nodeListener.await("joined:node-child", 30_000);
        assertEquals(2, node.liveNodes().size());

        child.close();

        assertFalse(child.isAlive());
        nodeListener.await("left:node-child:false", 10_000);
        assertEquals(List.of(node.localNode()), node.liveNodes());
    }

    private NodeProcess startChild()
    {
        return NodeProcess.start(new NodeProcess.Context()
            .name("node-child")
            .mainClass(ClusterTestNodeMain.class.getName())
            .maxHeap("256m")
            .arguments(List.of(
                "node-child",
                String.valueOf(DISCOVERY_PORT + 1),
                String.valueOf(COMMUNICATION_PORT + 5),
                DISCOVERY_ADDRESSES,
                "127.0.0.1:40522")));
    }

    private ClusterContext context(final int discoveryPort)
    {
        return new ClusterContext()
            .workDirectory(workParent)
            .discoveryAddresses(List.of(DISCOVERY_ADDRESSES))
            .discoveryPort(discoveryPort)
            .discoveryPortRange(0)
            .communicationPort(COMMUNICATION_PORT)
            .communicationPortRange(4);
    }
}
