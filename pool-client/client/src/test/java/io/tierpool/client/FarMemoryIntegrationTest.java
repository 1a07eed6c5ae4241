/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.client.Hint;
import io.tierpool.node.NodeProcess;
import io.tierpool.client.TierKind;
import io.tierpool.client.NodeUsage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two node daemons as separate JVMs on loopback, and a client whose local tiers are far too small for its blocks:
 * most blocks go to far memory, come back byte for byte, and leave nothing on the nodes once freed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FarMemoryIntegrationTest
{
    private static final int BLOCK_SIZE = 64 * 1024 + 13;
    private static final int BLOCK_COUNT = 96;

    private static NodeCluster cluster;

    @BeforeAll
    static void startNodes()
    {
        cluster = new NodeCluster(2, 40510, 47800, "2m", "2m", "8m");
    }

    @AfterAll
    static void stopNodes()
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    @Test
    void shouldPlaceBlocksOnBothRemoteNodesAndReadThemBackByteForByteThenFreeThem()
    {
        final SplittableRandom random = new SplittableRandom(42);
        try (TierPool pool = TierPool.open(cluster.clientContext()
            .ramCapacityBytes(512 * 1024)
            .vvramCapacityBytes(512 * 1024)
            .vssdCapacityBytes(1024 * 1024)))
        {
            assertEquals(2, pool.liveNodes().size());

            final List<Block> blocks = new ArrayList<>();
            final List<byte[]> contents = new ArrayList<>();
            for (int i = 0; i < BLOCK_COUNT; i++)
            {
                final byte[] data = new byte[BLOCK_SIZE];
                random.nextBytes(data);
                final Block block = pool.allocate(BLOCK_SIZE, Hint.WARM);
                block.write(0, data);
                blocks.add(block);
                contents.add(data);
            }

            final PoolStats placed = pool.stats();
            final long remoteBlocks = placed.remoteNodes().stream().mapToLong(RemoteNodeStats::blocks).sum();
            assertTrue(remoteBlocks > BLOCK_COUNT / 2, "most blocks should be remote: " + placed);
            for (final RemoteNodeStats node : placed.remoteNodes())
            {
                assertTrue(node.blocks() > 0, "rendezvous hashing should use both nodes: " + node);
            }
            assertTrue(blocks.stream().anyMatch((b) -> b.tier() == TierKind.REMOTE));
            for (final NodeProcess node : cluster.nodes())
            {
                assertTrue(totalUsed(pool.nodeUsage(node.endpoint())) > 0, "node " + node.endpoint() + " holds blocks");
            }

            for (int i = 0; i < BLOCK_COUNT; i++)
            {
                final byte[] copy = new byte[BLOCK_SIZE];
                blocks.get(i).read(0, copy);
                assertArrayEquals(contents.get(i), copy, "block " + i);
            }
            assertTrue(pool.stats().remoteGets() > 0);

            for (final Block block : blocks)
            {
                block.free();
            }
            for (final NodeProcess node : cluster.nodes())
            {
                final NodeUsage usage = pool.nodeUsage(node.endpoint());
                assertEquals(0, totalUsed(usage), "node usage after free: " + usage);
            }
            assertEquals(0, pool.stats().remoteNodes().stream().mapToLong(RemoteNodeStats::bytes).sum());
        }
    }

    @Test
    void shouldFreeRemoteBlocksWhenThePoolCloses()
    {
        try (TierPool pool = TierPool.open(cluster.clientContext()
            .ramCapacityBytes(256 * 1024)
            .vvramCapacityBytes(0)
            .vssdCapacityBytes(0)))
        {
            final byte[] data = new byte[128 * 1024];
            new SplittableRandom(7).nextBytes(data);
            for (int i = 0; i < 16; i++)
            {
                pool.allocate(data.length, Hint.WARM).write(0, data);
            }
            assertTrue(pool.stats().remotePuts() > 0);
        }
        try (TierPool probe = TierPool.open(cluster.clientContext().ramCapacityBytes(64 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0)))
        {
            for (final NodeProcess node : cluster.nodes())
            {
                assertEquals(0, totalUsed(probe.nodeUsage(node.endpoint())));
            }
        }
    }

    private static long totalUsed(final NodeUsage usage)
    {
        return usage.tiers().stream().mapToLong((t) -> t.usedBytes()).sum();
    }
}
