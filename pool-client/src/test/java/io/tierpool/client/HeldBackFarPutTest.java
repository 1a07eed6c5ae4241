/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.node.Hint;
import io.tierpool.node.NodeProcess;
import io.tierpool.node.cluster.ClusterContext;
import io.tierpool.node.tier.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A far-memory put held back on purpose does not delay a RAM read or write of another block on another thread
 * (issue 12, point 1: no thread holds a lock across network I/O).
 * <p>
 * The put is held back for real: the only node daemon (a separate JVM on loopback) is frozen with
 * {@code kill -STOP}, so it keeps its sockets but answers nothing, and thread A moves a block to far memory
 * ({@link Block#moveTo(TierKind) moveTo(REMOTE)}), a put that can only go to that node. The request timeout and the
 * cluster's failure detection are far longer than the test, so the put waits rather than fails. While A waits,
 * thread B reads, writes and reads again a block in RAM, then allocates, reads and frees a small block and takes
 * the pool's statistics: B must return while A's put is still held (an ordering, not a time: A cannot finish
 * before the node is let go). Then {@code kill -CONT} lets the node answer, A's put completes, and every byte of
 * both blocks is checked.
 * <p>
 * B is given {@link #HOLD_LIMIT_S} seconds, far more than its few memory copies need on a loaded machine,
 * before the node is let go anyway; a B that returns only after that has waited for A, and the test fails saying
 * so, with both threads' stacks (where B waited, what A held). That is the failure expected while the engine holds
 * one lock across far-memory puts.
 * <p>
 * Ports: Aeron 53010, Ignite discovery and communication 53200-53299.
 */
class HeldBackFarPutTest
{
    private static final int FAR_BLOCK = 32 * 1024 + 5;
    private static final int RAM_BLOCK = 64 * 1024 + 3;
    private static final long HOLD_LIMIT_S = 5;
    private static final long WAIT_FOR_PUT_S = 30;
    private static final long RELEASE_WAIT_S = 60;
    private static final long LONG_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(120);

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void shouldReadAndWriteABlockInRamWhileAnotherThreadsFarMemoryPutIsHeldBack() throws Exception
    {
        final ExecutorService threadA = Executors.newSingleThreadExecutor((r) -> daemon(r, "far-put-thread-A"));
        final ExecutorService threadB = Executors.newSingleThreadExecutor((r) -> daemon(r, "ram-thread-B"));
        final AtomicReference<Thread> a = new AtomicReference<>();
        final AtomicReference<Thread> b = new AtomicReference<>();
        final List<String> longFailureDetection = List.of(
            "-D" + ClusterContext.FAILURE_DETECTION_TIMEOUT_PROP_NAME + "=" + LONG_TIMEOUT_MS + "ms",
            "-D" + ClusterContext.CLIENT_FAILURE_DETECTION_TIMEOUT_PROP_NAME + "=" + LONG_TIMEOUT_MS + "ms");
        NodeProcess node = null;
        boolean stopped = false;
        try (NodeCluster cluster = new NodeCluster(1, 53010, 53200, "16m", "0", "0", longFailureDetection))
        {
            node = cluster.node(0);
            final TierPool.Context ctx = cluster.clientContext(0)
                .replicas(1)
                .ramCapacityBytes(1024 * 1024)
                .vvramCapacityBytes(0)
                .vssdCapacityBytes(0);
            ctx.clusterContext()
                .failureDetectionTimeoutMs(LONG_TIMEOUT_MS)
                .clientFailureDetectionTimeoutMs(LONG_TIMEOUT_MS);
            ctx.clientContext().requestTimeoutNs(TimeUnit.MILLISECONDS.toNanos(LONG_TIMEOUT_MS));
            try (TierPool pool = TierPool.open(ctx))
            {
                final SplittableRandom random = new SplittableRandom(0x4E1DBAC4L);
                final byte[] farBytes = bytes(random, FAR_BLOCK);
                final byte[] ramBytes = bytes(random, RAM_BLOCK);
                final Block far = pool.allocate(FAR_BLOCK, Hint.WARM, farBytes, 0, FAR_BLOCK);
                final Block ram = pool.allocate(RAM_BLOCK, Hint.WARM, ramBytes, 0, RAM_BLOCK);

                final Block warmUp = pool.allocate(4096, Hint.WARM);
                warmUp.moveTo(TierKind.REMOTE);
                warmUp.read(0, new byte[4096]);
                warmUp.free();
                assertEquals(TierKind.RAM, far.tier(), "block A starts in RAM");
                assertEquals(TierKind.RAM, ram.tier(), "block B starts in RAM");
                final long putsBefore = pool.stats().remotePuts();

                final AtomicInteger finishOrder = new AtomicInteger();
                final AtomicInteger aFinished = new AtomicInteger();
                final AtomicInteger bFinished = new AtomicInteger();
                signal("STOP", node);
                stopped = true;
                try
                {
                    final Future<?> put = threadA.submit(() ->
                    {
                        a.set(Thread.currentThread());
                        try
                        {
                            far.moveTo(TierKind.REMOTE);
                        }
                        finally
                        {
                            aFinished.set(finishOrder.incrementAndGet());
                        }
                    });
                    awaitPutHeld(put, a);

                    final byte[] written = bytes(random, 4096);
                    final int writeAt = 12_345;
                    final byte[] smallBytes = bytes(random, 3000);
                    final Future<?> ramWork = threadB.submit(() ->
                    {
                        b.set(Thread.currentThread());
                        try
                        {
                            final byte[] copy = new byte[RAM_BLOCK];
                            ram.read(0, copy);
                            assertArrayEquals(ramBytes, copy, "block B read in RAM while A's put is held");
                            ram.write(writeAt, written);
                            ram.read(0, copy);
                            System.arraycopy(written, 0, ramBytes, writeAt, written.length);
                            assertArrayEquals(ramBytes, copy, "block B read back after its write while A's put is held");
                            try (Block other = pool.allocate(smallBytes.length, Hint.WARM, smallBytes, 0, smallBytes.length))
                            {
                                final byte[] back = new byte[smallBytes.length];
                                other.read(0, back);
                                assertArrayEquals(smallBytes, back, "a block allocated in RAM while A's put is held");
                            }
                            pool.stats();
                        }
                        finally
                        {
                            bFinished.set(finishOrder.incrementAndGet());
                        }
                    });

                    String bBlockedAt = null;
                    String aHeldAt = null;
                    try
                    {
                        ramWork.get(HOLD_LIMIT_S, TimeUnit.SECONDS);
                    }
                    catch (final TimeoutException ex)
                    {
                        bBlockedAt = stack(b.get());
                        aHeldAt = stack(a.get());
                    }
                    final boolean putDoneWhileHeld = put.isDone();

                    signal("CONT", node);
                    stopped = false;
                    put.get(RELEASE_WAIT_S, TimeUnit.SECONDS);
                    ramWork.get(RELEASE_WAIT_S, TimeUnit.SECONDS);

                    if (bBlockedAt != null)
                    {
                        throw new AssertionError("thread B's read and write of block " + ram.id() + " in RAM (then an allocate, read and free of " +
                            "a small block in RAM, and stats()) waited " +
                            "for thread A's far-memory put of block " + far.id() + ": B had not returned " + HOLD_LIMIT_S +
                            " s after A's put to node " + node.name() + " was held back (node frozen with SIGSTOP), " +
                            "and B finished " + (bFinished.get() > aFinished.get() ? "after" : "before") + " A once " +
                            "SIGCONT let the put complete. A RAM access must not wait for network I/O on another " +
                            "block (issue 12, point 1), yet something B needs was held across A's put (the stacks " +
                            "below show what: on the engine of December 2026, BlockStore's one engine lock). " +
                            "Where B waited:\n" + bBlockedAt +
                            "What A was doing while it held the put:\n" + aHeldAt);
                    }
                    assertTrue(!putDoneWhileHeld,
                        "thread A's moveTo(REMOTE) of block " + far.id() + " completed while its only node was " +
                        "frozen: the put was not held back, so this run tested nothing");
                    assertTrue(bFinished.get() < aFinished.get(), "B finished before A: order B=" + bFinished.get() +
                        " A=" + aFinished.get());
                    assertEquals(TierKind.RAM, ram.tier(), "block B stayed in RAM");

                    assertEquals(TierKind.REMOTE, far.tier(), "block A went to far memory once the node answered");
                    assertTrue(pool.stats().remotePuts() > putsBefore, "A's put reached the node");
                    final byte[] farCopy = new byte[FAR_BLOCK];
                    far.read(0, farCopy);
                    assertArrayEquals(farBytes, farCopy, "block A read back from far memory after the held-back put");
                    final byte[] ramCopy = new byte[RAM_BLOCK];
                    ram.read(0, ramCopy);
                    assertArrayEquals(ramBytes, ramCopy, "block B after the run");
                    far.free();
                    ram.free();
                    assertEquals(0, pool.stats().blocks());
                }
                finally
                {
                    if (stopped)
                    {
                        signal("CONT", node);
                        stopped = false;
                    }
                }
            }
        }
        finally
        {
            if (stopped && node != null && node.isAlive())
            {
                signal("CONT", node);
            }
            threadA.shutdownNow();
            threadB.shutdownNow();
        }
    }

    /**
     * Waits until thread A is inside far-memory code (the transport or the far-memory tier) or parked inside
     * {@link Block#moveTo}, with its put not done: the put is then on its way to the frozen node.
     */
    private static void awaitPutHeld(final Future<?> put, final AtomicReference<Thread> a)
        throws InterruptedException, ExecutionException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_FOR_PUT_S);
        while (System.nanoTime() - deadlineNs < 0)
        {
            if (put.isDone())
            {
                put.get();
                throw new AssertionError("thread A's moveTo(REMOTE) returned while its only node was frozen: the " +
                    "put was not held back");
            }
            final Thread thread = a.get();
            if (thread != null && isHeldInFarMemory(thread))
            {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("thread A never reached its far-memory put within " + WAIT_FOR_PUT_S + " s:\n" +
            stack(a.get()));
    }

    private static boolean isHeldInFarMemory(final Thread thread)
    {
        final Thread.State state = thread.getState();
        boolean inMoveTo = false;
        for (final StackTraceElement frame : thread.getStackTrace())
        {
            final String className = frame.getClassName();
            if (className.startsWith("io.tierpool.transport.") || className.startsWith("io.tierpool.client.far."))
            {
                return true;
            }
            inMoveTo |= className.equals(Block.class.getName()) && frame.getMethodName().equals("moveTo");
        }
        return inMoveTo && (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING);
    }

    private static String stack(final Thread thread)
    {
        if (thread == null)
        {
            return "    (thread not started)\n";
        }
        final StringBuilder text = new StringBuilder("    ").append(thread.getName()).append(" ")
            .append(thread.getState()).append('\n');
        for (final StackTraceElement frame : thread.getStackTrace())
        {
            text.append("        at ").append(frame).append('\n');
        }
        return text.toString();
    }

    /**
     * Sends a signal to a node daemon with the system's {@code kill} command: {@code STOP} freezes the process (it
     * keeps its sockets and answers nothing), {@code CONT} lets it go on.
     */
    static void signal(final String signal, final NodeProcess node) throws InterruptedException
    {
        try
        {
            final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node.pid()))
                .redirectErrorStream(true).start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " " + node);
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot run kill -" + signal + " for " + node, ex);
        }
    }

    private static Thread daemon(final Runnable task, final String name)
    {
        final Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private static byte[] bytes(final SplittableRandom random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
