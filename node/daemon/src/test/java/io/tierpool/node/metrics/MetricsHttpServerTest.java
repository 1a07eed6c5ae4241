/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.metrics;

import io.tierpool.client.ConfigurationException;
import io.tierpool.node.engine.BlockStore;
import io.tierpool.node.server.NodeBlockService;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static io.tierpool.node.metrics.MetricsTestSupport.KIB;
import static io.tierpool.node.metrics.MetricsTestSupport.MIB;
import static io.tierpool.node.metrics.MetricsTestSupport.Scrape;
import static io.tierpool.node.metrics.MetricsTestSupport.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP endpoint on loopback, any free port: status codes, content types, bodies, and a clean stop.
 */
class MetricsHttpServerTest
{
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private BlockStore store;
    private NodeBlockService service;
    private NodeMetrics metrics;
    private MetricsHttpServer server;

    @BeforeEach
    void setUp()
    {
        store = new BlockStore(MetricsTestSupport.storeContext(dir, MIB, 0, 0));
        service = new NodeBlockService("http-node", store);
        metrics = new NodeMetrics(new NodeMetrics.Context()
            .nodeName("http-node")
            .store(store)
            .service(service)
            .clusterNodes(() -> 1)
            .jvmMetrics(false));
        server = MetricsHttpServer.start(new MetricsHttpServer.Context().host("127.0.0.1").port(0).metrics(metrics));
    }

    @AfterEach
    void tearDown() throws Exception
    {
        CloseHelper.closeAll(server, metrics, store);
        assertEquals(0, MetricsTestSupport.countEntries(dir), "files left under " + dir);
    }

    @Test
    @Timeout(30)
    void shouldServeMetricsAndStatsWithTheirContentTypes() throws Exception
    {
        assertTrue(server.port() > 0);
        assertEquals("127.0.0.1:" + server.port(), server.endpoint());

        final byte[] data = new byte[64 * KIB];
        service.onPut(1, 1, new UnsafeBuffer(data), 0, data.length);

        final Scrape scrape = MetricsTestSupport.scrape(http, server.endpoint());
        assertEquals(64 * KIB, scrape.value("tierpool_tier_used_bytes", "tier", "RAM"), 4096);
        assertEquals(1, scrape.value("tierpool_remote_requests_total", "op", "put", "outcome", "ok"));

        final HttpResponse<String> stats = send(http, "GET", "http://" + server.endpoint() + "/stats?pretty");
        assertEquals(200, stats.statusCode());
        assertEquals(MetricsHttpServer.STATS_CONTENT_TYPE, stats.headers().firstValue("Content-Type").orElse(null));
        final NodeStatsReport report = NodeStatsReport.fromJson(stats.body());
        assertEquals("http-node", report.node());
        assertEquals(1, report.blocks());
        assertEquals((long)scrape.value("tierpool_tier_used_bytes", "tier", "RAM"), report.tier("RAM").usedBytes());
    }

    @Test
    @Timeout(30)
    void shouldAnswerNotFoundForOtherPathsAndMethodNotAllowedForOtherMethods() throws Exception
    {
        final String base = "http://" + server.endpoint();
        for (final String path : new String[]{ "/", "/metric", "/metrics/extra", "/stats.json" })
        {
            final HttpResponse<String> response = send(http, "GET", base + path);
            assertEquals(404, response.statusCode(), path);
            assertTrue(response.body().contains("/metrics"), response.body());
        }

        for (final String method : new String[]{ "POST", "PUT", "DELETE" })
        {
            for (final String path : new String[]{ MetricsHttpServer.METRICS_PATH, MetricsHttpServer.STATS_PATH })
            {
                final HttpResponse<String> response = send(http, method, base + path);
                assertEquals(405, response.statusCode(), method + " " + path);
                assertEquals("GET", response.headers().firstValue("Allow").orElse(null));
            }
        }

        assertEquals(200, send(http, "GET", base + MetricsHttpServer.METRICS_PATH).statusCode(), "still serving");
    }

    @Test
    @Timeout(30)
    void shouldRefuseAPortInUseNamingTheAddress() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            final ConfigurationException ex = assertThrows(ConfigurationException.class,
                () -> MetricsHttpServer.start(new MetricsHttpServer.Context()
                    .host("127.0.0.1").port(taken.getLocalPort()).metrics(metrics)));
            assertTrue(ex.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), ex.getMessage());
            assertTrue(ex.getMessage().contains("metrics.port"), ex.getMessage());
        }

        final ConfigurationException badPort = assertThrows(ConfigurationException.class,
            () -> MetricsHttpServer.start(new MetricsHttpServer.Context().port(70_000).metrics(metrics)));
        assertTrue(badPort.getMessage().contains("70000"), badPort.getMessage());
    }

    @Test
    @Timeout(30)
    void shouldStopListeningAndEndItsThreadWhenClosed() throws Exception
    {
        final String url = "http://" + server.endpoint() + MetricsHttpServer.METRICS_PATH;
        assertEquals(200, send(http, "GET", url).statusCode());

        server.close();
        server.close();
        assertThrows(IOException.class, () -> send(http, "GET", url));
        assertFalse(Thread.getAllStackTraces().keySet().stream()
            .anyMatch((t) -> t.getName().equals("tierpool-metrics-http-node") && t.isAlive()), "worker thread ended");
    }
}
