/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.scale;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrafficModelTest
{
    @Test
    void shouldCountTheOldSchemeExactlyAndTheNewOneBelowIt()
    {
        final TrafficModel.Result result = TrafficModel.run(new TrafficModel.Settings(List.of(10, 300), 60,
            List.of(64L << 30, 128L << 30), 4L << 20, 16L << 30, 5));
        for (final TrafficModel.Row row : result.rows())
        {
            assertEquals(row.nodes(), row.capacityOld(), 1e-9, "every node publishes each second to every node");
            assertEquals(row.clients(), row.heartbeatsOldMeanPerNode(), 1e-9, "every client asks every node");
            assertEquals(row.nodes(), row.answersOldPerClient(), 1e-9, "every node answers every client");
            assertTrue(row.capacityNewSteady() < row.capacityOld(), row.toString());
            assertTrue(row.capacityNewFilling() < row.capacityOld(), row.toString());
        }
        final TrafficModel.Row large = result.rows().get(1);
        // the anchor every round, the 299 others every third round
        assertEquals(1 + 299 / 3.0, large.answersNewPerClient(), 1.0);
        assertTrue(large.heartbeatsNewMeanPerNode() < large.heartbeatsOldMeanPerNode() / 2.5, large.toString());
        assertTrue(large.capacityNewSteady() < large.capacityOld() / 10, large.toString());
    }

    @Test
    void shouldCountMembershipBytesAsEncodedAndTheDeltasFarBelowFullLists()
    {
        final TrafficModel.Result result = TrafficModel.run(new TrafficModel.Settings(List.of(10, 300), 60,
            List.of(64L << 30, 128L << 30), 4L << 20, 16L << 30, 5));
        final TrafficModel.Row small = result.rows().get(0);
        final TrafficModel.Row large = result.rows().get(1);
        assertEquals(small.answersOldPerClient() * small.fullAnswerBytes(), small.answerBytesOldPerClient(), 1e-6);
        assertEquals(large.answersNewPerClient() * large.fullAnswerBytes(), large.answerBytesSchedulePerClient(),
            1e-6);
        assertTrue(large.fullAnswerBytes() > 300 * 50L && large.fullAnswerBytes() < 300 * 100L,
            "about 50-100 bytes per listed node: " + large);
        assertTrue(large.leaseOnlyAnswerBytes() < 100, large.toString());
        assertTrue(large.meanDeltaEntries() < 300, large.toString());
        assertTrue(large.answerBytesNewPerClient() < large.answerBytesSchedulePerClient() / 20, large.toString());
        assertTrue(result.toTable().contains("v4: lease-only + anchor delta"), result.toTable());
    }
}
