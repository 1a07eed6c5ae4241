/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.ConfigurationException;
import io.tierpool.node.tier.TierKind;
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

/**
 * The VVRAM tier: memory-mapped files on a tmpfs, {@code /dev/shm} by default.
 * <p>
 * The tier's address range is split into segment files of at most {@link #MAX_SEGMENT_BYTES} each
 * ({@code vvram-000.dat}, {@code vvram-001.dat}, ...) under this process's directory
 * {@code <dir>/tierpool-<pid>-<startMillis>/}, so capacities over 2 GiB work; a block may span two segments.
 * <p>
 * <b>Reservation.</b> Writing to a mapped page of a sparse file on a full tmpfs kills the process with SIGBUS.
 * So the tier checks {@code FileStore.getUsableSpace()} first and then writes every byte of every segment for
 * real (zeros, through the file channel) before mapping it: if the tmpfs cannot hold the capacity, opening fails
 * with a {@link ConfigurationException} instead of the process dying later. The mapped pages are then
 * pre-touched so that the data path does not pay first-touch faults.
 * <p>
 * {@link #close()} unmaps the segments and deletes the files and the directory. Not thread-safe: the engine
 * serialises calls.
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
    private final List<MappedByteBuffer> mappings = new ArrayList<>();
    private final UnsafeBuffer[] segments;
    private ProcessDirectory directory;
    private Path directoryPath;

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
            reserveAndMap(capacity);
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

    private void reserveAndMap(final long capacity) throws IOException
    {
        final long zeros = NativeMemory.allocate(FILL_CHUNK_BYTES);
        try
        {
            NativeMemory.fill(zeros, FILL_CHUNK_BYTES, (byte)0);
            final ByteBuffer zeroBuffer = NativeMemory.view(zeros, FILL_CHUNK_BYTES);
            for (int i = 0; i < segments.length; i++)
            {
                final long segmentLength = Math.min(segmentBytes, capacity - (long)i * segmentBytes);
                final Path file = directory.path().resolve(String.format("vvram-%03d.dat", i));
                segmentFiles.add(file);
                try (FileChannel channel = FileChannel.open(file,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE))
                {
                    long position = 0;
                    while (position < segmentLength)
                    {
                        zeroBuffer.clear().limit((int)Math.min(FILL_CHUNK_BYTES, segmentLength - position));
                        position += channel.write(zeroBuffer, position);
                    }
                    channel.force(false);
                    final MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, segmentLength);
                    mappings.add(mapping);
                    segments[i] = new UnsafeBuffer(mapping);
                }
                preTouch(segments[i]);
            }
        }
        finally
        {
            NativeMemory.free(zeros);
        }
    }

    private static void preTouch(final UnsafeBuffer segment)
    {
        final int capacity = segment.capacity();
        for (int i = 0; i < capacity; i += PAGE_BYTES)
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
     * @return the segment files, in address order.
     */
    public List<Path> segmentFiles()
    {
        return List.copyOf(segmentFiles);
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

    /**
     * {@inheritDoc}
     */
    protected void copyOut(final long blockId, final long location, final MutableDirectBuffer dst, final int dstOffset, final int length)
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

    /**
     * {@inheritDoc}
     */
    protected void releaseResources()
    {
        release(false);
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
        for (final MappedByteBuffer mapping : mappings)
        {
            IoUtil.unmap(mapping);
        }
        mappings.clear();
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
