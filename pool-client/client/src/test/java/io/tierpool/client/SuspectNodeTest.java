/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.client.Hint;
import io.tierpool.node.NodeProcess;
import io.tierpool.node.cluster.ClusterContext;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node daemon that stops answering (frozen with SIGSTOP, as a partition looks from the client) but is not yet
 * declared failed costs one request timeout, not one per request: the pool then asks it last for the suspect period
 * (writes go to the other nodes, reads to the other copy), and asks it again in its turn once the period is over.
 * Found by {@code NetworkFaultTest}, where every request to a partitioned node waited out the timeout.
 * <p>
 * Ports: Aeron 40753-40755, Ignite 48730-48739.
 */
class SuspectNodeTest
{
    private static final int NODES = 3;
    private static final int BLOCK = 32 * 1024;
    private static final long SUSPECT_PERIOD_MS = 12_000;
    private static final long FAILURE_DETECTION_MS = 25_000;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<Block> blocks = new ArrayList<>();
    private final List<byte[]> contents = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom(0x5005_9EC7L);
    private Path workDir;

    @AfterEach
    void closeEverything()
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
        closeables.clear();
        if (null != workDir)
        {
            assertFalse(Files.exists(workDir), "work directory removed: " + workDir);
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void shouldWaitOutOneRequestTimeoutOnAHungNodeThenAskItLastUntilTheSuspectPeriodEnds() throws Exception
    {
        workDir = Files.createTempDirectory("tierpool-suspect-");
        final Path dir = workDir;
        own(() -> NodeCluster.deleteRecursively(dir));
        final List<NodeProcess> nodes = new ArrayList<>();
        for (int i = 0; i < NODES; i++)
        {
            final String name = "node-" + (i + 1);
            final Path nodeDir = Files.createDirectories(workDir.resolve(name));
            nodes.add(own(NodeProcess.start(new NodeProcess.Context()
                .name(name)
                .directoryParent(workDir)
                .extraJvmOptions(List.of(
                    "-D" + ClusterContext.FAILURE_DETECTION_TIMEOUT_PROP_NAME + "=" + FAILURE_DETECTION_MS + "ms"))
                .arguments(List.of(
                    "--name", name,
                    "--port", Integer.toString(40753 + i),
                    "--discovery-port", Integer.toString(48730 + i),
                    "--communication-port", Integer.toString(48733 + i),
                    "--discovery", "127.0.0.1:48730..48732",
                    "--ram", "16m", "--vvram", "0", "--vssd", "0",
                    "--vvram-dir", nodeDir.toString(),
                    "--vssd-dir", nodeDir.toString(),
                    "--aeron-dir", nodeDir.toString(),
                    "--metrics-port", "-1"))
                .maxHeap("256m"))));
        }
        final TierPool.Context ctx = NodeCluster.clientContext(
            List.of("127.0.0.1:40753", "127.0.0.1:40754", "127.0.0.1:40755").subList(0, NODES), workDir, NODES)
            .ramCapacityBytes(4 * BLOCK)
            .vvramCapacityBytes(0)
            .vssdCapacityBytes(0)
            .replicas(2)
            .remoteSuspectPeriodNs(TimeUnit.MILLISECONDS.toNanos(SUSPECT_PERIOD_MS));
        final TierPool pool = own(TierPool.open(ctx));

        writeBlocks(pool, 16);
        verifyAll();
        final NodeProcess hung = nodes.get(1);
        final String hungName = hung.readyInfo().get(NodeProcess.READY_KEY_NAME);
        final RemoteNodeStats before = nodeStats(pool, hungName);
        assertTrue(before.blocks() > 0, "the node to hang holds copies: " + before);

        signal("STOP", hung);
        final long stoppedAtNs = System.nanoTime();
        try
        {
            writeBlocks(pool, 12);
            verifyAll();
        }
        finally
        {
            signal("CONT", hung);
        }
        final long hungPhaseMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAtNs);
        final RemoteNodeStats during = nodeStats(pool, hungName);
        final PoolStats afterHang = pool.stats();

        // Requests already in flight to the node when it hung wait out their timeout together (the client keeps
        // several in flight: the application thread, two I/O workers, the prefetcher); after the first timeout the
        // node is suspect and no further request waits on it. The phase's length below shows they waited at once.
        final long timedOut = during.failures() - before.failures();
        assertTrue(timedOut >= 1 && timedOut <= 4, "only the requests in flight when the node hung (at most 4 here) " +
            "waited out their timeout on it, the others went elsewhere: " + timedOut + " (phase took " + hungPhaseMs +
            " ms): " + afterHang.toJson());
        assertTrue(hungPhaseMs < SUSPECT_PERIOD_MS + TimeUnit.SECONDS.toMillis(5),
            "the phase fit in the suspect period, so the check above means what it says: " + hungPhaseMs + " ms");
        assertEquals(NODES, pool.liveNodes().size(), "the hung node was not declared failed meanwhile");
        assertEquals(0, afterHang.lostBlocks(), afterHang.toJson());

        final long periodOverNs = stoppedAtNs + TimeUnit.MILLISECONDS.toNanos(SUSPECT_PERIOD_MS + 6_000);
        while (System.nanoTime() - periodOverNs < 0)
        {
            Thread.sleep(50);
        }
        final RemoteNodeStats beforeReturn = nodeStats(pool, hungName);
        writeBlocks(pool, 12);
        verifyAll();
        final RemoteNodeStats after = nodeStats(pool, hungName);
        final PoolStats end = pool.stats();

        System.out.printf("SuspectNodeTest figures: hung node %s, blocks %d of %d bytes, hung phase %d ms, failures on " +
            "it during the hang %d, puts to it during the hang %d, puts to it after the suspect period %d, " +
            "failovers %d, lost %d%n", hungName, blocks.size(), BLOCK, hungPhaseMs,
            during.failures() - before.failures(), during.puts() - before.puts(), after.puts() - beforeReturn.puts(),
            end.remoteFailovers(), end.lostBlocks());

        assertTrue(after.puts() > beforeReturn.puts(), "the node is asked again once the period is over: " + after);
        assertEquals(during.failures(), after.failures(), "and it answers: " + after);
        assertEquals(0, end.lostBlocks(), end.toJson());
        assertEquals(0, end.checksumFailures(), end.toJson());
    }

    private void writeBlocks(final TierPool pool, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final byte[] data = new byte[BLOCK];
            random.nextBytes(data);
            final Block block = pool.allocate(BLOCK, Hint.WARM);
            block.write(0, data);
            blocks.add(block);
            contents.add(data);
        }
    }

    private void verifyAll()
    {
        for (int i = 0; i < blocks.size(); i++)
        {
            final byte[] actual = new byte[BLOCK];
            blocks.get(i).read(0, actual);
            assertArrayEquals(contents.get(i), actual, "block " + blocks.get(i).id());
        }
    }

    private static RemoteNodeStats nodeStats(final TierPool pool, final String nodeName)
    {
        return pool.stats().remoteNodes().stream().filter((n) -> n.nodeName().equals(nodeName)).findFirst()
            .orElseThrow(() -> new AssertionError("no stats for node " + nodeName));
    }

    private static void signal(final String signal, final NodeProcess node) throws Exception
    {
        final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node.pid()))
            .redirectErrorStream(true).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " " + node);
    }

    private <T extends AutoCloseable> T own(final T closeable)
    {
        closeables.add(closeable);
        return closeable;
    }
}
