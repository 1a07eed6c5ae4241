/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CapacityPublicationPolicyTest
{
    private static final long SECOND_NS = 1_000_000_000L;

    @Test
    void shouldPublishFirstThenOnlyOnChangeBeyondThresholdOrAfterMaxSilence()
    {
        final CapacityPublicationPolicy policy = new CapacityPublicationPolicy(100, 30 * SECOND_NS);
        long now = 0;
        assertTrue(policy.shouldPublish(now, 1_000));
        policy.published(now, 1_000);

        now += SECOND_NS;
        assertFalse(policy.shouldPublish(now, 1_000), "unchanged");
        assertFalse(policy.shouldPublish(now, 901), "changed by less than the threshold");
        assertFalse(policy.shouldPublish(now, 1_099), "changed by less than the threshold");
        assertTrue(policy.shouldPublish(now, 900), "changed by the threshold");
        assertTrue(policy.shouldPublish(now, 1_100), "changed by the threshold");
        policy.published(now, 1_100);

        now += 29 * SECOND_NS;
        assertFalse(policy.shouldPublish(now, 1_150));
        now += SECOND_NS;
        assertTrue(policy.shouldPublish(now, 1_150), "30 s without a publication");
    }

    @Test
    void shouldPublishAtOnceWhenTheNodeFillsUpOrStopsBeingFull()
    {
        final CapacityPublicationPolicy policy = new CapacityPublicationPolicy(1_000, 30 * SECOND_NS);
        policy.published(0, 10);
        assertTrue(policy.shouldPublish(1, 0), "became full: placement ranks full nodes apart");
        policy.published(1, 0);
        assertFalse(policy.shouldPublish(2, 0));
        assertTrue(policy.shouldPublish(3, 5), "no longer full");
    }

    @Test
    void shouldBehaveAsTheOldOncePerTickSchemeWithThresholdZeroAndSilenceOneTick()
    {
        final CapacityPublicationPolicy policy = new CapacityPublicationPolicy(0, SECOND_NS);
        int published = 0;
        for (int tick = 0; tick < 10; tick++)
        {
            final long now = tick * SECOND_NS;
            if (policy.shouldPublish(now, 777))
            {
                policy.published(now, 777);
                published++;
            }
        }
        assertEquals(10, published);
    }

    @Test
    void shouldDeriveTheDefaultThresholdFromCapacityAndRejectBadArguments()
    {
        final CapacityPublicationPolicy policy = CapacityPublicationPolicy.forCapacity(200L << 30);
        assertEquals((200L << 30) / 100, policy.changeThresholdBytes());
        assertEquals(CapacityPublicationPolicy.DEFAULT_MAX_SILENCE_MS * 1_000_000L, policy.maxSilenceNs());
        assertThrows(IllegalArgumentException.class, () -> new CapacityPublicationPolicy(-1, SECOND_NS));
        assertThrows(IllegalArgumentException.class, () -> new CapacityPublicationPolicy(0, 0));
    }

    @Test
    void shouldTakeTheConfiguredThresholdFractionAndRefresh()
    {
        final CapacityPublicationPolicy policy = CapacityPublicationPolicy.forCapacity(100L << 30, 0.05, 60_000);
        assertEquals((100L << 30) / 20, policy.changeThresholdBytes());
        assertEquals(60_000L * 1_000_000L, policy.maxSilenceNs());
        assertEquals(0, CapacityPublicationPolicy.forCapacity(100L << 30, 0, 1_000).changeThresholdBytes());
        assertThrows(IllegalArgumentException.class, () -> CapacityPublicationPolicy.forCapacity(1, 1.5, 1_000));
        assertThrows(IllegalArgumentException.class, () -> CapacityPublicationPolicy.forCapacity(1, Double.NaN, 1_000));
        assertThrows(IllegalArgumentException.class, () -> CapacityPublicationPolicy.forCapacity(1, 0.01, 0));
    }
}
