/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.EngineTierStats;

import io.tierpool.client.Hint;
import io.tierpool.client.PressureLevel;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.tierpool.node.engine.StoreTestSupport.MIB;
import static io.tierpool.node.engine.StoreTestSupport.allocateWith;
import static io.tierpool.node.engine.StoreTestSupport.assertContent;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the mover leaves a tier at rest: watermark hysteresis. The mover starts on a tier only once its used bytes
 * pass the soft cap and then drains it down to the drain target; blocks that come into the tier after a drain
 * (allocations, promotions on access) may leave it anywhere up to the soft cap, above the drain target, and the
 * mover leaves it there, neither stuck nor in error. The configuration is the node daemon's in
 * {@code NodeDaemonMetricsTest}: RAM 8 MiB, VVRAM 4 MiB, VSSD 16 MiB, watermarks 0.2 and 0.4 (RAM's soft cap
 * 3.2 MiB, drain target 1.6 MiB), blocks of 1 MiB + 333 bytes, each taking a 1.25 MiB size class in RAM. The mover
 * is driven by {@link BlockStore#runMover()} on the test thread; no mover or prefetcher thread runs.
 */
@Timeout(60)
class MoverRestTest
{
    private static final long RAM = 8 * MIB;
    private static final int BLOCK = MIB + 333;
    private static final double LOW_WATERMARK = 0.2;
    private static final double HIGH_WATERMARK = 0.4;
    private static final long RAM_DRAIN_TARGET = (long)(LOW_WATERMARK * RAM);

    @TempDir
    Path tempDir;

    private final Random random = new Random(0x4E57);
    private final List<Long> ids = new ArrayList<>();
    private final List<byte[]> contents = new ArrayList<>();

    private BlockStore open(final double highWatermark)
    {
        return new BlockStore(context(tempDir, RAM, 4 * MIB, 16 * MIB)
            .lowWatermark(LOW_WATERMARK)
            .highWatermark(highWatermark));
    }

    private void allocate(final BlockStore store)
    {
        final byte[] bytes = randomBytes(random, BLOCK);
        ids.add(allocateWith(store, bytes, Hint.WARM));
        contents.add(bytes);
    }

    private static EngineTierStats ram(final BlockStore store)
    {
        return store.stats().engineTier(TierKind.RAM);
    }

    private void assertAllContents(final BlockStore store)
    {
        for (int i = 0; i < ids.size(); i++)
        {
            assertContent(store, ids.get(i), contents.get(i));
        }
    }

    /**
     * Three blocks pass RAM's soft cap; the mover drains RAM to one block (two moves, at or below the drain
     * target). Returns the bytes one block takes in RAM (its size class).
     */
    private long passSoftCapAndDrain(final BlockStore store)
    {
        allocate(store);
        final long blockBytes = ram(store).usedBytes();
        assertEquals(5 * MIB / 4, blockBytes, "a block of 1 MiB + 333 bytes takes a 1.25 MiB size class");
        allocate(store);
        allocate(store);
        assertEquals(3 * blockBytes, ram(store).usedBytes());
        assertTrue(3 * blockBytes > ram(store).softCapBytes(), "three blocks pass the soft cap");
        assertTrue(2 * blockBytes > RAM_DRAIN_TARGET && 2 * blockBytes <= ram(store).softCapBytes(),
            "two blocks lie between the drain target and the soft cap");

        assertTrue(store.runMover() >= 2, "the mover drains RAM (and the tiers below in turn)");

        assertEquals(blockBytes, ram(store).usedBytes(), "drained to one block, the first at or under the target");
        assertEquals(2, ram(store).demotedBlocks());
        assertEquals(TierKind.RAM, store.tierOf(ids.get(2)), "the most recently used block stays");
        return blockBytes;
    }

    private static void assertRestsAboveDrainTarget(final BlockStore store, final long expectedUsedBytes)
    {
        for (int i = 0; i < 3; i++)
        {
            assertEquals(0, store.runMover(), "between the drain target and the soft cap the mover does not start");
        }
        final EngineTierStats ram = ram(store);
        assertEquals(expectedUsedBytes, ram.usedBytes());
        assertTrue(ram.usedBytes() > RAM_DRAIN_TARGET, "RAM rests above its drain target");
        assertTrue(ram.usedBytes() <= ram.softCapBytes(), "and at or under its soft cap");
        assertEquals(PressureLevel.ELEVATED, ram.pressureLevel());
        assertEquals(2, ram.demotedBlocks(), "no demotion since the drain");
        assertEquals(0, store.stats().moverStuck(), "the mover is not stuck");
        assertEquals(0, store.stats().moverErrors(), "nor in error");
    }

    @Test
    void shouldLeaveRamBetweenDrainTargetAndSoftCapWhenABlockIsAllocatedAfterTheDrain()
    {
        try (BlockStore store = open(HIGH_WATERMARK))
        {
            final long blockBytes = passSoftCapAndDrain(store);

            allocate(store);

            assertRestsAboveDrainTarget(store, 2 * blockBytes);
            assertEquals(TierKind.RAM, store.tierOf(ids.get(3)));

            allocate(store);
            assertEquals(PressureLevel.WARNING, ram(store).pressureLevel());
            assertTrue(store.runMover() >= 2, "past the soft cap again the mover drains again");
            assertEquals(blockBytes, ram(store).usedBytes(), "through the soft cap down to the drain target");
            assertEquals(4, ram(store).demotedBlocks());
            assertAllContents(store);
        }
    }

    @Test
    void shouldLeaveRamBetweenDrainTargetAndSoftCapWhenADemotedBlockIsPromotedBackAfterTheDrain()
    {
        try (BlockStore store = open(HIGH_WATERMARK))
        {
            final long blockBytes = passSoftCapAndDrain(store);
            assertTrue(store.tierOf(ids.get(0)) != TierKind.RAM, "the first block was demoted");

            assertContent(store, ids.get(0), contents.get(0));

            assertEquals(TierKind.RAM, store.tierOf(ids.get(0)), "reading it promoted it back into RAM");
            assertEquals(1, store.stats().promotions());
            assertRestsAboveDrainTarget(store, 2 * blockBytes);
            assertAllContents(store);
        }
    }

    /**
     * A tier whose used bytes equal its soft cap is at {@link PressureLevel#WARNING} (WARNING is {@code softCap <=
     * used}), but the mover starts only on a tier <em>above</em> its soft cap ({@code used > softCap},
     * {@code BlockStore.isAboveHighWatermark}), so the tier rests at WARNING with the mover idle. With a soft cap of
     * 2.5 MiB (high watermark 0.3125 of 8 MiB) two 1.25 MiB size classes reach it exactly.
     */
    @Test
    void shouldDrainATierThatSitsExactlyAtItsSoftCapAndReportsWarning()
    {
        try (BlockStore store = open(0.3125))
        {
            allocate(store);
            allocate(store);
            final EngineTierStats ram = ram(store);
            assertEquals(ram.softCapBytes(), ram.usedBytes(), "two blocks fill RAM exactly to its soft cap");
            assertEquals(PressureLevel.WARNING, ram.pressureLevel());

            assertEquals(1, store.runMover(), "one move takes RAM from its soft cap to its drain target");

            assertEquals(5 * MIB / 4, ram(store).usedBytes());
            assertEquals(PressureLevel.NORMAL, ram(store).pressureLevel());
            assertAllContents(store);
        }
    }
}
