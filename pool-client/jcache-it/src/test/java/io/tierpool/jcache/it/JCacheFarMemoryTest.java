/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache.it;

import io.tierpool.client.PoolStats;
import io.tierpool.client.TierPool;
import io.tierpool.jcache.JCacheConfiguration;
import io.tierpool.jcache.TierPoolCachingProvider;
import io.tierpool.node.NodeProcess;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JCache cache over two real node daemons (child JVMs): with 4 MiB of local RAM and no local files, 16 MiB of
 * values must go to the daemons' memory, and every one reads back equal. Ports: Aeron 44410..44411, Ignite
 * 55910..55961.
 */
class JCacheFarMemoryTest
{
    private static final int AERON_PORT = 44410;
    private static final int DISCOVERY_PORT = 55910;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldKeepValuesBeyondLocalRamInNodeDaemonsAndReadThemBack(@TempDir final Path dir) throws Exception
    {
        final List<NodeProcess> nodes = new ArrayList<>();
        try
        {
            final String discovery = "127.0.0.1:" + DISCOVERY_PORT + ".." + (DISCOVERY_PORT + 9);
            for (int i = 0; i < 2; i++)
            {
                nodes.add(startNode(dir, "node-" + (i + 1), AERON_PORT + i, DISCOVERY_PORT + i,
                    DISCOVERY_PORT + 50 + i, discovery));
            }
            // Ignite's provider is on this module's class path too (tierpool-node), and javax.cache.Caching
            // instantiates every registered provider, Ignite's failing without Ignite's JVM flags: make ours directly.
            final CachingProvider provider = new TierPoolCachingProvider();
            final Properties properties = new Properties();
            properties.setProperty(JCacheConfiguration.NODES_PROP_NAME,
                nodes.get(0).endpoint() + "," + nodes.get(1).endpoint());
            properties.setProperty(JCacheConfiguration.AWAIT_NODES_PROP_NAME, "2");
            properties.setProperty(JCacheConfiguration.RAM_PROP_NAME, "4m");
            properties.setProperty(JCacheConfiguration.VVRAM_PROP_NAME, "0");
            properties.setProperty(JCacheConfiguration.VSSD_PROP_NAME, "0");
            properties.setProperty(JCacheConfiguration.BASE_DIR_PROP_NAME, dir.resolve("client").toString());
            try (CacheManager manager = provider.getCacheManager(
                URI.create("tierpool://far"), provider.getDefaultClassLoader(), properties))
            {
                final Cache<Integer, byte[]> cache = manager.createCache("far",
                    new MutableConfiguration<Integer, byte[]>().setTypes(Integer.class, byte[].class));
                final int count = 128;
                final int size = 128 * 1024;
                for (int i = 0; i < count; i++)
                {
                    cache.put(i, value(i, size));
                }
                final PoolStats stats = cache.unwrap(TierPool.class).stats();
                assertTrue(stats.remotePuts() > 0, "values must reach far memory: " + stats);
                for (int i = 0; i < count; i++)
                {
                    assertArrayEquals(value(i, size), cache.get(i), "value " + i);
                }
                assertEquals(count, cache.unwrap(TierPool.class).stats().blocks());
            }
            provider.close();
        }
        finally
        {
            CloseHelper.closeAll(nodes);
        }
        try (var left = Files.list(dir.resolve("client")))
        {
            assertEquals(0, left.count(), "the pool removes its files at close");
        }
        catch (final java.nio.file.NoSuchFileException ex)
        {
            // the pool made the directory and removed it
        }
    }

    private static byte[] value(final int i, final int size)
    {
        final byte[] value = new byte[size];
        Arrays.fill(value, (byte)(i * 31 + 7));
        value[0] = (byte)i;
        return value;
    }

    private static NodeProcess startNode(
        final Path workDir, final String name, final int aeronPort, final int discoveryPort,
        final int communicationPort, final String discovery) throws Exception
    {
        final Path nodeDir = Files.createDirectories(workDir.resolve(name));
        return NodeProcess.start(new NodeProcess.Context()
            .name(name)
            .arguments(List.of(
                "--name", name,
                "--port", Integer.toString(aeronPort),
                "--discovery-port", Integer.toString(discoveryPort),
                "--communication-port", Integer.toString(communicationPort),
                "--discovery", discovery,
                "--ram", "64m",
                "--vvram", "0",
                "--vssd", "0",
                "--vvram-dir", nodeDir.toString(),
                "--vssd-dir", nodeDir.toString(),
                "--aeron-dir", nodeDir.toString(),
                "--metrics-port", "0"))
            .maxHeap("256m"));
    }
}
