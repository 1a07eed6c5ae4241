/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import io.tierpool.client.ClusterUnavailableException;

import org.agrona.ErrorHandler;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteState;
import org.apache.ignite.Ignition;
import org.apache.ignite.IgnitionListener;
import org.apache.ignite.failure.FailureContext;
import org.apache.ignite.failure.StopNodeFailureHandler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One running Ignite node (server or client) with its own work directory and {@link MembershipTracker}: what
 * {@link NodeMembership} and {@link ClusterView} share.
 * <p>
 * Ignite's default failure handler halts the JVM on a critical failure; a member instead stops only its Ignite
 * node and reports the loss to listeners ({@link MembershipListener#onDisconnected}), so an application that
 * embeds a client is never halted by it.
 */
final class IgniteMember implements AutoCloseable
{
    private final String instanceName;
    private final Ignite ignite;
    private final UUID localNodeId;
    private final Path workDirectory;
    private final MembershipTracker tracker;
    private final IgnitionListener stopListener;
    private final ErrorHandler errorHandler;
    private final List<String> discoveryAddresses;
    private boolean closed;

    private IgniteMember(
        final String instanceName,
        final Ignite ignite,
        final Path workDirectory,
        final MembershipTracker tracker,
        final IgnitionListener stopListener,
        final ErrorHandler errorHandler,
        final List<String> discoveryAddresses)
    {
        this.discoveryAddresses = discoveryAddresses;
        this.instanceName = instanceName;
        this.ignite = ignite;
        this.localNodeId = ignite.cluster().localNode().id();
        this.workDirectory = workDirectory;
        this.tracker = tracker;
        this.stopListener = stopListener;
        this.errorHandler = errorHandler;
    }

    /**
     * Start an Ignite node and wait until it has joined the cluster.
     *
     * @param ctx        concluded configuration.
     * @param role       {@link NodeInfo#ROLE_NODE} or {@link NodeInfo#ROLE_CLIENT}.
     * @param attributes user attributes to publish, the role included.
     * @return the running member.
     * @throws ClusterUnavailableException if Ignite fails to start or, for a client, to join in time.
     */
    static IgniteMember start(final ClusterContext ctx, final String role, final Map<String, Object> attributes)
    {
        return start(ctx, role, attributes, null);
    }

    /**
     * As {@link #start(ClusterContext, String, Map)}, under a node id chosen by the caller.
     *
     * @param nodeId the Ignite node id to start with, or null for a random one (Ignite's default).
     */
    @SuppressWarnings("deprecation") // IgniteConfiguration.setNodeId: Ignite 2.17 still honours it at start.
    static IgniteMember start(
        final ClusterContext ctx, final String role, final Map<String, Object> attributes, final UUID nodeId)
    {
        final boolean clientMode = NodeInfo.ROLE_CLIENT.equals(role);
        final String instanceName = ctx.resolveInstanceName(role);
        final MembershipTracker tracker = new MembershipTracker(ctx.errorHandler());
        final IgnitionListener stopListener = (name, state) ->
        {
            if (instanceName.equals(name) && IgniteState.STARTED != state)
            {
                tracker.lost("Ignite stopped the local member (" + state + ")");
            }
        };

        final Path workDirectory;
        try
        {
            workDirectory = IgniteWorkDirectory.create(ctx.workDirectory());
        }
        catch (final IOException ex)
        {
            throw new ClusterUnavailableException("cannot create an Ignite work directory under " +
                ctx.workDirectory() + " for " + role + " " + instanceName + ": " + ex, ex);
        }

        Ignite ignite = null;
        try
        {
            final StopNodeFailureHandler failureHandler = new StopNodeFailureHandler()
            {
                public boolean handle(final Ignite failed, final FailureContext failureCtx)
                {
                    tracker.lost("Ignite stopped the local member after a critical failure: " + failureCtx);
                    return super.handle(failed, failureCtx);
                }
            };

            ignite = Ignition.start(ctx.igniteConfiguration(
                instanceName, clientMode, attributes, workDirectory, tracker, failureHandler).setNodeId(nodeId));
            Ignition.addListener(stopListener);
            tracker.sync(ignite.cluster().nodes());

            return new IgniteMember(instanceName, ignite, workDirectory, tracker, stopListener, ctx.errorHandler(), ctx.discoveryAddresses());
        }
        catch (final Throwable ex)
        {
            Ignition.removeListener(stopListener);
            if (null != ignite)
            {
                quietStop(ignite);
            }
            quietDelete(workDirectory);

            throw new ClusterUnavailableException(startFailureMessage(ctx, clientMode, instanceName, ex), ex);
        }
    }

    UUID localNodeId()
    {
        return localNodeId;
    }

    Ignite ignite()
    {
        return ignite;
    }

    MembershipTracker tracker()
    {
        return tracker;
    }

    Path workDirectory()
    {
        return workDirectory;
    }

    List<String> discoveryAddresses()
    {
        return discoveryAddresses;
    }

    /**
     * @return when the cluster this member is in was started, as its discovery says (ms since the epoch); a
     * cluster formed anew (ZooKeeper discovery after every member's session expired) has a new one.
     */
    long clusterStartTime()
    {
        return ignite.configuration().getDiscoverySpi().getGridStartTime();
    }

    String instanceName()
    {
        return instanceName;
    }

    boolean isConnected()
    {
        return !isClosed() && null == tracker.lostReason();
    }

    synchronized boolean isClosed()
    {
        return closed;
    }

    List<NodeInfo> liveNodes()
    {
        return tracker.liveNodes();
    }

    /**
     * @param count     node daemons to wait for, 1 or more.
     * @param timeoutMs 0 or more.
     * @param who       the waiting member, for messages.
     * @return the live nodes once there are enough.
     */
    List<NodeInfo> awaitNodes(final int count, final long timeoutMs, final String who)
    {
        if (count < 1)
        {
            throw new IllegalArgumentException("count must be 1 or more, was " + count);
        }
        if (timeoutMs < 0)
        {
            throw new IllegalArgumentException("timeoutMs must be 0 or more, was " + timeoutMs);
        }

        final List<NodeInfo> nodes;
        try
        {
            nodes = tracker.awaitNodes(count, timeoutMs);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + who + " waited for " + count + " node daemons", ex);
        }

        if (null != nodes)
        {
            return nodes;
        }

        final String lostReason = tracker.lostReason();
        if (isClosed())
        {
            throw new IllegalStateException(who + " was closed while waiting for " + count + " node daemons");
        }

        final List<NodeInfo> live = liveNodes();
        throw new ClusterUnavailableException(
            who + " found " + live.size() + " of the " + count + " node daemons it needs" +
            (null != lostReason ? " before it lost the cluster (" + lostReason + ")" : " within " + timeoutMs + " ms") +
            "; live: " + describe(live) + "; discovery addresses tried: " + discoveryAddresses + ". " +
            startHint());
    }

    /**
     * Stop the Ignite node (cancelling whatever it was doing) and delete the work directory. Idempotent.
     */
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }

        tracker.close();
        Ignition.removeListener(stopListener);
        try
        {
            ignite.close();
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(ex);
        }

        try
        {
            IgniteWorkDirectory.delete(workDirectory);
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(new IOException("could not remove Ignite work directory " + workDirectory +
                " of " + instanceName + ": " + ex, ex));
        }
    }

    static String startHint()
    {
        return "Start node daemons (e.g. deploy/local-cluster.sh up 2, or ./tierpool demo for an embedded cluster) " +
            "or point " + ClusterContext.DISCOVERY_ADDRESSES_PROP_NAME + " at running ones.";
    }

    private static String startFailureMessage(
        final ClusterContext ctx, final boolean clientMode, final String instanceName, final Throwable ex)
    {
        if (clientMode)
        {
            return "client " + instanceName + " could not join the TierPool cluster (join timeout " +
                ctx.clientJoinTimeoutMs() + " ms): no node daemon accepted it at discovery addresses " +
                ctx.discoveryAddresses() + ". " + startHint() + " Cause: " + rootMessage(ex);
        }

        final String refusal = ctx.membershipSecurity().joinRefusal(ex);
        if (null != refusal)
        {
            return "node daemon " + instanceName + " could not join the cluster at " + ctx.discoveryAddresses() +
                ": " + refusal + ". Cause: " + rootMessage(ex);
        }

        final String zookeeper = ctx.discovery().zookeeperDescription();
        if (null != zookeeper)
        {
            return "node daemon " + instanceName + " could not join the cluster through " + zookeeper + ", " +
                "communication on " + ctx.localAddress() + ":" + ctx.communicationPort() + "+" +
                ctx.communicationPortRange() + ". Check that the ZooKeeper servers are up and reachable from this " +
                "machine and the communication ports free. Cause: " + rootMessage(ex);
        }

        return "node daemon " + instanceName + " could not join the cluster: discovery on " + ctx.localAddress() +
            ":" + ctx.discoveryPort() + "+" + ctx.discoveryPortRange() + ", communication on " +
            ctx.localAddress() + ":" + ctx.communicationPort() + "+" + ctx.communicationPortRange() +
            ", discovery addresses " + ctx.discoveryAddresses() + ". Check that the ports are free and the " +
            "addresses reachable. Cause: " + rootMessage(ex);
    }

    private static String rootMessage(final Throwable ex)
    {
        Throwable root = ex;
        while (null != root.getCause() && root.getCause() != root)
        {
            root = root.getCause();
        }

        return root == ex ? String.valueOf(ex) : ex + " (root: " + root + ")";
    }

    private static void quietStop(final Ignite ignite)
    {
        try
        {
            ignite.close();
        }
        catch (final Throwable ignore)
        {
            // Already failing: the start failure is what the caller needs to see.
        }
    }

    private static void quietDelete(final Path dir)
    {
        try
        {
            IgniteWorkDirectory.delete(dir);
        }
        catch (final Throwable ignore)
        {
            // Already failing; a stale directory is removed by the next member started under the same parent.
        }
    }

    private static String describe(final List<NodeInfo> nodes)
    {
        final StringBuilder sb = new StringBuilder("[");
        for (final NodeInfo node : nodes)
        {
            if (sb.length() > 1)
            {
                sb.append(", ");
            }
            sb.append(node.nodeName()).append('@').append(node.endpoint());
        }

        return sb.append(']').toString();
    }
}
