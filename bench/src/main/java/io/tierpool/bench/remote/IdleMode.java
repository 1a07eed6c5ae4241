/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.remote;

import io.tierpool.transport.TransportConfiguration;
import org.agrona.SystemUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * How the raw Aeron baseline's threads wait: as TierPool's do ({@link #BACKOFF}, the one its goals compare with),
 * or yielding ({@link #YIELD}, the lowest latency two cores allow, for reference).
 */
public enum IdleMode
{
    /**
     * TierPool's own: the transport's media driver thread and a node's block server thread back off to a park
     * of at most {@value TransportConfiguration#IDLE_MAX_PARK_PROP_NAME} (1 ms by default); a waiting client
     * thread to at most {@value TransportConfiguration#CLIENT_IDLE_MAX_PARK_PROP_NAME} (100 µs by default), with
     * the spins, yields and shortest park ({@code 10, 20, 1 µs}) the transport's contexts use.
     */
    BACKOFF,

    /**
     * Every thread yields when idle: the driver's, the peer's and the waiting benchmark thread.
     */
    YIELD;

    private static final int SPINS = 10;
    private static final int YIELDS = 20;
    private static final long MIN_PARK_NS = 1_000;

    /**
     * @return the idle strategy of the media driver's shared thread, or null for the transport's default (what
     * {@link io.tierpool.transport.TransportDriver.Context} concludes to).
     */
    public IdleStrategy driverIdleStrategy()
    {
        return this == BACKOFF ? null : new YieldingIdleStrategy();
    }

    /**
     * @return the idle strategy of the peer's polling thread, as a node's block server thread waits (lingering after
     * work too, for {@value TransportConfiguration#IDLE_LINGER_PROP_NAME}, default 5 ms).
     */
    public IdleStrategy serverIdleStrategy()
    {
        return this == BACKOFF ? TransportConfiguration.agentIdleStrategy() : new YieldingIdleStrategy();
    }

    /**
     * @return the idle strategy of the benchmark's thread while it waits for an answer, as a block client's
     * caller waits.
     */
    public IdleStrategy clientIdleStrategy()
    {
        return this == BACKOFF ? new BackoffIdleStrategy(SPINS, YIELDS, MIN_PARK_NS, SystemUtil.getDurationInNanos(
            TransportConfiguration.CLIENT_IDLE_MAX_PARK_PROP_NAME,
            TransportConfiguration.CLIENT_IDLE_MAX_PARK_DEFAULT_NS)) : new YieldingIdleStrategy();
    }
}
