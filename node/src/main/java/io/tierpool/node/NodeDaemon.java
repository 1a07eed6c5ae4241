/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node;

import io.tierpool.node.cluster.ClusterContext;
import io.tierpool.node.cluster.MembershipListener;
import io.tierpool.node.cluster.NodeInfo;
import io.tierpool.node.cluster.NodeMembership;
import io.tierpool.node.engine.BlockStore;
import io.tierpool.node.server.NodeBlockService;
import io.tierpool.transport.BlockServer;
import io.tierpool.transport.TransportDriver;
import org.agrona.CloseHelper;
import org.agrona.concurrent.ShutdownSignalBarrier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TierPool node daemon: an Apache Ignite server node for membership (it publishes its Aeron endpoint and
 * capacity as node attributes), a {@link BlockStore} with this node's own tiers, and a transport
 * {@link BlockServer} that stores the blocks remote clients send into that store. When discovery reports that a
 * client left or failed, the daemon frees every block that client had placed here.
 * <p>
 * Started from the command line by {@link NodeDaemonCommand} ({@code java -jar tierpool-node.jar --help}), or
 * in-process with {@link #start(NodeDaemonCommand)}. {@link #close()} stops the server, leaves the cluster, frees
 * the store and removes every file the daemon created. Thread-safe close; idempotent.
 */
public final class NodeDaemon implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(NodeDaemon.class);

    private final String nodeName;
    private final BlockStore store;
    private final TransportDriver driver;
    private final BlockServer server;
    private final NodeMembership membership;
    private final NodeBlockService service;
    private volatile boolean closed;

    private NodeDaemon(
        final String nodeName,
        final BlockStore store,
        final TransportDriver driver,
        final BlockServer server,
        final NodeMembership membership,
        final NodeBlockService service)
    {
        this.nodeName = nodeName;
        this.store = store;
        this.driver = driver;
        this.server = server;
        this.membership = membership;
        this.service = service;
    }

    /**
     * Starts a node daemon with the given settings.
     *
     * @param settings the parsed command line (or settings filled in by code).
     * @return the running daemon, to be closed by the caller.
     * @throws io.tierpool.ConfigurationException if a setting is invalid or a tier cannot get its capacity.
     */
    public static NodeDaemon start(final NodeDaemonCommand settings)
    {
        BlockStore store = null;
        TransportDriver driver = null;
        BlockServer server = null;
        NodeMembership membership = null;
        try
        {
            store = new BlockStore(settings.storeContext());
            final NodeBlockService service = new NodeBlockService(settings.name, store);
            driver = TransportDriver.launch(new TransportDriver.Context().baseDir(settings.aeronDir.toString()));
            server = BlockServer.launch(new BlockServer.Context()
                .aeron(driver.aeron())
                .endpoint(settings.host + ":" + settings.port)
                .nodeName(settings.name)
                .handler(service));

            final ClusterContext cluster = settings.clusterContext();
            membership = NodeMembership.start(cluster, settings.name, server.endpoint(), settings.capacityBytes());
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
                    final int freed = service.freeClient(clientId);
                    LOG.info("client {} {}: reclaimed {} blocks", Long.toHexString(clientId), failed ? "failed" : "left", freed);
                }
            });
            return new NodeDaemon(settings.name, store, driver, server, membership, service);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(membership, server, driver, store);
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
     * Stops serving, leaves the cluster, frees every block and removes the daemon's files. Idempotent.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            CloseHelper.closeAll(server, membership, driver, store);
        }
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
                System.out.println(NodeProcess.formatReadyLine(java.util.Map.of(
                    NodeProcess.READY_KEY_NAME, daemon.nodeName(),
                    NodeProcess.READY_KEY_ENDPOINT, daemon.endpoint(),
                    "pid", Long.toString(ProcessHandle.current().pid()))));
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
