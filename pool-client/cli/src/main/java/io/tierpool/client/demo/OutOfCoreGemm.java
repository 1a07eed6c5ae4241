/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.demo;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Out-of-core blocked matrix multiply {@code C = A * B} over {@link TiledMatrix} operands whose tiles live in a
 * {@link io.tierpool.client.TierPool}: only a few tiles per worker thread are on the heap at any time.
 * <p>
 * Algorithm: the {@code T x T} tiles of {@code C} ({@code T = n / tile}) are handed out in row-major order to a
 * fixed pool of worker threads through an atomic counter. For tile {@code (i, j)} a worker zeroes an accumulator
 * and, for {@code k = 0 .. T-1}, reads tiles {@code A(i, k)} and {@code B(k, j)} from the pool into its own
 * reused {@code float[]}s and adds their product ({@link GemmKernel}); then it writes the accumulator to
 * {@code C(i, j)}. Each worker holds three tiles of floats and one of bytes; the job reads {@code 2 * T^3} tiles
 * and writes {@code T^2}, so the pool's tiers see a steady stream of promotions and spills while the kernel runs.
 * The multiply counts {@code 2 * n^3} floating-point operations.
 * <p>
 * <b>Threads.</b> One multiply at a time per instance, called from one thread, which waits for it and draws the
 * progress. <b>Resources.</b> Owns its worker threads (daemon threads named {@code tierpool-gemm-N});
 * {@link #close()} stops them.
 */
public final class OutOfCoreGemm implements AutoCloseable
{
    /**
     * How often the calling thread wakes to redraw progress while the workers run, in ms.
     */
    public static final long PROGRESS_INTERVAL_MS = 100;

    private final int threads;
    private final ExecutorService executor;
    private final NanoClock clock;
    private final AtomicLong tilesDone = new AtomicLong();
    private volatile boolean stopped;

    /**
     * @param threads worker threads, at least 1.
     * @throws IllegalArgumentException if {@code threads < 1}.
     */
    public OutOfCoreGemm(final int threads)
    {
        this(threads, SystemNanoClock.INSTANCE);
    }

    /**
     * @param threads worker threads, at least 1.
     * @param clock   the time source for the wall time.
     * @throws IllegalArgumentException if {@code threads < 1}.
     */
    public OutOfCoreGemm(final int threads, final NanoClock clock)
    {
        if (threads < 1)
        {
            throw new IllegalArgumentException("threads=" + threads + " must be >= 1");
        }
        this.threads = threads;
        this.clock = clock;
        this.executor = Executors.newFixedThreadPool(threads, new WorkerFactory());
    }

    /**
     * The outcome of one multiply.
     *
     * @param n      the matrix side.
     * @param tiles  tiles of {@code C} computed.
     * @param flops  floating-point operations, {@code 2 * n^3}.
     * @param wallNs wall-clock time of the multiply, in ns.
     */
    public record Result(int n, long tiles, long flops, long wallNs)
    {
        /**
         * @return flops per ns, which is GFLOP/s.
         */
        public double gflopsPerSecond()
        {
            return wallNs > 0 ? (double)flops / wallNs : 0.0;
        }
    }

    /**
     * @return tiles of {@code C} finished so far in the running (or last) multiply; safe from any thread.
     */
    public long tilesDone()
    {
        return tilesDone.get();
    }

    /**
     * Computes {@code c = a * b}, blocking until every tile of {@code c} is written.
     *
     * @param a        the left operand.
     * @param b        the right operand, of the same {@code n} and tile as {@code a}.
     * @param c        receives the product, of the same {@code n} and tile; may not be {@code a} or {@code b}.
     * @param progress shown every {@link #PROGRESS_INTERVAL_MS}, with {@code C} tiles as units; finished here.
     * @return the operation count and wall time.
     * @throws IllegalArgumentException if the shapes differ or {@code c} is an operand.
     * @throws io.tierpool.client.TierPoolException if the pool fails a read or a write (the first failure of any
     *                                       worker, after the others have stopped).
     * @throws CancellationException         if the calling thread is interrupted or {@link #close()} is called
     *                                       meanwhile.
     */
    public Result multiply(final TiledMatrix a, final TiledMatrix b, final TiledMatrix c, final ProgressBar progress)
    {
        checkShapes(a, b, c);
        if (stopped)
        {
            throw new CancellationException("the multiply was stopped (its workers are closed)");
        }
        final int tilesPerSide = a.tilesPerSide();
        final long totalTiles = (long)tilesPerSide * tilesPerSide;
        final AtomicInteger nextTile = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final CountDownLatch finished = new CountDownLatch(threads);
        tilesDone.set(0);

        final long startNs = clock.nanoTime();
        for (int t = 0; t < threads; t++)
        {
            executor.execute(() ->
            {
                try
                {
                    work(a, b, c, nextTile, failure);
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
                finally
                {
                    finished.countDown();
                }
            });
        }

        try
        {
            while (!finished.await(PROGRESS_INTERVAL_MS, TimeUnit.MILLISECONDS))
            {
                progress.update(tilesDone.get());
            }
        }
        catch (final InterruptedException ex)
        {
            failure.compareAndSet(null, new CancellationException("the multiply was interrupted"));
            Thread.currentThread().interrupt();
            awaitQuietly(finished);
        }
        final long wallNs = clock.nanoTime() - startNs;
        progress.finish(tilesDone.get());

        final Throwable ex = failure.get();
        if (null != ex)
        {
            if (ex instanceof RuntimeException)
            {
                throw (RuntimeException)ex;
            }
            if (ex instanceof Error)
            {
                throw (Error)ex;
            }
            throw new IllegalStateException("a multiply worker failed: " + ex, ex);
        }
        if (stopped)
        {
            throw new CancellationException("the multiply was stopped after " + tilesDone.get() + " of " +
                totalTiles + " tiles");
        }
        final long n = a.n();
        return new Result(a.n(), totalTiles, 2 * n * n * n, wallNs);
    }

    private void work(
        final TiledMatrix a,
        final TiledMatrix b,
        final TiledMatrix c,
        final AtomicInteger nextTile,
        final AtomicReference<Throwable> failure)
    {
        final int tile = a.tile();
        final int tilesPerSide = a.tilesPerSide();
        final int totalTiles = tilesPerSide * tilesPerSide;
        final TileBuffers scratch = new TileBuffers(tile);
        final float[] aTile = new float[tile * tile];
        final float[] bTile = new float[tile * tile];
        final float[] cTile = new float[tile * tile];

        int index;
        while ((index = nextTile.getAndIncrement()) < totalTiles)
        {
            if (null != failure.get() || stopped || Thread.currentThread().isInterrupted())
            {
                return;
            }
            final int i = index / tilesPerSide;
            final int j = index % tilesPerSide;
            Arrays.fill(cTile, 0.0f);
            for (int k = 0; k < tilesPerSide; k++)
            {
                a.readTile(i, k, aTile, scratch);
                b.readTile(k, j, bTile, scratch);
                GemmKernel.multiplyAdd(aTile, bTile, cTile, tile);
            }
            c.writeTile(i, j, cTile, scratch);
            tilesDone.incrementAndGet();
        }
    }

    private static void checkShapes(final TiledMatrix a, final TiledMatrix b, final TiledMatrix c)
    {
        if (a.n() != b.n() || a.n() != c.n() || a.tile() != b.tile() || a.tile() != c.tile())
        {
            throw new IllegalArgumentException("operands must have the same n and tile: " + a + ", " + b + ", " + c);
        }
        if (c == a || c == b)
        {
            throw new IllegalArgumentException("the product " + c.name() + " must not be an operand");
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        boolean interrupted = false;
        while (true)
        {
            try
            {
                latch.await();
                break;
            }
            catch (final InterruptedException ignore)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the workers (a running multiply ends with {@link CancellationException}) and waits up to five
     * seconds for them. Idempotent; safe from any thread, a shutdown hook included.
     */
    public void close()
    {
        stopped = true;
        executor.shutdownNow();
        try
        {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ignore)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static final class WorkerFactory implements ThreadFactory
    {
        private final AtomicInteger count = new AtomicInteger();

        public Thread newThread(final Runnable task)
        {
            final Thread thread = new Thread(task, "tierpool-gemm-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
