/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.remote;

import io.tierpool.bench.report.Latency;
import io.tierpool.client.Block;
import io.tierpool.client.PoolStats;
import io.tierpool.client.TierPool;
import io.tierpool.client.Hint;
import io.tierpool.client.TierKind;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;

import java.io.PrintStream;
import java.util.SplittableRandom;

/**
 * The latency of small far reads where every timed read is a real fetch from a node daemon: before each, untimed,
 * a block picked at random is moved to the pool's REMOTE tier ({@link Block#moveTo(TierKind)}), so that the
 * timed {@link Block#read(long, byte[])} must bring it back. The pool's counters must then show exactly one
 * remote get per timed read, which {@link Result#everyReadFetched()} checks; every read's bytes are checked too.
 * Runs on the caller's thread.
 */
public final class FarReadLatency
{
    /**
     * The figures.
     *
     * @param blockBytes  bytes per block.
     * @param blocks      blocks the reads pick from.
     * @param latency     percentiles of the timed reads.
     * @param reads       timed reads.
     * @param notFar      timed reads whose block was not in REMOTE after the move (must be 0).
     * @param far         far-memory traffic of the timed reads and the untimed moves between them.
     * @param verified    reads (warm-up included) whose bytes were right.
     * @param mismatches  reads with a wrong byte (must be 0).
     */
    public record Result(
        int blockBytes, int blocks, Latency latency, long reads, long notFar, FarCounters far, long verified,
        long mismatches)
    {
        /**
         * @return true when every timed read found its block in far memory and the pool fetched exactly one block
         * per timed read.
         */
        public boolean everyReadFetched()
        {
            return notFar == 0 && far.remoteGets() == reads;
        }
    }

    private FarReadLatency()
    {
    }

    /**
     * @param pool       an open pool joined to the node daemons.
     * @param blockBytes bytes per block, 1 or more.
     * @param blocks     blocks to pick from, 1 to {@code blockBytes}.
     * @param warmup     untimed reads first (each also moved to far memory first).
     * @param reads      timed reads, at least 1.
     * @param seed       seed of the contents and of the picks.
     * @param log        progress lines.
     * @return the figures.
     */
    public static Result run(
        final TierPool pool, final int blockBytes, final int blocks, final int warmup, final int reads,
        final long seed, final PrintStream log)
    {
        final BlockPattern pattern = new BlockPattern(blockBytes, seed);
        final Block[] written = new Block[blocks];
        try
        {
            for (int i = 0; i < blocks; i++)
            {
                written[i] = pool.allocate(blockBytes, Hint.WARM);
                written[i].write(0, pattern.source(), pattern.shift(i, 0), blockBytes);
            }
            final SplittableRandom random = new SplittableRandom(seed);
            final byte[] found = new byte[blockBytes];
            final Histogram histogram = Latency.histogram();
            long notFar = 0;
            long verified = 0;
            long mismatches = 0;
            PoolStats before = null;
            for (int i = -warmup; i < reads; i++)
            {
                if (i == 0)
                {
                    before = pool.stats();
                }
                final int key = random.nextInt(blocks);
                final Block block = written[key];
                block.moveTo(TierKind.REMOTE);
                if (i >= 0 && block.tier() != TierKind.REMOTE)
                {
                    notFar++;
                }
                final long startNs = System.nanoTime();
                block.read(0, found);
                final long elapsedNs = System.nanoTime() - startNs;
                if (i >= 0)
                {
                    histogram.recordValue(Latency.clamp(elapsedNs));
                }
                if (pattern.matches(key, 0, found))
                {
                    verified++;
                }
                else
                {
                    mismatches++;
                }
            }
            final FarCounters far = FarCounters.between(before, pool.stats());
            final Latency latency = Latency.of(histogram);
            log.printf("remote: %d far reads of %d bytes: p50 %.0f us, p99 %.0f us; %d remote gets%n",
                reads, blockBytes, latency.p50Us(), latency.p99Us(), far.remoteGets());
            return new Result(blockBytes, blocks, latency, reads, notFar, far, verified, mismatches);
        }
        finally
        {
            CloseHelper.closeAll(written);
        }
    }
}
