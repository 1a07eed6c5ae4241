/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-process Ignite work directories: {@code <parent>/tierpool-ignite-<pid>-<random>}.
 * <p>
 * Ignite writes marshaller mappings and binary metadata into its work directory, by default {@code ./ignite} or
 * {@code $IGNITE_HOME/work}, and leaves them behind. Each member gets a directory of its own, named for its
 * process, removed when the member closes; directories of processes that no longer run (killed, crashed) are
 * removed when the next member starts under the same parent.
 */
final class IgniteWorkDirectory
{
    static final String PREFIX = "tierpool-ignite-";

    private static final Pattern NAME_PATTERN = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-.*");

    private IgniteWorkDirectory()
    {
    }

    /**
     * Remove stale directories under the parent, then create a new one for this process.
     *
     * @param parent the parent directory, which exists.
     * @return the new, empty directory.
     * @throws IOException if it cannot be created.
     */
    static Path create(final Path parent) throws IOException
    {
        removeStale(parent);
        return Files.createTempDirectory(parent, PREFIX + ProcessHandle.current().pid() + "-");
    }

    /**
     * Delete a directory and everything in it; a directory that is already gone is not an error.
     *
     * @param dir to delete.
     * @throws IOException if something in it cannot be deleted.
     */
    static void delete(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            return;
        }

        Files.walkFileTree(dir, new SimpleFileVisitor<>()
        {
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException
            {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            public FileVisitResult visitFileFailed(final Path file, final IOException ex) throws IOException
            {
                if (ex instanceof NoSuchFileException)
                {
                    return FileVisitResult.CONTINUE;
                }

                throw ex;
            }

            public FileVisitResult postVisitDirectory(final Path directory, final IOException ex) throws IOException
            {
                if (null != ex && !(ex instanceof NoSuchFileException))
                {
                    throw ex;
                }

                Files.deleteIfExists(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void removeStale(final Path parent)
    {
        final long ownPid = ProcessHandle.current().pid();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, PREFIX + "*"))
        {
            for (final Path entry : entries)
            {
                final Matcher matcher = NAME_PATTERN.matcher(entry.getFileName().toString());
                if (!matcher.matches() || !Files.isDirectory(entry))
                {
                    continue;
                }

                final long pid;
                try
                {
                    pid = Long.parseLong(matcher.group(1));
                }
                catch (final NumberFormatException ex)
                {
                    continue;
                }

                if (pid != ownPid && ProcessHandle.of(pid).isEmpty())
                {
                    try
                    {
                        delete(entry);
                    }
                    catch (final IOException ignore)
                    {
                        // Another process may be removing it at the same time, or it belongs to another user.
                    }
                }
            }
        }
        catch (final IOException ignore)
        {
            // An unreadable parent leaves stale directories in place; creating ours reports real problems.
        }
    }
}
