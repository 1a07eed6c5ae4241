/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node;

import io.tierpool.client.ConfigurationException;
import io.tierpool.transport.BlockClient;
import io.tierpool.client.NodeUsage;
import io.tierpool.client.TierUsage;
import io.tierpool.transport.TransportDriver;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node daemon as users run it: settings from flags and environment variables, a separate JVM that stores
 * blocks sent over Aeron, and a clean stop on SIGTERM that leaves no files behind.
 */
class NodeDaemonTest
{
    @TempDir
    Path dir;

    @Test
    void shouldParseFlagsWithSizeSuffixesAndRejectBadSizes()
    {
        final NodeDaemonCommand settings = NodeDaemonCommand.parse(Map.of(),
            "--name", "n7", "--ram", "64m", "--vvram", "0", "--vssd", "2g", "--port", "40999",
            "--discovery", "10.0.0.1:47500..47509,10.0.0.2:47500", "--high-watermark", "0.8", "--low-watermark", "0.5");
        assertEquals("n7", settings.name());
        assertEquals(64L << 20, settings.storeContext().ramCapacityBytes());
        assertEquals(0, settings.storeContext().vvramCapacityBytes());
        assertEquals(2L << 30, settings.storeContext().vssdCapacityBytes());
        assertEquals(List.of("10.0.0.1:47500..47509", "10.0.0.2:47500"), settings.clusterContext().discoveryAddresses());
        assertEquals((64L << 20) + (2L << 30), settings.capacityBytes());

        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> NodeDaemonCommand.parse(Map.of(), "--ram", "12Q"));
        assertTrue(ex.getMessage().contains("12Q") && ex.getMessage().contains("suffix") &&
            ex.getMessage().contains("tier.ram.capacity") && ex.getMessage().contains("--ram"), ex.getMessage());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldServeBlocksFromASeparateJvmAndRemoveItsFilesOnSigterm() throws IOException
    {
        final Path nodeDir = Files.createDirectories(dir.resolve("node"));
        final Path clientDir = Files.createDirectories(dir.resolve("client"));
        final byte[] data = new byte[3 * 1024 * 1024 + 17];
        new SplittableRandom(5).nextBytes(data);

        try (NodeProcess node = NodeProcess.start(new NodeProcess.Context()
            .name("daemon-test")
            .maxHeap("256m")
            .environment(Map.of("TIERPOOL_NODE_NAME", "env-node", "TIERPOOL_RAM", "8m"))
            .arguments(List.of(
                "--port", "40601",
                "--discovery-port", "48100",
                "--communication-port", "48150",
                "--discovery", "127.0.0.1:48100..48102",
                "--vvram", "4m",
                "--vssd", "16m",
                "--vvram-dir", nodeDir.toString(),
                "--vssd-dir", nodeDir.toString(),
                "--aeron-dir", nodeDir.toString(),
                "--metrics-port", "0")));
            TransportDriver driver = TransportDriver.launch(new TransportDriver.Context().baseDir(clientDir.toString()));
            BlockClient client = BlockClient.connect(new BlockClient.Context().aeron(driver.aeron())))
        {
            assertEquals("env-node", node.readyInfo().get(NodeProcess.READY_KEY_NAME), "name from the environment");
            assertEquals("127.0.0.1:40601", node.endpoint(), "port from the flag");

            client.put(node.endpoint(), 99, new UnsafeBuffer(data), 0, data.length);
            final UnsafeBuffer copy = new UnsafeBuffer(new byte[data.length]);
            assertEquals(data.length, client.get(node.endpoint(), 99, copy, 0, data.length));
            assertArrayEquals(data, copy.byteArray());

            final NodeUsage usage = client.usage(node.endpoint());
            assertEquals("env-node", usage.nodeName());
            final TierUsage ram = usage.tiers().get(0);
            assertEquals("RAM", ram.tier());
            assertEquals(8L << 20, ram.capacityBytes(), "RAM capacity from the environment");
            assertTrue(usage.tiers().stream().mapToLong(TierUsage::usedBytes).sum() >= data.length);

            client.free(node.endpoint(), 99);
            assertEquals(0, client.usage(node.endpoint()).tiers().stream().mapToLong(TierUsage::usedBytes).sum());
            assertTrue(countFiles(nodeDir) > 0, "the daemon keeps its VVRAM, VSSD and Aeron files under its dirs");

            final List<String> log = node.logTail(50);
            node.close();
            final int exit = node.exitCode();
            assertTrue(exit == 0 || exit == 128 + 15, "SIGTERM ends the JVM normally, not by force: " + exit + " " + log);
        }
        assertEquals(0, countFiles(nodeDir), "the daemon removed its files");
    }

    private static long countFiles(final Path root) throws IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            return paths.filter((p) -> !p.equals(root)).count();
        }
    }
}
