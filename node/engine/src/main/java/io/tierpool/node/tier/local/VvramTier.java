/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.TierKind;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The VVRAM tier: memory-mapped files on a tmpfs, {@code /dev/shm} by default.
 * <p>
 * The tier's address range is split into segment files of at most {@link #MAX_SEGMENT_BYTES} each
 * ({@code vvram-000.dat}, {@code vvram-001.dat}, ...) under this process's directory
 * {@code <dir>/tierpool-<pid>-<startMillis>/}, so capacities over 2 GiB work; a block may span two segments.
 * <p>
 * <b>Growth and reservation.</b> The files start with one growth step ({@link #growthStepBytes(long)}: an eighth
 * of the capacity, at most 64 MiB) and grow when a block is placed past their end, a step at a time (or to the
 * block's end), never past the capacity: the last segment file is extended, or the next one created. Writing to
 * a mapped page of a sparse file on a full tmpfs kills the process with SIGBUS, so every byte a growth adds is
 * written for real (zeros, through the file channel) before it is mapped: a tmpfs that fills makes the growth fail
 * with an {@link IOException}, the file is cut back to its mapped length, and the block is refused with
 * {@link #NO_SPACE}; blocks already stored are untouched. The tier also checks at open that the file system's
 * usable space is at least the capacity, so a tier that can never fit is reported at start-up. Newly mapped
 * pages are pre-touched so that the data path does not pay first-touch faults.
 * <p>
 * <b>Threading:</b> thread-safe and {@link #concurrentIo()} (see {@link AbstractExtentTier}). Growth remaps a
 * segment and unmaps its old mapping, so a copy into or out of the segments must never run across it: copies
 * hold the read side of a read-write lock (many copies run in parallel) and growth takes the write side. A write
 * whose block lies past the mapped length grows the files first, then copies under the read lock; the mapped
 * length never shrinks while the tier is open. {@link #close()} unmaps the segments and deletes the files and the
 * directory; it must not run concurrently with other calls.
 */
public final class VvramTier extends AbstractExtentTier
{
    /**
     * The largest segment file, in bytes: 256 MiB.
     */
    public static final int MAX_SEGMENT_BYTES = 256 * 1024 * 1024;

    /**
     * Default parent directory: {@code /dev/shm}.
     */
    public static final Path DEFAULT_DIR = Paths.get("/dev/shm");

    private static final int PAGE_BYTES = 4096;
    private static final int FILL_CHUNK_BYTES = 1024 * 1024;

    private final Path parentDir;
    private final int segmentBytes;
    private final List<Path> segmentFiles = new ArrayList<>();
    private final MappedByteBuffer[] mappings;
    private final UnsafeBuffer[] segments;
    private final ReentrantReadWriteLock mappingLock = new ReentrantReadWriteLock();
    private final Lock copyLock = mappingLock.readLock();
    private final Lock growthLock = mappingLock.writeLock();
    private ProcessDirectory directory;
    private Path directoryPath;
    private volatile long fileLengthBytes;
    private long zerosAddress;
    private ByteBuffer zeros;
    private volatile long growthFailures;
    private volatile IOException lastGrowthFailure;

    /**
     * Opens a tier with segments of {@link #MAX_SEGMENT_BYTES}.
     *
     * @param parentDir     a directory on a tmpfs in which to make this process's directory.
     * @param capacityBytes bytes to reserve, at least {@link ExtentAllocator#ALIGNMENT}; rounded down to it.
     * @param startMillis   epoch milliseconds of the store's start, part of the directory's name.
     * @throws ConfigurationException if the capacity is invalid or does not fit in the directory's file system.
     */
    public VvramTier(final Path parentDir, final long capacityBytes, final long startMillis)
    {
        this(parentDir, capacityBytes, startMillis, MAX_SEGMENT_BYTES);
    }

    /**
     * Opens a tier.
     *
     * @param parentDir     a directory on a tmpfs in which to make this process's directory.
     * @param capacityBytes bytes to reserve, at least {@link ExtentAllocator#ALIGNMENT}; rounded down to it.
     * @param startMillis   epoch milliseconds of the store's start, part of the directory's name.
     * @param segmentBytes  size of each segment file, a multiple of {@link ExtentAllocator#ALIGNMENT} up to
     *                      {@link #MAX_SEGMENT_BYTES} (smaller segments are for tests).
     * @throws ConfigurationException if an argument is invalid or the capacity does not fit in the directory's
     *                                file system.
     */
    public VvramTier(final Path parentDir, final long capacityBytes, final long startMillis, final int segmentBytes)
    {
        super(TierKind.VVRAM, "VVRAM", checkCapacity(capacityBytes));
        if (segmentBytes < ExtentAllocator.ALIGNMENT || segmentBytes > MAX_SEGMENT_BYTES ||
            segmentBytes % ExtentAllocator.ALIGNMENT != 0)
        {
            throw new ConfigurationException("VVRAM segmentBytes=" + segmentBytes + " must be a multiple of " +
                ExtentAllocator.ALIGNMENT + " from " + ExtentAllocator.ALIGNMENT + " to " + MAX_SEGMENT_BYTES);
        }
        this.parentDir = parentDir;
        this.segmentBytes = segmentBytes;
        final long capacity = capacityBytes();
        this.segments = new UnsafeBuffer[(int)((capacity + segmentBytes - 1) / segmentBytes)];
        this.mappings = new MappedByteBuffer[segments.length];

        try
        {
            Files.createDirectories(parentDir);
            final long usable = Files.getFileStore(parentDir).getUsableSpace();
            if (usable < capacity)
            {
                throw new ConfigurationException(noRoomMessage(capacity, usable));
            }
            directory = ProcessDirectories.create(parentDir, startMillis);
            directoryPath = directory.path();
            zerosAddress = NativeMemory.allocate(FILL_CHUNK_BYTES);
            NativeMemory.fill(zerosAddress, FILL_CHUNK_BYTES, (byte)0);
            zeros = NativeMemory.view(zerosAddress, FILL_CHUNK_BYTES);
            growTo(Math.min(capacity, growthStepBytes(capacity)));
        }
        catch (final IOException ex)
        {
            release(true);
            throw new ConfigurationException("cannot reserve vvramCapacityBytes=" + capacity + " in vvramDir=" +
                parentDir + " (" + usableSpace() + " bytes usable there): " + ex + "; check the directory is a " +
                "writable tmpfs with room, lower vvramCapacityBytes or point vvramDir elsewhere", ex);
        }
        catch (final RuntimeException | Error ex)
        {
            release(true);
            throw ex;
        }
    }

    private static long checkCapacity(final long capacityBytes)
    {
        if (capacityBytes < ExtentAllocator.ALIGNMENT)
        {
            throw new ConfigurationException("vvramCapacityBytes=" + capacityBytes + " must be at least " +
                ExtentAllocator.ALIGNMENT + " bytes (or 0 to disable the VVRAM tier)");
        }
        return capacityBytes;
    }

    private String noRoomMessage(final long capacity, final long usable)
    {
        return "vvramCapacityBytes=" + capacity + " does not fit in vvramDir=" + parentDir + ": only " + usable +
            " bytes are usable there; lower vvramCapacityBytes, free space in " + parentDir +
            ", enlarge the tmpfs (e.g. docker run --shm-size) or point vvramDir at a larger tmpfs";
    }

    private long usableSpace()
    {
        try
        {
            return Files.getFileStore(parentDir).getUsableSpace();
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    /**
     * Extends the files to {@code length} bytes in all, writing zeros for real and mapping them. Called with the
     * growth lock held (or from the constructor).
     */
    private void growTo(final long length) throws IOException
    {
        while (fileLengthBytes < length)
        {
            final int segment = (int)(fileLengthBytes / segmentBytes);
            final long segmentStart = (long)segment * segmentBytes;
            final long oldLength = fileLengthBytes - segmentStart;
            final long newLength = Math.min(Math.min(segmentBytes, capacityBytes() - segmentStart), length - segmentStart);
            if (segment == segmentFiles.size())
            {
                segmentFiles.add(directory.path().resolve(String.format("vvram-%03d.dat", segment)));
            }
            final Path file = segmentFiles.get(segment);
            try (FileChannel channel = FileChannel.open(file,
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE))
            {
                try
                {
                    long position = oldLength;
                    while (position < newLength)
                    {
                        zeros.clear().limit((int)Math.min(FILL_CHUNK_BYTES, newLength - position));
                        position += channel.write(zeros, position);
                    }
                    channel.force(false);
                }
                catch (final IOException ex)
                {
                    channel.truncate(oldLength);
                    throw ex;
                }
                final MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, newLength);
                if (mappings[segment] != null)
                {
                    segments[segment].wrap(mapping);
                    IoUtil.unmap(mappings[segment]);
                }
                else
                {
                    segments[segment] = new UnsafeBuffer(mapping);
                }
                mappings[segment] = mapping;
            }
            preTouch(segments[segment], (int)oldLength);
            fileLengthBytes = segmentStart + newLength;
        }
    }

    /**
     * Grows the files, under the growth lock, so that they hold {@code end}, unless they already do.
     *
     * @return false if the growth failed (the tmpfs is full).
     */
    private boolean ensureLength(final long end)
    {
        if (end <= fileLengthBytes)
        {
            return true;
        }
        growthLock.lock();
        try
        {
            if (end <= fileLengthBytes)
            {
                return true;
            }
            growTo(grownLength(fileLengthBytes, end));
            return true;
        }
        catch (final IOException ex)
        {
            growthFailures++;
            lastGrowthFailure = ex;
            return false;
        }
        finally
        {
            growthLock.unlock();
        }
    }

    private static void preTouch(final UnsafeBuffer segment, final int from)
    {
        final int capacity = segment.capacity();
        for (int i = from; i < capacity; i += PAGE_BYTES)
        {
            segment.putByte(i, (byte)0);
        }
    }

    /**
     * @return this process's directory holding the segment files.
     */
    public Path directory()
    {
        return directoryPath;
    }

    /**
     * {@inheritDoc}
     */
    public long fileLengthBytes()
    {
        return fileLengthBytes;
    }

    /**
     * @return how many growths failed (the tmpfs was full) and made a write report {@link #NO_SPACE}.
     */
    public long growthFailures()
    {
        return growthFailures;
    }

    /**
     * @return the I/O error of the last failed growth, or null if none failed.
     */
    public IOException lastGrowthFailure()
    {
        return lastGrowthFailure;
    }

    /**
     * @return the segment files created so far, in address order.
     */
    public List<Path> segmentFiles()
    {
        copyLock.lock();
        try
        {
            return List.copyOf(segmentFiles);
        }
        finally
        {
            copyLock.unlock();
        }
    }

    /**
     * @return the size of each segment file but possibly the last, in bytes.
     */
    public int segmentBytes()
    {
        return segmentBytes;
    }

    /**
     * {@inheritDoc}
     */
    protected boolean copyIn(final long location, final DirectBuffer src, final int srcOffset, final int length)
    {
        if (!ensureLength(location + length))
        {
            return false;
        }
        copyLock.lock();
        try
        {
            long position = location;
            int done = 0;
            while (done < length)
            {
                final int segment = (int)(position / segmentBytes);
                final int segmentOffset = (int)(position - (long)segment * segmentBytes);
                final int chunk = Math.min(length - done, segments[segment].capacity() - segmentOffset);
                segments[segment].putBytes(segmentOffset, src, srcOffset + done, chunk);
                done += chunk;
                position += chunk;
            }
            return true;
        }
        finally
        {
            copyLock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     */
    protected void copyOut(final long blockId, final long location, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        copyLock.lock();
        try
        {
            long position = location;
            int done = 0;
            while (done < length)
            {
                final int segment = (int)(position / segmentBytes);
                final int segmentOffset = (int)(position - (long)segment * segmentBytes);
                final int chunk = Math.min(length - done, segments[segment].capacity() - segmentOffset);
                segments[segment].getBytes(segmentOffset, dst, dstOffset + done, chunk);
                done += chunk;
                position += chunk;
            }
        }
        finally
        {
            copyLock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     */
    protected void releaseResources()
    {
        growthLock.lock();
        try
        {
            release(false);
        }
        finally
        {
            growthLock.unlock();
        }
    }

    private void release(final boolean quietly)
    {
        for (int i = 0; i < segments.length; i++)
        {
            if (segments[i] != null)
            {
                segments[i].wrap(new byte[0]);
                segments[i] = null;
            }
        }
        for (int i = 0; i < mappings.length; i++)
        {
            if (mappings[i] != null)
            {
                IoUtil.unmap(mappings[i]);
                mappings[i] = null;
            }
        }
        zeros = null;
        NativeMemory.free(zerosAddress);
        zerosAddress = 0;
        if (quietly)
        {
            CloseHelper.quietClose(directory);
        }
        else
        {
            CloseHelper.close(directory);
        }
        directory = null;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "VVRAM{dir=" + directoryPath + ", segments=" + segments.length + ", " + super.toString() + '}';
    }
}
