/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierpool.client.Block;
import io.tierpool.client.PoolStats;
import io.tierpool.client.TierPool;
import io.tierpool.client.Hint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tierpool stats --pool-stats FILE} prints the engine's counters of demotion batches and I/O workers as the
 * pool counted them: a local pool whose mover demotes small blocks in batches, its statistics saved as JSON.
 */
@Timeout(60)
class StatsCommandPoolStatsTest
{
    private static final int KIB = 1024;
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldPrintDemotionBatchesAndIoWorkersOfAPoolWhoseMoverBatchedSmallBlocks() throws Exception
    {
        final Path stats = dir.resolve("pool-stats.json");
        final PoolStats saved;
        try (TierPool pool = TierPool.open(new TierPool.Context()
            .ramCapacityBytes(MIB)
            .vvramCapacityBytes(MIB)
            .vssdCapacityBytes(8 * MIB)
            .vvramDir(dir)
            .vssdDir(dir)
            .ioWorkers(3)
            .demotionBatchBytes(256 * KIB)))
        {
            final SplittableRandom random = new SplittableRandom(17);
            final List<Block> blocks = new ArrayList<>();
            final List<byte[]> contents = new ArrayList<>();
            for (int i = 0; i < 1000; i++)
            {
                // Sizes of the 2 KiB size class (1793-2048 bytes): about 2 MiB in all, twice the RAM tier.
                final byte[] bytes = new byte[1793 + random.nextInt(256)];
                random.nextBytes(bytes);
                contents.add(bytes);
                blocks.add(pool.allocate(bytes.length, Hint.WARM, bytes, 0, bytes.length));
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (pool.stats().demotionBatches() == 0 && System.nanoTime() < deadline)
            {
                Thread.sleep(10);
            }
            saved = pool.stats();
            Files.writeString(stats, saved.toJson());

            assertTrue(saved.demotionBatches() > 0, "the mover demoted small blocks in batches: " + saved);
            assertTrue(saved.batchedDemotions() >= 2 * saved.demotionBatches(), "a batch holds several blocks");
            assertTrue(saved.batchedDemotions() <= saved.demotions());
            assertEquals(3, saved.ioWorkers());
            for (int i = 0; i < blocks.size(); i++)
            {
                final byte[] copy = new byte[contents.get(i).length];
                blocks.get(i).read(0, copy);
                assertArrayEquals(contents.get(i), copy, "block " + i + " read back after the batches");
                blocks.get(i).free();
            }
        }

        final String printed = run("stats", "--pool-stats", stats.toString());
        final String summary = printed.lines().reduce((first, second) -> second).orElse("");
        assertTrue(summary.contains(String.format(Locale.ROOT, "%d demotions (%d in %d batches), ",
            saved.demotions(), saved.batchedDemotions(), saved.demotionBatches())), printed);
        assertTrue(summary.endsWith("; 3 I/O workers"), printed);
        assertTrue(summary.startsWith(String.format(Locale.ROOT, "  %d blocks, ", saved.blocks())), printed);

        final String json = run("stats", "--pool-stats", stats.toString(), "--json");
        assertEquals(saved, PoolStats.fromJson(json));
    }

    @Test
    void shouldPrintNoBatchesForStatisticsSavedBeforeTheCountersExisted() throws Exception
    {
        final Path stats = dir.resolve("old-pool-stats.json");
        try (TierPool pool = TierPool.open(new TierPool.Context()
            .ramCapacityBytes(MIB)
            .vvramCapacityBytes(MIB)
            .vssdCapacityBytes(MIB)
            .vvramDir(dir)
            .vssdDir(dir)))
        {
            final Block block = pool.allocate(100, Hint.WARM, new byte[]{ 1, 2, 3 }, 0, 3);
            final ObjectMapper mapper = new ObjectMapper();
            final ObjectNode tree = (ObjectNode)mapper.readTree(pool.stats().toJson());
            for (final String field : List.of("demotionBatches", "batchedDemotions", "ioWorkers"))
            {
                assertNotNull(tree.remove(field), field + " in " + tree);
            }
            Files.writeString(stats, mapper.writeValueAsString(tree));
            block.free();
        }

        final String summary = run("stats", "--pool-stats", stats.toString()).lines()
            .reduce((first, second) -> second).orElse("");
        assertTrue(summary.startsWith("  1 blocks, 100 B; 1 allocations, 0 frees, 0 demotions (0 in 0 batches), "),
            summary);
        assertTrue(summary.endsWith("; 0 I/O workers"), summary);
    }

    private static String run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exit = TierPoolCli.commandLine().setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true)).execute(args);
        assertEquals(0, exit, err.toString());
        return out.toString();
    }
}
