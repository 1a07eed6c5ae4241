/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.TierKind;
import io.tierpool.client.TierStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.function.Executable;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class StoreTestSupport
{
    static final int KIB = 1024;
    static final int MIB = 1024 * 1024;

    private StoreTestSupport()
    {
    }

    /**
     * A context with small tiers under {@code dir}, no mover thread, and the node name "test-node".
     */
    static StoreContext context(final Path dir, final long ram, final long vvram, final long vssd)
    {
        return new StoreContext()
            .nodeName("test-node")
            .ramCapacityBytes(ram)
            .vvramCapacityBytes(vvram)
            .vvramDir(dir.resolve("vvram"))
            .vssdCapacityBytes(vssd)
            .vssdDir(dir.resolve("vssd"))
            .startMover(false)
            .startPrefetcher(false);
    }

    static byte[] randomBytes(final Random random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    static long allocateWith(final BlockStore store, final byte[] bytes, final io.tierpool.client.Hint hint)
    {
        final long id = store.allocate(bytes.length, hint);
        store.write(id, 0, bytes, 0, bytes.length);
        return id;
    }

    static byte[] readAll(final BlockStore store, final long id)
    {
        final byte[] bytes = new byte[(int)store.sizeOf(id)];
        store.read(id, 0, bytes, 0, bytes.length);
        return bytes;
    }

    static void assertContent(final BlockStore store, final long id, final byte[] expected)
    {
        assertArrayEquals(expected, readAll(store, id), "content of block " + id);
    }

    /**
     * Starts {@code call} on a new thread; whatever it throws is kept in {@code failure}.
     *
     * @return the started thread, for the caller to join.
     */
    static Thread start(final Executable call, final AtomicReference<Throwable> failure)
    {
        final Thread thread = new Thread(() ->
        {
            try
            {
                call.execute();
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
            }
        });
        thread.start();
        return thread;
    }

    /**
     * Runs a store call on another thread, whose tier call {@code hold} holds back; while it is held, rewrites and
     * reads back another block in RAM ({@code otherId}, {@code blockBytes} long) and takes the statistics (at least
     * {@code minBlocks} blocks), none of which may wait for the held call; then lets the call go and checks that it
     * succeeded and that the other block kept its new bytes.
     *
     * @param heldCall what is held back, for the messages ("device call", "far-memory free", ...).
     */
    static void runWhileHeld(
        final BlockStore store,
        final ConcurrentHeapTier.Hold hold,
        final Executable call,
        final Random random,
        final long otherId,
        final int blockBytes,
        final String heldCall,
        final long minBlocks) throws InterruptedException
    {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread caller = start(call, failure);
        assertTrue(hold.awaitReached(), "the call reached the held " + heldCall);

        final byte[] newer = randomBytes(random, blockBytes);
        store.write(otherId, 0, newer, 0, blockBytes);
        assertArrayEquals(newer, readAll(store, otherId));
        assertTrue(store.stats().blocks() >= minBlocks, "stats() answers while the " + heldCall + " is held");
        assertFalse(hold.expired, "an access to another block waited for the held " + heldCall);

        hold.release();
        caller.join();
        assertNull(failure.get());
        assertFalse(hold.expired);
        assertContent(store, otherId, newer);
    }

    static TierStats tierStats(final BlockStore store, final TierKind kind)
    {
        return store.stats().tier(kind);
    }

    static long countEntries(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            return 0;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            return paths.filter((p) -> !p.equals(dir)).count();
        }
    }
}
