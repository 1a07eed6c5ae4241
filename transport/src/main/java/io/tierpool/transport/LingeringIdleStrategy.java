/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

/**
 * A back-off that stays responsive for a while after work: for {@code lingerNs} after the last duty cycle that did
 * work, it spins, yields and parks no longer than {@code lingerParkNs}; past that it backs off to parks of up to
 * {@code maxParkNs}, as {@link BackoffIdleStrategy} does. A node daemon whose client alternates between nodes is
 * idle for a few milliseconds between its requests: with a plain back-off it is parked at its longest by then and
 * each request pays the wake-up; lingering keeps those wake-ups short while the process, once really idle, costs
 * what the plain back-off costs. (Linux's adaptive polling of busy sockets, {@code busy_poll}, and adaptive
 * spinning of mutexes follow the same idea: wait actively only while work is likely.)
 * <p>
 * Setting {@code lingerNs} to 0 gives the plain back-off exactly. Not thread-safe: one instance per agent, as every
 * {@link IdleStrategy}.
 */
public final class LingeringIdleStrategy implements IdleStrategy
{
    private final BackoffIdleStrategy lingering;
    private final BackoffIdleStrategy backoff;
    private final NanoClock clock;
    private final long lingerNs;
    private long lastWorkNs;
    private boolean inLinger;

    /**
     * @param maxSpins     spins before yielding, 0 or more.
     * @param maxYields    yields before parking, 0 or more.
     * @param minParkNs    first park, ns, 1 or more.
     * @param maxParkNs    longest park once idle past the linger, ns, at least {@code minParkNs}.
     * @param lingerNs     how long after work parks stay short, ns, 0 or more (0: never).
     * @param lingerParkNs longest park while lingering, ns, from {@code minParkNs} to {@code maxParkNs}.
     * @param clock        the clock that times the linger.
     * @throws IllegalArgumentException if a value is out of its range.
     */
    public LingeringIdleStrategy(
        final long maxSpins,
        final long maxYields,
        final long minParkNs,
        final long maxParkNs,
        final long lingerNs,
        final long lingerParkNs,
        final NanoClock clock)
    {
        if (maxSpins < 0 || maxYields < 0 || minParkNs < 1 || maxParkNs < minParkNs || lingerNs < 0 ||
            lingerParkNs < minParkNs || lingerParkNs > maxParkNs)
        {
            throw new IllegalArgumentException("LingeringIdleStrategy: spins " + maxSpins + " and yields " +
                maxYields + " must be 0 or more, parks 1 <= min " + minParkNs + " <= linger park " + lingerParkNs +
                " <= max " + maxParkNs + " ns, linger " + lingerNs + " ns 0 or more");
        }
        this.lingering = new BackoffIdleStrategy(maxSpins, maxYields, minParkNs, lingerParkNs);
        this.backoff = new BackoffIdleStrategy(maxSpins, maxYields, minParkNs, maxParkNs);
        this.clock = clock;
        this.lingerNs = lingerNs;
        this.lastWorkNs = clock.nanoTime() - lingerNs - 1;
    }

    /**
     * {@inheritDoc}
     */
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
        }
        else
        {
            idle();
        }
    }

    /**
     * {@inheritDoc}
     */
    public void idle()
    {
        if (lingerNs > 0 && clock.nanoTime() - lastWorkNs < lingerNs)
        {
            lingering.idle();
        }
        else
        {
            if (inLinger)
            {
                inLinger = false;
                backoff.reset();
            }
            backoff.idle();
        }
    }

    /**
     * Work was done: the linger starts again and both back-offs start from spinning.
     */
    public void reset()
    {
        lastWorkNs = clock.nanoTime();
        inLinger = true;
        lingering.reset();
        backoff.reset();
    }

    /**
     * @return whether the last {@link #idle()} would have parked at most the linger park: within the linger.
     */
    boolean lingering()
    {
        return lingerNs > 0 && clock.nanoTime() - lastWorkNs < lingerNs;
    }

    /**
     * {@inheritDoc}
     */
    public String alias()
    {
        return "lingering-backoff";
    }

    /**
     * @return the strategy with the system clock.
     * @see #LingeringIdleStrategy(long, long, long, long, long, long, NanoClock)
     */
    public static LingeringIdleStrategy of(
        final long maxSpins, final long maxYields, final long minParkNs, final long maxParkNs, final long lingerNs,
        final long lingerParkNs)
    {
        return new LingeringIdleStrategy(
            maxSpins, maxYields, minParkNs, maxParkNs, lingerNs, lingerParkNs, new SystemNanoClock());
    }
}
