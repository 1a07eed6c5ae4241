/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.remote;

import io.tierpool.bench.report.Samples;
import io.tierpool.transport.BlockClient;
import io.tierpool.transport.TransportDriver;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * TierPool's transport alone, without the engine: a {@link BlockClient} of its own (its own embedded driver, as a
 * pool has) puts {@code blocks} large blocks over the run's node daemons, block {@code i} on node
 * {@code i mod nodes} (spread as a pool's far blocks are, so that each node idles between its requests as it does
 * under a pool), and then gets them back one at a time in random order, each get sent only once the previous one
 * was answered, as a random read of far memory fetches. Set beside the raw one-at-a-time
 * reference and the pool's random read, it splits the gap between raw Aeron and a far read into what the
 * transport and the node daemon cost and what the engine above them costs (room in RAM, bookkeeping, the copy
 * out to the caller).
 * <p>
 * Every byte got back is compared with what was put; the blocks are freed afterwards. The client holds a lease on
 * each node for the duration (a membership request first). Runs on the caller's thread; owns its driver and client
 * and closes them.
 */
public final class TransportReference
{
    private static final double MIB = 1024.0 * 1024.0;
    private static final long LEASE_MS = TimeUnit.SECONDS.toMillis(30);
    /** The client id of the reference's client: apart from any pool's (pools pick random positive ids). */
    private static final long CLIENT_ID = -7_701L;

    private TransportReference()
    {
    }

    /**
     * The figures of one reference run.
     *
     * @param blockBytes           bytes per block.
     * @param blocks               blocks put and got per round.
     * @param putMibPerSecond      MiB/s of each round's puts, one at a time.
     * @param getMibPerSecond      MiB/s of each round's gets, one at a time, in random order.
     * @param verified             blocks got back and compared.
     * @param mismatches           blocks got back with a wrong byte (must be 0).
     */
    public record Result(
        int blockBytes, int blocks, Samples putMibPerSecond, Samples getMibPerSecond, long verified,
        long mismatches)
    {
    }

    /**
     * Runs the reference.
     *
     * @param ports      the run's port plan: the nodes' data endpoints, {@link RemotePorts#transportReferenceEndpoint()}.
     * @param tmpfsDir   the run's tmpfs directory (the driver's directory goes under it).
     * @param blockBytes bytes per block, 1 .. 16 MiB.
     * @param blocks     blocks per round, 1 or more.
     * @param rounds     timed rounds, 1 or more, after one untimed round; each puts, gets and frees every block.
     * @param seed       contents and order.
     * @param log        progress lines.
     * @return the figures.
     * @throws io.tierpool.transport.TransportException if the node does not answer.
     */
    public static Result run(
        final RemotePorts ports, final Path tmpfsDir, final int blockBytes, final int blocks, final int rounds,
        final long seed, final PrintStream log)
    {
        final List<String> nodes = ports.nodeEndpoints();
        final SplittableRandom random = new SplittableRandom(seed);
        final UnsafeBuffer[] sources = new UnsafeBuffer[blocks];
        for (int i = 0; i < blocks; i++)
        {
            final byte[] bytes = new byte[blockBytes];
            for (int b = 0; b < blockBytes; b += 8)
            {
                final long value = random.nextLong();
                for (int k = 0; k < 8 && b + k < blockBytes; k++)
                {
                    bytes[b + k] = (byte)(value >>> (8 * k));
                }
            }
            sources[i] = new UnsafeBuffer(ByteBuffer.allocateDirect(blockBytes));
            sources[i].putBytes(0, bytes);
        }
        final UnsafeBuffer dst = new UnsafeBuffer(ByteBuffer.allocateDirect(blockBytes));
        final byte[] got = new byte[blockBytes];
        final byte[] expected = new byte[blockBytes];
        final double[] puts = new double[rounds];
        final double[] gets = new double[rounds];
        long verified = 0;
        long mismatches = 0;

        TransportDriver driver = null;
        BlockClient client = null;
        try
        {
            driver = TransportDriver.launch(new TransportDriver.Context()
                .baseDir(RemoteCluster.directory(tmpfsDir, "transport-reference").toString()));
            client = BlockClient.connect(new BlockClient.Context()
                .aeron(driver.aeron())
                .clientId(CLIENT_ID)
                .responseEndpoint(ports.transportReferenceEndpoint()));
            for (final String node : nodes)
            {
                client.membership(node, LEASE_MS);
            }
            final int[] order = new int[blocks];
            for (int round = -1; round < rounds; round++)
            {
                // round -1 is untimed: it warms up the publications and the nodes' code as the raw stream's
                // untimed burst does
                final int generation = round + 2;
                long startNs = System.nanoTime();
                for (int i = 0; i < blocks; i++)
                {
                    client.put(nodes.get(i % nodes.size()), i + 1, generation, sources[i], 0, blockBytes);
                }
                final double putMibPerSecond = (double)blocks * blockBytes / MIB / ((System.nanoTime() - startNs) / 1e9);

                for (int i = 0; i < blocks; i++)
                {
                    order[i] = i;
                }
                for (int i = blocks - 1; i > 0; i--)
                {
                    final int j = random.nextInt(i + 1);
                    final int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                long timedNs = 0;
                for (int i = 0; i < blocks; i++)
                {
                    final int block = order[i];
                    startNs = System.nanoTime();
                    client.get(nodes.get(block % nodes.size()), block + 1, generation, dst, 0, blockBytes);
                    timedNs += System.nanoTime() - startNs;
                    dst.getBytes(0, got);
                    sources[block].getBytes(0, expected);
                    verified++;
                    if (!Arrays.equals(got, expected))
                    {
                        mismatches++;
                    }
                }
                if (round >= 0)
                {
                    puts[round] = putMibPerSecond;
                    gets[round] = (double)blocks * blockBytes / MIB / (timedNs / 1e9);
                }
                for (int i = 0; i < blocks; i++)
                {
                    client.free(nodes.get(i % nodes.size()), i + 1, generation);
                }
            }
            for (final String node : nodes)
            {
                client.leave(node);
            }
        }
        finally
        {
            CloseHelper.quietCloseAll(client, driver);
        }
        final Result result = new Result(blockBytes, blocks, Samples.of(puts), Samples.of(gets), verified,
            mismatches);
        log.printf("remote: transport alone (BlockClient to %d node(s), one at a time): put %s MiB/s, get %s " +
            "MiB/s, %d verified, %d wrong%n", nodes.size(), result.putMibPerSecond().format("%.0f"),
            result.getMibPerSecond().format("%.0f"), verified, mismatches);
        return result;
    }
}
