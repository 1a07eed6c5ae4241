/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.StoreStats;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The background agent that keeps every tier under its soft cap by demoting its coldest movable blocks to the
 * next slower tier.
 * <p>
 * In each {@link #doWork()} it visits the tiers fastest first. A tier whose used bytes pass its soft cap (default
 * {@code highWatermark * hardCap}) starts draining: its movable blocks in the store's demotion order (COLD, then
 * WARM and PREFER_FAST, then HOT; LRU or CLOCK within each) move down one at a time, each copied out under the
 * engine lock and written to the slower tier without it (see {@link BlockStore}, threading), until the tier is
 * at or below its drain target ({@code softCap * lowWatermark / highWatermark}). If no tier below has room now,
 * or the block changed meanwhile, the move is made under the lock; if the next tier is full, blocks are first
 * demoted out of it (cascading);
 * if no tier below has room, or everything is pinned, the tier is <em>stuck</em>: nothing is deleted, the stuck
 * count in {@link StoreStats#moverStuck()} goes up, and the mover leaves that tier alone for
 * {@link StoreContext#moverStuckBackoffNs()} before trying again. Only {@link BlockStore#free(long)} deletes
 * data.
 * <p>
 * <b>Room on demand.</b> An application thread that finds no room in RAM does not demote: it records the bytes it
 * wants, wakes the mover's thread and waits ({@link StoreContext#ramRoomWaitNs()}). While such bytes are wanted the
 * mover treats RAM as above its soft cap and demotes until they fit under the hard cap, whatever the drain target.
 * <p>
 * Small blocks move in batches: one demotion takes the tier's coldest small blocks bound for the same tier, up to
 * {@link StoreContext#demotionBatchBytes()}, and writes them in one call ({@link
 * io.tierpool.node.tier.Tier#writeBatch}), one I/O for a spill file.
 * <p>
 * <b>I/O workers.</b> With {@link StoreContext#ioWorkers(int)} above 0 (default 2) the agent only decides:
 * each duty cycle it collects the demotions its workers finished and hands each draining tier as many new ones
 * as there are idle workers, while the tier stays above its drain target counting the moves in flight; the
 * workers select, copy, checksum and write the blocks. The agent's own thread then never waits on a device, and
 * several demotions (and the prefetcher's promotions) run at once. A worker that finishes a task wakes the agent's
 * thread, so that the next demotion is handed out at once rather than after the agent's idle park (up to
 * {@link StoreConfiguration#MOVER_MAX_PARK_NS_DEFAULT} by default): a thread waiting for room in RAM is not kept
 * waiting for a back-off it did not cause. With 0 it demotes on its own thread, one
 * demotion after the other, as {@link #runInline()} does.
 * <p>
 * Runs on its own thread under an {@link org.agrona.concurrent.AgentRunner} when the store starts it; tests
 * and benchmarks may instead call {@link BlockStore#runMover()} ({@link #runInline()}: synchronous, on the calling
 * thread) from any thread (calls are serialised). Errors are reported to the store's error handler and counted in
 * {@link StoreStats#moverErrors()}; they never stop the agent.
 */
public final class Mover implements Agent
{
    /**
     * The agent's role name, also its thread's name.
     */
    public static final String ROLE_NAME = "tierpool-mover";

    /**
     * Most blocks moved in one duty cycle, so that closing the store never waits long for the mover.
     */
    public static final int MAX_MOVES_PER_DUTY_CYCLE = 128;

    /**
     * Most blocks one I/O worker demotes before it hands its task back.
     */
    static final int MAX_MOVES_PER_TASK = 8;

    private static final int IDLE = 0;
    private static final int QUEUED = 1;
    private static final int FINISHED = 2;

    private final BlockStore store;
    private final NanoClock nanoClock;
    private final long stuckBackoffNs;
    private final boolean[] draining;
    private final boolean[] stuck;
    private final long[] stuckSinceNs;
    private final int[] inFlight;
    private final IoScratch scratch;
    private final IoWorkers workers;
    private final DemoteTask[] tasks;
    private volatile Thread agentThread;
    /**
     * Serialises duty cycles: the agent's, {@link #runInline()}'s callers', and {@link #dispatchNow()}'s, which only
     * tries it (it is called under the engine lock, which a duty cycle takes inside this one).
     */
    private final ReentrantLock dutyLock = new ReentrantLock();

    Mover(
        final BlockStore store,
        final NanoClock nanoClock,
        final long stuckBackoffNs,
        final int tierCount,
        final IoScratch scratch,
        final IoWorkers workers)
    {
        this.store = store;
        this.nanoClock = nanoClock;
        this.stuckBackoffNs = stuckBackoffNs;
        this.draining = new boolean[tierCount];
        this.stuck = new boolean[tierCount];
        this.stuckSinceNs = new long[tierCount];
        this.inFlight = new int[tierCount];
        this.scratch = scratch;
        this.workers = workers;
        this.tasks = new DemoteTask[workers == null ? 0 : workers.workerCount()];
        for (int i = 0; i < tasks.length; i++)
        {
            tasks[i] = new DemoteTask();
        }
    }

    /**
     * One duty cycle: demotes blocks out of tiers above their soft cap, through the I/O workers if the store runs
     * them, else on this thread.
     *
     * @return the number of blocks moved (with I/O workers: moves finished since the last cycle, plus demotions
     * handed out).
     */
    public int doWork()
    {
        dutyLock.lock();
        try
        {
            return workers == null ? demoteInline() : dispatch();
        }
        finally
        {
            dutyLock.unlock();
        }
    }

    /**
     * Hands out demotions now, on the calling thread, as a duty cycle would: called by a thread that found no room
     * in RAM (under the engine lock), so that its demotion reaches an idle I/O worker at once instead of after the
     * mover's thread wakes up (one thread hand-off less per block on a loaded machine). Does nothing when the store
     * has no I/O workers or a duty cycle is running now (that cycle hands the demotions out); never waits.
     *
     * @return true if at least one demotion was handed out.
     */
    boolean dispatchNow()
    {
        if (workers == null || !dutyLock.tryLock())
        {
            return false;
        }
        try
        {
            return dispatch() > 0;
        }
        finally
        {
            dutyLock.unlock();
        }
    }

    /**
     * Demotes blocks out of tiers above their soft cap on the calling thread, one demotion after the other, until
     * every tier is at its drain target, stuck, or {@link #MAX_MOVES_PER_DUTY_CYCLE} blocks have moved.
     *
     * @return the number of blocks moved (0 when every tier is below its watermark, or stuck).
     */
    public int runInline()
    {
        dutyLock.lock();
        try
        {
            return demoteInline();
        }
        finally
        {
            dutyLock.unlock();
        }
    }

    private int demoteInline()
    {
        int moves = 0;
        try
        {
            final int lastSource = draining.length - 1;
            for (int i = 0; i < lastSource && moves < MAX_MOVES_PER_DUTY_CYCLE; i++)
            {
                if (!shouldVisit(i))
                {
                    continue;
                }

                while (moves < MAX_MOVES_PER_DUTY_CYCLE)
                {
                    final int result = store.moveProtocol.demoteStep(i, scratch);
                    if (result == BlockStore.DEMOTE_DONE)
                    {
                        draining[i] = false;
                        break;
                    }
                    if (result == BlockStore.DEMOTE_STUCK)
                    {
                        markStuck(i);
                        break;
                    }
                    moves += result;
                }
            }
        }
        catch (final RuntimeException ex)
        {
            store.onMoverError(ex);
        }

        return moves;
    }

    private int dispatch()
    {
        int work = 0;
        for (final DemoteTask task : tasks)
        {
            if (task.state == FINISHED)
            {
                final int tier = task.tierIndex;
                inFlight[tier]--;
                if (task.error != null)
                {
                    store.onMoverError(task.error);
                    task.error = null;
                }
                else if (task.result == BlockStore.DEMOTE_STUCK)
                {
                    markStuck(tier);
                }
                else if (task.result > 0)
                {
                    work += task.result;
                }
                task.state = IDLE;
            }
        }

        try
        {
            final int lastSource = draining.length - 1;
            int next = 0;
            for (int i = 0; i < lastSource; i++)
            {
                if (!shouldVisit(i))
                {
                    continue;
                }
                while (true)
                {
                    while (next < tasks.length && tasks[next].state != IDLE)
                    {
                        next++;
                    }
                    if (next == tasks.length)
                    {
                        break;
                    }
                    if (!store.moveProtocol.needsDrain(i))
                    {
                        if (inFlight[i] == 0)
                        {
                            draining[i] = false;
                        }
                        break;
                    }
                    final DemoteTask task = tasks[next];
                    task.tierIndex = i;
                    task.state = QUEUED;
                    if (!workers.offerBackground(task))
                    {
                        task.state = IDLE;
                        return work;
                    }
                    inFlight[i]++;
                    work++;
                }
            }
        }
        catch (final RuntimeException ex)
        {
            store.onMoverError(ex);
        }
        return work;
    }

    private boolean shouldVisit(final int i)
    {
        if (stuck[i])
        {
            if (nanoClock.nanoTime() - stuckSinceNs[i] < stuckBackoffNs)
            {
                return false;
            }
            stuck[i] = false;
        }

        if (!draining[i])
        {
            if (!store.isAboveHighWatermark(i))
            {
                return false;
            }
            draining[i] = true;
        }
        return true;
    }

    private void markStuck(final int i)
    {
        if (!stuck[i])
        {
            stuck[i] = true;
            stuckSinceNs[i] = nanoClock.nanoTime();
            store.onMoverStuck();
        }
    }

    /**
     * Records the agent's thread, which workers wake when they finish a task.
     */
    public void onStart()
    {
        agentThread = Thread.currentThread();
    }

    /**
     * Forgets the agent's thread.
     */
    public void onClose()
    {
        agentThread = null;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return ROLE_NAME;
    }

    /**
     * Demotions out of one tier, run by an I/O worker: until the tier is at its drain target, stuck, or
     * {@link #MAX_MOVES_PER_TASK} blocks moved.
     */
    private final class DemoteTask implements IoWorkers.Task
    {
        volatile int state = IDLE;
        int tierIndex;
        int result;
        RuntimeException error;

        public void run(final IoScratch workerScratch)
        {
            // Several demotions per task, so that a worker does not wait for the agent's next duty cycle between
            // them; few enough that a prefetch queued meanwhile soon finds a worker.
            int moved = 0;
            int last = BlockStore.DEMOTE_DONE;
            try
            {
                while (moved < MAX_MOVES_PER_TASK)
                {
                    last = store.moveProtocol.demoteStep(tierIndex, workerScratch);
                    if (last <= 0)
                    {
                        break;
                    }
                    moved += last;
                }
            }
            catch (final RuntimeException ex)
            {
                error = ex;
            }
            finally
            {
                result = moved > 0 ? moved : last;
                state = FINISHED;
                final Thread thread = agentThread;
                if (thread != null)
                {
                    LockSupport.unpark(thread);
                }
            }
        }
    }
}
