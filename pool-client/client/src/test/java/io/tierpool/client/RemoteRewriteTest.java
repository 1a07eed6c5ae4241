/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.client.Hint;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A block in far memory that is written while RAM cannot take it (RAM holds only a pinned block) is rewritten
 * where it lies: the engine writes the new copy into the REMOTE tier, then frees the old one. Node daemons key
 * copies by block id, so freeing the old copy must not delete the new one on a node that holds both; this lost
 * blocks before (NOT_FOUND on every replica, seen under load in NetworkFaultTest). Two node daemons as separate
 * JVMs, replicas 2, so both records of the block share both nodes.
 */
class RemoteRewriteTest
{
    private static final int BLOCK = 256 * 1024;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldKeepTheNewBytesOfABlockRewrittenInFarMemory()
    {
        try (NodeCluster cluster = new NodeCluster(2, 40760, 48800, "16m", "0", "0");
            TierPool pool = TierPool.open(cluster.clientContext()
                .replicas(2)
                .ramCapacityBytes(BLOCK)
                .vvramCapacityBytes(0)
                .vssdCapacityBytes(0)))
        {
            final SplittableRandom random = new SplittableRandom(0x5EED);
            final byte[] first = bytes(random);
            final Block remote = pool.allocate(BLOCK, Hint.COLD);
            remote.write(0, first);
            final Block holder = pool.allocate(BLOCK, Hint.PIN_FAST);
            holder.write(0, bytes(random));
            assertEquals(TierKind.REMOTE, remote.tier(), "the pinned-fast block pushed the other one to far memory");

            try (PinnedBlock pinned = holder.pin())
            {
                for (int round = 0; round < 5; round++)
                {
                    final byte[] next = bytes(random);
                    remote.write(0, next);
                    assertEquals(TierKind.REMOTE, remote.tier(), "RAM is held by the pinned block: rewritten in place");
                    final byte[] back = new byte[BLOCK];
                    remote.read(0, back);
                    assertArrayEquals(next, back, "round " + round + ": the rewritten bytes come back");
                }
            }
            final byte[] back = new byte[BLOCK];
            remote.read(0, back);
            assertEquals(0, pool.stats().lostBlocks(), "no block lost");
        }
    }

    private static byte[] bytes(final SplittableRandom random)
    {
        final byte[] bytes = new byte[BLOCK];
        random.nextBytes(bytes);
        return bytes;
    }
}
