/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.metrics;

import io.tierpool.client.PressureLevel;

import io.tierpool.node.NodeDaemon;
import io.tierpool.node.NodeDaemonCommand;
import io.tierpool.node.NodeProcess;
import io.tierpool.client.TierStats;
import io.tierpool.transport.BlockClient;
import io.tierpool.transport.TransportDriver;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static io.tierpool.node.metrics.MetricsTestSupport.MIB;
import static io.tierpool.node.metrics.MetricsTestSupport.Scrape;
import static io.tierpool.node.metrics.MetricsTestSupport.send;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node daemon started in this JVM with real Ignite discovery and Aeron, its metrics scraped over HTTP while a
 * block client puts, reads and frees blocks. Ports: Aeron 40620-40629, discovery 48300-48309, communication
 * 48350-48359, metrics any free port.
 */
class NodeDaemonMetricsTest
{
    private static final long SETTLE_INTERVAL_MS = 200;
    private static final int BLOCKS = 4;
    private static final int BLOCK_LENGTH = MIB + 333;

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void tearDown() throws Exception
    {
        CloseHelper.closeAll(closeables);
        assertEquals(0, MetricsTestSupport.countEntries(dir.resolve("node")), "files the daemon left");
        assertEquals(0, MetricsTestSupport.countEntries(dir.resolve("client")), "files the client left");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldExposeBlocksPlacedThroughTheTransportInMetricsAndStats() throws Exception
    {
        final NodeDaemon daemon = track(NodeDaemon.start(settings(40620, 48300, 48350, "0")));
        final String metricsEndpoint = daemon.metricsEndpoint();
        assertTrue(metricsEndpoint.startsWith("127.0.0.1:") && !metricsEndpoint.endsWith(":0"), metricsEndpoint);
        final Map<String, String> ready = daemon.readyInfo();
        assertEquals(List.of("name", "endpoint", "metrics", "pid"), List.copyOf(ready.keySet()));
        assertEquals(metricsEndpoint, ready.get(NodeDaemon.READY_KEY_METRICS));
        assertEquals(ready, NodeProcess.parseReadyLine(NodeProcess.formatReadyLine(ready)));

        Scrape scrape = MetricsTestSupport.scrape(http, metricsEndpoint);
        for (final String name : MetricsTestSupport.documentedMetricNames())
        {
            assertTrue(scrape.sampleNames().contains(name) || scrape.types().containsKey(name),
                name + " is documented but the daemon does not expose it");
        }
        assertEquals(0, scrape.sum("tierpool_tier_used_bytes"));
        assertEquals(1, scrape.value("tierpool_cluster_nodes"));
        assertEquals(8 * MIB, scrape.value("tierpool_tier_capacity_bytes", "tier", "RAM"));
        assertEquals(0, scrape.value("tierpool_remote_requests_total", "op", "put", "outcome", "ok"));

        final TransportDriver driver = track(TransportDriver.launch(
            new TransportDriver.Context().baseDir(Files.createDirectories(dir.resolve("client")).toString())));
        final BlockClient client = track(BlockClient.connect(new BlockClient.Context().aeron(driver.aeron())));
        final byte[][] blocks = new byte[BLOCKS][];
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < BLOCKS; i++)
        {
            blocks[i] = new byte[BLOCK_LENGTH];
            random.nextBytes(blocks[i]);
            client.put(daemon.endpoint(), i + 1, new UnsafeBuffer(blocks[i]), 0, BLOCK_LENGTH);
        }

        scrape = MetricsTestSupport.scrape(http, metricsEndpoint);
        assertEquals(BLOCKS, scrape.value("tierpool_remote_requests_total", "op", "put", "outcome", "ok"));
        assertEquals(BLOCKS, scrape.value("tierpool_remote_request_seconds_count", "op", "put"));
        assertTrue(scrape.sum("tierpool_tier_used_bytes") >= (double)BLOCKS * BLOCK_LENGTH,
            "used bytes cover the blocks: " + scrape.find("tierpool_tier_used_bytes"));
        assertEquals(BLOCKS, scrape.value("tierpool_remote_blocks"));
        assertEquals(1, scrape.value("tierpool_remote_clients"));
        assertEquals(1, scrape.value("tierpool_server_response_publications"),
            "one client, one response publication (idle timeout 60 s)");
        assertEquals(0, scrape.value("tierpool_server_put_reassemblies"), "every chunked put finished");
        assertEquals(0, scrape.value("tierpool_server_put_reassembly_bytes"));
        assertEquals(0, scrape.value("tierpool_server_evicted_response_publications_total"));
        assertEquals(0, scrape.value("tierpool_server_refused_response_publications_total"));
        assertEquals(0, scrape.value("tierpool_server_evicted_put_reassemblies_total"));
        assertEquals(0, scrape.value("tierpool_server_refused_puts_total"));
        assertEquals("counter", scrape.types().get("tierpool_server_refused_puts_total"));
        assertEquals("gauge", scrape.types().get("tierpool_server_put_reassembly_bytes"));

        final NodeStatsReport settled = awaitMoverSettled(metricsEndpoint);
        assertTrue(settled.tier("RAM").demotedBlocks() >= 1,
            "four 1 MiB blocks pass the 8 MiB RAM tier's high watermark (0.4): the mover demotes");
        // While the mover moves a block without the engine lock, the destination tier already holds the new copy
        // and the source still holds the old one, so the tiers' block counts add up to one more than the live
        // blocks for that moment; once the moves are done they must add up to exactly the blocks placed.
        final long countDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        double tierBlocks = MetricsTestSupport.scrape(http, metricsEndpoint).sum("tierpool_tier_blocks");
        while (tierBlocks != BLOCKS && System.nanoTime() - countDeadlineNs < 0)
        {
            Thread.sleep(20);
            tierBlocks = MetricsTestSupport.scrape(http, metricsEndpoint).sum("tierpool_tier_blocks");
        }
        assertEquals(BLOCKS, tierBlocks);

        final UnsafeBuffer copy = new UnsafeBuffer(new byte[BLOCK_LENGTH]);
        assertEquals(BLOCK_LENGTH, client.get(daemon.endpoint(), 2, copy, 0, BLOCK_LENGTH));
        assertArrayEquals(blocks[1], copy.byteArray());
        client.usage(daemon.endpoint());
        // The get promotes block 2 into RAM if the mover had demoted it, which may pass the soft cap again: wait
        // for the mover to settle once more before comparing its counters.
        final NodeStatsReport settledAfterGet = awaitMoverSettled(metricsEndpoint);

        scrape = MetricsTestSupport.scrape(http, metricsEndpoint);
        final HttpResponse<String> statsResponse = send(http, "GET", "http://" + metricsEndpoint + "/stats");
        assertEquals(200, statsResponse.statusCode());
        final NodeStatsReport stats = NodeStatsReport.fromJson(statsResponse.body());
        assertEquals(daemon.nodeName(), stats.node());
        assertEquals(daemon.endpoint(), stats.endpoint());
        assertEquals(1, stats.clusterNodes());
        assertEquals(BLOCKS, stats.blocks());
        assertEquals(BLOCKS, stats.remoteBlocks());
        assertEquals(BLOCKS, stats.requests().putOk());
        assertEquals(1, stats.requests().getOk());
        assertEquals(1, stats.requests().usageOk());
        assertEquals(1, scrape.value("tierpool_remote_requests_total", "op", "get", "outcome", "ok"));
        assertEquals(1, scrape.value("tierpool_remote_requests_total", "op", "usage", "outcome", "ok"));
        for (final TierStats tier : stats.tiers())
        {
            assertEquals(tier.usedBytes(), scrape.value("tierpool_tier_used_bytes", "tier", tier.name()), tier.name());
            assertEquals(tier.blockCount(), scrape.value("tierpool_tier_blocks", "tier", tier.name()), tier.name());
            assertEquals(tier.demotedBlocks(),
                scrape.value("tierpool_tier_demoted_blocks_total", "tier", tier.name()), tier.name());
        }
        assertTrue(settledAfterGet.tier("RAM").demotedBlocks() >= settled.tier("RAM").demotedBlocks());
        assertEquals(settledAfterGet.tier("RAM").demotedBlocks(),
            scrape.value("tierpool_tier_demoted_blocks_total", "tier", "RAM"));

        for (int i = 0; i < BLOCKS; i++)
        {
            client.free(daemon.endpoint(), i + 1);
        }
        scrape = MetricsTestSupport.scrape(http, metricsEndpoint);
        assertEquals(0, scrape.sum("tierpool_tier_used_bytes"), "used returns to 0 once every block is freed");
        assertEquals(BLOCKS, scrape.value("tierpool_remote_requests_total", "op", "free", "outcome", "ok"));
        assertEquals(0, scrape.value("tierpool_remote_blocks"));
        assertEquals(BLOCKS, scrape.value("tierpool_remote_requests_total", "op", "put", "outcome", "ok"));

        assertEquals(404, send(http, "GET", "http://" + metricsEndpoint + "/nothing").statusCode());
        assertEquals(405, send(http, "POST", "http://" + metricsEndpoint + "/metrics").statusCode());

        daemon.close();
        assertThrows(IOException.class, () -> send(http, "GET", "http://" + metricsEndpoint + "/metrics"),
            "the daemon's close stops its metrics server");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldServeNoMetricsWhenDisabled() throws Exception
    {
        final NodeDaemon daemon = track(NodeDaemon.start(settings(40621, 48305, 48355, "-1")));
        assertNull(daemon.metricsEndpoint());
        assertNull(daemon.metrics());
        assertEquals(List.of("name", "endpoint", "pid"), List.copyOf(daemon.readyInfo().keySet()));
    }

    private NodeDaemonCommand settings(
        final int port, final int discoveryPort, final int communicationPort, final String metricsPort)
        throws IOException
    {
        final Path nodeDir = Files.createDirectories(dir.resolve("node"));
        return NodeDaemonCommand.parse(
            "--name", "metrics-daemon-" + port,
            "--port", Integer.toString(port),
            "--discovery", "127.0.0.1:" + discoveryPort + ".." + (discoveryPort + 2),
            "--discovery-port", Integer.toString(discoveryPort),
            "--communication-port", Integer.toString(communicationPort),
            "--ram", "8m",
            "--vvram", "4m",
            "--vssd", "16m",
            "--high-watermark", "0.4",
            "--low-watermark", "0.2",
            "--vvram-dir", nodeDir.toString(),
            "--vssd-dir", nodeDir.toString(),
            "--aeron-dir", nodeDir.toString(),
            "--metrics-port", metricsPort);
    }

    /**
     * Waits until the mover has nothing left to do, so that two reads of the numbers agree: no tier is above its
     * high watermark (every tier at most {@code ELEVATED}) and every tier's used bytes are the same in two
     * snapshots {@value #SETTLE_INTERVAL_MS} ms apart. "At most ELEVATED" alone is not enough: a tier that passed
     * its high watermark is drained on down towards its low watermark, through ELEVATED.
     */
    private NodeStatsReport awaitMoverSettled(final String metricsEndpoint) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        NodeStatsReport previous = null;
        while (true)
        {
            final NodeStatsReport stats = NodeStatsReport.fromJson(
                send(http, "GET", "http://" + metricsEndpoint + MetricsHttpServer.STATS_PATH).body());
            if (belowHighWatermarks(stats) && null != previous && usedBytes(previous).equals(usedBytes(stats)))
            {
                return stats;
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("the mover did not settle every tier under its high watermark: " +
                    stats.toJson());
            }
            previous = stats;
            Thread.sleep(SETTLE_INTERVAL_MS);
        }
    }

    private static boolean belowHighWatermarks(final NodeStatsReport stats)
    {
        return stats.pressure().values().stream().allMatch((level) -> level.level() <= PressureLevel.ELEVATED.level());
    }

    private static List<Long> usedBytes(final NodeStatsReport stats)
    {
        return stats.tiers().stream().map(TierStats::usedBytes).toList();
    }

    private <T extends AutoCloseable> T track(final T closeable)
    {
        closeables.add(0, closeable);
        return closeable;
    }
}
