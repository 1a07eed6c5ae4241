/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A pair of fresh directories for one benchmark run: one on tmpfs (for the VVRAM tier and its raw-file baseline)
 * and one on local disk (for the VSSD tier, its baseline and Ehcache's disk tier). Both are created at open and
 * removed with everything in them at close, so a run leaves nothing in {@code /dev/shm} or the temp directory.
 * Not thread-safe; {@link #close()} is idempotent.
 */
public final class BenchDirectories implements AutoCloseable
{
    /**
     * Default parent of the tmpfs directory: {@code /dev/shm}.
     */
    public static final Path TMPFS_DEFAULT = Path.of("/dev/shm");

    /**
     * Default parent of the disk directory: {@code java.io.tmpdir}.
     */
    public static final Path DISK_DEFAULT = Path.of(System.getProperty("java.io.tmpdir"));

    private final Path tmpfs;
    private final Path disk;
    private boolean closed;

    private BenchDirectories(final Path tmpfs, final Path disk)
    {
        this.tmpfs = tmpfs;
        this.disk = disk;
    }

    /**
     * @param tmpfsParent an existing directory on tmpfs, e.g. {@code /dev/shm}.
     * @param diskParent  an existing directory on local disk, e.g. {@code /tmp}.
     * @return the new directories, {@code tierpool-bench-*} under each parent; close to remove them.
     * @throws UncheckedIOException if either cannot be created (the message names it).
     */
    public static BenchDirectories create(final Path tmpfsParent, final Path diskParent)
    {
        Path tmpfs = null;
        try
        {
            tmpfs = Files.createTempDirectory(tmpfsParent, "tierpool-bench-");
            final Path disk = Files.createTempDirectory(diskParent, "tierpool-bench-");
            return new BenchDirectories(tmpfs, disk);
        }
        catch (final IOException ex)
        {
            if (tmpfs != null)
            {
                deleteTree(tmpfs);
            }
            throw new UncheckedIOException("cannot create a benchmark directory under " + tmpfsParent + " or " +
                diskParent + ": " + ex.getMessage() + "; pass other parents with --tmpfs-dir/--disk-dir", ex);
        }
    }

    /**
     * @return the default directories, under {@link #TMPFS_DEFAULT} and {@link #DISK_DEFAULT}.
     */
    public static BenchDirectories create()
    {
        return create(TMPFS_DEFAULT, DISK_DEFAULT);
    }

    /**
     * @return the directory on tmpfs.
     */
    public Path tmpfs()
    {
        return tmpfs;
    }

    /**
     * @return the directory on local disk.
     */
    public Path disk()
    {
        return disk;
    }

    /**
     * Removes both directories and everything in them.
     *
     * @throws UncheckedIOException if something cannot be removed (the message names it).
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            deleteTree(tmpfs);
            deleteTree(disk);
        }
    }

    private static void deleteTree(final Path root)
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot remove benchmark directory " + root + ": " + ex.getMessage(), ex);
        }
    }
}
