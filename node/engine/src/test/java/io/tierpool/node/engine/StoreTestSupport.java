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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
