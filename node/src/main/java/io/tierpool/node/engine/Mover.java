/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

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
 * {@link BlockStore.Context#moverStuckBackoffNs()} before trying again. Only {@link BlockStore#free(long)} deletes
 * data.
 * <p>
 * Runs on its own thread under an {@link org.agrona.concurrent.AgentRunner} when the store starts it; tests
 * may instead call {@link #doWork()} directly (any thread; calls are serialised). Errors are reported to the
 * store's error handler and counted in {@link StoreStats#moverErrors()}; they never stop the agent.
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

    private final BlockStore store;
    private final NanoClock nanoClock;
    private final long stuckBackoffNs;
    private final boolean[] draining;
    private final boolean[] stuck;
    private final long[] stuckSinceNs;

    Mover(final BlockStore store, final NanoClock nanoClock, final long stuckBackoffNs, final int tierCount)
    {
        this.store = store;
        this.nanoClock = nanoClock;
        this.stuckBackoffNs = stuckBackoffNs;
        this.draining = new boolean[tierCount];
        this.stuck = new boolean[tierCount];
        this.stuckSinceNs = new long[tierCount];
    }

    /**
     * Demotes blocks out of tiers above their soft cap.
     *
     * @return the number of blocks moved (0 when every tier is below its watermark, or stuck).
     */
    public synchronized int doWork()
    {
        int moves = 0;
        try
        {
            final int lastSource = draining.length - 1;
            for (int i = 0; i < lastSource && moves < MAX_MOVES_PER_DUTY_CYCLE; i++)
            {
                if (stuck[i])
                {
                    if (nanoClock.nanoTime() - stuckSinceNs[i] < stuckBackoffNs)
                    {
                        continue;
                    }
                    stuck[i] = false;
                }

                if (!draining[i])
                {
                    if (!store.isAboveHighWatermark(i))
                    {
                        continue;
                    }
                    draining[i] = true;
                }

                while (moves < MAX_MOVES_PER_DUTY_CYCLE)
                {
                    final int result = store.demoteStep(i);
                    if (result == BlockStore.DEMOTE_DONE)
                    {
                        draining[i] = false;
                        break;
                    }
                    if (result == BlockStore.DEMOTE_STUCK)
                    {
                        stuck[i] = true;
                        stuckSinceNs[i] = nanoClock.nanoTime();
                        store.onMoverStuck();
                        break;
                    }
                    moves++;
                }
            }
        }
        catch (final RuntimeException ex)
        {
            store.onMoverError(ex);
        }

        return moves;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return ROLE_NAME;
    }
}
