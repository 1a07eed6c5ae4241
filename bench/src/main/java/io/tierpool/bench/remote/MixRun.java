/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.remote;

import io.tierpool.client.Block;
import io.tierpool.client.PoolStats;
import io.tierpool.client.TierPool;
import io.tierpool.client.Hint;
import org.agrona.CloseHelper;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Many application threads on far memory: {@code keys} blocks (a working set several times the pool's local
 * tiers, so most live on the node daemons) read and overwritten at random by 1, 2, 4, ... threads, a share
 * {@code readFraction} of the operations reads. Thread {@code t} of {@code n} works on the keys {@code k} with
 * {@code k mod n == t}, so the benchmark needs no lock of its own and every read is checked exactly against the
 * version that thread last wrote ({@link BlockPattern#matchesStamped}).
 * <p>
 * Each thread count runs for a warm-up and then a timed period; operations completed in the timed period count.
 * <b>Resources.</b> Owns its blocks; {@link #close()} frees them. <b>Threads.</b> {@link #run} from one thread;
 * the workers it starts own disjoint keys, and their counts are read after they are joined.
 */
public final class MixRun implements AutoCloseable
{
    /**
     * One thread count's figures.
     *
     * @param threads      application threads.
     * @param opsPerSecond operations completed per second of the timed period.
     * @param ops          operations completed in the timed period.
     * @param reads        reads over warm-up and timed period.
     * @param writes       overwrites over warm-up and timed period.
     * @param verified     reads whose bytes were the last version written.
     * @param mismatches   reads with a wrong byte or version (must be 0).
     * @param far          far-memory traffic over warm-up and timed period.
     */
    public record Result(
        int threads, double opsPerSecond, long ops, long reads, long writes, long verified, long mismatches,
        FarCounters far)
    {
    }

    private final TierPool pool;
    private final BlockPattern pattern;
    private final Block[] blocks;
    private final long[] versions;
    private final double readFraction;
    private final long seed;

    /**
     * Allocates and writes every block once (untimed).
     *
     * @param pool         an open pool joined to the node daemons.
     * @param keys         blocks in the working set, at least 1.
     * @param blockBytes   bytes per block, at least {@link BlockPattern#STAMP_BYTES}.
     * @param readFraction share of reads, 0 to 1.
     * @param seed         seed of the contents and of the operations.
     */
    public MixRun(final TierPool pool, final int keys, final int blockBytes, final double readFraction, final long seed)
    {
        if (blockBytes < BlockPattern.STAMP_BYTES)
        {
            throw new IllegalArgumentException("mix blocks of " + blockBytes + " bytes must hold at least " +
                BlockPattern.STAMP_BYTES);
        }
        this.pool = pool;
        this.pattern = new BlockPattern(blockBytes, seed);
        this.blocks = new Block[keys];
        this.versions = new long[keys];
        this.readFraction = readFraction;
        this.seed = seed;
        final byte[] value = new byte[blockBytes];
        try
        {
            for (int key = 0; key < keys; key++)
            {
                blocks[key] = pool.allocate(blockBytes, Hint.WARM);
                versions[key] = 1;
                pattern.fill(key, 1, value);
                blocks[key].write(0, value);
            }
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    /**
     * Runs {@code threads} workers for {@code warmupNs} and then {@code measureNs}.
     *
     * @param threads   application threads, 1 to the number of keys.
     * @param warmupNs  untimed period first, ns, 0 or more.
     * @param measureNs timed period, ns, positive.
     * @param log       progress lines.
     * @return the figures.
     * @throws IllegalStateException if a worker failed (its exception is the cause).
     */
    public Result run(final int threads, final long warmupNs, final long measureNs, final PrintStream log)
    {
        final CountDownLatch start = new CountDownLatch(1);
        final List<Worker> workers = new ArrayList<>(threads);
        final List<Thread> running = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++)
        {
            final Worker worker = new Worker(t, threads, start, seed * 1_000_003L + threads * 64L + t);
            workers.add(worker);
            final Thread thread = new Thread(worker, "mix-" + threads + "-" + t);
            thread.setDaemon(true);
            running.add(thread);
            thread.start();
        }
        final PoolStats before = pool.stats();
        final long warmEndNs = System.nanoTime() + warmupNs;
        final long endNs = warmEndNs + measureNs;
        for (final Worker worker : workers)
        {
            worker.warmEndNs = warmEndNs;
            worker.endNs = endNs;
        }
        start.countDown();
        joinAll(running);
        final PoolStats after = pool.stats();

        long ops = 0;
        long reads = 0;
        long writes = 0;
        long verified = 0;
        long mismatches = 0;
        for (final Worker worker : workers)
        {
            if (worker.failure != null)
            {
                throw new IllegalStateException("mix thread " + worker.thread + " of " + threads + " failed: " +
                    worker.failure, worker.failure);
            }
            ops += worker.ops - worker.opsAtWarmEnd;
            reads += worker.reads;
            writes += worker.writes;
            verified += worker.verified;
            mismatches += worker.mismatches;
        }
        final double opsPerSecond = ops / (measureNs / 1e9);
        log.printf("remote: mix with %d thread(s): %.0f ops/s, %d reads (%d wrong), %d overwrites%n",
            threads, opsPerSecond, reads, mismatches, writes);
        return new Result(threads, opsPerSecond, ops, reads, writes, verified, mismatches,
            FarCounters.between(before, after));
    }

    /**
     * Frees every block. Idempotent.
     */
    public void close()
    {
        CloseHelper.closeAll(blocks);
    }

    private static void joinAll(final List<Thread> threads)
    {
        try
        {
            for (final Thread thread : threads)
            {
                thread.join();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the mix threads", ex);
        }
    }

    /**
     * One application thread: owns the keys {@code k mod threads == thread}, its buffers and its counts.
     */
    private final class Worker implements Runnable
    {
        private final int thread;
        private final int threads;
        private final CountDownLatch start;
        private final SplittableRandom random;
        private final byte[] value = new byte[pattern.blockBytes()];
        private final byte[] found = new byte[pattern.blockBytes()];
        private long warmEndNs;
        private long endNs;
        private long ops;
        private long opsAtWarmEnd;
        private long reads;
        private long writes;
        private long verified;
        private long mismatches;
        private Throwable failure;

        Worker(final int thread, final int threads, final CountDownLatch start, final long seed)
        {
            this.thread = thread;
            this.threads = threads;
            this.start = start;
            this.random = new SplittableRandom(seed);
        }

        public void run()
        {
            try
            {
                if (!start.await(1, TimeUnit.MINUTES))
                {
                    throw new IllegalStateException("the mix did not start within a minute");
                }
                final int owned = (blocks.length - thread + threads - 1) / threads;
                boolean warm = false;
                while (true)
                {
                    final long nowNs = System.nanoTime();
                    if (nowNs - endNs >= 0)
                    {
                        break;
                    }
                    if (!warm && nowNs - warmEndNs >= 0)
                    {
                        warm = true;
                        opsAtWarmEnd = ops;
                    }
                    final int key = thread + threads * random.nextInt(owned);
                    if (random.nextDouble() < readFraction)
                    {
                        blocks[key].read(0, found);
                        reads++;
                        if (pattern.matchesStamped(key, versions[key], found))
                        {
                            verified++;
                        }
                        else
                        {
                            mismatches++;
                        }
                    }
                    else
                    {
                        final long version = versions[key] + 1;
                        pattern.fill(key, version, value);
                        blocks[key].write(0, value);
                        versions[key] = version;
                        writes++;
                    }
                    ops++;
                }
                if (!warm)
                {
                    opsAtWarmEnd = ops;
                }
            }
            catch (final Throwable ex)
            {
                failure = ex;
            }
        }
    }
}
