/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import org.agrona.CloseHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link TierPool.Context} is reusable: {@link TierPool#open} concludes a copy and leaves the context as it was,
 * so the same context opens a second pool after the first closed, or beside it, and changes made to it after an
 * open reach only the pools opened later.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReusedContextTest
{
    @TempDir
    Path dir;

    private TierPool.Context context()
    {
        return new TierPool.Context()
            .ramCapacityBytes(256 * 1024)
            .vvramCapacityBytes(256 * 1024)
            .vssdCapacityBytes(1024 * 1024)
            .maxBlockBytes(64 * 1024)
            .vvramDir(dir)
            .vssdDir(dir);
    }

    @Test
    void shouldOpenCloseAndOpenAgainWithTheSameContext() throws IOException
    {
        final TierPool.Context ctx = context();
        for (int round = 0; round < 3; round++)
        {
            try (TierPool pool = TierPool.open(ctx))
            {
                assertNotSame(ctx, pool.context(), "the pool keeps its own, concluded copy");
                writeAndReadBack(pool, round);
            }
        }
        assertNoFilesLeft();
    }

    @Test
    void shouldOpenTwoPoolsAtOnceWithTheSameContext() throws IOException
    {
        final TierPool.Context ctx = context();
        final TierPool first = TierPool.open(ctx);
        TierPool second = null;
        try
        {
            second = TierPool.open(ctx);
            writeAndReadBack(first, 1);
            writeAndReadBack(second, 2);
            writeAndReadBack(first, 3);
        }
        finally
        {
            CloseHelper.closeAll(second, first);
        }
        assertNoFilesLeft();
    }

    @Test
    void shouldApplyChangesMadeAfterAnOpenOnlyToLaterPools()
    {
        final TierPool.Context ctx = context();
        try (TierPool pool = TierPool.open(ctx))
        {
            ctx.maxBlockBytes(32 * 1024);
            assertEquals(64 * 1024, pool.context().maxBlockBytes());
            writeAndReadBack(pool, 7);
        }
        try (TierPool pool = TierPool.open(ctx))
        {
            assertEquals(32 * 1024, pool.context().maxBlockBytes());
        }
    }

    /**
     * Against two node daemons (Aeron 44110-44111, Ignite 55600-55679): a clustered context opens a second pool
     * after the first closed, each with its own client id, and the second pool's far blocks read back.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldReopenAClusteredPoolWithTheSameContext() throws Exception
    {
        try (NodeCluster cluster = new NodeCluster(2, 44110, 55600, "4m", "0", "0"))
        {
            final TierPool.Context ctx = cluster.clientContext()
                .ramCapacityBytes(256 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0).maxBlockBytes(64 * 1024);
            final long firstClientId;
            try (TierPool first = TierPool.open(ctx))
            {
                firstClientId = first.context().clientContext().clientId();
                writeAndReadBack(first, 11, TierKind.REMOTE);
            }
            try (TierPool second = TierPool.open(ctx))
            {
                assertNotEquals(firstClientId, second.context().clientContext().clientId(),
                    "each pool is its own client to the nodes");
                final byte[] bytes = new byte[40_000];
                java.util.Arrays.fill(bytes, (byte)12);
                try (Block kept = second.allocate(bytes.length, Hint.WARM))
                {
                    kept.write(0, bytes);
                    kept.moveTo(TierKind.REMOTE);
                    Thread.sleep(1_000); // the nodes have seen the first client leave and reclaimed its blocks
                    writeAndReadBack(second, 13, TierKind.REMOTE);
                    final byte[] copy = new byte[bytes.length];
                    kept.read(0, copy);
                    assertArrayEquals(bytes, copy, "the second pool's block outlived the first pool's reclaim");
                }
                assertEquals(2, second.stats().remotePuts());
            }
        }
    }

    private static void writeAndReadBack(final TierPool pool, final int seed)
    {
        writeAndReadBack(pool, seed, TierKind.VSSD);
    }

    private static void writeAndReadBack(final TierPool pool, final int seed, final TierKind tier)
    {
        final byte[] bytes = new byte[40_000];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)(i * 31 + seed);
        }
        try (Block block = pool.allocate(bytes.length, Hint.WARM))
        {
            block.write(0, bytes);
            block.moveTo(tier);
            assertEquals(tier, block.tier());
            final byte[] copy = new byte[bytes.length];
            block.read(0, copy);
            assertArrayEquals(bytes, copy);
        }
    }

    private void assertNoFilesLeft() throws IOException
    {
        try (Stream<Path> left = Files.list(dir))
        {
            assertTrue(left.findAny().isEmpty(), "the pools removed their files on close");
        }
    }
}
