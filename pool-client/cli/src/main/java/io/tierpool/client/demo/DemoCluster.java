/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.demo;

import io.tierpool.node.NodeProcess;
import io.tierpool.node.cluster.MembershipCredentials;
import org.agrona.CloseHelper;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * The demo's node daemons: {@code count} child JVMs running {@code io.tierpool.node.NodeDaemon} on loopback,
 * each with its own ports (see {@link DemoPorts}) and directories (see {@link DemoWorkspace}), started one after
 * the other so that the first becomes the Ignite coordinator before the others join. They join with membership
 * credentials made fresh for the run ({@link MembershipCredentials}, TLS on Ignite's discovery and communication),
 * under the workspace's disk root, so removed with the run's files.
 * <p>
 * <b>Resources.</b> Owns the child processes; {@link #close()} stops them (SIGTERM, then waits). Idempotent and
 * thread-safe, so a shutdown hook may call it while the main thread does.
 */
public final class DemoCluster implements AutoCloseable
{
    /**
     * How long {@link #close()} waits at most for node processes that are still exiting, in ms: 20 s.
     */
    public static final long EXIT_WAIT_MS = 20_000;

    /** The workspace owner under whose disk directory the run's membership credentials go. */
    public static final String MEMBERSHIP_OWNER = "membership";

    private final List<NodeProcess> nodes = new ArrayList<>();
    private boolean closed;

    private DemoCluster()
    {
    }

    /**
     * Starts the node daemons and waits until each reports ready.
     *
     * @param count      node daemons to start, at least 1.
     * @param ports      the run's port plan.
     * @param workspace  where each node's VVRAM, VSSD and Aeron directories go.
     * @param ramBytes   each node's RAM tier, bytes.
     * @param vvramBytes each node's VVRAM tier, bytes.
     * @param vssdBytes  each node's VSSD tier, bytes.
     * @param maxHeap    each node JVM's {@code -Xmx}, e.g. {@code "256m"}.
     * @param secretFile the data-path cluster secret the nodes require ({@code --security on}), or null for an
     *                   open data path.
     * @param status     where to say which node started at which endpoint.
     * @return the running cluster, to be closed by the caller.
     * @throws io.tierpool.client.TierPoolException if a node does not start or does not report ready in time (nodes
     *                                       started so far are stopped first).
     */
    public static DemoCluster start(
        final int count,
        final DemoPorts ports,
        final DemoWorkspace workspace,
        final long ramBytes,
        final long vvramBytes,
        final long vssdBytes,
        final String maxHeap,
        final Path secretFile,
        final PrintStream status)
    {
        final DemoCluster cluster = new DemoCluster();
        try
        {
            final Path credentials = MembershipCredentials.generate(
                workspace.diskDir(MEMBERSHIP_OWNER).resolve("credentials"));
            final Map<String, String> membership = Map.of(
                "TIERPOOL_SECURITY_MEMBERSHIP", "tls",
                "TIERPOOL_SECURITY_MEMBERSHIP_DIR", credentials.toString());
            status.println("tierpool demo: fresh membership credentials for this run (TLS between the node " +
                "daemons, removed with the run's files)");
            for (int index = 1; index <= count; index++)
            {
                final String name = nodeName(index);
                final NodeProcess node = NodeProcess.start(new NodeProcess.Context()
                    .name(name)
                    .environment(membership)
                    .directoryParent(workspace.diskDir(name))
                    .arguments(List.of(
                        "--name", name,
                        "--port", Integer.toString(ports.nodeDataPort(index)),
                        "--discovery-port", Integer.toString(ports.nodeDiscoveryPort(index)),
                        "--communication-port", Integer.toString(ports.nodeCommunicationPort(index)),
                        "--discovery", ports.discoveryAddress(),
                        "--ram", Long.toString(ramBytes),
                        "--vvram", Long.toString(vvramBytes),
                        "--vssd", Long.toString(vssdBytes),
                        "--vvram-dir", workspace.tmpfsDir(name).toString(),
                        "--vssd-dir", workspace.diskDir(name).toString(),
                        "--aeron-dir", workspace.tmpfsDir(name).toString(),
                        "--metrics-port", "0",
                        "--security", null == secretFile ? "off" : "on",
                        "--secret-file", null == secretFile ? "none" : secretFile.toString()))
                    .maxHeap(maxHeap));
                if (!cluster.add(node))
                {
                    throw new CancellationException("the demo was stopped while " + name +
                        " was starting");
                }
                status.println("tierpool demo: " + name + " is up at " + node.endpoint());
            }
            return cluster;
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(cluster);
            throw ex;
        }
    }

    /**
     * @param index the node's number, from 1.
     * @return the node's name, {@code node-<index>}.
     */
    public static String nodeName(final int index)
    {
        return "node-" + index;
    }

    private synchronized boolean add(final NodeProcess node)
    {
        if (closed)
        {
            CloseHelper.quietClose(node);
            return false;
        }
        nodes.add(node);
        return true;
    }

    /**
     * @return the running node processes, in start order.
     */
    public synchronized List<NodeProcess> nodes()
    {
        return List.copyOf(nodes);
    }

    /**
     * Stops every node daemon (SIGTERM, then waits for it to exit; see {@link NodeProcess#close()}), and waits up
     * to {@link #EXIT_WAIT_MS} more for processes that another thread is stopping at the same time (a
     * {@link NodeProcess} shutdown hook), so that the caller can remove their directories afterwards. Idempotent.
     */
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            try
            {
                CloseHelper.closeAll(nodes);
            }
            finally
            {
                awaitExit();
            }
        }
    }

    private void awaitExit()
    {
        final long deadlineMs = System.currentTimeMillis() + EXIT_WAIT_MS;
        for (final NodeProcess node : nodes)
        {
            while (node.isAlive() && System.currentTimeMillis() < deadlineMs)
            {
                try
                {
                    Thread.sleep(20);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
