/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.metrics;

import io.tierpool.client.PressureLevel;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tierpool.client.ConfigurationException;
import io.tierpool.node.engine.BlockStore;
import io.tierpool.client.EngineTierStats;
import io.tierpool.client.StoreStats;
import io.tierpool.node.server.NodeBlockService;
import io.tierpool.client.TierStats;
import io.tierpool.transport.BlockServer;
import org.agrona.CloseHelper;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * A node daemon's metrics: Micrometer meters over its {@link BlockStore}, its {@link NodeBlockService} and its
 * cluster membership, in a {@link PrometheusMeterRegistry} that {@link #scrape()} renders in the Prometheus text
 * format, and the same numbers as a {@link NodeStatsReport} ({@link #report()}).
 * <p>
 * Every meter carries the tag {@code node} (the node's name). The meters, in Prometheus names:
 * <pre>
 * tierpool_tier_capacity_bytes{tier}              gauge    the tier's capacity
 * tierpool_tier_used_bytes{tier}                  gauge    bytes held by blocks
 * tierpool_tier_peak_used_bytes{tier}             gauge    the most bytes held at once since start
 * tierpool_tier_blocks{tier}                      gauge    blocks held
 * tierpool_tier_pressure_level{tier}              gauge    the engine's {@link PressureLevel#level()}, 0 NORMAL .. 4 OUT_OF_MEMORY
 * tierpool_tier_largest_free_extent_bytes{tier}   gauge    the largest block the tier could take now, -1 unknown
 * tierpool_tier_fragmentation_ratio{tier}         gauge    1 - largest free / total free, -1 unknown
 * tierpool_tier_demoted_blocks_total{tier}        counter  blocks moved out of the tier to a slower one
 * tierpool_tier_demoted_bytes_total{tier}         counter  bytes of those blocks
 * tierpool_tier_promoted_blocks_total{tier}       counter  blocks moved out of the tier up to RAM
 * tierpool_tier_promoted_bytes_total{tier}        counter  bytes of those blocks
 * tierpool_tier_checksum_failures_total{tier}     counter  blocks that came back from the tier damaged
 * tierpool_blocks                                 gauge    live blocks in the store
 * tierpool_logical_bytes                          gauge    their total size
 * tierpool_pinned_blocks                          gauge    blocks that cannot move now
 * tierpool_allocations_total                      counter  blocks allocated
 * tierpool_frees_total                            counter  blocks freed
 * tierpool_checksum_failures_total                counter  blocks that came back from any tier damaged
 * tierpool_mover_stuck_total                      counter  times the mover found nothing it could move
 * tierpool_demotion_batches_total                 counter  demotions that wrote several small blocks in one call
 * tierpool_batched_demotions_total                counter  blocks demoted as part of such a batch
 * tierpool_io_workers                             gauge    I/O worker threads doing the mover's and prefetcher's I/O
 * tierpool_retained_copies                        gauge    copies kept in VVRAM/VSSD of blocks promoted and unchanged
 * tierpool_copy_returns_total                     counter  demotions made by switching back to a retained copy
 * tierpool_errors_total{source}                   counter  errors by source: mover, and those given in the context
 * tierpool_remote_requests_total{op,outcome}      counter  requests served; op put|get|free|usage, outcome ok|error
 * tierpool_remote_request_seconds{op}             histogram time to serve a request (buckets 50 us .. 10 s)
 * tierpool_remote_request_seconds_max{op}         gauge    the longest recent one
 * tierpool_remote_reclaimed_blocks_total          counter  blocks freed because their client left or failed
 * tierpool_remote_clients                         gauge    remote clients holding blocks here
 * tierpool_remote_blocks                          gauge    blocks they hold here
 * tierpool_cluster_nodes                          gauge    live node daemons in the cluster, this one included
 * </pre>
 * and, with a {@link Context#blockServer(BlockServer) block server}, its limits (see {@link BlockServer.Context}):
 * <pre>
 * tierpool_server_response_publications                   gauge    response publications open now
 * tierpool_server_evicted_response_publications_total     counter  publications closed early to make room
 * tierpool_server_refused_response_publications_total     counter  requests dropped: no room for a publication
 * tierpool_server_put_reassemblies                        gauge    unfinished chunked puts held now
 * tierpool_server_put_reassembly_bytes                    gauge    declared bytes of those puts
 * tierpool_server_evicted_put_reassemblies_total          counter  stalled chunked puts evicted to make room
 * tierpool_server_refused_puts_total                      counter  puts refused BUSY: reassembly limits reached
 * </pre>
 * plus, unless {@link Context#jvmMetrics(boolean) disabled}, Micrometer's JVM and process meters
 * ({@code jvm_memory_used_bytes}, {@code jvm_gc_pause_seconds}, {@code jvm_threads_live_threads},
 * {@code process_cpu_usage}, {@code process_uptime_seconds}, ...).
 * <p>
 * Gauges and counters read a snapshot of {@link BlockStore#stats()} taken at most
 * {@link Context#statsMaxAgeNs()} ago, so one scrape takes the store's lock once; {@link #scrape()} and
 * {@link #report()} take a fresh one. Counters are cumulative since the store and service were created, so they
 * only go up. Request latencies are recorded by a {@link NodeBlockService.RequestListener} this object sets on
 * the service; {@link #close()} removes it.
 * <p>
 * Thread-safe. Closed by its owner (the node daemon).
 */
public final class NodeMetrics implements AutoCloseable
{
    /** Tag on every meter: the node's name. */
    public static final String TAG_NODE = "node";

    /** Tag of the per-tier meters: the tier's name. */
    public static final String TAG_TIER = "tier";

    /** Tag of the request meters: {@code put}, {@code get}, {@code free} or {@code usage}. */
    public static final String TAG_OP = "op";

    /** Tag of {@code tierpool_remote_requests_total}: {@value #OUTCOME_OK} or {@value #OUTCOME_ERROR}. */
    public static final String TAG_OUTCOME = "outcome";

    /** Tag of {@code tierpool_errors_total}: where the errors came from. */
    public static final String TAG_SOURCE = "source";

    /** Outcome of a request that succeeded. */
    public static final String OUTCOME_OK = "ok";

    /** Outcome of a request that was refused or failed. */
    public static final String OUTCOME_ERROR = "error";

    /** Error source of the mover's errors, always present. */
    public static final String SOURCE_MOVER = "mover";

    /** Default {@link Context#statsMaxAgeNs()}: 100 ms. */
    public static final long STATS_MAX_AGE_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Upper bounds of the request latency histogram's buckets ({@code le} labels, in seconds: 50 us to 10 s), chosen
     * for {@code histogram_quantile} over {@code tierpool_remote_request_seconds_bucket}.
     */
    public static final List<Duration> REQUEST_LATENCY_BUCKETS = List.of(
        Duration.ofNanos(50_000),
        Duration.ofNanos(100_000),
        Duration.ofNanos(250_000),
        Duration.ofNanos(500_000),
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2_500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10));

    private static final Pattern SOURCE_PATTERN = Pattern.compile("[a-z][a-z0-9_]*");
    private static final NodeBlockService.Op[] OPS = NodeBlockService.Op.values();

    private final Context ctx;
    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics;
    private final Timer[] requestTimers = new Timer[OPS.length];
    private final NodeBlockService.RequestListener requestListener = this::onRequest;
    private final Object snapshotLock = new Object();
    private StoreStats snapshot;
    private long snapshotNs;
    private volatile boolean closed;

    /**
     * Registers every meter and starts timing the service's requests.
     *
     * @param ctx the settings; concluded here.
     * @throws ConfigurationException naming the first missing or invalid setting.
     */
    public NodeMetrics(final Context ctx)
    {
        this.ctx = ctx.conclude();
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags(TAG_NODE, ctx.nodeName());

        final StoreStats initial = refresh();
        final List<TierStats> tiers = initial.tiers();
        for (int i = 0; i < tiers.size(); i++)
        {
            registerTier(i, tiers.get(i).name());
        }
        registerStore();
        registerService();
        if (null != ctx.blockServer())
        {
            registerServerLimits(ctx.blockServer());
        }

        JvmGcMetrics gc = null;
        if (ctx.jvmMetrics())
        {
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ClassLoaderMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            gc = new JvmGcMetrics();
            gc.bindTo(registry);
        }
        gcMetrics = gc;

        ctx.service().requestListener(requestListener);
    }

    /**
     * @return the registry holding this node's meters; closed by {@link #close()}.
     */
    public PrometheusMeterRegistry registry()
    {
        return registry;
    }

    /**
     * @return the settings, concluded.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * Renders every meter in the Prometheus text exposition format, version 0.0.4, from a fresh snapshot of the
     * store's statistics.
     *
     * @return the exposition text.
     */
    public String scrape()
    {
        refresh();
        return registry.scrape();
    }

    /**
     * @return the node's statistics now, from a fresh snapshot of the store's statistics.
     */
    public NodeStatsReport report()
    {
        final StoreStats stats = refresh();
        final Map<String, PressureLevel> pressure = new LinkedHashMap<>();
        for (final EngineTierStats tier : stats.engineTiers())
        {
            pressure.put(tier.name(), tier.pressureLevel());
        }
        final Map<String, Long> errors = new LinkedHashMap<>();
        errors.put(SOURCE_MOVER, stats.moverErrors());
        for (final Map.Entry<String, LongSupplier> source : ctx.errorSources().entrySet())
        {
            errors.put(source.getKey(), source.getValue().getAsLong());
        }
        final NodeBlockService service = ctx.service();

        return new NodeStatsReport(
            ctx.nodeName(),
            ctx.endpoint(),
            ctx.epochClock().time(),
            ctx.clusterNodes().getAsInt(),
            stats.blocks(),
            stats.logicalBytes(),
            stats.pinnedBlocks(),
            stats.allocations(),
            stats.frees(),
            stats.demotions(),
            stats.promotions(),
            stats.checksumFailures(),
            stats.moverErrors(),
            stats.moverStuck(),
            stats.tiers(),
            Collections.unmodifiableMap(pressure),
            service.remoteClientCount(),
            service.remoteBlockCount(),
            service.servedRequests(),
            Collections.unmodifiableMap(errors),
            ctx.gpu(),
            stats.demotionBatches(),
            stats.batchedDemotions(),
            stats.ioWorkers(),
            stats.retainedCopies(),
            stats.copyReturns());
    }

    /**
     * Stops timing the service's requests and closes the registry. Idempotent.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            if (ctx.service().requestListener() == requestListener)
            {
                ctx.service().requestListener(null);
            }
            CloseHelper.closeAll(gcMetrics, registry::close);
        }
    }

    /**
     * @return true once {@link #close()} has been called.
     */
    public boolean isClosed()
    {
        return closed;
    }

    private void onRequest(final NodeBlockService.Op op, final boolean ok, final long durationNs)
    {
        requestTimers[op.ordinal()].record(durationNs, TimeUnit.NANOSECONDS);
    }

    private StoreStats refresh()
    {
        synchronized (snapshotLock)
        {
            snapshot = ctx.store().stats();
            snapshotNs = ctx.nanoClock().nanoTime();
            return snapshot;
        }
    }

    private StoreStats stats()
    {
        synchronized (snapshotLock)
        {
            if (null == snapshot || ctx.nanoClock().nanoTime() - snapshotNs >= ctx.statsMaxAgeNs())
            {
                return refresh();
            }
            return snapshot;
        }
    }

    private TierStats tier(final int index)
    {
        return stats().tiers().get(index);
    }

    private void registerTier(final int index, final String name)
    {
        final Tags tags = Tags.of(TAG_TIER, name);
        gauge("tierpool.tier.capacity", "bytes", "Capacity of the tier", tags, (m) -> m.tier(index).capacityBytes());
        gauge("tierpool.tier.used", "bytes", "Bytes held by blocks in the tier", tags,
            (m) -> m.tier(index).usedBytes());
        gauge("tierpool.tier.peak.used", "bytes", "Most bytes held in the tier at once since the node started",
            tags, (m) -> m.tier(index).peakUsedBytes());
        gauge("tierpool.tier.blocks", null, "Blocks held in the tier", tags, (m) -> m.tier(index).blockCount());
        gauge("tierpool.tier.pressure.level", null,
            "Pressure level of the tier as the engine tells it (used bytes against its hard cap, soft cap and " +
            "drain target): 0 NORMAL, 1 ELEVATED, 2 WARNING, 3 CRITICAL, 4 OUT_OF_MEMORY", tags,
            (m) -> m.stats().engineTiers().get(index).pressureLevel().level());
        gauge("tierpool.tier.largest.free.extent", "bytes",
            "Largest block the tier could take now, -1 where not known", tags,
            (m) -> m.tier(index).largestFreeExtentBytes());
        gauge("tierpool.tier.fragmentation.ratio", null,
            "1 - largest free extent / free bytes of the tier (0 unfragmented), -1 where not known", tags,
            (m) -> m.tier(index).fragmentationRatio());

        counter("tierpool.tier.demoted.blocks", null, "Blocks moved out of the tier to a slower tier", tags,
            (m) -> m.tier(index).demotedBlocks());
        counter("tierpool.tier.demoted", "bytes", "Bytes of the blocks moved out of the tier to a slower tier",
            tags, (m) -> m.tier(index).demotedBytes());
        counter("tierpool.tier.promoted.blocks", null, "Blocks moved out of the tier up to RAM", tags,
            (m) -> m.tier(index).promotedBlocks());
        counter("tierpool.tier.promoted", "bytes", "Bytes of the blocks moved out of the tier up to RAM", tags,
            (m) -> m.tier(index).promotedBytes());
        counter("tierpool.tier.checksum.failures", null, "Blocks whose bytes came back from the tier damaged",
            tags, (m) -> m.tier(index).checksumFailures());
    }

    private void registerStore()
    {
        final Tags none = Tags.empty();
        gauge("tierpool.blocks", null, "Live blocks in the node's store", none, (m) -> m.stats().blocks());
        gauge("tierpool.logical", "bytes", "Total size of the live blocks", none,
            (m) -> m.stats().logicalBytes());
        gauge("tierpool.pinned.blocks", null, "Blocks that cannot move now", none,
            (m) -> m.stats().pinnedBlocks());
        counter("tierpool.allocations", null, "Blocks allocated since the node started", none,
            (m) -> m.stats().allocations());
        counter("tierpool.frees", null, "Blocks freed since the node started", none, (m) -> m.stats().frees());
        counter("tierpool.checksum.failures", null, "Blocks whose bytes came back from a lower tier damaged", none,
            (m) -> m.stats().checksumFailures());
        counter("tierpool.mover.stuck", null,
            "Times the mover found a tier above its high watermark with nothing it could move", none,
            (m) -> m.stats().moverStuck());
        counter("tierpool.demotion.batches", null,
            "Demotions that wrote several small blocks to a slower tier in one call", none,
            (m) -> m.stats().demotionBatches());
        counter("tierpool.batched.demotions", null,
            "Blocks demoted as part of a batch of small blocks (also in tierpool_tier_demoted_blocks_total)", none,
            (m) -> m.stats().batchedDemotions());
        gauge("tierpool.io.workers", null,
            "I/O worker threads doing the mover's and prefetcher's tier I/O (0: the mover and prefetcher do their own)",
            none, (m) -> m.stats().ioWorkers());
        gauge("tierpool.retained.copies", null,
            "Copies kept in VVRAM or VSSD of blocks promoted to RAM and unchanged since (counted in those tiers' use)",
            none, (m) -> m.stats().retainedCopies());
        counter("tierpool.copy.returns", null,
            "Demotions made by switching a block back to its retained copy, without a write", none,
            (m) -> m.stats().copyReturns());

        counter("tierpool.errors", null, "Errors by source", Tags.of(TAG_SOURCE, SOURCE_MOVER),
            (m) -> m.stats().moverErrors());
        for (final Map.Entry<String, LongSupplier> source : ctx.errorSources().entrySet())
        {
            final LongSupplier supplier = source.getValue();
            FunctionCounter.builder("tierpool.errors", supplier, LongSupplier::getAsLong)
                .description("Errors by source")
                .tags(TAG_SOURCE, source.getKey())
                .register(registry);
        }

        final IntSupplier clusterNodes = ctx.clusterNodes();
        Gauge.builder("tierpool.cluster.nodes", clusterNodes, IntSupplier::getAsInt)
            .description("Live node daemons in the cluster, this one included")
            .register(registry);
    }

    private void registerService()
    {
        final NodeBlockService service = ctx.service();
        for (final NodeBlockService.Op op : OPS)
        {
            for (final boolean ok : new boolean[]{ true, false })
            {
                FunctionCounter.builder("tierpool.remote.requests", service, (s) -> s.servedRequests(op, ok))
                    .description("Remote requests served, by op and outcome")
                    .tags(TAG_OP, op.label(), TAG_OUTCOME, ok ? OUTCOME_OK : OUTCOME_ERROR)
                    .register(registry);
            }
            requestTimers[op.ordinal()] = Timer.builder("tierpool.remote.request")
                .description("Time to serve a remote request, by op")
                .tags(TAG_OP, op.label())
                .serviceLevelObjectives(REQUEST_LATENCY_BUCKETS.toArray(new Duration[0]))
                .register(registry);
        }

        FunctionCounter.builder("tierpool.remote.reclaimed.blocks", service, NodeBlockService::reclaimedBlocks)
            .description("Blocks freed because the client that placed them left or failed")
            .register(registry);
        Gauge.builder("tierpool.remote.clients", service, NodeBlockService::remoteClientCount)
            .description("Remote clients holding at least one block on this node")
            .register(registry);
        Gauge.builder("tierpool.remote.blocks", service, NodeBlockService::remoteBlockCount)
            .description("Blocks remote clients hold on this node")
            .register(registry);
    }

    private void registerServerLimits(final BlockServer server)
    {
        Gauge.builder("tierpool.server.response.publications", server, BlockServer::responsePublicationCount)
            .description("Response publications the block server has open now (at most maxResponsePublications)")
            .register(registry);
        FunctionCounter.builder("tierpool.server.evicted.response.publications", server,
            BlockServer::evictedResponsePublicationCount)
            .description("Response publications closed before their idle timeout to make room for a new one")
            .register(registry);
        FunctionCounter.builder("tierpool.server.refused.response.publications", server,
            BlockServer::refusedResponsePublicationCount)
            .description("Requests dropped unanswered: the response publication limit was reached and every open " +
                "publication had a response in flight")
            .register(registry);
        Gauge.builder("tierpool.server.put.reassemblies", server, BlockServer::putReassemblyCount)
            .description("Unfinished chunked puts the block server holds now (at most maxPutReassemblies)")
            .register(registry);
        Gauge.builder("tierpool.server.put.reassembly", server, BlockServer::putReassemblyBytes)
            .baseUnit("bytes")
            .description("Bytes (declared block lengths) held now by unfinished chunked puts")
            .register(registry);
        FunctionCounter.builder("tierpool.server.evicted.put.reassemblies", server,
            BlockServer::evictedPutReassemblyCount)
            .description("Unfinished chunked puts evicted because they had stalled and a new put needed their room")
            .register(registry);
        FunctionCounter.builder("tierpool.server.refused.puts", server, BlockServer::refusedPutCount)
            .description("Puts refused with BUSY: the limits of unfinished chunked puts were reached and none had " +
                "stalled")
            .register(registry);
        SecurityMetrics.register(registry, server);
    }

    private void gauge(
        final String name,
        final String baseUnit,
        final String description,
        final Tags tags,
        final ToDoubleFunction<NodeMetrics> value)
    {
        Gauge.builder(name, this, value)
            .baseUnit(baseUnit)
            .description(description)
            .tags(tags)
            .register(registry);
    }

    private void counter(
        final String name,
        final String baseUnit,
        final String description,
        final Tags tags,
        final ToDoubleFunction<NodeMetrics> value)
    {
        FunctionCounter.builder(name, this, value)
            .baseUnit(baseUnit)
            .description(description)
            .tags(tags)
            .register(registry);
    }

    /**
     * Settings of {@link NodeMetrics}. Not thread-safe; concluded by the {@link NodeMetrics} constructor.
     */
    public static final class Context
    {
        /** Default of {@link #gpu(String)}: the node has not reported a GPU probe. */
        public static final String GPU_NOT_PROBED = "GPU not probed";

        private String nodeName;
        private String endpoint;
        private BlockStore store;
        private NodeBlockService service;
        private IntSupplier clusterNodes;
        private Map<String, LongSupplier> errorSources = new LinkedHashMap<>();
        private boolean jvmMetrics = true;
        private long statsMaxAgeNs = STATS_MAX_AGE_NS_DEFAULT;
        private NanoClock nanoClock = SystemNanoClock.INSTANCE;
        private EpochClock epochClock = SystemEpochClock.INSTANCE;
        private String gpu = GPU_NOT_PROBED;
        private BlockServer blockServer;

        /**
         * Checks every setting.
         *
         * @return this, for chaining.
         * @throws ConfigurationException naming the first missing or invalid setting and its value.
         */
        public Context conclude()
        {
            if (null == nodeName || nodeName.isBlank())
            {
                throw new ConfigurationException("NodeMetrics nodeName must be set, was '" + nodeName + "'");
            }
            if (null == store || store.isClosed())
            {
                throw new ConfigurationException("NodeMetrics of node " + nodeName + " needs an open store, was " + store);
            }
            if (null == service)
            {
                throw new ConfigurationException("NodeMetrics of node " + nodeName + " needs the node's block service");
            }
            if (null == clusterNodes)
            {
                throw new ConfigurationException("NodeMetrics of node " + nodeName +
                    " needs clusterNodes, a supplier of the number of live node daemons");
            }
            if (statsMaxAgeNs < 0)
            {
                throw new ConfigurationException("NodeMetrics statsMaxAgeNs must be 0 or more, was " + statsMaxAgeNs);
            }
            if (null == nanoClock || null == epochClock)
            {
                throw new ConfigurationException("NodeMetrics of node " + nodeName + " needs a nanoClock and an epochClock");
            }
            if (null == errorSources)
            {
                throw new ConfigurationException("NodeMetrics errorSources must not be null");
            }
            for (final Map.Entry<String, LongSupplier> source : errorSources.entrySet())
            {
                final String name = source.getKey();
                if (null == name || !SOURCE_PATTERN.matcher(name).matches() || SOURCE_MOVER.equals(name))
                {
                    throw new ConfigurationException("NodeMetrics error source name must be lower-case letters, " +
                        "digits and '_' and not '" + SOURCE_MOVER + "', was '" + name + "'");
                }
                if (null == source.getValue())
                {
                    throw new ConfigurationException("NodeMetrics error source '" + name + "' has no counter");
                }
            }
            return this;
        }

        /**
         * @param blockServer the node's block server, whose limit counters (response publications, chunked put
         *                    reassemblies, evictions and refusals) are exported as {@code tierpool_server_*}
         *                    meters; default null (no such meters). Read on scrape threads; not closed by
         *                    {@link NodeMetrics}: its owner closes it after closing the metrics.
         * @return this, for chaining.
         */
        public Context blockServer(final BlockServer blockServer)
        {
            this.blockServer = blockServer;
            return this;
        }

        /**
         * @return the node's block server, or null if its limits are not exported.
         */
        public BlockServer blockServer()
        {
            return blockServer;
        }

        /**
         * @param gpu what the node's GPU probe found, one line ({@code GpuInfo.describe()}), for the {@code gpu}
         *            field of {@link NodeStatsReport}; default {@value #GPU_NOT_PROBED}.
         * @return this.
         */
        public Context gpu(final String gpu)
        {
            this.gpu = gpu;
            return this;
        }

        /**
         * @return what the node's GPU probe found.
         */
        public String gpu()
        {
            return gpu;
        }

        /**
         * @param nodeName the node's name, the value of every meter's {@value #TAG_NODE} tag; required.
         * @return this, for chaining.
         */
        public Context nodeName(final String nodeName)
        {
            this.nodeName = nodeName;
            return this;
        }

        /**
         * @return the node's name.
         */
        public String nodeName()
        {
            return nodeName;
        }

        /**
         * @param endpoint the node's Aeron endpoint, {@code host:port}, reported by {@link NodeMetrics#report()};
         *                 default null (not known).
         * @return this, for chaining.
         */
        public Context endpoint(final String endpoint)
        {
            this.endpoint = endpoint;
            return this;
        }

        /**
         * @return the node's Aeron endpoint, or null.
         */
        public String endpoint()
        {
            return endpoint;
        }

        /**
         * @param store the node's block store, open; owned by the caller; required.
         * @return this, for chaining.
         */
        public Context store(final BlockStore store)
        {
            this.store = store;
            return this;
        }

        /**
         * @return the node's block store.
         */
        public BlockStore store()
        {
            return store;
        }

        /**
         * @param service the node's block service, whose requests are counted and timed; owned by the caller;
         *                required.
         * @return this, for chaining.
         */
        public Context service(final NodeBlockService service)
        {
            this.service = service;
            return this;
        }

        /**
         * @return the node's block service.
         */
        public NodeBlockService service()
        {
            return service;
        }

        /**
         * @param clusterNodes the number of live node daemons, this one included (for example
         *                     {@code () -> membership.liveNodes().size()}); called on scrape threads; required.
         * @return this, for chaining.
         */
        public Context clusterNodes(final IntSupplier clusterNodes)
        {
            this.clusterNodes = clusterNodes;
            return this;
        }

        /**
         * @return the supplier of the number of live node daemons.
         */
        public IntSupplier clusterNodes()
        {
            return clusterNodes;
        }

        /**
         * Adds a source of errors, exported as {@code tierpool_errors_total{source="name"}}; the mover's errors are
         * always there as {@value #SOURCE_MOVER}.
         *
         * @param name    the source's name: lower-case letters, digits and '_', for example {@code server}.
         * @param counter the number of errors since start, never decreasing; called on scrape threads.
         * @return this, for chaining.
         */
        public Context errorSource(final String name, final LongSupplier counter)
        {
            errorSources.put(name, counter);
            return this;
        }

        /**
         * @return the extra error sources, in the order added.
         */
        public Map<String, LongSupplier> errorSources()
        {
            return errorSources;
        }

        /**
         * @param jvmMetrics true to add Micrometer's JVM memory, GC, thread, class loader, processor and uptime
         *                   meters; default true.
         * @return this, for chaining.
         */
        public Context jvmMetrics(final boolean jvmMetrics)
        {
            this.jvmMetrics = jvmMetrics;
            return this;
        }

        /**
         * @return true if the JVM and process meters are added.
         */
        public boolean jvmMetrics()
        {
            return jvmMetrics;
        }

        /**
         * @param ns how old, in nanoseconds, the store snapshot that meters read may be before it is taken again;
         *           0 or more, default {@link #STATS_MAX_AGE_NS_DEFAULT} (100 ms).
         * @return this, for chaining.
         */
        public Context statsMaxAgeNs(final long ns)
        {
            this.statsMaxAgeNs = ns;
            return this;
        }

        /**
         * @return how old the store snapshot may be, in nanoseconds.
         */
        public long statsMaxAgeNs()
        {
            return statsMaxAgeNs;
        }

        /**
         * @param nanoClock the clock that ages the store snapshot; default the system's.
         * @return this, for chaining.
         */
        public Context nanoClock(final NanoClock nanoClock)
        {
            this.nanoClock = nanoClock;
            return this;
        }

        /**
         * @return the clock that ages the store snapshot.
         */
        public NanoClock nanoClock()
        {
            return nanoClock;
        }

        /**
         * @param epochClock the clock of {@link NodeStatsReport#timestampMs()}; default the system's.
         * @return this, for chaining.
         */
        public Context epochClock(final EpochClock epochClock)
        {
            this.epochClock = epochClock;
            return this;
        }

        /**
         * @return the clock of report timestamps.
         */
        public EpochClock epochClock()
        {
            return epochClock;
        }
    }
}
