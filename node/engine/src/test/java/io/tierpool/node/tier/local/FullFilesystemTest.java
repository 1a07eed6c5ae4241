/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.Hint;
import io.tierpool.client.OutOfTierMemoryException;
import io.tierpool.node.engine.BlockStore;
import io.tierpool.node.engine.StoreContext;
import io.tierpool.client.StoreStats;
import io.tierpool.node.tier.Tier;
import io.tierpool.client.TierKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tiers on a file system that fills up: a small tmpfs mounted for each test (root only; the tests are skipped,
 * as an assumption, where {@code mount -t tmpfs} is not allowed). A full file system must make a tier refuse new
 * blocks and must never damage the blocks it already holds.
 */
class FullFilesystemTest
{
    private static final Logger LOG = LoggerFactory.getLogger(FullFilesystemTest.class);
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;

    @TempDir
    Path tempDir;

    private Path mountPoint;

    @AfterEach
    void unmount() throws Exception
    {
        if (null != mountPoint)
        {
            final Path mounted = mountPoint;
            mountPoint = null;
            try (Stream<Path> left = Files.list(mounted))
            {
                assertEquals(List.of(), left.toList(), "files left on the tmpfs " + mounted);
            }
            finally
            {
                assertEquals(0, run("umount", mounted.toString()), "umount " + mounted);
            }
        }
    }

    @Test
    @Timeout(60)
    void shouldRefuseNewBlocksWithNoSpaceAndKeepEveryWrittenBlockIntactWhenVssdFileSystemFills()
    {
        final Path dir = mountTmpfs("8m");
        final Random random = new Random(0xF011L);
        final List<long[]> blocks = new ArrayList<>();
        final List<byte[]> contents = new ArrayList<>();

        try (VssdTier tier = new VssdTier(dir, 64L * MIB, System.currentTimeMillis()))
        {
            long blockId = 1;
            long location;
            while (true)
            {
                final byte[] bytes = TierTestSupport.randomBytes(random, 1 + random.nextInt(256 * KIB));
                location = tier.write(blockId, new UnsafeBuffer(bytes), 0, bytes.length, crc32c(bytes));
                if (Tier.NO_SPACE == location)
                {
                    break;
                }
                blocks.add(new long[]{ blockId, location, bytes.length });
                contents.add(bytes);
                blockId++;
                assertTrue(blockId < 10_000, "the 8 MiB tmpfs never filled");
            }

            final long writtenBytes = tier.usedBytes();
            assertEquals(blocks.size(), tier.blockCount());
            assertTrue(tier.capacityBytes() - writtenBytes > 32L * MIB, "the tier still counts free capacity");
            assertEquals(1, tier.writeFailures());
            assertNotNull(tier.lastWriteFailure());
            assertTrue(String.valueOf(tier.lastWriteFailure().getMessage()).contains("No space left"),
                String.valueOf(tier.lastWriteFailure()));
            LOG.info("VSSD on 8 MiB tmpfs: {} blocks, {} bytes written before NO_SPACE", blocks.size(), writtenBytes);
            System.out.println("FullFilesystemTest figures: VSSD on an 8 MiB tmpfs held " + blocks.size() +
                " blocks, " + writtenBytes + " bytes, before the first NO_SPACE");

            assertBlocks(tier, blocks, contents);
            assertEquals(Tier.NO_SPACE, tier.write(blockId, new UnsafeBuffer(new byte[256 * KIB]), 0, 256 * KIB, 0),
                "a full file system keeps refusing");

            int smallestFreed = Integer.MAX_VALUE;
            for (int i = blocks.size() - 1; i >= 0; i -= 2)
            {
                final long[] block = blocks.remove(i);
                contents.remove(i);
                tier.free(block[0], block[1]);
                smallestFreed = Math.min(smallestFreed, (int)block[2]);
            }

            int rewritten = 0;
            for (int i = 0; i < 8; i++)
            {
                final byte[] bytes = TierTestSupport.randomBytes(random, 1 + random.nextInt(smallestFreed));
                location = tier.write(++blockId, new UnsafeBuffer(bytes), 0, bytes.length, crc32c(bytes));
                if (Tier.NO_SPACE != location)
                {
                    blocks.add(new long[]{ blockId, location, bytes.length });
                    contents.add(bytes);
                    rewritten++;
                }
            }
            assertTrue(rewritten > 0, "no write succeeded after freeing half the blocks");
            System.out.println("FullFilesystemTest figures: after freeing half, " + rewritten + " of 8 new blocks " +
                "fitted in the freed extents");
            assertBlocks(tier, blocks, contents);

            for (int i = 0; i < blocks.size(); i++)
            {
                tier.free(blocks.get(i)[0], blocks.get(i)[1]);
            }
            assertEquals(0, tier.usedBytes());
        }
    }

    @Test
    @Timeout(30)
    void shouldRefuseBlocksWithNoSpaceWhenAVvramGrowthFindsTheTmpfsFullAndKeepEveryBlock() throws IOException
    {
        final Path dir = mountTmpfs("4m");
        try (VvramTier tier = new VvramTier(dir, 2L * MIB, System.currentTimeMillis()))
        {
            final byte[] first = new byte[200 * KIB];
            new java.util.Random(5).nextBytes(first);
            final long location = tier.write(1, new UnsafeBuffer(first), 0, first.length, 0);
            assertEquals(256 * KIB, tier.fileLengthBytes(), "one growth step of 2 MiB / 8");

            final Path filler = dir.resolve("filler");
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(filler,
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE))
            {
                final java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocate(64 * KIB);
                try
                {
                    while (true)
                    {
                        zeros.clear();
                        channel.write(zeros);
                    }
                }
                catch (final IOException full)
                {
                    LOG.info("tmpfs full: {}", full.toString());
                }
            }

            final byte[] second = new byte[200 * KIB];
            assertEquals(Tier.NO_SPACE, tier.write(2, new UnsafeBuffer(second), 0, second.length, 0));
            assertEquals(1, tier.growthFailures());
            assertTrue(String.valueOf(tier.lastGrowthFailure().getMessage()).contains("No space left"));
            assertEquals(256 * KIB, tier.fileLengthBytes(), "the failed growth was undone");
            assertEquals(1, tier.blockCount());
            final byte[] back = new byte[first.length];
            tier.read(1, location, new UnsafeBuffer(back), 0, back.length);
            assertArrayEquals(first, back);

            Files.delete(filler);
            assertTrue(tier.write(2, new UnsafeBuffer(second), 0, second.length, 0) != Tier.NO_SPACE,
                "with room again the tier grows");
        }
    }

    @Test
    @Timeout(30)
    void shouldRefuseEveryBlockOfABatchWhenItsVvramGrowthFindsTheTmpfsFullAndKeepEveryBlock() throws IOException
    {
        final Path dir = mountTmpfs("4m");
        try (VvramTier tier = new VvramTier(dir, 2L * MIB, System.currentTimeMillis()))
        {
            final UnsafeBuffer first = new UnsafeBuffer(new byte[200 * KIB]);
            TestBatch.fill(first, 0, 1, first.capacity());
            final long location = tier.write(1, first, 0, first.capacity(), 0);
            assertEquals(256 * KIB, tier.fileLengthBytes(), "one growth step of 2 MiB / 8");
            final Path filler = fill(dir);

            final TestBatch batch = new TestBatch(128 * KIB, 8, true, 0);
            for (int k = 0; k < 8; k++)
            {
                batch.add(10 + k, 9 * KIB + k);
            }
            assertEquals(0, batch.write(tier), "the batch's run passes the file's end; growing it fails");
            for (int k = 0; k < batch.count; k++)
            {
                assertEquals(Tier.NO_SPACE, batch.locations[k]);
            }
            assertEquals(1, tier.growthFailures());
            assertEquals(256 * KIB, tier.fileLengthBytes(), "the failed growth was undone");
            assertEquals(1, tier.blockCount());
            assertEquals(200 * KIB, tier.usedBytes());
            final UnsafeBuffer back = new UnsafeBuffer(new byte[200 * KIB]);
            tier.read(1, location, back, 0, back.capacity());
            TestBatch.check(back, 0, 1, back.capacity(), "block stored before the batch");

            Files.delete(filler);
            assertEquals(batch.count, batch.write(tier), "with room again the tier grows");
            for (int k = 0; k < batch.count; k++)
            {
                tier.read(batch.blockIds[k], batch.locations[k], back, 0, batch.lengths[k]);
                TestBatch.check(back, 0, batch.blockIds[k], batch.lengths[k], "batch block");
            }
        }
    }

    private static Path fill(final Path dir) throws IOException
    {
        final Path filler = dir.resolve("filler");
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(filler,
            java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE))
        {
            final java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocate(64 * KIB);
            try
            {
                while (true)
                {
                    zeros.clear();
                    channel.write(zeros);
                }
            }
            catch (final IOException full)
            {
                LOG.info("tmpfs full: {}", full.toString());
            }
        }
        return filler;
    }

    @Test
    @Timeout(30)
    void shouldRefuseVvramCapacityAboveTheTmpfsFreeSpaceWithAConfigurationExceptionNamingDirAndUsableBytes()
        throws IOException
    {
        final Path dir = mountTmpfs("4m");
        final Path filler = dir.resolve("filler");
        Files.write(filler, new byte[MIB]);
        final long usable = Files.getFileStore(dir).getUsableSpace();
        assertEquals(3L * MIB, usable);

        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> new VvramTier(dir, 4L * MIB, System.currentTimeMillis()).close());
        assertTrue(ex.getMessage().contains(dir.toString()), ex.getMessage());
        assertTrue(ex.getMessage().contains(Long.toString(usable)), ex.getMessage());
        assertTrue(ex.getMessage().contains(Long.toString(4L * MIB)), ex.getMessage());
        System.out.println("FullFilesystemTest figures: VVRAM of 4 MiB on a tmpfs with " + usable +
            " bytes usable: " + ex.getMessage());

        Files.delete(filler);
        try (VvramTier tier = new VvramTier(dir, 2L * MIB, System.currentTimeMillis()))
        {
            TierTestSupport.shouldRoundTripRandomBlocks(tier, 11);
        }
    }

    @Test
    @Timeout(60)
    void shouldFailAllocationWithOutOfTierMemoryAndKeepEveryBlockIntactWhenTheVssdFileSystemFills() throws IOException
    {
        final Path dir = mountTmpfs("8m");
        final Random random = new Random(0xB10CL);
        final List<Long> ids = new ArrayList<>();
        final List<byte[]> contents = new ArrayList<>();

        try (BlockStore store = new BlockStore(new StoreContext()
            .nodeName("full-fs")
            .ramCapacityBytes(512 * KIB)
            .vvramCapacityBytes(0)
            .vssdCapacityBytes(7L * MIB)
            .vssdDir(dir)
            .startMover(false)))
        {
            // The capacity fits at open (the store checks the free space then); another file fills the disk after.
            Files.write(dir.resolve("filler"), new byte[4 * MIB]);
            OutOfTierMemoryException refused = null;
            while (null == refused)
            {
                final byte[] bytes = TierTestSupport.randomBytes(random, 16 * KIB + random.nextInt(184 * KIB));
                try
                {
                    final long id = store.allocate(bytes.length, Hint.WARM);
                    store.write(id, 0, bytes, 0, bytes.length);
                    ids.add(id);
                    contents.add(bytes);
                }
                catch (final OutOfTierMemoryException ex)
                {
                    refused = ex;
                }
                assertTrue(ids.size() < 10_000, "the 8 MiB tmpfs never filled");
            }

            final StoreStats stats = store.stats();
            System.out.println("FullFilesystemTest figures: BlockStore (RAM 512 KiB, VSSD 7 MiB on an 8 MiB tmpfs, 4 MiB of " +
                "which another file took after open) " +
                "held " + ids.size() + " blocks, " + stats.logicalBytes() + " bytes, VSSD " +
                stats.tier(TierKind.VSSD) + ", then: " + refused.getMessage());
            assertTrue(refused.getMessage().contains("full-fs"), refused.getMessage());
            assertEquals(ids.size(), stats.blocks());
            assertEquals(0, stats.checksumFailures());

            final byte[] back = new byte[200 * KIB];
            for (int i = 0; i < ids.size(); i++)
            {
                final byte[] expected = contents.get(i);
                store.read(ids.get(i), 0, back, 0, expected.length);
                assertArrayEquals(expected, java.util.Arrays.copyOf(back, expected.length), "block " + ids.get(i));
            }
            assertEquals(0, store.stats().checksumFailures());

            for (int i = ids.size() - 1; i >= 0; i -= 2)
            {
                store.free(ids.remove(i));
                contents.remove(i);
            }
            final byte[] bytes = TierTestSupport.randomBytes(random, 16 * KIB);
            final long id = store.allocate(bytes.length, Hint.WARM);
            store.write(id, 0, bytes, 0, bytes.length);
            ids.add(id);
            contents.add(bytes);
            for (int i = 0; i < ids.size(); i++)
            {
                final byte[] expected = contents.get(i);
                store.read(ids.get(i), 0, back, 0, expected.length);
                assertArrayEquals(expected, java.util.Arrays.copyOf(back, expected.length), "block " + ids.get(i));
            }
            assertEquals(0, store.stats().checksumFailures());
        }
        finally
        {
            Files.deleteIfExists(dir.resolve("filler"));
        }
    }

    private static void assertBlocks(final Tier tier, final List<long[]> blocks, final List<byte[]> contents)
    {
        for (int i = 0; i < blocks.size(); i++)
        {
            final long[] block = blocks.get(i);
            final byte[] back = new byte[(int)block[2]];
            tier.read(block[0], block[1], new UnsafeBuffer(back), 0, back.length);
            assertArrayEquals(contents.get(i), back, "block " + block[0]);
        }
    }

    /**
     * Mount a tmpfs of the given size on a fresh directory under the test's temp dir, or skip the test.
     */
    private Path mountTmpfs(final String size)
    {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        final Path dir = tempDir.resolve("tmpfs-" + size);
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot create mount point " + dir, ex);
        }
        final int exit = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
        Assumptions.assumeTrue(0 == exit, "mount -t tmpfs is not allowed here (exit " + exit + ")");
        mountPoint = dir;
        return dir;
    }

    private static int run(final String... command)
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                return -1;
            }
            if (0 != process.exitValue())
            {
                LOG.info("{} exited {}: {}", String.join(" ", command), process.exitValue(), output.trim());
            }
            return process.exitValue();
        }
        catch (final IOException ex)
        {
            return -1;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int crc32c(final byte[] bytes)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length);
        return (int)crc.getValue();
    }
}
