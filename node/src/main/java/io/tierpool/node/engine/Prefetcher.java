/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import org.agrona.concurrent.Agent;

/**
 * The background agent that brings blocks up to RAM ahead of their use: it takes block ids off the store's
 * prefetch queue (filled by {@link BlockStore#prefetchAsync(long)} and by sequential-access detection) and
 * promotes each block still below RAM, at most {@link #MAX_PREFETCHES_PER_DUTY_CYCLE} per duty cycle: room in RAM
 * is reserved under the engine lock (demoting the coldest movable blocks there, as a read would), the block is
 * read and verified without the engine lock, and switched to RAM under it if nothing changed meanwhile.
 * <p>
 * Runs on its own thread ({@value #ROLE_NAME}) under an {@link org.agrona.concurrent.AgentRunner} when the store
 * starts it; tests may call {@link #doWork()} directly (any thread; calls are serialised). Errors (a checksum
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

    private final BlockStore store;

    Prefetcher(final BlockStore store)
    {
        this.store = store;
    }

    /**
     * Prefetches queued blocks.
     *
     * @return the number of queue entries handled (0 when the queue is empty).
     */
    public synchronized int doWork()
    {
        int work = 0;
        while (work < MAX_PREFETCHES_PER_DUTY_CYCLE)
        {
            final int result = store.prefetchStep();
            if (result == BlockStore.PREFETCH_QUEUE_EMPTY)
            {
                break;
            }
            work++;
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
}
