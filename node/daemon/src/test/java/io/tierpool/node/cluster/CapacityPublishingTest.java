/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Free capacity published by node daemons through Ignite messaging and followed by clients and other nodes, real
 * Ignite on loopback, every member in this JVM. Ports: discovery 47730-47739, communication 47780-47789.
 */
class CapacityPublishingTest
{
    private static final int DISCOVERY_PORT = 47730;
    private static final int COMMUNICATION_PORT = 47780;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

    @TempDir
    Path workParent;

    @AfterEach
    void tearDown() throws Exception
    {
        CloseHelper.closeAll(closeables);
        try (var left = Files.list(workParent))
        {
            assertEquals(List.of(), left.toList(), "Ignite work files left behind");
        }
    }

    @Test
    @Timeout(120)
    void shouldShowEachNodesPublishedFreeBytesToClientsAndNodesWithinTwoSeconds() throws Exception
    {
        final NodeMembership first = track(NodeMembership.start(context(), "node-a", "127.0.0.1:40601", 1L << 30));
        final NodeMembership second = track(NodeMembership.start(context(), "node-b", "127.0.0.1:40602", 2L << 30));
        final ClusterView view = track(ClusterView.connect(context(), 11));
        view.awaitNodes(2, 30_000);

        final ConcurrentHashMap<UUID, Long> heard = new ConcurrentHashMap<>();
        view.addCapacityListener(heard::put);
        assertEquals(-1, view.freeBytes(first.localNodeId()), "nothing published yet");

        final AtomicLong firstFree = new AtomicLong(700_000_000L);
        final AtomicLong secondFree = new AtomicLong(1_900_000_000L);
        track(FreeCapacityPublisher.start(first, firstFree::get, 100, errors::add));
        track(FreeCapacityPublisher.start(second, secondFree::get, 100, errors::add));

        awaitFree(view, first.localNodeId(), 700_000_000L, 2_000);
        awaitFree(view, second.localNodeId(), 1_900_000_000L, 2_000);
        awaitFree(first, second.localNodeId(), 1_900_000_000L, 2_000);
        assertEquals(700_000_000L, heard.get(first.localNodeId()));

        firstFree.set(0);
        final long changedAtNs = System.nanoTime();
        awaitFree(view, first.localNodeId(), 0, 2_000);
        final long seenAfterMs = (System.nanoTime() - changedAtNs) / 1_000_000;
        System.out.println("capacity change seen by the client after " + seenAfterMs + " ms");
        assertEquals(0L, heard.get(first.localNodeId()));
        final List<Throwable> errorsWhileLive = List.copyOf(errors);

        second.close();
        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        while (view.freeBytes(second.localNodeId()) != -1 && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(20);
        }
        assertEquals(-1, view.freeBytes(second.localNodeId()), "a departed node's capacity is forgotten");
        assertEquals(List.of(), errorsWhileLive, "publish errors while both nodes were live");
    }

    @Test
    @Timeout(60)
    void shouldRejectNegativeFreeBytesNamingTheNode() throws Exception
    {
        final NodeMembership node = track(NodeMembership.start(context(), "node-c", "127.0.0.1:40603", 1L << 20));
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> node.publishFreeBytes(-5));
        assertTrue(ex.getMessage().contains("node-c"), ex.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> FreeCapacityPublisher.start(node, () -> 1, 5, errors::add));

        node.publishFreeBytes(12_345);
        awaitFree(node, node.localNodeId(), 12_345, 2_000);
    }

    private static void awaitFree(
        final Object member, final UUID nodeId, final long expected, final long timeoutMs) throws InterruptedException
    {
        final LongSupplier read = member instanceof ClusterView ?
            () -> ((ClusterView)member).freeBytes(nodeId) : () -> ((NodeMembership)member).freeBytes(nodeId);
        final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        while (read.getAsLong() != expected && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(10);
        }
        assertEquals(expected, read.getAsLong(), "free bytes of " + nodeId + " seen by " + member);
    }

    private ClusterContext context()
    {
        return new ClusterContext()
            .workDirectory(workParent)
            .discoveryAddresses(List.of("127.0.0.1:" + DISCOVERY_PORT + ".." + (DISCOVERY_PORT + 9)))
            .discoveryPort(DISCOVERY_PORT)
            .discoveryPortRange(9)
            .communicationPort(COMMUNICATION_PORT)
            .communicationPortRange(9);
    }

    private <T extends AutoCloseable> T track(final T closeable)
    {
        closeables.add(0, closeable);
        return closeable;
    }
}
