/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.client.Hint;
import io.tierpool.node.NodeProcess;
import io.tierpool.transport.BlockClient;
import io.tierpool.transport.ErrorCode;
import io.tierpool.transport.RemoteErrorException;
import io.tierpool.transport.TransportDriver;
import org.agrona.concurrent.UnsafeBuffer;
import io.tierpool.client.TierKind;
import io.tierpool.client.TierStats;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Far memory with replicas, against node daemons running as separate JVMs on loopback: blocks survive kill -9 of
 * nodes (reads fail over, lost copies are re-replicated in the background), a single copy still raises
 * {@link BlockLostException} when its node dies, and a full node's NO_SPACE sends the block to the next node.
 * <p>
 * Ports: Aeron 40700-40719, Ignite discovery and communication 48500-48599.
 */
class ReplicationTest
{
    private static final int BLOCK_SIZE = 32 * 1024 + 7;
    private static final long DETECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long REPAIR_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Path workDir;

    @BeforeEach
    void createWorkDir() throws IOException
    {
        workDir = Files.createTempDirectory("tierpool-replication-test-");
    }

    @AfterEach
    void closeEverything()
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
        closeables.clear();
        NodeCluster.deleteRecursively(workDir);
        assertFalse(Files.exists(workDir), "test directory removed: " + workDir);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void shouldLoseNoBlockWhenTwoOfThreeNodesFailOneAfterTheOtherWithTwoReplicas() throws InterruptedException
    {
        final NodeCluster cluster = own(new NodeCluster(3, 40700, 48500, "4m", "0", "0"));
        final TierPool pool = own(TierPool.open(cluster.clientContext()
            .ramCapacityBytes(256 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0)));
        assertEquals(2, pool.stats().replicas(), "default: 2 replicas when two or more nodes are live");

        final List<Block> blocks = new ArrayList<>();
        final List<byte[]> contents = new ArrayList<>();
        writeBlocks(pool, 48, new SplittableRandom(70), blocks, contents);

        final PoolStats placed = settle(pool);
        final long remoteBlocks = remoteBlocks(placed);
        assertTrue(remoteBlocks >= 36, "most blocks are in far memory: " + placed);
        assertEquals(2 * remoteBlocks, copiesOnLiveNodes(placed), "two copies of every remote block: " + placed);
        assertEquals(0, placed.underReplicatedBlocks());
        for (final RemoteNodeStats node : placed.remoteNodes())
        {
            assertTrue(node.blocks() > 0, "rendezvous hashing uses every node: " + node);
        }

        final String firstVictim = cluster.node(0).readyInfo().get(NodeProcess.READY_KEY_NAME);
        final long copiesOnFirstVictim = node(placed, firstVictim).blocks();
        final long killedAtNs = System.nanoTime();
        cluster.node(0).kill();
        awaitCondition(() -> pool.liveNodes().size() == 2, DETECT_TIMEOUT_NS, "discovery reports the killed node");
        final long detectedAtNs = System.nanoTime();
        awaitCondition(() -> pool.stats().underReplicatedBlocks() == 0, REPAIR_TIMEOUT_NS,
            "re-replication restores two copies");
        final long repairedAtNs = System.nanoTime();

        final PoolStats repaired = pool.stats();
        assertEquals(0, repaired.lostBlocks(), repaired.toJson());
        assertEquals(copiesOnFirstVictim, repaired.reReplicatedBlocks(),
            "every block that had a copy on the killed node got a new one: " + repaired.toJson());
        assertEquals(0, node(repaired, firstVictim).blocks(), "a departed node holds nothing");
        assertEquals(2 * remoteBlocks(repaired), copiesOnLiveNodes(repaired), repaired.toJson());

        final int verifiedAfterFirstKill = verifyAll(blocks, contents);
        final PoolStats afterRead = settle(pool);
        assertEquals(0, afterRead.underReplicatedBlocks(), afterRead.toJson());
        assertEquals(2 * remoteBlocks(afterRead), copiesOnLiveNodes(afterRead), afterRead.toJson());

        freeBlocksInRam(blocks, contents);
        final Block probe = firstRemoteBlock(blocks);
        final String secondVictim = pool.remoteHolders(probe).get(0);
        final NodeProcess hung = process(cluster, secondVictim);
        final long failoversBefore = pool.stats().remoteFailovers();
        signal("STOP", hung);
        final byte[] probeCopy = new byte[BLOCK_SIZE];
        probe.read(0, probeCopy);
        assertArrayEquals(contents.get(blocks.indexOf(probe)), probeCopy, "block " + probe.id() + " from the survivor");
        final long failoversWhileHung = pool.stats().remoteFailovers() - failoversBefore;
        assertTrue(failoversWhileHung > 0, "a read of a block first ranked on the hung node times out and fails over");
        final int verifiedWhileHung = verifyAll(blocks, contents);
        awaitCondition(() -> pool.liveNodes().size() == 1, DETECT_TIMEOUT_NS, "discovery reports the hung node");
        hung.kill();
        final int verifiedAfterSecondKill = verifyAll(blocks, contents);

        final PoolStats end = settle(pool);
        assertEquals(0, end.lostBlocks(), end.toJson());
        assertEquals(0, node(end, secondVictim).blocks());
        assertEquals(remoteBlocks(end), copiesOnLiveNodes(end), "one node left, one copy each: " + end.toJson());
        assertEquals(remoteBlocks(end), end.underReplicatedBlocks(), "every remote block lacks its second copy");

        System.out.printf("ReplicationTest figures: nodes=3 replicas=2 blocks=%d blockBytes=%d remoteAtStart=%d " +
            "copiesOnFirstVictim=%d detectMs=%d reReplicateMs=%d reReplicated=%d verified=%d+%d+%d lost=%d " +
            "failoversWhileHung=%d failovers=%d checksumRetries=%d hungNode=%s%n",
            48, BLOCK_SIZE, remoteBlocks, copiesOnFirstVictim,
            TimeUnit.NANOSECONDS.toMillis(detectedAtNs - killedAtNs),
            TimeUnit.NANOSECONDS.toMillis(repairedAtNs - detectedAtNs),
            end.reReplicatedBlocks(), verifiedAfterFirstKill, verifiedWhileHung, verifiedAfterSecondKill,
            end.lostBlocks(), failoversWhileHung, end.remoteFailovers(), end.checksumRetries(), secondVictim);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldKeepOneCopyWithOneNodeAndRaiseBlockLostNamingTheNodeWhenItIsKilled() throws InterruptedException
    {
        final NodeCluster cluster = own(new NodeCluster(1, 40705, 48510, "4m", "0", "0"));
        final TierPool pool = own(TierPool.open(cluster.clientContext()
            .ramCapacityBytes(256 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0)));
        assertEquals(1, pool.stats().replicas(), "default: 1 replica with a single node");

        final List<Block> blocks = new ArrayList<>();
        final List<byte[]> contents = new ArrayList<>();
        writeBlocks(pool, 24, new SplittableRandom(71), blocks, contents);
        final PoolStats placed = settle(pool);
        final long remoteBlocks = remoteBlocks(placed);
        assertTrue(remoteBlocks > 0, placed.toJson());
        assertEquals(remoteBlocks, copiesOnLiveNodes(placed), "one copy each");
        assertEquals(0, placed.underReplicatedBlocks(), "one replica asked, one held");

        final String victim = cluster.node(0).readyInfo().get(NodeProcess.READY_KEY_NAME);
        cluster.node(0).kill();
        awaitCondition(() -> pool.liveNodes().isEmpty(), DETECT_TIMEOUT_NS, "discovery reports the killed node");

        int lost = 0;
        int intact = 0;
        for (int i = 0; i < blocks.size(); i++)
        {
            final Block block = blocks.get(i);
            final byte[] copy = new byte[BLOCK_SIZE];
            if (block.tier() == TierKind.REMOTE)
            {
                final BlockLostException ex = assertThrows(BlockLostException.class, () -> block.read(0, copy));
                assertEquals(block.id(), ex.blockId());
                assertTrue(ex.getMessage().contains(victim), ex.getMessage());
                assertEquals(victim, ex.nodeName());
                lost++;
            }
            else
            {
                block.read(0, copy);
                assertArrayEquals(contents.get(i), copy, "block " + block.id());
                intact++;
            }
        }
        assertEquals(remoteBlocks, lost);
        assertTrue(intact > 0);
        assertEquals(remoteBlocks, pool.stats().lostBlocks());
        assertEquals(0, pool.stats().underReplicatedBlocks());
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void shouldPlaceABlockOnTheNextNodeWhenTheFirstRankedNodeRefusesItAsFull()
    {
        final NodeProcess full = own(startNode("full-node", 40710, 48540, 48592, "1m"));
        final NodeProcess roomy = own(startNode("roomy-node", 40711, 48541, 48593, "4m"));
        // The pool learns the nodes' free bytes at open and then, with heartbeats 30 s apart, not again during the
        // test: the node filled below still looks roomy to it, as a node that fills between two publications does,
        // so placement asks it first for some blocks and must take its NO_SPACE answer and go to the next node.
        final TierPool.Context ctx = clientContext(List.of("127.0.0.1:40710", "127.0.0.1:40711"), 2)
            .replicas(1)
            .leaseTimeoutMs(120_000)
            .ramCapacityBytes(128 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0);
        ctx.clusterContext().heartbeatIntervalMs(30_000);
        final TierPool pool = own(TierPool.open(ctx));

        final TransportDriver fillerDriver = own(TransportDriver.launch(new TransportDriver.Context()));
        final BlockClient filler = own(BlockClient.connect(new BlockClient.Context().aeron(fillerDriver.aeron())));
        filler.membership(full.endpoint(), 120_000);
        final byte[] chunk = new byte[BLOCK_SIZE];
        new SplittableRandom(72).nextBytes(chunk);
        int fillerBlocks = 0;
        try
        {
            for (int i = 0; i < 1_000; i++)
            {
                filler.put(full.endpoint(), i, new UnsafeBuffer(chunk), 0, chunk.length);
                fillerBlocks++;
            }
        }
        catch (final RemoteErrorException expected)
        {
            assertEquals(ErrorCode.NO_SPACE, expected.code(), expected.getMessage());
        }
        assertTrue(fillerBlocks > 8 && fillerBlocks < 1_000, "the filler filled the node: " + fillerBlocks);

        final List<Block> blocks = new ArrayList<>();
        final List<byte[]> contents = new ArrayList<>();
        writeBlocks(pool, 64, new SplittableRandom(73), blocks, contents);

        final PoolStats placed = settle(pool);
        final RemoteNodeStats fullStats = node(placed, "full-node");
        final RemoteNodeStats roomyStats = node(placed, "roomy-node");
        assertTrue(fullStats.refusedNoSpace() > 0, "the full node refused some puts: " + placed.toJson());
        assertEquals(0, fullStats.blocks(), placed.toJson());
        assertEquals(remoteBlocks(placed), roomyStats.blocks(), "every refused block went to the next node");
        assertTrue(roomyStats.blocks() > 0);
        assertEquals(blocks.size(), verifyAll(blocks, contents));
        System.out.printf("ReplicationTest NO_SPACE figures: fillerBlocks=%d blocks=%d refusedNoSpace=%d " +
            "onRoomyNode=%d%n", fillerBlocks, blocks.size(), fullStats.refusedNoSpace(), roomyStats.blocks());
        assertTrue(full.isAlive());
        assertTrue(roomy.isAlive());
    }

    private TierPool.Context clientContext(final List<String> endpoints, final int nodes)
    {
        return NodeCluster.clientContext(endpoints, workDir, nodes);
    }

    private NodeProcess startNode(
        final String name, final int aeronPort, final int discoveryPort, final int communicationPort, final String ram)
    {
        return NodeCluster.startNode(
            workDir, name, aeronPort, discoveryPort, communicationPort, "127.0.0.1:48540..48544", ram, "0", "0");
    }

    /**
     * Sends a signal to a node daemon with the system's {@code kill} command: {@code STOP} freezes the process, so
     * that it keeps its sockets but answers nothing until discovery declares it failed.
     */
    private static void signal(final String signal, final NodeProcess node) throws InterruptedException
    {
        try
        {
            final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node.pid()))
                .redirectErrorStream(true).start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " " + node);
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot run kill -" + signal + " for " + node, ex);
        }
    }

    private <T extends AutoCloseable> T own(final T closeable)
    {
        closeables.add(closeable);
        return closeable;
    }

    private static void writeBlocks(
        final TierPool pool,
        final int count,
        final SplittableRandom random,
        final List<Block> blocks,
        final List<byte[]> contents)
    {
        for (int i = 0; i < count; i++)
        {
            final byte[] data = new byte[BLOCK_SIZE];
            random.nextBytes(data);
            final Block block = pool.allocate(BLOCK_SIZE, Hint.WARM);
            block.write(0, data);
            blocks.add(block);
            contents.add(data);
        }
    }

    private static int verifyAll(final List<Block> blocks, final List<byte[]> contents)
    {
        int verified = 0;
        for (int i = 0; i < blocks.size(); i++)
        {
            final byte[] copy = new byte[BLOCK_SIZE];
            blocks.get(i).read(0, copy);
            assertArrayEquals(contents.get(i), copy, "block " + blocks.get(i).id());
            verified++;
        }
        return verified;
    }

    /**
     * Waits until the pool's mover has stopped moving blocks (the far-memory block count stays the same for
     * 300 ms), so that the tier statistics and the per-node statistics describe the same moment.
     */
    private static PoolStats settle(final TierPool pool)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        PoolStats previous = pool.stats();
        while (System.nanoTime() - deadline < 0)
        {
            try
            {
                Thread.sleep(300);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for the mover to settle", ex);
            }
            final PoolStats now = pool.stats();
            if (remoteBlocks(now) == remoteBlocks(previous) && now.demotions() == previous.demotions())
            {
                return now;
            }
            previous = now;
        }
        throw new AssertionError("the pool kept moving blocks for 30 s: " + previous.toJson());
    }

    /**
     * Frees the blocks now in RAM (and forgets them), so that the next reads promote without demoting anything.
     */
    private static void freeBlocksInRam(final List<Block> blocks, final List<byte[]> contents)
    {
        for (int i = blocks.size() - 1; i >= 0; i--)
        {
            if (blocks.get(i).tier() == TierKind.RAM)
            {
                blocks.remove(i).free();
                contents.remove(i);
            }
        }
    }

    private static Block firstRemoteBlock(final List<Block> blocks)
    {
        return blocks.stream().filter((b) -> b.tier() == TierKind.REMOTE).findFirst()
            .orElseThrow(() -> new AssertionError("no block in far memory"));
    }

    /**
     * The node a block placed now would go to first: the far-memory tier keeps a block's copies in rendezvous rank
     * order and reads them in that order.
     */
    private static NodeProcess process(final NodeCluster cluster, final String name)
    {
        return cluster.nodes().stream()
            .filter((n) -> name.equals(n.readyInfo().get(NodeProcess.READY_KEY_NAME))).findFirst()
            .orElseThrow(() -> new AssertionError("no node process named " + name));
    }

    private static long remoteBlocks(final PoolStats stats)
    {
        final TierStats remote = stats.tier("REMOTE");
        return remote == null ? 0 : remote.blockCount();
    }

    private static long copiesOnLiveNodes(final PoolStats stats)
    {
        return stats.remoteNodes().stream().filter(RemoteNodeStats::live).mapToLong(RemoteNodeStats::blocks).sum();
    }

    private static RemoteNodeStats node(final PoolStats stats, final String name)
    {
        return stats.remoteNodes().stream().filter((n) -> n.nodeName().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("no node " + name + " in " + stats.remoteNodes()));
    }

    private static void awaitCondition(final BooleanSupplier condition, final long timeoutNs, final String what)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeoutNs;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out after " + TimeUnit.NANOSECONDS.toSeconds(timeoutNs) +
                    " s waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
