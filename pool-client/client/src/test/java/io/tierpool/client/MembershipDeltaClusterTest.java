/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.client.cluster.ClusterClient;
import io.tierpool.client.cluster.ClusterListener;
import io.tierpool.client.cluster.HeartbeatSchedule;
import io.tierpool.node.NodeProcess;
import io.tierpool.transport.BlockClient;
import io.tierpool.transport.RequestTimeoutException;
import io.tierpool.transport.MemberNode;
import io.tierpool.transport.MembershipQuery;
import io.tierpool.transport.MembershipSnapshot;
import io.tierpool.transport.TransportDriver;
import io.tierpool.transport.codecs.MembershipAnswerKind;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Membership answers of protocol version 4 against real node daemons (separate JVMs on loopback): a daemon
 * answers a lease-only request with no list and a delta request with exactly the nodes changed (a published
 * free-bytes change, a join) and gone since the client's sequence; a thin client that follows deltas through a
 * join, a free-bytes change, the kill of its anchor (an anchor change) and a clean leave ends with exactly the
 * daemons' view, having received delta and lease-only answers; a block on a node that is not the anchor (renewed by
 * lease-only heartbeats) outlives two leases. Ports: Aeron 43100-43119, Ignite 58000-58059.
 */
class MembershipDeltaClusterTest
{
    private static final String DISCOVERY = "127.0.0.1:58000..58004";
    private static final long LEASE_MS = 3_000;

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
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void shouldAnswerDeltasAndLeaseOnlyAndKeepTheClientsViewExact() throws Exception
    {
        workDir = Files.createTempDirectory("tierpool-membership-delta-");
        final Map<String, NodeProcess> nodes = new HashMap<>();
        for (final String name : List.of("node-a", "node-b", "node-c"))
        {
            nodes.put(name, startNode(name, nodes.size()));
        }
        final String a = nodes.get("node-a").endpoint();

        final TransportDriver driver = own(TransportDriver.launch(new TransportDriver.Context()));
        final BlockClient raw = own(BlockClient.connect(new BlockClient.Context()
            .aeron(driver.aeron()).responseEndpoint("127.0.0.1:43110")));

        // The daemon: full, lease-only and delta answers.
        final MembershipSnapshot full = await(() -> raw.membership(a, LEASE_MS),
            (answer) -> answer.nodes().size() == 3 && answer.nodes().stream().allMatch((m) -> m.freeBytes() >= 0),
            "node-a lists three nodes with their free bytes");
        assertEquals(MembershipAnswerKind.COMPLETE, full.kind());
        final MembershipSnapshot leaseOnly = raw.membership(a, LEASE_MS, MembershipQuery.LEASE_ONLY);
        assertEquals(MembershipAnswerKind.LEASE_ONLY, leaseOnly.kind());
        assertTrue(leaseOnly.nodes().isEmpty() && leaseOnly.departed().isEmpty());
        assertEquals(LEASE_MS, leaseOnly.grantedLeaseMs());
        final MembershipQuery sinceFull = MembershipQuery.delta(full.answeringNodeId(), full.epoch(), full.sequence());
        final MembershipSnapshot nothing = raw.membership(a, LEASE_MS, sinceFull);
        assertEquals(MembershipAnswerKind.DELTA, nothing.kind());
        assertEquals(List.of(), nothing.nodes(), "nothing changed since the full answer");
        assertEquals(List.of(), nothing.departed());
        assertEquals(MembershipAnswerKind.COMPLETE, raw.membership(a, LEASE_MS,
            MembershipQuery.delta(full.answeringNodeId(), full.epoch() + 1, full.sequence())).kind(),
            "another epoch gets a complete answer");

        final String b = nodes.get("node-b").endpoint();
        raw.membership(b, LEASE_MS, MembershipQuery.LEASE_ONLY);
        raw.put(b, 1, new UnsafeBuffer(new byte[1 << 20]), 0, 1 << 20);
        final UUID bId = idOf(full, "node-b");
        final MembershipSnapshot bChanged = await(() -> raw.membership(a, LEASE_MS, sinceFull),
            (answer) -> !answer.nodes().isEmpty(), "node-b's new free bytes reach node-a");
        assertEquals(MembershipAnswerKind.DELTA, bChanged.kind());
        assertEquals(List.of(bId), bChanged.nodes().stream().map((m) -> m.node().nodeId()).toList(),
            "only node-b changed: " + bChanged.nodes());
        assertEquals(3L << 20, bChanged.nodes().get(0).freeBytes());
        raw.leave(b);
        raw.leave(a);

        // The thin client: deltas from its anchor, lease-only answers from the others.
        final BlockClient client = own(BlockClient.connect(new BlockClient.Context()
            .aeron(driver.aeron()).responseEndpoint("127.0.0.1:43111")));
        final List<String> events = new CopyOnWriteArrayList<>();
        final ClusterClient cluster = own(ClusterClient.connect(client, new ClusterClient.Context()
            .bootstrapEndpoints(List.of(a))
            .leaseTimeoutMs(LEASE_MS)));
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
        cluster.awaitNodes(3, 30_000);
        nodes.put("node-d", startNode("node-d", 3));
        awaitTrue(() -> events.contains("joined node-d"), () -> "node-d's join is reported: " + events);

        final NodeView anchor = preferredAnchor(client.clientId(), cluster.liveNodes());
        final NodeView kept = cluster.liveNodes().stream()
            .filter((node) -> !node.equals(anchor) && !node.endpoint().equals(a)).findFirst().orElseThrow();
        final UnsafeBuffer block = new UnsafeBuffer(new byte[1 << 20]);
        block.setMemory(0, 1 << 20, (byte)7);
        client.put(kept.endpoint(), 2, block, 0, 1 << 20);
        awaitTrue(() -> cluster.freeBytes(kept.nodeId()) == 3L << 20,
            () -> kept.nodeName() + "'s free-bytes change reaches the client: " + cluster.freeBytes(kept.nodeId()));
        awaitTrue(() -> cluster.deltaAnswers() > 0 && cluster.leaseOnlyAnswers() > 0,
            () -> "delta and lease-only answers: " + cluster.deltaAnswers() + ", " + cluster.leaseOnlyAnswers());

        Thread.sleep(2 * LEASE_MS);
        final UnsafeBuffer back = new UnsafeBuffer(new byte[1 << 20]);
        assertEquals(1 << 20, client.get(kept.endpoint(), 2, back, 0, 1 << 20),
            "the block on a node that is not the anchor (lease-only heartbeats) outlived two " + LEASE_MS + " ms leases");
        assertEquals(7, back.getByte((1 << 20) - 1));

        nodes.get(anchor.nodeName()).kill();
        awaitTrue(() -> events.contains("failed " + anchor.nodeName()),
            () -> "the anchor's kill is reported: " + events);
        final NodeView leaving = cluster.liveNodes().stream()
            .filter((node) -> !node.equals(kept) && !node.endpoint().equals(a)).findFirst().orElseThrow();
        nodes.get(leaving.nodeName()).close();
        awaitTrue(() -> events.contains("left " + leaving.nodeName()),
            () -> leaving.nodeName() + "'s clean leave is reported: " + events);
        final long deltasBefore = cluster.deltaAnswers();
        awaitTrue(() -> cluster.deltaAnswers() > deltasBefore, () -> "deltas from the new anchor");

        // Ask a survivor: the anchor killed above may have been node-a (the anchor depends on the client's id).
        awaitTrue(() -> sameView(cluster, observe(raw, kept.endpoint())), () -> "the client's view " +
            cluster.liveNodes() + " equals the daemons' " + observe(raw, kept.endpoint()));
        assertEquals(2, cluster.liveNodes().size());
    }

    private NodeProcess startNode(final String name, final int index)
    {
        return own(NodeCluster.startNode(workDir, name, 43100 + index, 58000 + index, 58050 + index, DISCOVERY,
            "4m", "0", "0"));
    }

    /**
     * An observer's membership request, or null when it timed out: a daemon on a loaded 2-core machine may answer
     * late while Ignite settles a failure and a leave, and the check that uses it retries.
     */
    private static MembershipSnapshot observe(final BlockClient raw, final String endpoint)
    {
        try
        {
            return raw.membership(endpoint, 0);
        }
        catch (final RequestTimeoutException ex)
        {
            return null;
        }
    }

    private static boolean sameView(final ClusterClient cluster, final MembershipSnapshot daemons)
    {
        if (null == daemons)
        {
            return false;
        }
        final Set<NodeView> theirs = new HashSet<>();
        for (final MemberNode member : daemons.nodes())
        {
            theirs.add(member.node());
            if (member.freeBytes() != cluster.freeBytes(member.node().nodeId()))
            {
                return false;
            }
        }
        return theirs.equals(new HashSet<>(cluster.liveNodes()));
    }

    private static NodeView preferredAnchor(final long clientId, final List<NodeView> live)
    {
        NodeView best = null;
        long bestScore = 0;
        for (final NodeView node : live)
        {
            final long score = HeartbeatSchedule.anchorScore(
                clientId, node.nodeId().getMostSignificantBits() ^ node.nodeId().getLeastSignificantBits());
            if (null == best || Long.compareUnsigned(score, bestScore) > 0)
            {
                best = node;
                bestScore = score;
            }
        }
        return best;
    }

    private static UUID idOf(final MembershipSnapshot snapshot, final String name)
    {
        return snapshot.nodes().stream().filter((m) -> m.node().nodeName().equals(name)).findFirst().orElseThrow()
            .node().nodeId();
    }

    private static <T> T await(
        final Supplier<T> ask, final java.util.function.Predicate<T> done, final String what) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true)
        {
            final T answer = ask.get();
            if (done.test(answer))
            {
                return answer;
            }
            assertTrue(System.nanoTime() < deadlineNs, "timed out waiting: " + what + "; last " + answer);
            Thread.sleep(100);
        }
    }

    private static void awaitTrue(final BooleanSupplier condition, final Supplier<String> what)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadlineNs, () -> "timed out waiting: " + what.get());
            Thread.sleep(50);
        }
    }

    private <T extends AutoCloseable> T own(final T closeable)
    {
        closeables.add(closeable);
        return closeable;
    }
}
