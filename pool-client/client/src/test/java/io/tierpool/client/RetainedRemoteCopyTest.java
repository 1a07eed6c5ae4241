/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.client.Hint;
import io.tierpool.client.TierKind;
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
 * A block read back from far memory keeps its remote copy while it is unchanged, so demoting it again sends
 * nothing (issue 12, point 3, as VVRAM and VSSD keep retained copies of promoted blocks): no new put, whether the
 * block is sent down by {@link Block#moveTo(TierKind)} or pushed out of RAM by other blocks. A block written after
 * it came back is sent again, and every byte read back is the last one written. One node daemon as a separate JVM
 * on loopback, replicas 1, no VVRAM or VSSD, so the only tier below RAM is far memory.
 * <p>
 * Ports: Aeron 53020, Ignite discovery and communication 53300-53399.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RetainedRemoteCopyTest
{
    private static final int BLOCK = 128 * 1024 + 9;
    private static final long RAM_BYTES = 512 * 1024;
    private static final long DEMOTION_WAIT_NS = TimeUnit.SECONDS.toNanos(30);

    private static NodeCluster cluster;

    @BeforeAll
    static void startNode()
    {
        cluster = new NodeCluster(1, 53020, 53300, "16m", "0", "0");
    }

    @AfterAll
    static void stopNode()
    {
        if (cluster != null)
        {
            cluster.close();
            cluster = null;
        }
    }

    @Test
    void shouldSendNoPutWhenABlockReadBackFromFarMemoryIsMovedThereAgainUnchanged()
    {
        try (TierPool pool = openPool(0))
        {
            final SplittableRandom random = new SplittableRandom(0xC0FFEE);
            final byte[] contents = bytes(random, BLOCK);
            final Block block = pool.allocate(BLOCK, Hint.WARM, contents, 0, BLOCK);
            block.moveTo(TierKind.REMOTE);
            assertEquals(TierKind.REMOTE, block.tier());

            final PoolStats beforeRead = pool.stats();
            readAndCheck(block, contents, "read back from far memory");
            final PoolStats afterRead = pool.stats();
            assertTrue(afterRead.remoteGets() > beforeRead.remoteGets(), "the read fetched the block from its node: " +
                afterRead.toJson());
            assertEquals(TierKind.RAM, block.tier(), "the read brought the block to RAM");

            block.moveTo(TierKind.REMOTE);
            final PoolStats demotedAgain = pool.stats();
            assertEquals(TierKind.REMOTE, block.tier());
            assertEquals(afterRead.remotePuts(), demotedAgain.remotePuts(), "block " + block.id() + ", read back " +
                "from far memory and unchanged since, was moved to far memory again with " +
                (demotedAgain.remotePuts() - afterRead.remotePuts()) + " new put(s): far memory must keep a block's " +
                "remote copy while it is unchanged, so that demoting it again sends nothing (issue 12, point 3); " +
                "the read freed " + (afterRead.remoteFrees() - beforeRead.remoteFrees()) + " remote copy(ies) of it");
            assertEquals(beforeRead.remoteFrees(), demotedAgain.remoteFrees(), "the read and the second demotion " +
                "freed no remote copy of the unchanged block " + block.id());
            readAndCheck(block, contents, "read back again from its retained remote copy");

            final byte[] changed = bytes(random, 1000);
            block.write(4096, changed);
            System.arraycopy(changed, 0, contents, 4096, changed.length);
            final long putsBeforeChange = pool.stats().remotePuts();
            block.moveTo(TierKind.REMOTE);
            assertTrue(pool.stats().remotePuts() > putsBeforeChange, "block " + block.id() + " written after it " +
                "came back is sent to far memory again: " + pool.stats().toJson());
            readAndCheck(block, contents, "read back after its changed bytes were sent");
            block.free();
            assertEquals(0, pool.stats().blocks());
        }
    }

    @Test
    void shouldSendNoPutWhenABlockReadBackFromFarMemoryIsPushedOutOfRamAgainUnchanged() throws InterruptedException
    {
        try (TierPool pool = openPool(1))
        {
            final SplittableRandom random = new SplittableRandom(0xBEEF);
            final byte[] contents = bytes(random, BLOCK);
            final Block block = pool.allocate(BLOCK, Hint.WARM, contents, 0, BLOCK);
            block.moveTo(TierKind.REMOTE);
            readAndCheck(block, contents, "read back from far memory");
            assertEquals(TierKind.RAM, block.tier(), "the read brought the block to RAM");
            final PoolStats afterRead = pool.stats();

            final List<Block> pinned = new ArrayList<>();
            for (long i = 0; i < RAM_BYTES / BLOCK; i++)
            {
                pinned.add(pool.allocate(BLOCK, Hint.PIN_FAST, bytes(random, BLOCK), 0, BLOCK));
            }
            final long deadlineNs = System.nanoTime() + DEMOTION_WAIT_NS;
            while (block.tier() != TierKind.REMOTE && System.nanoTime() - deadlineNs < 0)
            {
                Thread.sleep(10);
            }
            final PoolStats pushedOut = pool.stats();
            assertEquals(TierKind.REMOTE, block.tier(), "RAM full of " + pinned.size() + " PIN_FAST blocks pushed " +
                "block " + block.id() + " out to far memory: " + pushedOut.toJson());
            assertEquals(afterRead.remotePuts(), pushedOut.remotePuts(), "block " + block.id() + ", read back from " +
                "far memory and unchanged since, was pushed out of RAM with " +
                (pushedOut.remotePuts() - afterRead.remotePuts()) + " new put(s): its remote copy must be kept " +
                "while it is unchanged, so that demoting it again sends nothing (issue 12, point 3)");
            for (final Block holder : pinned)
            {
                holder.free();
            }
            readAndCheck(block, contents, "read back again from its retained remote copy");
            block.free();
            assertEquals(0, pool.stats().blocks());
        }
    }

    private static TierPool openPool(final int clientPortOffset)
    {
        return TierPool.open(cluster.clientContext()
            .replicas(1)
            .ramCapacityBytes(RAM_BYTES)
            .vvramCapacityBytes(0)
            .vssdCapacityBytes(0));
    }

    private static void readAndCheck(final Block block, final byte[] contents, final String what)
    {
        final byte[] copy = new byte[contents.length];
        block.read(0, copy);
        assertArrayEquals(contents, copy, "block " + block.id() + " " + what);
    }

    private static byte[] bytes(final SplittableRandom random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
