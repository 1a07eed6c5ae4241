/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;

/**
 * This process's directory for one tier's files, made by {@link ProcessDirectories#create(Path, long)}. Holds
 * the directory's lock file locked while open; {@link #close()} releases the lock and deletes the directory and
 * everything in it. Idempotent close; not thread-safe.
 */
public final class ProcessDirectory implements AutoCloseable
{
    private final Path path;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private boolean closed;

    ProcessDirectory(final Path path, final FileChannel lockChannel, final FileLock lock)
    {
        this.path = path;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * @return the directory, {@code <parent>/tierpool-<pid>-<startMillis>}.
     */
    public Path path()
    {
        return path;
    }

    /**
     * Releases the lock and deletes the directory with everything in it. Idempotent.
     *
     * @throws UncheckedIOException if the directory cannot be deleted.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            try
            {
                try
                {
                    lock.release();
                }
                finally
                {
                    lockChannel.close();
                }
                ProcessDirectories.deleteRecursively(path);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot remove TierPool directory " + path, ex);
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return path.toString();
    }
}
