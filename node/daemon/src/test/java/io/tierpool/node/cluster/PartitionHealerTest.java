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

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PartitionHealer}'s rules with real members, its duty cycle driven by the test with an injected clock: a
 * peer that leaves cleanly is forgotten; a peer killed with SIGKILL leaves this node split off (half of two, without
 * the first name), and its refused probes never make it rejoin, however long; a missing peer that answers for the
 * confirmation time does. Ports: discovery 56420-56429, communication 56430-56439.
 */
class PartitionHealerTest
{
    private static final int DISCOVERY_PORT = 56420;
    private static final String DISCOVERY_ADDRESSES = "127.0.0.1:56420..56429";

    @TempDir
    Path workParent;

    private NodeMembership local;
    private NodeProcess child;
    private PartitionHealer healer;
    private final AtomicLong nowNs = new AtomicLong();
    private final AtomicInteger drops = new AtomicInteger();

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(healer, child, local);
    }

    @Test
    @Timeout(120)
    void shouldForgetAPeerThatLeftCleanly() throws Exception
    {
        // "node-zz" sorts after the child's name: with the child gone cleanly it must still not count as a split.
        local = NodeMembership.start(context(), "node-zz", "127.0.0.1:42230", 1L << 20);
        healer = healer(local);
        child = startChild();
        local.awaitNodes(2, 60_000);
        assertEquals(0, healer.doWork());
        assertFalse(healer.isSplit());

        child.close();
        awaitLiveNodes(1);
        assertEquals(0, healer.doWork());
        assertFalse(healer.isSplit(), "a node that left cleanly is forgotten, not missed");
        assertEquals(0, healer.splits());
    }

    @Test
    @Timeout(120)
    void shouldBeSplitButNeverRejoinWhenTheMissingPeerIsDead() throws Exception
    {
        local = NodeMembership.start(context(), "node-zz", "127.0.0.1:42230", 1L << 20);
        healer = healer(local);
        child = startChild();
        local.awaitNodes(2, 60_000);
        assertEquals(0, healer.doWork());

        child.kill();
        awaitLiveNodes(1);
        final UUID id = local.localNodeId();
        for (int i = 0; i < 5; i++)
        {
            assertEquals(0, healer.doWork());
            nowNs.addAndGet(10_000_000_000L);
        }
        assertTrue(healer.isSplit(), "one of two, without the first name (node-child < node-zz): split off");
        assertEquals(1, healer.splits());
        assertEquals(0, healer.rejoins(), "a dead peer refuses the probes: no rejoin");
        assertEquals(0, drops.get());
        assertEquals(id, local.localNodeId());
    }

    @Test
    @Timeout(120)
    void shouldRejoinWithANewNodeIdOnceAMissingPeerAnswersForTheConfirmationTime() throws Exception
    {
        local = NodeMembership.start(context(), "node-zz", "127.0.0.1:42230", 1L << 20);
        healer = healer(local);
        child = startChild();
        local.awaitNodes(2, 60_000);
        assertEquals(0, healer.doWork());
        final UUID before = local.localNodeId();

        // Stand-in for a partition: this member leaves and forms a cluster of its own, the peer runs on, reachable.
        local.rejoin(context().discoveryAddresses(List.of("127.0.0.1:" + DISCOVERY_PORT)).conclude());
        assertEquals(1, local.liveNodes().size());
        assertEquals(0, healer.doWork(), "the peer answers, but not yet for the confirmation time");
        assertTrue(healer.isSplit());
        nowNs.addAndGet(4_999_000_000L);
        assertEquals(0, healer.doWork());
        nowNs.addAndGet(1_000_000L);
        assertEquals(1, healer.doWork(), "answered for 5 s: rejoin");
        assertEquals(1, drops.get(), "blocks dropped before the rejoin");
        assertEquals(1, healer.rejoins());
        assertEquals(2, local.awaitNodes(2, 30_000).size(), "back in the peer's cluster");
        assertTrue(!before.equals(local.localNodeId()), "a new node id");
        assertTrue(local.liveNodes().stream().anyMatch((n) -> n.nodeName().equals("node-child")));
        assertEquals(0, healer.doWork());
        assertFalse(healer.isSplit());
    }

    private PartitionHealer healer(final NodeMembership membership)
    {
        return new PartitionHealer(membership, membership.localNode().nodeName(), drops::incrementAndGet,
            1_000, 5_000, 500, nowNs::get, false);
    }

    private void awaitLiveNodes(final int count) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (local.liveNodes().size() != count)
        {
            assertTrue(System.nanoTime() < deadline, "live nodes " + local.liveNodes());
            Thread.sleep(20);
        }
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
                String.valueOf(56435),
                DISCOVERY_ADDRESSES,
                "127.0.0.1:42231")));
    }

    private ClusterContext context()
    {
        return new ClusterContext()
            .workDirectory(workParent)
            .discoveryAddresses(List.of(DISCOVERY_ADDRESSES))
            .discoveryPort(DISCOVERY_PORT)
            .discoveryPortRange(0)
            .communicationPort(56430)
            .communicationPortRange(4);
    }
}
