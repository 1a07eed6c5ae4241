/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.remote;

import io.tierpool.client.Block;
import io.tierpool.client.PoolStats;
import io.tierpool.client.TierPool;
import io.tierpool.client.Hint;
import io.tierpool.client.TierKind;
import org.agrona.CloseHelper;

import java.io.PrintStream;
import java.util.SplittableRandom;

/**
 * Large blocks through far memory: {@code blocks} blocks of {@code blockBytes} written into a pool whose local
 * tiers hold a few of them, so that all but those spill to the node daemons while the writes go on; then every
 * block read back once in a random order (each read of a far block a fetch), every byte checked against
 * {@link BlockPattern}; then every block read back once more in the order written, where the prefetcher sees a
 * sequential run and fetches ahead (issue 12: a sequential read with the prefetcher on is never slower than a
 * random one); then all freed (untimed).
 * <p>
 * Timed: the allocate-and-write calls, and the read calls (not the checks). Bytes on the wire are the copies put
 * and fetched ({@link FarCounters}) times the block size. Runs on the caller's thread.
 */
public final class SpillRun
{
    private static final double MIB = 1024.0 * 1024.0;

    /**
     * One replica setting's figures.
     *
     * @param replicas            copies kept of each far block.
     * @param blocks              blocks written and read.
     * @param blockBytes          bytes per block.
     * @param writeMibPerSecond   block bytes written per second of the writes, MiB/s.
     * @param writeSentMibPerSecond bytes put to node daemons (all copies) per second of the writes, MiB/s.
     * @param readMibPerSecond    block bytes read per second of the reads in random order, MiB/s.
     * @param sequentialReadMibPerSecond block bytes read per second of the second pass, in the order written, MiB/s.
     * @param readWireMibPerSecond bytes fetched and put (evictions the reads caused) per second of the reads, MiB/s.
     * @param farAfterWrite       blocks in far memory once the writes returned.
     * @param write               far-memory traffic of the writes.
     * @param read                far-memory traffic of the reads.
     * @param verified            blocks read back whole and correct.
     * @param mismatches          blocks read back with a wrong byte (must be 0).
     */
    public record Result(
        int replicas,
        int blocks,
        int blockBytes,
        double writeMibPerSecond,
        double writeSentMibPerSecond,
        double readMibPerSecond,
        double sequentialReadMibPerSecond,
        double readWireMibPerSecond,
        long farAfterWrite,
        FarCounters write,
        FarCounters read,
        long verified,
        long mismatches)
    {
    }

    private SpillRun()
    {
    }

    /**
     * @param pool       an open pool joined to the node daemons.
     * @param replicas   the pool's replica setting (for the report).
     * @param blocks     blocks to write, at least 1 and at most {@code blockBytes}.
     * @param blockBytes bytes per block.
     * @param seed       seed of the contents and of the read order.
     * @param log        progress lines.
     * @return the figures.
     */
    public static Result run(
        final TierPool pool, final int replicas, final int blocks, final int blockBytes, final long seed,
        final PrintStream log)
    {
        final BlockPattern pattern = new BlockPattern(blockBytes, seed);
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
            log.printf("remote: replicas %d: wrote %d x %d bytes in %.2f s, %d in far memory%n",
                replicas, blocks, blockBytes, writeNs / 1e9, far);

            final int[] order = permutation(blocks, seed);
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
            log.printf("remote: replicas %d: read %d blocks back in random order in %.2f s, %d wrong%n",
                replicas, blocks, readNs / 1e9, mismatches);

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
            log.printf("remote: replicas %d: read %d blocks back in the order written in %.2f s, %d wrong%n",
                replicas, blocks, sequentialNs / 1e9, sequentialMismatches);
            mismatches += sequentialMismatches;

            final FarCounters write = FarCounters.between(beforeWrite, afterWrite);
            final FarCounters read = FarCounters.between(afterWrite, afterRead);
            final double mib = (double)blocks * blockBytes / MIB;
            return new Result(replicas, blocks, blockBytes,
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
