/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IgniteWorkDirectoryTest
{
    @TempDir
    Path parent;

    @Test
    @Timeout(30)
    void shouldRemoveDirectoriesOfDeadProcessesAndKeepLiveOnes() throws Exception
    {
        final Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        final long deadPid = finished.pid();
        final long livePid = ProcessHandle.current().parent().orElseThrow().pid();

        final Path stale = Files.createDirectories(parent.resolve("tierpool-ignite-" + deadPid + "-1/db/marshaller"));
        Files.writeString(stale.resolve("1.classname0"), "x");
        final Path live = Files.createDirectories(parent.resolve("tierpool-ignite-" + livePid + "-2"));
        final Path unrelated = Files.createDirectories(parent.resolve("something-else-" + deadPid));

        final Path created = IgniteWorkDirectory.create(parent);

        assertFalse(Files.exists(parent.resolve("tierpool-ignite-" + deadPid + "-1")), "stale directory");
        assertTrue(Files.isDirectory(live));
        assertTrue(Files.isDirectory(unrelated));
        assertTrue(created.getFileName().toString().startsWith("tierpool-ignite-" + ProcessHandle.current().pid() + "-"));

        Files.writeString(Files.createDirectories(created.resolve("a/b")).resolve("f"), "y");
        IgniteWorkDirectory.delete(created);
        IgniteWorkDirectory.delete(created);
        assertFalse(Files.exists(created));
    }
}
