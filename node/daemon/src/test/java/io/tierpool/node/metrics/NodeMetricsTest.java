/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.metrics;

import io.tierpool.client.PressureLevel;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.Hint;
import io.tierpool.node.engine.BlockStore;
import io.tierpool.client.StoreStats;
import io.tierpool.node.server.NodeBlockService;
import io.tierpool.client.TierKind;
import io.tierpool.client.TierStats;
import io.tierpool.transport.BlockRequestException;
import io.tierpool.transport.ErrorCode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static io.tierpool.node.metrics.MetricsTestSupport.KIB;
import static io.tierpool.node.metrics.MetricsTestSupport.MIB;
import static io.tierpool.node.metrics.MetricsTestSupport.Scrape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The meters over a real store and block service (called directly, as the transport's server would), read back
 * through the Prometheus exposition.
 */
class NodeMetricsTest
{
    /** The metric names the README must document and the node must expose. */
    static final List<String> REQUIRED = List.of(
        "tierpool_tier_capacity_bytes",
        "tierpool_tier_used_bytes",
        "tierpool_tier_blocks",
        "tierpool_tier_pressure_level",
        "tierpool_tier_demoted_blocks_total",
        "tierpool_tier_promoted_blocks_total",
        "tierpool_remote_requests_total",
        "tierpool_remote_request_seconds",
        "tierpool_remote_clients",
        "tierpool_remote_blocks",
        "tierpool_errors_total",
        "tierpool_checksum_failures_total",
        "tierpool_demotion_batches_total",
        "tierpool_batched_demotions_total",
        "tierpool_io_workers",
        "tierpool_retained_copies",
        "tierpool_copy_returns_total",
        "tierpool_cluster_nodes");

    /** Metrics of the block server's limits: exposed only with {@code Context.blockServer} (NodeDaemonMetricsTest). */
    static final String SERVER_METRIC_PREFIX = "tierpool_server_";

    private static final long CLIENT = 0x5EED;
    private static final int BLOCK_LENGTH = 300 * KIB;

    @TempDir
    Path dir;

    private final AtomicLong serverErrors = new AtomicLong();
    private BlockStore store;
    private NodeBlockService service;
    private NodeMetrics metrics;

    @BeforeEach
    void setUp()
    {
        store = new BlockStore(MetricsTestSupport.storeContext(dir, MIB, MIB, 4 * MIB));
        service = new NodeBlockService("metrics-node", store);
        metrics = new NodeMetrics(new NodeMetrics.Context()
            .nodeName("metrics-node")
            .endpoint("127.0.0.1:40620")
            .store(store)
            .service(service)
            .clusterNodes(() -> 3)
            .errorSource("server", serverErrors::get)
            .gpu("no GPU: test"));
    }

    @AfterEach
    void tearDown() throws Exception
    {
        CloseHelper.closeAll(metrics, store);
        assertEquals(0, MetricsTestSupport.countEntries(dir), "files left under " + dir);
    }

    @Test
    @Timeout(30)
    void shouldExposeEveryDocumentedMetricName() throws Exception
    {
        final Scrape scrape = Scrape.parse(metrics.scrape());
        final List<String> documented = MetricsTestSupport.documentedMetricNames();
        assertTrue(documented.containsAll(REQUIRED), "README documents " + documented);

        for (final String name : documented)
        {
            if (name.startsWith(SERVER_METRIC_PREFIX))
            {
                assertFalse(scrape.types().containsKey(name), "no block server given, no " + name);
                continue;
            }
            assertTrue(scrape.sampleNames().contains(name) || scrape.types().containsKey(name),
                name + " is documented but not exposed; exposed: " + scrape.types().keySet());
        }
        assertEquals("histogram", scrape.types().get("tierpool_remote_request_seconds"));
        assertEquals("counter", scrape.types().get("tierpool_remote_requests_total"));
        assertTrue(scrape.sampleNames().contains("jvm_memory_used_bytes"), "JVM meters");
        for (final MetricsTestSupport.Sample sample : scrape.samples())
        {
            assertEquals("metrics-node", sample.labels().get(NodeMetrics.TAG_NODE), "node label of " + sample);
        }
    }

    @Test
    @Timeout(30)
    void shouldCountServedRequestsAndFollowTierUsage()
    {
        Scrape scrape = Scrape.parse(metrics.scrape());
        assertEquals(0, scrape.sum("tierpool_tier_used_bytes"));
        assertEquals(MIB, scrape.value("tierpool_tier_capacity_bytes", "tier", "RAM"));
        assertEquals(4 * MIB, scrape.value("tierpool_tier_capacity_bytes", "tier", "VSSD"));
        assertEquals(3, scrape.value("tierpool_cluster_nodes"));

        final byte[][] blocks = new byte[5][];
        final SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < blocks.length; i++)
        {
            blocks[i] = new byte[BLOCK_LENGTH];
            random.nextBytes(blocks[i]);
            service.onPut(CLIENT, i + 1, new UnsafeBuffer(blocks[i]), 0, BLOCK_LENGTH);
        }

        scrape = Scrape.parse(metrics.scrape());
        final StoreStats stats = store.stats();
        assertEquals(5, scrape.value("tierpool_remote_requests_total", "op", "put", "outcome", "ok"));
        assertEquals(0, scrape.value("tierpool_remote_requests_total", "op", "put", "outcome", "error"));
        assertEquals(5, scrape.value("tierpool_remote_request_seconds_count", "op", "put"));
        assertEquals(5, scrape.value("tierpool_remote_request_seconds_bucket", "op", "put", "le", "+Inf"));
        assertTrue(scrape.value("tierpool_remote_request_seconds_sum", "op", "put") > 0);
        assertEquals(5, scrape.sum("tierpool_tier_blocks"));
        assertTrue(scrape.sum("tierpool_tier_used_bytes") >= 5.0 * BLOCK_LENGTH, "used bytes cover the blocks");
        assertEquals(5, scrape.value("tierpool_remote_blocks"));
        assertEquals(1, scrape.value("tierpool_remote_clients"));
        assertEquals(5, scrape.value("tierpool_allocations_total"));
        for (final TierStats tier : stats.tiers())
        {
            assertEquals(tier.usedBytes(), scrape.value("tierpool_tier_used_bytes", "tier", tier.name()));
            assertEquals(tier.demotedBlocks(), scrape.value("tierpool_tier_demoted_blocks_total", "tier", tier.name()));
            assertEquals(stats.engineTier(tier.kind()).pressureLevel().level(),
                scrape.value("tierpool_tier_pressure_level", "tier", tier.name()));
        }
        assertTrue(scrape.value("tierpool_tier_demoted_blocks_total", "tier", "RAM") >= 2,
            "five 300 KiB blocks do not fit a 1 MiB RAM tier: some were demoted");

        final UnsafeBuffer copy = new UnsafeBuffer(new byte[BLOCK_LENGTH]);
        assertEquals(BLOCK_LENGTH, service.blockLength(CLIENT, 1));
        service.onGet(CLIENT, 1, copy, 0, BLOCK_LENGTH);
        assertArrayEquals(blocks[0], copy.byteArray());
        final BlockRequestException missing = assertThrows(BlockRequestException.class,
            () -> service.blockLength(CLIENT, 99));
        assertEquals(ErrorCode.NOT_FOUND, missing.code());
        assertThrows(BlockRequestException.class, () -> service.onFree(CLIENT, 99));
        service.usage();
        serverErrors.set(2);

        scrape = Scrape.parse(metrics.scrape());
        assertEquals(1, scrape.value("tierpool_remote_requests_total", "op", "get", "outcome", "ok"));
        assertEquals(1, scrape.value("tierpool_remote_requests_total", "op", "get", "outcome", "error"));
        assertEquals(1, scrape.value("tierpool_remote_requests_total", "op", "free", "outcome", "error"));
        assertEquals(1, scrape.value("tierpool_remote_requests_total", "op", "usage", "outcome", "ok"));
        assertEquals(2, scrape.value("tierpool_remote_request_seconds_count", "op", "get"));
        assertEquals(2, scrape.value("tierpool_errors_total", "source", "server"));
        assertEquals(0, scrape.value("tierpool_errors_total", "source", "mover"));
        assertEquals(store.stats().promotions(), scrape.sum("tierpool_tier_promoted_blocks_total"));
        assertTrue(scrape.sum("tierpool_tier_promoted_blocks_total") >= 1,
            "block 1, the coldest, was demoted and reading it brought it back to RAM");

        for (int i = 0; i < blocks.length; i++)
        {
            service.onFree(CLIENT, i + 1);
        }
        scrape = Scrape.parse(metrics.scrape());
        assertEquals(0, scrape.sum("tierpool_tier_used_bytes"), "used returns to 0 after every block is freed");
        assertEquals(0, scrape.sum("tierpool_tier_blocks"));
        assertEquals(0, scrape.value("tierpool_remote_clients"));
        assertEquals(0, scrape.value("tierpool_remote_blocks"));
        assertEquals(5, scrape.value("tierpool_remote_requests_total", "op", "free", "outcome", "ok"));
        assertEquals(5, scrape.value("tierpool_allocations_total"), "counters never go down");
        assertEquals(5, scrape.value("tierpool_frees_total"));
        assertEquals(5, scrape.value("tierpool_remote_requests_total", "op", "put", "outcome", "ok"));
    }

    @Test
    @Timeout(30)
    void shouldReportTheSameNumbersAsJsonAndReadThemBack()
    {
        final byte[] data = new byte[100 * KIB];
        service.onPut(CLIENT, 1, new UnsafeBuffer(data), 0, data.length);
        service.onPut(CLIENT + 1, 1, new UnsafeBuffer(data), 0, data.length);

        final Scrape scrape = Scrape.parse(metrics.scrape());
        final NodeStatsReport report = metrics.report();
        assertEquals("metrics-node", report.node());
        assertEquals("127.0.0.1:40620", report.endpoint());
        assertEquals(3, report.clusterNodes());
        assertEquals(2, report.remoteClients());
        assertEquals(2, report.remoteBlocks());
        assertEquals(2, report.requests().putOk());
        assertEquals(2, report.requests().count(NodeBlockService.Op.PUT, true));
        assertEquals(List.of("mover", "server"), List.copyOf(report.errors().keySet()));
        assertEquals("no GPU: test", report.gpu());
        assertEquals(store.stats().tiers(), report.tiers());
        for (final TierStats tier : report.tiers())
        {
            assertEquals(tier.usedBytes(), scrape.value("tierpool_tier_used_bytes", "tier", tier.name()));
            assertEquals(tier.capacityBytes(), scrape.value("tierpool_tier_capacity_bytes", "tier", tier.name()));
            assertEquals(report.pressure().get(tier.name()).level(),
                scrape.value("tierpool_tier_pressure_level", "tier", tier.name()));
        }

        final String json = report.toJson();
        assertTrue(json.contains("\"usedBytes\""), json);
        assertEquals(report, NodeStatsReport.fromJson(json));
        assertThrows(IllegalArgumentException.class, () -> NodeStatsReport.fromJson("{ not json"));
    }

    @Test
    @Timeout(30)
    void shouldCountBlocksReclaimedFromAClientThatLeft()
    {
        final byte[] data = new byte[10 * KIB];
        service.onPut(CLIENT, 1, new UnsafeBuffer(data), 0, data.length);
        service.onPut(CLIENT, 2, new UnsafeBuffer(data), 0, data.length);
        assertEquals(2, service.freeClient(CLIENT));

        final Scrape scrape = Scrape.parse(metrics.scrape());
        assertEquals(2, scrape.value("tierpool_remote_reclaimed_blocks_total"));
        assertEquals(0, scrape.value("tierpool_remote_clients"));
        assertEquals(0, scrape.sum("tierpool_tier_used_bytes"));
        assertEquals(2, metrics.report().requests().reclaimedBlocks());
    }

    @Test
    @Timeout(30)
    void shouldStopTimingRequestsWhenClosed()
    {
        assertFalse(metrics.isClosed());
        metrics.close();
        metrics.close();
        assertTrue(metrics.isClosed());
        assertSame(NodeBlockService.RequestListener.NONE, service.requestListener());

        final byte[] data = new byte[KIB];
        service.onPut(CLIENT, 1, new UnsafeBuffer(data), 0, data.length);
        assertEquals(1, service.servedRequests(NodeBlockService.Op.PUT, true), "the service still counts");
    }

    @Test
    void shouldRejectIncompleteOrBadSettings()
    {
        final ConfigurationException noName = assertThrows(ConfigurationException.class,
            () -> new NodeMetrics(new NodeMetrics.Context().store(store).service(service).clusterNodes(() -> 1)));
        assertTrue(noName.getMessage().contains("nodeName"), noName.getMessage());

        final ConfigurationException badSource = assertThrows(ConfigurationException.class,
            () -> new NodeMetrics(new NodeMetrics.Context().nodeName("n").store(store).service(service)
                .clusterNodes(() -> 1).errorSource("Bad Source", () -> 0)));
        assertTrue(badSource.getMessage().contains("'Bad Source'"), badSource.getMessage());

        final ConfigurationException noCluster = assertThrows(ConfigurationException.class,
            () -> new NodeMetrics(new NodeMetrics.Context().nodeName("n").store(store).service(service)));
        assertTrue(noCluster.getMessage().contains("clusterNodes"), noCluster.getMessage());
    }

    @Test
    @Timeout(30)
    void shouldCountDemotionBatchesOfSmallBlocksAndTheIoWorkers() throws Exception
    {
        assertEquals(store.stats().ioWorkers(), Scrape.parse(metrics.scrape()).value("tierpool_io_workers"));

        final Path batched = dir.resolve("batched");
        Files.createDirectories(batched);
        try (BlockStore batchedStore = new BlockStore(MetricsTestSupport.storeContext(batched, MIB, MIB, 4 * MIB)
                .ioWorkers(3)
                .demotionBatchBytes(256 * KIB));
            NodeMetrics batchedMetrics = new NodeMetrics(new NodeMetrics.Context()
                .nodeName("batched-node")
                .store(batchedStore)
                .service(new NodeBlockService("batched-node", batchedStore))
                .clusterNodes(() -> 1)
                .jvmMetrics(false)))
        {
            final NodeBlockService batchedService = batchedMetrics.context().service();
            final SplittableRandom random = new SplittableRandom(23);
            final List<byte[]> blocks = new ArrayList<>();
            while (batchedStore.stats().tier(TierKind.RAM).usedBytes() < 0.93 * MIB)
            {
                // Sizes of the 2 KiB size class (1793-2048 bytes), well under demotionBatchBlockBytes (64 KiB).
                final byte[] bytes = new byte[1793 + random.nextInt(256)];
                random.nextBytes(bytes);
                blocks.add(bytes);
                batchedService.onPut(CLIENT, blocks.size(), new UnsafeBuffer(bytes), 0, bytes.length);
            }

            Scrape scrape = Scrape.parse(batchedMetrics.scrape());
            assertEquals(3, scrape.value("tierpool_io_workers"), "the prefetcher runs: the store runs its workers");
            assertEquals("gauge", scrape.types().get("tierpool_io_workers"));
            assertEquals("counter", scrape.types().get("tierpool_demotion_batches_total"));
            assertEquals("counter", scrape.types().get("tierpool_batched_demotions_total"));
            assertEquals(0, scrape.value("tierpool_demotion_batches_total"), "RAM filled below its hard cap");
            assertEquals(0, scrape.value("tierpool_batched_demotions_total"));

            assertTrue(batchedStore.runMover() > 0, "RAM is above its soft cap");
            scrape = Scrape.parse(batchedMetrics.scrape());
            final StoreStats stats = batchedStore.stats();
            assertTrue(stats.demotionBatches() > 0, "small blocks demoted in batches: " + stats);
            assertEquals(stats.demotionBatches(), scrape.value("tierpool_demotion_batches_total"));
            assertEquals(stats.batchedDemotions(), scrape.value("tierpool_batched_demotions_total"));
            assertTrue(stats.batchedDemotions() >= 2 * stats.demotionBatches(), "a batch holds several blocks");
            assertTrue(scrape.sum("tierpool_tier_demoted_blocks_total") >= stats.batchedDemotions(),
                "batched demotions are demotions too");
            assertEquals(stats.demotions(), scrape.sum("tierpool_tier_demoted_blocks_total"));

            for (int i = 0; i < blocks.size(); i++)
            {
                final byte[] expected = blocks.get(i);
                final UnsafeBuffer copy = new UnsafeBuffer(new byte[expected.length]);
                batchedService.onGet(CLIENT, i + 1, copy, 0, expected.length);
                assertArrayEquals(expected, copy.byteArray(), "block " + (i + 1) + " read back after the batches");
            }
            // The reads promoted the demoted blocks, which kept their copies below (or went back to them).
            final StoreStats afterReads = batchedStore.stats();
            scrape = Scrape.parse(batchedMetrics.scrape());
            assertTrue(afterReads.retainedCopies() + afterReads.copyReturns() > 0, afterReads.toString());
            assertEquals(afterReads.retainedCopies(), scrape.value("tierpool_retained_copies"));
            assertEquals(afterReads.copyReturns(), scrape.value("tierpool_copy_returns_total"));
            assertEquals("gauge", scrape.types().get("tierpool_retained_copies"));
            assertEquals("counter", scrape.types().get("tierpool_copy_returns_total"));
            final NodeStatsReport report = batchedMetrics.report();
            assertEquals(3, report.ioWorkers());
            assertEquals(afterReads.demotionBatches(), report.demotionBatches());
            assertEquals(afterReads.copyReturns(), report.copyReturns());
            assertEquals(blocks.size(), batchedService.freeClient(CLIENT));
            assertEquals(0, Scrape.parse(batchedMetrics.scrape()).value("tierpool_retained_copies"),
                "freeing the blocks frees their copies");
            scrape = Scrape.parse(batchedMetrics.scrape());
            assertEquals(stats.demotionBatches(), scrape.value("tierpool_demotion_batches_total"),
                "counters never go down");
        }
        Files.delete(batched);

        final Path noAgents = dir.resolve("no-agents");
        Files.createDirectories(noAgents);
        try (BlockStore quietStore = new BlockStore(MetricsTestSupport.storeContext(noAgents, MIB, MIB, MIB)
                .startPrefetcher(false));
            NodeMetrics quietMetrics = new NodeMetrics(new NodeMetrics.Context()
                .nodeName("quiet-node")
                .store(quietStore)
                .service(new NodeBlockService("quiet-node", quietStore))
                .clusterNodes(() -> 1)
                .jvmMetrics(false)))
        {
            assertEquals(0, Scrape.parse(quietMetrics.scrape()).value("tierpool_io_workers"),
                "neither the mover nor the prefetcher runs: no I/O workers");
        }
        Files.delete(noAgents);
    }

    @Test
    @Timeout(30)
    void shouldReportThePressureLevelTheEngineComputesAgainstTheHardCap() throws Exception
    {
        final Path capped = dir.resolve("capped");
        Files.createDirectories(capped);
        try (BlockStore cappedStore = new BlockStore(MetricsTestSupport.storeContext(capped, MIB, MIB, MIB)
                .hardCapBytes(TierKind.RAM, MIB / 2));
            NodeMetrics cappedMetrics = new NodeMetrics(new NodeMetrics.Context()
                .nodeName("capped-node")
                .store(cappedStore)
                .service(new NodeBlockService("capped-node", cappedStore))
                .clusterNodes(() -> 1)
                .jvmMetrics(false)))
        {
            cappedStore.allocate(MIB / 2, Hint.PIN_FAST);
            final StoreStats stats = cappedStore.stats();
            assertEquals(MIB / 2, stats.tier(TierKind.RAM).usedBytes(), "RAM holds exactly its hard cap");
            assertEquals(PressureLevel.OUT_OF_MEMORY, stats.engineTier(TierKind.RAM).pressureLevel());
            assertEquals(PressureLevel.NORMAL, PressureLevel.of(stats.tier(TierKind.RAM), 0.75, 0.90),
                "half the capacity is below the low watermark: the capacity-based level would say NORMAL");

            final Scrape scrape = Scrape.parse(cappedMetrics.scrape());
            assertEquals(PressureLevel.OUT_OF_MEMORY.level(),
                scrape.value("tierpool_tier_pressure_level", "tier", "RAM"));
            assertEquals(PressureLevel.OUT_OF_MEMORY, cappedMetrics.report().pressure().get("RAM"));
        }
        Files.delete(capped);
    }
}
