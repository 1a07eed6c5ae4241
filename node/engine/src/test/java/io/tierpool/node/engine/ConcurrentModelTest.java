/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.EngineTierStats;

import io.tierpool.client.StoreStats;

import io.tierpool.client.EvictionPolicy;

import io.tierpool.client.Hint;
import io.tierpool.client.OutOfTierMemoryException;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Timeout;
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
import static io.tierpool.node.engine.StoreTestSupport.context;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several threads run random allocate / write / read / free / pin / prefetch / moveTo operations on one store
 * while its mover and prefetcher threads run, each thread checking every byte it reads against its own model of
 * the blocks it owns. Tiers are small and capped so that blocks keep moving between all three.
 */
@Timeout(300)
class ConcurrentModelTest
{
    private static final int THREADS = 4;
    private static final int OPERATIONS = 10_000;
    private static final int MAX_BLOCK = 24 * KIB;
    /** Live bytes per thread above which a thread frees instead of allocating: 4 threads stay within the tiers. */
    private static final long MAX_LIVE_BYTES_PER_THREAD = 1536 * KIB;
    /** PIN_FAST blocks per thread at most, so that RAM never fills with blocks that cannot move. */
    private static final int MAX_PIN_FAST_PER_THREAD = 2;
    private static final TierKind[] KINDS = { TierKind.RAM, TierKind.VVRAM, TierKind.VSSD };
    private static final Hint[] HINTS = { Hint.WARM, Hint.WARM, Hint.HOT, Hint.COLD, Hint.PREFER_FAST, Hint.PIN_FAST };

    @TempDir
    Path tempDir;

    @ParameterizedTest
    @EnumSource(EvictionPolicy.class)
    void shouldMatchModelUnderConcurrentRandomOperations(final EvictionPolicy policy) throws Exception
    {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final long[] checkedBytes = new long[THREADS];
        try (BlockStore store = new BlockStore(context(tempDir, 512 * KIB, 512 * KIB, 8192 * KIB)
            .hardCapBytes(TierKind.RAM, 256 * KIB)
            .hardCapBytes(TierKind.VVRAM, 384 * KIB)
            .evictionPolicy(policy)
            .startMover(true)
            .startPrefetcher(true)
            .prefetchDepth(2)))
        {
            final CountDownLatch start = new CountDownLatch(1);
            final List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++)
            {
                final int index = t;
                final Thread worker = new Thread(() ->
                {
                    try
                    {
                        start.await();
                        checkedBytes[index] = runWorker(store, new Random(1000 + index));
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                }, "model-worker-" + t);
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
            assertEquals(0, stats.blocks(), "every worker freed its blocks");
            assertEquals(0, stats.checksumFailures());
            assertEquals(0, stats.moverErrors());
            assertEquals(0, stats.prefetchErrors());
            assertTrue(stats.demotions() > 0 && stats.promotions() > 0, "blocks moved: " + stats);
            for (final EngineTierStats tier : stats.engineTiers())
            {
                assertTrue(tier.peakUsedBytes() <= tier.hardCapBytes(), tier.name() + " peak over its hard cap");
            }
            assertTrue(Arrays.stream(checkedBytes).allMatch((n) -> n > 0));
            System.out.printf("%s: %d demotions, %d promotions, %d prefetches (%d hits), %d moves abandoned%n",
                policy, stats.demotions(), stats.promotions(), stats.prefetchesIssued(), stats.prefetchHits(),
                stats.movesAbandoned());
        }
    }

    private static long runWorker(final BlockStore store, final Random random)
    {
        final Map<Long, byte[]> model = new HashMap<>();
        final List<Long> ids = new ArrayList<>();
        final List<Long> pinFast = new ArrayList<>();
        long checked = 0;
        long liveBytes = 0;
        for (int op = 0; op < OPERATIONS; op++)
        {
            final int choice = liveBytes > MAX_LIVE_BYTES_PER_THREAD ? 99 : random.nextInt(100);
            if (ids.isEmpty() || choice < 15)
            {
                final int size = 1 + random.nextInt(MAX_BLOCK);
                final Hint hint = HINTS[random.nextInt(HINTS.length)];
                if (hint == Hint.PIN_FAST && (random.nextInt(4) != 0 || pinFast.size() >= MAX_PIN_FAST_PER_THREAD))
                {
                    continue;
                }
                try
                {
                    final long id = store.allocate(size, hint);
                    model.put(id, new byte[size]);
                    ids.add(id);
                    liveBytes += size;
                    if (hint == Hint.PIN_FAST)
                    {
                        pinFast.add(id);
                    }
                }
                catch (final OutOfTierMemoryException ex)
                {
                    // RAM full of pinned blocks for a PIN_FAST allocation: allowed, nothing changed.
                }
                continue;
            }

            final long id = ids.get(random.nextInt(ids.size()));
            final byte[] bytes = model.get(id);
            if (choice < 40)
            {
                final int offset = random.nextInt(bytes.length);
                final int length = 1 + random.nextInt(bytes.length - offset);
                final byte[] src = new byte[length];
                random.nextBytes(src);
                store.write(id, offset, src, 0, length);
                System.arraycopy(src, 0, bytes, offset, length);
            }
            else if (choice < 65)
            {
                final int offset = random.nextInt(bytes.length);
                final int length = 1 + random.nextInt(bytes.length - offset);
                final byte[] dst = new byte[length];
                store.read(id, offset, dst, 0, length);
                assertArrayEquals(Arrays.copyOfRange(bytes, offset, offset + length), dst, "block " + id);
                checked += length;
            }
            else if (choice < 72)
            {
                try (StorePinnedBlock pin = store.pin(id))
                {
                    final int offset = random.nextInt(bytes.length);
                    assertEquals(bytes[offset], pin.buffer().getByte(offset), "pinned block " + id);
                    final byte value = (byte)random.nextInt();
                    pin.buffer().putByte(offset, value);
                    bytes[offset] = value;
                }
                catch (final OutOfTierMemoryException ex)
                {
                    // RAM held only pinned blocks at that moment.
                }
            }
            else if (choice < 80)
            {
                store.prefetchAsync(id);
            }
            else if (choice < 88)
            {
                try
                {
                    store.moveTo(id, KINDS[random.nextInt(KINDS.length)]);
                }
                catch (final IllegalStateException ex)
                {
                    // PIN_FAST blocks never leave RAM.
                }
                catch (final OutOfTierMemoryException ex)
                {
                    // The target tier had no room under its hard cap.
                }
            }
            else
            {
                final byte[] all = new byte[bytes.length];
                store.read(id, 0, all, 0, all.length);
                assertArrayEquals(bytes, all, "block " + id);
                checked += all.length;
                store.free(id);
                liveBytes -= model.remove(id).length;
                ids.remove(id);
                pinFast.remove(id);
            }
        }
        for (final long id : ids)
        {
            final byte[] all = new byte[model.get(id).length];
            store.read(id, 0, all, 0, all.length);
            assertArrayEquals(model.get(id), all, "block " + id);
            checked += all.length;
            store.free(id);
        }
        return checked;
    }
}
