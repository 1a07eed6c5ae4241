/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.client.Hint;
import io.tierpool.node.NodeProcess;
import io.tierpool.node.cluster.ClusterContext;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A far-memory request held back on purpose does not delay a RAM read or write of another block on another thread
 * (issue 12, point 1: no thread holds a lock across network I/O).
 * <p>
 * The request is held back for real: the only node daemon (a separate JVM on loopback) is frozen with
 * {@code kill -STOP}, so it keeps its sockets but answers nothing, and thread A makes a request that can only go to
 * that node: a put by {@link Block#moveTo(TierKind) moveTo(REMOTE)}, the put of a {@link Hint#COLD} block placed
 * straight in far memory (the pool has no VVRAM or VSSD), or the get of a read of a block in far memory. The
 * request timeout and the cluster's failure detection are far longer than the test, so the request waits rather
 * than fails. While A waits, thread B reads, writes and reads again a block in RAM, then allocates, reads and frees
 * a small block and takes the pool's statistics: B must return while A's request is still held (an ordering, not
 * a time: A cannot finish before the node is let go). Then {@code kill -CONT} lets the node answer, A completes,
 * and every byte of both blocks is checked.
 * <p>
 * B is given {@link #HOLD_LIMIT_S} seconds, far more than its few memory copies need on a loaded machine, before
 * the node is let go anyway; a B that returns only after that has waited for A, and the test fails saying so, with
 * both threads' stacks (where B waited, what A held). That is the failure expected while the engine holds one lock
 * across far-memory requests.
 * <p>
 * Ports: Aeron 53010, Ignite discovery and communication 53200-53299.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HeldBackFarPutTest
{
    private static final int FAR_BLOCK = 32 * 1024 + 5;
    private static final int RAM_BLOCK = 64 * 1024 + 3;
    private static final long HOLD_LIMIT_S = 5;
    private static final long WAIT_FOR_REQUEST_S = 30;
    private static final long RELEASE_WAIT_S = 60;
    private static final long LONG_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(120);

    private static NodeCluster cluster;

    @BeforeAll
    static void startNode()
    {
        cluster = new NodeCluster(1, 53010, 53200, "16m", "0", "0", List.of(
            "-D" + ClusterContext.FAILURE_DETECTION_TIMEOUT_PROP_NAME + "=" + LONG_TIMEOUT_MS + "ms",
            "-D" + ClusterContext.CLIENT_FAILURE_DETECTION_TIMEOUT_PROP_NAME + "=" + LONG_TIMEOUT_MS + "ms"));
    }

    @AfterAll
    static void stopNode()
    {
        if (cluster != null)
        {
            cluster.close();
            cluster = null;
        }
    }

    @Test
    void shouldReadAndWriteABlockInRamWhileAnotherThreadsFarMemoryPutIsHeldBack() throws Exception
    {
        runHeldBack(0, "far-memory put of moveTo(REMOTE)", TierKind.REMOTE, (pool, farBytes) ->
        {
            final Block far = pool.allocate(FAR_BLOCK, Hint.WARM, farBytes, 0, FAR_BLOCK);
            assertEquals(TierKind.RAM, far.tier(), "block A starts in RAM");
            return () ->
            {
                far.moveTo(TierKind.REMOTE);
                return far;
            };
        });
    }

    @Test
    void shouldReadAndWriteABlockInRamWhileTheFarMemoryPutOfAColdBlockIsHeldBack() throws Exception
    {
        runHeldBack(1, "far-memory put of a COLD block allocated into far memory", TierKind.REMOTE,
            (pool, farBytes) -> () -> pool.allocate(FAR_BLOCK, Hint.COLD, farBytes, 0, FAR_BLOCK));
    }

    @Test
    void shouldReadAndWriteABlockInRamWhileAnotherThreadsFarMemoryGetIsHeldBack() throws Exception
    {
        runHeldBack(2, "far-memory get of a read of a block in far memory", TierKind.RAM, (pool, farBytes) ->
        {
            final Block far = pool.allocate(FAR_BLOCK, Hint.WARM, farBytes, 0, FAR_BLOCK);
            far.moveTo(TierKind.REMOTE);
            assertEquals(TierKind.REMOTE, far.tier(), "block A starts in far memory");
            return () ->
            {
                final byte[] copy = new byte[FAR_BLOCK];
                far.read(0, copy);
                assertArrayEquals(farBytes, copy, "block A read from far memory once its node answered");
                return far;
            };
        });
    }

    /**
     * What thread A does: {@link #prepare} runs on the test thread before the node is frozen and returns the
     * far-memory access thread A makes while it is frozen, which returns the block holding {@code farBytes}.
     */
    @FunctionalInterface
    interface FarAccess
    {
        Callable<Block> prepare(TierPool pool, byte[] farBytes);
    }

    private static void runHeldBack(
        final int clientPortOffset, final String request, final TierKind tierAfter, final FarAccess access)
        throws Exception
    {
        final ExecutorService threadA = Executors.newSingleThreadExecutor((r) -> daemon(r, "far-thread-A"));
        final ExecutorService threadB = Executors.newSingleThreadExecutor((r) -> daemon(r, "ram-thread-B"));
        final AtomicReference<Thread> a = new AtomicReference<>();
        final AtomicReference<Thread> b = new AtomicReference<>();
        final NodeProcess node = cluster.node(0);
        final TierPool.Context ctx = cluster.clientContext()
            .replicas(1)
            .ramCapacityBytes(1024 * 1024)
            .vvramCapacityBytes(0)
            .vssdCapacityBytes(0);
        ctx.leaseTimeoutMs(LONG_TIMEOUT_MS);
        ctx.clientContext().requestTimeoutNs(TimeUnit.MILLISECONDS.toNanos(LONG_TIMEOUT_MS));
        try (TierPool pool = TierPool.open(ctx))
        {
            final SplittableRandom random = new SplittableRandom(0x4E1DBAC4L + clientPortOffset);
            final byte[] farBytes = bytes(random, FAR_BLOCK);
            final byte[] ramBytes = bytes(random, RAM_BLOCK);
            final byte[] written = bytes(random, 4096);
            final int writeAt = 12_345;
            final byte[] smallBytes = bytes(random, 3000);
            final Block ram = pool.allocate(RAM_BLOCK, Hint.WARM, ramBytes, 0, RAM_BLOCK);

            final Block warmUp = pool.allocate(4096, Hint.WARM);
            warmUp.moveTo(TierKind.REMOTE);
            warmUp.read(0, new byte[4096]);
            warmUp.free();
            final Callable<Block> farWork = access.prepare(pool, farBytes);
            assertEquals(TierKind.RAM, ram.tier(), "block B starts in RAM");

            final AtomicInteger finishOrder = new AtomicInteger();
            final AtomicInteger aFinished = new AtomicInteger();
            final AtomicInteger bFinished = new AtomicInteger();
            signal("STOP", node);
            boolean stopped = true;
            try
            {
                final Future<Block> aDone = threadA.submit(() ->
                {
                    a.set(Thread.currentThread());
                    try
                    {
                        return farWork.call();
                    }
                    finally
                    {
                        aFinished.set(finishOrder.incrementAndGet());
                    }
                });
                awaitRequestHeld(aDone, a, request);

                final Future<?> bDone = threadB.submit(() ->
                {
                    b.set(Thread.currentThread());
                    try
                    {
                        final byte[] copy = new byte[RAM_BLOCK];
                        ram.read(0, copy);
                        assertArrayEquals(ramBytes, copy, "block B read in RAM while A's request is held");
                        ram.write(writeAt, written);
                        ram.read(0, copy);
                        System.arraycopy(written, 0, ramBytes, writeAt, written.length);
                        assertArrayEquals(ramBytes, copy, "block B read back after its write while A's request " +
                            "is held");
                        try (Block other =
                            pool.allocate(smallBytes.length, Hint.WARM, smallBytes, 0, smallBytes.length))
                        {
                            final byte[] back = new byte[smallBytes.length];
                            other.read(0, back);
                            assertArrayEquals(smallBytes, back, "a block allocated in RAM while A's request is held");
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
                    bDone.get(HOLD_LIMIT_S, TimeUnit.SECONDS);
                }
                catch (final TimeoutException ex)
                {
                    bBlockedAt = stack(b.get());
                    aHeldAt = stack(a.get());
                }
                final boolean aDoneWhileHeld = aDone.isDone();

                signal("CONT", node);
                stopped = false;
                final Block far = aDone.get(RELEASE_WAIT_S, TimeUnit.SECONDS);
                bDone.get(RELEASE_WAIT_S, TimeUnit.SECONDS);

                if (bBlockedAt != null)
                {
                    throw new AssertionError("thread B's read and write of block " + ram.id() + " in RAM (then an " +
                        "allocate, read and free of a small block in RAM, and stats()) waited for thread A's " +
                        request + ": B had not returned " + HOLD_LIMIT_S + " s after A's request to node " +
                        node.name() + " was held back (node frozen with SIGSTOP), and B finished " +
                        (bFinished.get() > aFinished.get() ? "after" : "before") + " A once SIGCONT let the " +
                        "request complete. A RAM access must not wait for network I/O on another block (issue 12, " +
                        "point 1), yet something B needs was held across A's request (the stacks below show what: " +
                        "on the engine of December 2026, BlockStore's one engine lock). Where B waited:\n" +
                        bBlockedAt + "What A was doing while its request was held:\n" + aHeldAt);
                }
                assertFalse(aDoneWhileHeld, "thread A's " + request + " completed while its only node was frozen: " +
                    "the request was not held back, so this run tested nothing");
                assertTrue(bFinished.get() < aFinished.get(), "B finished before A: order B=" + bFinished.get() +
                    " A=" + aFinished.get());
                assertEquals(TierKind.RAM, ram.tier(), "block B stayed in RAM");
                assertEquals(tierAfter, far.tier(), "block A's tier once the node answered");

                final byte[] farCopy = new byte[FAR_BLOCK];
                far.read(0, farCopy);
                assertArrayEquals(farBytes, farCopy, "block A after the held-back " + request);
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
                }
            }
        }
        finally
        {
            threadA.shutdownNow();
            threadB.shutdownNow();
        }
    }

    /**
     * Waits until thread A is inside far-memory code (the transport or the far-memory tier) or parked inside a call
     * of the pool's API, with its work not done: its request is then on its way to the frozen node.
     */
    private static void awaitRequestHeld(final Future<?> aDone, final AtomicReference<Thread> a, final String request)
        throws InterruptedException, ExecutionException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_FOR_REQUEST_S);
        while (System.nanoTime() - deadlineNs < 0)
        {
            if (aDone.isDone())
            {
                aDone.get();
                throw new AssertionError("thread A's " + request + " returned while its only node was frozen: the " +
                    "request was not held back");
            }
            final Thread thread = a.get();
            if (thread != null && isHeldInFarMemory(thread))
            {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("thread A never reached its " + request + " within " + WAIT_FOR_REQUEST_S + " s:\n" +
            stack(a.get()));
    }

    private static boolean isHeldInFarMemory(final Thread thread)
    {
        final Thread.State state = thread.getState();
        boolean inPoolCall = false;
        for (final StackTraceElement frame : thread.getStackTrace())
        {
            final String className = frame.getClassName();
            if (className.startsWith("io.tierpool.transport.") || className.startsWith("io.tierpool.client.far."))
            {
                return true;
            }
            inPoolCall |= className.equals(Block.class.getName()) || className.equals(TierPool.class.getName());
        }
        return inPoolCall && (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING);
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
