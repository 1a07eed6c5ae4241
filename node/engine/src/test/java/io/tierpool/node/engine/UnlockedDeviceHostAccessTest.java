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
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.allocateWith;
import static io.tierpool.node.engine.StoreTestSupport.assertContent;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static io.tierpool.node.engine.StoreTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Host writes of a block that lies in the DEVICE tier (a new copy there, room made by demoting the tier's coldest
 * blocks) and host reads of a block pinned on the device follow the move protocol: the block is marked, its copy
 * read and written through a staging copy of the caller's own without the engine lock (the device under its slot's
 * I/O lock), and committed if unchanged. A device call held back on a latch ({@link HeapDeviceTier}, no GPU needed)
 * therefore delays no access to another block in RAM nor {@code stats()}; a second host write of the same block
 * waits for that block only. A held call never released expires after 20 s and is reported: an access that waited
 * behind it (the lock held across the device call) fails the test.
 */
@Timeout(60)
class UnlockedDeviceHostAccessTest
{
    private static final int BLOCK = 4 * KIB;

    @TempDir
    Path tempDir;

    @Test
    void aHostWriteOfADeviceBlockHeldOnItsDeviceWriteDelaysNoAccessToAnotherBlock() throws Exception
    {
        final Random random = new Random(113);
        final HeapDeviceTier device = new HeapDeviceTier(4 * BLOCK);
        try (BlockStore store = new BlockStore(context(tempDir, 256 * KIB, 0, 0).deviceTier(device)))
        {
            final long residentId = store.allocate(BLOCK, Hint.DEVICE, randomBytes(random, BLOCK), 0, BLOCK);
            final long otherId = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);
            final byte[] newer = randomBytes(random, BLOCK);

            final ConcurrentHeapTier.Hold hold = device.holdNextWrite(residentId);
            runWhileHeld(store, hold, () -> store.write(residentId, 0, newer, 0, BLOCK), random, otherId);

            assertEquals(TierKind.DEVICE, store.tierOf(residentId), "a host write rewrites a DEVICE block there");
            assertContent(store, residentId, newer);
            assertEquals(1, device.blockCount(), "the old copy was freed");
        }
        assertEquals(0, device.usedBytes(), "the store freed its blocks in the DEVICE tier");
    }

    @Test
    void aHostWriteOfADeviceBlockHeldOnItsDeviceReadDelaysNoAccessToAnotherBlock() throws Exception
    {
        final Random random = new Random(127);
        final HeapDeviceTier device = new HeapDeviceTier(4 * BLOCK);
        try (BlockStore store = new BlockStore(context(tempDir, 256 * KIB, 0, 0).deviceTier(device)))
        {
            final byte[] resident = randomBytes(random, BLOCK);
            final long residentId = store.allocate(BLOCK, Hint.DEVICE, resident, 0, BLOCK);
            final long otherId = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);
            final byte[] patch = randomBytes(random, 100);

            final ConcurrentHeapTier.Hold hold = device.holdNextRead(residentId);
            runWhileHeld(store, hold, () -> store.write(residentId, 1000, patch, 0, patch.length), random, otherId);

            System.arraycopy(patch, 0, resident, 1000, patch.length);
            assertEquals(TierKind.DEVICE, store.tierOf(residentId));
            assertContent(store, residentId, resident);
            assertEquals(1, device.blockCount(), "the old copy was freed");
        }
        assertEquals(0, device.usedBytes(), "the store freed its blocks in the DEVICE tier");
    }

    @Test
    void aHostWriteMakingRoomOnTheDeviceHeldOnTheDemotionDelaysNoAccessToAnotherBlock() throws Exception
    {
        final Random random = new Random(131);
        // Room for two blocks: the new copy of the second one needs the first one demoted to RAM.
        final HeapDeviceTier device = new HeapDeviceTier(2 * BLOCK);
        try (BlockStore store = new BlockStore(context(tempDir, 256 * KIB, 0, 0).deviceTier(device)))
        {
            final byte[] coldest = randomBytes(random, BLOCK);
            final long coldestId = store.allocate(BLOCK, Hint.DEVICE, coldest, 0, BLOCK);
            final long writtenId = store.allocate(BLOCK, Hint.DEVICE, randomBytes(random, BLOCK), 0, BLOCK);
            final long otherId = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);
            final byte[] newer = randomBytes(random, BLOCK);

            final ConcurrentHeapTier.Hold hold = device.holdNextRead(coldestId);
            runWhileHeld(store, hold, () -> store.write(writtenId, 0, newer, 0, BLOCK), random, otherId);

            assertEquals(TierKind.DEVICE, store.tierOf(writtenId), "the rewritten block stays on the device");
            assertEquals(TierKind.RAM, store.tierOf(coldestId), "the device's coldest block was demoted for room");
            assertContent(store, writtenId, newer);
            assertContent(store, coldestId, coldest);
            assertEquals(1, device.blockCount());
        }
        assertEquals(0, device.usedBytes(), "the store freed its blocks in the DEVICE tier");
    }

    @Test
    void aHostReadOfABlockPinnedOnTheDeviceHeldOnItsDeviceReadDelaysNoAccessToAnotherBlock() throws Exception
    {
        final Random random = new Random(137);
        final HeapDeviceTier device = new HeapDeviceTier(4 * BLOCK);
        try (BlockStore store = new BlockStore(context(tempDir, 256 * KIB, 0, 0).deviceTier(device)))
        {
            final long residentId = store.allocate(BLOCK, Hint.DEVICE, randomBytes(random, BLOCK), 0, BLOCK);
            final long otherId = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);
            final byte[] kernelOutput = randomBytes(random, BLOCK);
            final byte[] read = new byte[BLOCK];
            try (StoreDevicePinnedBlock pinned = store.pinOnDevice(residentId))
            {
                device.kernelWrite(pinned.devicePointer(), kernelOutput);

                final ConcurrentHeapTier.Hold hold = device.holdNextRead(residentId);
                runWhileHeld(store, hold, () -> store.read(residentId, 0, read, 0, BLOCK), random, otherId);

                assertArrayEquals(kernelOutput, read, "the host read copied out what the kernel wrote");
                assertEquals(1, store.pinCount(residentId), "still pinned on the device");
                // Kernels may change it again while it stays pinned: read again, it is what they wrote last.
                final byte[] again = randomBytes(random, BLOCK);
                device.kernelWrite(pinned.devicePointer(), again);
                assertContent(store, residentId, again);
            }
            assertEquals(TierKind.DEVICE, store.tierOf(residentId));
            store.moveTo(residentId, TierKind.RAM);
            assertEquals(TierKind.RAM, store.tierOf(residentId), "unpinned, the block moves (its checksum is right)");
        }
        assertEquals(0, device.usedBytes(), "the store freed its blocks in the DEVICE tier");
    }

    @Test
    void aSecondHostWriteOfTheSameDeviceBlockWaitsForThatBlockOnly() throws Exception
    {
        final Random random = new Random(139);
        final HeapDeviceTier device = new HeapDeviceTier(4 * BLOCK);
        try (BlockStore store = new BlockStore(context(tempDir, 256 * KIB, 0, 0).deviceTier(device)))
        {
            final byte[] resident = randomBytes(random, BLOCK);
            final long residentId = store.allocate(BLOCK, Hint.DEVICE, resident, 0, BLOCK);
            final long otherId = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);
            final byte[] first = randomBytes(random, 200);
            final byte[] second = randomBytes(random, 300);

            final ConcurrentHeapTier.Hold hold = device.holdNextWrite(residentId);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread firstWriter = start(() -> store.write(residentId, 0, first, 0, first.length), failure);
            assertTrue(hold.awaitReached(), "the first write reached the held device write");
            final Thread secondWriter =
                start(() -> store.write(residentId, 2000, second, 0, second.length), failure);

            accessAnotherBlock(store, random, otherId);
            secondWriter.join(200);
            assertTrue(secondWriter.isAlive(), "the second write of the block waits for the first");
            assertFalse(hold.expired, "an access to another block waited for the held device write");

            hold.release();
            firstWriter.join();
            secondWriter.join();
            assertNull(failure.get());
            assertFalse(hold.expired);
            System.arraycopy(first, 0, resident, 0, first.length);
            System.arraycopy(second, 0, resident, 2000, second.length);
            assertContent(store, residentId, resident);
            assertEquals(TierKind.DEVICE, store.tierOf(residentId));
            assertEquals(1, device.blockCount(), "each old copy was freed");
        }
        assertEquals(0, device.usedBytes(), "the store freed its blocks in the DEVICE tier");
    }

    private static Thread start(final Executable call, final AtomicReference<Throwable> failure)
    {
        final Thread thread = new Thread(() ->
        {
            try
            {
                call.execute();
            }
            catch (final Throwable ex)
            {
                failure.compareAndSet(null, ex);
            }
        });
        thread.start();
        return thread;
    }

    /**
     * Runs a store call on another thread, whose device call is held back; while it is held, reads, rewrites and
     * reads again another block in RAM and takes the statistics; then lets the call go.
     */
    private static void runWhileHeld(
        final BlockStore store,
        final ConcurrentHeapTier.Hold hold,
        final Executable call,
        final Random random,
        final long otherId) throws InterruptedException
    {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread caller = start(call, failure);
        assertTrue(hold.awaitReached(), "the call reached the held device call");

        accessAnotherBlock(store, random, otherId);
        assertFalse(hold.expired, "an access to another block waited for the held device call");

        hold.release();
        caller.join();
        assertNull(failure.get());
        assertFalse(hold.expired);
    }

    private static void accessAnotherBlock(final BlockStore store, final Random random, final long otherId)
    {
        final byte[] newer = randomBytes(random, BLOCK);
        store.write(otherId, 0, newer, 0, BLOCK);
        assertArrayEquals(newer, readAll(store, otherId));
        assertEquals(TierKind.RAM, store.tierOf(otherId));
        assertTrue(store.stats().blocks() >= 2, "stats() answers while the device call is held");
        assertEquals(0, Arrays.compare(newer, readAll(store, otherId)));
    }
}
