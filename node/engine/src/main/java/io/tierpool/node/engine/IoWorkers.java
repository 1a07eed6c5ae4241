/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import org.agrona.ErrorHandler;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A fixed pool of threads that do the engine's background tier I/O: the demotions the {@link Mover} asks for and
 * the promotions the {@link Prefetcher} asks for. The two agents decide <em>what</em> moves (their duty cycles
 * stay short and never block on a device); the workers copy, checksum and write the bytes, several blocks at a
 * time, so that spilling to a slow tier, prefetching from it and the application's own work overlap.
 * <p>
 * Tasks are objects the agents own and reuse (no allocation per move); each worker runs a task with its own
 * {@link IoScratch}. There are two queues: <em>urgent</em> tasks (prefetches: a reader is about to need the block)
 * are taken before <em>background</em> ones (demotions), so that a prefetch never waits behind a queue of spills.
 * The queues are bounded by the number of task objects, so {@link #offer} only fails once the pool is closed.
 * Threads are daemon threads named {@code tierpool-io-<n>}; they wait for work without spinning (a semaphore
 * counting queued tasks), so an idle pool costs no CPU.
 * <p>
 * <b>Threading:</b> {@link #offerUrgent} and {@link #offerBackground} may be called from any thread. {@link #close()} stops taking tasks,
 * lets the tasks already running finish, drops the ones still queued and joins the threads; the store calls it
 * before it closes its tiers. Errors a task throws go to the error handler and never stop a worker.
 */
final class IoWorkers implements AutoCloseable
{
    /**
     * Name prefix of the worker threads.
     */
    static final String THREAD_NAME_PREFIX = "tierpool-io-";

    private static final long POLL_TIMEOUT_MS = 100;

    /**
     * A unit of background tier I/O.
     */
    interface Task
    {
        /**
         * Runs the task on a worker thread.
         *
         * @param scratch the worker's own working memory.
         */
        void run(IoScratch scratch);
    }

    private final ArrayBlockingQueue<Task> urgent;
    private final ArrayBlockingQueue<Task> background;
    private final Semaphore queued = new Semaphore(0);
    private final Thread[] threads;
    private final ErrorHandler errorHandler;
    private volatile boolean closed;

    /**
     * Starts the worker threads.
     *
     * @param workerCount   number of threads, 1 or more.
     * @param queueCapacity most tasks queued at once in each of the two queues (the number of task objects the
     *                      callers own).
     * @param errorHandler  receives what tasks throw.
     * @param nodeName      for the threads' names.
     */
    IoWorkers(final int workerCount, final int queueCapacity, final ErrorHandler errorHandler, final String nodeName)
    {
        this.urgent = new ArrayBlockingQueue<>(queueCapacity);
        this.background = new ArrayBlockingQueue<>(queueCapacity);
        this.errorHandler = errorHandler;
        this.threads = new Thread[workerCount];
        for (int i = 0; i < workerCount; i++)
        {
            final Thread thread = new Thread(this::run, THREAD_NAME_PREFIX + i + "-" + nodeName);
            thread.setDaemon(true);
            threads[i] = thread;
        }
        for (final Thread thread : threads)
        {
            thread.start();
        }
    }

    /**
     * @return the number of worker threads.
     */
    int workerCount()
    {
        return threads.length;
    }

    /**
     * Queues a task for the next free worker, after the urgent tasks already queued.
     *
     * @param task the task; must not be queued already.
     * @return false if the pool is closed or the queue is full (the task will not run).
     */
    boolean offerUrgent(final Task task)
    {
        return offer(urgent, task);
    }

    /**
     * Queues a task for a worker free of urgent tasks.
     *
     * @param task the task; must not be queued already.
     * @return false if the pool is closed or the queue is full (the task will not run).
     */
    boolean offerBackground(final Task task)
    {
        return offer(background, task);
    }

    private boolean offer(final ArrayBlockingQueue<Task> queue, final Task task)
    {
        if (closed || !queue.offer(task))
        {
            return false;
        }
        queued.release();
        return true;
    }

    private void run()
    {
        final IoScratch scratch = new IoScratch();
        try
        {
            while (!closed)
            {
                Task task = null;
                try
                {
                    if (queued.tryAcquire(POLL_TIMEOUT_MS, TimeUnit.MILLISECONDS))
                    {
                        task = urgent.poll();
                        if (task == null)
                        {
                            task = background.poll();
                        }
                    }
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (task != null && !closed)
                {
                    try
                    {
                        task.run(scratch);
                    }
                    catch (final Throwable ex)
                    {
                        errorHandler.onError(ex);
                    }
                }
            }
        }
        finally
        {
            scratch.release();
        }
    }

    /**
     * Stops the pool: running tasks finish, queued ones are dropped, the threads are joined. Idempotent.
     */
    public void close()
    {
        closed = true;
        urgent.clear();
        background.clear();
        boolean interrupted = false;
        for (final Thread thread : threads)
        {
            while (thread.isAlive())
            {
                try
                {
                    thread.join();
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
