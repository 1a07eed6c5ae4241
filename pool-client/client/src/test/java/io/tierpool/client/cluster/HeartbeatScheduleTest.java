/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.cluster;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeartbeatScheduleTest
{
    @Test
    void shouldLeaveThreeHeartbeatsPerLease()
    {
        assertEquals(3, HeartbeatSchedule.renewEveryRounds(10_000, 1_000));
        assertEquals(1, HeartbeatSchedule.renewEveryRounds(2_000, 500), "short leases keep every round");
        assertEquals(1, HeartbeatSchedule.renewEveryRounds(0, 1_000), "observers keep every round");
        assertEquals(10, HeartbeatSchedule.renewEveryRounds(30_000, 1_000));
        assertThrows(IllegalArgumentException.class, () -> new HeartbeatSchedule(1, 0));
    }

    @Test
    void shouldAskTheAnchorEveryRoundAndEveryOtherNodeOncePerRenewalPeriodSpreadOverRounds()
    {
        final int nodes = 1_000;
        final int every = 3;
        final HeartbeatSchedule schedule = new HeartbeatSchedule(0xC11E47L, every);
        final Random random = new Random(3);
        final long[] keys = new long[nodes];
        for (int i = 0; i < nodes; i++)
        {
            keys[i] = random.nextLong();
        }
        final int[] askedPerNode = new int[nodes];
        for (long round = 0; round < 30; round++)
        {
            int asked = 0;
            for (int i = 0; i < nodes; i++)
            {
                if (schedule.sendTo(round, keys[i], i == 0, true))
                {
                    askedPerNode[i]++;
                    asked++;
                    if (i != 0)
                    {
                        final long next = round;
                        for (long gap = 1; gap < every; gap++)
                        {
                            assertTrue(!schedule.sendTo(next + gap, keys[i], false, true), "node " + i +
                                " asked twice within " + every + " rounds");
                        }
                    }
                }
            }
            assertTrue(asked > nodes / every * 0.8 && asked < nodes / every * 1.2, "round " + round + ": " + asked);
        }
        assertEquals(30, askedPerNode[0], "the anchor every round");
        for (int i = 1; i < nodes; i++)
        {
            assertEquals(30 / every, askedPerNode[i], "node " + i);
        }
    }

    @Test
    void shouldAskEveryNodeEveryRoundWhileTheAnchorIsSilentOrWithOneRoundPerRenewal()
    {
        final HeartbeatSchedule schedule = new HeartbeatSchedule(7, 5);
        final HeartbeatSchedule old = new HeartbeatSchedule(7, 1);
        for (long round = 0; round < 10; round++)
        {
            for (long key = 0; key < 100; key++)
            {
                assertTrue(schedule.sendTo(round, key, false, false));
                assertTrue(old.sendTo(round, key, false, true));
            }
        }
    }
}
