/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import io.tierpool.client.ClusterUnavailableException;

import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real Ignite discovery on loopback, every member in this JVM. Ports: discovery 47700-47709 and 47720-47729,
 * communication 47750-47759 and 47770-47779.
 */
class NodeMembershipTest
{
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @TempDir
    Path workParent;

    @AfterEach
    void tearDown() throws Exception
    {
        CloseHelper.closeAll(closeables);
        try (Stream<Path> left = Files.list(workParent))
        {
            assertEquals(List.of(), left.toList(), "Ignite work files left behind");
        }
    }

    @Test
    @Timeout(120)
    void shouldShowEveryNodesAttributesToNodesAndClients() throws Exception
    {
        final NodeMembership first = track(NodeMembership.start(
            context(47700, 47750), "node-a", "127.0.0.1:40501", 1L << 30));
        final NodeMembership second = track(NodeMembership.start(
            context(47700, 47750), "node-b", "127.0.0.1:40502", 2L << 30));
        final ClusterView view = track(ClusterView.connect(context(47700, 47750), 7));

        final List<NodeInfo> seenByClient = view.awaitNodes(2, 30_000);
        final List<NodeInfo> expected = List.of(
            new NodeInfo(first.localNodeId(), "node-a", "127.0.0.1:40501", 1L << 30),
            new NodeInfo(second.localNodeId(), "node-b", "127.0.0.1:40502", 2L << 30));
        assertEquals(expected, seenByClient);
        assertEquals(expected, first.awaitNodes(2, 30_000));
        assertEquals(expected, second.awaitNodes(2, 30_000));
        assertEquals(first.localNode(), expected.get(0));
        assertEquals(Set.of(7L), first.liveClientIds());
        assertEquals(Set.of(7L), second.liveClientIds());
        assertTrue(view.isConnected());

        assertTrue(Files.isDirectory(first.workDirectory()));
        assertTrue(Files.isDirectory(view.workDirectory()));
        assertTrue(first.workDirectory().startsWith(workParent));

        final RecordingListener firstListener = new RecordingListener();
        final RecordingListener clientListener = new RecordingListener();
        first.addListener(firstListener);
        view.addListener(clientListener);

        final Path secondWorkDirectory = second.workDirectory();
        second.close();
        second.close();
        assertFalse(Files.exists(secondWorkDirectory), "closed member's work directory");

        firstListener.await("left:node-b:false", 10_000);
        clientListener.await("left:node-b:false", 10_000);
        assertEquals(List.of(expected.get(0)), view.liveNodes());
        assertEquals(List.of(expected.get(0)), first.liveNodes());

        final ClusterUnavailableException ex =
            assertThrows(ClusterUnavailableException.class, () -> view.awaitNodes(2, 200));
        assertTrue(ex.getMessage().contains("found 1 of the 2"), ex.getMessage());
        assertTrue(ex.getMessage().contains("127.0.0.1:47700..47709"), ex.getMessage());
        assertTrue(ex.getMessage().contains("node-a@127.0.0.1:40501"), ex.getMessage());

        final NodeMembership third = track(NodeMembership.start(
            context(47700, 47750), "node-c", "127.0.0.1:40503", 3L << 30));
        firstListener.await("joined:node-c", 10_000);
        clientListener.await("joined:node-c", 10_000);
        assertEquals(
            List.of("node-a", "node-c"),
            view.awaitNodes(2, 10_000).stream().map(NodeInfo::nodeName).toList());
        assertEquals(3L << 30, view.liveNodes().get(1).capacityBytes());
        assertEquals(third.localNodeId(), view.liveNodes().get(1).nodeId());
    }

    @Test
    @Timeout(120)
    void shouldReportClientIdToNodesWhenClientLeaves() throws Exception
    {
        final NodeMembership node = track(NodeMembership.start(
            context(47720, 47770), "node-a", "127.0.0.1:40511", 1L << 20));
        final RecordingListener listener = new RecordingListener();
        node.addListener(listener);

        final ClusterView first = track(ClusterView.connect(context(47720, 47770), 42));
        final ClusterView second = track(ClusterView.connect(context(47720, 47770), 43));
        assertEquals(List.of(node.localNode()), first.awaitNodes(1, 10_000));
        assertEquals(Set.of(42L, 43L), node.liveClientIds());

        final Path clientWorkDirectory = first.workDirectory();
        first.close();
        listener.await("clientLeft:42:false", 10_000);
        assertEquals(Set.of(43L), node.liveClientIds());
        assertFalse(Files.exists(clientWorkDirectory), "closed client's work directory");
        assertEquals(List.of(node.localNode()), node.liveNodes());
        assertTrue(second.isConnected());
    }

    @Test
    @Timeout(60)
    void shouldThrowClusterUnavailableWhenNoNodeAnswersWithinJoinTimeout()
    {
        final ClusterContext ctx = new ClusterContext()
            .discoveryAddresses(List.of("127.0.0.1:47730..47732"))
            .communicationPort(47780)
            .communicationPortRange(9)
            .clientJoinTimeoutMs(2_000)
            .workDirectory(workParent);

        final long startNs = System.nanoTime();
        final ClusterUnavailableException ex =
            assertThrows(ClusterUnavailableException.class, () -> track(ClusterView.connect(ctx, 1)));
        final long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;

        assertTrue(elapsedMs < 15_000, "gave up after " + elapsedMs + " ms");
        assertTrue(ex.getMessage().contains("127.0.0.1:47730..47732"), ex.getMessage());
        assertTrue(ex.getMessage().contains("join timeout 2000 ms"), ex.getMessage());
        assertTrue(ex.getMessage().contains("deploy/local-cluster.sh up 2"), ex.getMessage());
    }

    private ClusterContext context(final int discoveryPort, final int communicationPort)
    {
        return new ClusterContext()
            .workDirectory(workParent)
            .discoveryAddresses(List.of("127.0.0.1:" + discoveryPort + ".." + (discoveryPort + 9)))
            .discoveryPort(discoveryPort)
            .discoveryPortRange(9)
            .communicationPort(communicationPort)
            .communicationPortRange(9);
    }

    private <T extends AutoCloseable> T track(final T closeable)
    {
        closeables.add(0, closeable);
        return closeable;
    }
}
