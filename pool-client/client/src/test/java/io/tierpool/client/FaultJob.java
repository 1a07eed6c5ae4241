/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.client.Hint;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The job that the fault tests ({@code MidJobNodeKillTest}, {@code NetworkFaultTest}) run against a pool while
 * node daemons are killed or cut off: each round allocates (while fewer than the maximum live blocks), overwrites or
 * frees a random block of random bytes from the seeded generator, then reads a random live block back and compares
 * it byte for byte with what was last written. The same seed gives the same sequence of operations and contents.
 * <p>
 * Threading: {@link #run()} runs on one job thread ({@link #newJobThread(String)}); {@link #roundsDone()} may be
 * read from any thread meanwhile. The other accessors and {@link #verifyAll()} are for the test thread once
 * {@link #run()} has returned (seen through the job's {@link Future}). The job does not free its live blocks: they
 * go with the pool that owns them.
 */
final class FaultJob implements Runnable
{
    private static final long REPLICATION_WAIT_NS = TimeUnit.SECONDS.toNanos(60);

    private final TierPool pool;
    private final SplittableRandom random;
    private final int rounds;
    private final int minBlockBytes;
    private final int maxBlockBytes;
    private final int maxLiveBlocks;
    private final AtomicInteger roundsDone = new AtomicInteger();
    private final List<Block> blocks = new ArrayList<>();
    private final List<byte[]> contents = new ArrayList<>();
    private long operations;
    private long allocations;
    private long overwrites;
    private long frees;
    private long reads;
    private long verified;
    private long slowestRoundNs;

    /**
     * @param pool          the pool the blocks are allocated in, with {@link Hint#WARM}.
     * @param seed          seed of the generator that picks operations, sizes and contents.
     * @param rounds        rounds of {@link #run()}, each one write-side operation and one read.
     * @param minBlockBytes smallest block in bytes.
     * @param maxBlockBytes largest block in bytes, inclusive.
     * @param maxLiveBlocks live blocks at most; at that count a round overwrites or frees instead of allocating.
     */
    FaultJob(
        final TierPool pool,
        final long seed,
        final int rounds,
        final int minBlockBytes,
        final int maxBlockBytes,
        final int maxLiveBlocks)
    {
        this.pool = pool;
        this.random = new SplittableRandom(seed);
        this.rounds = rounds;
        this.minBlockBytes = minBlockBytes;
        this.maxBlockBytes = maxBlockBytes;
        this.maxLiveBlocks = maxLiveBlocks;
    }

    /**
     * A single daemon thread of the given name for the job, so that a hung pool call cannot keep the test JVM alive;
     * the caller shuts it down.
     *
     * @param name of the thread.
     * @return the executor.
     */
    static ExecutorService newJobThread(final String name)
    {
        return Executors.newSingleThreadExecutor((r) ->
        {
            final Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Polls the pool's statistics every 20 ms until no remote block is short of copies, or 60 s have passed; the
     * caller asserts what it expects of the result.
     *
     * @param pool to wait on.
     * @throws InterruptedException if interrupted while waiting.
     */
    static void awaitFullyReplicated(final TierPool pool) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + REPLICATION_WAIT_NS;
        while (pool.stats().underReplicatedBlocks() > 0 && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(20);
        }
    }

    /**
     * @param stats    the pool's statistics.
     * @param nodeName a node daemon's name.
     * @return the copies the pool holds on that node, 0 if it holds none there.
     */
    static long copiesOn(final PoolStats stats, final String nodeName)
    {
        return stats.remoteNodes().stream().filter((n) -> n.nodeName().equals(nodeName))
            .mapToLong(RemoteNodeStats::blocks).sum();
    }

    /**
     * Runs every round; an {@link AssertionError} (wrong data read back) or the pool's exception ends the job and
     * reaches the test through the job's {@link Future}.
     */
    public void run()
    {
        for (int i = 0; i < rounds; i++)
        {
            final long roundStartNs = System.nanoTime();
            final int action = random.nextInt(100);
            if (blocks.isEmpty() || (action < 40 && blocks.size() < maxLiveBlocks))
            {
                final byte[] data = pattern(minBlockBytes + random.nextInt(maxBlockBytes - minBlockBytes + 1));
                final Block block = pool.allocate(data.length, Hint.WARM);
                block.write(0, data);
                blocks.add(block);
                contents.add(data);
                allocations++;
            }
            else if (action < 85 || blocks.size() <= 8)
            {
                final int index = random.nextInt(blocks.size());
                final byte[] data = pattern(contents.get(index).length);
                blocks.get(index).write(0, data);
                contents.set(index, data);
                overwrites++;
            }
            else
            {
                final int index = random.nextInt(blocks.size());
                blocks.remove(index).free();
                contents.remove(index);
                frees++;
            }
            operations++;

            verify(random.nextInt(blocks.size()));
            reads++;
            operations++;
            slowestRoundNs = Math.max(slowestRoundNs, System.nanoTime() - roundStartNs);
            roundsDone.incrementAndGet();
        }
    }

    /**
     * Waits, polling every millisecond, until the job has done {@code round} rounds, has ended, or the timeout has
     * passed. A job that has ended by then is joined, so that what it threw fails the caller as it is.
     *
     * @param running the job's future.
     * @param round   rounds to wait for.
     * @param timeout how long to wait at most.
     * @param unit    of {@code timeout}.
     * @throws InterruptedException if interrupted while waiting.
     * @throws ExecutionException   if the job ended by throwing.
     */
    void awaitRound(final Future<?> running, final int round, final long timeout, final TimeUnit unit)
        throws InterruptedException, ExecutionException
    {
        final long waitUntilNs = System.nanoTime() + unit.toNanos(timeout);
        while (roundsDone.get() < round && !running.isDone() && System.nanoTime() < waitUntilNs)
        {
            Thread.sleep(1);
        }
        if (running.isDone())
        {
            running.get();
        }
    }

    /**
     * Reads every live block back once and compares it with what was last written; for the test thread after the
     * job has ended.
     *
     * @return the blocks verified: every live block.
     */
    int verifyAll()
    {
        for (int i = 0; i < blocks.size(); i++)
        {
            verify(i);
        }
        return blocks.size();
    }

    /**
     * @return rounds done so far; safe from any thread.
     */
    int roundsDone()
    {
        return roundsDone.get();
    }

    /**
     * @return live blocks.
     */
    int size()
    {
        return blocks.size();
    }

    /**
     * @return operations: allocations, overwrites, frees and reads.
     */
    long operations()
    {
        return operations;
    }

    /**
     * @return blocks allocated and written.
     */
    long allocations()
    {
        return allocations;
    }

    /**
     * @return live blocks written again with new contents.
     */
    long overwrites()
    {
        return overwrites;
    }

    /**
     * @return blocks freed.
     */
    long frees()
    {
        return frees;
    }

    /**
     * @return reads during the rounds, one a round.
     */
    long reads()
    {
        return reads;
    }

    /**
     * @return blocks read back and found equal to what was written: the rounds' reads and {@link #verifyAll()}'s.
     */
    long verified()
    {
        return verified;
    }

    /**
     * @return the longest round in nanoseconds.
     */
    long slowestRoundNs()
    {
        return slowestRoundNs;
    }

    private void verify(final int index)
    {
        final byte[] expected = contents.get(index);
        final byte[] actual = new byte[expected.length];
        blocks.get(index).read(0, actual);
        assertArrayEquals(expected, actual, "block " + blocks.get(index).id());
        verified++;
    }

    private byte[] pattern(final int length)
    {
        final byte[] data = new byte[length];
        new SplittableRandom(random.nextLong()).nextBytes(data);
        return data;
    }
}
