/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.server;

import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node daemon's agent that reclaims the blocks of clients whose lease lapsed
 * ({@link NodeBlockService#reclaimLapsedLeases}). Duty cycle: each {@link #doWork()} frees the lapsed clients'
 * blocks and logs each at INFO with the client's id and how many blocks came back; when none lapsed, the runner
 * sleeps {@code intervalMs}.
 * <p>
 * Owns its {@link AgentRunner} and thread; {@link #close()} stops and joins them, idempotently. The blocks
 * themselves belong to the service.
 */
public final class LeaseReaper implements Agent, AutoCloseable
{
    /** Default interval between checks: 200 ms, small against the shortest lease ({@link ClientLeases#MIN_LEASE_MS}). */
    public static final long DEFAULT_INTERVAL_MS = 200;

    private static final Logger LOG = LoggerFactory.getLogger(LeaseReaper.class);

    private final NodeBlockService service;
    private final String nodeName;
    private final NodeBlockService.LapseListener logLapse;
    private final AgentRunner runner;

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
        this.logLapse = (clientId, freedBlocks) -> LOG.info("node {}: the lease of client {} lapsed: reclaimed {} blocks",
            nodeName, Long.toHexString(clientId), freedBlocks);
        this.runner = new AgentRunner(new SleepingMillisIdleStrategy(intervalMs),
            (throwable) -> LOG.warn("node {}: reclaiming lapsed leases failed; trying again", nodeName, throwable),
            null, this);
        AgentRunner.startOnThread(runner);
    }

    /**
     * @return how many clients' leases lapsed and were reclaimed this cycle.
     */
    public int doWork()
    {
        return service.reclaimLapsedLeases(logLapse);
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "tierpool-lease-reaper-" + nodeName;
    }

    /**
     * Stop the agent and join its thread. Idempotent.
     */
    public void close()
    {
        CloseHelper.close(runner);
    }
}
