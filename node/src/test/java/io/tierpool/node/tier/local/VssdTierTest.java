/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.node.tier.Tier;
import io.tierpool.node.tier.TierKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class VssdTierTest
{
    @TempDir
    Path tempDir;

    @Test
    void shouldRoundTripRandomBlocksOfOddSizes() throws Exception
    {
        final Path dir;
        try (VssdTier tier = new VssdTier(tempDir, 2 * 1024 * 1024, 1))
        {
            dir = tier.directory();
            assertEquals(TierKind.VSSD, tier.kind());
            assertEquals(dir.resolve(VssdTier.FILE_NAME), tier.file());
            TierTestSupport.shouldRoundTripRandomBlocks(tier, 11);
        }
        assertFalse(Files.exists(dir));
        assertEquals(0, TierTestSupport.countFiles(tempDir));
    }

    @Test
    void shouldGrowFileOnDemand() throws Exception
    {
        try (VssdTier tier = new VssdTier(tempDir, 64L * 1024 * 1024 * 1024, 1))
        {
            assertEquals(0, Files.size(tier.file()));
            final byte[] bytes = new byte[1000];
            tier.write(1, new UnsafeBuffer(bytes), 0, bytes.length, 0);
            assertEquals(AbstractExtentTier.MAX_GROWTH_STEP_BYTES, Files.size(tier.file()), "one step of 64 MiB");
            assertEquals(Files.size(tier.file()), tier.fileLengthBytes());
        }
    }

    @Test
    void shouldReportNoSpaceWhenDiskIsFullAndKeepOtherBlocks()
    {
        final long[] limit = { Long.MAX_VALUE };
        final VssdTier.ChannelOpener opener = (file, create) ->
            new LimitedChannel(VssdTierTest.open(file, create), limit);

        try (VssdTier tier = new VssdTier(tempDir, 1024 * 1024, 1, opener))
        {
            final byte[] first = TierTestSupport.randomBytes(new Random(1), 5000);
            final long firstLocation = tier.write(1, new UnsafeBuffer(first), 0, first.length, 0);
            assertNotEquals(Tier.NO_SPACE, firstLocation);

            limit[0] = 8192;
            final byte[] second = TierTestSupport.randomBytes(new Random(2), 6000);
            assertEquals(Tier.NO_SPACE, tier.write(2, new UnsafeBuffer(second), 0, second.length, 0));
            assertEquals(1, tier.writeFailures());
            assertTrue(tier.lastWriteFailure().getMessage().contains("No space left on device"));
            assertEquals(1, tier.blockCount(), "the failed write's extent was released");

            final byte[] back = new byte[first.length];
            tier.read(1, firstLocation, new UnsafeBuffer(back), 0, back.length);
            assertArrayEquals(first, back);

            limit[0] = Long.MAX_VALUE;
            final long secondLocation = tier.write(2, new UnsafeBuffer(second), 0, second.length, 0);
            assertNotEquals(Tier.NO_SPACE, secondLocation);
            final byte[] secondBack = new byte[second.length];
            tier.read(2, secondLocation, new UnsafeBuffer(secondBack), 0, secondBack.length);
            assertArrayEquals(second, secondBack);
        }
    }

    @Test
    void shouldKeepWorkingForInterruptedCaller()
    {
        try (VssdTier tier = new VssdTier(tempDir, 1024 * 1024, 1))
        {
            final byte[] bytes = TierTestSupport.randomBytes(new Random(5), 3000);
            Thread.currentThread().interrupt();
            final long location = tier.write(1, new UnsafeBuffer(bytes), 0, bytes.length, 0);
            final byte[] back = new byte[bytes.length];
            tier.read(1, location, new UnsafeBuffer(back), 0, back.length);

            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
            assertNotEquals(Tier.NO_SPACE, location);
            assertArrayEquals(bytes, back);
        }
    }

    private static FileChannel open(final Path file, final boolean create) throws IOException
    {
        return create ?
            FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE) :
            FileChannel.open(file, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE);
    }

    /**
     * A real file channel whose file system runs out of space once the file would pass {@code limit[0]} bytes,
     * as a full disk does (a partial write, then ENOSPC).
     */
    private static final class LimitedChannel extends FileChannel
    {
        private final FileChannel delegate;
        private final long[] limit;

        LimitedChannel(final FileChannel delegate, final long[] limit)
        {
            this.delegate = delegate;
            this.limit = limit;
        }

        public int write(final ByteBuffer src, final long position) throws IOException
        {
            final long room = limit[0] - position;
            if (room <= 0)
            {
                throw new IOException("No space left on device");
            }
            if (src.remaining() > room)
            {
                final ByteBuffer part = src.duplicate();
                part.limit(part.position() + (int)room);
                final int written = delegate.write(part, position);
                src.position(src.position() + written);
                return written;
            }
            return delegate.write(src, position);
        }

        public int read(final ByteBuffer dst, final long position) throws IOException
        {
            return delegate.read(dst, position);
        }

        public int read(final ByteBuffer dst) throws IOException
        {
            return delegate.read(dst);
        }

        public long read(final ByteBuffer[] dsts, final int offset, final int length) throws IOException
        {
            return delegate.read(dsts, offset, length);
        }

        public int write(final ByteBuffer src) throws IOException
        {
            return delegate.write(src);
        }

        public long write(final ByteBuffer[] srcs, final int offset, final int length) throws IOException
        {
            return delegate.write(srcs, offset, length);
        }

        public long position() throws IOException
        {
            return delegate.position();
        }

        public FileChannel position(final long newPosition) throws IOException
        {
            delegate.position(newPosition);
            return this;
        }

        public long size() throws IOException
        {
            return delegate.size();
        }

        public FileChannel truncate(final long size) throws IOException
        {
            delegate.truncate(size);
            return this;
        }

        public void force(final boolean metaData) throws IOException
        {
            delegate.force(metaData);
        }

        public long transferTo(final long position, final long count, final WritableByteChannel target)
            throws IOException
        {
            return delegate.transferTo(position, count, target);
        }

        public long transferFrom(final ReadableByteChannel src, final long position, final long count)
            throws IOException
        {
            return delegate.transferFrom(src, position, count);
        }

        public MappedByteBuffer map(final MapMode mode, final long position, final long size) throws IOException
        {
            return delegate.map(mode, position, size);
        }

        public FileLock lock(final long position, final long size, final boolean shared) throws IOException
        {
            return delegate.lock(position, size, shared);
        }

        public FileLock tryLock(final long position, final long size, final boolean shared) throws IOException
        {
            return delegate.tryLock(position, size, shared);
        }

        protected void implCloseChannel() throws IOException
        {
            delegate.close();
        }
    }
}
