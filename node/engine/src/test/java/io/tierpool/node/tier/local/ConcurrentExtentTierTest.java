/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.client.AllocatorStats;
import io.tierpool.node.tier.Tier;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several threads writing, batch-writing, reading and freeing blocks of one VSSD or VVRAM tier at once, as the
 * engine's I/O workers do, while the tier's files grow: every block reads back as written, and the usage
 * accounting ends where it started.
 */
@Timeout(120)
class ConcurrentExtentTierTest
{
    private static final Path SHM = Path.of("/dev/shm");
    private static final int THREADS = 4;
    private static final int OPERATIONS = 2500;
    private static final int MAX_LIVE_BLOCKS = 64;
    private static final int MAX_BLOCK_BYTES = 24 * 1024;
    private static final int MAX_BATCH_BLOCKS = 16;
    private static final long CAPACITY_BYTES = 4L * 1024 * 1024;

    @TempDir
    Path tempDir;

    private Path vvramParent;

    @BeforeEach
    void makeVvramParent() throws Exception
    {
        vvramParent = Files.isDirectory(SHM) && Files.isWritable(SHM) ?
            Files.createTempDirectory(SHM, "tierpool-concurrent-test-") : tempDir;
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

    @ParameterizedTest
    @ValueSource(strings = { "VSSD", "VVRAM" })
    void shouldKeepEveryBlockIntactAndAccountingExactUnderConcurrentIo(final String kind) throws Exception
    {
        final long seed = System.nanoTime();
        System.out.println("ConcurrentExtentTierTest " + kind + " seed=" + seed);
        try (AbstractExtentTier tier = "VSSD".equals(kind) ? new VssdTier(tempDir, CAPACITY_BYTES, 1) :
            new VvramTier(vvramParent, CAPACITY_BYTES, 1, 2 * 1024 * 1024))
        {
            assertTrue(tier.concurrentIo());
            final long initialFileLength = tier.fileLengthBytes();
            final CyclicBarrier start = new CyclicBarrier(THREADS);
            final ExecutorService executor = Executors.newFixedThreadPool(THREADS);
            try
            {
                final List<Future<long[]>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++)
                {
                    final int thread = t;
                    results.add(executor.submit(() ->
                    {
                        start.await();
                        return new Worker(tier, kind, thread, seed + thread).run();
                    }));
                }
                long batches = 0;
                for (final Future<long[]> result : results)
                {
                    final long[] counts = result.get(100, TimeUnit.SECONDS);
                    batches += counts[0];
                }
                assertTrue(batches > 0, "batches were written, seed " + seed);
            }
            finally
            {
                executor.shutdownNow();
                assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
            }

            assertTrue(tier.fileLengthBytes() > initialFileLength, "the files grew during the run, seed " + seed);
            assertEquals(0, tier.usedBytes(), "seed " + seed);
            assertEquals(0, tier.blockCount(), "seed " + seed);
            assertEquals(1, tier.freeExtentCount(), "all free space coalesced, seed " + seed);
            final AllocatorStats stats = tier.allocatorStats();
            assertEquals(stats.allocations(), stats.frees(), "seed " + seed);
            assertEquals(0, stats.usedBytes());
            assertTrue(stats.peakUsedBytes() <= tier.capacityBytes());
        }
    }

    @org.junit.jupiter.api.Test
    void shouldReadVvramBlocksCorrectlyWhileGrowthRemapsTheirSegment() throws Exception
    {
        final int readers = THREADS - 1;
        final int rounds = 150;
        final int blockBytes = 4096;
        final ExecutorService executor = Executors.newFixedThreadPool(readers);
        try
        {
            for (int round = 0; round < rounds; round++)
            {
                try (VvramTier tier = new VvramTier(vvramParent, 512 * 1024, 1, 512 * 1024))
                {
                    final UnsafeBuffer src = new UnsafeBuffer(ByteBuffer.allocateDirect(32 * 1024));
                    final long[] locations = new long[8];
                    for (int i = 0; i < locations.length; i++)
                    {
                        TestBatch.fill(src, 0, i + 1, blockBytes);
                        locations[i] = tier.write(i + 1, src, 0, blockBytes, 0);
                    }
                    final AtomicBoolean growing = new AtomicBoolean(true);
                    final CyclicBarrier start = new CyclicBarrier(readers + 1);
                    final List<Future<Long>> results = new ArrayList<>();
                    for (int r = 0; r < readers; r++)
                    {
                        final int reader = r;
                        results.add(executor.submit(() ->
                        {
                            final UnsafeBuffer back = new UnsafeBuffer(ByteBuffer.allocateDirect(blockBytes));
                            long reads = 0;
                            start.await();
                            do
                            {
                                final int i = (int)((reads + reader) % locations.length);
                                tier.read(i + 1, locations[i], back, 0, blockBytes);
                                TestBatch.check(back, 0, i + 1, blockBytes, "VVRAM block read during growth");
                                reads++;
                            }
                            while (growing.get());
                            return reads;
                        }));
                    }
                    start.await();
                    long blockId = 100;
                    while (true)
                    {
                        TestBatch.fill(src, 0, blockId, src.capacity());
                        final long location = tier.write(blockId, src, 0, src.capacity(), 0);
                        if (location == Tier.NO_SPACE)
                        {
                            break;
                        }
                        blockId++;
                    }
                    growing.set(false);
                    for (final Future<Long> result : results)
                    {
                        assertTrue(result.get(30, TimeUnit.SECONDS) > 0);
                    }
                    assertEquals(tier.capacityBytes(), tier.fileLengthBytes(), "grown to the capacity");
                }
            }
        }
        finally
        {
            executor.shutdownNow();
            assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @org.junit.jupiter.api.Test
    void shouldKeepVssdIoOfOtherThreadsWorkingWhileOneIsInterruptedDuringIo() throws Exception
    {
        final int workers = THREADS - 1;
        final int operations = 4000;
        final int blockBytes = 16 * 1024;
        final ScriptedFileChannel.Script script = new ScriptedFileChannel.Script();
        try (VssdTier tier = new VssdTier(tempDir, CAPACITY_BYTES, 1, script.opener()))
        {
            final ExecutorService executor = Executors.newFixedThreadPool(workers);
            try
            {
                final CyclicBarrier start = new CyclicBarrier(workers + 1);
                final List<Thread> threads = new ArrayList<>();
                final List<Future<Long>> results = new ArrayList<>();
                for (int w = 0; w < workers; w++)
                {
                    final long idBase = (w + 1L) << 40;
                    results.add(executor.submit(() ->
                    {
                        synchronized (threads)
                        {
                            threads.add(Thread.currentThread());
                        }
                        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(blockBytes));
                        long stored = 0;
                        start.await();
                        for (int op = 0; op < operations; op++)
                        {
                            final long blockId = idBase + op;
                            TestBatch.fill(buffer, 0, blockId, blockBytes);
                            final long location = tier.write(blockId, buffer, 0, blockBytes, 0);
                            assertNotEquals(Tier.NO_SPACE, location, "write of block " + blockId);
                            buffer.setMemory(0, blockBytes, (byte)0);
                            tier.read(blockId, location, buffer, 0, blockBytes);
                            TestBatch.check(buffer, 0, blockId, blockBytes, "VSSD block read back");
                            tier.free(blockId, location);
                            stored++;
                        }
                        Thread.interrupted();
                        return stored;
                    }));
                }
                start.await();
                final Random random = new Random(3);
                while (!allDone(results))
                {
                    synchronized (threads)
                    {
                        threads.get(random.nextInt(threads.size())).interrupt();
                    }
                    Thread.sleep(1);
                }
                for (final Future<Long> result : results)
                {
                    assertEquals(operations, result.get(60, TimeUnit.SECONDS));
                }
            }
            finally
            {
                executor.shutdownNow();
                assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
            }
            System.out.println("ConcurrentExtentTierTest: the VSSD channel was reopened " + (script.opens.get() - 1) +
                " times after interrupts");
            assertEquals(0, tier.writeFailures(), "an interrupt never shows as a full disk");
            assertEquals(0, tier.usedBytes());
            assertEquals(1, tier.freeExtentCount());
        }
    }

    private static boolean allDone(final List<? extends Future<?>> futures)
    {
        for (final Future<?> future : futures)
        {
            if (!future.isDone())
            {
                return false;
            }
        }
        return true;
    }

    /**
     * One thread's random mix of writes, batches, reads and frees over its own blocks; frees all of them at the
     * end.
     */
    private static final class Worker
    {
        private final Tier tier;
        private final String kind;
        private final Random random;
        private final long idBase;
        private final TestBatch batch;
        private final UnsafeBuffer single = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_BLOCK_BYTES));
        private final UnsafeBuffer back = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_BLOCK_BYTES + 64));
        private final List<long[]> live = new ArrayList<>();
        private long nextId;

        Worker(final Tier tier, final String kind, final int thread, final long seed)
        {
            this.tier = tier;
            this.kind = kind;
            this.random = new Random(seed);
            this.idBase = (thread + 1L) << 40;
            this.batch = new TestBatch(
                MAX_BATCH_BLOCKS * MAX_BLOCK_BYTES + 64, MAX_BATCH_BLOCKS, random.nextBoolean(), 64);
        }

        long[] run()
        {
            long batches = 0;
            for (int op = 0; op < OPERATIONS; op++)
            {
                final int dice = random.nextInt(100);
                if (dice < 25 && live.size() < MAX_LIVE_BLOCKS)
                {
                    write();
                }
                else if (dice < 40 && live.size() < MAX_LIVE_BLOCKS)
                {
                    writeBatch();
                    batches++;
                }
                else if (dice < 75 && !live.isEmpty())
                {
                    read(live.get(random.nextInt(live.size())));
                }
                else if (!live.isEmpty())
                {
                    final long[] block = live.remove(random.nextInt(live.size()));
                    read(block);
                    tier.free(block[0], block[1]);
                }
                if (op % 256 == 0)
                {
                    final AllocatorStats stats = tier.allocatorStats();
                    assertTrue(stats.usedBytes() >= 0 && stats.usedBytes() <= stats.capacityBytes());
                    assertTrue(tier.blockCount() >= 0 && tier.usedBytes() <= tier.capacityBytes());
                }
            }
            for (final long[] block : live)
            {
                read(block);
                tier.free(block[0], block[1]);
            }
            live.clear();
            return new long[]{ batches };
        }

        private int randomLength()
        {
            switch (random.nextInt(6))
            {
                case 0:
                    return 1 + random.nextInt(64);
                case 1:
                    return 64;
                case 2:
                    return 4096 + random.nextInt(2);
                default:
                    return 1 + random.nextInt(MAX_BLOCK_BYTES);
            }
        }

        private void write()
        {
            final long blockId = idBase + nextId++;
            final int length = randomLength();
            TestBatch.fill(single, 0, blockId, length);
            final long location = tier.write(blockId, single, 0, length, 0);
            if (location != Tier.NO_SPACE)
            {
                live.add(new long[]{ blockId, location, length });
            }
        }

        private void writeBatch()
        {
            batch.clear();
            final int count = 1 + random.nextInt(MAX_BATCH_BLOCKS);
            for (int k = 0; k < count; k++)
            {
                batch.add(idBase + nextId++, randomLength());
            }
            final int stored = batch.write(tier);
            int placed = 0;
            for (int k = 0; k < count; k++)
            {
                if (batch.locations[k] != Tier.NO_SPACE)
                {
                    placed++;
                    live.add(new long[]{ batch.blockIds[k], batch.locations[k], batch.lengths[k] });
                }
            }
            assertEquals(stored, placed);
        }

        private void read(final long[] block)
        {
            final int length = (int)block[2];
            final int partial = random.nextBoolean() ? length : 1 + random.nextInt(length);
            final int offset = random.nextInt(64);
            tier.read(block[0], block[1], back, offset, partial);
            TestBatch.check(back, offset, block[0], partial, kind + " at location " + block[1]);
            assertNotEquals(Tier.NO_SPACE, block[1]);
        }
    }
}
