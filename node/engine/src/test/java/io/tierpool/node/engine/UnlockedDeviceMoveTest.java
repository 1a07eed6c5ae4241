/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.Hint;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.allocateWith;
import static io.tierpool.node.engine.StoreTestSupport.assertContent;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static io.tierpool.node.engine.StoreTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Moves into the DEVICE tier ({@code moveTo(DEVICE)}, {@code pinOnDevice}), the demotions out of it (making room
 * there, or the mover's), promotions out of it to RAM, {@code Hint.DEVICE} placement and host reads of a block there
 * follow the move protocol: the copy is written to (or read from) the device without the engine lock, so a device call
 * held back on a latch ({@link HeapDeviceTier}, no GPU needed) delays no access to another block in RAM nor
 * {@code stats()}. A held call never released expires after 20 s and is reported: an access that waited behind it (the
 * lock held across the device call) fails the test.
 */
@Timeout(60)
class UnlockedDeviceMoveTest
{
    private static final int BLOCK = 4 * KIB;

    @TempDir
    Path tempDir;

    @Test
    void aMoveToTheDeviceHeldOnItsWriteDelaysNoAccessToAnotherBlock() throws Exception
    {
        final Random random = new Random(89);
        final HeapDeviceTier device = new HeapDeviceTier(4 * BLOCK);
        try (BlockStore store = new BlockStore(context(tempDir, 256 * KIB, 0, 0).deviceTier(device)))
        {
            final byte[] moved = randomBytes(random, BLOCK);
            final long movedId = allocateWith(store, moved, Hint.WARM);
            final long otherId = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);

            final ConcurrentHeapTier.Hold hold = device.holdNextWrite(movedId);
            runWhileHeld(store, hold, () -> store.moveTo(movedId, TierKind.DEVICE), random, otherId);

            assertEquals(TierKind.DEVICE, store.tierOf(movedId));
            assertEquals(TierKind.RAM, store.tierOf(otherId));
            assertContent(store, movedId, moved);
        }
        assertEquals(0, device.usedBytes(), "the store freed its blocks in the DEVICE tier");
    }

    @Test
    void aDemotionOutOfAFullDeviceHeldOnItsReadDelaysNoAccessToAnotherBlock() throws Exception
    {
        final Random random = new Random(97);
        // Room for one block: moving a second one there first demotes the first to RAM.
        final HeapDeviceTier device = new HeapDeviceTier(BLOCK);
        try (BlockStore store = new BlockStore(context(tempDir, 256 * KIB, 0, 0).deviceTier(device)))
        {
            final byte[] resident = randomBytes(random, BLOCK);
            final long residentId = store.allocate(BLOCK, Hint.DEVICE, resident, 0, BLOCK);
            assertEquals(TierKind.DEVICE, store.tierOf(residentId));
            final byte[] moved = randomBytes(random, BLOCK);
            final long movedId = allocateWith(store, moved, Hint.WARM);
            final long otherId = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);

            final ConcurrentHeapTier.Hold hold = device.holdNextRead(residentId);
            runWhileHeld(store, hold, () -> store.moveTo(movedId, TierKind.DEVICE), random, otherId);

            assertEquals(TierKind.DEVICE, store.tierOf(movedId));
            assertEquals(TierKind.RAM, store.tierOf(residentId), "the device's block was demoted to RAM");
            assertEquals(1, store.stats().demotions());
            assertContent(store, movedId, moved);
            assertContent(store, residentId, resident);
        }
        assertEquals(0, device.usedBytes(), "the store freed its blocks in the DEVICE tier");
    }

    @Test
    void theMoversDemotionOutOfTheDeviceHeldOnItsReadDelaysNoAccessToAnotherBlock() throws Exception
    {
        final Random random = new Random(101);
        final HeapDeviceTier device = new HeapDeviceTier(4 * BLOCK);
        try (BlockStore store = new BlockStore(context(tempDir, 256 * KIB, 0, 0)
            .deviceTier(device)
            .softCapBytes(TierKind.DEVICE, BLOCK)
            .startMover(true)
            .ioWorkers(1)))
        {
            final long otherId = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);
            final ConcurrentHeapTier.Hold hold = device.holdNextRead(0);
            // One block puts the DEVICE tier at its soft cap: the mover demotes it to RAM, reading it from the device.
            final byte[] resident = randomBytes(random, BLOCK);
            final long residentId = store.allocate(BLOCK, Hint.DEVICE, resident, 0, BLOCK);
            assertTrue(hold.awaitReached(), "the mover reached the held device read");

            final byte[] newer = randomBytes(random, BLOCK);
            store.write(otherId, 0, newer, 0, BLOCK);
            assertArrayEquals(newer, readAll(store, otherId));
            assertEquals(2, store.stats().blocks());
            assertFalse(hold.expired, "an access to another block waited for the mover's held device read");

            hold.release();
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (store.tierOf(residentId) == TierKind.DEVICE && System.nanoTime() < deadline)
            {
                Thread.sleep(1);
            }
            assertFalse(hold.expired);
            assertEquals(TierKind.RAM, store.tierOf(residentId), "the mover demoted the device's block to RAM");
            assertContent(store, residentId, resident);
            assertContent(store, otherId, newer);
        }
        assertEquals(0, device.usedBytes(), "the store freed its blocks in the DEVICE tier");
    }

    @Test
    void aPromotionFromTheDeviceHeldOnItsReadDelaysNoAccessToAnotherBlock() throws Exception
    {
        final Random random = new Random(103);
        final HeapDeviceTier device = new HeapDeviceTier(4 * BLOCK);
        try (BlockStore store = new BlockStore(context(tempDir, 256 * KIB, 0, 0).deviceTier(device)))
        {
            final byte[] resident = randomBytes(random, BLOCK);
            final long residentId = store.allocate(BLOCK, Hint.DEVICE, resident, 0, BLOCK);
            final long otherId = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);

            final ConcurrentHeapTier.Hold hold = device.holdNextRead(residentId);
            runWhileHeld(store, hold, () -> store.moveTo(residentId, TierKind.RAM), random, otherId);

            assertEquals(TierKind.RAM, store.tierOf(residentId));
            assertEquals(1, store.stats().promotions());
            assertContent(store, residentId, resident);
        }
        assertEquals(0, device.usedBytes(), "the store freed its blocks in the DEVICE tier");
    }

    @Test
    void aDeviceHintedAllocationHeldOnItsWriteDelaysNoAccessToAnotherBlock() throws Exception
    {
        final Random random = new Random(107);
        final HeapDeviceTier device = new HeapDeviceTier(4 * BLOCK);
        try (BlockStore store = new BlockStore(context(tempDir, 256 * KIB, 0, 0).deviceTier(device)))
        {
            final long otherId = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);
            final byte[] placed = randomBytes(random, BLOCK);
            final AtomicLong placedId = new AtomicLong();

            final ConcurrentHeapTier.Hold hold = device.holdNextWrite(0);
            runWhileHeld(store, hold, () -> placedId.set(store.allocate(BLOCK, Hint.DEVICE, placed, 0, BLOCK)),
                random, otherId);

            assertEquals(TierKind.DEVICE, store.tierOf(placedId.get()));
            assertContent(store, placedId.get(), placed);
        }
        assertEquals(0, device.usedBytes(), "the store freed its blocks in the DEVICE tier");
    }

    @Test
    void aHostReadOfADeviceBlockHeldOnItsDeviceReadDelaysNoAccessToAnotherBlock() throws Exception
    {
        final Random random = new Random(109);
        final HeapDeviceTier device = new HeapDeviceTier(4 * BLOCK);
        try (BlockStore store = new BlockStore(context(tempDir, 256 * KIB, 0, 0).deviceTier(device)))
        {
            final byte[] resident = randomBytes(random, BLOCK);
            final long residentId = store.allocate(BLOCK, Hint.DEVICE, resident, 0, BLOCK);
            final long otherId = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);
            final byte[] read = new byte[BLOCK];

            final ConcurrentHeapTier.Hold hold = device.holdNextRead(residentId);
            runWhileHeld(store, hold, () -> store.read(residentId, 0, read, 0, BLOCK), random, otherId);

            assertArrayEquals(resident, read, "the host read copied the block out of the device");
            assertEquals(TierKind.DEVICE, store.tierOf(residentId), "a host read does not move a DEVICE block");
        }
        assertEquals(0, device.usedBytes(), "the store freed its blocks in the DEVICE tier");
    }

    private static void runWhileHeld(
        final BlockStore store,
        final ConcurrentHeapTier.Hold hold,
        final Executable call,
        final Random random,
        final long otherId) throws InterruptedException
    {
        StoreTestSupport.runWhileHeld(store, hold, call, random, otherId, BLOCK, "device call", 1);
    }
}
