/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.cluster;

import io.tierpool.client.ClusterUnavailableException;
import io.tierpool.client.ConfigurationException;
import io.tierpool.client.NodeView;
import io.tierpool.transport.BlockClient;
import io.tierpool.transport.BlockRequest;
import io.tierpool.transport.MembershipQuery;
import io.tierpool.transport.MembershipSnapshot;
import org.agrona.ErrorHandler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thin client's view of the cluster, learnt from the node daemons over Aeron rather than by joining their
 * Ignite cluster: which node daemons are live, their endpoints and free capacity, and every join, leave and
 * failure. The same requests are the client's heartbeats: each renews the client's lease with the node that
 * answers it ({@code BlockClient#membership}), and a node reclaims a client's blocks once its lease lapses.
 * <p>
 * <b>Duty cycle.</b> The client's agent thread ({@code tierpool-cluster-<clientId>}) sends a membership request to
 * its anchor each {@link Context#heartbeatIntervalMs()}, and to every other live node daemon often enough to renew
 * its lease there three times per lease ({@link HeartbeatSchedule}; every node every interval while the anchor is
 * silent or unknown, and to the bootstrap endpoints while it knows none; from protocol version 4 only the anchor's
 * answers list nodes, as deltas since the client's last answer from it, and the others only renew the lease:
 * see {@link MembershipView}), at most one in flight per node, on a small
 * pool of sender threads so that a node that does not answer delays no other. It follows one node's answers, the
 * anchor's (the first node that answered, until it fails a heartbeat or has not answered for two heartbeat
 * intervals, when the next node to answer becomes the anchor; the live node that ranks first for this client by
 * rendezvous hashing becomes the anchor whenever it answers, so that the clients' anchors spread over the nodes),
 * and turns each into events by comparing it with the view it holds: nodes that appeared ({@link
 * ClusterListener#onNodeJoined}), nodes that disappeared ({@link ClusterListener#onNodeLeft}, failed or not as the
 * anchor's list of recent departures says, failed when it does not know), and free capacity that changed. When no
 * node has answered for {@link Context#lostAfterMs()}, every node is reported failed and the client goes on asking
 * the bootstrap and last known endpoints, so that it finds the cluster again when it comes back.
 * <p>
 * Thread-safety: every public method may be called from any thread. The view (the node map, the anchor) is owned
 * by the agent thread; readers see immutable snapshots published through volatile fields. Owns the agent thread
 * and the sender threads; the {@link BlockClient} belongs to the caller and must be closed after this.
 */
public final class ClusterClient implements AutoCloseable
{
    private final BlockClient client;
    private final Context ctx;
    private final ExecutorService senders;
    private final Thread agent;
    private final LinkedBlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
    private final Object viewChanged = new Object();
    private final MembershipView view;

    // owned by the agent thread
    private final Set<String> inFlight = new LinkedHashSet<>();
    private final Map<String, String> lastFailures = new LinkedHashMap<>();
    private long round;

    private final AtomicLong completeAnswers = new AtomicLong();
    private final AtomicLong deltaAnswers = new AtomicLong();
    private final AtomicLong leaseOnlyAnswers = new AtomicLong();
    private volatile long grantedLeaseMs;
    private volatile boolean answered;
    private volatile boolean running = true;
    private volatile String failureSummary = "no answer yet";

    private ClusterClient(final BlockClient client, final Context ctx)
    {
        this.client = client;
        this.ctx = ctx;
        final AtomicInteger threadCount = new AtomicInteger();
        this.senders = Executors.newCachedThreadPool((runnable) ->
        {
            final Thread thread = new Thread(
                runnable, "tierpool-cluster-send-" + Long.toHexString(client.clientId()) + "-" +
                threadCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.view = new MembershipView(ctx, viewChanged, client.clientId());
        this.agent = new Thread(this::run, "tierpool-cluster-" + Long.toHexString(client.clientId()));
        this.agent.setDaemon(true);
    }

    /**
     * Ask the bootstrap endpoints for the cluster's membership and wait until one node daemon has answered, for at
     * most {@link Context#joinTimeoutMs()}, asking again each heartbeat interval meanwhile (daemons may still be
     * starting).
     *
     * @param client the block client to send with; owned by the caller, closed after this.
     * @param ctx    configuration, concluded here.
     * @return the running cluster client, to be closed by the caller.
     * @throws ConfigurationException      if {@code ctx} is invalid.
     * @throws ClusterUnavailableException if no node daemon answered in time; the message names each endpoint
     *                                     tried and why it failed.
     */
    public static ClusterClient connect(final BlockClient client, final Context ctx)
    {
        Objects.requireNonNull(client, "client");
        ctx.conclude();
        final ClusterClient cluster = new ClusterClient(client, ctx);
        cluster.view.start(System.nanoTime());
        cluster.agent.start();
        try
        {
            cluster.awaitFirstAnswer();
        }
        catch (final RuntimeException ex)
        {
            cluster.close();
            throw ex;
        }
        return cluster;
    }

    private void awaitFirstAnswer()
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ctx.joinTimeoutMs());
        synchronized (viewChanged)
        {
            while (!answered)
            {
                final long leftNs = deadlineNs - System.nanoTime();
                if (leftNs <= 0)
                {
                    throw new ClusterUnavailableException("client " + Long.toHexString(client.clientId()) +
                        " found no node daemon in " + ctx.joinTimeoutMs() + " ms at " + ctx.bootstrapEndpoints() +
                        " (" + failureSummary + "). Start node daemons (./tierpool node, or deploy/local-cluster.sh)" +
                        " and give TierPool.Context.nodes(...) their Aeron endpoints, host:port as each daemon's" +
                        " ready line prints it");
                }
                waitOn(leftNs);
            }
        }
    }

    /**
     * @return the concluded configuration.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * @return the id of the client this view belongs to.
     */
    public long clientId()
    {
        return client.clientId();
    }

    /**
     * @return the live node daemons, sorted by name; an immutable snapshot.
     */
    public List<NodeView> liveNodes()
    {
        return view.liveNodes();
    }

    /**
     * @param nodeId a node's id ({@link NodeView#nodeId()}).
     * @return the free bytes that node last published, as the anchor reported it, or -1 if none is known (nodes
     * publish about once a second) or the node has left.
     */
    public long freeBytes(final UUID nodeId)
    {
        return view.freeBytes(nodeId);
    }

    /**
     * @return the lease the last answering node granted this client, ms; 0 for an observer or before any answer.
     */
    public long grantedLeaseMs()
    {
        return grantedLeaseMs;
    }

    /**
     * @return membership answers received that listed every live node (the first from each anchor, answers from
     * nodes older than protocol version 4, answers while the anchor was silent); counted on the agent thread, read
     * from any.
     */
    public long completeAnswers()
    {
        return completeAnswers.get();
    }

    /**
     * @return membership answers received that listed only what changed since this client's last answer from that
     * node (its anchor's heartbeats, protocol version 4).
     */
    public long deltaAnswers()
    {
        return deltaAnswers.get();
    }

    /**
     * @return membership answers received that only renewed the lease (heartbeats to nodes other than the anchor,
     * protocol version 4).
     */
    public long leaseOnlyAnswers()
    {
        return leaseOnlyAnswers.get();
    }

    /**
     * Wait until at least {@code count} node daemons are live.
     *
     * @param count     how many, 1 or more.
     * @param timeoutMs how long to wait in milliseconds, 0 or more.
     * @return the live nodes, sorted by name.
     * @throws IllegalArgumentException    if count or timeoutMs is out of range.
     * @throws ClusterUnavailableException if fewer are live when the time is up; the message names them and the
     *                                     bootstrap endpoints.
     * @throws IllegalStateException       if the calling thread is interrupted (its interrupt flag is kept).
     */
    public List<NodeView> awaitNodes(final int count, final long timeoutMs)
    {
        if (count < 1 || timeoutMs < 0)
        {
            throw new IllegalArgumentException("count must be 1 or more and timeoutMs 0 or more, were " + count +
                " and " + timeoutMs);
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (viewChanged)
        {
            while (view.liveNodes().size() < count)
            {
                final long leftNs = deadlineNs - System.nanoTime();
                if (leftNs <= 0 || !running)
                {
                    throw new ClusterUnavailableException("client " + Long.toHexString(client.clientId()) +
                        " waited " + timeoutMs + " ms for " + count + " node daemons but sees " +
                        view.liveNodes().size() + " " + names(view.liveNodes()) + " (bootstrap endpoints " + ctx.bootstrapEndpoints() + "). Start " +
                        "more node daemons in the same cluster, or ask for fewer");
                }
                waitOn(leftNs);
            }
            return view.liveNodes();
        }
    }

    private void waitOn(final long leftNs)
    {
        try
        {
            TimeUnit.NANOSECONDS.timedWait(viewChanged, Math.min(leftNs, TimeUnit.MILLISECONDS.toNanos(100)));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for node daemons", ex);
        }
    }

    /**
     * Add a listener for node daemons joining and leaving from now on. Nodes already live are not replayed: add the
     * listener, then read {@link #liveNodes()} (a node may then be both listed and reported).
     *
     * @param listener to add; called on the agent thread.
     */
    public void addListener(final ClusterListener listener)
    {
        view.addListener(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * @param listener to remove.
     * @return whether it had been added.
     */
    public boolean removeListener(final ClusterListener listener)
    {
        return view.removeListener(listener);
    }

    /**
     * Stop the agent and, for a client that holds leases, tell every live node daemon it is leaving (they free its
     * blocks at once rather than when its lease lapses), waiting for their answers for at most
     * {@link Context#leaveTimeoutMs()}. Idempotent; listeners are not called during or after it.
     */
    public void close()
    {
        if (!running)
        {
            return;
        }
        running = false;
        agent.interrupt();
        joinAgent();
        if (ctx.leaseTimeoutMs() > 0)
        {
            // Leaves go out together; their answers are taken in by the block client's receiver, which counts the
            // latch down, so that close waits for all of them at once, at most leaveTimeoutMs, without spinning.
            final List<NodeView> nodes = view.liveNodes();
            final CountDownLatch answered = new CountDownLatch(nodes.size());
            for (final NodeView node : nodes)
            {
                try
                {
                    client.sendLeave(node.endpoint(), (request) -> answered.countDown());
                }
                catch (final RuntimeException ex)
                {
                    answered.countDown();
                    ctx.errorHandler().onError(ex);
                }
            }
            try
            {
                answered.await(ctx.leaveTimeoutMs(), TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        senders.shutdownNow();
        synchronized (viewChanged)
        {
            viewChanged.notifyAll();
        }
    }

    private void joinAgent()
    {
        boolean interrupted = false;
        while (agent.isAlive())
        {
            try
            {
                agent.join();
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void run()
    {
        final long intervalNs = TimeUnit.MILLISECONDS.toNanos(ctx.heartbeatIntervalMs());
        long nextRoundNs = System.nanoTime();
        while (running)
        {
            try
            {
                final long nowNs = System.nanoTime();
                if (nowNs - nextRoundNs >= 0)
                {
                    sendRound(nowNs);
                    nextRoundNs = nowNs + intervalNs;
                    view.checkLost(nowNs);
                }
                final Answer answer = answers.poll(Math.max(0, nextRoundNs - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (null != answer && running)
                {
                    onAnswer(answer);
                }
            }
            catch (final InterruptedException ex)
            {
                if (running)
                {
                    ctx.errorHandler().onError(ex);
                }
            }
            catch (final RuntimeException ex)
            {
                ctx.errorHandler().onError(ex);
            }
        }
    }

    private void sendRound(final long nowNs)
    {
        final long leaseMs = ctx.leaseTimeoutMs();
        final long granted = grantedLeaseMs;
        final HeartbeatSchedule schedule = new HeartbeatSchedule(client.clientId(), HeartbeatSchedule.renewEveryRounds(
            granted > 0 ? Math.min(leaseMs, granted) : leaseMs, ctx.heartbeatIntervalMs()));
        final List<MembershipView.Heartbeat> heartbeats = view.heartbeatRequests(schedule, round++, nowNs);
        for (final MembershipView.Heartbeat heartbeat : heartbeats)
        {
            final String endpoint = heartbeat.endpoint();
            final MembershipQuery query = heartbeat.query();
            if (!inFlight.add(endpoint))
            {
                continue;
            }
            try
            {
                senders.execute(() ->
                {
                    try
                    {
                        final BlockRequest request = client.sendMembership(endpoint, leaseMs, query, null);
                        request.await();
                        answers.add(new Answer(endpoint, query, request.membership(), null));
                    }
                    catch (final RuntimeException ex)
                    {
                        answers.add(new Answer(endpoint, query, null, ex));
                    }
                });
            }
            catch (final RuntimeException ex)
            {
                inFlight.remove(endpoint);
                if (running)
                {
                    throw ex;
                }
            }
        }
    }

    private void onAnswer(final Answer answer)
    {
        inFlight.remove(answer.endpoint);
        final MembershipSnapshot snapshot = answer.snapshot;
        if (null == snapshot)
        {
            lastFailures.put(answer.endpoint, String.valueOf(answer.failure.getMessage()));
            failureSummary = lastFailures.toString();
            view.onFailedAnswer(answer.endpoint);
            return;
        }

        lastFailures.remove(answer.endpoint);
        grantedLeaseMs = snapshot.grantedLeaseMs();
        switch (snapshot.kind())
        {
            case LEASE_ONLY:
                leaseOnlyAnswers.lazySet(leaseOnlyAnswers.get() + 1);
                break;

            case DELTA:
                deltaAnswers.lazySet(deltaAnswers.get() + 1);
                break;

            default:
                completeAnswers.lazySet(completeAnswers.get() + 1);
                break;
        }
        final boolean listed = view.onAnswer(snapshot, answer.query, System.nanoTime());
        if (!answered && listed)
        {
            synchronized (viewChanged)
            {
                answered = true;
                viewChanged.notifyAll();
            }
        }
    }

    static String names(final List<NodeView> nodes)
    {
        final List<String> names = new ArrayList<>(nodes.size());
        for (final NodeView node : nodes)
        {
            names.add(node.nodeName() + "@" + node.endpoint());
        }
        return names.toString();
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "ClusterClient{clientId=" + Long.toHexString(client.clientId()) + ", bootstrap=" +
            ctx.bootstrapEndpoints() + ", live=" + names(view.liveNodes()) + '}';
    }

    private record Answer(String endpoint, MembershipQuery query, MembershipSnapshot snapshot, RuntimeException failure)
    {
    }

    /**
     * Configuration of a {@link ClusterClient}, with documented defaults. Concluded (checked and frozen) by
     * {@link ClusterClient#connect}; not thread-safe before that.
     */
    public static final class Context implements Cloneable
    {
        /** Default lease, ms: a node frees a client's blocks 10 s after it last heard from the client. */
        public static final long DEFAULT_LEASE_TIMEOUT_MS = 10_000;

        /** Default time to wait for the first node daemon to answer, ms. */
        public static final long DEFAULT_JOIN_TIMEOUT_MS = 10_000;

        /** Default time to wait for nodes to acknowledge a leave on close, ms. */
        public static final long DEFAULT_LEAVE_TIMEOUT_MS = 2_000;

        private List<String> bootstrapEndpoints = List.of();
        private long leaseTimeoutMs = DEFAULT_LEASE_TIMEOUT_MS;
        private long heartbeatIntervalMs;
        private long joinTimeoutMs = DEFAULT_JOIN_TIMEOUT_MS;
        private long leaveTimeoutMs = DEFAULT_LEAVE_TIMEOUT_MS;
        private long lostAfterMs;
        private ErrorHandler errorHandler = (throwable) -> { };
        private boolean concluded;

        /**
         * Check and freeze the settings, filling in the derived defaults.
         *
         * @return this.
         * @throws ConfigurationException if a setting is out of range, naming it and what to do.
         */
        public Context conclude()
        {
            if (concluded)
            {
                return this;
            }
            if (bootstrapEndpoints.isEmpty())
            {
                throw new ConfigurationException("the cluster client needs at least one node daemon endpoint " +
                    "(host:port, as the daemon's ready line prints it): set TierPool.Context.nodes(...)");
            }
            for (final String endpoint : bootstrapEndpoints)
            {
                final int colon = null == endpoint ? -1 : endpoint.lastIndexOf(':');
                if (colon <= 0 || colon == endpoint.length() - 1 || !isPort(endpoint.substring(colon + 1)))
                {
                    throw new ConfigurationException("node daemon endpoint '" + endpoint + "' is not host:port; " +
                        "give each daemon's Aeron endpoint as its ready line prints it, e.g. 127.0.0.1:40501");
                }
            }
            if (leaseTimeoutMs != 0 && leaseTimeoutMs < 1_000)
            {
                throw new ConfigurationException("leaseTimeoutMs must be 0 (an observer that places no blocks) or " +
                    "1000 or more, was " + leaseTimeoutMs);
            }
            if (0 == heartbeatIntervalMs)
            {
                heartbeatIntervalMs = 0 == leaseTimeoutMs ? 1_000 : Math.max(100, Math.min(1_000, leaseTimeoutMs / 4));
            }
            if (heartbeatIntervalMs < 10 || (leaseTimeoutMs > 0 && heartbeatIntervalMs * 2 > leaseTimeoutMs))
            {
                throw new ConfigurationException("heartbeatIntervalMs must be 10 or more and at most half the " +
                    "lease (" + leaseTimeoutMs + " ms), was " + heartbeatIntervalMs);
            }
            if (joinTimeoutMs < 0 || leaveTimeoutMs < 0)
            {
                throw new ConfigurationException("joinTimeoutMs and leaveTimeoutMs must be 0 or more, were " +
                    joinTimeoutMs + " and " + leaveTimeoutMs);
            }
            if (0 == lostAfterMs)
            {
                lostAfterMs = 0 == leaseTimeoutMs ? DEFAULT_LEASE_TIMEOUT_MS : leaseTimeoutMs;
            }
            concluded = true;
            return this;
        }

        /**
         * @return an unconcluded copy with the same settings, for another client ({@code TierPool.open} concludes
         * a copy so that the caller's context stays reusable).
         */
        public Context clone()
        {
            try
            {
                final Context copy = (Context)super.clone();
                copy.concluded = false;
                return copy;
            }
            catch (final CloneNotSupportedException ex)
            {
                throw new IllegalStateException(ex);
            }
        }

        private static boolean isPort(final String text)
        {
            try
            {
                final int port = Integer.parseInt(text);
                return port > 0 && port < 65536;
            }
            catch (final NumberFormatException ex)
            {
                return false;
            }
        }

        /**
         * @param endpoints node daemons' Aeron endpoints, {@code host:port}, to ask first; one live daemon is
         *                  enough, the others are learnt from it. Required.
         * @return this.
         */
        public Context bootstrapEndpoints(final List<String> endpoints)
        {
            this.bootstrapEndpoints = List.copyOf(endpoints);
            return this;
        }

        /**
         * @return the endpoints asked first.
         */
        public List<String> bootstrapEndpoints()
        {
            return bootstrapEndpoints;
        }

        /**
         * @param leaseTimeoutMs how long a node keeps this client's blocks without hearing from it, ms: 0 for an
         *                       observer that places no blocks (such as {@code tierpool top}), else 1000 or more
         *                       (nodes grant 1 s to 10 min). Default {@value #DEFAULT_LEASE_TIMEOUT_MS}.
         * @return this.
         */
        public Context leaseTimeoutMs(final long leaseTimeoutMs)
        {
            this.leaseTimeoutMs = leaseTimeoutMs;
            return this;
        }

        /**
         * @return the lease asked for, ms.
         */
        public long leaseTimeoutMs()
        {
            return leaseTimeoutMs;
        }

        /**
         * @param heartbeatIntervalMs ms between membership requests to each node, 10 or more and at most half the
         *                            lease; 0 (the default) for a quarter of the lease, between 100 and 1000 ms
         *                            (1000 ms for an observer).
         * @return this.
         */
        public Context heartbeatIntervalMs(final long heartbeatIntervalMs)
        {
            this.heartbeatIntervalMs = heartbeatIntervalMs;
            return this;
        }

        /**
         * @return ms between heartbeats.
         */
        public long heartbeatIntervalMs()
        {
            return heartbeatIntervalMs;
        }

        /**
         * @param joinTimeoutMs how long {@link ClusterClient#connect} waits for the first answer, ms, 0 or more.
         *                      Default {@value #DEFAULT_JOIN_TIMEOUT_MS}.
         * @return this.
         */
        public Context joinTimeoutMs(final long joinTimeoutMs)
        {
            this.joinTimeoutMs = joinTimeoutMs;
            return this;
        }

        /**
         * @return how long connect waits, ms.
         */
        public long joinTimeoutMs()
        {
            return joinTimeoutMs;
        }

        /**
         * @param leaveTimeoutMs how long {@link ClusterClient#close()} waits for nodes to acknowledge the leave, ms,
         *                       0 or more. Default {@value #DEFAULT_LEAVE_TIMEOUT_MS}.
         * @return this.
         */
        public Context leaveTimeoutMs(final long leaveTimeoutMs)
        {
            this.leaveTimeoutMs = leaveTimeoutMs;
            return this;
        }

        /**
         * @return how long close waits for leaves, ms.
         */
        public long leaveTimeoutMs()
        {
            return leaveTimeoutMs;
        }

        /**
         * @param lostAfterMs after how long without any answer every node is reported failed, ms; 0 (the default)
         *                    for the lease (10 s for an observer): past it, the nodes have reclaimed this client's
         *                    blocks anyway.
         * @return this.
         */
        public Context lostAfterMs(final long lostAfterMs)
        {
            this.lostAfterMs = lostAfterMs;
            return this;
        }

        /**
         * @return after how long without answers every node is reported failed, ms.
         */
        public long lostAfterMs()
        {
            return lostAfterMs;
        }

        /**
         * @param errorHandler told of failures on the agent thread (a listener that threw); default ignores them.
         * @return this.
         */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
            return this;
        }

        /**
         * @return the error handler.
         */
        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }
    }
}
