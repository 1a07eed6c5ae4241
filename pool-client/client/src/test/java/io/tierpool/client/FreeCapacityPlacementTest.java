/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.client.Hint;
import io.tierpool.node.NodeProcess;
import io.tierpool.client.NodeView;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Placement weighted by the free capacity node daemons publish through Ignite: of two nodes with the same
 * advertised capacity, the one another client has nearly filled receives few new blocks, and no block has to be
 * refused by it first.
 * <p>
 * Ports: Aeron 40730-40739, Ignite discovery and communication 48680-48699 (next to {@link MidJobNodeKillTest}).
 */
class FreeCapacityPlacementTest
{
    private static final int BLOCK_SIZE = 32 * 1024; // a whole size class, so free bytes published are free slots
    private static final String DISCOVERY = "127.0.0.1:48680..48684";

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Path workDir;

    @BeforeEach
    void createWorkDir() throws IOException
    {
        workDir = Files.createTempDirectory("tierpool-placement-test-");
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
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void shouldPlaceMostNewBlocksOnTheNodeWithMoreFreeSpace() throws InterruptedException
    {
        own(startNode("nearly-full", 40730, 48680, 48690));
        final TierPool filler = own(TierPool.open(clientContext(List.of("127.0.0.1:40730"), 1)
            .ramCapacityBytes(64 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0)));
        final byte[] chunk = new byte[BLOCK_SIZE];
        new SplittableRandom(74).nextBytes(chunk);
        for (int i = 0; i < 120; i++)
        {
            filler.allocate(BLOCK_SIZE, Hint.WARM).write(0, chunk);
        }

        own(startNode("roomy", 40731, 48681, 48691));
        final TierPool pool = own(TierPool.open(clientContext(List.of("127.0.0.1:40730", "127.0.0.1:40731"), 2)
            .replicas(1)
            .ramCapacityBytes(64 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0)));
        final NodeView nearlyFull = node(pool, "nearly-full");
        final NodeView roomy = node(pool, "roomy");
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((pool.nodeFreeBytes(nearlyFull.nodeId()) < 0 ||
            pool.nodeFreeBytes(roomy.nodeId()) < 0 ||
            pool.nodeFreeBytes(nearlyFull.nodeId()) > nearlyFull.capacityBytes() / 4) &&
            System.nanoTime() < deadlineNs)
        {
            Thread.sleep(20);
        }
        final long fullFree = pool.nodeFreeBytes(nearlyFull.nodeId());
        final long roomyFree = pool.nodeFreeBytes(roomy.nodeId());
        assertEquals(nearlyFull.capacityBytes(), roomy.capacityBytes(), "same advertised capacity");
        assertTrue(fullFree >= 0 && fullFree < nearlyFull.capacityBytes() / 4, "published free: " + fullFree);
        assertEquals(roomy.capacityBytes(), roomyFree, "the roomy node published all its capacity free");

        final List<Block> blocks = new ArrayList<>();
        final List<byte[]> contents = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(75);
        for (int i = 0; i < 64; i++)
        {
            final byte[] data = new byte[BLOCK_SIZE];
            random.nextBytes(data);
            final Block block = pool.allocate(BLOCK_SIZE, Hint.WARM);
            block.write(0, data);
            blocks.add(block);
            contents.add(data);
        }
        for (int i = 0; i < blocks.size(); i++)
        {
            final byte[] copy = new byte[BLOCK_SIZE];
            blocks.get(i).read(0, copy);
            assertArrayEquals(contents.get(i), copy, "block " + blocks.get(i).id());
        }

        final PoolStats stats = pool.stats();
        final RemoteNodeStats onFull = stats(stats, "nearly-full");
        final RemoteNodeStats onRoomy = stats(stats, "roomy");
        final long remote = onFull.blocks() + onRoomy.blocks();
        System.out.printf("FreeCapacityPlacementTest figures: capacityEach=%d freeNearlyFull=%d freeRoomy=%d " +
            "remoteBlocks=%d onNearlyFull=%d onRoomy=%d refusedNoSpaceByNearlyFull=%d%n",
            roomy.capacityBytes(), fullFree, roomyFree, remote, onFull.blocks(), onRoomy.blocks(),
            onFull.refusedNoSpace());
        assertTrue(remote >= 48, "most blocks are in far memory: " + stats.toJson());
        assertTrue(onRoomy.blocks() * 4 >= remote * 3, "at least 3/4 on the roomy node: " + stats.toJson());
        assertTrue(onFull.refusedNoSpace() <= 2, "placement avoided the nearly full node rather than " +
            "learning from refusals: " + stats.toJson());
    }

    private static NodeView node(final TierPool pool, final String name)
    {
        return pool.liveNodes().stream().filter((n) -> n.nodeName().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("node " + name + " not live: " + pool.liveNodes()));
    }

    private static RemoteNodeStats stats(final PoolStats stats, final String name)
    {
        return stats.remoteNodes().stream().filter((n) -> n.nodeName().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("no statistics of node " + name + ": " + stats.toJson()));
    }

    private TierPool.Context clientContext(final List<String> endpoints, final int nodes)
    {
        return NodeCluster.clientContext(endpoints, workDir, nodes);
    }

    private NodeProcess startNode(final String name, final int aeronPort, final int discoveryPort, final int communicationPort)
    {
        return NodeCluster.startNode(workDir, name, aeronPort, discoveryPort, communicationPort, DISCOVERY, "4m", "0", "0");
    }

    private <T extends AutoCloseable> T own(final T closeable)
    {
        closeables.add(closeable);
        return closeable;
    }
}
