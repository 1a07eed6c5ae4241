/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierpool.client.cli.TierPoolCli;
import io.tierpool.client.Hint;
import io.tierpool.client.EngineTierStats;
import io.tierpool.client.AllocatorStats;
import io.tierpool.client.SizeClassStats;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RAM tier's allocator statistics as a pool's user sees them: per size class counts in {@link PoolStats}
 * matching the allocations and frees done, through JSON and {@code tierpool stats --pool-stats}. Local pool only.
 */
@Timeout(60)
class PoolSizeClassStatsTest
{
    private static final int SMALL = 100;     // size class 112 B
    private static final int MEDIUM = 1000;   // size class 1 KiB
    private static final int LARGE = 16384;   // size class 16 KiB (exactly)

    @TempDir
    Path dir;

    private TierPool pool;

    @BeforeEach
    void open()
    {
        pool = TierPool.open(new TierPool.Context()
            .ramCapacityBytes(4L * 1024 * 1024)
            .vvramCapacityBytes(0)
            .vssdCapacityBytes(0));
    }

    @AfterEach
    void close()
    {
        pool.close();
    }

    @Test
    void sizeClassCountsMatchTheAllocationsAndFreesDone() throws Exception
    {
        final List<Block> small = allocate(5, SMALL);
        final List<Block> medium = allocate(3, MEDIUM);
        final List<Block> large = allocate(2, LARGE);
        final byte[] bytes = new byte[SMALL];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)(i * 7 + 1);
        }
        small.get(4).write(0, bytes);
        small.remove(0).free();
        small.remove(0).free();
        medium.remove(0).free();
        small.addAll(allocate(1, SMALL)); // same thread, same class: served from the thread's cache

        final PoolStats stats = pool.stats();
        final Map<Integer, SizeClassStats> used = activeClasses(stats.sizeClasses(TierKind.RAM));
        assertEquals(List.of(112, 1024, 16384), List.copyOf(used.keySet()), stats.toJson());
        assertCounts(used.get(112), 6, 2, 4);
        assertCounts(used.get(1024), 3, 1, 2);
        assertCounts(used.get(16384), 2, 0, 2);
        assertTrue(used.get(112).cacheHits() >= 1, "the re-allocation after a free on this thread hit its cache: " +
            used.get(112));
        assertTrue(used.get(112).cacheHits() <= used.get(112).allocations());

        final AllocatorStats ram = stats.engineTier(TierKind.RAM).allocator();
        assertNotNull(ram);
        assertEquals(6 + 3 + 2, ram.allocations(), ram.toString());
        assertEquals(3, ram.frees(), ram.toString());
        assertEquals(4 + 2 + 2, ram.blockCount(), ram.toString());
        assertEquals(0, ram.failedAllocations());
        assertEquals(4 * 112 + 2 * 1024 + 2 * 16384, ram.usedBytes());
        assertEquals(ram.usedBytes(), stats.engineTier(TierKind.RAM).usedBytes(), "engine and allocator agree");
        assertTrue(ram.largestFreeExtentBytes() > 0 && ram.largestFreeExtentBytes() <= 4L * 1024 * 1024, ram.toString());
        assertTrue(ram.fragmentationRatio() >= 0 && ram.fragmentationRatio() < 1, ram.toString());
        assertEquals(-1, ram.fileLengthBytes(), "RAM has no backing file");

        final byte[] copy = new byte[SMALL];
        small.get(2).read(0, copy);
        assertArrayEquals(bytes, copy, "statistics left the data alone");

        final PoolStats back = PoolStats.fromJson(stats.toJson());
        assertEquals(stats, back);
        assertEquals(used, activeClasses(back.sizeClasses(TierKind.RAM)));

        final Path file = dir.resolve("pool-stats.json");
        Files.writeString(file, stats.toJson());
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exit = TierPoolCli.commandLine().setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true)).execute("stats", "--pool-stats", file.toString());
        assertEquals(0, exit, err.toString());
        final String text = out.toString();
        assertTrue(text.matches("(?s).*\\n\\s+tier\\s+size class\\s+allocs\\s+frees\\s+cache hit\\s+used blocks\\s+used\\n.*"),
            text);
        assertTrue(text.matches("(?s).*\\n\\s+RAM\\s+112B\\s+6\\s+2\\s+\\d+\\.\\d%\\s+4\\s+448 B\\n.*"), text);
        assertTrue(text.matches("(?s).*\\n\\s+RAM\\s+1KiB\\s+3\\s+1\\s+\\d+\\.\\d%\\s+2\\s+2\\.0 KiB\\n.*"), text);
        assertTrue(text.matches("(?s).*\\n\\s+RAM\\s+16KiB\\s+2\\s+0\\s+0\\.0%\\s+2\\s+32\\.0 KiB\\n.*"), text);
        assertEquals(3, text.lines().filter((line) -> line.matches("\\s+RAM\\s+\\d+(B|KiB|MiB)\\s.*")).count(),
            "only classes with activity: " + text);
        assertFalse(text.contains(" direct "), "no block above the largest class: " + text);
        assertTrue(text.matches("(?s).*\\n\\s+tier\\s+failed alloc\\s+largest free\\s+fragmentation\\s+file length\\n.*"),
            text);

        for (final Block block : small)
        {
            block.free();
        }
        final SizeClassStats afterFree = activeClasses(pool.stats().sizeClasses(TierKind.RAM)).get(112);
        assertCounts(afterFree, 6, 6, 0);
    }

    @Test
    void blocksAboveTheLargestClassPrintAsDirect() throws Exception
    {
        final long largest = pool.stats().sizeClasses(TierKind.RAM).get(pool.stats().sizeClasses(TierKind.RAM).size() - 1)
            .sizeBytes();
        final Block direct = pool.allocate(largest + 1, Hint.WARM);
        assertEquals(TierKind.RAM, direct.tier());
        pool.allocate(SMALL, Hint.WARM);
        final PoolStats stats = pool.stats();
        final AllocatorStats ram = stats.engineTier(TierKind.RAM).allocator();
        assertEquals(2, ram.allocations());
        assertEquals(1, activeClasses(stats.sizeClasses(TierKind.RAM)).size(), "the big block is in no class");

        final Path file = dir.resolve("pool-stats.json");
        Files.writeString(file, stats.toJson());
        final StringWriter out = new StringWriter();
        final int exit = TierPoolCli.commandLine().setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(new StringWriter(), true)).execute("stats", "--pool-stats", file.toString());
        assertEquals(0, exit);
        final long directBytes = ram.usedBytes() - 112;
        assertTrue(directBytes >= largest + 1, ram.toString());
        assertTrue(out.toString().matches("(?s).*\\n\\s+RAM\\s+direct\\s+1\\s+0\\s+-\\s+1\\s+\\S+ \\S+\\n.*"),
            out.toString());
        direct.free();
    }

    @Test
    void statisticsWrittenWithoutAllocatorStatsStillReadAndPrint() throws Exception
    {
        pool.allocate(SMALL, Hint.WARM);
        final ObjectMapper mapper = new ObjectMapper();
        final ObjectNode tree = (ObjectNode)mapper.readTree(pool.stats().toJson());
        for (final JsonNode tier : tree.get("engineTiers"))
        {
            assertNotNull(((ObjectNode)tier).remove("allocator"), tier.toString());
        }
        final PoolStats old = PoolStats.fromJson(mapper.writeValueAsString(tree));
        final EngineTierStats ram = old.engineTier(TierKind.RAM);
        assertNull(ram.allocator());
        assertEquals(List.of(), ram.sizeClasses());
        assertEquals(1, ram.blocks());

        final Path file = dir.resolve("old-pool-stats.json");
        Files.writeString(file, old.toJson());
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exit = TierPoolCli.commandLine().setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true)).execute("stats", "--pool-stats", file.toString());
        assertEquals(0, exit, err.toString());
        assertTrue(out.toString().contains("1 blocks, 100 B; 1 allocations"), out.toString());
        assertFalse(out.toString().contains("size class"), out.toString());
    }

    private List<Block> allocate(final int count, final int size)
    {
        final List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final Block block = pool.allocate(size, Hint.WARM);
            assertEquals(TierKind.RAM, block.tier());
            blocks.add(block);
        }
        return blocks;
    }

    private static Map<Integer, SizeClassStats> activeClasses(final List<SizeClassStats> classes)
    {
        final Map<Integer, SizeClassStats> active = new TreeMap<>();
        for (final SizeClassStats sizeClass : classes)
        {
            if (sizeClass.allocations() > 0 || sizeClass.usedBlocks() > 0)
            {
                active.put(sizeClass.sizeBytes(), sizeClass);
            }
        }
        return active;
    }

    private static void assertCounts(
        final SizeClassStats sizeClass, final long allocations, final long frees, final long usedBlocks)
    {
        assertNotNull(sizeClass);
        assertEquals(allocations, sizeClass.allocations(), sizeClass.toString());
        assertEquals(frees, sizeClass.frees(), sizeClass.toString());
        assertEquals(usedBlocks, sizeClass.usedBlocks(), sizeClass.toString());
        assertEquals(usedBlocks * sizeClass.sizeBytes(), sizeClass.usedBytes(), sizeClass.toString());
    }
}
