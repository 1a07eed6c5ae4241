/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.node.NodeProcess;
import org.agrona.CloseHelper;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import java.util.UUID;
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
 * Node daemons (separate JVMs) under Ignite's ZooKeeper discovery, in a real three-server ZooKeeper ensemble on
 * loopback (Curator's {@link TestingCluster}), lose their ZooKeeper sessions and heal without a restart by hand
 * ({@code io.tierpool.node.cluster.ZooKeeperHealer}):
 * <ul>
 *     <li>the whole ensemble is down for longer than the session timeout, then back on the same ports: every
 *     daemon was segmented by Ignite, keeps running and serving its blocks, rejoins with its old node id, and no
 *     block written before or during the outage is lost;</li>
 *     <li>one daemon is cut off from the ensemble (its ZooKeeper connections go through a TCP forwarder of this
 *     test, which is closed) while the others keep their sessions: the others report it failed, the client
 *     re-replicates, and once the forwarder is back the daemon drops the copies that were replaced and rejoins
 *     with a fresh node id.</li>
 * </ul>
 * Ports: ZooKeeper 57100-57129 (client, quorum and election ports of three servers per test, forwarders at
 * 57120-57122), Aeron 43200-43219, Ignite communication 58200-58219; the ring discovery ports named (58300-58319)
 * are never bound.
 */
class ZooKeeperHealTest
{
    private static final int SESSION_TIMEOUT_MS = 4_000;
    private static final int ZOOKEEPER_TICK_MS = 500;
    private static final int BLOCK_BYTES = 32 * 1024;
    private static final long AWAIT_MS = 60_000;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<Block> blocks = new ArrayList<>();
    private final List<byte[]> contents = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom(0x2007_1814L);
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
    void shouldRejoinEveryDaemonAndLoseNoBlockWhenTheWholeEnsembleIsDownLongerThanTheSessionTimeout()
        throws Exception
    {
        final TestingCluster ensemble = startEnsemble(57100);
        final String root = "/tierpool/outage-test";
        startNodes(ensemble.getConnectString(), root, 0, 3);
        awaitEveryNodeSees(nodes, 3);

        final TierPool pool = own(TierPool.open(NodeCluster.clientContext(endpoints(), workDir, 3)
            .ramCapacityBytes(256 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0)));
        writeBlocks(pool, 48);
        assertTrue(blocksIn(TierKind.REMOTE) >= 32, "most blocks spilled to far memory: " + pool.stats().toJson());
        verifyAll("before the outage");
        final List<NodeView> before = pool.liveNodes();

        final long downAtNs = System.nanoTime();
        for (final InstanceSpec server : ensemble.getInstances())
        {
            assertTrue(ensemble.killServer(server), "stopped ZooKeeper server " + server.getConnectString());
        }
        for (final NodeProcess node : nodes)
        {
            awaitLogLine(node, "lost the cluster");
        }
        final long segmentedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - downAtNs);
        for (final NodeProcess node : nodes)
        {
            assertTrue(node.isAlive(), node.name() + " keeps running after Ignite segmented it: " +
                node.logTail(30));
        }
        verifyAll("during the outage, every daemon segmented");
        writeBlocks(pool, 16);
        verifyAll("during the outage, after 16 more writes");
        assertEquals(3, pool.liveNodes().size(), "the client still counts the 3 daemons, which still serve it");

        final long backAtNs = System.nanoTime();
        for (final InstanceSpec server : ensemble.getInstances())
        {
            assertTrue(ensemble.restartServer(server), "restarted ZooKeeper server " + server.getConnectString());
        }
        awaitEveryNodeSees(nodes, 3);
        final long rejoinedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - backAtNs);
        await(() -> pool.liveNodes().size(), 3, "the client reports every daemon live");
        for (final NodeProcess node : nodes)
        {
            assertTrue(node.isAlive(), node.name() + " still runs");
            awaitLogLine(node, "kept its blocks");
        }

        assertEquals(before, pool.liveNodes(), "every daemon came back under the node id the client knew");
        verifyAll("after the ensemble came back");
        writeBlocks(pool, 16);
        verifyAll("after the rejoin, with 16 more writes");
        final PoolStats end = pool.stats();
        System.out.printf("ZooKeeperHealTest figures (whole ensemble down): sessionTimeoutMs=%d " +
            "downToEverySegmentedMs=%d outageMs=%d ensembleBackToAllRejoinedMs=%d blocksVerified=%d lost=%d " +
            "reReplicated=%d%n", SESSION_TIMEOUT_MS, segmentedMs,
            TimeUnit.NANOSECONDS.toMillis(backAtNs - downAtNs), rejoinedMs, blocks.size(), end.lostBlocks(),
            end.reReplicatedBlocks());
        assertEquals(0, end.lostBlocks(), "no block lost: " + end.toJson());
        assertEquals(0, end.checksumFailures(), end.toJson());
        assertEquals(0, end.underReplicatedBlocks(), end.toJson());
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldRejoinWithAFreshNodeIdAndDropReplacedCopiesWhenOneDaemonIsCutOffFromTheEnsemble() throws Exception
    {
        final TestingCluster ensemble = startEnsemble(57110);
        final String root = "/tierpool/cut-off-test";
        final List<TcpForwarder> forwarders = new ArrayList<>();
        final StringBuilder viaForwarders = new StringBuilder();
        for (int i = 0; i < ensemble.getInstances().size(); i++)
        {
            final InstanceSpec server = new ArrayList<>(ensemble.getInstances()).get(i);
            forwarders.add(own(new TcpForwarder(57120 + i, server.getPort())));
            viaForwarders.append(i == 0 ? "" : ",").append("127.0.0.1:").append(57120 + i);
        }
        startNodes(ensemble.getConnectString(), root, 10, 2);
        startNodes(viaForwarders.toString(), root, 12, 1);
        awaitEveryNodeSees(nodes, 3);
        final NodeProcess cutOff = nodes.get(2);
        final List<NodeProcess> others = List.of(nodes.get(0), nodes.get(1));

        final TierPool pool = own(TierPool.open(NodeCluster.clientContext(endpoints(), workDir, 3)
            .ramCapacityBytes(256 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0)));
        writeBlocks(pool, 48);
        verifyAll("before the cut");
        final long copiesOnCutOff = FaultJob.copiesOn(pool.stats(), cutOff.name());
        assertTrue(copiesOnCutOff > 0, "the daemon to cut off holds copies: " + pool.stats().toJson());
        final UUID oldId = nodeId(pool, cutOff.name());

        final long cutAtNs = System.nanoTime();
        forwarders.forEach(TcpForwarder::cut);
        awaitEveryNodeSees(others, 2);
        final long failedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAtNs);
        awaitLogLine(cutOff, "lost the cluster");
        assertTrue(cutOff.isAlive(), cutOff.name() + " keeps running after Ignite segmented it: " +
            cutOff.logTail(30));
        for (int i = 0; i < 16; i++)
        {
            final byte[] data = new byte[BLOCK_BYTES];
            random.nextBytes(data);
            blocks.get(i * 3).write(0, data);
            contents.set(i * 3, data);
        }
        writeBlocks(pool, 8);
        verifyAll("during the cut, 16 blocks rewritten and 8 written");

        final long backAtNs = System.nanoTime();
        forwarders.forEach(TcpForwarder::restore);
        awaitEveryNodeSees(nodes, 3);
        final long rejoinedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - backAtNs);
        awaitLogLine(cutOff, "rejoined the cluster as a new node");
        awaitLogLine(cutOff, "before rejoining the cluster");
        await(() -> pool.liveNodes().size(), 3, "the client reports every daemon live");
        await(() -> oldId.equals(nodeId(pool, cutOff.name())) ? 0 : 1, 1,
            "the client knows " + cutOff.name() + " under a new node id: " + pool.liveNodes());
        FaultJob.awaitFullyReplicated(pool);
        verifyAll("after the cut-off daemon rejoined");
        writeBlocks(pool, 24);
        verifyAll("after the rejoin, with 24 more writes");
        final PoolStats end = pool.stats();
        System.out.printf("ZooKeeperHealTest figures (one daemon cut off): sessionTimeoutMs=%d " +
            "cutToOthersSeeTwoMs=%d cutMs=%d forwardersBackToRejoinedMs=%d copiesOnCutOffBefore=%d " +
            "copiesOnItAtEnd=%d blocksVerified=%d lost=%d reReplicated=%d%n", SESSION_TIMEOUT_MS, failedMs,
            TimeUnit.NANOSECONDS.toMillis(backAtNs - cutAtNs), rejoinedMs, copiesOnCutOff,
            FaultJob.copiesOn(end, cutOff.name()), blocks.size(), end.lostBlocks(), end.reReplicatedBlocks());
        assertEquals(0, end.lostBlocks(), "no block lost: " + end.toJson());
        assertEquals(0, end.checksumFailures(), end.toJson());
        assertEquals(0, end.underReplicatedBlocks(), end.toJson());
    }

    private TestingCluster startEnsemble(final int basePort) throws Exception
    {
        workDir = Files.createTempDirectory("tierpool-test-zookeeper-heal-");
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
     * Starts {@code count} daemons in parallel, numbered from {@code first + 1}, joined through {@code connect}.
     */
    private void startNodes(final String connect, final String root, final int first, final int count)
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
                    workDir, "node-" + (index + 1), 43200 + index, 58300 + index, 58200 + index,
                    "127.0.0.1:" + (58300 + index), "16m", "0", "0", List.of(),
                    List.of(
                        "--discovery-kind", "zookeeper",
                        "--zookeeper-connect", connect,
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

    private static UUID nodeId(final TierPool pool, final String name)
    {
        return pool.liveNodes().stream().filter((node) -> node.nodeName().equals(name)).map(NodeView::nodeId)
            .findFirst().orElse(null);
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
                "Ignite cluster (tierpool_cluster_nodes); log: " + node.logTail(20));
        }
    }

    /**
     * @return the daemon's {@code tierpool_cluster_nodes} gauge: live daemons as its Ignite discovery sees them,
     * or -1 when it does not answer.
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
            if (!node.isAlive())
            {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(node.name() + " logged no '" + text + "' (alive: " + node.isAlive() + "): " +
            node.logTail(30));
    }

    private <T extends AutoCloseable> T own(final T closeable)
    {
        closeables.add(closeable);
        return closeable;
    }

    /**
     * Forwards TCP connections from a loopback port to a ZooKeeper server's client port, so that a test can cut
     * one daemon off from the ensemble ({@link #cut()}: the listening socket and every forwarded connection are
     * closed, new connections are refused) and let it back ({@link #restore()}: listens again on the same port).
     * Two threads per connection, blocking copies; test use only.
     */
    private static final class TcpForwarder implements AutoCloseable
    {
        private final int listenPort;
        private final int targetPort;
        private final List<Socket> sockets = new ArrayList<>();
        private ServerSocket server;
        private Thread acceptor;

        TcpForwarder(final int listenPort, final int targetPort) throws IOException
        {
            this.listenPort = listenPort;
            this.targetPort = targetPort;
            listen();
        }

        synchronized void cut()
        {
            CloseHelper.quietClose(server);
            sockets.forEach(CloseHelper::quietClose);
            sockets.clear();
        }

        synchronized void restore()
        {
            try
            {
                listen();
            }
            catch (final IOException ex)
            {
                throw new AssertionError("cannot listen again on 127.0.0.1:" + listenPort, ex);
            }
        }

        public void close()
        {
            cut();
            final Thread thread;
            synchronized (this)
            {
                thread = acceptor;
            }
            if (null != thread)
            {
                try
                {
                    thread.join(5_000);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private synchronized void listen() throws IOException
        {
            final ServerSocket listening = new ServerSocket();
            listening.setReuseAddress(true);
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
            server = listening;
            acceptor = new Thread(() -> accept(listening), "zookeeper-forwarder-" + listenPort);
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void accept(final ServerSocket listening)
        {
            while (!listening.isClosed())
            {
                try
                {
                    final Socket in = listening.accept();
                    final Socket out = new Socket();
                    try
                    {
                        out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
                    }
                    catch (final IOException ex)
                    {
                        CloseHelper.quietCloseAll(in, out);
                        continue;
                    }
                    synchronized (this)
                    {
                        if (listening != server)
                        {
                            CloseHelper.quietCloseAll(in, out);
                            return;
                        }
                        sockets.add(in);
                        sockets.add(out);
                    }
                    pump(in, out);
                    pump(out, in);
                }
                catch (final IOException ex)
                {
                    // Closed by cut(), or the server refused: the daemon's ZooKeeper client tries again.
                }
            }
        }

        private void pump(final Socket from, final Socket to)
        {
            final Thread thread = new Thread(() ->
            {
                final byte[] buffer = new byte[8192];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream())
                {
                    int read;
                    while ((read = in.read(buffer)) >= 0)
                    {
                        out.write(buffer, 0, read);
                        out.flush();
                    }
                }
                catch (final IOException ex)
                {
                    // Either side closed.
                }
                finally
                {
                    CloseHelper.quietCloseAll(from, to);
                }
            }, "zookeeper-forwarder-pump-" + listenPort);
            thread.setDaemon(true);
            thread.start();
        }
    }
}
