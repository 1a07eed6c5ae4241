/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node;

import io.tierpool.node.cluster.ClusterContext;
import io.tierpool.node.cluster.DiscoveryFactory;
import io.tierpool.node.cluster.CapacityPublicationPolicy;
import io.tierpool.node.cluster.FreeCapacityPublisher;
import io.tierpool.node.cluster.MembershipListener;
import io.tierpool.node.cluster.NodeInfo;
import io.tierpool.node.cluster.NodeMembership;
import io.tierpool.node.cluster.PartitionHealer;
import io.tierpool.node.cluster.ZooKeeperHealer;
import io.tierpool.node.engine.BlockStore;
import io.tierpool.client.GpuInfo;
import io.tierpool.node.gpu.GpuProbe;
import io.tierpool.node.metrics.MetricsHttpServer;
import io.tierpool.node.metrics.NodeMetrics;
import io.tierpool.node.config.NodeConfiguration;
import io.tierpool.node.server.LeaseReaper;
import io.tierpool.node.server.MembershipJournal;
import io.tierpool.node.server.NodeBlockService;
import io.tierpool.client.NodeView;
import io.tierpool.transport.MemberNode;
import io.tierpool.transport.MembershipQuery;
import io.tierpool.transport.MembershipSnapshot;
import io.tierpool.transport.codecs.MembershipQueryKind;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import io.tierpool.client.TierStats;
import io.tierpool.transport.BlockServer;
import io.tierpool.transport.TransportDriver;
import org.agrona.CloseHelper;
import org.agrona.concurrent.ShutdownSignalBarrier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A TierPool node daemon: an Apache Ignite server node for membership (it publishes its Aeron endpoint and
 * capacity as node attributes), a {@link BlockStore} with this node's own tiers, and a transport
 * {@link BlockServer} that stores the blocks remote clients send into that store. When discovery reports that a
 * client left or failed, the daemon frees every block that client had placed here. It publishes its free bytes
 * ({@link #freeBytes(BlockStore)}) through Ignite when it starts and every second ({@link FreeCapacityPublisher}),
 * and clients weight placement by them. A {@link PartitionHealer} watches for the daemon being split off from its
 * cluster (it then publishes 0 free bytes) and brings it back after the heal, dropping the blocks it held. Under
 * ZooKeeper discovery a {@link ZooKeeperHealer} keeps the daemon running when Ignite segments it (its ZooKeeper
 * session expired) and rejoins once the ensemble answers.
 * <p>
 * Unless {@link NodeDaemonCommand#metricsPort()} is -1, the daemon also serves its metrics over HTTP on
 * {@link NodeDaemonCommand#host()}{@code :}{@link NodeDaemonCommand#metricsPort()} ({@link NodeMetrics},
 * {@link MetricsHttpServer}): Prometheus text at {@code /metrics} and JSON statistics at {@code /stats}.
 * <p>
 * Started from the command line by {@link NodeDaemonCommand} ({@code java -jar tierpool-node.jar --help}), or
 * in-process with {@link #start(NodeDaemonCommand)}. {@link #close()} stops the server, leaves the cluster, frees
 * the store and removes every file the daemon created. Thread-safe close; idempotent.
 */
public final class NodeDaemon implements AutoCloseable
{
    /** Ready-line key of the daemon's metrics endpoint, {@code host:port}, present when metrics are enabled. */
    public static final String READY_KEY_METRICS = "metrics";

    /** {@link NodeDaemonCommand#metricsPort()} that turns metrics off. */
    public static final int METRICS_DISABLED = -1;

    /** Ready-line key of the daemon's process id. */
    public static final String READY_KEY_PID = "pid";

    private static final Logger LOG = LoggerFactory.getLogger(NodeDaemon.class);

    private final String nodeName;
    private final BlockStore store;
    private final TransportDriver driver;
    private final BlockServer server;
    private final NodeMembership membership;
    private final NodeBlockService service;
    private final NodeMetrics metrics;
    private final MetricsHttpServer metricsServer;
    private final FreeCapacityPublisher capacityPublisher;
    private final LeaseReaper leaseReaper;
    private final PartitionHealer healer;
    private final ZooKeeperHealer zooKeeperHealer;
    private volatile boolean closed;

    private NodeDaemon(
        final String nodeName,
        final BlockStore store,
        final TransportDriver driver,
        final BlockServer server,
        final NodeMembership membership,
        final NodeBlockService service,
        final NodeMetrics metrics,
        final MetricsHttpServer metricsServer,
        final FreeCapacityPublisher capacityPublisher,
        final LeaseReaper leaseReaper,
        final PartitionHealer healer,
        final ZooKeeperHealer zooKeeperHealer)
    {
        this.healer = healer;
        this.zooKeeperHealer = zooKeeperHealer;
        this.capacityPublisher = capacityPublisher;
        this.leaseReaper = leaseReaper;
        this.nodeName = nodeName;
        this.store = store;
        this.driver = driver;
        this.server = server;
        this.membership = membership;
        this.service = service;
        this.metrics = metrics;
        this.metricsServer = metricsServer;
    }

    /**
     * Starts a node daemon with the given settings.
     *
     * @param settings the parsed command line (or settings filled in by code).
     * @return the running daemon, to be closed by the caller.
     * @throws io.tierpool.client.ConfigurationException if a setting is invalid, a tier cannot get its capacity, or the
     *                                             metrics port cannot be bound.
     */
    public static NodeDaemon start(final NodeDaemonCommand settings)
    {
        BlockStore store = null;
        TransportDriver driver = null;
        BlockServer server = null;
        NodeMembership membership = null;
        NodeMetrics metrics = null;
        MetricsHttpServer metricsServer = null;
        FreeCapacityPublisher capacityPublisher = null;
        LeaseReaper leaseReaper = null;
        PartitionHealer healer = null;
        ZooKeeperHealer zooKeeperHealer = null;
        try
        {
            final GpuInfo gpu = GpuProbe.shared(settings.configuration().gpuEnabled());
            store = new BlockStore(settings.storeContext());
            final NodeBlockService service = new NodeBlockService(settings.name(), store);
            final AtomicLong transportErrors = new AtomicLong();
            final String aeronDir = settings.aeronDir().toString();
            driver = TransportDriver.launch(new TransportDriver.Context()
                .baseDir(aeronDir)
                .errorHandler((throwable) ->
                {
                    transportErrors.incrementAndGet();
                    LOG.warn("node {}: Aeron error under {}", settings.name(), aeronDir, throwable);
                }));
            server = BlockServer.launch(new BlockServer.Context()
                .aeron(driver.aeron())
                .endpoint(settings.host() + ":" + settings.port())
                .nodeName(settings.name())
                .security(DataPathSecurity.resolve(settings.configuration(), System.getenv(), settings.name(),
                    settings.host() + ":" + settings.port()))
                .handler(service));

            final ClusterContext cluster = settings.clusterContext();
            membership = NodeMembership.start(cluster, settings.name(), server.endpoint(), settings.capacityBytes());
            membership.addListener(new MembershipListener()
            {
                public void onNodeJoined(final NodeInfo node)
                {
                    LOG.info("node {} joined: {}", node.nodeName(), node.endpoint());
                }

                public void onNodeLeft(final NodeInfo node, final boolean failed)
                {
                    LOG.info("node {} {}", node.nodeName(), failed ? "failed" : "left");
                }

                public void onClientLeft(final long clientId, final boolean failed)
                {
                    service.leases().end(clientId);
                    final int freed = service.freeClient(clientId);
                    LOG.info("client {} {}: reclaimed {} blocks", Long.toHexString(clientId), failed ? "failed" : "left", freed);
                }
            });

            final NodeMembership joined = membership;
            final AtomicLong localFreeBytes = new AtomicLong(-1);
            if (PartitionHealer.enabled() && DiscoveryFactory.Kind.ZOOKEEPER == cluster.discovery().kind())
            {
                zooKeeperHealer = ZooKeeperHealer.start(membership, settings.name(), cluster.discovery(),
                    () -> dropAllBlocks(service, settings.name()));
            }
            final ZooKeeperHealer reported = zooKeeperHealer;
            service.members(journalAnswers(joined,
                () -> null == reported ? joined.liveNodes() : reported.reportedNodes(), localFreeBytes,
                new MembershipJournal()));
            leaseReaper = new LeaseReaper(service, settings.name(), LeaseReaper.DEFAULT_INTERVAL_MS);
            healer = PartitionHealer.enabled() ?
                PartitionHealer.start(membership, settings.name(), () -> dropAllBlocks(service, settings.name())) : null;
            final PartitionHealer splitCheck = healer;

            if (settings.metricsPort() != METRICS_DISABLED)
            {
                final NodeMembership members = membership;
                final BlockServer blockServer = server;
                metrics = new NodeMetrics(new NodeMetrics.Context()
                    .nodeName(settings.name())
                    .endpoint(server.endpoint())
                    .store(store)
                    .service(service)
                    .clusterNodes(() -> members.liveNodes().size())
                    .errorSource("server", blockServer::errorCount)
                    .errorSource("malformed", blockServer::malformedCount)
                    .errorSource("expired_puts", blockServer::expiredReassemblyCount)
                    .errorSource("undelivered", blockServer::undeliveredResponseCount)
                    .errorSource("transport", transportErrors::get)
                    .errorSource("security_refused", () -> blockServer.securityCounters().refused())
                    .blockServer(blockServer)
                    .gpu(gpu.describe()));
                metricsServer = MetricsHttpServer.start(new MetricsHttpServer.Context()
                    .host(settings.host())
                    .port(settings.metricsPort())
                    .metrics(metrics));
            }
            final BlockStore blockStore = store;
            capacityPublisher = FreeCapacityPublisher.start(
                membership,
                capacityPolicy(settings.capacityBytes(), settings.configuration()),
                () -> null != splitCheck && splitCheck.isSplit() ? 0 : freeBytes(blockStore),
                FreeCapacityPublisher.DEFAULT_INTERVAL_MS,
                (throwable) ->
                {
                    if (null == reported || !reported.isLost()) // lost: the healer has said so once
                    {
                        LOG.warn("node {}: could not publish its free capacity", settings.name(), throwable);
                    }
                },
                localFreeBytes::set);

            return new NodeDaemon(
                settings.name(), store, driver, server, membership, service, metrics, metricsServer, capacityPublisher,
                leaseReaper, healer, zooKeeperHealer);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(
                zooKeeperHealer, healer, capacityPublisher, leaseReaper, metricsServer, metrics, membership, server,
                driver, store);
            throw ex;
        }
    }

    /**
     * @return the node's name.
     */
    public String nodeName()
    {
        return nodeName;
    }

    /**
     * @return the Aeron endpoint clients send blocks to, {@code host:port}.
     */
    public String endpoint()
    {
        return server.endpoint();
    }

    /**
     * @return the node's block store (its tiers and statistics).
     */
    public BlockStore store()
    {
        return store;
    }

    /**
     * @return the service that maps remote clients' blocks to this node's store.
     */
    public NodeBlockService service()
    {
        return service;
    }

    /**
     * @return this node's cluster membership.
     */
    public NodeMembership membership()
    {
        return membership;
    }

    /**
     * @return the agent that brings this node back into its cluster after a partition, or null when it is off
     * ({@value PartitionHealer#ENABLED_PROP_NAME} = false).
     */
    public PartitionHealer healer()
    {
        return healer;
    }

    /**
     * @return the agent that rejoins the cluster after Ignite's ZooKeeper discovery segmented this daemon, or null
     * under ring discovery or when healing is off ({@value PartitionHealer#ENABLED_PROP_NAME} = false).
     */
    public ZooKeeperHealer zooKeeperHealer()
    {
        return zooKeeperHealer;
    }

    /**
     * @return the node's metrics, or null when metrics are disabled ({@code --metrics-port -1}).
     */
    public NodeMetrics metrics()
    {
        return metrics;
    }

    /**
     * @return where the node serves {@code /metrics} and {@code /stats}, {@code host:port} with the port it bound,
     * or null when metrics are disabled ({@code --metrics-port -1}).
     */
    public String metricsEndpoint()
    {
        return null == metricsServer ? null : metricsServer.endpoint();
    }

    /**
     * What the daemon prints on its ready line ({@link NodeProcess#formatReadyLine(Map)}), in this order:
     * {@value NodeProcess#READY_KEY_NAME}, {@value NodeProcess#READY_KEY_ENDPOINT}, {@value #READY_KEY_METRICS}
     * (only when metrics are enabled) and {@value #READY_KEY_PID}.
     *
     * @return an unmodifiable, ordered map of ready-line keys to values.
     */
    public Map<String, String> readyInfo()
    {
        final Map<String, String> info = new LinkedHashMap<>();
        info.put(NodeProcess.READY_KEY_NAME, nodeName);
        info.put(NodeProcess.READY_KEY_ENDPOINT, endpoint());
        if (null != metricsServer)
        {
            info.put(READY_KEY_METRICS, metricsServer.endpoint());
        }
        info.put(READY_KEY_PID, Long.toString(ProcessHandle.current().pid()));
        return Collections.unmodifiableMap(info);
    }

    /**
     * Stops serving metrics and blocks, leaves the cluster, frees every block and removes the daemon's files.
     * Idempotent.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            CloseHelper.closeAll(
                zooKeeperHealer, healer, capacityPublisher, leaseReaper, metricsServer, metrics, server, membership,
                driver, store);
        }
    }

    /**
     * Before a rejoin after a partition: end every client's lease and free every block held for clients, whose
     * copies the cluster has replaced (see {@link PartitionHealer}).
     */
    private static void dropAllBlocks(final NodeBlockService service, final String nodeName)
    {
        int clients = 0;
        int blocks = 0;
        for (final long clientId : service.clientIds())
        {
            service.leases().end(clientId);
            blocks += service.freeClient(clientId);
            clients++;
        }
        LOG.warn("node {}: dropped {} blocks of {} clients before rejoining the cluster", nodeName, blocks, clients);
    }

    /**
     * The capacity publication policy the configuration asks for ({@code capacity.publish.threshold} of the
     * node's capacity, {@code capacity.publish.refresh}).
     *
     * @param capacityBytes the node's far-memory capacity, 0 or more.
     * @param configuration the node's configuration.
     * @return the policy.
     */
    static CapacityPublicationPolicy capacityPolicy(final long capacityBytes, final NodeConfiguration configuration)
    {
        return CapacityPublicationPolicy.forCapacity(
            capacityBytes, configuration.capacityPublishThreshold(), configuration.capacityPublishRefreshMs());
    }

    /**
     * What this node answers a thin client's membership request from protocol version 4 on: a lease-only query
     * gets an empty answer, a full or delta query what the journal says (only the changes since the client's
     * sequence when it can) about the nodes {@code live} lists: Ignite's live nodes, or while a
     * {@link ZooKeeperHealer} has lost the session, the last view it reports.
     */
    static NodeBlockService.ClusterMembers journalAnswers(
        final NodeMembership membership, final Supplier<List<NodeInfo>> live, final AtomicLong localFreeBytes,
        final MembershipJournal journal)
    {
        return new NodeBlockService.ClusterMembers()
        {
            public MembershipSnapshot snapshot(final long grantedLeaseMs)
            {
                return answer(grantedLeaseMs, MembershipQuery.FULL);
            }

            public MembershipSnapshot answer(final long grantedLeaseMs, final MembershipQuery query)
            {
                if (MembershipQueryKind.LEASE_ONLY == query.kind())
                {
                    return journal.leaseOnly(
                        membership.localNodeId(), membership.localNode().nodeName(), grantedLeaseMs);
                }
                final MembershipSnapshot now =
                    membershipSnapshot(membership, live.get(), localFreeBytes.get(), grantedLeaseMs);
                return journal.answer(now.answeringNodeId(), now.answeringNodeName(), grantedLeaseMs, now.nodes(),
                    now.departed(), query);
            }
        };
    }

    /**
     * What this node answers a thin client's membership request: the live node daemons with the free bytes each
     * last published (this node's own from its last publication), and the recent departures.
     */
    static MembershipSnapshot membershipSnapshot(
        final NodeMembership membership, final long localFreeBytes, final long grantedLeaseMs)
    {
        return membershipSnapshot(membership, membership.liveNodes(), localFreeBytes, grantedLeaseMs);
    }

    /**
     * As {@link #membershipSnapshot(NodeMembership, long, long)}, listing {@code live} (what a
     * {@link ZooKeeperHealer} reports while the daemon has lost its ZooKeeper session or is rejoining).
     */
    static MembershipSnapshot membershipSnapshot(
        final NodeMembership membership, final List<NodeInfo> live, final long localFreeBytes,
        final long grantedLeaseMs)
    {
        final List<MemberNode> nodes = new ArrayList<>(live.size());
        final UUID self = membership.localNodeId();
        for (final NodeInfo node : live)
        {
            nodes.add(new MemberNode(
                new NodeView(node.nodeId(), node.nodeName(), node.endpoint(), node.capacityBytes()),
                self.equals(node.nodeId()) ? localFreeBytes : membership.freeBytes(node.nodeId())));
        }
        return new MembershipSnapshot(
            self, membership.localNode().nodeName(), grantedLeaseMs, nodes, membership.recentDepartures());
    }

    /**
     * The bytes of blocks a store can still take: the sum over its tiers of capacity minus use, what the daemon
     * publishes to clients for placement.
     *
     * @param store the node's store.
     * @return free bytes, 0 or more.
     */
    public static long freeBytes(final BlockStore store)
    {
        long free = 0;
        for (final TierStats tier : store.tierStats())
        {
            free += Math.max(0, tier.capacityBytes() - tier.usedBytes());
        }
        return free;
    }

    /**
     * Runs a node daemon until SIGTERM or SIGINT, then shuts it down cleanly.
     *
     * @param args the command line; {@code --help} lists every option and its environment variable.
     */
    public static void main(final String[] args)
    {
        System.exit(NodeDaemonCommand.run(args, (settings) ->
        {
            try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
                NodeDaemon daemon = start(settings))
            {
                System.out.println(NodeProcess.formatReadyLine(daemon.readyInfo()));
                System.out.flush();
                daemon.membership().addListener(new MembershipListener()
                {
                    public void onNodeJoined(final NodeInfo node)
                    {
                    }

                    public void onNodeLeft(final NodeInfo node, final boolean failed)
                    {
                    }

                    public void onDisconnected(final String reason)
                    {
                        if (null != daemon.zooKeeperHealer())
                        {
                            return; // it logs the loss and rejoins once ZooKeeper answers
                        }
                        LOG.error("node {} lost the cluster ({}); shutting down", daemon.nodeName(), reason);
                        barrier.signal();
                    }
                });
                barrier.await();
                LOG.info("node {} shutting down", daemon.nodeName());
            }
            return 0;
        }));
    }
}
