/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.spill;

import io.tierpool.bench.BenchDirectories;
import io.tierpool.client.Hint;
import io.tierpool.node.engine.BlockStore;
import io.tierpool.node.engine.StoreContext;
import io.tierpool.client.TierKind;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/**
 * What the spill and read-back benchmarks share: a {@link BlockStore} with RAM and one spill tier (VVRAM on tmpfs
 * or VSSD on local disk), a set of blocks holding random bytes, and a plain file in the same directory as the
 * tier's files for the {@link FileChannel} baseline.
 * <p>
 * The store keeps no copies of promoted blocks ({@code retainCleanCopies(false)}: with them a block that came up
 * and was not written would go back to its copy without any I/O, and the spill would measure nothing), and runs
 * without its mover thread, without its prefetcher (and with sequential detection off, so that
 * {@link #readAll()} measures the read path's own promotion, as a read that misses RAM does it; the scan workload
 * measures the prefetcher) and with watermarks of 0.02 (high) and 0.01 (low), so that one call
 * of {@link #demoteAll()} (the mover's duty cycles, driven from the benchmark thread) moves every block down to
 * the spill tier, and {@link #promoteAll()} brings them all back to RAM, which is large enough to take them all
 * without demoting anything. That isolates the bytes moving between RAM and the spill tier from the
 * application's own copies.
 * <p>
 * Not thread-safe; one benchmark thread. {@link #close()} closes the store and removes every file.
 */
public final class SpillFixture implements AutoCloseable
{
    private final TierKind tier;
    private final int blockBytes;
    private final long[] blocks;
    private final BenchDirectories directories;
    private final BlockStore store;
    private final ByteBuffer source;
    private final ByteBuffer destination;
    private final UnsafeBuffer destinationView;
    private final FileChannel file;

    /**
     * Opens the store, allocates and fills the blocks (in RAM), and writes the baseline file once so that both
     * sides later overwrite storage that already exists (the VVRAM tier reserves its files at open).
     *
     * @param tier       {@link TierKind#VVRAM} or {@link TierKind#VSSD}.
     * @param dataBytes  bytes of all blocks together, a positive multiple of {@code blockBytes}.
     * @param blockBytes bytes per block (and per {@link FileChannel} call of the baseline), positive.
     * @throws IllegalArgumentException if the tier is not a spill tier or the sizes do not divide.
     * @throws UncheckedIOException     if the baseline file cannot be created.
     */
    public SpillFixture(final TierKind tier, final long dataBytes, final int blockBytes)
    {
        if (tier != TierKind.VVRAM && tier != TierKind.VSSD)
        {
            throw new IllegalArgumentException("tier " + tier + " is not a spill tier: use VVRAM or VSSD");
        }
        if (blockBytes <= 0 || dataBytes <= 0 || dataBytes % blockBytes != 0)
        {
            throw new IllegalArgumentException("dataBytes=" + dataBytes + " must be a positive multiple of " +
                "blockBytes=" + blockBytes);
        }
        this.tier = tier;
        this.blockBytes = blockBytes;
        this.blocks = new long[(int)(dataBytes / blockBytes)];
        this.directories = BenchDirectories.create();
        final Path dir = tier == TierKind.VVRAM ? directories.tmpfs() : directories.disk();
        BlockStore opened = null;
        FileChannel channel = null;
        try
        {
            opened = new BlockStore(new StoreContext()
                .nodeName("bench-spill")
                .ramCapacityBytes(dataBytes + 2L * blockBytes)
                .vvramCapacityBytes(tier == TierKind.VVRAM ? 2 * dataBytes : 0)
                .vssdCapacityBytes(tier == TierKind.VSSD ? 2 * dataBytes : 0)
                .vvramDir(directories.tmpfs())
                .vssdDir(directories.disk())
                .maxBlockBytes(blockBytes)
                .highWatermark(0.02)
                .lowWatermark(0.01)
                .startMover(false)
                .startPrefetcher(false)
                .prefetchDepth(0)
                .retainCleanCopies(false));
            channel = FileChannel.open(dir.resolve("baseline.bin"),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        catch (final IOException ex)
        {
            closeQuietly(opened, channel);
            directories.close();
            throw new UncheckedIOException("cannot create the baseline file in " + dir + ": " + ex.getMessage(), ex);
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(opened, channel);
            directories.close();
            throw ex;
        }
        this.store = opened;
        this.file = channel;

        source = ByteBuffer.allocateDirect(Math.toIntExact(dataBytes));
        destination = ByteBuffer.allocateDirect(blockBytes);
        destinationView = new UnsafeBuffer(destination);
        final UnsafeBuffer sourceView = new UnsafeBuffer(source);
        final SplittableRandom random = new SplittableRandom(42);
        for (int offset = 0; offset < sourceView.capacity() - 7; offset += 8)
        {
            sourceView.putLong(offset, random.nextLong());
        }
        for (int i = 0; i < blocks.length; i++)
        {
            blocks[i] = store.allocate(blockBytes, Hint.WARM);
            store.write(blocks[i], 0, sourceView, i * blockBytes, blockBytes);
        }
        fileWrite();
    }

    /**
     * @return the spill tier.
     */
    public TierKind tier()
    {
        return tier;
    }

    /**
     * @return the store (for checks).
     */
    public BlockStore store()
    {
        return store;
    }

    /**
     * @return the ids of the blocks, in allocation order.
     */
    public long[] blocks()
    {
        return blocks;
    }

    /**
     * Runs the mover's duty cycles until nothing is left to move: with the fixture's watermarks every block
     * goes down to the spill tier.
     *
     * @return blocks moved.
     */
    public int demoteAll()
    {
        int moved = 0;
        int step;
        while ((step = store.runMover()) > 0)
        {
            moved += step;
        }
        return moved;
    }

    /**
     * Brings every block back to RAM ({@link BlockStore#prefetch(long)}), where there is room for all of them.
     *
     * @return blocks that are in RAM afterwards.
     */
    public int promoteAll()
    {
        int inRam = 0;
        for (final long id : blocks)
        {
            if (store.prefetch(id))
            {
                inRam++;
            }
        }
        return inRam;
    }

    /**
     * Rewrites the first 8 bytes of every block with the value they hold, so that the block counts as written
     * (its checksum is taken afresh when it next leaves RAM) while its contents stay the same.
     */
    public void touchAll()
    {
        for (final long id : blocks)
        {
            store.read(id, 0, destinationView, 0, Long.BYTES);
            store.write(id, 0, destinationView, 0, Long.BYTES);
        }
    }

    /**
     * Reads every block, in order, into one reusable direct buffer: each read promotes its block to RAM and
     * copies it out.
     *
     * @return a byte of the last block (consumed by the caller).
     */
    public long readAll()
    {
        for (final long id : blocks)
        {
            store.read(id, 0, destinationView, 0, blockBytes);
        }
        return destination.get(blockBytes - 1);
    }

    /**
     * Writes the blocks' bytes sequentially to the baseline file from offset 0, one {@code blockBytes} call at a
     * time, from a direct buffer holding all of them (the same bytes the blocks hold, in as much distinct memory:
     * writing one small buffer again and again would write from the CPU cache, where a spill's blocks are not).
     *
     * @return bytes written.
     * @throws UncheckedIOException if the write fails.
     */
    public long fileWrite()
    {
        long position = 0;
        try
        {
            for (int i = 0; i < blocks.length; i++)
            {
                source.limit((i + 1) * blockBytes).position(i * blockBytes);
                while (source.hasRemaining())
                {
                    position += file.write(source, position);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("baseline write failed at offset " + position + ": " + ex.getMessage(), ex);
        }
        return position;
    }

    /**
     * Reads the baseline file sequentially from offset 0, one {@code blockBytes} call at a time, into a direct
     * buffer.
     *
     * @return bytes read.
     * @throws UncheckedIOException if the read fails or the file is short.
     */
    public long fileRead()
    {
        long position = 0;
        try
        {
            for (int i = 0; i < blocks.length; i++)
            {
                destination.clear();
                while (destination.hasRemaining())
                {
                    final int read = file.read(destination, position);
                    if (read < 0)
                    {
                        throw new IOException("end of file");
                    }
                    position += read;
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("baseline read failed at offset " + position + ": " + ex.getMessage(), ex);
        }
        return position;
    }

    /**
     * Closes the store and the file and removes the directories.
     */
    public void close()
    {
        try
        {
            closeQuietly(store, file);
        }
        finally
        {
            BufferUtil.free(source);
            BufferUtil.free(destination);
            directories.close();
        }
    }

    private static void closeQuietly(final BlockStore store, final FileChannel channel)
    {
        if (store != null)
        {
            store.close();
        }
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // Removed with its directory next.
            }
        }
    }
}
