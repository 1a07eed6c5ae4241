/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PoolStats}' far-memory counters count what their javadoc says, against two node daemons running as
 * separate JVMs: with 2 replicas one block put to far memory is 1 in {@code remotePuts} (blocks) and 2 in
 * {@code remoteCopyPuts} and the nodes' {@code puts} (copies); one read is 1 get of a block and of a copy; one
 * free is 1 in {@code remoteFrees} and, once the nodes answered, 2 copy frees.
 * <p>
 * Ports: Aeron 44100-44101, Ignite discovery 55500-55509 and 55520, communication 55550-55551 and 55570.
 */
class RemoteCountersTest
{
    private static final int BLOCK_SIZE = 48 * 1024 + 5;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeEverything()
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
        closeables.clear();
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldCountAFarPutWithTwoReplicasAsOneBlockAndTwoCopies() throws InterruptedException
    {
        final NodeCluster cluster = own(new NodeCluster(2, 44100, 55500, "4m", "0", "0"));
        final TierPool pool = own(TierPool.open(cluster.clientContext()
            .replicas(2)
            .ramCapacityBytes(256 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0)));
        assertEquals(2, pool.stats().replicas());

        final byte[] bytes = new byte[BLOCK_SIZE];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)(i * 7 + 3);
        }
        final Block block = pool.allocate(BLOCK_SIZE, Hint.WARM);
        block.write(0, bytes);
        final PoolStats before = pool.stats();
        block.moveTo(TierKind.REMOTE);

        final PoolStats put = pool.stats();
        assertEquals(TierKind.REMOTE, block.tier());
        assertEquals(2, pool.remoteHolders(block).size(), "one copy on each node");
        assertEquals(1, put.remotePuts() - before.remotePuts(), "remotePuts counts blocks: " + put.toJson());
        assertEquals(2, put.remoteCopyPuts() - before.remoteCopyPuts(), "copies: " + put.toJson());
        for (final RemoteNodeStats node : put.remoteNodes())
        {
            assertEquals(1, node.puts(), "each node got one copy: " + node);
            assertEquals(1, node.blocks(), "each node holds one copy: " + node);
        }
        final TierStats remote = put.tier("REMOTE");
        assertEquals(1, remote.blockCount(), "the REMOTE tier counts the block once: " + remote);
        assertEquals(BLOCK_SIZE, remote.usedBytes(), "at its size, not twice: " + remote);
        assertEquals(1, put.demotions() - before.demotions(), "one demotion, whatever the copies");

        final byte[] copy = new byte[BLOCK_SIZE];
        block.read(0, copy);
        assertArrayEquals(bytes, copy);
        final PoolStats read = pool.stats();
        assertEquals(1, read.remoteGets() - put.remoteGets(), "one block fetched: " + read.toJson());
        assertEquals(1, read.remoteCopyGets() - put.remoteCopyGets(), "from one copy: " + read.toJson());

        block.free();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        PoolStats freed = pool.stats();
        while (freed.remoteCopyFrees() - read.remoteCopyFrees() < 2 && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(20);
            freed = pool.stats();
        }
        assertEquals(1, freed.remoteFrees() - read.remoteFrees(), "remoteFrees counts blocks: " + freed.toJson());
        assertEquals(2, freed.remoteCopyFrees() - read.remoteCopyFrees(), "both copies freed: " + freed.toJson());
        assertEquals(0, freed.tier("REMOTE").blockCount());
        System.out.printf("RemoteCountersTest figures: replicas=2 remotePuts=%d remoteCopyPuts=%d remoteGets=%d " +
            "remoteCopyGets=%d remoteFrees=%d remoteCopyFrees=%d%n", freed.remotePuts(), freed.remoteCopyPuts(),
            freed.remoteGets(), freed.remoteCopyGets(), freed.remoteFrees(), freed.remoteCopyFrees());
    }

    private <T extends AutoCloseable> T own(final T closeable)
    {
        closeables.add(closeable);
        return closeable;
    }
}
