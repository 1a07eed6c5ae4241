/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real file channel that counts positional writes and can be told to fail them: as a full disk does (the bytes
 * up to a file size limit are written, then "No space left on device"), or with an unchecked exception (a failure
 * other than lack of room). Shared by all the channels a tier opens through {@link #opener()}, so the script holds
 * across a reopen.
 */
final class ScriptedFileChannel extends FileChannel
{
    /**
     * What the channels of one tier do; thread-safe.
     */
    static final class Script
    {
        final AtomicLong opens = new AtomicLong();
        final AtomicLong positionalWrites = new AtomicLong();
        final AtomicLong bytesWritten = new AtomicLong();
        volatile long diskLimitBytes = Long.MAX_VALUE;
        volatile boolean failUnchecked;

        VssdTier.ChannelOpener opener()
        {
            return (file, create) ->
            {
                opens.incrementAndGet();
                return new ScriptedFileChannel(open(file, create), this);
            };
        }
    }

    private final FileChannel delegate;
    private final Script script;

    private ScriptedFileChannel(final FileChannel delegate, final Script script)
    {
        this.delegate = delegate;
        this.script = script;
    }

    private static FileChannel open(final Path file, final boolean create) throws IOException
    {
        return create ?
            FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE) :
            FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    public int write(final ByteBuffer src, final long position) throws IOException
    {
        script.positionalWrites.incrementAndGet();
        if (script.failUnchecked)
        {
            throw new NonWritableChannelException();
        }
        final long room = script.diskLimitBytes - position;
        if (room <= 0)
        {
            throw new IOException("No space left on device");
        }
        final int written;
        try
        {
            if (src.remaining() > room)
            {
                final ByteBuffer part = src.duplicate();
                part.limit(part.position() + (int)room);
                written = delegate.write(part, position);
                src.position(src.position() + written);
            }
            else
            {
                written = delegate.write(src, position);
            }
        }
        catch (final ClosedChannelException ex)
        {
            closeAsDelegateDid();
            throw ex;
        }
        script.bytesWritten.addAndGet(written);
        return written;
    }

    public int read(final ByteBuffer dst, final long position) throws IOException
    {
        try
        {
            return delegate.read(dst, position);
        }
        catch (final ClosedChannelException ex)
        {
            closeAsDelegateDid();
            throw ex;
        }
    }

    /**
     * The real channel closes itself when an interrupt arrives during I/O (in this thread or another); the
     * wrapper follows, so that it reports closed as the real channel does.
     */
    private void closeAsDelegateDid()
    {
        final boolean interrupted = Thread.interrupted();
        try
        {
            close();
        }
        catch (final IOException ignore)
        {
            // the delegate is closed already
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
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
