/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.node.NodeProcess;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job ({@link FaultJob}: allocate, overwrite or free a random block of 16-64 KiB, then read a random live block
 * back and compare it) keeps writing and verifying blocks in far memory while one of three node daemons (separate
 * JVMs) is killed with SIGKILL in its middle; with two replicas the job finishes with every block verified and none
 * lost.
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
    private final ExecutorService jobThread = FaultJob.newJobThread("mid-job-kill-job");
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
        final TierPool pool = own(TierPool.open(cluster.clientContext()
            .ramCapacityBytes(256 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0)));
        assertEquals(2, pool.stats().replicas(), "default: 2 replicas with three nodes");

        final FaultJob job = new FaultJob(pool, 0x7E57_0007L, ROUNDS, MIN_BLOCK, MAX_BLOCK, MAX_LIVE_BLOCKS);
        final long startNs = System.nanoTime();
        final Future<?> running = jobThread.submit(job);

        job.awaitRound(running, KILL_AT_ROUND, 120, TimeUnit.SECONDS);
        assertFalse(running.isDone(), "the job is still running when the node is killed");
        final NodeProcess victim = cluster.node(1);
        final String victimName = victim.readyInfo().get(NodeProcess.READY_KEY_NAME);
        final PoolStats beforeKill = pool.stats();
        final long copiesOnVictim = FaultJob.copiesOn(beforeKill, victimName);
        final int killedAtRound = job.roundsDone();
        final long killedAtNs = System.nanoTime();
        victim.kill();
        assertTrue(copiesOnVictim > 0, "the killed node held copies: " + beforeKill.toJson());

        running.get(240, TimeUnit.SECONDS);
        final long jobDoneNs = System.nanoTime();

        final long leaveDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (pool.liveNodes().size() > 2 && System.nanoTime() < leaveDeadlineNs)
        {
            Thread.sleep(50);
        }
        final long reportedGoneNs = System.nanoTime();
        FaultJob.awaitFullyReplicated(pool);
        final int finalVerified = job.verifyAll();
        final PoolStats end = pool.stats();

        System.out.printf("MidJobNodeKillTest figures: nodes=3 replicas=2 rounds=%d operations=%d allocations=%d " +
            "overwrites=%d frees=%d reads=%d blocksVerified=%d (reads during the job %d + final pass over the %d live) " +
            "killedNode=%s killedAtRound=%d copiesOnKilledNode=%d failovers=%d reReplicated=%d " +
            "underReplicatedAtEnd=%d lost=%d checksumRetries=%d checksumFailures=%d jobMs=%d " +
            "jobMsAfterKill=%d slowestRoundMs=%d killReportedAfterMs=%d%n",
            ROUNDS, job.operations(), job.allocations(), job.overwrites(), job.frees(), job.reads(),
            job.verified(), job.reads(), finalVerified, victimName, killedAtRound,
            copiesOnVictim, end.remoteFailovers(), end.reReplicatedBlocks(), end.underReplicatedBlocks(),
            end.lostBlocks(), end.checksumRetries(), end.checksumFailures(),
            TimeUnit.NANOSECONDS.toMillis(jobDoneNs - startNs), TimeUnit.NANOSECONDS.toMillis(jobDoneNs - killedAtNs),
            TimeUnit.NANOSECONDS.toMillis(job.slowestRoundNs()),
            TimeUnit.NANOSECONDS.toMillis(reportedGoneNs - killedAtNs));

        assertEquals(2, pool.liveNodes().size(), "the cluster client reports the killed node gone");
        assertEquals(0, end.lostBlocks(), end.toJson());
        assertEquals(0, end.checksumFailures(), end.toJson());
        assertEquals(0, end.underReplicatedBlocks(), "two copies of every remote block again: " + end.toJson());
        assertTrue(end.reReplicatedBlocks() > 0, "blocks that lost a copy were re-replicated: " + end.toJson());
        assertEquals(job.size(), finalVerified);
        assertEquals(job.reads() + finalVerified, job.verified(), "every read compared");
        assertTrue(job.reads() >= ROUNDS / 2, "the job read back blocks throughout: " + job.reads());
    }

    private <T extends AutoCloseable> T own(final T closeable)
    {
        closeables.add(closeable);
        return closeable;
    }
}
