/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.remote;

import io.tierpool.bench.report.Samples;
import io.tierpool.client.Block;
import io.tierpool.client.PoolStats;
import io.tierpool.client.TierPool;
import io.tierpool.client.Hint;
import io.tierpool.client.TierKind;
import org.agrona.CloseHelper;

import java.io.PrintStream;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Large blocks through far memory: {@code blocks} blocks of {@code blockBytes} written into a pool whose local
 * tiers hold a few of them, so that all but those spill to the node daemons while the writes go on; then every
 * block read back once in a random order (each read of a far block a fetch), every byte checked against
 * {@link BlockPattern}; then every block read back once more in the order written, where the prefetcher sees a
 * sequential run and fetches ahead (issue 12: a sequential read with the prefetcher on is never slower than a
 * random one); then all freed (untimed), and the next round waits until the node daemons confirmed the frees.
 * <p>
 * Rounds: one untimed round first, then {@code rounds} timed ones, whose median is reported, as the raw stream
 * it is compared with is measured (one untimed burst, then timed ones). The first round runs through response
 * and request publications whose term buffers are touched for the first time (page faults) and through code the
 * node daemons' JIT has not compiled yet; its figures are kept apart ({@link Result#coldWriteMibPerSecond()},
 * {@link Result#coldReadMibPerSecond()}) so that what a freshly started application sees is reported too.
 * <p>
 * Timed: the allocate-and-write calls, and the read calls (not the checks). Bytes on the wire are the copies put
 * and fetched ({@link FarCounters}) times the block size. Runs on the caller's thread.
 */
public final class SpillRun
{
    private static final double MIB = 1024.0 * 1024.0;
    private static final long FREES_WAIT_NS = TimeUnit.SECONDS.toNanos(10);

    /**
     * One replica setting's figures: medians over the timed rounds where it says so.
     *
     * @param replicas            copies kept of each far block.
     * @param blocks              blocks written and read per round.
     * @param blockBytes          bytes per block.
     * @param rounds              timed rounds (after one untimed round).
     * @param writeMibPerSecond   block bytes written per second of the writes, MiB/s, median of the timed rounds.
     * @param writeSentMibPerSecond bytes put to node daemons (all copies) per second of the writes, MiB/s, median.
     * @param readMibPerSecond    block bytes read per second of the reads in random order, MiB/s, median.
     * @param sequentialReadMibPerSecond block bytes read per second of the second pass, in the order written, MiB/s,
     *                            median.
     * @param readWireMibPerSecond bytes fetched and put (evictions the reads caused) per second of the reads, MiB/s,
     *                            median.
     * @param coldWriteMibPerSecond the untimed first round's writes, MiB/s.
     * @param coldReadMibPerSecond  the untimed first round's random reads, MiB/s.
     * @param farAfterWrite       blocks in far memory once the last round's writes returned.
     * @param write               far-memory traffic of the last round's writes.
     * @param read                far-memory traffic of the last round's random reads.
     * @param verified            blocks read back whole and correct in the random passes of every round, the
     *                            untimed one included.
     * @param mismatches          blocks read back with a wrong byte in any pass of any round (must be 0).
     */
    public record Result(
        int replicas,
        int blocks,
        int blockBytes,
        int rounds,
        double writeMibPerSecond,
        double writeSentMibPerSecond,
        double readMibPerSecond,
        double sequentialReadMibPerSecond,
        double readWireMibPerSecond,
        double coldWriteMibPerSecond,
        double coldReadMibPerSecond,
        long farAfterWrite,
        FarCounters write,
        FarCounters read,
        long verified,
        long mismatches)
    {
        /**
         * @return blocks a fully verified run reads back in its random passes: {@code blocks x (rounds + 1)}.
         */
        public long expectedVerified()
        {
            return (long)blocks * (rounds + 1);
        }
    }

    /**
     * One round's figures.
     */
    private record Round(
        double write, double writeSent, double read, double sequential, double readWire, long farAfterWrite,
        FarCounters write0, FarCounters read0, long verified, long mismatches)
    {
    }

    private SpillRun()
    {
    }

    /**
     * @param pool       an open pool joined to the node daemons, holding no far blocks yet.
     * @param replicas   the pool's replica setting (for the report).
     * @param blocks     blocks to write per round, at least 1 and at most {@code blockBytes}.
     * @param blockBytes bytes per block.
     * @param rounds     timed rounds, at least 1, after one untimed round.
     * @param seed       seed of the contents and of the read order.
     * @param log        progress lines.
     * @return the figures.
     */
    public static Result run(
        final TierPool pool, final int replicas, final int blocks, final int blockBytes, final int rounds,
        final long seed, final PrintStream log)
    {
        if (rounds < 1)
        {
            throw new IllegalArgumentException("spill rounds must be at least 1, not " + rounds);
        }
        final BlockPattern pattern = new BlockPattern(blockBytes, seed);
        final Round cold = round(pool, replicas, blocks, blockBytes, pattern, seed, "untimed round", log);
        final Round[] timed = new Round[rounds];
        for (int r = 0; r < rounds; r++)
        {
            timed[r] = round(pool, replicas, blocks, blockBytes, pattern, seed + r + 1, "round " + (r + 1), log);
        }
        final Round last = timed[rounds - 1];
        long verified = cold.verified();
        long mismatches = cold.mismatches();
        final double[] write = new double[rounds];
        final double[] sent = new double[rounds];
        final double[] read = new double[rounds];
        final double[] sequential = new double[rounds];
        final double[] wire = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            write[r] = timed[r].write();
            sent[r] = timed[r].writeSent();
            read[r] = timed[r].read();
            sequential[r] = timed[r].sequential();
            wire[r] = timed[r].readWire();
            verified += timed[r].verified();
            mismatches += timed[r].mismatches();
        }
        return new Result(replicas, blocks, blockBytes, rounds, Samples.of(write).median(),
            Samples.of(sent).median(), Samples.of(read).median(), Samples.of(sequential).median(),
            Samples.of(wire).median(), cold.write(), cold.read(), last.farAfterWrite(), last.write0(), last.read0(),
            verified, mismatches);
    }

    private static Round round(
        final TierPool pool, final int replicas, final int blocks, final int blockBytes, final BlockPattern pattern,
        final long orderSeed, final String name, final PrintStream log)
    {
        final byte[] source = pattern.source();
        final Block[] written = new Block[blocks];
        try
        {
            final PoolStats beforeWrite = pool.stats();
            final long writeStartNs = System.nanoTime();
            for (int i = 0; i < blocks; i++)
            {
                written[i] = pool.allocate(blockBytes, Hint.WARM);
                written[i].write(0, source, pattern.shift(i, 0), blockBytes);
            }
            final long writeNs = System.nanoTime() - writeStartNs;
            final PoolStats afterWrite = pool.stats();
            long far = 0;
            for (final Block block : written)
            {
                far += block.tier() == TierKind.REMOTE ? 1 : 0;
            }
            log.printf("remote: replicas %d, %s: wrote %d x %d bytes in %.2f s, %d in far memory%n",
                replicas, name, blocks, blockBytes, writeNs / 1e9, far);

            final int[] order = permutation(blocks, orderSeed);
            final byte[] found = new byte[blockBytes];
            long readNs = 0;
            long verified = 0;
            long mismatches = 0;
            for (final int i : order)
            {
                final long startNs = System.nanoTime();
                written[i].read(0, found);
                readNs += System.nanoTime() - startNs;
                if (pattern.matches(i, 0, found))
                {
                    verified++;
                }
                else
                {
                    mismatches++;
                }
            }
            final PoolStats afterRead = pool.stats();
            log.printf("remote: replicas %d, %s: read %d blocks back in random order in %.2f s, %d wrong%n",
                replicas, name, blocks, readNs / 1e9, mismatches);

            long sequentialNs = 0;
            long sequentialMismatches = 0;
            for (int i = 0; i < blocks; i++)
            {
                final long startNs = System.nanoTime();
                written[i].read(0, found);
                sequentialNs += System.nanoTime() - startNs;
                if (!pattern.matches(i, 0, found))
                {
                    sequentialMismatches++;
                }
            }
            log.printf("remote: replicas %d, %s: read %d blocks back in the order written in %.2f s, %d wrong%n",
                replicas, name, blocks, sequentialNs / 1e9, sequentialMismatches);
            mismatches += sequentialMismatches;

            final FarCounters write = FarCounters.between(beforeWrite, afterWrite);
            final FarCounters read = FarCounters.between(afterWrite, afterRead);
            final double mib = (double)blocks * blockBytes / MIB;
            return new Round(
                mib / (writeNs / 1e9),
                write.copiesPut() * (double)blockBytes / MIB / (writeNs / 1e9),
                mib / (readNs / 1e9),
                mib / (sequentialNs / 1e9),
                (read.copiesFetched() + read.copiesPut()) * (double)blockBytes / MIB / (readNs / 1e9),
                far, write, read, verified, mismatches);
        }
        finally
        {
            CloseHelper.closeAll(written);
            awaitFrees(pool, log);
        }
    }

    /**
     * Waits until the node daemons confirmed a free of every copy the pool put, so that the next round finds
     * their memory as the first did (frees complete asynchronously). Gives up quietly after 10 s: a round on
     * nodes that still hold copies is only slower, never wrong.
     */
    private static void awaitFrees(final TierPool pool, final PrintStream log)
    {
        final long deadlineNs = System.nanoTime() + FREES_WAIT_NS;
        PoolStats stats = pool.stats();
        while (stats.remoteCopyFrees() < stats.remoteCopyPuts() && System.nanoTime() < deadlineNs)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            stats = pool.stats();
        }
        if (stats.remoteCopyFrees() < stats.remoteCopyPuts())
        {
            log.printf("remote: %d of %d copies not confirmed freed after 10 s; going on%n",
                stats.remoteCopyPuts() - stats.remoteCopyFrees(), stats.remoteCopyPuts());
        }
    }

    /**
     * @param n    how many.
     * @param seed seed of the shuffle.
     * @return {@code 0 .. n-1} shuffled (Fisher-Yates).
     */
    static int[] permutation(final int n, final long seed)
    {
        final int[] permutation = new int[n];
        for (int i = 0; i < n; i++)
        {
            permutation[i] = i;
        }
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int swap = permutation[i];
            permutation[i] = permutation[j];
            permutation[j] = swap;
        }
        return permutation;
    }
}
