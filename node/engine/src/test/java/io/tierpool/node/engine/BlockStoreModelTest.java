/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.StoreStats;

import io.tierpool.client.Hint;
import io.tierpool.client.OutOfTierMemoryException;
import io.tierpool.client.TierKind;
import io.tierpool.client.TierStats;
import io.tierpool.node.tier.local.ExtentAllocator;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random operations on a store with tiers small enough that all three are used, every read checked against an
 * in-memory model of what each block must contain.
 */
@Timeout(300)
class BlockStoreModelTest
{
    private static final int OPERATIONS = 12_000;
    private static final long RAM = 512 * KIB;
    private static final long VVRAM = 512 * KIB;
    private static final long VSSD = 1024 * KIB;
    private static final long TOTAL = RAM + VVRAM + VSSD;
    private static final int MAX_BLOCK = 64 * KIB;
    private static final Hint[] HINTS = { Hint.WARM, Hint.WARM, Hint.WARM, Hint.HOT, Hint.COLD, Hint.COLD,
        Hint.PREFER_FAST, Hint.PIN_FAST };

    @TempDir
    Path tempDir;

    private final Map<Long, byte[]> model = new HashMap<>();
    private final List<Long> ids = new ArrayList<>();
    private final Deque<StorePinnedBlock> openPins = new ArrayDeque<>();
    private final Set<Long> pinFastIds = new HashSet<>();
    private long modelBytes;

    @Test
    void shouldMatchModelUnderRandomOperations()
    {
        final long seed = Long.getLong("tierpool.test.seed", System.nanoTime());
        System.out.println("BlockStoreModelTest seed=" + seed + " (rerun with -Dtierpool.test.seed=" + seed + ")");
        final Random random = new Random(seed);
        final String context = "seed " + seed;

        int allocationFailures = 0;
        int writeFailures = 0;
        int pinFailures = 0;
        double lowestFillAtFailure = 1.0;
        final StoreContext ctx = StoreTestSupport.context(tempDir, RAM, VVRAM, VSSD)
            .maxBlockBytes(MAX_BLOCK);
        try (BlockStore store = new BlockStore(ctx))
        {
            for (int op = 0; op < OPERATIONS; op++)
            {
                final int choice = random.nextInt(100);
                final boolean crowded = modelBytes > 0.85 * TOTAL;
                if (ids.isEmpty() || (!crowded && choice < 30))
                {
                    final int size = randomSize(random);
                    final Hint hint = HINTS[random.nextInt(HINTS.length)];
                    if (hint == Hint.PIN_FAST && (pinFastIds.size() >= 3 || size > 16 * KIB))
                    {
                        continue;
                    }
                    try
                    {
                        final long id = store.allocate(size, hint);
                        assertTrue(id > 0 && !model.containsKey(id), context);
                        model.put(id, new byte[size]);
                        ids.add(id);
                        modelBytes += size;
                        if (hint == Hint.PIN_FAST)
                        {
                            pinFastIds.add(id);
                        }
                        if (random.nextBoolean())
                        {
                            assertArrayEquals(new byte[size], readAll(store, id), "new block reads zeros, " + context);
                        }
                    }
                    catch (final OutOfTierMemoryException ex)
                    {
                        allocationFailures++;
                        lowestFillAtFailure = Math.min(lowestFillAtFailure, (double)(modelBytes + size) / TOTAL);
                        assertOnlyWhenNoTierHasRoom(store, size, hint, ex, context);
                    }
                }
                else if (choice < 50)
                {
                    final long id = randomId(random);
                    final byte[] expected = model.get(id);
                    final int offset = random.nextInt(expected.length);
                    final int length = 1 + random.nextInt(expected.length - offset);
                    final byte[] bytes = StoreTestSupport.randomBytes(random, length);
                    try
                    {
                        if (random.nextBoolean())
                        {
                            store.write(id, offset, bytes, 0, length);
                        }
                        else
                        {
                            final UnsafeBuffer src = new UnsafeBuffer(new byte[length + 3]);
                            src.putBytes(3, bytes);
                            store.write(id, offset, src, 3, length);
                        }
                        System.arraycopy(bytes, 0, expected, offset, length);
                    }
                    catch (final OutOfTierMemoryException ex)
                    {
                        writeFailures++;
                        assertNearlyFull(store, "write", ex, context);
                        assertArrayEquals(expected, readAll(store, id), "failed write left the block as it was");
                    }
                }
                else if (choice < 75)
                {
                    final long id = randomId(random);
                    final byte[] expected = model.get(id);
                    final int offset = random.nextInt(expected.length);
                    final int length = random.nextInt(expected.length - offset + 1);
                    final byte[] back = new byte[length];
                    store.read(id, offset, back, 0, length);
                    assertArrayEquals(
                        Arrays.copyOfRange(expected, offset, offset + length), back, "block " + id + ", " + context);
                }
                else if (choice < 83)
                {
                    final long id = randomId(random);
                    try
                    {
                        final StorePinnedBlock view = store.pin(id);
                        final byte[] expected = model.get(id);
                        final byte[] inPlace = new byte[expected.length];
                        view.buffer().getBytes(0, inPlace);
                        assertArrayEquals(expected, inPlace, "pinned view of block " + id + ", " + context);
                        final int index = random.nextInt(expected.length);
                        final byte value = (byte)random.nextInt();
                        view.buffer().putByte(index, value);
                        expected[index] = value;
                        openPins.addLast(view);
                        if (openPins.size() > 2)
                        {
                            openPins.removeFirst().close();
                        }
                    }
                    catch (final OutOfTierMemoryException ex)
                    {
                        pinFailures++;
                        assertNearlyFull(store, "pin", ex, context);
                    }
                }
                else if (choice < 97 || crowded)
                {
                    final long id = randomId(random);
                    if (store.pinCount(id) > 0)
                    {
                        assertThrows(IllegalStateException.class, () -> store.free(id));
                        closePins(id);
                    }
                    store.free(id);
                    final byte[] removed = model.remove(id);
                    ids.remove(id);
                    modelBytes -= removed.length;
                    pinFastIds.remove(id);
                }
                else
                {
                    store.runMover();
                }

                if (op % 1000 == 999)
                {
                    verifyEverything(store, context);
                }
            }

            verifyEverything(store, context);
            final StoreStats stats = store.stats();
            System.out.println("BlockStoreModelTest " + context + ": " + stats.allocations() + " allocations, " +
                stats.frees() + " frees, " + stats.demotions() + " demotions, " + stats.promotions() +
                " promotions, allocation failures " + allocationFailures + " (lowest fill " +
                String.format("%.3f", lowestFillAtFailure) + "), write failures " + writeFailures +
                ", pin failures " + pinFailures);
            for (final TierKind kind : List.of(TierKind.RAM, TierKind.VVRAM, TierKind.VSSD))
            {
                final TierStats tier = stats.tier(kind);
                assertTrue(tier.peakUsedBytes() > 0, kind + " saw blocks, " + context);
                System.out.println("  " + tier);
            }
            assertTrue(stats.demotions() > 0 && stats.promotions() > 0, context);
            assertTrue(stats.tier(TierKind.VVRAM).demotedBlocks() > 0, "blocks moved VVRAM -> VSSD, " + context);
            assertEquals(0, stats.checksumFailures());
            assertEquals(model.size(), stats.blocks());
            assertEquals(modelBytes, stats.logicalBytes());

            while (!openPins.isEmpty())
            {
                openPins.removeFirst().close();
            }
        }
    }

    private static int randomSize(final Random random)
    {
        final int kind = random.nextInt(10);
        if (kind == 0)
        {
            return 1 + random.nextInt(64);
        }
        if (kind < 8)
        {
            return 1 + random.nextInt(24 * KIB);
        }
        return 1 + random.nextInt(MAX_BLOCK);
    }

    private long randomId(final Random random)
    {
        return ids.get(random.nextInt(ids.size()));
    }

    private void closePins(final long id)
    {
        openPins.removeIf((view) ->
        {
            if (view.blockId() == id)
            {
                view.close();
                return true;
            }
            return false;
        });
    }

    private void assertOnlyWhenNoTierHasRoom(
        final BlockStore store, final int size, final Hint hint, final OutOfTierMemoryException ex, final String context)
    {
        final long aligned = ExtentAllocator.align(size);
        for (final TierStats tier : store.stats().tiers())
        {
            if (hint == Hint.PIN_FAST && tier.kind() != TierKind.RAM)
            {
                continue;
            }
            assertTrue(tier.largestFreeExtentBytes() < aligned, "allocation of " + size + " bytes (" + hint +
                ") failed while " + tier + " had room, " + context + ": " + ex.getMessage());
        }
        if (hint != Hint.PIN_FAST)
        {
            assertTrue(modelBytes + size > 0.75 * TOTAL, "allocation of " + size + " bytes failed with only " +
                modelBytes + " of " + TOTAL + " bytes in blocks, " + context + ": " + ex.getMessage());
        }
        assertTrue(ex.getMessage().contains("fragmentation"), ex.getMessage());
    }

    /**
     * A write or pin of a block that cannot be brought into RAM (its free space fragmented by pinned blocks, and
     * the tiers below too full to take RAM's other blocks) needs room for a second copy; it may fail only when
     * the tiers are nearly full.
     */
    private static void assertNearlyFull(
        final BlockStore store, final String what, final OutOfTierMemoryException ex, final String context)
    {
        long used = 0;
        for (final TierStats tier : store.stats().tiers())
        {
            used += tier.usedBytes();
        }
        assertTrue(used > 0.75 * TOTAL, what + " failed with " + used + " of " + TOTAL + " bytes used, " + context +
            ": " + ex.getMessage());
        assertTrue(ex.getMessage().contains("fragmentation"), ex.getMessage());
    }

    private void verifyEverything(final BlockStore store, final String context)
    {
        for (final Map.Entry<Long, byte[]> entry : model.entrySet())
        {
            assertArrayEquals(entry.getValue(), readAll(store, entry.getKey()), "block " + entry.getKey() + ", " +
                context);
        }
    }

    private static byte[] readAll(final BlockStore store, final long id)
    {
        return StoreTestSupport.readAll(store, id);
    }
}
