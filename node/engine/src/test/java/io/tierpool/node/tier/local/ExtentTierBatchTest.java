/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.client.AllocatorStats;
import io.tierpool.node.tier.Tier;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AbstractExtentTier#writeBatch} on the VSSD and VVRAM tiers: a batch goes to one contiguous run (one
 * pwrite for VSSD), every block reads back and frees on its own, a batch that does not fit places what fits, and
 * a failed batch stores nothing.
 */
@Timeout(60)
class ExtentTierBatchTest
{
    private static final Path SHM = Path.of("/dev/shm");
    private static final int[] MIXED_LENGTHS = { 1, 63, 64, 4097, 65, 4096, 7, 128, 1000, 64 * 1024 + 3 };

    @TempDir
    Path tempDir;

    private Path vvramParent;

    @BeforeEach
    void makeVvramParent() throws Exception
    {
        vvramParent = Files.isDirectory(SHM) && Files.isWritable(SHM) ?
            Files.createTempDirectory(SHM, "tierpool-batch-test-") : tempDir;
    }

    @AfterEach
    void removeVvramParent() throws Exception
    {
        if (!vvramParent.equals(tempDir))
        {
            ProcessDirectories.deleteRecursively(vvramParent);
            assertFalse(Files.exists(vvramParent));
        }
    }

    private AbstractExtentTier open(final String kind, final long capacityBytes)
    {
        return "VSSD".equals(kind) ? new VssdTier(tempDir, capacityBytes, 1) :
            new VvramTier(vvramParent, capacityBytes, 1, 64 * 1024);
    }

    @ParameterizedTest
    @ValueSource(strings = { "VSSD", "VVRAM" })
    void shouldStoreBatchInOneRunReadEachBlockBackAndCoalesceWhenFreedInAnyOrder(final String kind)
    {
        try (AbstractExtentTier tier = open(kind, 4 * 1024 * 1024))
        {
            final List<long[]> stored = new ArrayList<>();
            final UnsafeBuffer one = new UnsafeBuffer(new byte[100]);
            TestBatch.fill(one, 0, 1, 100);
            final long single = tier.write(1, one, 0, 100, 0);
            stored.add(new long[]{ 1, single, 100 });

            long nextId = 2;
            long expectedUsed = 128;
            for (final boolean offHeap : new boolean[]{ false, true })
            {
                final TestBatch batch = new TestBatch(256 * 1024, MIXED_LENGTHS.length, offHeap, 192);
                for (final int length : MIXED_LENGTHS)
                {
                    batch.add(nextId++, length);
                }

                assertEquals(batch.count, batch.write(tier));

                for (int k = 0; k < batch.count; k++)
                {
                    assertNotEquals(Tier.NO_SPACE, batch.locations[k]);
                    if (k > 0)
                    {
                        assertEquals(batch.locations[k - 1] + ExtentAllocator.align(batch.lengths[k - 1]),
                            batch.locations[k], "block " + k + " follows block " + (k - 1) + " in one run");
                    }
                    stored.add(new long[]{ batch.blockIds[k], batch.locations[k], batch.lengths[k] });
                    expectedUsed += ExtentAllocator.align(batch.lengths[k]);
                }
            }
            assertEquals(stored.size(), tier.blockCount());
            assertEquals(expectedUsed, tier.usedBytes());
            final AllocatorStats stats = tier.allocatorStats();
            assertEquals(stored.size(), stats.allocations(), "every block of a batch counts as an allocation");
            assertEquals(expectedUsed, stats.peakUsedBytes());

            final UnsafeBuffer back = new UnsafeBuffer(ByteBuffer.allocateDirect(128 * 1024));
            for (final long[] block : stored)
            {
                tier.read(block[0], block[1], back, 3, (int)block[2]);
                TestBatch.check(back, 3, block[0], (int)block[2], kind);
                tier.read(block[0], block[1], back, 0, 1);
                TestBatch.check(back, 0, block[0], 1, kind + " first byte");
            }

            Collections.shuffle(stored, new Random(7));
            for (final long[] block : stored)
            {
                tier.free(block[0], block[1]);
            }
            assertEquals(0, tier.usedBytes());
            assertEquals(0, tier.blockCount());
            assertEquals(1, tier.freeExtentCount(), "the pieces coalesce back into one free extent");
            assertEquals(tier.capacityBytes(), tier.largestFreeExtentBytes());
        }
    }

    @Test
    void shouldWriteVssdBatchWithOnePositionalWrite()
    {
        final ScriptedFileChannel.Script script = new ScriptedFileChannel.Script();
        try (VssdTier tier = new VssdTier(tempDir, 8 * 1024 * 1024, 1, script.opener()))
        {
            final UnsafeBuffer one = new UnsafeBuffer(new byte[64]);
            tier.free(1, tier.write(1, one, 0, 64, 0));
            final long fileLength = tier.fileLengthBytes();
            assertEquals(1024 * 1024, fileLength, "the first write grew the file by one step");

            final TestBatch batch = new TestBatch(256 * 1024, MIXED_LENGTHS.length, true, 0);
            for (int k = 0; k < MIXED_LENGTHS.length; k++)
            {
                batch.add(100 + k, MIXED_LENGTHS[k]);
            }
            script.positionalWrites.set(0);
            script.bytesWritten.set(0);

            assertEquals(batch.count, batch.write(tier));

            assertEquals(1, script.positionalWrites.get(), "the whole batch in one pwrite");
            assertEquals(batch.spanBytes(), script.bytesWritten.get(),
                "from the first block to the last, padding included");
            assertEquals(fileLength, tier.fileLengthBytes());
            final UnsafeBuffer back = new UnsafeBuffer(new byte[128 * 1024]);
            for (int k = 0; k < batch.count; k++)
            {
                tier.read(batch.blockIds[k], batch.locations[k], back, 0, batch.lengths[k]);
                TestBatch.check(back, 0, batch.blockIds[k], batch.lengths[k], "VSSD");
                tier.free(batch.blockIds[k], batch.locations[k]);
            }
            assertEquals(1, tier.freeExtentCount());
        }
    }

    @Test
    void shouldWriteVssdBatchOfScatteredLayoutOneBlockAtATime()
    {
        final ScriptedFileChannel.Script script = new ScriptedFileChannel.Script();
        try (VssdTier tier = new VssdTier(tempDir, 8 * 1024 * 1024, 1, script.opener()))
        {
            final UnsafeBuffer src = new UnsafeBuffer(new byte[4096]);
            final long[] ids = { 1, 2, 3 };
            final int[] offsets = { 0, 1000, 3 };
            final int[] lengths = { 100, 200, 50 };
            final long[] locations = new long[3];
            for (int k = 0; k < 3; k++)
            {
                TestBatch.fill(src, offsets[k], ids[k], lengths[k]);
            }
            TestBatch.fill(src, offsets[1], ids[1], lengths[1]);
            TestBatch.fill(src, offsets[2], ids[2], lengths[2]);
            final UnsafeBuffer block0 = new UnsafeBuffer(new byte[100]);
            src.getBytes(0, block0, 0, 100);

            assertEquals(3, tier.writeBatch(3, ids, src, offsets, lengths, new int[3], locations));

            assertEquals(1 + 3, script.positionalWrites.get(), "one growth, then one write per block");
            final UnsafeBuffer back = new UnsafeBuffer(new byte[200]);
            tier.read(2, locations[1], back, 0, 200);
            TestBatch.check(back, 0, 2, 200, "VSSD");
            tier.read(3, locations[2], back, 0, 50);
            TestBatch.check(back, 0, 3, 50, "VSSD");
            tier.read(1, locations[0], back, 0, 100);
            assertEquals(block0.getLong(0), back.getLong(0), "block 1 as it lay in the buffer, overlapped by block 3");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "VSSD", "VVRAM" })
    void shouldPlaceBlocksOneByOneWhenNoRunFitsAndRefuseOnlyThoseThatDoNotFit(final String kind)
    {
        try (AbstractExtentTier tier = open(kind, 64 * 64))
        {
            final UnsafeBuffer src = new UnsafeBuffer(new byte[64]);
            final long[] units = new long[64];
            for (int i = 0; i < 64; i++)
            {
                TestBatch.fill(src, 0, 1000 + i, 64);
                units[i] = tier.write(1000 + i, src, 0, 64, 0);
                assertNotEquals(Tier.NO_SPACE, units[i]);
            }
            for (int i = 0; i < 64; i += 2)
            {
                tier.free(1000 + i, units[i]);
            }
            assertEquals(64 * 32, tier.usedBytes());
            assertEquals(64, tier.largestFreeExtentBytes(), "32 holes of one unit each");

            final TestBatch batch = new TestBatch(64 * 1024, 40, false, 0);
            batch.add(1, 64);
            batch.add(2, 65);
            batch.add(3, 1);
            for (int i = 0; i < 35; i++)
            {
                batch.add(10 + i, 33);
            }

            final int stored = batch.write(tier);

            assertEquals(32, stored, "every hole filled, and no more");
            assertEquals(Tier.NO_SPACE, batch.locations[1], "65 bytes fit in no hole");
            assertEquals(64 * 64, tier.usedBytes());
            assertEquals(64, tier.blockCount());
            final UnsafeBuffer back = new UnsafeBuffer(new byte[128]);
            int refused = 0;
            for (int k = 0; k < batch.count; k++)
            {
                if (batch.locations[k] == Tier.NO_SPACE)
                {
                    refused++;
                    continue;
                }
                tier.read(batch.blockIds[k], batch.locations[k], back, 0, batch.lengths[k]);
                TestBatch.check(back, 0, batch.blockIds[k], batch.lengths[k], kind + " batch block");
            }
            assertEquals(batch.count - 32, refused);
            for (int i = 1; i < 64; i += 2)
            {
                tier.read(1000 + i, units[i], back, 0, 64);
                TestBatch.check(back, 0, 1000 + i, 64, kind + " block stored before the batch");
                tier.free(1000 + i, units[i]);
            }
            for (int k = 0; k < batch.count; k++)
            {
                if (batch.locations[k] != Tier.NO_SPACE)
                {
                    tier.free(batch.blockIds[k], batch.locations[k]);
                }
            }
            assertEquals(0, tier.usedBytes());
            assertEquals(1, tier.freeExtentCount());
        }
    }

    @Test
    void shouldStoreNoneOfBatchWhenDiskFillsDuringItsWrite()
    {
        final ScriptedFileChannel.Script script = new ScriptedFileChannel.Script();
        try (VssdTier tier = new VssdTier(tempDir, 1024 * 1024, 1, script.opener()))
        {
            final UnsafeBuffer first = new UnsafeBuffer(new byte[5000]);
            TestBatch.fill(first, 0, 1, 5000);
            final long firstLocation = tier.write(1, first, 0, 5000, 0);
            final long used = tier.usedBytes();
            final TestBatch batch = new TestBatch(128 * 1024, MIXED_LENGTHS.length, true, 64);
            for (int k = 0; k < MIXED_LENGTHS.length; k++)
            {
                batch.add(10 + k, MIXED_LENGTHS[k]);
            }
            script.diskLimitBytes = firstLocation + 5000 + 40_000;
            script.positionalWrites.set(0);

            assertEquals(0, batch.write(tier));

            assertEquals(2, script.positionalWrites.get(), "a partial write, then no space");
            for (int k = 0; k < batch.count; k++)
            {
                assertEquals(Tier.NO_SPACE, batch.locations[k]);
            }
            assertEquals(1, tier.blockCount());
            assertEquals(used, tier.usedBytes());
            assertEquals(1, tier.writeFailures());
            assertTrue(tier.lastWriteFailure().getMessage().contains("No space left on device"));
            final UnsafeBuffer back = new UnsafeBuffer(new byte[128 * 1024]);
            tier.read(1, firstLocation, back, 0, 5000);
            TestBatch.check(back, 0, 1, 5000, "block stored before the batch");

            script.diskLimitBytes = Long.MAX_VALUE;
            assertEquals(batch.count, batch.write(tier));
            for (int k = 0; k < batch.count; k++)
            {
                tier.read(batch.blockIds[k], batch.locations[k], back, 0, batch.lengths[k]);
                TestBatch.check(back, 0, batch.blockIds[k], batch.lengths[k], "batch written once the disk had room");
            }
        }
    }

    @Test
    void shouldThrowAndStoreNoneOfBatchWhenItsWriteFailsOtherwise()
    {
        final ScriptedFileChannel.Script script = new ScriptedFileChannel.Script();
        try (VssdTier tier = new VssdTier(tempDir, 1024 * 1024, 1, script.opener()))
        {
            final UnsafeBuffer first = new UnsafeBuffer(new byte[300]);
            TestBatch.fill(first, 0, 1, 300);
            final long firstLocation = tier.write(1, first, 0, 300, 0);
            final TestBatch batch = new TestBatch(128 * 1024, MIXED_LENGTHS.length, false, 0);
            for (int k = 0; k < MIXED_LENGTHS.length; k++)
            {
                batch.add(10 + k, MIXED_LENGTHS[k]);
            }
            script.failUnchecked = true;

            assertThrows(NonWritableChannelException.class, () -> batch.write(tier));

            for (int k = 0; k < batch.count; k++)
            {
                assertEquals(Tier.NO_SPACE, batch.locations[k]);
            }
            assertEquals(1, tier.blockCount());
            assertEquals(ExtentAllocator.align(300), tier.usedBytes());
            assertEquals(0, tier.writeFailures(), "not a lack of room");

            script.failUnchecked = false;
            final UnsafeBuffer back = new UnsafeBuffer(new byte[128 * 1024]);
            tier.read(1, firstLocation, back, 0, 300);
            TestBatch.check(back, 0, 1, 300, "block stored before the batch");
            assertEquals(batch.count, batch.write(tier));
            tier.read(batch.blockIds[3], batch.locations[3], back, 0, batch.lengths[3]);
            TestBatch.check(back, 0, batch.blockIds[3], batch.lengths[3], "batch written once the channel works");
        }
    }

    @Test
    void shouldRejectBadBatchArgumentsAndStoreNothing()
    {
        try (VssdTier tier = new VssdTier(tempDir, 1024 * 1024, 1))
        {
            final TestBatch batch = new TestBatch(1024, 4, false, 0);
            batch.add(1, 100);
            batch.add(2, 100);
            assertThrows(IllegalArgumentException.class, () -> tier.writeBatch(
                0, batch.blockIds, batch.src, batch.srcOffsets, batch.lengths, batch.crc32cs, batch.locations));
            assertThrows(IllegalArgumentException.class, () -> tier.writeBatch(
                5, batch.blockIds, batch.src, batch.srcOffsets, batch.lengths, batch.crc32cs, batch.locations));
            batch.lengths[1] = 2000;
            assertThrows(IndexOutOfBoundsException.class, () -> batch.write(tier));
            batch.lengths[1] = 0;
            assertThrows(IllegalArgumentException.class, () -> batch.write(tier));
            assertEquals(0, tier.blockCount());
            assertEquals(0, tier.usedBytes());
        }
        final VssdTier closed = new VssdTier(tempDir, 1024 * 1024, 1);
        closed.close();
        final TestBatch batch = new TestBatch(1024, 1, false, 0);
        batch.add(1, 10);
        assertThrows(IllegalStateException.class, () -> batch.write(closed));
    }

    /**
     * Not an assertion on time: prints how long 256 blocks of 4 KiB take to reach the VSSD file written one by
     * one and as one batch. Runs only with {@code -Dtierpool.measure=true}.
     */
    @Test
    @Timeout(300)
    void measureVssdBatchAgainstOneByOne()
    {
        Assumptions.assumeTrue(Boolean.getBoolean("tierpool.measure"), "run with -Dtierpool.measure=true");
        final int blocks = 256;
        final int length = 4096;
        final int rounds = 400;
        try (VssdTier tier = new VssdTier(tempDir, 64L * 1024 * 1024, 1))
        {
            final TestBatch batch = new TestBatch(blocks * length, blocks, true, 0);
            for (int k = 0; k < blocks; k++)
            {
                batch.add(k + 1, length);
            }
            final long[] singles = new long[blocks];
            long oneByOneNs = 0;
            long batchNs = 0;
            for (int round = 0; round < 2 * rounds; round++)
            {
                final boolean measured = round >= rounds;
                final long startNs = System.nanoTime();
                for (int k = 0; k < blocks; k++)
                {
                    singles[k] = tier.write(k + 1, batch.src, batch.srcOffsets[k], length, 0);
                }
                final long midNs = System.nanoTime();
                final int stored = batch.write(tier);
                final long endNs = System.nanoTime();
                assertEquals(blocks, stored);
                if (measured)
                {
                    oneByOneNs += midNs - startNs;
                    batchNs += endNs - midNs;
                }
                for (int k = 0; k < blocks; k++)
                {
                    tier.free(k + 1, singles[k]);
                    tier.free(batch.blockIds[k], batch.locations[k]);
                }
            }
            System.out.printf("VSSD %d x %d B: write() one by one %.1f us, writeBatch %.1f us per batch; " +
                "ratio %.2f%n", blocks, length, oneByOneNs / 1e3 / rounds, batchNs / 1e3 / rounds,
                (double)oneByOneNs / batchNs);
        }
    }
}
