/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A node daemon's agent that notices when the daemon was split off from its cluster and brings it back without a
 * restart by hand.
 * <p>
 * Ignite has no quorum: a node daemon cut off long enough to be declared failed sees the others fail in turn, goes
 * on as a cluster of its own, and stays apart after the network heals. This agent remembers the <em>last known
 * cluster</em>: every node daemon seen live since start-up, by name, less those that left cleanly
 * ({@link MembershipListener#onNodeLeft} with {@code failed = false}), and where each one's discovery listens.
 * <pre>
 *                  live &gt;= majority of known                 a missing node's discovery port
 *   +--------+  &lt;------------------------------  +-------+  answers for confirmMs, and it is  +-----------+
 *   | JOINED |                                  | SPLIT |  still not in this daemon's cluster | REJOINING |
 *   +--------+  ------------------------------&gt;  +-------+  ---------------------------------&gt; +-----------+
 *        ^         live &lt; majority of known          (free bytes published as 0)                    |
 *        +----------------------------------------------------------------------------------------+
 *               blocks dropped, Ignite node restarted: fresh node id, joins the main cluster
 * </pre>
 * <b>Split.</b> The daemon is split off when it sees fewer than half of the last known cluster live, or exactly
 * half without the first of them by name (so that of two equal halves one is the majority). While split it
 * reports 0 free bytes ({@link #isSplit()}, which the daemon publishes and answers clients with), so clients rank
 * it after every other node and place no new block on it while any other node takes them. A daemon whose peers
 * really died is split by this rule too: it still serves the blocks it holds and takes new ones when it is the
 * only node left.
 * <p>
 * <b>Probes.</b> While split, each duty cycle ({@link #DEFAULT_PROBE_INTERVAL_MS}) opens and closes a TCP
 * connection to each missing node's discovery addresses ({@link #DEFAULT_CONNECT_TIMEOUT_MS} each) and, with
 * membership TLS, completes a TLS handshake with the cluster's credentials
 * ({@link MembershipSecurity#probe}), so only a member of this cluster counts as an answer. A dead process
 * refuses it and an unreachable host times out; a node that answers and yet is not in this daemon's cluster is in
 * another cluster, the one this daemon was split from. Only when a missing node has answered without a break for
 * {@link #DEFAULT_CONFIRM_MS} does the agent rejoin: longer than a node daemon takes to restart and join, so that a
 * crashed node coming back (which joins this daemon's cluster) is not mistaken for a split.
 * <p>
 * <b>Rejoin.</b> First the {@code beforeRejoin} action runs: the daemon drops every block it holds. The cluster
 * declared this node failed, so every client that follows it has dropped this node's copies and made new ones
 * elsewhere (or counts the block lost); the old copies would never be read again, and none of them can be
 * served stale, since a rewritten block has a new copy generation in its wire key and clients read only from the
 * copies they placed. Then {@link NodeMembership#rejoin()} stops the Ignite node and starts a fresh one (new node id,
 * same name, endpoint and credentials), which joins the main cluster; the Aeron server, the store and the metrics
 * run on throughout. Clients see the old node id fail and a new node join at the same endpoint.
 * <p>
 * Owns its {@link AgentRunner} and thread; {@link #close()} stops and joins them, idempotently. The membership
 * belongs to the caller and is closed after this agent. {@link #isSplit()}, {@link #rejoins()} and
 * {@link #splits()} may be read from any thread.
 */
public final class PartitionHealer implements Agent, AutoCloseable
{
    /** Property: {@code false} turns the agent off (a split-off daemon then stays apart until restarted). */
    public static final String ENABLED_PROP_NAME = "tierpool.cluster.heal";

    /** Property for the probe interval, a duration such as {@code 1s}. */
    public static final String PROBE_INTERVAL_PROP_NAME = "tierpool.cluster.heal.probeInterval";

    /** Property for how long a missing node must answer before the rejoin, a duration such as {@code 5s}. */
    public static final String CONFIRM_PROP_NAME = "tierpool.cluster.heal.confirm";

    /** Default time between duty cycles: 1 s. */
    public static final long DEFAULT_PROBE_INTERVAL_MS = 1_000;

    /** Default time a missing node's discovery must answer without a break before this daemon rejoins: 5 s. */
    public static final long DEFAULT_CONFIRM_MS = 5_000;

    /** Default connect timeout of one probe: 500 ms. */
    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 500;

    private static final Logger LOG = LoggerFactory.getLogger(PartitionHealer.class);

    private final NodeMembership membership;
    private final Runnable beforeRejoin;
    private final String nodeName;
    private final long confirmNs;
    private final int connectTimeoutMs;
    private final LongSupplier nanoClock;
    private final AgentRunner runner;

    // owned by the agent thread
    private final Map<String, List<InetSocketAddress>> known = new HashMap<>();
    private final Map<String, Long> answeringSinceNs = new HashMap<>();

    private final MembershipListener leaves = new MembershipListener()
    {
        public void onNodeJoined(final NodeInfo node)
        {
        }

        public void onNodeLeft(final NodeInfo node, final boolean failed)
        {
            if (!failed)
            {
                synchronized (cleanLeaves)
                {
                    cleanLeaves.add(node.nodeName());
                }
            }
        }
    };
    private final List<String> cleanLeaves = new ArrayList<>();

    private volatile boolean split;
    private final AtomicLong splits = new AtomicLong();
    private final AtomicLong rejoins = new AtomicLong();

    /**
     * Start watching, on a thread of its own, with the intervals of the system properties (defaults above).
     *
     * @param membership   the daemon's membership; owned by the caller, closed after this agent.
     * @param nodeName     the daemon's name, for the thread and the log.
     * @param beforeRejoin run on the agent's thread just before the rejoin: drop the blocks held for clients.
     * @return the running agent.
     */
    public static PartitionHealer start(
        final NodeMembership membership, final String nodeName, final Runnable beforeRejoin)
    {
        return new PartitionHealer(membership, nodeName, beforeRejoin,
            ClusterContext.durationMsProperty(PROBE_INTERVAL_PROP_NAME, DEFAULT_PROBE_INTERVAL_MS),
            ClusterContext.durationMsProperty(CONFIRM_PROP_NAME, DEFAULT_CONFIRM_MS),
            DEFAULT_CONNECT_TIMEOUT_MS, System::nanoTime, true);
    }

    /**
     * @param membership       the daemon's membership.
     * @param nodeName         the daemon's name.
     * @param beforeRejoin     what to do just before the rejoin.
     * @param probeIntervalMs  milliseconds between duty cycles, 1 or more.
     * @param confirmMs        milliseconds a missing node must answer before the rejoin, 0 or more.
     * @param connectTimeoutMs connect timeout of one probe in milliseconds, 1 or more.
     * @param nanoClock        the clock, {@code System::nanoTime} outside tests.
     * @param run              {@code true} to run on a thread of its own; {@code false} leaves calling
     *                         {@link #doWork()} to the caller (tests).
     * @throws IllegalArgumentException if an interval is out of range.
     */
    PartitionHealer(
        final NodeMembership membership,
        final String nodeName,
        final Runnable beforeRejoin,
        final long probeIntervalMs,
        final long confirmMs,
        final long connectTimeoutMs,
        final LongSupplier nanoClock,
        final boolean run)
    {
        if (probeIntervalMs < 1 || confirmMs < 0 || connectTimeoutMs < 1 || connectTimeoutMs > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("probeIntervalMs must be 1 or more, confirmMs 0 or more and " +
                "connectTimeoutMs 1 or more, were " + probeIntervalMs + ", " + confirmMs + ", " + connectTimeoutMs +
                " on node " + nodeName);
        }
        this.membership = membership;
        this.nodeName = nodeName;
        this.beforeRejoin = beforeRejoin;
        this.confirmNs = TimeUnit.MILLISECONDS.toNanos(confirmMs);
        this.connectTimeoutMs = (int)connectTimeoutMs;
        this.nanoClock = nanoClock;
        membership.addListener(leaves);
        this.runner = run ? new AgentRunner(new SleepingMillisIdleStrategy(probeIntervalMs),
            (throwable) -> LOG.warn("node {}: partition check failed; trying again", nodeName, throwable),
            null, this) : null;
        if (null != runner)
        {
            AgentRunner.startOnThread(runner);
        }
    }

    /**
     * @return whether {@link #ENABLED_PROP_NAME} leaves the agent on (the default).
     */
    public static boolean enabled()
    {
        return !"false".equalsIgnoreCase(System.getProperty(ENABLED_PROP_NAME, "true").trim());
    }

    /**
     * @return {@code true} while this daemon sees itself split off from its last known cluster: it then publishes
     * 0 free bytes.
     */
    public boolean isSplit()
    {
        return split;
    }

    /**
     * @return how many times this daemon found itself split off.
     */
    public long splits()
    {
        return splits.get();
    }

    /**
     * @return how many times this daemon rejoined its cluster after a split.
     */
    public long rejoins()
    {
        return rejoins.get();
    }

    /**
     * One duty cycle: learn the live node daemons, decide whether this daemon is split off, probe the missing ones
     * while it is, and rejoin once one has answered for the confirmation time.
     *
     * @return 1 when it rejoined, else 0.
     */
    public int doWork()
    {
        synchronized (cleanLeaves)
        {
            for (final String name : cleanLeaves)
            {
                known.remove(name);
                answeringSinceNs.remove(name);
            }
            cleanLeaves.clear();
        }

        final Map<String, List<InetSocketAddress>> live = membership.discoveryAddressesByName();
        if (live.isEmpty())
        {
            return 0;
        }
        for (final Map.Entry<String, List<InetSocketAddress>> entry : live.entrySet())
        {
            known.put(entry.getKey(), entry.getValue());
            answeringSinceNs.remove(entry.getKey());
        }

        final TreeSet<String> missing = new TreeSet<>(known.keySet());
        missing.removeAll(live.keySet());
        final boolean minority = live.size() * 2 < known.size() ||
            (live.size() * 2 == known.size() && !live.containsKey(new TreeSet<>(known.keySet()).first()));
        if (!minority)
        {
            if (split)
            {
                split = false;
                LOG.info("node {}: sees {} of the {} node daemons of its last known cluster again; takes new " +
                    "blocks again", nodeName, live.size(), known.size());
            }
            answeringSinceNs.clear();
            return 0;
        }
        if (!split)
        {
            split = true;
            splits.incrementAndGet();
            LOG.warn("node {}: split off from its cluster: sees {} of the {} node daemons it last knew (missing " +
                "{}); publishes 0 free bytes so that clients place no new blocks here, and probes the missing " +
                "nodes to rejoin their cluster once the network heals", nodeName, live.size(), known.size(), missing);
        }

        final long nowNs = nanoClock.getAsLong();
        for (final String name : missing)
        {
            if (answers(known.get(name)))
            {
                final long sinceNs = answeringSinceNs.computeIfAbsent(name, (n) -> nowNs);
                if (nowNs - sinceNs >= confirmNs)
                {
                    rejoin(name, live.size(), known.size());
                    return 1;
                }
            }
            else
            {
                answeringSinceNs.remove(name);
            }
        }
        return 0;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "tierpool-partition-healer-" + nodeName;
    }

    /**
     * Stop the agent and join its thread. Idempotent.
     */
    public void close()
    {
        CloseHelper.close(runner);
        membership.removeListener(leaves);
    }

    private void rejoin(final String answering, final int live, final int knownCount)
    {
        LOG.warn("node {}: {} answers at {} but is not in this node's cluster ({} of {} live): the network has " +
            "healed and the cluster goes on without this node. Dropping the blocks held here (the cluster declared " +
            "this node failed and its clients copied them elsewhere) and rejoining with a new node id",
            nodeName, answering, known.get(answering), live, knownCount);
        final UUID oldId = membership.localNodeId();
        beforeRejoin.run();
        final UUID newId = membership.rejoin();
        rejoins.incrementAndGet();
        answeringSinceNs.clear();
        final List<NodeInfo> nodes = membership.liveNodes();
        LOG.warn("node {}: rejoined the cluster as {} (was {}): {} node daemons live", nodeName, newId, oldId,
            nodes.size());
    }


    private boolean answers(final List<InetSocketAddress> addresses)
    {
        if (null == addresses)
        {
            return false;
        }
        for (final InetSocketAddress address : addresses)
        {
            if (membership.membershipSecurity().probe(address, connectTimeoutMs))
            {
                return true;
            }
        }
        return false;
    }
}
