/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.PressureListener;

import io.tierpool.client.Hint;
import io.tierpool.client.PressureLevel;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.MIB;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class PressureListenerTest
{
    private static final int BLOCK = 4 * KIB;
    /** Hard cap of 100 blocks: drain target 75 blocks (ELEVATED), soft cap 90 (WARNING), 95 CRITICAL, 100 OOM. */
    private static final long HARD_CAP = 100L * BLOCK;

    @TempDir
    Path tempDir;

    @Test
    void listenersFireAtTheRightLevelsWhenFillingAndDraining()
    {
        try (BlockStore store = new BlockStore(context(tempDir, MIB, 0, 0).hardCapBytes(TierKind.RAM, HARD_CAP)))
        {
            final List<String> seen = new ArrayList<>();
            final Thread testThread = Thread.currentThread();
            final List<Thread> callers = new ArrayList<>();
            store.addPressureListener((change) ->
            {
                seen.add(change.tierName() + " " + change.previous() + "->" + change.level() + " @" +
                    change.usedBytes() / BLOCK);
                callers.add(Thread.currentThread());
                assertEquals(HARD_CAP, change.hardCapBytes());
                // Listeners run without the engine lock: calling the store is allowed.
                assertEquals(change.level(), store.pressureLevel(TierKind.RAM));
            });

            assertEquals(PressureLevel.NORMAL, store.pressureLevel(TierKind.RAM));
            final List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 100; i++)
            {
                ids.add(store.allocate(BLOCK, Hint.PIN_FAST));
            }
            assertEquals(List.of(
                "RAM NORMAL->ELEVATED @75",
                "RAM ELEVATED->WARNING @90",
                "RAM WARNING->CRITICAL @95",
                "RAM CRITICAL->OUT_OF_MEMORY @100"), seen);
            assertEquals(PressureLevel.OUT_OF_MEMORY, store.stats().engineTier(TierKind.RAM).pressureLevel());

            seen.clear();
            for (int i = 99; i >= 0; i--)
            {
                store.free(ids.get(i));
            }
            assertEquals(List.of(
                "RAM OUT_OF_MEMORY->CRITICAL @99",
                "RAM CRITICAL->WARNING @94",
                "RAM WARNING->ELEVATED @89",
                "RAM ELEVATED->NORMAL @74"), seen);
            for (final Thread caller : callers)
            {
                assertEquals(testThread, caller, "called on the thread whose operation changed the level");
            }
            assertEquals(0, store.stats().pressureListenerErrors());
        }
    }

    /**
     * The thresholds as {@link PressureLevel} defines them for a soft cap set below the default: hard cap
     * {@code H} = 100 blocks, soft cap {@code S} = 80 blocks, drain target {@code D = S * 0.75 / 0.9} = 66.7 blocks;
     * and for a soft cap above {@code 0.95 H}, where WARNING is skipped.
     */
    @Test
    void levelsChangeAtTheDrainTargetSoftCapAndHardCapAsPressureLevelDefinesThem()
    {
        assertEquals(List.of(
            "NORMAL->ELEVATED @67", "ELEVATED->WARNING @80", "WARNING->CRITICAL @95", "CRITICAL->OUT_OF_MEMORY @100",
            "OUT_OF_MEMORY->CRITICAL @99", "CRITICAL->WARNING @94", "WARNING->ELEVATED @79", "ELEVATED->NORMAL @66"),
            fillAndDrain(80));
        // S = 97 blocks >= 0.95 H: D = 97 * 0.75 / 0.9 = 80.8 blocks, and CRITICAL starts at max(S, 0.95 H) = S.
        assertEquals(List.of(
            "NORMAL->ELEVATED @81", "ELEVATED->CRITICAL @97", "CRITICAL->OUT_OF_MEMORY @100",
            "OUT_OF_MEMORY->CRITICAL @99", "CRITICAL->ELEVATED @96", "ELEVATED->NORMAL @80"),
            fillAndDrain(97));
    }

    private List<String> fillAndDrain(final int softCapBlocks)
    {
        final StoreContext ctx = context(tempDir, MIB, 0, 0)
            .hardCapBytes(TierKind.RAM, HARD_CAP)
            .softCapBytes(TierKind.RAM, (long)softCapBlocks * BLOCK);
        assertEquals(0.75, ctx.lowWatermark());
        assertEquals(0.90, ctx.highWatermark());
        try (BlockStore store = new BlockStore(ctx))
        {
            final List<String> seen = new ArrayList<>();
            store.addPressureListener((change) ->
            {
                assertEquals((long)softCapBlocks * BLOCK, change.softCapBytes());
                seen.add(change.previous() + "->" + change.level() + " @" + change.usedBytes() / BLOCK);
            });
            final List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 100; i++)
            {
                ids.add(store.allocate(BLOCK, Hint.PIN_FAST));
                assertEquals(PressureLevel.of(i + 1, 100, (softCapBlocks * 0.75 / 0.9) / 100, softCapBlocks / 100.0),
                    store.pressureLevel(TierKind.RAM), "at " + (i + 1) + " blocks");
            }
            for (int i = 99; i >= 0; i--)
            {
                store.free(ids.get(i));
            }
            return seen;
        }
    }

    @Test
    void failingListenersAreCountedAndDoNotStopOthersAndCanBeRemoved()
    {
        final List<Throwable> reported = new ArrayList<>();
        try (BlockStore store = new BlockStore(context(tempDir, MIB, 0, 0)
            .hardCapBytes(TierKind.RAM, HARD_CAP)
            .errorHandler(reported::add)))
        {
            final List<PressureLevel> levels = new ArrayList<>();
            final PressureListener failing = (change) ->
            {
                throw new IllegalStateException("listener failure for " + change.level());
            };
            final PressureListener recording = (change) -> levels.add(change.level());
            store.addPressureListener(failing);
            store.addPressureListener(recording);
            assertThrows(IllegalArgumentException.class, () -> store.addPressureListener(null));

            final List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 75; i++)
            {
                ids.add(store.allocate(BLOCK, Hint.WARM));
            }
            assertEquals(List.of(PressureLevel.ELEVATED), levels);
            assertEquals(1, store.stats().pressureListenerErrors());
            assertEquals(1, reported.size());
            assertTrue(reported.get(0).getMessage().contains("ELEVATED"));

            assertTrue(store.removePressureListener(failing));
            assertFalse(store.removePressureListener(failing));
            store.free(ids.get(0));
            assertEquals(List.of(PressureLevel.ELEVATED, PressureLevel.NORMAL), levels);
            assertEquals(1, store.stats().pressureListenerErrors());
        }
    }

    @Test
    void demotionsByTheMoverAreReported() throws Exception
    {
        try (BlockStore store = new BlockStore(context(tempDir, MIB, MIB, 0).hardCapBytes(TierKind.RAM, HARD_CAP)))
        {
            final List<String> seen = new ArrayList<>();
            for (int i = 0; i < 91; i++)
            {
                store.allocate(BLOCK, Hint.WARM);
            }
            store.addPressureListener((change) ->
            {
                if (change.kind() == TierKind.RAM)
                {
                    seen.add(change.previous() + "->" + change.level());
                }
            });
            assertEquals(PressureLevel.WARNING, store.pressureLevel(TierKind.RAM));
            store.runMover();
            // Drained down to the drain target (75 blocks): WARNING -> ELEVATED at 89 blocks, and no lower.
            assertEquals(List.of("WARNING->ELEVATED"), seen);
            assertEquals(75L * BLOCK, store.stats().tier(TierKind.RAM).usedBytes());
            assertEquals(PressureLevel.ELEVATED, store.pressureLevel(TierKind.RAM));
        }
    }
}
