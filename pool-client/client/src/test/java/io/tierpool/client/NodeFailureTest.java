/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.client.Hint;
import io.tierpool.client.ClusterUnavailableException;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node that is down: a pool that cannot find any node fails clearly and in bounded time; a block whose only
 * copy was on a killed node raises {@link BlockLostException}, never wrong data, and every other block stays
 * intact.
 */
class NodeFailureTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldFailToOpenWithAClearErrorWhenNoNodeDaemonIsRunning()
    {
        final long start = System.nanoTime();
        final ClusterUnavailableException ex = assertThrows(ClusterUnavailableException.class, () -> TierPool.open(
            new TierPool.Context()
                .nodes("127.0.0.1:47960", "127.0.0.1:47961")
                .awaitNodes(1)
                .awaitNodesTimeoutMs(3_000)
                .ramCapacityBytes(64 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0)));
        assertTrue(ex.getMessage().contains("127.0.0.1:47960"), ex.getMessage());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(45), "should fail in bounded time");
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldRaiseBlockLostForBlocksOfAKilledNodeAndKeepEveryOtherBlock() throws InterruptedException
    {
        try (NodeCluster cluster = new NodeCluster(2, 40530, 48000, "2m", "0", "4m");
            TierPool pool = TierPool.open(cluster.clientContext()
                .replicas(1)
                .ramCapacityBytes(256 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(256 * 1024)))
        {
            final SplittableRandom random = new SplittableRandom(11);
            final List<Block> blocks = new ArrayList<>();
            final List<byte[]> contents = new ArrayList<>();
            for (int i = 0; i < 48; i++)
            {
                final byte[] data = new byte[32 * 1024];
                random.nextBytes(data);
                final Block block = pool.allocate(data.length, Hint.WARM);
                block.write(0, data);
                blocks.add(block);
                contents.add(data);
            }

            final String victim = cluster.node(0).readyInfo().get("name");
            final List<Integer> onVictim = new ArrayList<>();
            final List<RemoteNodeStats> before = pool.stats().remoteNodes();
            assertTrue(before.stream().anyMatch((n) -> n.nodeName().equals(victim) && n.blocks() > 0), before.toString());

            cluster.node(0).kill();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (pool.liveNodes().size() != 1 && System.nanoTime() < deadline)
            {
                Thread.sleep(100);
            }
            assertTrue(pool.liveNodes().size() == 1, "discovery should report the killed node failed");

            int lost = 0;
            int intact = 0;
            for (int i = 0; i < blocks.size(); i++)
            {
                final byte[] copy = new byte[contents.get(i).length];
                try
                {
                    blocks.get(i).read(0, copy);
                    assertArrayEquals(contents.get(i), copy, "block " + blocks.get(i).id());
                    intact++;
                }
                catch (final BlockLostException ex)
                {
                    assertTrue(ex.getMessage().contains(victim), ex.getMessage());
                    assertTrue(ex.blockId() == blocks.get(i).id());
                    onVictim.add(i);
                    lost++;
                }
            }
            assertTrue(lost > 0, "some blocks were on the killed node");
            assertTrue(intact > 0, "blocks in local tiers and on the surviving node stay readable");
            for (final int i : onVictim)
            {
                final Block block = blocks.get(i);
                assertThrows(BlockLostException.class, () -> block.read(0, new byte[1], 0, 1), "lost stays lost");
                assertTrue(block.tier() == TierKind.REMOTE);
                block.free();
            }

            final byte[] fresh = new byte[64 * 1024];
            random.nextBytes(fresh);
            final List<Block> more = new ArrayList<>();
            for (int i = 0; i < 8; i++)
            {
                final Block block = pool.allocate(fresh.length, Hint.WARM);
                block.write(0, fresh);
                more.add(block);
            }
            for (final Block block : more)
            {
                final byte[] copy = new byte[fresh.length];
                block.read(0, copy);
                assertArrayEquals(fresh, copy, "new blocks go to the surviving node");
            }
        }
    }
}
