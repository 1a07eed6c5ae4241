/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.BlockFreedException;
import io.tierpool.client.EngineTierStats;
import io.tierpool.client.Hint;
import io.tierpool.client.OutOfTierMemoryException;
import io.tierpool.client.StoreStats;
import io.tierpool.client.TierKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Eight threads read, write, pin, free and allocate RAM blocks, most of them through the RAM fast path, while the
 * mover demotes (RAM is small, so blocks keep moving to VVRAM and VSSD and back) and the prefetcher promotes. Two
 * kinds of blocks: each thread's own, checked byte for byte against its model; and shared slots that every thread
 * reads and rewrites whole with a pattern naming the block and a version, and that threads free and replace while
 * others read them. Every read is checked: an own block matches its model exactly; a shared block is one whole
 * pattern of the block read (never half of two writes, never another block's bytes), or the read throws
 * {@link BlockFreedException} because the slot was replaced.
 */
@Timeout(120)
class FastAccessConcurrentModelTest
{
    private static final int THREADS = 8;
    private static final int OPERATIONS = 3_000;
    private static final int SHARED_SLOTS = 24;
    private static final int SHARED_BLOCK = 8 * KIB;
    private static final int MAX_OWN_BLOCK = 16 * KIB;
    private static final long MAX_LIVE_BYTES_PER_THREAD = 256 * KIB;

    @TempDir
    Path tempDir;

    @Test
    void shouldMatchTheModelWithFastAccessesWhileBlocksMove() throws Exception
    {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final long[] checkedBytes = new long[THREADS];
        try (BlockStore store = new BlockStore(context(tempDir, 512 * KIB, 1024 * KIB, 8192 * KIB)
            .hardCapBytes(TierKind.RAM, 384 * KIB)
            .hardCapBytes(TierKind.VVRAM, 768 * KIB)
            .blockTableStripes(8)
            .startMover(true)
            .startPrefetcher(true)
            .prefetchDepth(2)))
        {
            final AtomicLongArray slots = new AtomicLongArray(SHARED_SLOTS);
            final AtomicLong versions = new AtomicLong();
            for (int s = 0; s < SHARED_SLOTS; s++)
            {
                slots.set(s, allocateShared(store, versions.incrementAndGet()));
            }
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
                        checkedBytes[index] = runWorker(store, slots, versions, new Random(500 + index));
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                }, "fast-model-worker-" + t);
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
            final byte[] all = new byte[SHARED_BLOCK];
            for (int s = 0; s < SHARED_SLOTS; s++)
            {
                store.read(slots.get(s), 0, all, 0, SHARED_BLOCK);
                checkShared(slots.get(s), all);
                store.free(slots.get(s));
            }

            final StoreStats stats = store.stats();
            assertEquals(0, stats.blocks(), "every block was freed");
            assertEquals(0, stats.checksumFailures());
            assertEquals(0, stats.moverErrors());
            assertEquals(0, stats.prefetchErrors());
            assertTrue(stats.demotions() > 0 && stats.promotions() > 0, "blocks moved: " + stats);
            for (final EngineTierStats tier : stats.engineTiers())
            {
                assertTrue(tier.peakUsedBytes() <= tier.hardCapBytes(), tier.name() + " peak over its hard cap");
            }
            assertTrue(Arrays.stream(checkedBytes).allMatch((n) -> n > 0));
            System.out.printf("fast path model: %d demotions, %d promotions, %d prefetches, %d moves abandoned, " +
                "%d RAM reads timed%n", stats.demotions(), stats.promotions(), stats.prefetchesIssued(),
                stats.movesAbandoned(), stats.engineTiers().get(0).readLatency().count());
        }
    }

    private static long runWorker(
        final BlockStore store, final AtomicLongArray slots, final AtomicLong versions, final Random random)
    {
        final Map<Long, byte[]> model = new HashMap<>();
        final List<Long> ids = new ArrayList<>();
        final byte[] sharedBytes = new byte[SHARED_BLOCK];
        final UnsafeBuffer pattern = new UnsafeBuffer(new byte[SHARED_BLOCK]);
        long checked = 0;
        long liveBytes = 0;
        for (int op = 0; op < OPERATIONS; op++)
        {
            final int choice = random.nextInt(100);
            if (choice < 30)
            {
                // A shared slot: read it whole and check it is one pattern of that block.
                final long id = slots.get(random.nextInt(SHARED_SLOTS));
                try
                {
                    store.read(id, 0, sharedBytes, 0, SHARED_BLOCK);
                    checkShared(id, sharedBytes);
                    checked += SHARED_BLOCK;
                }
                catch (final BlockFreedException ex)
                {
                    // The slot was replaced meanwhile.
                }
                continue;
            }
            if (choice < 42)
            {
                final long id = slots.get(random.nextInt(SHARED_SLOTS));
                fillPattern(pattern, id, versions.incrementAndGet());
                try
                {
                    store.write(id, 0, pattern, 0, SHARED_BLOCK);
                }
                catch (final BlockFreedException ex)
                {
                    // The slot was replaced meanwhile.
                }
                continue;
            }
            if (choice < 45)
            {
                // Replace a shared slot: other threads may be reading or writing the old block right now.
                final int slot = random.nextInt(SHARED_SLOTS);
                final long fresh = allocateShared(store, versions.incrementAndGet());
                final long old = slots.getAndSet(slot, fresh);
                try
                {
                    store.free(old);
                }
                catch (final IllegalStateException ex)
                {
                    fail("shared blocks are never pinned", ex);
                }
                continue;
            }
            if (ids.isEmpty() || choice < 55 && liveBytes < MAX_LIVE_BYTES_PER_THREAD)
            {
                final int size = 1 + random.nextInt(MAX_OWN_BLOCK);
                try
                {
                    final long id = store.allocate(size, random.nextInt(4) == 0 ? Hint.COLD : Hint.WARM);
                    model.put(id, new byte[size]);
                    ids.add(id);
                    liveBytes += size;
                }
                catch (final OutOfTierMemoryException ex)
                {
                    // Allowed when every tier is full at that moment; nothing changed.
                }
                continue;
            }
            final int pick = random.nextInt(ids.size());
            final long id = ids.get(pick);
            final byte[] bytes = model.get(id);
            if (choice < 70)
            {
                final int offset = random.nextInt(bytes.length);
                final int length = 1 + random.nextInt(bytes.length - offset);
                final byte[] src = new byte[length];
                random.nextBytes(src);
                store.write(id, offset, src, 0, length);
                System.arraycopy(src, 0, bytes, offset, length);
            }
            else if (choice < 88)
            {
                final int offset = random.nextInt(bytes.length);
                final int length = 1 + random.nextInt(bytes.length - offset);
                final byte[] dst = new byte[length];
                store.read(id, offset, dst, 0, length);
                assertArrayEquals(Arrays.copyOfRange(bytes, offset, offset + length), dst, "block " + id);
                checked += length;
            }
            else if (choice < 92)
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
            else if (choice < 95)
            {
                // A short scan of this thread's blocks in id order: the sequence detector prefetches ahead.
                final int from = random.nextInt(ids.size());
                for (int k = from; k < Math.min(ids.size(), from + 4); k++)
                {
                    final byte[] expected = model.get(ids.get(k));
                    final byte[] all = new byte[expected.length];
                    store.read(ids.get(k), 0, all, 0, all.length);
                    assertArrayEquals(expected, all, "block " + ids.get(k));
                    checked += all.length;
                }
            }
            else
            {
                final byte[] all = new byte[bytes.length];
                store.read(id, 0, all, 0, all.length);
                assertArrayEquals(bytes, all, "block " + id);
                checked += all.length;
                store.free(id);
                liveBytes -= bytes.length;
                model.remove(id);
                ids.remove(pick);
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

    private static long allocateShared(final BlockStore store, final long version)
    {
        final UnsafeBuffer pattern = new UnsafeBuffer(new byte[SHARED_BLOCK]);
        final long id = store.allocate(SHARED_BLOCK, Hint.WARM);
        fillPattern(pattern, id, version);
        store.write(id, 0, pattern, 0, SHARED_BLOCK);
        return id;
    }

    /**
     * Word 0: the block id; word 1: the version; word i: a mix of both and i.
     */
    private static void fillPattern(final UnsafeBuffer buffer, final long id, final long version)
    {
        buffer.putLong(0, id);
        buffer.putLong(8, version);
        for (int i = 2; i < SHARED_BLOCK / 8; i++)
        {
            buffer.putLong(8 * i, word(id, version, i));
        }
    }

    private static long word(final long id, final long version, final int i)
    {
        return id * 0x9E3779B97F4A7C15L + version * 0xC2B2AE3D27D4EB4FL + i;
    }

    private static void checkShared(final long id, final byte[] bytes)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final long version = buffer.getLong(8);
        if (buffer.getLong(0) == 0 && version == 0)
        {
            // Allocated, not yet written by its allocator (zero-filled): every byte must be zero.
            for (int i = 2; i < SHARED_BLOCK / 8; i++)
            {
                assertEquals(0L, buffer.getLong(8 * i), "zero-filled shared block " + id + " word " + i);
            }
            return;
        }
        assertEquals(id, buffer.getLong(0), "shared block " + id + " holds another block's bytes");
        for (int i = 2; i < SHARED_BLOCK / 8; i++)
        {
            if (buffer.getLong(8 * i) != word(id, version, i))
            {
                fail("shared block " + id + " word " + i + " is not version " + version + "'s: a torn or wrong read");
            }
        }
    }
}
