/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.aeron.Aeron;
import io.aeron.AeronCounters;
import io.aeron.driver.status.SystemCounterDescriptor;
import io.tierpool.client.netns.NetworkNamespaces;
import io.tierpool.node.NodeProcess;
import io.tierpool.node.cluster.ClusterContext;
import io.tierpool.transport.TransportConfiguration;
import org.agrona.CloseHelper;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real network faults: three node daemons (separate JVMs), each in its own Linux network namespace on a private
 * bridge ({@link NetworkNamespaces}), and the pool in this JVM in the host namespace, bound to the bridge's
 * address; Ignite discovery and Aeron UDP cross the veths, no loopback between client and nodes. Two replicas. A
 * job ({@link FaultJob}) on its own thread writes, overwrites, frees and reads back blocks of 64 KiB to 1 MiB
 * (nearly all in far memory: the pool has 2 MiB of RAM and no other local tier) while nftables on each node
 * namespace's veth
 * <ul>
 *     <li>(A) drops 5% of the frames in and out of every node's namespace, for the whole job;</li>
 *     <li>(B) cuts one node off completely for {@value #PARTITION_MS} ms, longer than the request timeout (5 s) and
 *     than the failure detection timeout (3 s, the default), then heals the partition: discovery declares the node
 *     failed, its blocks are copied again from the other copies (it rejoins by itself after the heal, see
 *     {@code PartitionHealTest});</li>
 *     <li>(C) the same partition with a failure detection timeout of {@value #LONG_FAILURE_DETECTION_MS} ms, so that
 *     the node is healed before it is declared failed: the first request to it times out and goes to the other
 *     copy or the next node, the pool then asks it last while it is suspect, and it serves again after the
 *     heal.</li>
 * </ul>
 * Every read is compared byte for byte with what was last written; at the end every live block is read once more;
 * no block may be lost. The figures are printed ({@code NetworkFaultTest figures:}) and kept in
 * {@code docs/RELIABILITY.md}.
 * <p>
 * Aeron runs with an MTU of {@value #MTU} bytes on both sides here, so that a UDP datagram is one Ethernet frame
 * on the veths (MTU 1500) and a dropped packet is one lost frame, as on a real network.
 * <p>
 * Root only, with {@code ip} and {@code nft}: skipped (not failed) elsewhere. Ports: Aeron 40740-40752 on the
 * namespace addresses (A 40740-40742, B 40745-40747, C 40750-40752), Ignite 48700-48729 (ten per scenario: A
 * 48700-48709, B 48710-48719, C 48720-48729).
 */
class NetworkFaultTest
{
    private static final int NODES = 3;
    private static final int ROUNDS = 240;
    private static final int MIN_BLOCK = 64 * 1024;
    private static final int MAX_BLOCK = 1024 * 1024;
    private static final int MAX_LIVE_BLOCKS = 40;
    private static final int LOSS_PERCENT = 5;
    private static final int MTU = 1408;
    private static final long PARTITION_MS = 8_000;
    private static final int PARTITIONED = 1;
    private static final long LONG_FAILURE_DETECTION_MS = 20_000;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ExecutorService jobThread = FaultJob.newJobThread("network-fault-job");
    private NetworkNamespaces network;
    private Path workDir;

    @AfterEach
    void closeEverything() throws InterruptedException
    {
        jobThread.shutdownNow();
        assertTrue(jobThread.awaitTermination(60, TimeUnit.SECONDS), "job thread ended");
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
        closeables.clear();
        if (null != workDir)
        {
            assertFalse(Files.exists(workDir), "work directory removed: " + workDir);
        }
        if (null != network)
        {
            assertEquals(List.of(), network.leftovers(), "namespaces, veths and bridge removed");
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void shouldVerifyEveryBlockAndLoseNoneWithFivePercentPacketLossInEveryNodeNamespace() throws Exception
    {
        final List<NodeProcess> nodes = startNodes(40740, 48700, ClusterContext.FAILURE_DETECTION_TIMEOUT_MS_DEFAULT);
        final TierPool pool = openPool(nodes);
        final TransportCounters counters = own(new TransportCounters(pool));
        assertEquals(2, pool.stats().replicas());

        for (int i = 0; i < NODES; i++)
        {
            network.loss(i, LOSS_PERCENT);
        }
        final FaultJob job = new FaultJob(pool, 0x7E57_00A5L, ROUNDS, MIN_BLOCK, MAX_BLOCK, MAX_LIVE_BLOCKS);
        final long startNs = System.nanoTime();
        jobThread.submit(job).get(100, TimeUnit.SECONDS);
        final long jobNs = System.nanoTime() - startNs;
        final int finalVerified = job.verifyAll();
        final long retransmits = counters.value(SystemCounterDescriptor.RETRANSMITS_SENT);
        final long naksSent = counters.value(SystemCounterDescriptor.NAK_MESSAGES_SENT);
        final long naksReceived = counters.value(SystemCounterDescriptor.NAK_MESSAGES_RECEIVED);
        System.out.println("NetworkFaultTest client driver counters: " + counters.nonZero());
        for (int i = 0; i < NODES; i++)
        {
            network.heal(i);
        }
        final int liveAtEnd = pool.liveNodes().size();
        FaultJob.awaitFullyReplicated(pool);
        final PoolStats end = pool.stats();

        System.out.printf("NetworkFaultTest figures: scenario=A loss=%d%% in %d node namespaces, mtu=%d, " +
            "replicas=%d rounds=%d operations=%d allocations=%d overwrites=%d frees=%d reads=%d " +
            "blocksVerified=%d (reads during the job %d + final pass over the %d live) wrongData=0 " +
            "lost=%d remotePuts=%d remoteGets=%d failovers=%d checksumRetries=%d nodeRequestFailures=%d " +
            "clientAeronRetransmitsSent=%d clientAeronNaksSent=%d clientAeronNaksReceived=%d liveNodesAtEnd=%d " +
            "underReplicatedAtEnd=%d reReplicated=%d jobMs=%d slowestRoundMs=%d%n",
            LOSS_PERCENT, NODES, MTU, end.replicas(), ROUNDS, job.operations(), job.allocations(), job.overwrites(),
            job.frees(), job.reads(), job.verified(), job.reads(), finalVerified, end.lostBlocks(), end.remotePuts(),
            end.remoteGets(), end.remoteFailovers(), end.checksumRetries(), requestFailures(end), retransmits,
            naksSent, naksReceived, liveAtEnd, end.underReplicatedBlocks(), end.reReplicatedBlocks(),
            TimeUnit.NANOSECONDS.toMillis(jobNs), TimeUnit.NANOSECONDS.toMillis(job.slowestRoundNs()));

        assertTrue(naksReceived > 0 && retransmits > 0, "requests lost on the way to the nodes were asked for again " +
            "and sent again: " + naksReceived + " NAKs, " + retransmits + " retransmits");
        assertTrue(naksSent > 0, "responses lost on the way back were asked for again: " + naksSent + " NAKs");
        assertTrue(end.remoteGets() >= ROUNDS / 2, "most reads went to far memory: " + end.toJson());
        assertEquals(0, end.lostBlocks(), end.toJson());
        assertEquals(0, end.checksumFailures(), end.toJson());
        assertEquals(0, end.underReplicatedBlocks(), "two copies of every remote block: " + end.toJson());
        assertEquals(job.size(), finalVerified);
        assertEquals(ROUNDS, job.reads());
        assertEquals(job.reads() + finalVerified, job.verified(), "every read compared");
        assertTrue(nodes.stream().allMatch(NodeProcess::isAlive), "no node daemon died of packet loss");
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void shouldVerifyEveryBlockAndLoseNoneWhenANodePartitionedLongerThanRequestAndFailureTimeoutsIsDeclaredFailed()
        throws Exception
    {
        final Partition partition = runPartition("B", 40745, 48710, ClusterContext.FAILURE_DETECTION_TIMEOUT_MS_DEFAULT);

        assertTrue(partition.declaredFailedMs >= 0, "discovery declared the partitioned node failed meanwhile");
        // Not asserted: whether node-2 is back at the end. It rejoins by itself a few seconds after the heal
        // (PartitionHealer; PartitionHealTest asserts it), which may fall before or after the job ends.
        assertTrue(partition.liveAtEnd >= NODES - 1, "the two other nodes serve on");
        assertTrue(partition.othersAlive, "the two other node daemons still run");
        assertTrue(partition.end.reReplicatedBlocks() > 0, "its blocks were copied again: " + partition.end.toJson());
        assertEquals(0, partition.end.underReplicatedBlocks(), "two copies of every block again: " +
            partition.end.toJson());
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void shouldVerifyEveryBlockAndLoseNoneWhenANodePartitionedLongerThanTheRequestTimeoutIsHealedBeforeDeclaredFailed()
        throws Exception
    {
        final Partition partition = runPartition("C", 40750, 48720, LONG_FAILURE_DETECTION_MS);

        assertEquals(-1, partition.declaredFailedMs, "discovery kept the partitioned node during the partition");
        assertTrue(partition.requestFailuresOnVictim > 0, "requests to the partitioned node timed out and went " +
            "elsewhere: " + partition.end.toJson());
        // Not asserted, only printed: which members Ignite keeps after the heal. The partitioned node, unable to
        // reach its ring neighbour, may report that healthy neighbour failed once the partition heals (seen in 3 of
        // 7 runs), and a client may then hold blocks under-replicated; see docs/RELIABILITY.md.
    }

    /**
     * Runs the job, cuts node {@value #PARTITIONED} off for {@value #PARTITION_MS} ms a third of the way in, heals
     * it, lets the job finish, waits for two copies of every block and reads every block once more; checks what
     * every partition must leave: every block verified, none lost, no checksum failure, the other nodes alive.
     */
    private Partition runPartition(
        final String scenario, final int aeronBasePort, final int discoveryBasePort, final long failureDetectionMs)
        throws Exception
    {
        final List<NodeProcess> nodes = startNodes(aeronBasePort, discoveryBasePort, failureDetectionMs);
        final TierPool pool = openPool(nodes);
        assertEquals(2, pool.stats().replicas());

        final FaultJob job = new FaultJob(pool, 0x7E57_00B5L, ROUNDS, MIN_BLOCK, MAX_BLOCK, MAX_LIVE_BLOCKS);
        final long startNs = System.nanoTime();
        final Future<?> running = jobThread.submit(job);

        job.awaitRound(running, ROUNDS / 3, 60, TimeUnit.SECONDS);
        assertFalse(running.isDone(), "the job is still running when the partition starts");
        final Partition result = new Partition();
        final NodeProcess victim = nodes.get(PARTITIONED);
        final String victimName = victim.readyInfo().get(NodeProcess.READY_KEY_NAME);
        final long copiesOnVictim = FaultJob.copiesOn(pool.stats(), victimName);
        final int partitionedAtRound = job.roundsDone();
        final long partitionedAtNs = System.nanoTime();
        network.partition(PARTITIONED);
        while (System.nanoTime() - partitionedAtNs < TimeUnit.MILLISECONDS.toNanos(PARTITION_MS))
        {
            if (result.declaredFailedMs < 0 && !isLive(pool, victimName))
            {
                result.declaredFailedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - partitionedAtNs);
            }
            Thread.sleep(10);
        }
        final int roundsDuringPartition = job.roundsDone() - partitionedAtRound;
        network.heal(PARTITIONED);
        final long healedAtNs = System.nanoTime();
        assertTrue(copiesOnVictim > 0, "the partitioned node held copies");

        running.get(100, TimeUnit.SECONDS);
        final long jobDoneNs = System.nanoTime();
        FaultJob.awaitFullyReplicated(pool);
        final int finalVerified = job.verifyAll();
        result.end = pool.stats();
        result.victimLiveAtEnd = isLive(pool, victimName);
        result.liveAtEnd = pool.liveNodes().size();
        result.requestFailuresOnVictim = requestFailuresOn(result.end, victimName);
        final List<String> victimLog = victim.logTail(2_000);
        final boolean victimLostCluster = victimLog.stream().anyMatch((line) -> line.contains("lost the cluster"));
        final boolean victimFailedClient = victimLog.stream().anyMatch((line) -> line.contains("Failing client node"));
        final PoolStats end = result.end;

        System.out.printf("NetworkFaultTest figures: scenario=%s partition of %s for %d ms, failureDetection=%d ms, " +
            "mtu=%d, replicas=%d rounds=%d operations=%d allocations=%d overwrites=%d frees=%d reads=%d " +
            "blocksVerified=%d (reads during the job %d + final pass over the %d live) wrongData=0 lost=%d " +
            "partitionedAtRound=%d copiesOnPartitionedNode=%d roundsDuringPartition=%d declaredFailedAfterMs=%d " +
            "failovers=%d checksumRetries=%d requestFailuresOnPartitionedNode=%d reReplicated=%d " +
            "underReplicatedAtEnd=%d partitionedNodeLiveAtEnd=%b partitionedNodeProcessAlive=%b " +
            "partitionedNodeLoggedLostCluster=%b partitionedNodeFailedTheClient=%b liveNodesAtEnd=%d jobMs=%d " +
            "jobMsAfterHeal=%d slowestRoundMs=%d%n",
            scenario, victimName, PARTITION_MS, failureDetectionMs, MTU, end.replicas(), ROUNDS, job.operations(),
            job.allocations(), job.overwrites(), job.frees(), job.reads(), job.verified(), job.reads(), finalVerified,
            end.lostBlocks(), partitionedAtRound, copiesOnVictim, roundsDuringPartition, result.declaredFailedMs,
            end.remoteFailovers(), end.checksumRetries(), result.requestFailuresOnVictim, end.reReplicatedBlocks(),
            end.underReplicatedBlocks(), result.victimLiveAtEnd, victim.isAlive(), victimLostCluster,
            victimFailedClient, result.liveAtEnd, TimeUnit.NANOSECONDS.toMillis(jobDoneNs - startNs),
            TimeUnit.NANOSECONDS.toMillis(jobDoneNs - healedAtNs), TimeUnit.NANOSECONDS.toMillis(job.slowestRoundNs()));

        System.out.println("NetworkFaultTest scenario " + scenario + " live nodes at end: " +
            pool.liveNodes().stream().map((n) -> n.nodeName()).toList() + ", processes alive: " +
            nodes.stream().map((n) -> n.name() + "=" + n.isAlive()).toList());
        System.out.println("NetworkFaultTest scenario " + scenario + " stats at end: " + end.toJson().replace("\n", " "));
        for (final NodeProcess node : nodes)
        {
            node.logTail(2_000).stream()
                .filter((line) -> line.contains("lost the cluster") || line.contains(" failed") ||
                    line.contains("SEGMENTED") || line.contains("Failing client"))
                .limit(10)
                .forEach((line) -> System.out.println("NetworkFaultTest " + node.name() + " log: " + line));
        }

        assertEquals(0, end.lostBlocks(), end.toJson());
        assertEquals(0, end.checksumFailures(), end.toJson());
        assertEquals(job.size(), finalVerified);
        assertEquals(ROUNDS, job.reads());
        assertEquals(job.reads() + finalVerified, job.verified(), "every read compared");
        for (int i = 0; i < NODES; i++)
        {
            result.othersAlive &= i == PARTITIONED || nodes.get(i).isAlive();
        }
        return result;
    }

    /**
     * Ignite ports from {@code discoveryBasePort}: nodes' discovery +0..+2, nodes' communication +3..+5, the pool's
     * discovery +6..+7 and communication +8..+9.
     */
    private List<NodeProcess> startNodes(
        final int aeronBasePort, final int discoveryBasePort, final long failureDetectionMs) throws IOException
    {
        network = own(NetworkNamespaces.create(NODES));
        workDir = Files.createTempDirectory("tierpool-network-fault-");
        final Path dir = workDir;
        own(() -> NodeCluster.deleteRecursively(dir));

        final List<String> discovery = new ArrayList<>();
        for (int i = 0; i < NODES; i++)
        {
            discovery.add(network.address(i) + ":" + (discoveryBasePort + i));
        }
        final List<NodeProcess> nodes = new ArrayList<>();
        for (int i = 0; i < NODES; i++)
        {
            final String name = "node-" + (i + 1);
            final Path nodeDir = Files.createDirectories(workDir.resolve(name));
            nodes.add(own(NodeProcess.start(new NodeProcess.Context()
                .name(name)
                .commandPrefix(network.execPrefix(i))
                .directoryParent(workDir)
                .extraJvmOptions(List.of(
                    "-D" + TransportConfiguration.MTU_LENGTH_PROP_NAME + "=" + MTU,
                    "-D" + ClusterContext.FAILURE_DETECTION_TIMEOUT_PROP_NAME + "=" + failureDetectionMs + "ms"))
                .arguments(List.of(
                    "--name", name,
                    "--host", network.address(i),
                    "--port", Integer.toString(aeronBasePort + i),
                    "--discovery-port", Integer.toString(discoveryBasePort + i),
                    "--communication-port", Integer.toString(discoveryBasePort + NODES + i),
                    "--discovery", String.join(",", discovery),
                    "--ram", "48m",
                    "--vvram", "0",
                    "--vssd", "0",
                    "--vvram-dir", nodeDir.toString(),
                    "--vssd-dir", nodeDir.toString(),
                    "--aeron-dir", nodeDir.toString(),
                    "--metrics-port", "0"))
                .maxHeap("256m"))));
            assertEquals(network.address(i) + ":" + (aeronBasePort + i), nodes.get(i).endpoint(),
                "the node serves on its namespace's address");
        }
        return nodes;
    }

    private TierPool openPool(final List<NodeProcess> nodes)
    {
        final List<String> endpoints = new ArrayList<>();
        for (final NodeProcess node : nodes)
        {
            endpoints.add(node.endpoint());
        }
        final TierPool.Context ctx = new TierPool.Context()
            .nodes(endpoints)
            .awaitNodes(NODES)
            .awaitNodesTimeoutMs(60_000)
            .replicas(2)
            .ramCapacityBytes(2 * MAX_BLOCK)
            .vvramCapacityBytes(0)
            .vssdCapacityBytes(0)
            .vvramDir(workDir)
            .vssdDir(workDir);
        ctx.clientContext().responseEndpoint(network.bridgeAddress() + ":0");
        ctx.transportContext().mtuLength(MTU);
        return own(TierPool.open(ctx));
    }

    private static boolean isLive(final TierPool pool, final String nodeName)
    {
        return pool.liveNodes().stream().anyMatch((n) -> n.nodeName().equals(nodeName));
    }

    private static long requestFailuresOn(final PoolStats stats, final String nodeName)
    {
        return stats.remoteNodes().stream().filter((n) -> n.nodeName().equals(nodeName))
            .mapToLong(RemoteNodeStats::failures).sum();
    }

    private static long requestFailures(final PoolStats stats)
    {
        return stats.remoteNodes().stream().mapToLong(RemoteNodeStats::failures).sum();
    }

    private <T extends AutoCloseable> T own(final T closeable)
    {
        closeables.add(closeable);
        return closeable;
    }

    /**
     * What a partition scenario saw, for the scenario's own checks.
     */
    private static final class Partition
    {
        long declaredFailedMs = -1;
        boolean victimLiveAtEnd;
        boolean othersAlive = true;
        int liveAtEnd;
        long requestFailuresOnVictim;
        PoolStats end;
    }

    /**
     * Reads the system counters of the pool's embedded media driver through a second Aeron client on it: how many
     * NAKs and retransmissions packet loss caused on the client's side.
     */
    private static final class TransportCounters implements AutoCloseable
    {
        private final Aeron aeron;

        TransportCounters(final TierPool pool)
        {
            aeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(pool.context().transportContext().aeronDirectoryName()));
        }

        long value(final SystemCounterDescriptor descriptor)
        {
            final CountersReader counters = aeron.countersReader();
            final long[] value = {-1};
            counters.forEach((counterId, typeId, keyBuffer, label) ->
            {
                if (typeId == AeronCounters.DRIVER_SYSTEM_COUNTER_TYPE_ID && label.startsWith(descriptor.label()))
                {
                    value[0] = counters.getCounterValue(counterId);
                }
            });
            assertTrue(value[0] >= 0, "the driver has a counter " + descriptor.label());
            return value[0];
        }

        String nonZero()
        {
            final CountersReader counters = aeron.countersReader();
            final StringBuilder sb = new StringBuilder();
            counters.forEach((counterId, typeId, keyBuffer, label) ->
            {
                if (typeId == AeronCounters.DRIVER_SYSTEM_COUNTER_TYPE_ID && counters.getCounterValue(counterId) != 0)
                {
                    sb.append(label).append('=').append(counters.getCounterValue(counterId)).append("; ");
                }
            });
            return sb.toString();
        }

        public void close()
        {
            aeron.close();
        }
    }
}
