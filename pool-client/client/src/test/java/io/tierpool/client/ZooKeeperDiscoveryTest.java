/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.node.NodeProcess;
import org.agrona.CloseHelper;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Node daemons (separate JVMs) that find each other through Ignite's ZooKeeper discovery
 * ({@code --discovery-kind zookeeper}) in a real ZooKeeper ensemble of three servers on loopback (Curator's
 * {@link TestingCluster}, running the ZooKeeper that {@code ignite-zookeeper} brings): they form one cluster, a thin
 * client keeps far memory in it, a daemon killed with SIGKILL is reported failed and its blocks re-replicated, and
 * the cluster keeps working, and admits a new daemon, after one ZooKeeper server, the leader, is killed.
 * <p>
 * Each daemon's ring discovery addresses name only its own port, so that the ring could never join them: only
 * ZooKeeper can.
 * <p>
 * Ports: ZooKeeper 57000-57029 (client, quorum and election ports of three servers per test), Aeron 42000-42019,
 * Ignite communication 56000-56029; the ring discovery ports named (56100-56119) are never bound.
 */
class ZooKeeperDiscoveryTest
{
    private static final int SESSION_TIMEOUT_MS = 5_000;
    private static final int ZOOKEEPER_TICK_MS = 500;
    private static final int BLOCK_BYTES = 32 * 1024;
    private static final long AWAIT_MS = 60_000;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<Block> blocks = new ArrayList<>();
    private final List<byte[]> contents = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom(0x2007_18L);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Path workDir;

    @AfterEach
    void closeEverything()
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
        closeables.clear();
        if (null != workDir)
        {
            NodeCluster.deleteRecursively(workDir);
            assertFalse(Files.exists(workDir), "work directory removed: " + workDir);
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldFormOneClusterServeFarMemoryAndReReplicateTheBlocksOfANodeKilledWithSigkill() throws Exception
    {
        final TestingCluster ensemble = startEnsemble(57000);
        final String root = "/tierpool/kill-test";
        startNodes(ensemble, root, 0, 3);
        awaitEveryNodeSees(nodes, 3);
        awaitAliveZnodes(ensemble, root, 3);

        final TierPool pool = own(TierPool.open(NodeCluster.clientContext(endpoints(), workDir, 3)
            .ramCapacityBytes(256 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0)));
        assertEquals(2, pool.stats().replicas(), "default: 2 replicas with three nodes");
        writeBlocks(pool, 64);
        assertTrue(blocksIn(TierKind.REMOTE) >= 48, "most blocks spilled to far memory: " + pool.stats().toJson());
        verifyAll("before the kill");

        final NodeProcess victim = nodes.get(1);
        final String victimName = victim.name();
        final long copiesOnVictim = FaultJob.copiesOn(pool.stats(), victimName);
        assertTrue(copiesOnVictim > 0, "the victim holds copies: " + pool.stats().toJson());
        final long killedAtNs = System.nanoTime();
        victim.kill();
        final List<NodeProcess> survivors = List.of(nodes.get(0), nodes.get(2));

        awaitEveryNodeSees(survivors, 2);
        await(() -> pool.liveNodes().size(), 2, "the client reports the killed node gone");
        final long reportedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAtNs);
        for (final NodeProcess survivor : survivors)
        {
            awaitLogLine(survivor, "node " + victimName + " failed");
        }
        FaultJob.awaitFullyReplicated(pool);
        final PoolStats end = pool.stats();
        System.out.printf("ZooKeeperDiscoveryTest figures: sessionTimeoutMs=%d killReportedAfterMs=%d " +
            "copiesOnKilledNode=%d reReplicated=%d underReplicated=%d lost=%d%n", SESSION_TIMEOUT_MS, reportedMs,
            copiesOnVictim, end.reReplicatedBlocks(), end.underReplicatedBlocks(), end.lostBlocks());
        assertEquals(0, end.underReplicatedBlocks(), "two copies of every remote block again: " + end.toJson());
        assertTrue(end.reReplicatedBlocks() > 0, "blocks that lost a copy were re-replicated: " + end.toJson());
        assertEquals(0, end.lostBlocks(), end.toJson());
        assertEquals(0, FaultJob.copiesOn(end, victimName), "no copy counted on the killed node: " + end.toJson());
        verifyAll("after the kill");
        assertEquals(0, pool.stats().checksumFailures(), pool.stats().toJson());
        awaitAliveZnodes(ensemble, root, 2);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldKeepServingFarMemoryAndAdmitANewNodeWhenOneOfThreeZooKeeperServersIsKilled() throws Exception
    {
        final TestingCluster ensemble = startEnsemble(57010);
        final String root = "/tierpool/ensemble-test";
        startNodes(ensemble, root, 10, 3);
        awaitEveryNodeSees(nodes, 3);

        final TierPool pool = own(TierPool.open(NodeCluster.clientContext(endpoints(), workDir, 3)
            .ramCapacityBytes(256 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0)));
        writeBlocks(pool, 32);

        final InstanceSpec leader = leader(ensemble);
        assertTrue(ensemble.killServer(leader), "killed ZooKeeper server " + leader.getConnectString());
        final long killedAtNs = System.nanoTime();

        writeBlocks(pool, 32);
        final long writtenAtNs = System.nanoTime();
        assertTrue(blocksIn(TierKind.REMOTE) >= 40, "most blocks spilled to far memory: " + pool.stats().toJson());
        verifyAll("after one ZooKeeper server was killed");

        final long joinStartNs = System.nanoTime();
        startNodes(ensemble, root, 13, 1);
        awaitEveryNodeSees(nodes, 4);
        final long joinedAtNs = System.nanoTime();
        await(() -> pool.liveNodes().size(), 4, "the client learns of the daemon that joined");
        awaitAliveZnodes(ensemble, root, 4);
        for (final NodeProcess node : nodes)
        {
            assertTrue(node.isAlive(), node.name() + " kept running through the ZooKeeper leader's loss");
        }

        writeBlocks(pool, 32);
        verifyAll("after a fourth daemon joined");
        System.out.printf("ZooKeeperDiscoveryTest figures: killedZooKeeperLeader=%s sessionTimeoutMs=%d " +
            "writes32AfterLeaderKillMs=%d fourthNodeStartToSeenByAllMs=%d blocksVerified=%d%n",
            leader.getConnectString(), SESSION_TIMEOUT_MS, TimeUnit.NANOSECONDS.toMillis(writtenAtNs - killedAtNs),
            TimeUnit.NANOSECONDS.toMillis(joinedAtNs - joinStartNs), blocks.size());
        assertEquals(0, pool.stats().lostBlocks(), pool.stats().toJson());
        assertEquals(0, pool.stats().checksumFailures(), pool.stats().toJson());
    }

    private TestingCluster startEnsemble(final int basePort) throws Exception
    {
        workDir = Files.createTempDirectory("tierpool-test-zookeeper-");
        final List<InstanceSpec> specs = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            final Path dataDir = Files.createDirectories(workDir.resolve("zookeeper-" + (i + 1)));
            specs.add(new InstanceSpec(dataDir.toFile(), basePort + i, basePort + 3 + i, basePort + 6 + i, true,
                i + 1, ZOOKEEPER_TICK_MS, -1, Map.of(), "127.0.0.1"));
        }
        final TestingCluster ensemble = own(new TestingCluster(specs));
        ensemble.start();
        return ensemble;
    }

    /**
     * Starts {@code count} daemons in parallel, numbered from {@code first + 1}, joined through the ensemble.
     */
    private void startNodes(final TestingCluster ensemble, final String root, final int first, final int count)
        throws Exception
    {
        final ExecutorService starter = Executors.newFixedThreadPool(count);
        try
        {
            final List<Future<NodeProcess>> started = new ArrayList<>();
            for (int i = first; i < first + count; i++)
            {
                final int index = i;
                started.add(starter.submit(() -> NodeCluster.startNode(
                    workDir, "node-" + (index + 1), 42000 + index, 56100 + index, 56000 + index,
                    "127.0.0.1:" + (56100 + index), "16m", "0", "0", List.of(),
                    List.of(
                        "--discovery-kind", "zookeeper",
                        "--zookeeper-connect", ensemble.getConnectString(),
                        "--zookeeper-session-timeout", Integer.toString(SESSION_TIMEOUT_MS),
                        "--zookeeper-root", root))));
            }
            AssertionError failure = null;
            for (final Future<NodeProcess> future : started)
            {
                try
                {
                    nodes.add(own(future.get(90, TimeUnit.SECONDS)));
                }
                catch (final Exception ex)
                {
                    failure = null == failure ? new AssertionError("a node daemon did not start", ex) : failure;
                }
            }
            if (null != failure)
            {
                throw failure;
            }
        }
        finally
        {
            starter.shutdownNow();
        }
    }

    private List<String> endpoints()
    {
        return nodes.stream().map(NodeProcess::endpoint).toList();
    }

    private void writeBlocks(final TierPool pool, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final byte[] data = new byte[BLOCK_BYTES];
            random.nextBytes(data);
            final Block block = pool.allocate(data.length, Hint.WARM);
            block.write(0, data);
            blocks.add(block);
            contents.add(data);
        }
    }

    private int blocksIn(final TierKind tier)
    {
        return (int)blocks.stream().filter((block) -> block.tier() == tier).count();
    }

    private void verifyAll(final String when)
    {
        for (int i = 0; i < blocks.size(); i++)
        {
            final byte[] copy = new byte[BLOCK_BYTES];
            blocks.get(i).read(0, copy);
            assertArrayEquals(contents.get(i), copy, "block " + blocks.get(i).id() + " " + when);
        }
    }

    private void awaitEveryNodeSees(final List<NodeProcess> members, final int clusterNodes) throws Exception
    {
        for (final NodeProcess node : members)
        {
            await(() -> clusterNodes(node), clusterNodes, node.name() + " sees " + clusterNodes + " nodes in its " +
                "Ignite cluster (tierpool_cluster_nodes)");
        }
    }

    /**
     * @return the daemon's {@code tierpool_cluster_nodes} gauge: live daemons as its Ignite discovery sees them.
     */
    private int clusterNodes(final NodeProcess node)
    {
        final String metrics = node.readyInfo().get("metrics");
        try
        {
            final HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://" + metrics + "/metrics")).timeout(Duration.ofSeconds(5))
                    .GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            for (final String line : response.body().split("\n"))
            {
                if (line.startsWith("tierpool_cluster_nodes{"))
                {
                    return (int)Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return -1;
        }
        catch (final IOException ex)
        {
            return -1;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void await(final IntSupplier actual, final int expected, final String what) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_MS);
        int last = actual.getAsInt();
        while (last != expected && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(100);
            last = actual.getAsInt();
        }
        assertEquals(expected, last, what);
    }

    private static void awaitLogLine(final NodeProcess node, final String text) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_MS);
        while (System.nanoTime() < deadlineNs)
        {
            if (Files.readString(node.logFile(), StandardCharsets.UTF_8).contains(text))
            {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(node.name() + " logged no '" + text + "': " + node.logTail(30));
    }

    /**
     * Waits until {@code expected} daemons are registered as alive under the root path, the children of Ignite's
     * alive-nodes znode ({@code <root>/n}), read with a ZooKeeper client of this test.
     */
    private static void awaitAliveZnodes(final TestingCluster ensemble, final String root, final int expected)
        throws Exception
    {
        final CountDownLatch connected = new CountDownLatch(1);
        final ZooKeeper zk = new ZooKeeper(ensemble.getConnectString(), SESSION_TIMEOUT_MS, (event) ->
        {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected)
            {
                connected.countDown();
            }
        });
        try
        {
            assertTrue(connected.await(30, TimeUnit.SECONDS), "connected to ZooKeeper " + ensemble.getConnectString());
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_MS);
            List<String> alive = zk.getChildren(root + "/n", false);
            while (alive.size() != expected && System.nanoTime() < deadlineNs)
            {
                Thread.sleep(100);
                alive = zk.getChildren(root + "/n", false);
            }
            assertEquals(expected, alive.size(), "daemons registered in ZooKeeper under " + root + "/n: " + alive);
        }
        finally
        {
            zk.close();
        }
    }

    /**
     * @return the ensemble's leader, asked with ZooKeeper's {@code srvr} command (the one four-letter word a server
     * answers by default).
     */
    private static InstanceSpec leader(final TestingCluster ensemble) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadlineNs)
        {
            for (final InstanceSpec spec : ensemble.getInstances())
            {
                if (srvr(spec).contains("Mode: leader"))
                {
                    return spec;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no ZooKeeper server says it leads: " + ensemble.getConnectString());
    }

    private static String srvr(final InstanceSpec spec)
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", spec.getPort()), 2_000);
            socket.setSoTimeout(2_000);
            final OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        catch (final IOException ex)
        {
            return "";
        }
    }

    private <T extends AutoCloseable> T own(final T closeable)
    {
        closeables.add(closeable);
        return closeable;
    }
}
