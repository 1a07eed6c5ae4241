/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import io.tierpool.client.ClusterUnavailableException;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.failure.StopNodeFailureHandler;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;
import org.apache.ignite.spi.discovery.zk.ZookeeperDiscoverySpi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The discovery SPI each member's Ignite configuration gets: the TCP ring by default, configured from the cluster
 * context's addresses and ports; Ignite's ZooKeeper discovery with the configured ensemble, session timeout and root
 * path when asked for; and a node daemon that cannot reach its ZooKeeper ensemble fails to start with a message
 * naming the ensemble and what to check. Ports: communication 56190-56199; nothing listens on 57099 (ZooKeeper).
 */
class DiscoveryFactoryTest
{
    @TempDir
    Path workParent;

    @Test
    void shouldGiveEveryMemberTheTcpRingByDefault()
    {
        final ClusterContext ctx = new ClusterContext()
            .discoveryAddresses(List.of("10.0.0.1:47500..47509"))
            .localAddress("127.0.0.1")
            .discoveryPort(47600)
            .discoveryPortRange(3)
            .conclude();

        final TcpDiscoverySpi spi = assertInstanceOf(TcpDiscoverySpi.class, configuration(ctx, false).getDiscoverySpi());
        assertEquals("127.0.0.1", spi.getLocalAddress());
        assertEquals(3, spi.getLocalPortRange());
        final List<String> addresses = ((TcpDiscoveryVmIpFinder)spi.getIpFinder()).getRegisteredAddresses().stream()
            .map((address) -> address.getHostString() + ":" + address.getPort()).sorted().toList();
        assertEquals(10, addresses.size(), addresses::toString);
        assertEquals("10.0.0.1:47500", addresses.get(0));
        assertEquals("10.0.0.1:47509", addresses.get(9));
        final TcpDiscoverySpi clientSpi = assertInstanceOf(TcpDiscoverySpi.class,
            configuration(ctx.clientJoinTimeoutMs(4_321), true).getDiscoverySpi());
        assertEquals(4_321, clientSpi.getJoinTimeout());
        assertTrue(clientSpi.isClientReconnectDisabled());
    }

    @Test
    void shouldGiveEveryMemberZooKeeperDiscoveryWithTheConfiguredEnsembleTimeoutAndRoot()
    {
        final ClusterContext ctx = new ClusterContext().clientJoinTimeoutMs(5_432);
        ctx.discovery()
            .kind(DiscoveryFactory.Kind.ZOOKEEPER)
            .zookeeperConnect("127.0.0.1:57001,127.0.0.1:57002,127.0.0.1:57003")
            .zookeeperSessionTimeoutMs(4_000)
            .zookeeperRootPath("/tierpool/unit");
        ctx.conclude();

        final ZookeeperDiscoverySpi spi =
            assertInstanceOf(ZookeeperDiscoverySpi.class, configuration(ctx, false).getDiscoverySpi());
        assertEquals("127.0.0.1:57001,127.0.0.1:57002,127.0.0.1:57003", spi.getZkConnectionString());
        assertEquals(4_000, spi.getSessionTimeout());
        assertEquals("/tierpool/unit", spi.getZkRootPath());
        assertEquals(0, spi.getJoinTimeout(), "a node daemon waits to join as long as its ZooKeeper session lives");
        assertFalse(spi.isClientReconnectDisabled());

        final ZookeeperDiscoverySpi clientSpi =
            assertInstanceOf(ZookeeperDiscoverySpi.class, configuration(ctx, true).getDiscoverySpi());
        assertEquals(5_432, clientSpi.getJoinTimeout());
        assertTrue(clientSpi.isClientReconnectDisabled());
        assertTrue(ctx.toString().contains("kind=zookeeper"), ctx.toString());
    }

    @Test
    @Timeout(60)
    void shouldFailANodeStartWhoseZooKeeperEnsembleCannotBeReachedNamingTheEnsemble() throws Exception
    {
        final ClusterContext ctx = new ClusterContext()
            .workDirectory(workParent)
            .communicationPort(56190)
            .communicationPortRange(9);
        ctx.discovery()
            .kind(DiscoveryFactory.Kind.ZOOKEEPER)
            .zookeeperConnect("127.0.0.1:57099")
            .zookeeperSessionTimeoutMs(1_000)
            .zookeeperRootPath("/tierpool/unreachable");

        final ClusterUnavailableException ex = assertThrows(ClusterUnavailableException.class,
            () -> NodeMembership.start(ctx, "node-zk", "127.0.0.1:42099", 1L << 20).close());
        assertTrue(ex.getMessage().contains("could not join the cluster through ZooKeeper discovery at " +
            "127.0.0.1:57099 under /tierpool/unreachable (session timeout 1000 ms)"), ex.getMessage());
        assertTrue(ex.getMessage().contains("Check that the ZooKeeper servers are up"), ex.getMessage());
        try (Stream<Path> left = Files.list(workParent))
        {
            assertEquals(List.of(), left.toList(), "Ignite work files left behind");
        }
    }

    private IgniteConfiguration configuration(final ClusterContext ctx, final boolean clientMode)
    {
        return ctx.igniteConfiguration("discovery-factory-test", clientMode, Map.of(), workParent,
            (event) -> true, new StopNodeFailureHandler());
    }
}
