/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Opt-in measurement, not a test of speed: what data-path security costs inside one process, where node JVM
 * start-up, Ignite and the pool's engine do not blur it. Three block servers on UDP loopback (security off, on,
 * on with encryption), one embedded driver for the servers and one for the clients, a client for each; rounds
 * alternate the three so that the machine's load falls on all of them. Prints, per mode, the medians over rounds of
 * 1 MiB put and get MiB/s (8 in flight) and 4 KiB get round-trip p50/p99 (one at a time), with ratios and
 * differences against off; and the CPU cost of sealing plus opening one small message. Asserts only that bytes
 * read back are the bytes written. Run with
 * {@code mvn -o -q -B -pl transport -am test -Dtest=SecurityCostBench -Dtierpool.bench=true
 * -Dsurefire.failIfNoSpecifiedTests=false}. Ports 42170-42175.
 */
class SecurityCostBench
{
    private static final int MIB = 1024 * 1024;
    private static final int BLOCKS = 32;
    private static final int IN_FLIGHT = 8;
    private static final int ROUNDS = Integer.getInteger("tierpool.bench.rounds", 5);
    private static final int SMALL_READS = Integer.getInteger("tierpool.bench.smallReads", 20_000);
    private static final String[] MODES = { "off", "on", "on+encryption" };

    @Test
    @Timeout(900)
    @EnabledIfSystemProperty(named = "tierpool.bench", matches = "true")
    void measureSecurityOffOnAndEncryptedInOneRun()
    {
        final ClusterSecret secret = ClusterSecret.generate();
        final TransportDriver nodeDriver = TransportDriver.launch(new TransportDriver.Context());
        final TransportDriver clientDriver = TransportDriver.launch(new TransportDriver.Context());
        final List<AutoCloseable> closeables = new ArrayList<>();
        try
        {
            final BlockServer[] servers = new BlockServer[MODES.length];
            final BlockClient[] clients = new BlockClient[MODES.length];
            for (int m = 0; m < MODES.length; m++)
            {
                final TransportSecurity security = 0 == m ? null : new TransportSecurity(secret, 2 == m);
                servers[m] = BlockServer.launch(new BlockServer.Context()
                    .aeron(nodeDriver.aeron())
                    .endpoint("127.0.0.1:" + (42170 + m))
                    .nodeName("bench-" + MODES[m])
                    .handler(new InMemoryBlockHandler("bench-" + MODES[m], 1L << 32))
                    .security(security));
                closeables.add(servers[m]);
                clients[m] = BlockClient.connect(new BlockClient.Context()
                    .aeron(clientDriver.aeron())
                    .responseEndpoint("127.0.0.1:" + (42173 + m))
                    .security(security));
                closeables.add(clients[m]);
            }

            final byte[] block = new byte[MIB];
            new Random(1).nextBytes(block);
            final UnsafeBuffer src = new UnsafeBuffer(block);
            final UnsafeBuffer[] dsts = new UnsafeBuffer[IN_FLIGHT];
            for (int i = 0; i < IN_FLIGHT; i++)
            {
                dsts[i] = new UnsafeBuffer(ByteBuffer.allocateDirect(MIB));
            }
            final UnsafeBuffer small = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
            final double[][] put = new double[MODES.length][ROUNDS];
            final double[][] get = new double[MODES.length][ROUNDS];
            final double[][] p50 = new double[MODES.length][ROUNDS];
            final double[][] p99 = new double[MODES.length][ROUNDS];
            for (int m = 0; m < MODES.length; m++)
            {
                clients[m].put(servers[m].endpoint(), 1_000_000, src, 0, 4096);
            }

            for (int round = -1; round < ROUNDS; round++)
            {
                for (int m = 0; m < MODES.length; m++)
                {
                    final BlockClient client = clients[m];
                    final String node = servers[m].endpoint();
                    long startNs = System.nanoTime();
                    for (int b = 0; b < BLOCKS; b += IN_FLIGHT)
                    {
                        final List<BlockRequest> requests = new ArrayList<>();
                        for (int i = 0; i < IN_FLIGHT; i++)
                        {
                            requests.add(client.sendPut(node, b + i, 0, src, 0, MIB));
                        }
                        requests.forEach(BlockRequest::await);
                    }
                    final double putMibPerSecond = BLOCKS / ((System.nanoTime() - startNs) / 1e9);

                    startNs = System.nanoTime();
                    for (int b = 0; b < BLOCKS; b += IN_FLIGHT)
                    {
                        final List<BlockRequest> requests = new ArrayList<>();
                        for (int i = 0; i < IN_FLIGHT; i++)
                        {
                            requests.add(client.sendGet(node, b + i, 0, dsts[i], 0, MIB));
                        }
                        requests.forEach(BlockRequest::await);
                    }
                    final double getMibPerSecond = BLOCKS / ((System.nanoTime() - startNs) / 1e9);
                    final byte[] back = new byte[MIB];
                    dsts[IN_FLIGHT - 1].getBytes(0, back);
                    assertArrayEquals(block, back, MODES[m]);

                    final long[] rtt = new long[SMALL_READS];
                    for (int i = 0; i < SMALL_READS; i++)
                    {
                        final long t0 = System.nanoTime();
                        assertEquals(4096, client.get(node, 1_000_000, small, 0, 4096));
                        rtt[i] = System.nanoTime() - t0;
                    }
                    Arrays.sort(rtt);
                    if (round >= 0)
                    {
                        put[m][round] = putMibPerSecond;
                        get[m][round] = getMibPerSecond;
                        p50[m][round] = rtt[SMALL_READS / 2] / 1e3;
                        p99[m][round] = rtt[SMALL_READS * 99 / 100] / 1e3;
                    }
                    System.out.printf("SecurityCostBench round %d %-14s put %6.0f MiB/s get %6.0f MiB/s 4K get " +
                        "p50 %6.1f us p99 %7.1f us%n", round, MODES[m], putMibPerSecond, getMibPerSecond,
                        rtt[SMALL_READS / 2] / 1e3, rtt[SMALL_READS * 99 / 100] / 1e3);
                }
            }

            System.out.printf("SecurityCostBench medians over %d rounds (after one warm-up round), %d cores, " +
                "load %.1f:%n", ROUNDS, Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            for (int m = 0; m < MODES.length; m++)
            {
                System.out.printf("  %-14s put %6.0f MiB/s (%.2f of off)  get %6.0f MiB/s (%.2f of off)  4K get p50 " +
                    "%6.1f us (%+.1f us)  p99 %7.1f us%n", MODES[m], median(put[m]), median(put[m]) / median(put[0]),
                    median(get[m]), median(get[m]) / median(get[0]), median(p50[m]), median(p50[m]) - median(p50[0]),
                    median(p99[m]));
            }
            sealAndOpenCost();
        }
        finally
        {
            java.util.Collections.reverse(closeables);
            CloseHelper.closeAll(closeables);
            CloseHelper.closeAll(clientDriver, nodeDriver);
        }
    }

    /**
     * CPU time to seal and open one 150-byte message (a get request's size), one thread, no network.
     */
    private static void sealAndOpenCost()
    {
        final SessionKeys keys = SessionKeys.derive(new byte[32], new byte[32], new byte[32], 1, 2, 0);
        final SecureSession sender = new SecureSession(1, 2, false, keys, 1);
        final SecureSession receiver = new SecureSession(1, 2, false, keys, 1);
        final MessageSealer sealer = new MessageSealer();
        final MessageSealer opener = new MessageSealer();
        final ExpandableArrayBuffer message = new ExpandableArrayBuffer(256);
        for (int r = 0; r < 5; r++)
        {
            final int n = 200_000;
            final long startNs = System.nanoTime();
            for (int i = 0; i < n; i++)
            {
                final int length = sealer.seal(sender, message, 0, 150, 0);
                if (opener.open(receiver, message, 0, length, 0) != 150)
                {
                    throw new IllegalStateException("a sealed message did not open");
                }
            }
            System.out.printf("SecurityCostBench seal + open of a 150-byte message: %.2f us%n",
                (System.nanoTime() - startNs) / 1e3 / n);
        }
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
