/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library checks the VVRAM and VSSD capacities against the usable space under their directories, as the node
 * daemon does (one implementation, {@code TierSpace}): a capacity no disk here can hold fails {@link TierPool#open}
 * with a {@link ConfigurationException} naming the tier, the directory, the bytes asked and usable and what to do,
 * before any tier opens or any file is made.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalCapacityCheckTest
{
    private static final long PIB = 1L << 50;

    @TempDir
    Path dir;

    @Test
    void shouldRefuseAVssdCapacityLargerThanItsDisk() throws IOException
    {
        final ConfigurationException ex = assertThrows(ConfigurationException.class, () -> TierPool.open(
            new TierPool.Context().ramCapacityBytes(1 << 20).vvramCapacityBytes(0).vssdDir(dir).vssdCapacityBytes(PIB)));
        assertMessage(ex, "VSSD tier", "vssdCapacityBytes (tierpool.vssd.capacity) = " + PIB, "is " + PIB + " bytes",
            "vssdDir (tierpool.vssd.dir) = " + dir, "usable on", "lower vssdCapacityBytes", "larger filesystem");
        assertNothingMade();
    }

    @Test
    void shouldRefuseAVvramCapacityLargerThanItsFilesystem() throws IOException
    {
        final ConfigurationException ex = assertThrows(ConfigurationException.class, () -> TierPool.open(
            new TierPool.Context().ramCapacityBytes(1 << 20).vvramDir(dir).vvramCapacityBytes(PIB).vssdDir(dir)
                .vssdCapacityBytes(1 << 20)));
        assertMessage(ex, "VVRAM tier", "vvramCapacityBytes (tierpool.vvram.capacity) = " + PIB,
            "vvramDir (tierpool.vvram.dir) = " + dir, "usable on", "lower vvramCapacityBytes");
        assertNothingMade();
    }

    private void assertNothingMade() throws IOException
    {
        try (Stream<Path> left = Files.list(dir))
        {
            assertTrue(left.findAny().isEmpty(), "no tier was opened");
        }
    }

    private static void assertMessage(final Throwable ex, final String... fragments)
    {
        for (final String fragment : fragments)
        {
            assertTrue(ex.getMessage().contains(fragment), "message should mention '" + fragment + "': " +
                ex.getMessage());
        }
    }
}
