/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The blocks of a closed pool behave as {@link Block}'s javadoc says: freed by the close, so {@link Block#isFreed()}
 * is true, {@link Block#close()} does nothing (even for a block whose view was still open) and every other
 * operation throws {@link BlockFreedException} naming the block.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClosedPoolBlockTest
{
    @TempDir
    Path dir;

    @Test
    void shouldAnswerAsFreedBlocksOnceThePoolIsClosed()
    {
        final TierPool pool = TierPool.open(new TierPool.Context()
            .ramCapacityBytes(256 * 1024)
            .vvramCapacityBytes(256 * 1024)
            .vssdCapacityBytes(1024 * 1024)
            .vvramDir(dir)
            .vssdDir(dir));
        final Block inRam = pool.allocate(4096, Hint.WARM);
        final Block inVssd = pool.allocate(4096, Hint.WARM);
        final Block pinned = pool.allocate(4096, Hint.WARM);
        final Block freedBefore = pool.allocate(4096, Hint.WARM);
        inRam.write(0, new byte[] {1, 2, 3});
        inVssd.moveTo(TierKind.VSSD);
        freedBefore.free();
        final PinnedBlock view = pinned.pin();
        assertFalse(inRam.isFreed());

        pool.close();

        for (final Block block : List.of(inRam, inVssd, pinned))
        {
            assertTrue(block.isFreed(), block.toString());
            assertTrue(block.toString().contains("freed"), block.toString());
            assertFreed(block, () -> block.read(0, new byte[16], 0, 3));
            assertFreed(block, () -> block.read(0, new byte[16]));
            assertFreed(block, () -> block.read(0, new UnsafeBuffer(new byte[16]), 0, 3));
            assertFreed(block, () -> block.write(0, new byte[16], 0, 3));
            assertFreed(block, () -> block.write(0, new byte[16]));
            assertFreed(block, () -> block.write(0, new UnsafeBuffer(new byte[16]), 0, 3));
            assertFreed(block, block::pin);
            assertFreed(block, block::pinOnDevice);
            assertFreed(block, block::prefetch);
            assertFreed(block, () -> block.moveTo(TierKind.RAM));
            assertFreed(block, block::tier);
            assertFreed(block, block::free);
            assertDoesNotThrow(block::close, "close() throws only for a pinned block of an open pool");
            assertDoesNotThrow(block::close);
            assertTrue(block.isFreed());
            assertEquals(4096, block.sizeBytes());
        }
        assertDoesNotThrow(view::close);
        assertTrue(freedBefore.isFreed());
        assertThrows(BlockFreedException.class, freedBefore::free);
        assertDoesNotThrow(freedBefore::close);
    }

    private static void assertFreed(final Block block, final Executable operation)
    {
        final BlockFreedException ex = assertThrows(BlockFreedException.class, operation);
        assertTrue(ex.getMessage().contains("block " + block.id()), ex.getMessage());
        assertTrue(ex.getMessage().contains("TierPool closed"), ex.getMessage());
    }
}
