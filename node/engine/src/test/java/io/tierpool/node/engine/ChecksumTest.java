/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.StoreStats;

import io.tierpool.client.TierPoolException;
import io.tierpool.client.ChecksumMismatchException;
import io.tierpool.client.Hint;
import io.tierpool.client.TierKind;
import io.tierpool.node.tier.local.VssdTier;
import io.tierpool.node.tier.local.VvramTier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.MIB;
import static io.tierpool.node.engine.StoreTestSupport.allocateWith;
import static io.tierpool.node.engine.StoreTestSupport.assertContent;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class ChecksumTest
{
    @TempDir
    Path tempDir;

    private final Random random = new Random(31);

    @Test
    void shouldDetectBlockDamagedInVvramAndKeepOtherBlocks() throws Exception
    {
        try (BlockStore store = new BlockStore(context(tempDir, MIB, MIB, MIB)))
        {
            final byte[] damagedBytes = randomBytes(random, 10_000);
            final byte[] otherBytes = randomBytes(random, 10_000);
            final long damaged = allocateWith(store, damagedBytes, Hint.WARM);
            final long other = allocateWith(store, otherBytes, Hint.WARM);
            store.demote(damaged);
            store.demote(other);

            final VvramTier vvram = (VvramTier)store.tier(TierKind.VVRAM);
            flipByte(vvram.segmentFiles().get(0), store.locationOf(damaged) + 1234);

            final ChecksumMismatchException ex = assertThrows(
                ChecksumMismatchException.class, () -> store.read(damaged, 0, new byte[10], 0, 10));
            assertMismatch(ex, damaged, "VVRAM");
            assertEquals(TierKind.VVRAM, store.tierOf(damaged), "a damaged block stays where it was");

            assertThrows(ChecksumMismatchException.class, () -> store.pin(damaged));
            assertThrows(ChecksumMismatchException.class, () -> store.write(damaged, 0, new byte[1], 0, 1));
            assertThrows(ChecksumMismatchException.class, () -> store.prefetch(damaged));

            assertContent(store, other, otherBytes);
            final StoreStats stats = store.stats();
            assertEquals(4, stats.checksumFailures());
            assertEquals(4, stats.tier(TierKind.VVRAM).checksumFailures());
            assertEquals(1, stats.tier(TierKind.VVRAM).promotedBlocks(), "only the intact block came up");

            store.free(damaged);
            assertEquals(1, store.stats().blocks());
        }
    }

    @Test
    void shouldDetectBlockDamagedInVssdAndKeepOtherBlocks() throws Exception
    {
        try (BlockStore store = new BlockStore(context(tempDir, MIB, MIB, MIB)))
        {
            final byte[] damagedBytes = randomBytes(random, 77_777);
            final byte[] otherBytes = randomBytes(random, 5_000);
            final long damaged = allocateWith(store, damagedBytes, Hint.WARM);
            final long other = allocateWith(store, otherBytes, Hint.WARM);
            for (int i = 0; i < 2; i++)
            {
                store.demote(damaged);
                store.demote(other);
            }
            assertEquals(TierKind.VSSD, store.tierOf(damaged));

            final VssdTier vssd = (VssdTier)store.tier(TierKind.VSSD);
            flipByte(vssd.file(), store.locationOf(damaged) + 77_776);

            final ChecksumMismatchException ex = assertThrows(
                ChecksumMismatchException.class, () -> store.read(damaged, 77_000, new byte[10], 0, 10));
            assertMismatch(ex, damaged, "VSSD");
            assertEquals(TierKind.VSSD, store.tierOf(damaged));
            assertContent(store, other, otherBytes);
            assertEquals(1, store.stats().tier(TierKind.VSSD).checksumFailures());
        }
    }

    @Test
    void shouldDetectDamageInBlockServedThroughStaging() throws Exception
    {
        try (BlockStore store = new BlockStore(context(tempDir, 128 * KIB, MIB, MIB)))
        {
            final byte[] bytes = randomBytes(random, 300 * KIB);
            final long id = store.allocate(bytes.length, Hint.COLD);
            assertEquals(TierKind.VVRAM, store.tierOf(id));
            flipByte(((VvramTier)store.tier(TierKind.VVRAM)).segmentFiles().get(0), store.locationOf(id) + 5);

            assertThrows(ChecksumMismatchException.class, () -> store.read(id, 0, new byte[1], 0, 1));
            assertThrows(ChecksumMismatchException.class, () -> store.write(id, 0, bytes, 0, bytes.length));
            assertEquals(TierKind.VVRAM, store.tierOf(id));
        }
    }

    private static void assertMismatch(final ChecksumMismatchException ex, final long blockId, final String tier)
    {
        assertInstanceOf(TierPoolException.class, ex);
        assertEquals(blockId, ex.blockId());
        assertEquals(tier, ex.tierName());
        assertNotEquals(ex.expectedCrc32c(), ex.actualCrc32c());
        assertTrue(ex.getMessage().contains("block " + blockId), ex.getMessage());
        assertTrue(ex.getMessage().contains(tier), ex.getMessage());
        assertTrue(ex.getMessage().contains("test-node"), ex.getMessage());
        assertTrue(ex.getMessage().contains(String.format("%08x", ex.expectedCrc32c())), ex.getMessage());
    }

    private static void flipByte(final Path file, final long position) throws Exception
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            assertEquals(1, channel.read(one, position));
            one.put(0, (byte)(one.get(0) ^ 0x5A)).rewind();
            assertEquals(1, channel.write(one, position));
        }
    }
}
