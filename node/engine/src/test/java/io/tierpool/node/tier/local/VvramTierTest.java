/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.client.ConfigurationException;
import io.tierpool.node.tier.Tier;
import io.tierpool.client.TierKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class VvramTierTest
{
    private static final Path SHM = Path.of("/dev/shm");

    @TempDir
    Path tempDir;

    private Path shmDir;

    @AfterEach
    void removeShmDir() throws Exception
    {
        if (shmDir != null)
        {
            ProcessDirectories.deleteRecursively(shmDir);
            assertFalse(Files.exists(shmDir));
        }
    }

    @Test
    void shouldRoundTripRandomBlocksAcrossSegmentsOnTmpfs() throws Exception
    {
        final Path parent = Files.isDirectory(SHM) ? shmParent() : tempDir;
        final Path dir;
        try (VvramTier tier = new VvramTier(parent, 1024 * 1024, System.currentTimeMillis(), 64 * 1024))
        {
            dir = tier.directory();
            assertEquals(TierKind.VVRAM, tier.kind());
            assertEquals(2, tier.segmentFiles().size(), "the files start with one growth step of 128 KiB");
            TierTestSupport.shouldRoundTripRandomBlocks(tier, 7);
            assertTrue(tier.segmentFiles().size() <= 16);
        }
        assertFalse(Files.exists(dir), "close removes the per-process directory");
        assertEquals(0, TierTestSupport.countFiles(parent));
    }

    @Test
    void shouldReserveEveryByteOfEachGrowthBeforeMappingAndGrowUpToCapacityOnly() throws Exception
    {
        final long capacity = 300 * 1024 + 64;
        try (VvramTier tier = new VvramTier(tempDir, capacity, 1, 128 * 1024))
        {
            final long step = AbstractExtentTier.growthStepBytes(capacity);
            assertEquals(1, tier.segmentFiles().size());
            assertEquals(step, tier.fileLengthBytes());
            assertEquals(step, Files.size(tier.segmentFiles().get(0)));

            final byte[] bytes = new byte[100 * 1024];
            long blockId = 1;
            while (tier.write(blockId, new UnsafeBuffer(bytes), 0, bytes.length, 0) != Tier.NO_SPACE)
            {
                assertTrue(tier.fileLengthBytes() <= capacity, "files grew past the capacity");
                blockId++;
            }
            assertEquals(4, blockId, "three 100 KiB blocks fit in 300 KiB");
            assertEquals(Tier.NO_SPACE, tier.write(blockId, new UnsafeBuffer(new byte[64 * 1024]), 0, 64 * 1024, 0));

            final List<Path> files = tier.segmentFiles();
            assertEquals(3, files.size());
            assertEquals(128 * 1024, Files.size(files.get(0)));
            assertEquals(128 * 1024, Files.size(files.get(1)));
            assertTrue(Files.size(files.get(2)) <= capacity - 256 * 1024);
            for (final Path file : files)
            {
                assertEquals(Files.size(file), allocatedBytes(file), "not sparse: " + file);
            }
            assertTrue(tier.directory().getFileName().toString().startsWith("tierpool-" + ProcessHandle.current().pid() + "-"));
        }
    }

    @Test
    void shouldWriteBlockThatSpansTwoSegmentsAndReadItBack()
    {
        try (VvramTier tier = new VvramTier(tempDir, 256 * 1024, 1, 64 * 1024))
        {
            final byte[] filler = new byte[60 * 1024];
            final long first = tier.write(1, new UnsafeBuffer(filler), 0, filler.length, 0);
            final byte[] spanning = TierTestSupport.randomBytes(new Random(3), 10 * 1024 + 3);
            final long location = tier.write(2, new UnsafeBuffer(spanning), 0, spanning.length, 0);
            assertEquals(0, first);
            assertTrue(location < 64 * 1024 && location + spanning.length > 64 * 1024, "spans segments 0 and 1");

            final byte[] back = new byte[spanning.length];
            tier.read(2, location, new UnsafeBuffer(back), 0, back.length);
            assertArrayEquals(spanning, back);
        }
    }

    @Test
    void shouldRefuseCapacityLargerThanFileSystemAndLeaveNoFiles() throws Exception
    {
        final long usable = Files.getFileStore(tempDir).getUsableSpace();
        final long capacity = usable + (1L << 40);

        final ConfigurationException ex = assertThrows(
            ConfigurationException.class, () -> new VvramTier(tempDir, capacity, 1));

        assertTrue(ex.getMessage().contains(tempDir.toString()), ex.getMessage());
        assertTrue(ex.getMessage().contains(Long.toString(capacity & -64L)), ex.getMessage());
        assertTrue(ex.getMessage().contains("usable"), ex.getMessage());
        assertEquals(0, TierTestSupport.countFiles(tempDir));
    }

    @Test
    void shouldReportNoSpaceWhenFull()
    {
        try (VvramTier tier = new VvramTier(tempDir, 8192, 1))
        {
            final UnsafeBuffer bytes = new UnsafeBuffer(new byte[4096]);
            assertNotEquals(Tier.NO_SPACE, tier.write(1, bytes, 0, 4096, 0));
            assertNotEquals(Tier.NO_SPACE, tier.write(2, bytes, 0, 4096, 0));
            assertEquals(Tier.NO_SPACE, tier.write(3, bytes, 0, 1, 0));
            assertEquals(8192, tier.usedBytes());
        }
    }

    @Test
    void shouldCloseIdempotentlyAndRemoveFiles() throws Exception
    {
        final VvramTier tier = new VvramTier(tempDir, 64 * 1024, 1);
        final Path dir = tier.directory();
        assertTrue(Files.exists(dir.resolve("vvram-000.dat")));

        tier.close();
        tier.close();

        assertFalse(Files.exists(dir));
        assertThrows(IllegalStateException.class, () -> tier.write(1, new UnsafeBuffer(new byte[1]), 0, 1, 0));
    }

    private static long allocatedBytes(final Path file) throws Exception
    {
        final Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
        final String[] out = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
        assertEquals(0, stat.waitFor());
        final long allocated = Long.parseLong(out[0]) * Long.parseLong(out[1]);
        return Math.min(allocated, Files.size(file));
    }

    private Path shmParent() throws Exception
    {
        shmDir = Files.createTempDirectory(SHM, "tierpool-test-vvram");
        return shmDir;
    }
}
