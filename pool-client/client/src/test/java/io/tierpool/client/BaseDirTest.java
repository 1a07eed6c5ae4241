/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One {@code baseDir} holds every file a pool makes (VVRAM, VSSD, the media driver's directory), each part
 * overridable, and close leaves nothing behind: not the files, not the directories the pool made. Ports: Aeron
 * 40786, Ignite 48795 and 48845.
 */
class BaseDirTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldKeepEveryFileUnderBaseDirAndRemoveWhatItMade() throws IOException
    {
        final Path base = dir.resolve("pool-files");
        final byte[] bytes = new byte[48 * 1024];
        new java.util.Random(5).nextBytes(bytes);
        try (NodeCluster cluster = new NodeCluster(1, 40786, 48795, "4m", "0", "0");
            TierPool pool = TierPool.open(new TierPool.Context()
                .baseDir(base)
                .nodes(cluster.endpoints())
                .awaitNodes(1)
                .ramCapacityBytes(64 * 1024)
                .vvramCapacityBytes(64 * 1024)
                .vssdCapacityBytes(1 << 20)))
        {
            final List<Block> blocks = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++)
            {
                final Block block = pool.allocate(bytes.length, Hint.COLD);
                block.write(0, bytes);
                blocks.add(block);
            }
            assertEquals(base.resolve("vvram"), pool.context().storeContext().vvramDir());
            assertEquals(base.resolve("vssd"), pool.context().storeContext().vssdDir());
            assertEquals(base.resolve("aeron").toString(), pool.context().transportContext().baseDir());
            assertTrue(hasFiles(base.resolve("vvram")), "VVRAM files under baseDir/vvram: " + list(base));
            assertTrue(hasFiles(base.resolve("vssd")), "VSSD spill file under baseDir/vssd: " + list(base));
            assertTrue(hasFiles(base.resolve("aeron")), "the media driver under baseDir/aeron: " + list(base));
            for (final Block block : blocks)
            {
                final byte[] copy = new byte[bytes.length];
                block.read(0, copy);
                assertArrayEquals(bytes, copy, "block " + block.id());
            }
        }
        assertFalse(Files.exists(base), "close removes the files and the directories it made: " + list(dir));
    }

    @Test
    void shouldLetEachPartBeMovedOutOfBaseDir() throws IOException
    {
        final Path base = Files.createDirectories(dir.resolve("base"));
        final Path vssd = Files.createDirectories(dir.resolve("elsewhere"));
        try (TierPool pool = TierPool.open(new TierPool.Context()
            .baseDir(base)
            .vssdDir(vssd)
            .ramCapacityBytes(64 * 1024)
            .vvramCapacityBytes(64 * 1024)
            .vssdCapacityBytes(1 << 20)))
        {
            assertEquals(base.resolve("vvram"), pool.context().storeContext().vvramDir());
            assertEquals(vssd, pool.context().storeContext().vssdDir());
            assertFalse(Files.exists(base.resolve("vssd")), list(base).toString());
        }
        assertTrue(Files.isDirectory(base), "a baseDir that existed before stays");
        assertEquals(List.of(), list(base), "and is left empty");
        assertEquals(List.of(), list(vssd));
    }

    private static boolean hasFiles(final Path path) throws IOException
    {
        try (Stream<Path> files = Files.walk(path))
        {
            return files.anyMatch(Files::isRegularFile);
        }
    }

    private static List<String> list(final Path path)
    {
        try (Stream<Path> files = Files.walk(path))
        {
            return files.filter((p) -> !p.equals(path)).map(Path::toString).sorted().collect(Collectors.toList());
        }
        catch (final IOException ex)
        {
            return List.of("(cannot list " + path + ": " + ex + ")");
        }
    }
}
