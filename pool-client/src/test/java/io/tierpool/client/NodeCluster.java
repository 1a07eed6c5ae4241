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
                final Path dir = Files.createDirectories(workDir.resolve("node-" + (i + 1)));
                nodes.add(NodeProcess.start(new NodeProcess.Context()
                    .name("node-" + (i + 1))
                    .arguments(List.of(
                        "--name", "node-" + (i + 1),
                        "--port", Integer.toString(aeronBasePort + i),
                        "--discovery-port", Integer.toString(discoveryBasePort + i),
                        "--communication-port", Integer.toString(discoveryBasePort + 50 + i),
                        "--discovery", discoveryAddress(),
                        "--ram", nodeRam,
                        "--vvram", nodeVvram,
                        "--vssd", nodeVssd,
                        "--vvram-dir", dir.toString(),
                        "--vssd-dir", dir.toString(),
                        "--aeron-dir", dir.toString(),
                        "--metrics-port", "0"))
                    .maxHeap("256m")));
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            close();
            throw ex instanceof RuntimeException ? (RuntimeException)ex : new UncheckedIOException((IOException)ex);
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

    TierPool.Context clientContext(final int clientDiscoveryPortOffset)
    {
        return new TierPool.Context()
            .discoveryAddresses(List.of(discoveryAddress()))
            .discoveryPort(discoveryBasePort + 20 + clientDiscoveryPortOffset)
            .communicationPort(discoveryBasePort + 70 + clientDiscoveryPortOffset)
            .awaitNodes(nodes.size())
            .vvramDir(workDir)
            .vssdDir(workDir);
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
