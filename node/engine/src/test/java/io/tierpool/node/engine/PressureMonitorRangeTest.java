/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.EvictionPolicy;

import io.tierpool.client.PressureChange;

import io.tierpool.client.Hint;
import io.tierpool.client.PressureLevel;
import io.tierpool.node.tier.Tier;
import io.tierpool.client.TierKind;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.MIB;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link PressureMonitor} re-evaluates a tier only when its used bytes leave the range of its current level (or
 * its hard cap changes): after every evaluation each tier's level must still equal
 * {@link TierSlot#computePressure()}, and listeners must hear exactly the changes that recomputing every time
 * would report.
 */
@Timeout(60)
class PressureMonitorRangeTest
{
    @TempDir
    Path tempDir;

    @Test
    void levelsAndChangesMatchAFullRecomputationOnRandomWalks()
    {
        final long[][] settings = {
            // capacity, soft cap, hard cap, low watermark x 1000, high watermark x 1000
            { 100L * 4096, 0, 0, 750, 900 },
            { 1_000_003, 0, 0, 750, 900 },
            { 1L << 30, 0, 0, 500, 600 },
            { 1L << 30, 500_000_000, 0, 750, 900 },
            { 1L << 30, 0, 700_000_000, 100, 999 },
            { 1000, 990, 0, 750, 900 },
            { 64, 0, 0, 750, 1000 },
            { 7, 0, 0, 250, 500 },
        };
        final Random random = new Random(7);
        for (final long[] s : settings)
        {
            final ManualTier tier = new ManualTier(s[0]);
            final TierSlot slot = new TierSlot(
                0, tier, false, s[1], s[2], s[3] / 1000.0, s[4] / 1000.0, EvictionPolicy.LRU);
            final String what = "capacity " + s[0] + ", soft " + s[1] + ", hard " + s[2];
            walk(random, tier, slot, what);
        }
    }

    @Test
    void capacityChangesOfATierAreNoticedAtTheNextEvaluation()
    {
        final ManualTier tier = new ManualTier(1000);
        final TierSlot slot = new TierSlot(0, tier, false, 0, 0, 0.75, 0.9, EvictionPolicy.LRU);
        final PressureMonitor monitor = new PressureMonitor(Throwable::printStackTrace);
        final List<PressureChange> changes = new ArrayList<>();
        monitor.add(changes::add);
        final TierSlot[] slots = { slot };

        tier.used = 700;
        monitor.evaluate(slots);
        monitor.dispatch();
        assertEquals(PressureLevel.NORMAL, slot.pressureLevel);

        tier.capacity = 720;
        monitor.evaluate(slots);
        monitor.dispatch();
        assertEquals(PressureLevel.CRITICAL, slot.pressureLevel);
        assertEquals(1, changes.size());
        assertEquals(720, changes.get(0).hardCapBytes());

        tier.capacity = 2000;
        monitor.evaluate(slots);
        monitor.dispatch();
        assertEquals(PressureLevel.NORMAL, slot.pressureLevel);
        assertEquals(2, changes.size());
        assertEquals(PressureLevel.CRITICAL, changes.get(1).previous());
    }

    @Test
    void storeReportsEveryCrossingWhenUsageOscillatesAroundAThreshold()
    {
        final int block = 4 * KIB;
        try (BlockStore store = new BlockStore(context(tempDir, MIB, 0, 0).hardCapBytes(TierKind.RAM, 100L * block)))
        {
            final List<String> seen = new ArrayList<>();
            store.addPressureListener((change) -> seen.add(change.previous() + "->" + change.level() + " @" +
                change.usedBytes() / block));
            for (int i = 0; i < 74; i++)
            {
                store.allocate(block, Hint.PIN_FAST);
            }
            final List<String> expected = new ArrayList<>();
            for (int round = 0; round < 5; round++)
            {
                final long id = store.allocate(block, Hint.PIN_FAST);
                assertEquals(PressureLevel.ELEVATED, store.pressureLevel(TierKind.RAM));
                store.free(id);
                assertEquals(PressureLevel.NORMAL, store.pressureLevel(TierKind.RAM));
                expected.add("NORMAL->ELEVATED @75");
                expected.add("ELEVATED->NORMAL @74");
            }
            assertEquals(expected, seen);
        }
    }

    private static void walk(final Random random, final ManualTier tier, final TierSlot slot, final String what)
    {
        final PressureMonitor monitor = new PressureMonitor((ex) -> fail(ex));
        final List<PressureChange> heard = new ArrayList<>();
        monitor.add(heard::add);
        final TierSlot[] slots = { slot };
        PressureLevel expectedLevel = slot.pressureLevel;
        final List<String> expected = new ArrayList<>();
        final List<String> actual = new ArrayList<>();
        final long capacity = tier.capacity;
        for (int step = 0; step < 20_000; step++)
        {
            final int move = random.nextInt(10);
            if (move < 6)
            {
                tier.used = Math.max(0, Math.min(capacity, tier.used + random.nextInt(7) - 3));
            }
            else if (move < 9)
            {
                tier.used = (long)(random.nextDouble() * (capacity + 1));
            }
            else
            {
                // Jump next to a threshold of the level function.
                final long threshold = nearThreshold(random, slot);
                tier.used = Math.max(0, Math.min(capacity, threshold + random.nextInt(5) - 2));
            }

            monitor.evaluate(slots);
            monitor.dispatch();
            final PressureLevel now = slot.computePressure();
            assertEquals(now, slot.pressureLevel, what + ", used " + tier.used);
            if (now != expectedLevel)
            {
                expected.add(expectedLevel + "->" + now + " @" + tier.used);
                expectedLevel = now;
            }
        }
        for (final PressureChange change : heard)
        {
            actual.add(change.previous() + "->" + change.level() + " @" + change.usedBytes());
        }
        assertEquals(expected, actual, what);
    }

    private static long nearThreshold(final Random random, final TierSlot slot)
    {
        final long hard = slot.hardCapBytes();
        switch (random.nextInt(4))
        {
            case 0:
                return slot.drainTargetBytes();
            case 1:
                return slot.softCapBytes();
            case 2:
                return (long)(hard * PressureLevel.CRITICAL_UTILISATION);
            default:
                return hard;
        }
    }

    /**
     * A tier whose capacity and used bytes the test sets.
     */
    private static final class ManualTier implements Tier
    {
        long capacity;
        long used;

        ManualTier(final long capacity)
        {
            this.capacity = capacity;
        }

        public TierKind kind()
        {
            return TierKind.REMOTE;
        }

        public String name()
        {
            return "MANUAL";
        }

        public long capacityBytes()
        {
            return capacity;
        }

        public long usedBytes()
        {
            return used;
        }

        public long blockCount()
        {
            return 0;
        }

        public long write(final long blockId, final DirectBuffer src, final int srcOffset, final int length, final int crc32c)
        {
            throw new UnsupportedOperationException("block " + blockId + ": the manual tier holds no bytes");
        }

        public void read(final long blockId, final long location, final MutableDirectBuffer dst, final int dstOffset, final int length)
        {
            throw new UnsupportedOperationException("block " + blockId + ": the manual tier holds no bytes");
        }

        public void free(final long blockId, final long location)
        {
            throw new UnsupportedOperationException("block " + blockId + ": the manual tier holds no bytes");
        }

        public void close()
        {
        }
    }
}
