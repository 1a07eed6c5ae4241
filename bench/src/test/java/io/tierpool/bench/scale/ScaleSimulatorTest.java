/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.scale;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScaleSimulatorTest
{
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static final long GIB = 1L << 30;

    @Test
    void shouldFillEveryNodeAndCountTheCopiesThatFoundNoRoom()
    {
        // 4 nodes with room for 10 blocks each, 30 blocks of 2 copies: 60 copies, 40 places
        final ScaleSimulator.Result result = ScaleSimulator.run(new ScaleSimulator.Settings(4, 30, 2, 1 << 20,
            List.of(10L << 20), 4 << 20, 1 << 20, true, 10, 2, 1), QUIET);
        assertEquals(20, result.unplaced());
        assertEquals(1.0, result.meanUsedFraction(), 1e-12);
        assertEquals(1.0, result.maxOverMeanUsed(), 1e-12);
    }

    @Test
    void shouldReportTheMeanUsedFractionOfTheDataWritten()
    {
        final ScaleSimulator.Result result = ScaleSimulator.run(new ScaleSimulator.Settings(10, 1_000, 2, 1 << 20,
            List.of(GIB), 100 << 20, 1 << 20, false, 10, 1, 2), QUIET);
        assertEquals(0, result.unplaced());
        assertEquals(2_000.0 / (10 * 1024), result.meanUsedFraction(), 1e-12);
        assertEquals(100, result.publications(), "old scheme: every node every simulated second (10 rounds)");
        assertEquals(10, result.rounds());
    }

    @Test
    void shouldRepairOnThreeNodesFromTheSurvivingHolderToTheOtherSurvivor()
    {
        // 3 nodes, 2 replicas: a lost copy's source is the block's other holder and its target the third node
        final ScaleSimulator.Result result = ScaleSimulator.run(new ScaleSimulator.Settings(3, 3_000, 2, 1 << 20,
            List.of(64 * GIB), 64L << 20, 1 << 20, true, 10, 2, 3), QUIET);
        assertEquals(2, result.survivors());
        assertEquals(2, result.sources());
        assertEquals(2, result.targets());
        assertTrue(result.lostCopies() > 1_500 && result.lostCopies() < 2_500, "lost " + result.lostCopies());
        assertEquals(result.lostCopies() / 2.0, result.idealRepairSeconds(), 1e-9, "1 MiB per second per node");
        assertTrue(result.repairSeconds() >= result.idealRepairSeconds());
        assertTrue(result.repairSeconds() >= result.sourceBoundSeconds());
    }

    @Test
    void shouldMoveAboutTheIdealShareOnJoinAndLeaveAndBalanceEqualNodes()
    {
        final ScaleSimulator.Result result = ScaleSimulator.run(new ScaleSimulator.Settings(40, 100_000, 2, 1 << 20,
            List.of(64 * GIB), 1L << 30, 1 << 20, true, 10, 2, 4), QUIET);
        assertEquals(0, result.unplaced());
        final double join = result.joinMoved() / result.joinIdeal();
        final double leave = result.leaveMoved() / result.leaveIdeal();
        assertTrue(join > 0.9 && join < 1.1, "join " + join);
        assertTrue(leave > 0.9 && leave < 1.1, "leave " + leave);
        assertTrue(result.maxOverMeanUsed() < 1.10, "balance " + result.maxOverMeanUsed());
        assertEquals(39, result.sources());
        assertEquals(39, result.targets());
    }
}
