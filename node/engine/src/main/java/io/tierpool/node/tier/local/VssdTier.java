/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.TierPoolException;
import io.tierpool.client.TierKind;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/**
 * The VSSD tier: one spill file on local disk, {@code <dir>/tierpool-<pid>-<startMillis>/vssd.dat}, with
 * {@code dir} defaulting to {@code java.io.tmpdir}.
 * <p>
 * Blocks are extents of the file's address range, chosen by an {@link ExtentAllocator}, and are written and read
 * with positional {@link FileChannel} I/O straight from and into the caller's buffer (a {@link ByteBuffer} view
 * of it, no staging copy). The file starts empty and grows when a block is placed past its end, by a growth step
 * ({@link #growthStepBytes(long)}: an eighth of the capacity, at most 64 MiB) or to the block's end, never past
 * the capacity. Growth extends the file sparsely (one byte written at the new end), so it costs no bandwidth;
 * disk blocks are taken when data is written. When the disk is full, the growth or the write fails with an
 * {@link IOException} ("No space left on device"); the tier then releases the extent and reports
 * {@link #NO_SPACE}, as if it were full, and other blocks are untouched (every write stays within its own
 * extent).
 * <p>
 * A batch ({@link #writeBatch}) placed in one contiguous run is written with one positional write.
 * <p>
 * A pending interrupt is cleared for the duration of each I/O call and restored afterwards, so that an
 * interrupted caller does not close the channel for everyone; should the channel be closed by an interrupt that
 * arrives during I/O (in this thread or another), it is reopened and the I/O retried.
 * <p>
 * <b>Threading:</b> thread-safe and {@link #concurrentIo()} (see {@link AbstractExtentTier}): positional reads and
 * writes of different blocks run in parallel on the shared channel without a lock; growing the file, reopening
 * the channel and recording write failures take the tier's file lock. The file only grows while the tier is open,
 * and a block is written only once the file reaches its end, so the byte that extends the file never lands on
 * another block's data. {@link #close()} deletes the file and the directory; it must not run concurrently with
 * other calls.
 */
public final class VssdTier extends AbstractExtentTier
{
    /**
     * Name of the spill file in the per-process directory.
     */
    public static final String FILE_NAME = "vssd.dat";

    /**
     * Default parent directory: {@code java.io.tmpdir}.
     */
    public static final Path DEFAULT_DIR = Paths.get(System.getProperty("java.io.tmpdir"));

    /**
     * Opens file channels; replaceable in tests to inject I/O failures.
     */
    @FunctionalInterface
    interface ChannelOpener
    {
        FileChannel open(Path file, boolean create) throws IOException;
    }

    private static final ChannelOpener DEFAULT_OPENER = (file, create) -> create ?
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE) :
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);

    /**
     * Attempts of one I/O call when the channel is found closed by an interrupt (of this or another thread). Each
     * attempt clears this thread's interrupt and reopens the channel, so only a thread interrupted again during
     * every attempt (or a channel closed by other threads' interrupts every time) runs out of them; three proved too
     * few on a loaded machine whose threads are interrupted every millisecond (ConcurrentExtentTierTest).
     */
    private static final int MAX_ATTEMPTS = 32;

    private final ChannelOpener opener;
    private final Path file;
    private final Object fileLock = new Object();
    private final ByteBuffer oneZero = ByteBuffer.allocateDirect(1);
    private ProcessDirectory directory;
    private volatile FileChannel channel;
    private volatile long writeFailures;
    private volatile IOException lastWriteFailure;
    private volatile long fileLengthBytes;

    /**
     * Opens a tier, creating its directory and an empty spill file.
     *
     * @param parentDir     a directory on local disk in which to make this process's directory.
     * @param capacityBytes the most bytes the file may grow to, at least {@link ExtentAllocator#ALIGNMENT};
     *                      rounded down to it.
     * @param startMillis   epoch milliseconds of the store's start, part of the directory's name.
     * @throws ConfigurationException if the capacity is invalid or the file cannot be created.
     */
    public VssdTier(final Path parentDir, final long capacityBytes, final long startMillis)
    {
        this(parentDir, capacityBytes, startMillis, DEFAULT_OPENER);
    }

    VssdTier(final Path parentDir, final long capacityBytes, final long startMillis, final ChannelOpener opener)
    {
        super(TierKind.VSSD, "VSSD", checkCapacity(capacityBytes));
        this.opener = opener;
        try
        {
            directory = ProcessDirectories.create(parentDir, startMillis);
            file = directory.path().resolve(FILE_NAME);
            channel = opener.open(file, true);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietClose(directory);
            throw new ConfigurationException("cannot create the VSSD spill file in vssdDir=" + parentDir + ": " + ex +
                "; check that the directory is writable or point vssdDir elsewhere", ex);
        }
    }

    private static long checkCapacity(final long capacityBytes)
    {
        if (capacityBytes < ExtentAllocator.ALIGNMENT)
        {
            throw new ConfigurationException("vssdCapacityBytes=" + capacityBytes + " must be at least " +
                ExtentAllocator.ALIGNMENT + " bytes (or 0 to disable the VSSD tier)");
        }
        return capacityBytes;
    }

    /**
     * @return this process's directory holding the spill file.
     */
    public Path directory()
    {
        return file.getParent();
    }

    /**
     * @return the spill file.
     */
    public Path file()
    {
        return file;
    }

    /**
     * {@inheritDoc}
     */
    public long fileLengthBytes()
    {
        return fileLengthBytes;
    }

    /**
     * @return how many writes (or file growths) failed with an I/O error (typically a full disk) and were reported
     * as {@link #NO_SPACE}.
     */
    public long writeFailures()
    {
        return writeFailures;
    }

    /**
     * @return the I/O error of the last failed write, or null if none failed.
     */
    public IOException lastWriteFailure()
    {
        return lastWriteFailure;
    }

    /**
     * {@inheritDoc}
     */
    protected boolean copyIn(final long location, final DirectBuffer src, final int srcOffset, final int length)
    {
        boolean interrupted = Thread.interrupted();
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                final ByteBuffer bytes = NativeMemory.view(src, srcOffset, length);
                try
                {
                    final FileChannel channel = channel();
                    if (location + length > fileLengthBytes)
                    {
                        growTo(channel, location + length);
                    }
                    long position = location;
                    while (bytes.hasRemaining())
                    {
                        position += channel.write(bytes, position);
                    }
                    return true;
                }
                catch (final ClosedChannelException ex)
                {
                    interrupted |= Thread.interrupted();
                    if (attempt == MAX_ATTEMPTS || isClosed())
                    {
                        return failedWrite(ex);
                    }
                }
                catch (final IOException ex)
                {
                    return failedWrite(ex);
                }
            }
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Extends the file sparsely so that it holds {@code end}, by a growth step at least, unless another thread
     * already did.
     */
    private void growTo(final FileChannel channel, final long end) throws IOException
    {
        synchronized (fileLock)
        {
            final long length = fileLengthBytes;
            if (end > length)
            {
                final long grown = grownLength(length, end);
                oneZero.clear();
                channel.write(oneZero, grown - 1);
                fileLengthBytes = grown;
            }
        }
    }

    private boolean failedWrite(final IOException ex)
    {
        synchronized (fileLock)
        {
            writeFailures++;
            lastWriteFailure = ex;
        }
        return false;
    }

    /**
     * {@inheritDoc}
     */
    protected void copyOut(final long blockId, final long location, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        boolean interrupted = Thread.interrupted();
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                final ByteBuffer bytes = NativeMemory.view(dst, dstOffset, length);
                try
                {
                    final FileChannel channel = channel();
                    long position = location;
                    while (bytes.hasRemaining())
                    {
                        final int read = channel.read(bytes, position);
                        if (read < 0)
                        {
                            throw new TierPoolException("VSSD spill file " + file + " ends at byte " + position +
                                " inside block " + blockId + " (location " + location + ", " + length +
                                " bytes): the file was truncated behind TierPool's back");
                        }
                        position += read;
                    }
                    return;
                }
                catch (final ClosedChannelException ex)
                {
                    interrupted |= Thread.interrupted();
                    if (attempt == MAX_ATTEMPTS || isClosed())
                    {
                        throw readFailure(blockId, location, length, ex);
                    }
                }
                catch (final IOException ex)
                {
                    throw readFailure(blockId, location, length, ex);
                }
            }
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private TierPoolException readFailure(final long blockId, final long location, final int length, final IOException ex)
    {
        return new TierPoolException("cannot read block " + blockId + " (" + length + " bytes at location " +
            location + ") from VSSD spill file " + file + ": " + ex, ex);
    }

    /**
     * @return the channel, reopened under the file lock if an interrupt closed it.
     * @throws ClosedChannelException if the tier is closed.
     */
    private FileChannel channel() throws IOException
    {
        final FileChannel current = channel;
        if (current.isOpen())
        {
            return current;
        }
        synchronized (fileLock)
        {
            if (isClosed())
            {
                throw new ClosedChannelException();
            }
            if (!channel.isOpen())
            {
                channel = opener.open(file, false);
            }
            return channel;
        }
    }

    /**
     * {@inheritDoc}
     */
    protected void releaseResources()
    {
        try
        {
            synchronized (fileLock)
            {
                CloseHelper.quietClose(channel);
            }
        }
        finally
        {
            CloseHelper.close(directory);
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "VSSD{file=" + file + ", " + super.toString() + '}';
    }
}
