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

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link ClusterClient}'s view of the live node daemons, and the events that change it: follows the anchor
 * daemon's membership answers, turns each into joins, leaves (failed or clean, as the anchor's departures say) and
 * free-bytes changes for the listeners, and reports every node failed when none has answered for the
 * {@link ClusterClient.Context#lostAfterMs()}.
 * <p>
 * <b>What each heartbeat asks for</b> (protocol version 4, {@link #heartbeatRequests}): the anchor, and the node
 * this client would rather have as its anchor, are asked for a list; every other node only renews the lease
 * ({@link MembershipQuery#LEASE_ONLY}: an empty answer). A list request to the node whose answer the view was last
 * brought up to date from (the source) names that node's epoch and sequence ({@link MembershipQuery#delta}), so
 * that it answers only what changed since; any other list request asks in full. A delta answer applies only when
 * it comes from the anchor and the source with the source's epoch, for a sequence the view already holds;
 * anything else (another anchor, a restarted node, a node older than version 4) brings a complete answer, which
 * replaces the view as before. While the anchor is silent or unknown every node is asked in full, as before, so
 * that a new anchor is found at once.
 * <p>
 * Owned by the cluster client's agent thread: every method that changes the view runs there. Readers on other
 * threads see {@link #liveNodes()} (an immutable list published through a volatile field, under the monitor
 * waiters wait on) and {@link #freeBytes(UUID)} (a concurrent map).
 */
final class MembershipView
{
    private static final Comparator<NodeView> BY_NAME =
        Comparator.comparing(NodeView::nodeName).thenComparing(NodeView::nodeId);

    private final ClusterClient.Context ctx;
    private final Object viewChanged;
    private final long anchorSilenceNs;
    private final long lostAfterNs;
    private final CopyOnWriteArrayList<ClusterListener> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<UUID, Long> freeBytes = new ConcurrentHashMap<>();
    private final Map<UUID, NodeView> view = new HashMap<>();
    private final Set<String> knownEndpoints = new LinkedHashSet<>();
    private final long clientId;
    private UUID anchorId;
    private UUID preferredAnchorId;
    private long lastAnswerNs;
    private long lastAnchorAnswerNs;
    private UUID sourceId;
    private long sourceEpoch;
    private long sourceSequence;
    private volatile List<NodeView> liveNodes = List.of();

    /**
     * @param ctx         the concluded configuration: bootstrap endpoints, heartbeat interval, lost-after time,
     *                    error handler.
     * @param viewChanged the monitor notified each time the live nodes change.
     * @param clientId    the client's id, which picks its preferred anchor.
     */
    MembershipView(final ClusterClient.Context ctx, final Object viewChanged, final long clientId)
    {
        this.ctx = ctx;
        this.clientId = clientId;
        this.viewChanged = viewChanged;
        this.anchorSilenceNs = 2 * TimeUnit.MILLISECONDS.toNanos(ctx.heartbeatIntervalMs());
        this.lostAfterNs = TimeUnit.MILLISECONDS.toNanos(ctx.lostAfterMs());
        this.knownEndpoints.addAll(ctx.bootstrapEndpoints());
    }

    void start(final long nowNs)
    {
        lastAnswerNs = nowNs;
    }

    List<NodeView> liveNodes()
    {
        return liveNodes;
    }

    long freeBytes(final UUID nodeId)
    {
        final Long free = freeBytes.get(nodeId);
        return null == free ? -1 : free;
    }

    void addListener(final ClusterListener listener)
    {
        listeners.add(listener);
    }

    boolean removeListener(final ClusterListener listener)
    {
        return listeners.remove(listener);
    }

    /**
     * @return where the next heartbeats go: every live node's endpoint, or while none is known the bootstrap and
     * every endpoint ever learnt.
     */
    List<String> heartbeatTargets()
    {
        final List<String> targets = new ArrayList<>();
        if (view.isEmpty())
        {
            targets.addAll(knownEndpoints);
        }
        else
        {
            for (final NodeView node : view.values())
            {
                targets.add(node.endpoint());
            }
        }
        return targets;
    }

    /**
     * Where one round's heartbeats go and what each asks for: the anchor, and the other live nodes whose turn it is
     * as {@code schedule} says (every live node while there is no anchor or the anchor has not answered for a
     * heartbeat interval); the anchor and the preferred anchor asked for a list (a delta from the source, else in
     * full), every other node for a lease renewal only, unless the anchor is silent or unknown (every node in
     * full); the bootstrap and every endpoint ever learnt, in full, while no node is known.
     *
     * @param schedule the client's schedule.
     * @param round    the round's number.
     * @param nowNs    the agent's clock.
     * @return the heartbeats to send.
     */
    List<Heartbeat> heartbeatRequests(final HeartbeatSchedule schedule, final long round, final long nowNs)
    {
        final List<Heartbeat> requests = new ArrayList<>();
        if (view.isEmpty())
        {
            for (final String endpoint : heartbeatTargets())
            {
                requests.add(new Heartbeat(endpoint, MembershipQuery.FULL));
            }
            return requests;
        }
        final boolean anchorHealthy = null != anchorId && view.containsKey(anchorId) &&
            nowNs - lastAnchorAnswerNs <= anchorSilenceNs * 3 / 4;
        for (final NodeView node : view.values())
        {
            final UUID nodeId = node.nodeId();
            final long key = nodeId.getMostSignificantBits() ^ nodeId.getLeastSignificantBits();
            final boolean anchor = nodeId.equals(anchorId);
            if (schedule.sendTo(round, key, anchor, anchorHealthy))
            {
                final MembershipQuery query;
                if (anchor || !anchorHealthy || nodeId.equals(preferredAnchorId))
                {
                    query = nodeId.equals(sourceId) ?
                        MembershipQuery.delta(nodeId, sourceEpoch, sourceSequence) : MembershipQuery.FULL;
                }
                else
                {
                    query = MembershipQuery.LEASE_ONLY;
                }
                requests.add(new Heartbeat(node.endpoint(), query));
            }
        }
        return requests;
    }

    /**
     * A heartbeat to {@code endpoint} failed: if it was the anchor's, the next node to answer becomes the anchor.
     */
    void onFailedAnswer(final String endpoint)
    {
        final NodeView anchor = null == anchorId ? null : view.get(anchorId);
        if (null != anchor && anchor.endpoint().equals(endpoint))
        {
            anchorId = null;
        }
    }

    /**
     * A node answered. Follow the anchor; take the answering node as the anchor when there is none, the anchor is
     * gone, or it has not answered for two heartbeat intervals (a node that hangs or died answers nothing until
     * its requests time out, and the other nodes will report it gone first).
     */
    void onAnswer(final MembershipSnapshot snapshot, final long nowNs)
    {
        onAnswer(snapshot, MembershipQuery.FULL, nowNs);
    }

    /**
     * A node answered {@code query}. A lease-only answer only shows the node is there. A delta answer is applied
     * when it comes from the anchor, which is also the view's source, in the source's epoch, for a sequence the
     * view holds; else it is dropped (the next list request to that node asks in full). A complete answer is
     * followed as {@link #onAnswer(MembershipSnapshot, long)} says and replaces the view.
     *
     * @return whether the answer changed or confirmed the view (a list that was applied).
     */
    boolean onAnswer(final MembershipSnapshot snapshot, final MembershipQuery query, final long nowNs)
    {
        lastAnswerNs = nowNs;
        final UUID answering = snapshot.answeringNodeId();
        final MembershipAnswerKind kind = snapshot.kind();
        if (MembershipAnswerKind.LEASE_ONLY == kind)
        {
            return false;
        }
        if (MembershipAnswerKind.DELTA == kind)
        {
            if (answering.equals(anchorId) && answering.equals(sourceId) && view.containsKey(anchorId) &&
                snapshot.epoch() == sourceEpoch && MembershipQueryKind.DELTA == query.kind() &&
                query.knownSequence() <= sourceSequence)
            {
                lastAnchorAnswerNs = nowNs;
                applyDelta(snapshot);
                sourceSequence = snapshot.sequence();
                preferredAnchorId = preferredAnchor();
                return true;
            }
            return false;
        }
        if (null == anchorId || !view.containsKey(anchorId) || anchorId.equals(answering) ||
            nowNs - lastAnchorAnswerNs > anchorSilenceNs || answering.equals(preferredAnchorId))
        {
            anchorId = answering;
            lastAnchorAnswerNs = nowNs;
            apply(snapshot);
            sourceId = answering;
            sourceEpoch = snapshot.epoch();
            sourceSequence = snapshot.sequence();
            preferredAnchorId = preferredAnchor();
            return true;
        }
        return false;
    }

    /**
     * @return the node whose answers the view follows, or null while there is none.
     */
    UUID anchorId()
    {
        return anchorId;
    }

    /**
     * The live node this client takes as its anchor whenever it answers: the one with the highest rendezvous score
     * for the client, so that the clients' anchors (each asked every round) spread over the nodes instead of
     * gathering on the bootstrap node that answers first.
     */
    private UUID preferredAnchor()
    {
        UUID best = null;
        long bestScore = 0;
        for (final UUID nodeId : view.keySet())
        {
            final long score = HeartbeatSchedule.anchorScore(
                clientId, nodeId.getMostSignificantBits() ^ nodeId.getLeastSignificantBits());
            if (null == best || Long.compareUnsigned(score, bestScore) > 0)
            {
                best = nodeId;
                bestScore = score;
            }
        }
        return best;
    }

    /**
     * When no node has answered for the lost-after time, report every node failed and forget them.
     */
    void checkLost(final long nowNs)
    {
        if (view.isEmpty() || nowNs - lastAnswerNs < lostAfterNs)
        {
            return;
        }
        final List<NodeView> lost = new ArrayList<>(view.values());
        view.clear();
        freeBytes.clear();
        anchorId = null;
        sourceId = null;
        publish();
        for (final NodeView node : lost)
        {
            tell((listener) -> listener.onNodeLeft(node, true));
        }
    }

    private void apply(final MembershipSnapshot snapshot)
    {
        final Map<UUID, MemberNode> next = new HashMap<>();
        for (final MemberNode member : snapshot.nodes())
        {
            next.put(member.node().nodeId(), member);
        }

        final List<NodeView> left = new ArrayList<>();
        for (final NodeView node : view.values())
        {
            if (!next.containsKey(node.nodeId()))
            {
                left.add(node);
            }
        }
        applyChanges(snapshot, left);
    }

    /**
     * Apply a delta: the listed nodes are new or changed, the departed ones gone; every other node stays as it is.
     */
    private void applyDelta(final MembershipSnapshot snapshot)
    {
        final List<NodeView> left = new ArrayList<>();
        for (final DepartedNode departed : snapshot.departed())
        {
            final NodeView node = view.get(departed.nodeId());
            if (null != node && !left.contains(node))
            {
                left.add(node);
            }
        }
        applyChanges(snapshot, left);
    }

    private void applyChanges(final MembershipSnapshot snapshot, final List<NodeView> left)
    {
        final List<NodeView> joined = new ArrayList<>();
        for (final MemberNode member : snapshot.nodes())
        {
            if (!view.containsKey(member.node().nodeId()))
            {
                joined.add(member.node());
            }
        }

        for (final NodeView node : left)
        {
            view.remove(node.nodeId());
            freeBytes.remove(node.nodeId());
        }
        for (final MemberNode member : snapshot.nodes())
        {
            view.put(member.node().nodeId(), member.node());
            knownEndpoints.add(member.node().endpoint());
        }
        publish();

        for (final NodeView node : left)
        {
            final boolean failed = departedFailed(snapshot, node.nodeId());
            tell((listener) -> listener.onNodeLeft(node, failed));
        }
        for (final NodeView node : joined)
        {
            tell((listener) -> listener.onNodeJoined(node));
        }
        for (final MemberNode member : snapshot.nodes())
        {
            final UUID nodeId = member.node().nodeId();
            final long free = member.freeBytes();
            if (free >= 0)
            {
                final Long previous = freeBytes.put(nodeId, free);
                if (null == previous || previous != free)
                {
                    tell((listener) -> listener.onFreeBytes(nodeId, free));
                }
            }
        }
    }

    /**
     * Hand an event to every listener; a listener that throws goes to the error handler and the others are still
     * told. Events are rare (membership changes, about one free-bytes change per node and second), so the lambda
     * per event is no concern.
     */
    private void tell(final Consumer<ClusterListener> event)
    {
        for (final ClusterListener listener : listeners)
        {
            try
            {
                event.accept(listener);
            }
            catch (final RuntimeException ex)
            {
                ctx.errorHandler().onError(ex);
            }
        }
    }

    /**
     * @return whether the snapshot's departures say the node failed; {@code true} when they do not know it.
     */
    private static boolean departedFailed(final MembershipSnapshot snapshot, final UUID nodeId)
    {
        final List<DepartedNode> departed = snapshot.departed();
        for (int i = departed.size() - 1; i >= 0; i--)
        {
            if (departed.get(i).nodeId().equals(nodeId))
            {
                return departed.get(i).failed();
            }
        }
        return true;
    }

    private void publish()
    {
        final List<NodeView> nodes = new ArrayList<>(view.values());
        nodes.sort(BY_NAME);
        synchronized (viewChanged)
        {
            liveNodes = List.copyOf(nodes);
            viewChanged.notifyAll();
        }
    }

    /**
     * One heartbeat of a round: where it goes and what it asks for.
     *
     * @param endpoint the node's {@code host:port}.
     * @param query    what to have listed.
     */
    record Heartbeat(String endpoint, MembershipQuery query)
    {
    }
}
