/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.metrics;

import io.tierpool.client.PressureLevel;

import io.tierpool.client.TierKind;
import io.tierpool.client.TierStats;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PressureLevelTest
{
    private static final double LOW = 0.75;
    private static final double HIGH = 0.90;

    @Test
    void shouldMapUtilisationAgainstWatermarksToLevels()
    {
        assertEquals(PressureLevel.NORMAL, PressureLevel.of(0, 1000, LOW, HIGH));
        assertEquals(PressureLevel.NORMAL, PressureLevel.of(749, 1000, LOW, HIGH));
        assertEquals(PressureLevel.ELEVATED, PressureLevel.of(750, 1000, LOW, HIGH));
        assertEquals(PressureLevel.ELEVATED, PressureLevel.of(899, 1000, LOW, HIGH));
        assertEquals(PressureLevel.WARNING, PressureLevel.of(900, 1000, LOW, HIGH));
        assertEquals(PressureLevel.WARNING, PressureLevel.of(949, 1000, LOW, HIGH));
        assertEquals(PressureLevel.CRITICAL, PressureLevel.of(950, 1000, LOW, HIGH));
        assertEquals(PressureLevel.CRITICAL, PressureLevel.of(999, 1000, LOW, HIGH));
        assertEquals(PressureLevel.OUT_OF_MEMORY, PressureLevel.of(1000, 1000, LOW, HIGH));
    }

    @Test
    void shouldSkipWarningWhenHighWatermarkIsAboveCriticalUtilisation()
    {
        assertEquals(PressureLevel.ELEVATED, PressureLevel.of(969, 1000, 0.5, 0.97));
        assertEquals(PressureLevel.CRITICAL, PressureLevel.of(970, 1000, 0.5, 0.97));
    }

    @Test
    void shouldReportEmptyAndZeroCapacityTiersAsNormal()
    {
        assertEquals(PressureLevel.NORMAL, PressureLevel.of(0, 0, LOW, HIGH));
        assertEquals(PressureLevel.NORMAL, PressureLevel.of(
            new TierStats(TierKind.VVRAM, "VVRAM", 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1), LOW, HIGH));
    }

    @Test
    void shouldNumberLevelsFromZeroToFourInSeverityOrder()
    {
        final PressureLevel[] levels = PressureLevel.values();
        for (int i = 0; i < levels.length; i++)
        {
            assertEquals(i, levels[i].level(), levels[i].name());
        }
        assertEquals(4, PressureLevel.OUT_OF_MEMORY.level());
    }
}
