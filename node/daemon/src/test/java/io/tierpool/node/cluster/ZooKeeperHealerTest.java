/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import org.agrona.CloseHelper;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ZooKeeperHealer} driven by hand ({@link ZooKeeperHealer#doWork()}) over an in-process member under
 * ZooKeeper discovery and a real ZooKeeper server (Curator's {@link TestingServer}, tickTime 500 ms) that is stopped
 * for longer than the session timeout and restarted on the same port: the member is segmented, the healer reports
 * the last known view meanwhile, and once the server is back it rejoins under the same node id without dropping
 * anything. Ports: ZooKeeper 57150, Ignite communication 58250-58259.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ZooKeeperHealerTest
{
    private static final int SESSION_TIMEOUT_MS = 2_000;

    private final AtomicInteger drops = new AtomicInteger();
    private Path dataDir;
    private TestingServer server;
    private NodeMembership member;
    private ZooKeeperHealer healer;

    @AfterEach
    void closeAll() throws IOException
    {
        CloseHelper.closeAll(healer, member, server);
        if (null != dataDir)
        {
            try (Stream<Path> paths = Files.walk(dataDir))
            {
                paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
            }
            assertFalse(Files.exists(dataDir));
        }
    }

    @Test
    void shouldKeepServingTheLastViewWhileLostAndRejoinUnderTheSameNodeIdWhenEverySessionExpired() throws Exception
    {
        dataDir = Files.createTempDirectory("tierpool-test-zookeeper-healer-");
        server = new TestingServer(new InstanceSpec(dataDir.toFile(), 57150, -1, -1, false, -1, 500, -1), true);
        final ClusterContext ctx = new ClusterContext()
            .localAddress("127.0.0.1")
            .communicationPort(58250)
            .communicationPortRange(9);
        ctx.discovery()
            .kind(DiscoveryFactory.Kind.ZOOKEEPER)
            .zookeeperConnect(server.getConnectString())
            .zookeeperSessionTimeoutMs(SESSION_TIMEOUT_MS)
            .zookeeperRootPath("/tierpool/healer-unit");
        member = NodeMembership.start(ctx, "node-zk", "127.0.0.1:43250", 1L << 20);
        healer = new ZooKeeperHealer(member, "node-zk", server.getConnectString(), "/tierpool/healer-unit",
            SESSION_TIMEOUT_MS, drops::incrementAndGet, 1, 1_000, 60_000, System::nanoTime, false);
        final UUID id = member.localNodeId();
        final List<NodeInfo> view = member.liveNodes();
        assertEquals(1, view.size());
        assertEquals(0, healer.doWork(), "joined: nothing to do");
        assertEquals(view, healer.reportedNodes());

        server.stop();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!healer.isLost() && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(100);
        }
        assertTrue(healer.isLost(), "segmented once the session timeout passed without ZooKeeper");
        assertTrue(member.liveNodes().isEmpty(), "Ignite's own view is gone");
        assertEquals(view, healer.reportedNodes(), "clients are answered with the last known view");
        assertEquals(0, healer.doWork(), "ZooKeeper is down: no rejoin");

        server.restart();
        int rejoined = 0;
        while (0 == rejoined && System.nanoTime() < deadlineNs)
        {
            rejoined = healer.doWork();
            Thread.sleep(200);
        }
        assertEquals(1, rejoined, "rejoined once ZooKeeper answered and the old session expired");
        assertFalse(healer.isLost());
        assertEquals(id, member.localNodeId(), "the same node id as before the outage");
        assertEquals(1, healer.rejoins());
        assertEquals(0, healer.freshRejoins());
        assertEquals(0, drops.get(), "no block dropped: every session expired, nobody copied them elsewhere");
        assertEquals(1, member.liveNodes().size());
        assertEquals(id, healer.reportedNodes().get(0).nodeId());
        assertEquals(0, healer.doWork(), "every node of the last view is back: the hold ends");
        assertTrue(member.isConnected());
    }
}
