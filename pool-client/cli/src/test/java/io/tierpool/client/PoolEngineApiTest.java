/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.client.cli.TierPoolCli;
import io.tierpool.client.BlockFreedException;
import io.tierpool.client.Hint;
import io.tierpool.client.OutOfTierMemoryException;
import io.tierpool.client.EngineTierStats;
import io.tierpool.client.OverflowPolicy;
import io.tierpool.client.PressureLevel;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine features as a pool's user reaches them: prefetch, moveTo, caps and overflow policy, pressure
 * listeners, statistics as JSON and through {@code tierpool stats --pool-stats}. Local pool, no cluster.
 */
@Timeout(60)
class PoolEngineApiTest
{
    private static final int BLOCK = 16 * 1024;

    @TempDir
    Path dir;

    private TierPool pool;
    private final List<PressureLevel> ramLevels = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open()
    {
        pool = TierPool.open(new TierPool.Context()
            .ramCapacityBytes(256 * 1024)
            .vvramCapacityBytes(256 * 1024)
            .vssdCapacityBytes(1024 * 1024)
            .hardCapBytes(TierKind.RAM, 8L * BLOCK)
            .overflowPolicy(OverflowPolicy.SPILL_TO_NEXT)
            .prefetchDepth(2)
            .vvramDir(dir)
            .vssdDir(dir));
        pool.addPressureListener((change) ->
        {
            if (change.kind() == TierKind.RAM)
            {
                ramLevels.add(change.level());
            }
        });
    }

    @AfterEach
    void close()
    {
        pool.close();
    }

    @Test
    void prefetchAndMoveToKeepTheBytesAndCountHits() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(11);
        final List<Block> blocks = new ArrayList<>();
        final List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            final byte[] bytes = new byte[BLOCK];
            random.nextBytes(bytes);
            final Block block = pool.allocate(BLOCK, Hint.WARM);
            block.write(0, bytes);
            blocks.add(block);
            contents.add(bytes);
        }
        for (final Block block : blocks)
        {
            block.moveTo(TierKind.VSSD);
            assertEquals(TierKind.VSSD, block.tier());
        }

        assertEquals(3, pool.prefetch(blocks.subList(0, 3)));
        assertTrue(blocks.get(3).prefetch());
        assertFalse(blocks.get(3).prefetch(), "already queued");
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (pool.stats().prefetchesIssued() < 4 && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        for (int i = 0; i < blocks.size(); i++)
        {
            assertEquals(TierKind.RAM, blocks.get(i).tier(), "prefetched into RAM");
            final byte[] copy = new byte[BLOCK];
            blocks.get(i).read(0, copy);
            assertArrayEquals(contents.get(i), copy);
        }
        final PoolStats stats = pool.stats();
        assertEquals(4, stats.prefetchesIssued());
        assertEquals(4, stats.prefetchHits());
        assertEquals(1.0, stats.prefetchHitRate());
        assertEquals(4, stats.engineTier(TierKind.VSSD).prefetchHits());

        assertThrows(IllegalArgumentException.class, () -> pool.prefetch(null));
        assertThrows(IllegalArgumentException.class, () -> pool.prefetch(Arrays.asList(blocks.get(0), null)));
        assertThrows(IllegalArgumentException.class, () -> blocks.get(0).moveTo(TierKind.REMOTE));
        blocks.get(0).free();
        assertThrows(BlockFreedException.class, () -> blocks.get(0).prefetch());
        assertThrows(BlockFreedException.class, () -> blocks.get(0).moveTo(TierKind.RAM));
    }

    @Test
    void aBlockOfAnotherPoolIsRefused()
    {
        try (TierPool other = TierPool.open(new TierPool.Context()
            .ramCapacityBytes(64 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0)))
        {
            final Block foreign = other.allocate(1024);
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> pool.prefetch(List.of(foreign)));
            assertTrue(ex.getMessage().contains("another pool"), ex.getMessage());
        }
    }

    @Test
    void theHardCapHoldsAndPressureIsReported()
    {
        final List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < 8; i++)
        {
            blocks.add(pool.allocate(BLOCK, Hint.PIN_FAST));
        }
        assertEquals(PressureLevel.OUT_OF_MEMORY, ramLevels.get(ramLevels.size() - 1));
        final Block spilled = pool.allocate(BLOCK, Hint.WARM);
        assertEquals(TierKind.VVRAM, spilled.tier());
        assertThrows(OutOfTierMemoryException.class, () -> pool.allocate(BLOCK, Hint.PIN_FAST));
        final EngineTierStats ram = pool.stats().engineTier(TierKind.RAM);
        assertEquals(8L * BLOCK, ram.usedBytes());
        assertEquals(8L * BLOCK, ram.hardCapBytes());
        assertEquals(8, ram.pinnedBlocks());
        for (final Block block : blocks)
        {
            block.free();
        }
        assertEquals(PressureLevel.NORMAL, ramLevels.get(ramLevels.size() - 1));
    }

    @Test
    void statsRoundTripThroughJsonAndPrintWithTierpoolStats() throws Exception
    {
        final Block block = pool.allocate(BLOCK, Hint.WARM);
        block.write(0, new byte[]{ 7 });
        block.read(0, new byte[1]);
        final PoolStats stats = pool.stats();
        final String json = stats.toJson();
        assertTrue(json.contains("\"engineTiers\"") && json.contains("\"readLatency\"") &&
            json.contains("\"pressureLevel\""), json);
        assertEquals(stats, PoolStats.fromJson(json));

        final Path file = dir.resolve("pool-stats.json");
        Files.writeString(file, json);
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exit = TierPoolCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
            .execute("stats", "--pool-stats", file.toString());
        assertEquals(0, exit, err.toString());
        final List<String> lines = out.toString().lines().toList();
        assertTrue(lines.get(0).matches("\\s+tier\\s+used\\s+peak\\s+soft cap\\s+hard cap\\s+blocks.*"), lines.get(0));
        assertTrue(lines.get(1).matches("\\s+RAM\\s+16\\.0 KiB\\s+16\\.0 KiB\\s+115\\.2 KiB\\s+128\\.0 KiB\\s+1\\s+0\\s+1\\s+0.*"),
            lines.get(1));
        assertTrue(out.toString().contains("1 blocks, 16.0 KiB; 1 allocations"), out.toString());

        Files.writeString(file, "{ not json");
        final StringWriter badErr = new StringWriter();
        final int badExit = TierPoolCli.commandLine().setOut(new PrintWriter(new StringWriter(), true))
            .setErr(new PrintWriter(badErr, true)).execute("stats", "--pool-stats", file.toString());
        assertEquals(TierPoolCli.EXIT_ERROR, badExit);
        assertTrue(badErr.toString().contains("cannot read pool statistics"), badErr.toString());

        final StringWriter neitherErr = new StringWriter();
        final int neither = TierPoolCli.commandLine().setOut(new PrintWriter(new StringWriter(), true))
            .setErr(new PrintWriter(neitherErr, true)).execute("stats");
        assertEquals(TierPoolCli.EXIT_ERROR, neither);
        assertTrue(neitherErr.toString().contains("either --node"), neitherErr.toString());
    }
}
