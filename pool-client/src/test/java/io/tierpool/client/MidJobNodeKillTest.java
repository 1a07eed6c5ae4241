/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.node.Hint;
import io.tierpool.node.NodeProcess;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job keeps writing and verifying blocks in far memory while one of three node daemons (separate JVMs) is killed
 * with SIGKILL in its middle; with two replicas the job finishes with every block verified and none lost.
 * <p>
 * Ports: Aeron 40720-40739, Ignite discovery and communication 48600-48699.
 */
class MidJobNodeKillTest
{
    private static final int ROUNDS = 400;
    private static final int KILL_AT_ROUND = ROUNDS / 3;
    private static final int MIN_BLOCK = 16 * 1024;
    private static final int MAX_BLOCK = 64 * 1024;
    private static final int MAX_LIVE_BLOCKS = 60;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ExecutorService jobThread = Executors.newSingleThreadExecutor((r) ->
    {
        final Thread thread = new Thread(r, "mid-job-kill-job");
        thread.setDaemon(true);
        return thread;
    });
    private Path clusterDir;

    @AfterEach
    void closeEverything() throws InterruptedException
    {
        jobThread.shutdownNow();
        assertTrue(jobThread.awaitTermination(60, TimeUnit.SECONDS), "job thread ended");
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
        closeables.clear();
        if (null != clusterDir)
        {
            assertFalse(Files.exists(clusterDir), "cluster directory removed: " + clusterDir);
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void shouldFinishAJobWithEveryBlockVerifiedWhenANodeIsKilledInItsMiddleWithTwoReplicas() throws Exception
    {
        final NodeCluster cluster = own(new NodeCluster(3, 40720, 48600, "16m", "0", "0"));
        clusterDir = cluster.workDir();
        final TierPool pool = own(TierPool.open(cluster.clientContext(0)
            .ramCapacityBytes(256 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0)));
        assertEquals(2, pool.stats().replicas(), "default: 2 replicas with three nodes");

        final AtomicInteger round = new AtomicInteger();
        final Job job = new Job(pool, new SplittableRandom(0x7E57_0007L), round);
        final long startNs = System.nanoTime();
        final Future<?> running = jobThread.submit(job);

        final long waitUntilNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (round.get() < KILL_AT_ROUND && !running.isDone() && System.nanoTime() < waitUntilNs)
        {
            Thread.sleep(1);
        }
        assertFalse(running.isDone(), "the job is still running when the node is killed");
        final NodeProcess victim = cluster.node(1);
        final String victimName = victim.readyInfo().get(NodeProcess.READY_KEY_NAME);
        final PoolStats beforeKill = pool.stats();
        final long copiesOnVictim = beforeKill.remoteNodes().stream()
            .filter((n) -> n.nodeName().equals(victimName)).mapToLong(RemoteNodeStats::blocks).sum();
        final int killedAtRound = round.get();
        final long killedAtNs = System.nanoTime();
        victim.kill();
        assertTrue(copiesOnVictim > 0, "the killed node held copies: " + beforeKill.toJson());

        running.get(240, TimeUnit.SECONDS);
        final long jobDoneNs = System.nanoTime();

        final long repairDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (pool.stats().underReplicatedBlocks() > 0 && System.nanoTime() < repairDeadlineNs)
        {
            Thread.sleep(20);
        }
        final int finalVerified = job.verifyAll();
        final PoolStats end = pool.stats();

        System.out.printf("MidJobNodeKillTest figures: nodes=3 replicas=2 rounds=%d operations=%d allocations=%d " +
            "overwrites=%d frees=%d reads=%d blocksVerified=%d (reads during the job %d + final pass over the %d live) " +
            "killedNode=%s killedAtRound=%d copiesOnKilledNode=%d failovers=%d reReplicated=%d " +
            "underReplicatedAtEnd=%d lost=%d checksumRetries=%d checksumFailures=%d jobMs=%d " +
            "jobMsAfterKill=%d slowestRoundMs=%d%n",
            ROUNDS, job.operations, job.allocations, job.overwrites, job.frees, job.reads,
            job.verified, job.reads, finalVerified, victimName, killedAtRound,
            copiesOnVictim, end.remoteFailovers(), end.reReplicatedBlocks(), end.underReplicatedBlocks(),
            end.lostBlocks(), end.checksumRetries(), end.checksumFailures(),
            TimeUnit.NANOSECONDS.toMillis(jobDoneNs - startNs), TimeUnit.NANOSECONDS.toMillis(jobDoneNs - killedAtNs),
            TimeUnit.NANOSECONDS.toMillis(job.slowestRoundNs));

        assertEquals(2, pool.liveNodes().size(), "discovery reports the killed node");
        assertEquals(0, end.lostBlocks(), end.toJson());
        assertEquals(0, end.checksumFailures(), end.toJson());
        assertEquals(0, end.underReplicatedBlocks(), "two copies of every remote block again: " + end.toJson());
        assertTrue(end.reReplicatedBlocks() > 0, "blocks that lost a copy were re-replicated: " + end.toJson());
        assertEquals(job.size(), finalVerified);
        assertEquals(job.reads + finalVerified, job.verified, "every read compared");
        assertTrue(job.reads >= ROUNDS / 2, "the job read back blocks throughout: " + job.reads);
    }

    private <T extends AutoCloseable> T own(final T closeable)
    {
        closeables.add(closeable);
        return closeable;
    }

    /**
     * Each round allocates, overwrites or frees a random block (16-64 KiB, random bytes from the seeded generator),
     * then reads a random live block back and compares it with what was last written. Runs on its own thread.
     */
    private static final class Job implements Runnable
    {
        private final TierPool pool;
        private final SplittableRandom random;
        private final AtomicInteger round;
        private final List<Block> blocks = new ArrayList<>();
        private final List<byte[]> contents = new ArrayList<>();
        long operations;
        long allocations;
        long overwrites;
        long frees;
        long reads;
        long verified;
        long slowestRoundNs;

        Job(final TierPool pool, final SplittableRandom random, final AtomicInteger round)
        {
            this.pool = pool;
            this.random = random;
            this.round = round;
        }

        public void run()
        {
            for (int i = 0; i < ROUNDS; i++)
            {
                final long roundStartNs = System.nanoTime();
                final int action = random.nextInt(100);
                if (blocks.isEmpty() || (action < 40 && blocks.size() < MAX_LIVE_BLOCKS))
                {
                    final byte[] data = pattern(MIN_BLOCK + random.nextInt(MAX_BLOCK - MIN_BLOCK + 1));
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

                final int index = random.nextInt(blocks.size());
                verify(index);
                reads++;
                operations++;
                slowestRoundNs = Math.max(slowestRoundNs, System.nanoTime() - roundStartNs);
                round.incrementAndGet();
            }
        }

        int size()
        {
            return blocks.size();
        }

        int verifyAll()
        {
            for (int i = 0; i < blocks.size(); i++)
            {
                verify(i);
            }
            return blocks.size();
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
}
