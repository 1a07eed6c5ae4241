/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import io.tierpool.client.ConfigurationException;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A node daemon's agent that brings it back into its cluster after Ignite's ZooKeeper discovery segmented it:
 * its ZooKeeper session expired because the ensemble was unreachable for longer than
 * {@code discovery.zookeeper.session.timeout} (the whole ensemble down, or this daemon cut off from it).
 * <p>
 * Ignite's {@code ZookeeperDiscoverySpi} never reconnects a server node: once its connection to ZooKeeper has been
 * lost for the session timeout it fires {@code EVT_NODE_SEGMENTED} and Ignite stops its node (failure type
 * {@code SEGMENTATION}; {@code ZookeeperDiscoveryImpl} logs "Connection to Zookeeper server is lost, local node
 * SEGMENTED"; only client nodes reconnect, under a new id). Without this agent the daemon then exits. With it the
 * daemon keeps running: its Aeron server and block store serve on throughout, and this agent rejoins.
 * <pre>
 *              Ignite segmented (session lost)          a ZooKeeper session opens and every member registered
 *   +--------+ ----------------------------&gt; +------+  was created after the loss (or none is): rejoin under
 *   | JOINED |                               | LOST |  the old node id, keep every block, HOLD the last known
 *   +--------+ &lt;---------------------------- +------+  view until all are back or the hold time has passed
 *              members older than the loss still registered for a session timeout: the cluster went on without this
 *              daemon; drop the blocks held for clients, rejoin under a fresh node id
 * </pre>
 * <b>Lost.</b> From the segmentation on, until it rejoins, the daemon answers clients' membership requests with
 * the <em>last known view</em>: the node daemons live just before the loss ({@link #reportedNodes()}). With
 * ZooKeeper unreachable nobody can tell which daemons are up; reporting them all failed would make every client
 * strike every copy and count its blocks lost, while the daemons, which still serve them, are all there.
 * <p>
 * <b>Probe.</b> Each duty cycle ({@link #DEFAULT_PROBE_INTERVAL_MS}) while lost it opens a ZooKeeper session to the
 * configured ensemble ({@link #DEFAULT_PROBE_TIMEOUT_MS} at most), lists Ignite's live server members under the
 * root ({@code <root>/n}) with their creation times, and closes the session. While its own old registration is
 * still there (a restarted ensemble restores every session and expires it a session timeout later) it waits:
 * Ignite would not admit its id, and another member's registration may be just as stale.
 * <p>
 * <b>Rejoin.</b> Two cases, told apart by whether any member registered before this daemon lost its session is
 * still registered (on two probes in a row, so that stale registrations expiring with its own are not taken for
 * live ones):
 * <ul>
 *     <li><b>none is: every member's session expired</b> (the whole ensemble was out of reach). Nobody declared
 *     anything failed while ZooKeeper was down, no client re-replicated, and each daemon's copies are the only
 *     ones: dropping them would lose every block. The daemon starts a new Ignite node under the node id it had
 *     (same name, endpoint, capacity, credentials), keeps every block, and, the others doing the same, the clients'
 *     replica sets stay valid. The first daemon back forms the cluster anew; until every daemon of its last known
 *     view is back (or {@link #DEFAULT_HOLD_MIN_MS} / three session timeouts pass, {@link #HOLD_PROP_NAME}) each
 *     goes on reporting the missing ones, so that clients do not strike daemons still rejoining; one not back by
 *     then is reported gone and clients re-replicate. Logs {@code rejoined the cluster under its old node id ...
 *     kept its blocks}.</li>
 *     <li><b>some are: the cluster went on</b> without this daemon (only it was cut off). The others declared its
 *     node id failed and their clients copied its blocks elsewhere. Ignite cannot take that id back (the members
 *     keep per-id communication state: a node rejoining under a failed id hangs in its first partition map
 *     exchange, "Failed to wait for recovery descriptor reservation"), and clients never use a departed id again.
 *     As {@link PartitionHealer} does, the daemon drops every block it holds for clients (ending their leases) and
 *     rejoins under a fresh node id, which clients take as a new node. A stale copy is never served: clients read
 *     only from the copies they placed, and a rewritten block carries a new generation in its wire key. Logs
 *     {@code rejoined the cluster as a new node}.</li>
 * </ul>
 * "Registered before the loss" compares the member znode's creation time (the ZooKeeper leader's clock) with this
 * daemon's clock at the loss less half the session timeout, so daemons' and ZooKeeper servers' clocks must agree
 * within half the session timeout (NTP does). Should a rejoin under the old id land in a cluster that was not formed
 * anew after all (Ignite's cluster start time unchanged), the daemon drops its blocks and rejoins under a fresh id.
 * A rejoin that fails (the ensemble lost again, a join refused) leaves the daemon lost; it tries again next cycle.
 * <p>
 * Owns its {@link AgentRunner} and thread; {@link #close()} stops and joins them, idempotently. The membership
 * belongs to the caller and is closed after this agent. {@link #reportedNodes()}, {@link #isLost()},
 * {@link #rejoins()} may be read from any thread.
 */
public final class ZooKeeperHealer implements Agent, AutoCloseable
{
    /** Property for how long a rejoined daemon reports the daemons of its last known view, a duration. */
    public static final String HOLD_PROP_NAME = "tierpool.cluster.heal.hold";

    /** Default time between duty cycles: 1 s ({@link PartitionHealer#PROBE_INTERVAL_PROP_NAME} changes it). */
    public static final long DEFAULT_PROBE_INTERVAL_MS = 1_000;

    /** Longest wait for a probe's ZooKeeper session to open: 2 s. */
    public static final long DEFAULT_PROBE_TIMEOUT_MS = 2_000;

    /** Least hold time after a rejoin into a cluster formed anew: 30 s (three session timeouts if longer). */
    public static final long DEFAULT_HOLD_MIN_MS = 30_000;

    /** Ignite's znode of live members under the root ({@code ZkIgnitePaths.ALIVE_NODES_DIR}). */
    static final String ALIVE_NODES_DIR = "n";

    private static final int UNREACHABLE = 0;
    private static final int WAIT = 1;
    private static final int WENT_ON = 2;
    private static final int ALL_EXPIRED = 3;
    private static final int UUID_LENGTH = 36;

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperHealer.class);
    private static final Comparator<NodeInfo> BY_NAME =
        Comparator.comparing(NodeInfo::nodeName).thenComparing(NodeInfo::nodeId);

    private final NodeMembership membership;
    private final String nodeName;
    private final String zookeeperConnect;
    private final String aliveNodesPath;
    private final int sessionTimeoutMs;
    private final long probeTimeoutMs;
    private final long holdNs;
    private final Runnable beforeFreshRejoin;
    private final LongSupplier nanoClock;
    private final AgentRunner runner;
    private final MembershipListener listener = new MembershipListener()
    {
        public void onNodeJoined(final NodeInfo node)
        {
            remember();
        }

        public void onNodeLeft(final NodeInfo node, final boolean failed)
        {
            remember();
        }

        public void onDisconnected(final String reason)
        {
            onLost(reason);
        }
    };

    private volatile List<NodeInfo> lastView;
    private volatile List<NodeInfo> held;
    private volatile boolean lost;
    private volatile boolean rejoining;
    private volatile long rejoins;
    private volatile long freshRejoins;
    private long clusterStartTime;
    private long lostAtNs;
    private long lostAtWallMs;
    private int oldMembersSeen;
    private long oldMembersSinceNs;
    private long holdUntilNs;

    /**
     * Start watching, on a thread of its own, with the probe interval and hold time of the system properties.
     *
     * @param membership        the daemon's membership under ZooKeeper discovery; owned by the caller, closed
     *                          after this agent.
     * @param nodeName          the daemon's name, for the thread and the log.
     * @param discovery         the concluded discovery settings (ZooKeeper connect string and session timeout).
     * @param beforeFreshRejoin run on the agent's thread before a rejoin under a fresh id: drop the blocks held for
     *                          clients.
     * @return the running agent.
     * @throws ConfigurationException if a property is not a duration.
     */
    public static ZooKeeperHealer start(
        final NodeMembership membership,
        final String nodeName,
        final DiscoveryFactory discovery,
        final Runnable beforeFreshRejoin)
    {
        final long sessionTimeoutMs = discovery.zookeeperSessionTimeoutMs();
        return new ZooKeeperHealer(membership, nodeName, discovery.zookeeperConnect(),
            discovery.zookeeperRootPath(), (int)sessionTimeoutMs,
            beforeFreshRejoin,
            ClusterContext.durationMsProperty(PartitionHealer.PROBE_INTERVAL_PROP_NAME, DEFAULT_PROBE_INTERVAL_MS),
            DEFAULT_PROBE_TIMEOUT_MS,
            ClusterContext.durationMsProperty(HOLD_PROP_NAME, Math.max(DEFAULT_HOLD_MIN_MS, 3 * sessionTimeoutMs)),
            System::nanoTime, true);
    }

    /**
     * @param membership        the daemon's membership.
     * @param nodeName          the daemon's name.
     * @param zookeeperConnect  the ensemble, {@code host:port,...}.
     * @param rootPath          the cluster's ZooKeeper root path.
     * @param sessionTimeoutMs  the probe session's timeout, ms.
     * @param beforeFreshRejoin what to do before a rejoin under a fresh id.
     * @param probeIntervalMs   ms between duty cycles, 1 or more.
     * @param probeTimeoutMs    ms a probe waits for its session, 1 or more.
     * @param holdMs            ms a rejoined daemon reports the missing daemons of its last known view, 0 or more.
     * @param nanoClock         the clock, {@code System::nanoTime} outside tests.
     * @param run               {@code true} to run on a thread of its own; {@code false} leaves calling
     *                          {@link #doWork()} to the caller.
     * @throws IllegalArgumentException if a time is out of range.
     */
    ZooKeeperHealer(
        final NodeMembership membership,
        final String nodeName,
        final String zookeeperConnect,
        final String rootPath,
        final int sessionTimeoutMs,
        final Runnable beforeFreshRejoin,
        final long probeIntervalMs,
        final long probeTimeoutMs,
        final long holdMs,
        final LongSupplier nanoClock,
        final boolean run)
    {
        if (probeIntervalMs < 1 || probeTimeoutMs < 1 || holdMs < 0)
        {
            throw new IllegalArgumentException("probeIntervalMs and probeTimeoutMs must be 1 or more and holdMs 0 " +
                "or more, were " + probeIntervalMs + ", " + probeTimeoutMs + ", " + holdMs + " on node " + nodeName);
        }
        this.membership = membership;
        this.nodeName = nodeName;
        this.zookeeperConnect = zookeeperConnect;
        this.aliveNodesPath = ("/".equals(rootPath) ? "" : rootPath) + "/" + ALIVE_NODES_DIR;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.probeTimeoutMs = probeTimeoutMs;
        this.holdNs = TimeUnit.MILLISECONDS.toNanos(holdMs);
        this.beforeFreshRejoin = beforeFreshRejoin;
        this.nanoClock = nanoClock;
        this.lastView = membership.liveNodes();
        this.clusterStartTime = membership.clusterStartTime();
        membership.addListener(listener);
        remember();
        this.runner = run ? new AgentRunner(new SleepingMillisIdleStrategy(probeIntervalMs),
            (throwable) -> LOG.warn("node {}: ZooKeeper heal check failed; trying again", nodeName, throwable),
            null, this) : null;
        if (null != runner)
        {
            AgentRunner.startOnThread(runner);
        }
    }

    /**
     * What the daemon answers clients' membership requests with: the live node daemons while joined; the last known
     * view while lost; after a rejoin into a cluster formed anew, the live ones and those of the last known view not
     * back yet, until all are back or the hold time has passed.
     *
     * @return node daemons sorted by name; an immutable snapshot.
     */
    public List<NodeInfo> reportedNodes()
    {
        final List<NodeInfo> hold = held;
        if (null == hold)
        {
            return membership.liveNodes();
        }
        if (lost)
        {
            return hold;
        }
        return merge(membership.liveNodes(), hold);
    }

    /**
     * @return {@code true} from the segmentation until the rejoin.
     */
    public boolean isLost()
    {
        return lost;
    }

    /**
     * @return how many times this daemon rejoined after losing its ZooKeeper session.
     */
    public long rejoins()
    {
        return rejoins;
    }

    /**
     * @return how many of those rejoins were under a fresh node id, its blocks dropped.
     */
    public long freshRejoins()
    {
        return freshRejoins;
    }

    /**
     * One duty cycle: while lost, probe the ensemble and rejoin once it answers; after a rejoin into a cluster formed
     * anew, end the hold once every daemon of the last known view is back or the hold time has passed.
     *
     * @return 1 when it rejoined, else 0.
     */
    public int doWork()
    {
        if (!lost)
        {
            endHoldIfDue();
            return 0;
        }
        final UUID oldId = membership.localNodeId();
        final int ensemble = ensembleState(oldId);
        if (UNREACHABLE == ensemble || WAIT == ensemble)
        {
            return 0;
        }

        final List<NodeInfo> lastKnown = held;
        final long outageMs = TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - lostAtNs);
        lost = false;
        rejoining = true;
        try
        {
            boolean wentOn = WENT_ON == ensemble;
            if (!wentOn)
            {
                LOG.info("node {}: ZooKeeper at {} answers again and every member of the cluster has expired; " +
                    "rejoining under node id {}", nodeName, zookeeperConnect, oldId);
                membership.rejoin(oldId);
                // Defensive: a member that outlived the outage unseen by the check above keeps the cluster going.
                wentOn = membership.clusterStartTime() == clusterStartTime;
            }
            if (wentOn)
            {
                LOG.warn("node {}: its cluster went on without it (only this daemon lost its ZooKeeper session): " +
                    "the others declared node id {} failed and their clients copied its blocks elsewhere. Dropping " +
                    "the blocks held here and rejoining with a new node id", nodeName, oldId);
                beforeFreshRejoin.run();
                final UUID newId = membership.rejoin((UUID)null);
                clusterStartTime = membership.clusterStartTime();
                held = null;
                freshRejoins++;
                rejoins++;
                LOG.warn("node {}: rejoined the cluster as a new node {} (was {}) {} ms after losing it: {} node " +
                    "daemons live", nodeName, newId, oldId, outageMs, membership.liveNodes().size());
            }
            else
            {
                clusterStartTime = membership.clusterStartTime();
                holdUntilNs = nanoClock.getAsLong() + holdNs;
                rejoins++;
                LOG.warn("node {}: rejoined the cluster under its old node id {} {} ms after losing it; the " +
                    "cluster was formed anew (every daemon's ZooKeeper session expired, nobody re-replicated), so " +
                    "it kept its blocks; {} node daemons live, reporting the {} of its last known view to clients " +
                    "until they are back", nodeName, oldId, outageMs, membership.liveNodes().size(),
                    null == lastKnown ? 0 : lastKnown.size());
            }
            oldMembersSeen = 0;
            return 1;
        }
        catch (final RuntimeException ex)
        {
            lost = true;
            LOG.warn("node {}: could not rejoin the cluster through ZooKeeper at {}; trying again: {}", nodeName,
                zookeeperConnect, ex.toString());
            return 0;
        }
        finally
        {
            rejoining = false;
        }
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "tierpool-zookeeper-healer-" + nodeName;
    }

    /**
     * Stop the agent and join its thread. Idempotent.
     */
    public void close()
    {
        CloseHelper.close(runner);
        membership.removeListener(listener);
    }

    private void remember()
    {
        if (membership.isConnected())
        {
            lastView = membership.liveNodes();
        }
    }

    private void onLost(final String reason)
    {
        if (lost || rejoining)
        {
            return;
        }
        if (null == held)
        {
            held = lastView;
        }
        lostAtNs = nanoClock.getAsLong();
        lostAtWallMs = System.currentTimeMillis();
        oldMembersSeen = 0;
        lost = true;
        LOG.warn("node {} lost the cluster ({}); keeps serving its blocks and answering clients with the {} node " +
            "daemons it last knew, and rejoins once ZooKeeper at {} answers", nodeName, reason, held.size(),
            zookeeperConnect);
    }

    private void endHoldIfDue()
    {
        final List<NodeInfo> hold = held;
        if (null == hold)
        {
            return;
        }
        final Set<UUID> live = new HashSet<>();
        for (final NodeInfo node : membership.liveNodes())
        {
            live.add(node.nodeId());
        }
        final List<String> missing = new ArrayList<>();
        for (final NodeInfo node : hold)
        {
            if (!live.contains(node.nodeId()))
            {
                missing.add(node.nodeName());
            }
        }
        if (missing.isEmpty())
        {
            held = null;
            LOG.info("node {}: every node daemon of its last known view is back", nodeName);
        }
        else if (nanoClock.getAsLong() - holdUntilNs >= 0)
        {
            held = null;
            LOG.warn("node {}: {} did not rejoin within {} ms after the ZooKeeper outage; no longer reported to " +
                "clients, which copy their blocks elsewhere", nodeName, missing, TimeUnit.NANOSECONDS.toMillis(holdNs));
        }
    }

    private static List<NodeInfo> merge(final List<NodeInfo> live, final List<NodeInfo> hold)
    {
        final Set<UUID> ids = new HashSet<>();
        final Set<String> names = new HashSet<>();
        final List<NodeInfo> nodes = new ArrayList<>(live);
        for (final NodeInfo node : live)
        {
            ids.add(node.nodeId());
            names.add(node.nodeName());
        }
        for (final NodeInfo node : hold)
        {
            if (!ids.contains(node.nodeId()) && !names.contains(node.nodeName()))
            {
                nodes.add(node);
            }
        }
        nodes.sort(BY_NAME);
        return List.copyOf(nodes);
    }

    /**
     * Open a ZooKeeper session (closed again before returning) and read Ignite's live server members under the root
     * ({@code <root>/n}, children named {@code <prefix>:<node id>:<flags>|<sequence>}; client members skipped).
     * <ul>
     *     <li>{@link #UNREACHABLE}: no session within the probe timeout.</li>
     *     <li>{@link #WAIT}: this daemon's own old member is still registered (its session, restored by a
     *     restarted ensemble, has not expired yet: neither the old cluster nor a new one can be joined under its
     *     id), or members older than the loss have been seen for less than a session timeout (they may be such
     *     stale ones, expiring with it).</li>
     *     <li>{@link #WENT_ON}: members created before this daemon lost its session have been registered on every
     *     probe for a session timeout: their sessions never expired, the cluster went on without this daemon.</li>
     *     <li>{@link #ALL_EXPIRED}: every member registered was created after the loss (daemons that rejoined a
     *     cluster formed anew), or none is.</li>
     * </ul>
     * "Created before the loss" compares each member znode's creation time (the ZooKeeper leader's clock) with
     * this daemon's clock at the loss less half the session timeout: a member of the old cluster registered at
     * least a session timeout before the loss, one that rejoined after the ensemble came back registered after
     * it, so clocks may differ by up to half the session timeout.
     */
    private int ensembleState(final UUID oldId)
    {
        final CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = null;
        try
        {
            zk = new ZooKeeper(zookeeperConnect, sessionTimeoutMs, (event) ->
            {
                if (Watcher.Event.KeeperState.SyncConnected == event.getState())
                {
                    connected.countDown();
                }
            });
            if (!connected.await(probeTimeoutMs, TimeUnit.MILLISECONDS))
            {
                return UNREACHABLE;
            }
            List<String> children;
            try
            {
                children = zk.getChildren(aliveNodesPath, false);
            }
            catch (final KeeperException.NoNodeException ex)
            {
                children = List.of();
            }
            final long olderThanMs = lostAtWallMs - sessionTimeoutMs / 2;
            boolean ownPresent = false;
            final List<String> older = new ArrayList<>();
            for (final String child : children)
            {
                final int idStart = child.indexOf(':') + 1;
                final int flagsStart = child.lastIndexOf(':') + 1;
                if (idStart <= 0 || child.length() < idStart + UUID_LENGTH || flagsStart + 2 > child.length())
                {
                    continue;
                }
                final int flags = Integer.parseInt(child.substring(flagsStart, flagsStart + 2), 16) - 128;
                if (0 != (flags & 1))
                {
                    continue; // an Ignite client node: it does not keep a cluster going
                }
                final UUID id = UUID.fromString(child.substring(idStart, idStart + UUID_LENGTH));
                if (id.equals(oldId))
                {
                    ownPresent = true;
                    continue;
                }
                final Stat stat = zk.exists(aliveNodesPath + "/" + child, false);
                if (null != stat && stat.getCtime() < olderThanMs)
                {
                    older.add(id.toString());
                }
            }
            if (ownPresent)
            {
                LOG.info("node {}: ZooKeeper answers; waiting for its old session's registration to expire", nodeName);
                oldMembersSeen = 0;
                return WAIT;
            }
            if (!older.isEmpty())
            {
                final long nowNs = nanoClock.getAsLong();
                if (0 == oldMembersSeen++)
                {
                    oldMembersSinceNs = nowNs;
                }
                LOG.info("node {}: ZooKeeper answers; members registered before it lost its session: {}", nodeName,
                    older);
                return oldMembersSeen >= 2 && nowNs - oldMembersSinceNs >= TimeUnit.MILLISECONDS.toNanos(
                    sessionTimeoutMs) ? WENT_ON : WAIT;
            }
            oldMembersSeen = 0;
            return ALL_EXPIRED;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return UNREACHABLE;
        }
        catch (final Exception ex)
        {
            LOG.debug("node {}: ZooKeeper probe at {} failed", nodeName, zookeeperConnect, ex);
            return UNREACHABLE;
        }
        finally
        {
            if (null != zk)
            {
                try
                {
                    zk.close();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

}
