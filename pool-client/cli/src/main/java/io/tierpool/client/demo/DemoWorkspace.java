/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.demo;

import io.tierpool.client.ConfigurationException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The directories of one demo run, made fresh under the configured parents and removed with everything in them
 * on {@link #close()}:
 * <pre>
 *   &lt;work dir&gt;/tierpool-demo-&lt;pid&gt;-&lt;random&gt;/     (local disk: VSSD spill files)
 *       client/  node-1/  node-2/ ...
 *   &lt;vvram dir&gt;/tierpool-demo-&lt;pid&gt;-&lt;random&gt;/    (tmpfs: VVRAM files)
 *       client/  node-1/  node-2/ ...
 * </pre>
 * The parents themselves are never removed. <b>Threads.</b> {@link #close()} is idempotent and thread-safe
 * (a shutdown hook may call it while the main thread does).
 */
public final class DemoWorkspace implements AutoCloseable
{
    private final Path diskRoot;
    private final Path tmpfsRoot;
    private final List<String> warnings = new ArrayList<>();
    private boolean closed;

    private DemoWorkspace(final Path diskRoot, final Path tmpfsRoot)
    {
        this.diskRoot = diskRoot;
        this.tmpfsRoot = tmpfsRoot;
    }

    /**
     * Makes the run's two root directories.
     *
     * @param workDir  parent of the disk directory (VSSD), e.g. {@code java.io.tmpdir}; must exist.
     * @param vvramDir parent of the tmpfs directory (VVRAM), e.g. {@code /dev/shm}; must exist.
     * @return the workspace, to be closed by the caller.
     * @throws ConfigurationException if a parent does not exist or a directory cannot be made in it.
     */
    public static DemoWorkspace create(final Path workDir, final Path vvramDir)
    {
        final String prefix = "tierpool-demo-" + ProcessHandle.current().pid() + "-";
        final Path disk = makeRoot(workDir, prefix, "--work-dir");
        try
        {
            return new DemoWorkspace(disk, makeRoot(vvramDir, prefix, "--vvram-dir"));
        }
        catch (final RuntimeException ex)
        {
            deleteTree(disk);
            throw ex;
        }
    }

    private static Path makeRoot(final Path parent, final String prefix, final String flag)
    {
        if (!Files.isDirectory(parent))
        {
            throw new ConfigurationException(flag + "=" + parent + " is not a directory; give an existing one");
        }
        try
        {
            return Files.createTempDirectory(parent, prefix);
        }
        catch (final IOException ex)
        {
            throw new ConfigurationException(flag + "=" + parent + ": cannot make a directory in it (" + ex + ")",
                ex);
        }
    }

    /**
     * @param owner {@code "client"} or a node's name.
     * @return the owner's VSSD directory, made if missing.
     * @throws UncheckedIOException if it cannot be made.
     */
    public Path diskDir(final String owner)
    {
        return subdirectory(diskRoot, owner);
    }

    /**
     * @param owner {@code "client"} or a node's name.
     * @return the owner's VVRAM directory, made if missing.
     * @throws UncheckedIOException if it cannot be made.
     */
    public Path tmpfsDir(final String owner)
    {
        return subdirectory(tmpfsRoot, owner);
    }

    /**
     * @return the run's disk root, removed on close.
     */
    public Path diskRoot()
    {
        return diskRoot;
    }

    /**
     * @return the run's tmpfs root, removed on close.
     */
    public Path tmpfsRoot()
    {
        return tmpfsRoot;
    }

    /**
     * @return what close could not remove, one line per path; empty when all went.
     */
    public synchronized List<String> warnings()
    {
        return List.copyOf(warnings);
    }

    /**
     * Removes both roots and everything under them. Idempotent; paths that cannot be removed are listed in
     * {@link #warnings()} rather than thrown.
     */
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            for (final Path root : List.of(tmpfsRoot, diskRoot))
            {
                final String warning = deleteTree(root);
                if (null != warning)
                {
                    warnings.add(warning);
                }
            }
        }
    }

    private static Path subdirectory(final Path root, final String owner)
    {
        try
        {
            return Files.createDirectories(root.resolve(owner));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot make the demo directory " + root.resolve(owner), ex);
        }
    }

    /**
     * @param root the directory to remove with its contents.
     * @return null when it is gone, else a line saying what is left and why.
     */
    static String deleteTree(final Path root)
    {
        try
        {
            Files.walkFileTree(root, new SimpleFileVisitor<>()
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

                public FileVisitResult postVisitDirectory(final Path dir, final IOException ex) throws IOException
                {
                    if (null != ex)
                    {
                        throw ex;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
            return null;
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        catch (final IOException ex)
        {
            return "could not remove " + root + ": " + ex + "; remove it by hand";
        }
    }
}
