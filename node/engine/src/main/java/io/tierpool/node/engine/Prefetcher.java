/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.StoreStats;

import org.agrona.concurrent.Agent;

/**
 * The background agent that brings blocks up to RAM ahead of their use: it takes block ids off the store's
 * prefetch queue (filled by {@link BlockStore#prefetchAsync(long)} and by sequential-access detection) and
 * promotes each block still below RAM, at most {@link #MAX_PREFETCHES_PER_DUTY_CYCLE} per duty cycle: room in RAM
 * is reserved under the engine lock (demoting the coldest movable blocks there, as a read would), the block is
 * read and verified without the engine lock, and switched to RAM under it if nothing changed meanwhile.
 * <p>
 * With {@link StoreContext#ioWorkers(int)} above 0 (default 2) the agent hands the promotions to the
 * store's I/O workers, as many at once as there are workers and queued blocks, so that several blocks come up
 * in parallel and the agent never waits on a device; with 0 it promotes on its own thread, one block after the
 * other ({@link #runInline()}).
 * <p>
 * Runs on its own thread ({@value #ROLE_NAME}) under an {@link org.agrona.concurrent.AgentRunner} when the store
 * starts it; tests may call {@link BlockStore#runPrefetcher()} instead ({@link #runInline()}: synchronous, any
 * thread; calls are serialised). Errors (a checksum
 * mismatch of the block fetched, a failing tier) are counted in {@link StoreStats#prefetchErrors()}, reported to
 * the store's error handler, and never stop the agent; the block stays where it was.
 */
public final class Prefetcher implements Agent
{
    /**
     * The agent's role name, also its thread's name.
     */
    public static final String ROLE_NAME = "tierpool-prefetcher";

    /**
     * Most blocks prefetched in one duty cycle, so that closing the store never waits long.
     */
    public static final int MAX_PREFETCHES_PER_DUTY_CYCLE = 64;

    private static final int IDLE = 0;
    private static final int QUEUED = 1;
    private static final int FINISHED = 2;

    private final BlockStore store;
    private final IoScratch scratch;
    private final IoWorkers workers;
    private final PrefetchTask[] tasks;
    private int inFlight;

    Prefetcher(final BlockStore store, final IoScratch scratch, final IoWorkers workers)
    {
        this.store = store;
        this.scratch = scratch;
        this.workers = workers;
        this.tasks = new PrefetchTask[workers == null ? 0 : workers.workerCount()];
        for (int i = 0; i < tasks.length; i++)
        {
            tasks[i] = new PrefetchTask();
        }
    }

    /**
     * One duty cycle: prefetches queued blocks, through the I/O workers if the store runs them, else on this
     * thread.
     *
     * @return the number of queue entries handled or handed out (0 when the queue is empty).
     */
    public synchronized int doWork()
    {
        return workers == null ? prefetchInline() : dispatch();
    }

    /**
     * Prefetches queued blocks on the calling thread, one after the other, at most
     * {@link #MAX_PREFETCHES_PER_DUTY_CYCLE}.
     *
     * @return the number of queue entries handled (0 when the queue is empty).
     */
    public synchronized int runInline()
    {
        return prefetchInline();
    }

    private int prefetchInline()
    {
        int work = 0;
        while (work < MAX_PREFETCHES_PER_DUTY_CYCLE)
        {
            final int result = store.prefetchScheduler.prefetchStep(scratch);
            if (result == BlockStore.PREFETCH_QUEUE_EMPTY)
            {
                break;
            }
            work++;
        }
        return work;
    }

    private int dispatch()
    {
        int work = 0;
        for (final PrefetchTask task : tasks)
        {
            if (task.state == FINISHED)
            {
                inFlight--;
                work += task.result;
                task.state = IDLE;
            }
        }
        final int queued = store.prefetchQueueSize();
        for (final PrefetchTask task : tasks)
        {
            if (inFlight >= queued)
            {
                break;
            }
            if (task.state == IDLE)
            {
                task.state = QUEUED;
                if (!workers.offerUrgent(task))
                {
                    task.state = IDLE;
                    break;
                }
                inFlight++;
                work++;
            }
        }
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return ROLE_NAME;
    }

    /**
     * Prefetches, run by an I/O worker: queued blocks one after the other until the queue is empty (at most
     * {@link #MAX_PREFETCHES_PER_DUTY_CYCLE}).
     */
    private final class PrefetchTask implements IoWorkers.Task
    {
        volatile int state = IDLE;
        int result;

        public void run(final IoScratch workerScratch)
        {
            // Drain the queue rather than take one block per task: a task handed back after each block would wait
            // for the agent's next duty cycle (up to its idle park) before the next block could come up.
            int handled = 0;
            try
            {
                while (handled < MAX_PREFETCHES_PER_DUTY_CYCLE &&
                    store.prefetchScheduler.prefetchStep(workerScratch) != BlockStore.PREFETCH_QUEUE_EMPTY)
                {
                    handled++;
                }
            }
            finally
            {
                result = handled;
                state = FINISHED;
            }
        }
    }
}
