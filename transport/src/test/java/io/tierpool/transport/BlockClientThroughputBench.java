/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Opt-in measurement, not a test of speed: 1 MiB puts and gets through {@link BlockClient}'s asynchronous core with
 * 1 and 8 requests in flight, against a {@link BlockServer} on UDP loopback, one embedded driver per side with the
 * transport's tuned settings. Prints MiB/s; asserts only that the bytes read back are the bytes written. Run with
 * {@code mvn -o -q -B -pl transport test -Dtest=BlockClientThroughputBench -Dtierpool.bench=true}; the first pair of
 * rounds warms up. Ports
 * 52200-52209.
 */
class BlockClientThroughputBench
{
    private static final int MIB = 1024 * 1024;
    private static final int BLOCKS = 48;
    private static final int ROUNDS = 4;

    @Test
    @Timeout(300)
    @EnabledIfSystemProperty(named = "tierpool.bench", matches = "true")
    void measure1MiBPutAndGetWith1And8InFlight()
    {
        final TransportDriver nodeDriver = TransportDriver.launch(new TransportDriver.Context());
        final TransportDriver clientDriver = TransportDriver.launch(new TransportDriver.Context());
        final InMemoryBlockHandler handler = new InMemoryBlockHandler("bench", 1L << 32);
        BlockServer server = null;
        BlockClient client = null;
        try
        {
            server = BlockServer.launch(new BlockServer.Context()
                .aeron(nodeDriver.aeron())
                .endpoint("127.0.0.1:52200")
                .nodeName("bench")
                .handler(handler));
            client = BlockClient.connect(new BlockClient.Context()
                .aeron(clientDriver.aeron())
                .responseEndpoint("127.0.0.1:52201"));

            final UnsafeBuffer[] blocks = new UnsafeBuffer[BLOCKS];
            final UnsafeBuffer[] dsts = new UnsafeBuffer[BLOCKS];
            final Random random = new Random(1);
            for (int i = 0; i < BLOCKS; i++)
            {
                final byte[] bytes = new byte[MIB];
                random.nextBytes(bytes);
                blocks[i] = new UnsafeBuffer(ByteBuffer.allocateDirect(MIB));
                blocks[i].putBytes(0, bytes);
                dsts[i] = new UnsafeBuffer(ByteBuffer.allocateDirect(MIB));
            }

            for (final int inFlight : new int[]{ 1, 8, 1, 8, 1, 8 })
            {
                final long putNs = run(client, server.endpoint(), blocks, dsts, inFlight, true);
                final long getNs = run(client, server.endpoint(), blocks, dsts, inFlight, false);
                final double mib = (double)BLOCKS * ROUNDS;
                System.out.printf("BlockClient 1 MiB, %d in flight: put %.0f MiB/s, get %.0f MiB/s%n",
                    inFlight, mib / (putNs / 1e9), mib / (getNs / 1e9));
                for (int i = 0; i < BLOCKS; i++)
                {
                    final byte[] expected = new byte[MIB];
                    final byte[] actual = new byte[MIB];
                    blocks[i].getBytes(0, expected);
                    dsts[i].getBytes(0, actual);
                    assertArrayEquals(expected, actual, "block " + i);
                }
            }
        }
        finally
        {
            CloseHelper.closeAll(client, server, clientDriver, nodeDriver);
        }
    }

    private static long run(
        final BlockClient client,
        final String endpoint,
        final UnsafeBuffer[] blocks,
        final UnsafeBuffer[] dsts,
        final int inFlight,
        final boolean put)
    {
        final ArrayDeque<BlockRequest> outstanding = new ArrayDeque<>(inFlight);
        final long startNs = System.nanoTime();
        for (int round = 0; round < ROUNDS; round++)
        {
            for (int i = 0; i < blocks.length; i++)
            {
                if (outstanding.size() == inFlight)
                {
                    outstanding.poll().await();
                }
                outstanding.add(put ?
                    client.sendPut(endpoint, i, 0, blocks[i], 0, MIB) :
                    client.sendGet(endpoint, i, 0, dsts[i], 0, MIB));
            }
        }
        while (!outstanding.isEmpty())
        {
            outstanding.poll().await();
        }
        return System.nanoTime() - startNs;
    }
}
