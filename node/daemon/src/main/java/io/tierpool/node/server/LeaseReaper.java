/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A node daemon's agent that reclaims the blocks of clients whose lease lapsed
 * ({@link NodeBlockService#reclaimLapsedLeases}): its duty cycle checks every {@code intervalMs}, frees the lapsed
 * clients' blocks and logs each at INFO with the client's id and how many blocks came back.
 * <p>
 * Owns its thread; {@link #close()} stops it and waits for it, idempotently. The blocks themselves belong to the
 * service.
 */
public final class LeaseReaper implements AutoCloseable
{
    /** Default interval between checks: 200 ms, small against the shortest lease ({@link ClientLeases#MIN_LEASE_MS}). */
    public static final long DEFAULT_INTERVAL_MS = 200;

    private static final Logger LOG = LoggerFactory.getLogger(LeaseReaper.class);

    private final NodeBlockService service;
    private final String nodeName;
    private final long intervalNs;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Start reaping.
     *
     * @param service    the node's block service; owned by the caller, to be closed after this reaper.
     * @param nodeName   the node's name, for the thread's name and the log.
     * @param intervalMs milliseconds between checks, 1 or more.
     * @throws IllegalArgumentException if intervalMs is below 1.
     */
    public LeaseReaper(final NodeBlockService service, final String nodeName, final long intervalMs)
    {
        if (intervalMs < 1)
        {
            throw new IllegalArgumentException("intervalMs must be 1 or more, was " + intervalMs + " on node " +
                nodeName);
        }
        this.service = service;
        this.nodeName = nodeName;
        this.intervalNs = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        this.thread = new Thread(this::run, "tierpool-lease-reaper-" + nodeName);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run()
    {
        while (running)
        {
            try
            {
                service.reclaimLapsedLeases((clientId, freedBlocks) -> LOG.info(
                    "node {}: the lease of client {} lapsed: reclaimed {} blocks", nodeName,
                    Long.toHexString(clientId), freedBlocks));
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("node {}: reclaiming lapsed leases failed; trying again", nodeName, ex);
            }
            LockSupport.parkNanos(intervalNs);
        }
    }

    /**
     * Stop the thread and wait for it. Idempotent.
     */
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        boolean interrupted = false;
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
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
