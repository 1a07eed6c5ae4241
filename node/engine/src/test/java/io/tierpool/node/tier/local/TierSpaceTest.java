/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.client.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TierSpace}, the one free-space check of the library and the node daemon: nothing is opened or written,
 * so capacities far beyond the disk are safe to try here.
 */
class TierSpaceTest
{
    private static final long PIB = 1L << 50;

    @TempDir
    Path dir;

    @Test
    void shouldAcceptCapacitiesThatFitAndSkipDisabledTiers()
    {
        assertDoesNotThrow(() -> TierSpace.check(vvram(1 << 20, dir), vssd(1 << 20, dir)));
        assertDoesNotThrow(() -> TierSpace.check(vvram(0, dir.resolve("none")), vssd(0, dir)));
    }

    @Test
    void shouldRefuseATierLargerThanItsFilesystemNamingTierDirectoryAndBytes() throws IOException
    {
        final long usable = Files.getFileStore(dir).getUsableSpace();
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> TierSpace.check(vvram(0, dir), vssd(PIB, dir)));
        assertMessage(ex, "vssdCapacityBytes = " + PIB, "is " + PIB + " bytes", "for the VSSD tier",
            "vssdDir = " + dir, "usable on", "lower vssdCapacityBytes", "point vssdDir at a larger filesystem");
        assertTrue(ex.getMessage().matches("(?s).*\\b\\d+ bytes \\(.*GiB\\) usable on.*"), ex.getMessage());
        assertTrue(usable < PIB);

        assertMessage(assertThrows(ConfigurationException.class,
            () -> TierSpace.check(vvram(PIB, dir), vssd(0, dir))), "for the VVRAM tier", "vvramDir = " + dir);
    }

    @Test
    void shouldMeasureADirectoryNotYetMadeAtItsNearestAncestor()
    {
        final Path notYet = dir.resolve("a/b/c");
        assertDoesNotThrow(() -> TierSpace.check(vvram(0, notYet), vssd(1 << 20, notYet)));
        assertThrows(ConfigurationException.class, () -> TierSpace.check(vvram(0, notYet), vssd(PIB, notYet)));
        assertFalse(Files.exists(dir.resolve("a")), "the check makes nothing");
    }

    @Test
    void shouldRefuseTwoTiersThatFitAloneButNotTogetherOnOneFilesystem() throws IOException
    {
        final long each = Files.getFileStore(dir).getUsableSpace() / 10 * 6;
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> TierSpace.check(vvram(each, dir), vssd(each, dir.resolve("other"))));
        assertMessage(ex, "vvramCapacityBytes = " + each + " plus vssdCapacityBytes = " + each,
            "filesystem they share", "ask " + (2 * each) + " bytes", "different filesystems");
    }

    private static TierSpace.Setting vvram(final long bytes, final Path dir)
    {
        return TierSpace.Setting.of("VVRAM", bytes, dir, "vvramCapacityBytes", "vvramDir");
    }

    private static TierSpace.Setting vssd(final long bytes, final Path dir)
    {
        return TierSpace.Setting.of("VSSD", bytes, dir, "vssdCapacityBytes", "vssdDir");
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
