/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.node.tier.Tier;
import io.tierpool.client.TierKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class VssdTierTest
{
    @TempDir
    Path tempDir;

    @Test
    void shouldRoundTripRandomBlocksOfOddSizes() throws Exception
    {
        final Path dir;
        try (VssdTier tier = new VssdTier(tempDir, 2 * 1024 * 1024, 1))
        {
            dir = tier.directory();
            assertEquals(TierKind.VSSD, tier.kind());
            assertEquals(dir.resolve(VssdTier.FILE_NAME), tier.file());
            TierTestSupport.shouldRoundTripRandomBlocks(tier, 11);
        }
        assertFalse(Files.exists(dir));
        assertEquals(0, TierTestSupport.countFiles(tempDir));
    }

    @Test
    void shouldGrowFileOnDemand() throws Exception
    {
        try (VssdTier tier = new VssdTier(tempDir, 64L * 1024 * 1024 * 1024, 1))
        {
            assertEquals(0, Files.size(tier.file()));
            final byte[] bytes = new byte[1000];
            tier.write(1, new UnsafeBuffer(bytes), 0, bytes.length, 0);
            assertEquals(AbstractExtentTier.MAX_GROWTH_STEP_BYTES, Files.size(tier.file()), "one step of 64 MiB");
            assertEquals(Files.size(tier.file()), tier.fileLengthBytes());
        }
    }

    @Test
    void shouldReportNoSpaceWhenDiskIsFullAndKeepOtherBlocks()
    {
        final ScriptedFileChannel.Script script = new ScriptedFileChannel.Script();
        try (VssdTier tier = new VssdTier(tempDir, 1024 * 1024, 1, script.opener()))
        {
            final byte[] first = TierTestSupport.randomBytes(new Random(1), 5000);
            final long firstLocation = tier.write(1, new UnsafeBuffer(first), 0, first.length, 0);
            assertNotEquals(Tier.NO_SPACE, firstLocation);

            script.diskLimitBytes = 8192;
            final byte[] second = TierTestSupport.randomBytes(new Random(2), 6000);
            assertEquals(Tier.NO_SPACE, tier.write(2, new UnsafeBuffer(second), 0, second.length, 0));
            assertEquals(1, tier.writeFailures());
            assertTrue(tier.lastWriteFailure().getMessage().contains("No space left on device"));
            assertEquals(1, tier.blockCount(), "the failed write's extent was released");

            final byte[] back = new byte[first.length];
            tier.read(1, firstLocation, new UnsafeBuffer(back), 0, back.length);
            assertArrayEquals(first, back);

            script.diskLimitBytes = Long.MAX_VALUE;
            final long secondLocation = tier.write(2, new UnsafeBuffer(second), 0, second.length, 0);
            assertNotEquals(Tier.NO_SPACE, secondLocation);
            final byte[] secondBack = new byte[second.length];
            tier.read(2, secondLocation, new UnsafeBuffer(secondBack), 0, secondBack.length);
            assertArrayEquals(second, secondBack);
        }
    }

    @Test
    void shouldKeepWorkingForInterruptedCaller()
    {
        try (VssdTier tier = new VssdTier(tempDir, 1024 * 1024, 1))
        {
            final byte[] bytes = TierTestSupport.randomBytes(new Random(5), 3000);
            Thread.currentThread().interrupt();
            final long location = tier.write(1, new UnsafeBuffer(bytes), 0, bytes.length, 0);
            final byte[] back = new byte[bytes.length];
            tier.read(1, location, new UnsafeBuffer(back), 0, back.length);

            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
            assertNotEquals(Tier.NO_SPACE, location);
            assertArrayEquals(bytes, back);
        }
    }
}
