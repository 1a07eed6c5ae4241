/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.EngineTierStats;

import io.tierpool.client.StoreStats;

import io.tierpool.client.EvictionPolicy;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.BlockFreedException;
import io.tierpool.client.Hint;
import io.tierpool.client.OutOfTierMemoryException;
import io.tierpool.client.PressureLevel;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.assertContent;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static io.tierpool.node.engine.StoreTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's DEVICE tier bookkeeping, against a heap-backed tier of kind DEVICE whose "device pointers" are
 * offsets into one array ({@link HeapDeviceTier}); the CUDA tier itself is tested in {@code DeviceTierCudaTest}.
 */
class DeviceTierEngineTest
{
    private static final int BLOCK = 8 * KIB;
    private static final int DEVICE_BYTES = 64 * KIB;
    private static final TierKind[] MOVE_KINDS = { TierKind.DEVICE, TierKind.RAM, TierKind.VSSD };

    @TempDir
    Path tempDir;

    private final HeapDeviceTier device = new HeapDeviceTier(DEVICE_BYTES);
    private final Random random = new Random(42);

    @AfterEach
    void closeDevice()
    {
        assertEquals(0, device.usedBytes(), "the store freed its blocks in the DEVICE tier");
        assertFalse(device.closed, "the store does not close a caller-owned DEVICE tier");
        device.close();
    }

    /**
     * 1 MiB RAM, no VVRAM, 1 MiB VSSD; watermarks 0.75 / 0.5: the DEVICE tier's soft cap is 48 KiB and its
     * drain target 32 KiB.
     */
    private StoreContext deviceContext()
    {
        return context(tempDir, 1024 * KIB, 0, 1024 * KIB)
            .highWatermark(0.75)
            .lowWatermark(0.5)
            .deviceTier(device);
    }

    @Test
    void shouldPlaceDeviceHintInDeviceTierAndReadBackWhatWasWritten()
    {
        try (BlockStore store = new BlockStore(deviceContext()))
        {
            assertTrue(store.hasDeviceTier());
            final byte[] data = randomBytes(random, BLOCK);
            final long id = store.allocate(BLOCK, Hint.DEVICE);
            assertEquals(TierKind.DEVICE, store.tierOf(id));
            assertContent(store, id, new byte[BLOCK]);

            store.write(id, 0, data, 0, BLOCK);
            assertEquals(TierKind.DEVICE, store.tierOf(id), "a host write rewrites a DEVICE block where it lies");
            assertContent(store, id, data);

            final byte[] patch = randomBytes(random, 100);
            store.write(id, 1000, patch, 0, patch.length);
            System.arraycopy(patch, 0, data, 1000, patch.length);
            assertContent(store, id, data);
            final byte[] middle = new byte[300];
            store.read(id, 950, middle, 0, middle.length);
            assertArrayEquals(Arrays.copyOfRange(data, 950, 1250), middle);

            assertEquals(1, device.blockCount(), "the old copy was freed");
            final StoreStats stats = store.stats();
            assertEquals(TierKind.DEVICE, stats.engineTiers().get(0).kind(), "DEVICE is the first tier");
            assertEquals(TierKind.RAM, stats.engineTiers().get(1).kind());
            final EngineTierStats deviceStats = stats.engineTier(TierKind.DEVICE);
            assertEquals(1, deviceStats.blocks());
            assertEquals(BLOCK, deviceStats.usedBytes());
            assertEquals(1, deviceStats.allocations());
            assertEquals(0, stats.engineTier(TierKind.RAM).blocks());
            assertEquals(0, stats.deviceFallbacks());
            assertEquals(PressureLevel.NORMAL, deviceStats.pressureLevel());

            store.free(id);
            assertEquals(0, device.blockCount());
        }
    }

    @Test
    void shouldGivePointerWhilePinnedOnDeviceAndKeepTheBlockThere()
    {
        try (BlockStore store = new BlockStore(deviceContext()))
        {
            final byte[] data = randomBytes(random, BLOCK);
            final long id = StoreTestSupport.allocateWith(store, data, Hint.DEVICE);
            final byte[] kernelOutput = randomBytes(random, BLOCK);
            try (StoreDevicePinnedBlock view = store.pinOnDevice(id))
            {
                assertEquals(id, view.blockId());
                assertEquals(BLOCK, view.sizeBytes());
                assertEquals(1, store.pinCount(id));
                assertArrayEquals(data, device.kernelRead(view.devicePointer(), BLOCK), "the pointer shows the data");

                final IllegalStateException moved = assertThrows(IllegalStateException.class,
                    () -> store.moveTo(id, TierKind.RAM));
                assertTrue(moved.getMessage().contains("pinned on the device"), moved.getMessage());
                assertThrows(IllegalStateException.class, () -> store.moveTo(id, TierKind.VSSD));
                assertThrows(IllegalStateException.class, () -> store.pin(id));
                assertThrows(IllegalStateException.class, () -> store.write(id, 0, new byte[1], 0, 1));
                assertThrows(IllegalStateException.class, () -> store.free(id));
                assertFalse(store.demote(id), "a block pinned on the device does not move");
                assertEquals(1, store.stats().engineTier(TierKind.DEVICE).pinnedBlocks());

                try (StoreDevicePinnedBlock nested = store.pinOnDevice(id))
                {
                    assertEquals(view.devicePointer(), nested.devicePointer(), "the address is stable");
                    assertEquals(2, store.pinCount(id));
                }
                device.kernelWrite(view.devicePointer(), kernelOutput);
                assertArrayEquals(kernelOutput, readAll(store, id), "a host read while pinned copies from the device");
                view.close();
                assertTrue(view.isClosed());
                assertThrows(IllegalStateException.class, view::devicePointer);
            }
            assertEquals(0, store.pinCount(id));
            assertEquals(TierKind.DEVICE, store.tierOf(id));

            // What a kernel wrote survives demotion (its checksum was taken afresh) and comes back to the host.
            assertTrue(store.demote(id));
            assertEquals(TierKind.RAM, store.tierOf(id));
            store.moveTo(id, TierKind.VSSD);
            assertContent(store, id, kernelOutput);
            assertEquals(0, store.stats().checksumFailures());
            store.free(id);
        }
    }

    @Test
    void shouldDemoteColdestUnpinnedBlocksToRamPastTheDeviceWatermark()
    {
        try (BlockStore store = new BlockStore(deviceContext()))
        {
            final Map<Long, byte[]> model = new HashMap<>();
            final List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 7; i++)
            {
                final byte[] data = randomBytes(random, BLOCK);
                final long id = StoreTestSupport.allocateWith(store, data, Hint.DEVICE);
                model.put(id, data);
                ids.add(id);
            }
            assertEquals(7 * BLOCK, device.usedBytes());
            assertEquals(PressureLevel.WARNING, store.pressureLevel(TierKind.DEVICE), "56 KiB of 64, soft cap 48");

            final StoreDevicePinnedBlock pinned = store.pinOnDevice(ids.get(0)); // the coldest, but pinned
            readAll(store, ids.get(1)); // now the most recently used
            store.runMover();

            final long drainTarget = DEVICE_BYTES / 2;
            assertTrue(device.usedBytes() <= drainTarget, "drained to " + device.usedBytes());
            assertEquals(TierKind.DEVICE, store.tierOf(ids.get(0)), "pinned stays");
            assertEquals(TierKind.DEVICE, store.tierOf(ids.get(1)), "recently used stays");
            for (int i = 2; i < 5; i++)
            {
                assertEquals(TierKind.RAM, store.tierOf(ids.get(i)), "coldest unpinned block " + i + " demoted");
            }
            for (int i = 5; i < 7; i++)
            {
                assertEquals(TierKind.DEVICE, store.tierOf(ids.get(i)), "warmer block " + i + " stays");
            }
            final StoreStats stats = store.stats();
            assertEquals(3, stats.engineTier(TierKind.DEVICE).demotedBlocks());
            assertEquals(4 * BLOCK, stats.engineTier(TierKind.DEVICE).usedBytes());
            assertEquals(PressureLevel.ELEVATED, stats.engineTier(TierKind.DEVICE).pressureLevel(),
                "at the drain target: ELEVATED, down from WARNING");
            pinned.close();
            for (final long id : ids)
            {
                assertContent(store, id, model.get(id));
            }
            assertEquals(TierKind.RAM, store.tierOf(ids.get(2)), "host reads do not bring a block back to the device");

            // Accessing it from the device brings it back, with its data.
            try (StoreDevicePinnedBlock view = store.pinOnDevice(ids.get(2)))
            {
                assertEquals(TierKind.DEVICE, store.tierOf(ids.get(2)));
                assertArrayEquals(model.get(ids.get(2)), device.kernelRead(view.devicePointer(), BLOCK));
            }
            assertEquals(1, store.stats().engineTier(TierKind.RAM).promotedBlocks());

            // ...also from below RAM.
            store.moveTo(ids.get(3), TierKind.VSSD);
            try (StoreDevicePinnedBlock view = store.pinOnDevice(ids.get(3)))
            {
                assertArrayEquals(model.get(ids.get(3)), device.kernelRead(view.devicePointer(), BLOCK));
            }
            assertEquals(0, store.stats().checksumFailures());
            for (final long id : ids)
            {
                assertContent(store, id, model.get(id));
                store.free(id);
            }
        }
    }

    @Test
    void shouldMakeRoomOnTheDeviceForAPinAndFailClearlyWhenItCannot()
    {
        try (BlockStore store = new BlockStore(deviceContext()))
        {
            final List<Long> ids = new ArrayList<>();
            final List<StoreDevicePinnedBlock> views = new ArrayList<>();
            for (int i = 0; i < 8; i++)
            {
                final long id = store.allocate(BLOCK, Hint.DEVICE);
                ids.add(id);
                store.write(id, 0, new byte[]{ (byte)i }, 0, 1);
            }
            assertEquals(8, ids.stream().filter((id) -> store.tierOf(id) == TierKind.DEVICE).count() +
                ids.stream().filter((id) -> store.tierOf(id) == TierKind.RAM).count());

            final long inRam = store.allocate(BLOCK, Hint.WARM);
            store.write(inRam, 0, new byte[]{ 99 }, 0, 1);
            try (StoreDevicePinnedBlock view = store.pinOnDevice(inRam))
            {
                assertEquals(TierKind.DEVICE, store.tierOf(inRam), "room was made by demoting a DEVICE block");
                assertEquals(1, store.stats().engineTier(TierKind.DEVICE).demotedBlocks());
            }
            views.add(store.pinOnDevice(inRam));

            for (final long id : ids)
            {
                if (store.tierOf(id) == TierKind.DEVICE)
                {
                    views.add(store.pinOnDevice(id));
                }
            }
            while (device.usedBytes() + BLOCK <= DEVICE_BYTES)
            {
                final long id = store.allocate(BLOCK, Hint.DEVICE);
                ids.add(id);
                views.add(store.pinOnDevice(id));
            }
            // The DEVICE tier is full of pinned blocks: a new DEVICE block goes to RAM (counted)...
            final long fallback = store.allocate(BLOCK, Hint.DEVICE);
            assertEquals(TierKind.RAM, store.tierOf(fallback));
            assertEquals(1, store.stats().deviceFallbacks());
            // ...and cannot be pinned on the device.
            final OutOfTierMemoryException full = assertThrows(OutOfTierMemoryException.class,
                () -> store.pinOnDevice(fallback));
            assertTrue(full.getMessage().contains("DEVICE"), full.getMessage());
            assertEquals(TierKind.RAM, store.tierOf(fallback), "unchanged where it was");
            // A block larger than the DEVICE tier never fits.
            final long large = store.allocate(DEVICE_BYTES + 1, Hint.DEVICE);
            assertEquals(TierKind.RAM, store.tierOf(large));
            assertThrows(OutOfTierMemoryException.class, () -> store.pinOnDevice(large));

            views.forEach(StoreDevicePinnedBlock::close);
            for (int i = 0; i < 8; i++)
            {
                final byte[] first = new byte[1];
                store.read(ids.get(i), 0, first, 0, 1);
                assertEquals(i, first[0], "block " + ids.get(i));
            }
            final byte[] first = new byte[1];
            store.read(inRam, 0, first, 0, 1);
            assertEquals(99, first[0]);
        }
    }

    @Test
    void shouldRefuseToPinOnDeviceBlocksThatMustStayInRam()
    {
        try (BlockStore store = new BlockStore(deviceContext()))
        {
            final long pinFast = store.allocate(BLOCK, Hint.PIN_FAST);
            final IllegalStateException pinFastError = assertThrows(IllegalStateException.class,
                () -> store.pinOnDevice(pinFast));
            assertTrue(pinFastError.getMessage().contains("PIN_FAST"), pinFastError.getMessage());
            assertThrows(IllegalStateException.class, () -> store.moveTo(pinFast, TierKind.DEVICE));

            final long warm = store.allocate(BLOCK, Hint.WARM);
            try (StorePinnedBlock hostView = store.pin(warm))
            {
                final IllegalStateException hostPinned = assertThrows(IllegalStateException.class,
                    () -> store.pinOnDevice(warm));
                assertTrue(hostPinned.getMessage().contains("StorePinnedBlock"), hostPinned.getMessage());
                assertEquals(TierKind.RAM, store.tierOf(warm));
                assertNotNull(hostView.buffer());
            }
            store.moveTo(warm, TierKind.DEVICE);
            assertEquals(TierKind.DEVICE, store.tierOf(warm));

            // A host pin of a DEVICE block brings it to RAM.
            final byte[] data = randomBytes(random, BLOCK);
            final long deviceBlock = StoreTestSupport.allocateWith(store, data, Hint.DEVICE);
            try (StorePinnedBlock hostView = store.pin(deviceBlock))
            {
                assertEquals(TierKind.RAM, store.tierOf(deviceBlock));
                final byte[] copy = new byte[BLOCK];
                hostView.buffer().getBytes(0, copy);
                assertArrayEquals(data, copy);
            }
            assertThrows(BlockFreedException.class, () -> store.pinOnDevice(12345));
            store.free(pinFast);
            store.free(warm);
            store.free(deviceBlock);
        }
    }

    @Test
    void shouldBehaveLikeHotAndExplainWithoutDeviceTier()
    {
        try (BlockStore store = new BlockStore(context(tempDir, 1024 * KIB, 0, 1024 * KIB)
            .deviceUnavailableReason("no GPU was found (no NVIDIA driver) or gpu.enabled=false")))
        {
            assertFalse(store.hasDeviceTier());
            final byte[] data = randomBytes(random, BLOCK);
            final long id = StoreTestSupport.allocateWith(store, data, Hint.DEVICE);
            assertEquals(TierKind.RAM, store.tierOf(id));
            assertContent(store, id, data);
            final IllegalStateException noDevice = assertThrows(IllegalStateException.class,
                () -> store.pinOnDevice(id));
            assertTrue(noDevice.getMessage().contains("no DEVICE tier"), noDevice.getMessage());
            assertTrue(noDevice.getMessage().contains("no NVIDIA driver"), noDevice.getMessage());
            assertThrows(IllegalArgumentException.class, () -> store.moveTo(id, TierKind.DEVICE));
            final StoreStats stats = store.stats();
            assertNull(stats.engineTier(TierKind.DEVICE));
            assertEquals(TierKind.RAM, stats.engineTiers().get(0).kind());
            assertEquals(0, stats.deviceFallbacks());
            assertNull(store.pressureLevel(TierKind.DEVICE));
        }
    }

    @Test
    void shouldRejectMisplacedDeviceTiers()
    {
        final HeapTier remote = new HeapTier(1024 * KIB);
        final ConfigurationException inExtra = assertThrows(ConfigurationException.class, () ->
            new BlockStore(context(tempDir, 1024 * KIB, 0, 0).extraTiers(List.of(device))));
        assertTrue(inExtra.getMessage().contains("deviceTier"), inExtra.getMessage());
        final ConfigurationException both = assertThrows(ConfigurationException.class, () ->
            new BlockStore(context(tempDir, 1024 * KIB, 0, 0).deviceTier(device).extraTiers(List.of(device))));
        assertTrue(both.getMessage().contains("once"), both.getMessage());
        final ConfigurationException softCap = assertThrows(ConfigurationException.class, () ->
            new BlockStore(deviceContext().softCapBytes(TierKind.DEVICE, 2L * DEVICE_BYTES)));
        assertTrue(softCap.getMessage().contains("softCapBytes(DEVICE)"), softCap.getMessage());
        remote.close();
    }

    @Test
    void shouldHonourDeviceCapsAndFreeDeviceBlocksOnClose()
    {
        final BlockStore store = new BlockStore(deviceContext()
            .hardCapBytes(TierKind.DEVICE, 2 * BLOCK)
            .softCapBytes(TierKind.DEVICE, BLOCK));
        final long a = store.allocate(BLOCK, Hint.DEVICE);
        final long b = store.allocate(BLOCK, Hint.DEVICE);
        final long c = store.allocate(BLOCK, Hint.DEVICE);
        assertEquals(TierKind.DEVICE, store.tierOf(a));
        assertEquals(TierKind.DEVICE, store.tierOf(b));
        assertEquals(TierKind.RAM, store.tierOf(c), "over the DEVICE tier's hard cap: placed like HOT");
        assertEquals(1, store.stats().deviceFallbacks());
        final EngineTierStats deviceStats = store.stats().engineTier(TierKind.DEVICE);
        assertEquals(2 * BLOCK, deviceStats.hardCapBytes());
        assertEquals(BLOCK, deviceStats.softCapBytes());
        assertEquals(PressureLevel.OUT_OF_MEMORY, deviceStats.pressureLevel());
        final StoreDevicePinnedBlock view = store.pinOnDevice(a);
        store.close();
        assertTrue(view.isClosed(), "the store's close detaches device views");
        assertEquals(0, device.usedBytes());
        assertFalse(device.closed);
    }

    @ParameterizedTest
    @EnumSource(EvictionPolicy.class)
    void shouldKeepDataIntactUnderConcurrentDeviceUse(final EvictionPolicy policy) throws Exception
    {
        final int threads = 3;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        try (BlockStore store = new BlockStore(deviceContext()
            .hardCapBytes(TierKind.RAM, 96 * KIB)
            .evictionPolicy(policy)
            .prefetchDepth(2)
            .startMover(true)
            .startPrefetcher(true)))
        {
            final CountDownLatch start = new CountDownLatch(1);
            final List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final Random workerRandom = new Random(7 + t);
                final Thread worker = new Thread(() ->
                {
                    try
                    {
                        start.await();
                        runDeviceWorker(store, workerRandom);
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                }, "device-worker-" + t);
                worker.start();
                workers.add(worker);
            }
            start.countDown();
            for (final Thread worker : workers)
            {
                worker.join();
            }
            if (failure.get() != null)
            {
                throw new AssertionError("a worker failed", failure.get());
            }
            final StoreStats stats = store.stats();
            assertEquals(0, stats.blocks());
            assertEquals(0, stats.checksumFailures());
            assertEquals(0, stats.moverErrors());
            final EngineTierStats deviceStats = stats.engineTier(TierKind.DEVICE);
            assertTrue(deviceStats.demotedBlocks() > 0 && deviceStats.allocations() > 0, stats.toString());
            for (final EngineTierStats tier : stats.engineTiers())
            {
                assertTrue(tier.peakUsedBytes() <= tier.hardCapBytes(), tier.name() + " peak over its hard cap");
            }
            System.out.printf("device model, " + policy + ": %d DEVICE allocations, %d demoted from DEVICE, %d brought back " +
                "(promotions into it), %d fallbacks%n", deviceStats.allocations(), deviceStats.demotedBlocks(),
                stats.engineTier(TierKind.RAM).promotedBlocks(), stats.deviceFallbacks());
        }
    }

    private void runDeviceWorker(final BlockStore store, final Random random)
    {
        final Map<Long, byte[]> model = new HashMap<>();
        final List<Long> ids = new ArrayList<>();
        final Hint[] hints = { Hint.DEVICE, Hint.DEVICE, Hint.WARM, Hint.HOT };
        for (int op = 0; op < 3000; op++)
        {
            final int choice = ids.size() > 12 ? 99 : random.nextInt(100);
            if (ids.isEmpty() || choice < 15)
            {
                final int size = 1 + random.nextInt(6 * KIB);
                final long id = store.allocate(size, hints[random.nextInt(hints.length)]);
                model.put(id, new byte[size]);
                ids.add(id);
                continue;
            }
            final int index = random.nextInt(ids.size());
            final long id = ids.get(index);
            final byte[] expected = model.get(id);
            if (choice < 40)
            {
                final int offset = random.nextInt(expected.length);
                final byte[] bytes = randomBytes(random, 1 + random.nextInt(expected.length - offset));
                store.write(id, offset, bytes, 0, bytes.length);
                System.arraycopy(bytes, 0, expected, offset, bytes.length);
            }
            else if (choice < 55)
            {
                assertArrayEquals(expected, readAll(store, id), "block " + id);
            }
            else if (choice < 60)
            {
                try (StorePinnedBlock view = store.pin(id))
                {
                    final byte[] bytes = new byte[expected.length];
                    view.buffer().getBytes(0, bytes);
                    assertArrayEquals(expected, bytes, "host view of block " + id);
                }
            }
            else if (choice < 65)
            {
                final TierKind kind = MOVE_KINDS[random.nextInt(MOVE_KINDS.length)];
                try
                {
                    store.moveTo(id, kind);
                }
                catch (final OutOfTierMemoryException ex)
                {
                    // The tier is full of pinned blocks now: allowed, the block is unchanged.
                }
                if (random.nextBoolean())
                {
                    store.prefetchAsync(id);
                }
            }
            else if (choice < 85)
            {
                try (StoreDevicePinnedBlock view = store.pinOnDevice(id))
                {
                    assertArrayEquals(expected, device.kernelRead(view.devicePointer(), expected.length),
                        "device view of block " + id);
                    final byte[] output = randomBytes(random, expected.length);
                    device.kernelWrite(view.devicePointer(), output);
                    System.arraycopy(output, 0, expected, 0, output.length);
                }
                catch (final OutOfTierMemoryException ex)
                {
                    // The other workers hold the DEVICE tier with their pins now: allowed, the block is unchanged.
                }
            }
            else
            {
                assertArrayEquals(expected, readAll(store, id), "block " + id + " before free");
                store.free(id);
                ids.remove(index);
                model.remove(id);
            }
        }
        for (final long id : ids)
        {
            assertArrayEquals(expected(model, id), readAll(store, id), "block " + id + " at the end");
            store.free(id);
        }
    }

    private static byte[] expected(final Map<Long, byte[]> model, final long id)
    {
        return model.get(id);
    }
}
