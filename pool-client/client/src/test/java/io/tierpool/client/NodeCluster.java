/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.node.NodeProcess;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test fixture: node daemons started as separate JVMs on loopback, each with its own ports and directories,
 * joined through Ignite discovery on a port range of the caller's choosing.
 */
final class NodeCluster implements AutoCloseable
{
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final Path workDir;
    private final int discoveryBasePort;

    NodeCluster(final int count, final int aeronBasePort, final int discoveryBasePort, final String nodeRam, final String nodeVvram, final String nodeVssd)
    {
        this(count, aeronBasePort, discoveryBasePort, nodeRam, nodeVvram, nodeVssd, List.of());
    }

    /**
     * As {@link #NodeCluster(int, int, int, String, String, String)}, with further JVM options for every node daemon
     * (such as {@code -Dtierpool.cluster.failureDetectionTimeout=120s}).
     */
    NodeCluster(
        final int count,
        final int aeronBasePort,
        final int discoveryBasePort,
        final String nodeRam,
        final String nodeVvram,
        final String nodeVssd,
        final List<String> extraJvmOptions)
    {
        this.discoveryBasePort = discoveryBasePort;
        try
        {
            workDir = Files.createTempDirectory("tierpool-test-cluster-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        try
        {
            for (int i = 0; i < count; i++)
            {
                nodes.add(startNode(workDir, "node-" + (i + 1), aeronBasePort + i, discoveryBasePort + i,
                    discoveryBasePort + 50 + i, discoveryAddress(), nodeRam, nodeVvram, nodeVssd, extraJvmOptions));
            }
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    String discoveryAddress()
    {
        return "127.0.0.1:" + discoveryBasePort + ".." + (discoveryBasePort + 9);
    }

    List<NodeProcess> nodes()
    {
        return nodes;
    }

    NodeProcess node(final int index)
    {
        return nodes.get(index);
    }

    /**
     * A thin client of this cluster's node daemons, bootstrapping from every one of them, waiting for all.
     */
    TierPool.Context clientContext()
    {
        return clientContext(endpoints(), workDir, nodes.size());
    }

    /**
     * @return the node daemons' Aeron endpoints, in start order.
     */
    List<String> endpoints()
    {
        final List<String> endpoints = new ArrayList<>();
        for (final NodeProcess node : nodes)
        {
            endpoints.add(node.endpoint());
        }
        return endpoints;
    }

    /**
     * A thin client of the node daemons at {@code endpoints} (Aeron {@code host:port}), waiting for {@code nodes},
     * with every file under {@code workDir}.
     */
    static TierPool.Context clientContext(final List<String> endpoints, final Path workDir, final int nodes)
    {
        return new TierPool.Context()
            .nodes(endpoints)
            .awaitNodes(nodes)
            .vvramDir(workDir)
            .vssdDir(workDir);
    }

    /**
     * Starts one node daemon as a child JVM with its directories under {@code workDir/name} and metrics on any
     * free port.
     */
    static NodeProcess startNode(
        final Path workDir,
        final String name,
        final int aeronPort,
        final int discoveryPort,
        final int communicationPort,
        final String discovery,
        final String ram,
        final String vvram,
        final String vssd)
    {
        return startNode(
            workDir, name, aeronPort, discoveryPort, communicationPort, discovery, ram, vvram, vssd, List.of());
    }

    /**
     * As {@link #startNode(Path, String, int, int, int, String, String, String, String)}, with further JVM options
     * for the node daemon.
     */
    static NodeProcess startNode(
        final Path workDir,
        final String name,
        final int aeronPort,
        final int discoveryPort,
        final int communicationPort,
        final String discovery,
        final String ram,
        final String vvram,
        final String vssd,
        final List<String> extraJvmOptions)
    {
        return startNode(workDir, name, aeronPort, discoveryPort, communicationPort, discovery, ram, vvram, vssd,
            extraJvmOptions, List.of());
    }

    /**
     * As {@link #startNode(Path, String, int, int, int, String, String, String, String, List)}, with further
     * command-line arguments for the node daemon after the usual ones (such as {@code --discovery-kind zookeeper}).
     */
    static NodeProcess startNode(
        final Path workDir,
        final String name,
        final int aeronPort,
        final int discoveryPort,
        final int communicationPort,
        final String discovery,
        final String ram,
        final String vvram,
        final String vssd,
        final List<String> extraJvmOptions,
        final List<String> extraArguments)
    {
        final Path dir;
        try
        {
            dir = Files.createDirectories(workDir.resolve(name));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the directory of node " + name + " under " + workDir, ex);
        }
        final List<String> arguments = new ArrayList<>(List.of(
            "--name", name,
            "--port", Integer.toString(aeronPort),
            "--discovery-port", Integer.toString(discoveryPort),
            "--communication-port", Integer.toString(communicationPort),
            "--discovery", discovery,
            "--ram", ram,
            "--vvram", vvram,
            "--vssd", vssd,
            "--vvram-dir", dir.toString(),
            "--vssd-dir", dir.toString(),
            "--aeron-dir", dir.toString(),
            "--metrics-port", "0"));
        arguments.addAll(extraArguments);
        return NodeProcess.start(new NodeProcess.Context()
            .name(name)
            .arguments(arguments)
            .extraJvmOptions(extraJvmOptions)
            .maxHeap("256m"));
    }

    Path workDir()
    {
        return workDir;
    }

    public void close()
    {
        CloseHelper.closeAll(nodes);
        nodes.clear();
        deleteRecursively(workDir);
    }

    static void deleteRecursively(final Path dir)
    {
        if (dir == null || !Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
