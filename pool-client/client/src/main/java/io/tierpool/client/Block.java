/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.client.BlockFreedException;
import io.tierpool.node.engine.BlockStore;
import io.tierpool.client.TierKind;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A block of off-heap memory in a {@link TierPool}, of a fixed size chosen at allocation. Its bytes live in
 * whichever tier the pool's mover last put them (RAM, VVRAM, VSSD or a remote node); every access brings them
 * back to RAM first, so {@link #read} always returns the bytes last written.
 * <p>
 * <b>Ownership.</b> The application owns a block from {@link TierPool#allocate} until {@link #free()} or
 * {@link #close()}; a block not freed is freed when its pool closes ({@link TierPool#close()}). From then on the
 * block behaves as one freed by {@link #free()}: {@link #isFreed()} is true, {@link #close()} does nothing, and
 * every other operation ({@link #read}, {@link #write}, {@link #pin()}, {@link #pinOnDevice()},
 * {@link #prefetch()}, {@link #moveTo(TierKind)}, {@link #tier()}, {@link #free()}) throws
 * {@link BlockFreedException}. {@link #id()} and {@link #sizeBytes()} still answer.
 * <p>
 * <b>Threads.</b> All methods are thread-safe. Concurrent writes to overlapping ranges of one block from several
 * threads are not ordered by the pool: coordinate them in the application.
 * <p>
 * {@code
 * try (Block block = pool.allocate(4096, Hint.WARM)) {
 *     block.write(0, bytes, 0, bytes.length);
 *     block.read(0, copy, 0, copy.length);
 *     try (PinnedBlock view = block.pin()) { long sum = view.buffer().getLong(0); }
 * }
 * }
 */
public final class Block implements AutoCloseable
{
    private final BlockStore store;
    private final long id;
    private final long sizeBytes;
    private final AtomicBoolean freed = new AtomicBoolean();

    Block(final BlockStore store, final long id, final long sizeBytes)
    {
        this.store = store;
        this.id = id;
        this.sizeBytes = sizeBytes;
    }

    boolean belongsTo(final BlockStore pool)
    {
        return store == pool;
    }

    /**
     * @return the block's id, unique within its pool for the pool's lifetime.
     */
    public long id()
    {
        return id;
    }

    /**
     * @return the block's size in bytes, as allocated.
     */
    public long sizeBytes()
    {
        return sizeBytes;
    }

    /**
     * @return the tier that holds the block's bytes now (it may change at any time as the mover works).
     * @throws BlockFreedException if the block has been freed, or its pool closed.
     */
    public TierKind tier()
    {
        checkPoolOpen();
        try
        {
            return store.tierOf(id);
        }
        catch (final IllegalStateException ex)
        {
            throw closedOr(ex);
        }
    }

    /**
     * @return true once the block has been freed, by {@link #free()}, {@link #close()} or the close of its pool.
     */
    public boolean isFreed()
    {
        return freed.get() || store.isClosed();
    }

    /**
     * Copies {@code length} bytes from {@code src} into the block at {@code blockOffset}, promoting the block to
     * RAM first if it is in a lower tier.
     *
     * @param blockOffset where in the block to write, in bytes, {@code 0 <= blockOffset}.
     * @param src         the bytes to copy; not null.
     * @param srcOffset   the first byte of {@code src} to copy.
     * @param length      how many bytes, with {@code blockOffset + length <= sizeBytes()}.
     * @throws IllegalArgumentException  if {@code src} is null (as for
     *                                   {@link TierPool#allocate(long, Hint, byte[], int, int)}).
     * @throws IndexOutOfBoundsException if the range is outside the block or outside {@code src}.
     * @throws BlockFreedException       if the block has been freed, or its pool closed.
     * @throws io.tierpool.client.ChecksumMismatchException if the block's bytes came back from a lower tier damaged.
     * @throws BlockLostException        if the block's only copy was on a node that has left the cluster.
     * @throws io.tierpool.client.OutOfTierMemoryException if no tier has room to make space for the block in RAM.
     */
    public void write(final long blockOffset, final byte[] src, final int srcOffset, final int length)
    {
        checkPoolOpen();
        try
        {
            store.write(id, blockOffset, src, srcOffset, length);
        }
        catch (final IllegalStateException ex)
        {
            throw closedOr(ex);
        }
    }

    /**
     * Copies all of {@code src} into the block at {@code blockOffset}. See {@link #write(long, byte[], int, int)}
     * for the other exceptions.
     *
     * @param blockOffset where in the block to write, in bytes.
     * @param src         the bytes to copy; not null.
     * @throws IllegalArgumentException if {@code src} is null.
     */
    public void write(final long blockOffset, final byte[] src)
    {
        write(blockOffset, src, 0, null == src ? 0 : src.length);
    }

    /**
     * Copies {@code length} bytes from an Agrona buffer into the block. See {@link #write(long, byte[], int, int)}
     * for the other exceptions.
     *
     * @param blockOffset where in the block to write, in bytes.
     * @param src         the buffer to copy from; not null.
     * @param srcOffset   the first byte of {@code src} to copy.
     * @param length      how many bytes.
     * @throws IllegalArgumentException if {@code src} is null.
     */
    public void write(final long blockOffset, final DirectBuffer src, final int srcOffset, final int length)
    {
        checkPoolOpen();
        try
        {
            store.write(id, blockOffset, src, srcOffset, length);
        }
        catch (final IllegalStateException ex)
        {
            throw closedOr(ex);
        }
    }

    /**
     * Copies {@code length} bytes of the block from {@code blockOffset} into {@code dst}, promoting the block to
     * RAM first if it is in a lower tier. The exceptions are those of {@link #write(long, byte[], int, int)}.
     *
     * @param blockOffset where in the block to start, in bytes.
     * @param dst         where to copy to; not null.
     * @param dstOffset   the first byte of {@code dst} to fill.
     * @param length      how many bytes, with {@code blockOffset + length <= sizeBytes()}.
     * @throws IllegalArgumentException if {@code dst} is null.
     */
    public void read(final long blockOffset, final byte[] dst, final int dstOffset, final int length)
    {
        checkPoolOpen();
        try
        {
            store.read(id, blockOffset, dst, dstOffset, length);
        }
        catch (final IllegalStateException ex)
        {
            throw closedOr(ex);
        }
    }

    /**
     * Fills all of {@code dst} from the block at {@code blockOffset}. See {@link #read(long, byte[], int, int)}.
     *
     * @param blockOffset where in the block to start, in bytes.
     * @param dst         where to copy to; not null.
     * @throws IllegalArgumentException if {@code dst} is null.
     */
    public void read(final long blockOffset, final byte[] dst)
    {
        read(blockOffset, dst, 0, null == dst ? 0 : dst.length);
    }

    /**
     * Copies {@code length} bytes of the block into an Agrona buffer. See {@link #read(long, byte[], int, int)}.
     *
     * @param blockOffset where in the block to start, in bytes.
     * @param dst         the buffer to copy to; not null.
     * @param dstOffset   the first byte of {@code dst} to fill.
     * @param length      how many bytes.
     * @throws IllegalArgumentException if {@code dst} is null.
     */
    public void read(final long blockOffset, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        checkPoolOpen();
        try
        {
            store.read(id, blockOffset, dst, dstOffset, length);
        }
        catch (final IllegalStateException ex)
        {
            throw closedOr(ex);
        }
    }

    /**
     * Brings the block into RAM and keeps it there until the returned view is closed: the view's
     * {@link PinnedBlock#buffer()} reads and writes the block's RAM copy directly (zero-copy). Pins nest; the
     * block may move again once every view is closed. Do not use the buffer after closing its view.
     *
     * @return the pinned view, to be closed by the caller (try-with-resources).
     * @throws BlockFreedException if the block has been freed, or its pool closed.
     * @throws io.tierpool.client.OutOfTierMemoryException if RAM cannot make room (for example everything in it is
     *                                                   pinned).
     */
    public PinnedBlock pin()
    {
        checkPoolOpen();
        try
        {
            return store.pin(id);
        }
        catch (final IllegalStateException ex)
        {
            throw closedOr(ex);
        }
    }

    /**
     * Pins the block in GPU memory and returns its device address for kernels and cuBLAS
     * ({@link DevicePinnedBlock#devicePointer()}), moving the block into the DEVICE tier first if it is elsewhere
     * (for example demoted to RAM by the mover). While the view is open the block stays at that address: it is
     * not demoted, host writes to it and {@link #free()} are refused (host reads copy from the device). Pins
     * nest. Synchronise the device work that uses the address before closing the view.
     *
     * @return the pinned device view, to be closed by the caller (try-with-resources).
     * @throws IllegalStateException if the pool has no DEVICE tier (the message says why: no GPU found, or
     *                               {@link TierPool.Context#gpu(boolean) gpu(false)}), or the block is pinned
     *                               in RAM by {@link #pin()} or was allocated with
     *                               {@link io.tierpool.client.Hint#PIN_FAST}.
     * @throws BlockFreedException   if the block has been freed, or its pool closed.
     * @throws io.tierpool.client.OutOfTierMemoryException if the DEVICE tier cannot make room (larger than the tier,
     *                                                   or full of blocks pinned on the device).
     */
    public DevicePinnedBlock pinOnDevice()
    {
        checkPoolOpen();
        try
        {
            return store.pinOnDevice(id);
        }
        catch (final IllegalStateException ex)
        {
            throw closedOr(ex);
        }
    }

    /**
     * Asks the pool's prefetcher to bring the block into RAM in the background, ahead of a read or write, and
     * returns at once (see {@link BlockStore#prefetchAsync(long)}). A later access that finds the block still in
     * RAM counts as a prefetch hit in {@link PoolStats#prefetchHits()}.
     *
     * @return true if the request was queued; false if the block is in RAM already, is queued already, or the
     * prefetch queue is full (the request is then dropped and counted).
     * @throws BlockFreedException   if the block has been freed, or its pool closed.
     */
    public boolean prefetch()
    {
        checkPoolOpen();
        try
        {
            return store.prefetchAsync(id);
        }
        catch (final IllegalStateException ex)
        {
            throw closedOr(ex);
        }
    }

    /**
     * Moves the block to the pool's tier of the given kind now, synchronously (see
     * {@link BlockStore#moveTo(long, TierKind)}): to RAM as a read would bring it; to a slower tier by writing it
     * there and freeing the old copy. The block stays there until it is accessed (which brings it back to RAM)
     * or the mover demotes it further.
     *
     * @param kind the kind of tier, e.g. {@link TierKind#VSSD}; the pool must have such a tier.
     * @throws BlockFreedException                       if the block has been freed, or its pool closed.
     * @throws IllegalArgumentException                  if {@code kind} is null or the pool has no such tier.
     * @throws IllegalStateException                     if the block is pinned or was allocated with
     *                                                   {@link io.tierpool.client.Hint#PIN_FAST} and {@code kind}
     *                                                   is not RAM.
     * @throws io.tierpool.client.OutOfTierMemoryException if that tier cannot take the block under its hard cap;
     *                                                   the block stays where it was.
     */
    public void moveTo(final TierKind kind)
    {
        checkPoolOpen();
        try
        {
            store.moveTo(id, kind);
        }
        catch (final IllegalStateException ex)
        {
            throw closedOr(ex);
        }
    }

    /**
     * Frees the block in whatever tier holds it, a remote node included.
     *
     * @throws BlockFreedException   if the block was already freed, by this method or by its pool's close.
     * @throws IllegalStateException if the block is pinned (close its views first).
     */
    public void free()
    {
        checkPoolOpen();
        if (!freed.compareAndSet(false, true))
        {
            throw new BlockFreedException("block " + id + " was already freed; free it once (close() may be " +
                "called any number of times)");
        }
        try
        {
            store.free(id);
        }
        catch (final IllegalStateException ex)
        {
            if (store.isClosed())
            {
                throw freedByPoolClose(ex);
            }
            freed.set(false);
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            freed.set(false);
            throw ex;
        }
    }

    /**
     * Frees the block if it is not yet freed; calling it again, or after its pool closed (which freed it), does
     * nothing.
     *
     * @throws IllegalStateException if the block is pinned (close its views first); never once its pool is closed.
     */
    public void close()
    {
        if (store.isClosed())
        {
            freed.set(true);
            return;
        }
        if (freed.compareAndSet(false, true))
        {
            try
            {
                store.free(id);
            }
            catch (final BlockFreedException ignore)
            {
                // Freed already.
            }
            catch (final RuntimeException ex)
            {
                if (!store.isClosed())
                {
                    freed.set(false);
                    throw ex;
                }
                // The pool closed meanwhile and freed it.
            }
        }
    }

    /**
     * A closed pool has freed every block it held: its blocks then answer as freed blocks do.
     */
    private void checkPoolOpen()
    {
        if (store.isClosed())
        {
            throw freedByPoolClose(null);
        }
    }

    /**
     * The engine refuses an operation on a closed store with an {@link IllegalStateException}; for a block of a
     * pool that closed during the call that means the block was freed by the close.
     */
    private RuntimeException closedOr(final IllegalStateException ex)
    {
        return store.isClosed() ? freedByPoolClose(ex) : ex;
    }

    private BlockFreedException freedByPoolClose(final Throwable cause)
    {
        freed.set(true);
        final BlockFreedException ex = new BlockFreedException("block " + id + " was freed when its TierPool " +
            "closed; it holds no data: stop using it, and allocate blocks from an open pool");
        if (null != cause)
        {
            ex.initCause(cause);
        }
        return ex;
    }

    /**
     * @return a short description naming the block, its size and state.
     */
    public String toString()
    {
        return "Block{id=" + id + ", sizeBytes=" + sizeBytes + (isFreed() ? ", freed" : "") + "}";
    }
}
