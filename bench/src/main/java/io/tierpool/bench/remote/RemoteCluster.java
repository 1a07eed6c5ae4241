/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.remote;

import io.tierpool.node.NodeProcess;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The node daemons of a {@code bench remote} run: child JVMs running {@code io.tierpool.node.NodeDaemon} on
 * loopback, on the ports of a {@link RemotePorts} plan, with far memory in their RAM tier only (no VVRAM and no
 * VSSD, so that the figures measure the network path, not a node's disk), started one after the other so that
 * the first becomes the Ignite coordinator before the others join.
 * <p>
 * <b>Resources.</b> Owns the child processes; their directories are made under the caller's, which the caller
 * removes. {@link #close()} stops every node (SIGTERM, then waits, see {@link NodeProcess#close()}); idempotent.
 * Not thread-safe.
 */
public final class RemoteCluster implements AutoCloseable
{
    private final List<NodeProcess> nodes = new ArrayList<>();

    private RemoteCluster()
    {
    }

    /**
     * Starts the node daemons and waits until each reports ready.
     *
     * @param ports    the run's port plan; {@link RemotePorts#nodes()} daemons are started.
     * @param ramBytes each node's RAM tier, bytes.
     * @param maxHeap  each node JVM's {@code -Xmx}, e.g. {@code "256m"}.
     * @param tmpfsDir parent of the nodes' Aeron directories (tmpfs), existing.
     * @param diskDir  parent of the nodes' process directories and VSSD directories, existing.
     * @param log      where to say which node is up.
     * @return the running nodes, to be closed by the caller.
     * @throws io.tierpool.client.TierPoolException if a node does not start or does not report ready in time (the nodes
     *                                       started so far are stopped first).
     * @throws UncheckedIOException          if a node's directory cannot be made.
     */
    public static RemoteCluster start(
        final RemotePorts ports,
        final long ramBytes,
        final String maxHeap,
        final Path tmpfsDir,
        final Path diskDir,
        final PrintStream log)
    {
        return start(ports, ramBytes, maxHeap, tmpfsDir, diskDir, List.of(), log);
    }

    /**
     * As {@link #start(RemotePorts, long, String, Path, Path, PrintStream)}, with further daemon flags for every
     * node (such as {@code --security on --secret-file FILE}).
     *
     * @param extraArguments flags appended to each daemon's command line.
     * @return the running cluster, to be closed by the caller.
     */
    public static RemoteCluster start(
        final RemotePorts ports,
        final long ramBytes,
        final String maxHeap,
        final Path tmpfsDir,
        final Path diskDir,
        final List<String> extraArguments,
        final PrintStream log)
    {
        final RemoteCluster cluster = new RemoteCluster();
        try
        {
            for (int node = 1; node <= ports.nodes(); node++)
            {
                final String name = "node-" + node;
                final Path tmpfs = directory(tmpfsDir, name);
                final Path disk = directory(diskDir, name);
                cluster.nodes.add(NodeProcess.start(new NodeProcess.Context()
                    .name(name)
                    .directoryParent(disk)
                    .arguments(concat(List.of(
                        "--name", name,
                        "--port", Integer.toString(ports.nodeDataPort(node)),
                        "--discovery-port", Integer.toString(ports.nodeDiscoveryPort(node)),
                        "--communication-port", Integer.toString(ports.nodeCommunicationPort(node)),
                        "--discovery", ports.discoveryAddress(),
                        "--ram", Long.toString(ramBytes),
                        "--vvram", "0",
                        "--vssd", "0",
                        "--vvram-dir", tmpfs.toString(),
                        "--vssd-dir", disk.toString(),
                        "--aeron-dir", tmpfs.toString(),
                        "--metrics-port", "0"), extraArguments))
                    .maxHeap(maxHeap)));
                log.printf("remote: %s is up at %s%n", name, cluster.nodes.get(node - 1).endpoint());
            }
            return cluster;
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(cluster);
            throw ex;
        }
    }

    private static List<String> concat(final List<String> first, final List<String> second)
    {
        final List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /**
     * @return the running node processes, in start order; unmodifiable.
     */
    public List<NodeProcess> nodes()
    {
        return List.copyOf(nodes);
    }

    /**
     * Stops every node daemon, newest first. Idempotent.
     */
    public void close()
    {
        final List<NodeProcess> reversed = new ArrayList<>(nodes);
        nodes.clear();
        Collections.reverse(reversed);
        CloseHelper.closeAll(reversed);
    }

    static Path directory(final Path parent, final String name)
    {
        try
        {
            return Files.createDirectories(parent.resolve(name));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot make the directory " + parent.resolve(name), ex);
        }
    }
}
