/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.client.TierPoolException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Per-process directories for tier files, so that no file outlives the process that made it.
 * <p>
 * Every file a tier creates lives under {@code <parent>/tierpool-<pid>-<startMillis>/}. The directory holds a
 * lock file ({@value #LOCK_FILE_NAME}) that its process keeps locked while it runs. A directory is <em>stale</em>
 * when the pid in its name is not a live process and its lock file is not locked by anyone (the lock check
 * guards against pid namespaces, where another container's live process looks dead from here).
 * {@link #create(Path, long)} removes stale directories in the same parent before making a new one, which
 * cleans up after processes that crashed or were killed.
 */
public final class ProcessDirectories
{
    /**
     * Prefix of every per-process directory's name.
     */
    public static final String PREFIX = "tierpool-";

    /**
     * Name of the lock file in each per-process directory.
     */
    public static final String LOCK_FILE_NAME = ".owner.lock";

    private ProcessDirectories()
    {
    }

    /**
     * Removes stale directories in {@code parent}, then creates this process's directory there:
     * {@code tierpool-<pid>-<startMillis>}, or {@code startMillis + 1, + 2, ...} if that name is taken (several
     * stores in one process started in the same millisecond).
     *
     * @param parent      the directory to create it in; created if missing.
     * @param startMillis epoch milliseconds of the start of the store, part of the name.
     * @return the new directory, locked; close it to remove it and everything in it.
     * @throws TierPoolException if the directory cannot be created.
     */
    public static ProcessDirectory create(final Path parent, final long startMillis)
    {
        final long pid = ProcessHandle.current().pid();
        try
        {
            Files.createDirectories(parent);
            removeStale(parent);

            long millis = startMillis;
            while (true)
            {
                final Path dir = parent.resolve(PREFIX + pid + "-" + millis);
                try
                {
                    Files.createDirectory(dir);
                    return lock(dir);
                }
                catch (final FileAlreadyExistsException ex)
                {
                    millis++;
                }
            }
        }
        catch (final IOException ex)
        {
            throw new TierPoolException("cannot create a per-process directory in " + parent + ": " + ex +
                "; check that the directory exists, is writable and has space", ex);
        }
    }

    private static ProcessDirectory lock(final Path dir) throws IOException
    {
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(
                dir.resolve(LOCK_FILE_NAME), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            final FileLock lock = channel.lock();
            return new ProcessDirectory(dir, channel, lock);
        }
        catch (final IOException | RuntimeException ex)
        {
            if (channel != null)
            {
                channel.close();
            }
            deleteRecursively(dir);
            throw ex;
        }
    }

    /**
     * Removes the per-process directories in {@code parent} whose process is gone (see the class comment).
     * Directories of live processes, of this process, and entries that do not match the naming pattern are
     * left alone.
     *
     * @param parent the directory to scan; nothing happens if it does not exist.
     * @return the directories removed.
     * @throws UncheckedIOException if the parent cannot be listed or a stale directory cannot be removed.
     */
    public static List<Path> removeStale(final Path parent)
    {
        final List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(parent))
        {
            return removed;
        }

        final long ownPid = ProcessHandle.current().pid();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, PREFIX + "*"))
        {
            for (final Path entry : entries)
            {
                final long pid = pidOf(entry.getFileName().toString());
                if (pid <= 0 || pid == ownPid || !Files.isDirectory(entry) || ProcessHandle.of(pid).isPresent())
                {
                    continue;
                }
                if (!isLockedByAnotherProcess(entry))
                {
                    deleteRecursively(entry);
                    removed.add(entry);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot remove stale TierPool directories in " + parent, ex);
        }
        return removed;
    }

    /**
     * @param name a file name.
     * @return the pid in a name of the form {@code tierpool-<pid>-<startMillis>}, or -1 if the name has another
     * form.
     */
    public static long pidOf(final String name)
    {
        if (!name.startsWith(PREFIX))
        {
            return -1;
        }
        final int pidStart = PREFIX.length();
        final int dash = name.indexOf('-', pidStart);
        if (dash <= pidStart || dash == name.length() - 1)
        {
            return -1;
        }
        for (int i = dash + 1; i < name.length(); i++)
        {
            if (!Character.isDigit(name.charAt(i)))
            {
                return -1;
            }
        }
        try
        {
            return Long.parseLong(name, pidStart, dash, 10);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    private static boolean isLockedByAnotherProcess(final Path dir) throws IOException
    {
        final Path lockFile = dir.resolve(LOCK_FILE_NAME);
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE))
        {
            final FileLock lock = channel.tryLock();
            if (lock == null)
            {
                return true;
            }
            lock.release();
            return false;
        }
        catch (final NoSuchFileException ex)
        {
            return false;
        }
        catch (final OverlappingFileLockException ex)
        {
            return true;
        }
    }

    /**
     * Deletes a file or a directory and everything in it; nothing happens if it does not exist.
     *
     * @param path the file or directory.
     * @throws IOException if something cannot be deleted.
     */
    public static void deleteRecursively(final Path path) throws IOException
    {
        if (!Files.exists(path))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(path))
        {
            final List<Path> all = new ArrayList<>();
            paths.forEach(all::add);
            all.sort(Comparator.reverseOrder());
            for (final Path p : all)
            {
                Files.deleteIfExists(p);
            }
        }
    }
}
