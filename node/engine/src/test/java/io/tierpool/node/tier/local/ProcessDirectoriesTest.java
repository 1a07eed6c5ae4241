/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ProcessDirectoriesTest
{
    @TempDir
    Path parent;

    @Test
    void shouldCreateLockedDirectoryNamedForProcessAndRemoveItOnClose() throws Exception
    {
        final long pid = ProcessHandle.current().pid();
        final Path path;
        try (ProcessDirectory dir = ProcessDirectories.create(parent, 1234))
        {
            path = dir.path();
            assertEquals("tierpool-" + pid + "-1234", path.getFileName().toString());
            assertTrue(Files.exists(path.resolve(ProcessDirectories.LOCK_FILE_NAME)));
            Files.write(path.resolve("data"), new byte[10]);
        }
        assertFalse(Files.exists(path));
    }

    @Test
    void shouldGiveDistinctDirectoriesToStoresStartedInSameMillisecond()
    {
        try (ProcessDirectory a = ProcessDirectories.create(parent, 5);
            ProcessDirectory b = ProcessDirectories.create(parent, 5))
        {
            final long pid = ProcessHandle.current().pid();
            assertEquals("tierpool-" + pid + "-5", a.path().getFileName().toString());
            assertEquals("tierpool-" + pid + "-6", b.path().getFileName().toString());
        }
    }

    @Test
    void shouldRemoveStaleDirectoriesOfDeadProcessesOnly() throws Exception
    {
        final long deadPid = deadPid();
        final Path stale = Files.createDirectories(parent.resolve("tierpool-" + deadPid + "-100"));
        Files.write(stale.resolve("vssd.dat"), new byte[100]);
        Files.createDirectories(stale.resolve("nested"));
        Files.write(stale.resolve(ProcessDirectories.LOCK_FILE_NAME), new byte[0]);

        final long livePid = ProcessHandle.current().parent().orElseThrow().pid();
        final Path live = Files.createDirectories(parent.resolve("tierpool-" + livePid + "-100"));
        final Path unrelated = Files.createDirectories(parent.resolve("tierpool-notapid"));
        final Path other = Files.createDirectories(parent.resolve("something-else"));

        try (ProcessDirectory mine = ProcessDirectories.create(parent, 200))
        {
            assertFalse(Files.exists(stale), "stale directory of dead pid " + deadPid + " is removed");
            assertTrue(Files.exists(live));
            assertTrue(Files.exists(unrelated));
            assertTrue(Files.exists(other));
            assertTrue(Files.exists(mine.path()));

            assertEquals(List.of(), ProcessDirectories.removeStale(parent), "own directory is never stale");
        }
    }

    @Test
    void shouldKeepDirectoryWhoseLockIsHeldEvenIfPidLooksDead() throws Exception
    {
        final Path dir = Files.createDirectories(parent.resolve("tierpool-" + deadPid() + "-100"));
        try (FileChannel channel = FileChannel.open(dir.resolve(ProcessDirectories.LOCK_FILE_NAME),
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            FileLock ignore = channel.lock())
        {
            assertEquals(List.of(), ProcessDirectories.removeStale(parent));
            assertTrue(Files.exists(dir));
        }
        assertEquals(List.of(dir), ProcessDirectories.removeStale(parent));
    }

    @Test
    void shouldParsePidFromDirectoryName()
    {
        assertEquals(123, ProcessDirectories.pidOf("tierpool-123-456"));
        assertEquals(-1, ProcessDirectories.pidOf("tierpool-123-"));
        assertEquals(-1, ProcessDirectories.pidOf("tierpool--456"));
        assertEquals(-1, ProcessDirectories.pidOf("tierpool-abc-456"));
        assertEquals(-1, ProcessDirectories.pidOf("tierpool-123-45x"));
        assertEquals(-1, ProcessDirectories.pidOf("other-123-456"));
    }

    static long deadPid() throws Exception
    {
        final Process process = new ProcessBuilder("true").start();
        final long pid = process.pid();
        process.waitFor();
        while (ProcessHandle.of(pid).isPresent())
        {
            Thread.sleep(10);
        }
        return pid;
    }
}
