/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.client.ConfigurationException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LingeringIdleStrategyTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void lingersOnlyWithinTheLingerAfterWork()
    {
        final CachedNanoClock clock = new CachedNanoClock();
        clock.update(1_000 * MS);
        final LingeringIdleStrategy idle = new LingeringIdleStrategy(0, 0, 1_000, MS, 5 * MS, 50_000, clock);
        assertFalse(idle.lingering(), "no work yet: backed off");

        idle.idle(1);
        assertTrue(idle.lingering(), "work was just done");
        clock.advance(4 * MS);
        assertTrue(idle.lingering(), "4 ms after work, within the 5 ms linger");
        clock.advance(2 * MS);
        assertFalse(idle.lingering(), "6 ms after work: backed off");

        idle.idle(3);
        assertTrue(idle.lingering(), "work again starts the linger again");
    }

    @Test
    void idlesWithoutErrorInBothPhasesAndParksNoLongerThanTheLingerParkMeanwhile()
    {
        final CachedNanoClock clock = new CachedNanoClock();
        final LingeringIdleStrategy idle = new LingeringIdleStrategy(0, 0, 1_000, 200 * MS, 10_000 * MS, 50_000, clock);
        idle.idle(1);
        final long startNs = System.nanoTime();
        for (int i = 0; i < 20; i++)
        {
            idle.idle(0);
        }
        // Twenty parks of at most 50 us while lingering: far under one 200 ms park of the plain back-off.
        assertTrue(System.nanoTime() - startNs < 150 * MS, "parks stayed short while lingering");
    }

    @Test
    void refusesParksOutOfOrder()
    {
        final CachedNanoClock clock = new CachedNanoClock();
        assertThrows(IllegalArgumentException.class,
            () -> new LingeringIdleStrategy(0, 0, 1_000, MS, 5 * MS, 2 * MS, clock), "linger park over max park");
        assertThrows(IllegalArgumentException.class,
            () -> new LingeringIdleStrategy(0, 0, 1_000, MS, -1, 50_000, clock), "negative linger");
    }

    @Test
    void transportDefaultLingersAndZeroLingerIsThePlainBackOff()
    {
        assertInstanceOf(LingeringIdleStrategy.class, TransportConfiguration.agentIdleStrategy());
        System.setProperty(TransportConfiguration.IDLE_LINGER_PROP_NAME, "0");
        try
        {
            assertInstanceOf(BackoffIdleStrategy.class, TransportConfiguration.agentIdleStrategy());
            System.setProperty(TransportConfiguration.IDLE_LINGER_PROP_NAME, "5ms");
            final IdleStrategy lingering = TransportConfiguration.agentIdleStrategy();
            assertInstanceOf(LingeringIdleStrategy.class, lingering);
            System.setProperty(TransportConfiguration.IDLE_LINGER_PARK_PROP_NAME, "5s");
            final ConfigurationException ex =
                assertThrows(ConfigurationException.class, TransportConfiguration::agentIdleStrategy);
            assertTrue(ex.getMessage().contains(TransportConfiguration.IDLE_LINGER_PARK_PROP_NAME), ex.getMessage());
        }
        finally
        {
            System.clearProperty(TransportConfiguration.IDLE_LINGER_PROP_NAME);
            System.clearProperty(TransportConfiguration.IDLE_LINGER_PARK_PROP_NAME);
        }
    }
}
