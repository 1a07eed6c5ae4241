/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.client.Hint;
import io.tierpool.client.OutOfTierMemoryException;
import io.tierpool.client.TierKind;
import io.tierpool.client.TierStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Model-based test of the whole pool, far memory included: random allocate, write, read, pin and free operations
 * against an in-memory model of what every block must contain, with tier capacities so small that every tier,
 * the remote one included, holds blocks during the run.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PoolModelTest
{
    private static final int OPERATIONS = 10_000;
    private static final int MAX_BLOCK = 24 * 1024;
    private static final long MAX_LIVE_BYTES = 3L * 1024 * 1024;

    private static NodeCluster cluster;

    @BeforeAll
    static void startNodes()
    {
        cluster = new NodeCluster(2, 40520, 47900, "1m", "1m", "4m");
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
    void shouldMatchTheModelOverTenThousandRandomOperationsAcrossEveryTier()
    {
        final long seed = Long.getLong("tierpool.test.seed", System.nanoTime());
        System.out.println("PoolModelTest seed=" + seed + " (rerun with -Dtierpool.test.seed=" + seed + ")");
        final SplittableRandom random = new SplittableRandom(seed);
        final List<Block> blocks = new ArrayList<>();
        final List<byte[]> model = new ArrayList<>();
        final Set<TierKind> tiersSeen = EnumSet.noneOf(TierKind.class);
        long liveBytes = 0;
        int reads = 0;
        int pins = 0;

        try (TierPool pool = TierPool.open(cluster.clientContext()
            .ramCapacityBytes(192 * 1024)
            .vvramCapacityBytes(192 * 1024)
            .vssdCapacityBytes(384 * 1024)))
        {
            for (int op = 0; op < OPERATIONS; op++)
            {
                final int choice = random.nextInt(100);
                if (blocks.isEmpty() || (choice < 25 && liveBytes < MAX_LIVE_BYTES))
                {
                    final int size = 1 + random.nextInt(MAX_BLOCK);
                    final Hint hint = Hint.values()[random.nextInt(3)];
                    final Block block;
                    try
                    {
                        block = pool.allocate(size, hint);
                    }
                    catch (final OutOfTierMemoryException ex)
                    {
                        fail("allocation of " + size + " bytes failed with " + liveBytes + " bytes live (seed " + seed + ")", ex);
                        return;
                    }
                    blocks.add(block);
                    model.add(new byte[size]);
                    liveBytes += size;
                    continue;
                }

                final int index = random.nextInt(blocks.size());
                final Block block = blocks.get(index);
                final byte[] expected = model.get(index);
                tiersSeen.add(block.tier());
                if (choice < 55)
                {
                    final int offset = random.nextInt(expected.length);
                    final int length = 1 + random.nextInt(expected.length - offset);
                    final byte[] data = new byte[length];
                    random.nextBytes(data);
                    block.write(offset, data, 0, length);
                    System.arraycopy(data, 0, expected, offset, length);
                }
                else if (choice < 85)
                {
                    final byte[] actual = new byte[expected.length];
                    block.read(0, actual);
                    assertArrayEquals(expected, actual, "block " + block.id() + " at operation " + op + " (seed " + seed + ")");
                    reads++;
                }
                else if (choice < 93)
                {
                    try (PinnedBlock view = block.pin())
                    {
                        assertEquals(TierKind.RAM, block.tier());
                        final int at = random.nextInt(expected.length);
                        assertEquals(expected[at], view.buffer().getByte(at), "pinned byte " + at + " of block " + block.id());
                        final byte value = (byte)random.nextInt();
                        view.buffer().putByte(at, value);
                        expected[at] = value;
                    }
                    pins++;
                }
                else
                {
                    block.free();
                    liveBytes -= expected.length;
                    final int last = blocks.size() - 1;
                    blocks.set(index, blocks.get(last));
                    model.set(index, model.get(last));
                    blocks.remove(last);
                    model.remove(last);
                }

                if (op % 500 == 0)
                {
                    for (final TierStats tier : pool.stats().tiers())
                    {
                        if (tier.blockCount() > 0)
                        {
                            tiersSeen.add(tier.kind());
                        }
                    }
                }
            }

            for (int i = 0; i < blocks.size(); i++)
            {
                final byte[] actual = new byte[model.get(i).length];
                blocks.get(i).read(0, actual);
                assertArrayEquals(model.get(i), actual, "final check of block " + blocks.get(i).id() + " (seed " + seed + ")");
            }

            final PoolStats stats = pool.stats();
            System.out.println("PoolModelTest reads=" + reads + " pins=" + pins + " stats=" + stats.toJson());
            assertEquals(EnumSet.range(TierKind.RAM, TierKind.REMOTE), tiersSeen, "every tier but DEVICE (no GPU here) should have held blocks (seed " + seed + ")");
            assertTrue(stats.remotePuts() > 0 && stats.remoteGets() > 0);
            assertEquals(0, stats.checksumFailures());
        }
    }
}
