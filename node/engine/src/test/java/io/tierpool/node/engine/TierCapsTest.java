/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.EngineTierStats;

import io.tierpool.client.StoreStats;

import io.tierpool.client.OverflowPolicy;

import io.tierpool.client.EvictionPolicy;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.Hint;
import io.tierpool.client.PressureLevel;
import io.tierpool.client.OutOfTierMemoryException;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.MIB;
import static io.tierpool.node.engine.StoreTestSupport.allocateWith;
import static io.tierpool.node.engine.StoreTestSupport.assertContent;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class TierCapsTest
{
    private static final long RAM_HARD = 256 * KIB;
    private static final long VVRAM_HARD = 512 * KIB;
    private static final long VSSD_HARD = 2 * MIB;

    @TempDir
    Path tempDir;

    private StoreContext cappedContext(final OverflowPolicy policy)
    {
        return context(tempDir, MIB, MIB, 4 * MIB)
            .hardCapBytes(TierKind.RAM, RAM_HARD)
            .hardCapBytes(TierKind.VVRAM, VVRAM_HARD)
            .hardCapBytes(TierKind.VSSD, VSSD_HARD)
            .overflowPolicy(policy)
            .startMover(true);
    }

    @ParameterizedTest
    @EnumSource(OverflowPolicy.class)
    void hardCapIsNeverExceededUnderConcurrentAllocation(final OverflowPolicy policy) throws Exception
    {
        final int threads = 4;
        final int blocksPerThread = 40;
        final Map<Long, byte[]> model = new ConcurrentHashMap<>();
        final AtomicLong refused = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicReference<String> violation = new AtomicReference<>();
        final AtomicReference<String> refusal = new AtomicReference<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong samples = new AtomicLong();

        try (BlockStore store = new BlockStore(cappedContext(policy)))
        {
            final Thread sampler = new Thread(() ->
            {
                while (running.get())
                {
                    checkCaps(store.stats(), violation);
                    samples.incrementAndGet();
                }
            });
            sampler.start();

            final CountDownLatch start = new CountDownLatch(1);
            final List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final Random random = new Random(42 + t);
                final Thread worker = new Thread(() ->
                {
                    try
                    {
                        start.await();
                        final Hint[] hints = { Hint.WARM, Hint.HOT, Hint.COLD, Hint.PREFER_FAST };
                        final List<Long> mine = new ArrayList<>();
                        for (int i = 0; i < blocksPerThread; i++)
                        {
                            final byte[] bytes = randomBytes(random, (4 << random.nextInt(3)) * KIB);
                            try
                            {
                                final long id = allocateWith(store, bytes, hints[random.nextInt(hints.length)]);
                                model.put(id, bytes);
                                mine.add(id);
                            }
                            catch (final OutOfTierMemoryException ex)
                            {
                                refused.incrementAndGet();
                                refusal.compareAndSet(null, ex.getMessage() + " [tier=" + ex.tierName() + ", cap=" +
                                    ex.hardCapBytes() + "]");
                            }
                            if (!mine.isEmpty() && random.nextInt(4) == 0)
                            {
                                final long id = mine.remove(random.nextInt(mine.size()));
                                assertContent(store, id, model.remove(id));
                                store.free(id);
                            }
                        }
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                });
                worker.start();
                workers.add(worker);
            }
            start.countDown();
            for (final Thread worker : workers)
            {
                worker.join();
            }
            running.set(false);
            sampler.join();

            if (failure.get() != null)
            {
                throw new AssertionError("worker failed", failure.get());
            }
            assertNull(violation.get(), violation.get());
            assertTrue(samples.get() > 0);
            final StoreStats stats = store.stats();
            checkCaps(stats, violation);
            assertNull(violation.get(), violation.get());
            for (final Map.Entry<Long, byte[]> block : model.entrySet())
            {
                assertContent(store, block.getKey(), block.getValue());
            }

            if (policy == OverflowPolicy.SPILL_TO_NEXT)
            {
                assertEquals(0, refused.get(), "SPILL_TO_NEXT must route allocations to the next tier: " +
                    refusal.get());
                assertTrue(stats.engineTier(TierKind.VSSD).blocks() > 0, "blocks spilled to the VSSD tier");
            }
            else
            {
                assertTrue(refused.get() > 0, "FAIL must refuse allocations over the hard cap");
                assertTrue(refusal.get().contains("hard cap") && refusal.get().contains("FAIL"), refusal.get());
            }
        }
    }

    private static void checkCaps(final StoreStats stats, final AtomicReference<String> violation)
    {
        for (final EngineTierStats tier : stats.engineTiers())
        {
            if (tier.usedBytes() > tier.hardCapBytes())
            {
                violation.compareAndSet(null, tier.name() + " used " + tier.usedBytes() + " bytes over its hard cap " +
                    tier.hardCapBytes());
            }
        }
    }

    @Test
    void failPolicyRefusesWithAClearMessageAndLeavesOtherBlocksAlone()
    {
        try (BlockStore store = new BlockStore(context(tempDir, MIB, MIB, 0)
            .hardCapBytes(TierKind.RAM, 64 * KIB)
            .overflowPolicy(OverflowPolicy.FAIL)))
        {
            final Random random = new Random(1);
            final List<byte[]> contents = new ArrayList<>();
            final List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 16; i++)
            {
                final byte[] bytes = randomBytes(random, 4 * KIB);
                ids.add(allocateWith(store, bytes, Hint.WARM));
                contents.add(bytes);
            }

            final OutOfTierMemoryException ex =
                assertThrows(OutOfTierMemoryException.class, () -> store.allocate(4 * KIB, Hint.WARM));
            assertEquals("RAM", ex.tierName());
            assertEquals(64 * KIB, ex.hardCapBytes());
            assertEquals(4 * KIB, ex.sizeBytes());
            final String message = ex.getMessage();
            assertTrue(message.contains("4096 bytes") && message.contains("tier RAM") &&
                message.contains("hard cap of 65536 bytes") && message.contains("test-node") &&
                message.contains("SPILL_TO_NEXT"), message);

            // COLD asks for the first tier below RAM, which has room.
            final long cold = store.allocate(4 * KIB, Hint.COLD);
            assertEquals(TierKind.VVRAM, store.tierOf(cold));
            // PREFER_FAST keeps its own fallback below RAM.
            assertEquals(TierKind.VVRAM, store.tierOf(store.allocate(4 * KIB, Hint.PREFER_FAST)));

            for (int i = 0; i < ids.size(); i++)
            {
                assertEquals(TierKind.RAM, store.tierOf(ids.get(i)));
                assertContent(store, ids.get(i), contents.get(i));
            }
            assertEquals(64 * KIB, store.stats().tier(TierKind.RAM).usedBytes());

            store.free(ids.get(0));
            assertEquals(TierKind.RAM, store.tierOf(store.allocate(4 * KIB, Hint.WARM)), "room again after a free");
        }
    }

    @Test
    void spillPolicyRoutesToTheNextTierWhenRamIsFullOfPinnedBlocks()
    {
        try (BlockStore store = new BlockStore(context(tempDir, MIB, MIB, 0)
            .hardCapBytes(TierKind.RAM, 64 * KIB)))
        {
            for (int i = 0; i < 16; i++)
            {
                store.allocate(4 * KIB, Hint.PIN_FAST);
            }
            final long warm = store.allocate(4 * KIB, Hint.WARM);
            assertEquals(TierKind.VVRAM, store.tierOf(warm));
            assertEquals(64 * KIB, store.stats().tier(TierKind.RAM).usedBytes());
            assertThrows(OutOfTierMemoryException.class, () -> store.allocate(4 * KIB, Hint.PIN_FAST));
        }
    }

    @Test
    void softCapStartsDemotionAndTheMoverDrainsToTheTarget()
    {
        try (BlockStore store = new BlockStore(context(tempDir, MIB, MIB, 0)
            .softCapBytes(TierKind.RAM, 36 * KIB)
            .hardCapBytes(TierKind.RAM, 64 * KIB)))
        {
            for (int i = 0; i < 8; i++)
            {
                store.allocate(4 * KIB, Hint.WARM);
            }
            assertEquals(0, store.runMover(), "below the soft cap");
            store.allocate(4 * KIB, Hint.WARM);
            assertEquals(PressureLevel.WARNING, store.pressureLevel(TierKind.RAM), "at the soft cap");
            assertTrue(store.runMover() > 0, "at the soft cap the mover drains");
            final EngineTierStats ram = store.stats().engineTier(TierKind.RAM);
            assertEquals(36 * KIB, ram.softCapBytes());
            assertEquals(64 * KIB, ram.hardCapBytes());
            // Drain target: 36 KiB * 0.75 / 0.90 = 30 KiB.
            assertEquals(28 * KIB, ram.usedBytes());
        }
    }

    @Test
    void capSettingsAreValidated()
    {
        assertThrows(ConfigurationException.class, () -> new StoreContext()
            .softCapBytes(TierKind.RAM, 2 * MIB).hardCapBytes(TierKind.RAM, MIB).conclude());
        assertThrows(ConfigurationException.class, () -> new StoreContext().hardCapBytes(TierKind.RAM, -1));
        assertThrows(ConfigurationException.class, () -> new StoreContext().softCapBytes(null, 1));
        final ConfigurationException tooLarge = assertThrows(ConfigurationException.class,
            () -> new BlockStore(context(tempDir, MIB, 0, 0).hardCapBytes(TierKind.RAM, 2 * MIB)));
        assertTrue(tooLarge.getMessage().contains("hardCapBytes(RAM)=2097152"), tooLarge.getMessage());
        final ConfigurationException depth = assertThrows(ConfigurationException.class,
            () -> new StoreContext().prefetchDepth(-1).conclude());
        assertTrue(depth.getMessage().contains("prefetchDepth=-1"), depth.getMessage());
        assertThrows(ConfigurationException.class, () -> new StoreContext().prefetchQueueCapacity(0).conclude());
        assertThrows(ConfigurationException.class, () -> new StoreContext().overflowPolicy(null).conclude());
        assertThrows(ConfigurationException.class, () -> new StoreContext().evictionPolicy(null).conclude());
        System.setProperty(StoreConfiguration.EVICTION_POLICY_PROP_NAME, "fifo");
        try
        {
            final ConfigurationException property = assertThrows(ConfigurationException.class, StoreContext::new);
            assertTrue(property.getMessage().contains("tierpool.eviction.policy=fifo is not one of [LRU, CLOCK]"),
                property.getMessage());
            System.setProperty(StoreConfiguration.EVICTION_POLICY_PROP_NAME, "clock");
            assertEquals(EvictionPolicy.CLOCK, new StoreContext().evictionPolicy());
        }
        finally
        {
            System.clearProperty(StoreConfiguration.EVICTION_POLICY_PROP_NAME);
        }
        assertEquals(OverflowPolicy.SPILL_TO_NEXT, new StoreContext().overflowPolicy());
        final ConfigurationException softTooLarge = assertThrows(ConfigurationException.class,
            () -> new BlockStore(context(tempDir, MIB, 0, 0).softCapBytes(TierKind.RAM, 2 * MIB)));
        assertTrue(softTooLarge.getMessage().contains("softCapBytes(RAM)"), softTooLarge.getMessage());
    }
}
