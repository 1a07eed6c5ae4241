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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The change-only publication scheme on real Ignite on loopback, every member in this JVM: a node whose free bytes
 * do not change sends one message, not one per tick; a change beyond the threshold is sent at the next tick; a node
 * that joins later learns the value at once (its board asks the others, who answer it alone). Ports: discovery
 * 56600-56609, communication 56650-56659.
 */
class ChangeOnlyCapacityPublishingTest
{
    private static final int DISCOVERY_PORT = 56600;
    private static final int COMMUNICATION_PORT = 56650;
    private static final long INTERVAL_MS = 50;

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
    void shouldPublishOnlyOnChangeAndAgainWhenANodeJoins() throws Exception
    {
        final NodeMembership first = track(NodeMembership.start(context(), "node-a", "127.0.0.1:42301", 1L << 30));
        final UUID firstId = first.localNodeId();
        final AtomicInteger messages = new AtomicInteger();
        first.addCapacityListener((nodeId, free) ->
        {
            if (nodeId.equals(firstId))
            {
                messages.incrementAndGet();
            }
        });

        final AtomicLong free = new AtomicLong(500_000_000L);
        track(FreeCapacityPublisher.start(first, new CapacityPublicationPolicy(10_000_000L, 60_000_000_000L),
            free::get, INTERVAL_MS, errors::add));
        awaitFree(first, firstId, 500_000_000L);
        Thread.sleep(20 * INTERVAL_MS);
        assertEquals(1, messages.get(), "unchanged free bytes over 20 ticks are published once");

        free.set(495_000_000L);
        Thread.sleep(10 * INTERVAL_MS);
        assertEquals(1, messages.get(), "a change below the threshold (10 MB) is not published");

        free.set(480_000_000L);
        awaitFree(first, firstId, 480_000_000L);
        assertEquals(2, messages.get());

        final NodeMembership second = track(NodeMembership.start(context(), "node-b", "127.0.0.1:42302", 1L << 30));
        awaitFree(second, firstId, 480_000_000L);
        assertEquals(2, messages.get(), "the joiner is answered alone, not by a publication to every member");
        assertEquals(List.of(), List.copyOf(errors));
    }

    private static void awaitFree(final NodeMembership member, final UUID nodeId, final long expected)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        while (member.freeBytes(nodeId) != expected && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(10);
        }
        assertEquals(expected, member.freeBytes(nodeId), "free bytes of " + nodeId + " seen by " + member);
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
