/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.cluster;

import io.tierpool.client.NodeView;
import io.tierpool.transport.DepartedNode;
import io.tierpool.transport.MemberNode;
import io.tierpool.transport.MembershipQuery;
import io.tierpool.transport.MembershipSnapshot;
import io.tierpool.transport.codecs.MembershipAnswerKind;
import io.tierpool.transport.codecs.MembershipQueryKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's view under protocol version 4, driven by hand-made answers: a complete answer from the anchor
 * replaces the view, a delta from it adds, changes and removes exactly what it lists, a delta it cannot take
 * (another node, another epoch, a sequence newer than the one asked) and lease-only answers change nothing; each
 * round asks the anchor for a delta from the view's sequence, the preferred anchor in full and every other node
 * for a lease renewal only, and every node in full while the anchor is silent.
 */
class MembershipViewDeltaTest
{
    private static final long CLIENT_ID = 0x5EEDL;
    private static final long SECOND_NS = 1_000_000_000L;

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final MembershipView view = new MembershipView(new ClusterClient.Context()
        .bootstrapEndpoints(List.of("127.0.0.1:43150")).leaseTimeoutMs(9_000).conclude(), new Object(), CLIENT_ID);
    private final List<NodeView> nodes = new ArrayList<>();

    MembershipViewDeltaTest()
    {
        for (int i = 0; i < 4; i++)
        {
            nodes.add(new NodeView(new UUID(7, i), "node-" + i, "127.0.0.1:" + (43150 + i), 1L << 30));
        }
        view.addListener(new ClusterListener()
        {
            public void onNodeJoined(final NodeView node)
            {
                events.add("joined " + node.nodeName());
            }

            public void onNodeLeft(final NodeView node, final boolean failed)
            {
                events.add((failed ? "failed " : "left ") + node.nodeName());
            }

            public void onFreeBytes(final UUID nodeId, final long freeBytes)
            {
                events.add("free " + freeBytes);
            }
        });
    }

    @Test
    void shouldApplyDeltasFromTheAnchorOnlyAndAskEachNodeForWhatItNeeds()
    {
        final NodeView anchor = preferred(nodes.subList(0, 3));
        view.start(0);
        assertTrue(view.onAnswer(answer(anchor, MembershipAnswerKind.COMPLETE, 5, 10,
            List.of(member(0, 100), member(1, 100), member(2, 100)), List.of()), MembershipQuery.FULL, 0));
        assertEquals(anchor.nodeId(), view.anchorId());
        assertEquals(Set.of("node-0", "node-1", "node-2"), names());

        final Map<String, MembershipQuery> round = queries(view.heartbeatRequests(new HeartbeatSchedule(CLIENT_ID, 1),
            1, SECOND_NS / 2));
        assertEquals(MembershipQuery.delta(anchor.nodeId(), 5, 10), round.get(anchor.endpoint()));
        for (final NodeView node : nodes.subList(0, 3))
        {
            if (!node.equals(anchor))
            {
                assertEquals(MembershipQueryKind.LEASE_ONLY, round.get(node.endpoint()).kind(), node.nodeName());
            }
        }

        events.clear();
        final NodeView gone = nodes.subList(0, 3).stream().filter((n) -> !n.equals(anchor)).findFirst().orElseThrow();
        final NodeView changed = nodes.subList(0, 3).stream().filter((n) -> !n.equals(anchor) && !n.equals(gone))
            .findFirst().orElseThrow();
        assertTrue(view.onAnswer(answer(anchor, MembershipAnswerKind.DELTA, 5, 14,
            List.of(member(3, 300), new MemberNode(changed, 50)), List.of(new DepartedNode(gone.nodeId(), false))),
            MembershipQuery.delta(anchor.nodeId(), 5, 10), SECOND_NS));
        assertEquals(Set.of(anchor.nodeName(), changed.nodeName(), "node-3"), names());
        assertTrue(events.containsAll(List.of("left " + gone.nodeName(), "joined node-3", "free 300", "free 50")),
            events::toString);
        assertEquals(50, view.freeBytes(changed.nodeId()));
        assertEquals(100, view.freeBytes(anchor.nodeId()), "an unlisted node keeps its free bytes");

        events.clear();
        assertFalse(view.onAnswer(answer(anchor, MembershipAnswerKind.DELTA, 6, 20, List.of(),
            List.of(new DepartedNode(changed.nodeId(), true))), MembershipQuery.delta(anchor.nodeId(), 5, 14),
            SECOND_NS), "another epoch: a restarted anchor");
        assertFalse(view.onAnswer(answer(anchor, MembershipAnswerKind.DELTA, 5, 20, List.of(),
            List.of(new DepartedNode(changed.nodeId(), true))), MembershipQuery.delta(anchor.nodeId(), 5, 15),
            SECOND_NS), "a delta from a sequence the view does not hold");
        assertFalse(view.onAnswer(answer(changed, MembershipAnswerKind.DELTA, 5, 20, List.of(),
            List.of(new DepartedNode(anchor.nodeId(), true))), MembershipQuery.delta(changed.nodeId(), 5, 14),
            SECOND_NS), "a delta from a node that is not the anchor");
        assertFalse(view.onAnswer(MembershipSnapshot.leaseOnly(changed.nodeId(), changed.nodeName(), 9_000, 1, 1),
            MembershipQuery.LEASE_ONLY, SECOND_NS));
        assertEquals(List.of(), events);
        assertEquals(3, view.liveNodes().size());

        final Map<String, MembershipQuery> silent = queries(view.heartbeatRequests(new HeartbeatSchedule(CLIENT_ID, 3),
            2, 10 * SECOND_NS));
        assertEquals(3, silent.size(), "every node while the anchor is silent");
        assertEquals(MembershipQuery.delta(anchor.nodeId(), 5, 14), silent.get(anchor.endpoint()));
        assertEquals(MembershipQuery.FULL, silent.get(changed.endpoint()));
        assertEquals(MembershipQuery.FULL, silent.get(nodes.get(3).endpoint()));

        assertTrue(view.onAnswer(answer(changed, MembershipAnswerKind.COMPLETE, 9, 3,
            List.of(new MemberNode(changed, 50), member(3, 300)), List.of(new DepartedNode(anchor.nodeId(), true))),
            MembershipQuery.FULL, 10 * SECOND_NS), "a complete answer from another node while the anchor is silent");
        assertEquals(changed.nodeId(), view.anchorId());
        assertTrue(events.contains("failed " + anchor.nodeName()), events::toString);
        assertEquals(MembershipQuery.delta(changed.nodeId(), 9, 3), queries(view.heartbeatRequests(
            new HeartbeatSchedule(CLIENT_ID, 1), 3, 10 * SECOND_NS + 1)).get(changed.endpoint()),
            "the next heartbeat to the new anchor asks for a delta in its epoch");
    }

    private Set<String> names()
    {
        return view.liveNodes().stream().map(NodeView::nodeName).collect(Collectors.toSet());
    }

    private static Map<String, MembershipQuery> queries(final List<MembershipView.Heartbeat> heartbeats)
    {
        final Map<String, MembershipQuery> byEndpoint = new HashMap<>();
        for (final MembershipView.Heartbeat heartbeat : heartbeats)
        {
            byEndpoint.put(heartbeat.endpoint(), heartbeat.query());
        }
        return byEndpoint;
    }

    private MemberNode member(final int index, final long freeBytes)
    {
        return new MemberNode(nodes.get(index), freeBytes);
    }

    private static MembershipSnapshot answer(
        final NodeView from,
        final MembershipAnswerKind kind,
        final long epoch,
        final long sequence,
        final List<MemberNode> listed,
        final List<DepartedNode> departed)
    {
        return new MembershipSnapshot(from.nodeId(), from.nodeName(), 9_000, listed, departed, kind, epoch, sequence);
    }

    private static NodeView preferred(final List<NodeView> candidates)
    {
        NodeView best = null;
        long bestScore = 0;
        for (final NodeView node : candidates)
        {
            final long score = HeartbeatSchedule.anchorScore(
                CLIENT_ID, node.nodeId().getMostSignificantBits() ^ node.nodeId().getLeastSignificantBits());
            if (null == best || Long.compareUnsigned(score, bestScore) > 0)
            {
                best = node;
                bestScore = score;
            }
        }
        return best;
    }
}
