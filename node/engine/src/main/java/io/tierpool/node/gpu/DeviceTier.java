/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import io.tierpool.node.tier.DeviceResidentTier;
import io.tierpool.node.tier.Tier;
import io.tierpool.client.TierKind;
import jcuda.runtime.cudaMemcpyKind;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The {@link TierKind#DEVICE} tier: whole blocks in GPU memory, each one allocation from a {@link DevicePool}.
 * Bytes go in and out through two pinned staging buffers on one {@link CudaStream}: a block is cut into chunks
 * of {@link Context#stagingBytes(int)} bytes, and while the DMA engine copies one chunk the host fills (or
 * drains) the other, each half guarded by a {@link CudaEvent}. {@link #write} and {@link #read} return once
 * their copies have completed, so the engine sees an ordinary synchronous tier.
 * <p>
 * <b>Location.</b> The location of a block is its device address; {@link #devicePointer(long, long)} checks it
 * and hands it out for kernels and cuBLAS (valid until the block is freed or moved, so the engine must pin the
 * block meanwhile).
 * <p>
 * <b>Capacity.</b> {@link #capacityBytes()} defaults to the pool's limit; a block occupies its size class
 * ({@link DevicePool#sizeClassBytes(long)}), which {@link #usedBytes()} counts. {@link #write} returns
 * {@link Tier#NO_SPACE} when the block's size class would pass the capacity or the pool refuses with
 * {@link DeviceOutOfMemoryException}; the engine then demotes blocks or places this one lower.
 * <p>
 * <b>Threading:</b> every method is synchronised; the engine calls it from one thread at a time anyway.
 * <b>Ownership:</b> the tier owns its stream, events and staging buffers and the device memory of its blocks
 * (returned to the pool on {@link #free} and {@link #close()}); it does not own the pool. Use only after
 * {@link GpuProbe} found a usable GPU.
 */
public final class DeviceTier implements DeviceResidentTier
{
    private final String name;
    private final DevicePool pool;
    private final long capacityBytes;
    private final int chunkBytes;
    private final CudaStream stream;
    private final PinnedBuffer[] staging = new PinnedBuffer[2];
    private final CudaEvent[] stagingFree = new CudaEvent[2];
    private final Long2ObjectHashMap<Slot> blocks = new Long2ObjectHashMap<>();

    private long usedBytes;
    private boolean closed;

    /**
     * Opens the tier: creates its stream, two pinned staging buffers and their events.
     *
     * @param pool the device pool the blocks come from; not closed by the tier, and must outlive it.
     * @param ctx  the settings.
     * @throws IllegalArgumentException if a setting is out of range.
     * @throws CudaException            if a stream, event or pinned buffer cannot be created (nothing is left
     *                                  allocated).
     */
    public DeviceTier(final DevicePool pool, final Context ctx)
    {
        ctx.conclude();
        this.name = ctx.name();
        this.pool = pool;
        this.capacityBytes = ctx.capacityBytes() > 0 ? ctx.capacityBytes() : pool.limitBytes();
        this.chunkBytes = ctx.stagingBytes();
        this.stream = new CudaStream(name + " tier");
        try
        {
            for (int i = 0; i < 2; i++)
            {
                staging[i] = new PinnedBuffer(name + " staging " + i, chunkBytes);
                stagingFree[i] = new CudaEvent(name + " staging " + i + " free", false);
            }
        }
        catch (final RuntimeException ex)
        {
            releaseResources();
            throw ex;
        }
    }

    /**
     * {@inheritDoc}
     */
    public TierKind kind()
    {
        return TierKind.DEVICE;
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return name;
    }

    /**
     * {@inheritDoc}
     */
    public long capacityBytes()
    {
        return capacityBytes;
    }

    /**
     * @return bytes held by blocks, each counted by its size class.
     */
    public synchronized long usedBytes()
    {
        return usedBytes;
    }

    /**
     * {@inheritDoc}
     */
    public synchronized long blockCount()
    {
        return blocks.size();
    }

    /**
     * Copies a block into device memory through the staging buffers; returns when the copy has completed.
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code blockId < 1}, {@code length < 1} or the source range is outside
     *                                  {@code src}.
     */
    public synchronized long write(
        final long blockId, final DirectBuffer src, final int srcOffset, final int length, final int crc32c)
    {
        checkOpen();
        if (blockId < 1 || length < 1 || srcOffset < 0 || srcOffset > src.capacity() - length)
        {
            throw new IllegalArgumentException(name + ": cannot write block " + blockId + " of " + length +
                " bytes from offset " + srcOffset + " of a " + src.capacity() + "-byte buffer: the block id must be " +
                "positive and the range inside the buffer");
        }
        final long sizeClass = DevicePool.sizeClassBytes(length);
        if (usedBytes + sizeClass > capacityBytes)
        {
            return NO_SPACE;
        }
        final long address;
        try
        {
            address = pool.allocate(length);
        }
        catch (final DeviceOutOfMemoryException ex)
        {
            return NO_SPACE;
        }
        try
        {
            upload(address, src, srcOffset, length);
        }
        catch (final RuntimeException ex)
        {
            syncQuietly();
            pool.release(address);
            throw new CudaException(name + ": writing block " + blockId + " (" + length + " bytes) to the device " +
                "failed: " + ex.getMessage(), ex instanceof CudaException ? ((CudaException)ex).error() : 0);
        }
        blocks.put(address, new Slot(blockId, length, sizeClass));
        usedBytes += sizeClass;
        return address;
    }

    /**
     * Copies a block back from device memory through the staging buffers; returns when the bytes are in
     * {@code dst}. {@inheritDoc}
     *
     * @throws IndexOutOfBoundsException if the destination range is outside {@code dst}.
     */
    public synchronized void read(
        final long blockId, final long location, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        final Slot slot = slot(blockId, location, "read");
        if (length < 0 || length > slot.length)
        {
            throw new IllegalArgumentException(name + ": cannot read " + length + " bytes of block " + blockId +
                ", which holds " + slot.length + " bytes");
        }
        if (dstOffset < 0 || dstOffset > dst.capacity() - length)
        {
            throw new IndexOutOfBoundsException(name + ": block " + blockId + ": destination range [" + dstOffset +
                ", +" + length + ") is outside a " + dst.capacity() + "-byte buffer");
        }
        try
        {
            download(location, dst, dstOffset, length);
        }
        catch (final CudaException ex)
        {
            syncQuietly();
            throw new CudaException(name + ": reading block " + blockId + " (" + length + " bytes) from the device " +
                "failed: " + ex.getMessage(), ex.error());
        }
    }

    /**
     * {@inheritDoc}
     */
    public synchronized void free(final long blockId, final long location)
    {
        final Slot slot = slot(blockId, location, "free");
        blocks.remove(location);
        usedBytes -= slot.sizeClass;
        pool.release(location);
    }

    /**
     * The device address of a block, for kernels and library calls. Valid until the block is freed or moved:
     * the caller keeps the block pinned meanwhile.
     *
     * @param blockId  the block, as given to {@link #write}.
     * @param location the location {@link #write} returned.
     * @return the device address of the block's first byte.
     * @throws IllegalStateException if the tier holds no such block at that location, or is closed.
     */
    public synchronized long devicePointer(final long blockId, final long location)
    {
        slot(blockId, location, "get the device pointer of");
        return location;
    }

    /**
     * The device address of the block stored at a location, without checking which block it is.
     *
     * @param location the location {@link #write} returned.
     * @return the device address of the block's first byte.
     * @throws IllegalStateException if the tier holds no block at that location, or is closed.
     */
    public synchronized long devicePointer(final long location)
    {
        checkOpen();
        if (null == blocks.get(location))
        {
            throw new IllegalStateException(name + ": the tier holds no block at location 0x" +
                Long.toHexString(location));
        }
        return location;
    }

    /**
     * @return the largest block the tier could take now: the smaller of its free capacity and the pool's room
     * under its limit (the cache counts as room; the device's own free memory is not asked).
     */
    public synchronized long largestFreeExtentBytes()
    {
        return Math.max(0, Math.min(capacityBytes - usedBytes, pool.limitBytes() - pool.inUseBytes()));
    }

    /**
     * @return the stream the tier copies on (to order kernels after a block's upload, or to wait for it).
     * @throws IllegalStateException if the tier is closed.
     */
    public synchronized CudaStream stream()
    {
        checkOpen();
        return stream;
    }

    /**
     * @return the device pool the blocks come from.
     */
    public DevicePool pool()
    {
        return pool;
    }

    /**
     * Returns every block's memory to the pool and releases the stream, events and staging buffers. Idempotent.
     * Blocks still stored are lost (the engine moves or frees them first).
     */
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        syncQuietly();
        final Long2ObjectHashMap<Slot>.KeyIterator locations = blocks.keySet().iterator();
        while (locations.hasNext())
        {
            pool.release(locations.nextLong());
        }
        blocks.clear();
        usedBytes = 0;
        releaseResources();
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return name + " tier (" + blockCount() + " blocks, " + usedBytes() + " of " + capacityBytes + " bytes)";
    }

    private void upload(final long address, final DirectBuffer src, final int srcOffset, final int length)
    {
        int index = 0;
        for (int offset = 0; offset < length; offset += chunkBytes, index++)
        {
            final int half = index & 1;
            final int bytes = Math.min(chunkBytes, length - offset);
            stagingFree[half].synchronize();
            src.getBytes(srcOffset + offset, staging[half].buffer(), 0, bytes);
            DeviceBuffer.copyAsync(address + offset, staging[half].address(), bytes,
                cudaMemcpyKind.cudaMemcpyHostToDevice, stream, "staging " + half + " -> device");
            stagingFree[half].record(stream);
        }
        stream.synchronize();
    }

    private void download(final long address, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        if (length == 0)
        {
            return;
        }
        final int chunks = (length + chunkBytes - 1) / chunkBytes;
        enqueueDownload(address, 0, length);
        for (int index = 0; index < chunks; index++)
        {
            if (index + 1 < chunks)
            {
                enqueueDownload(address, index + 1, length);
            }
            final int half = index & 1;
            final int offset = index * chunkBytes;
            final int bytes = Math.min(chunkBytes, length - offset);
            stagingFree[half].synchronize();
            dst.putBytes(dstOffset + offset, staging[half].buffer(), 0, bytes);
        }
    }

    private void enqueueDownload(final long address, final int index, final int length)
    {
        final int half = index & 1;
        final int offset = index * chunkBytes;
        final int bytes = Math.min(chunkBytes, length - offset);
        DeviceBuffer.copyAsync(staging[half].address(), address + offset, bytes,
            cudaMemcpyKind.cudaMemcpyDeviceToHost, stream, "device -> staging " + half);
        stagingFree[half].record(stream);
    }

    private Slot slot(final long blockId, final long location, final String action)
    {
        checkOpen();
        final Slot slot = blocks.get(location);
        if (null == slot || slot.blockId != blockId)
        {
            throw new IllegalStateException(name + ": cannot " + action + " block " + blockId + " at location 0x" +
                Long.toHexString(location) + ": " + (null == slot ? "the tier holds no block there" :
                "block " + slot.blockId + " is stored there"));
        }
        return slot;
    }

    private void syncQuietly()
    {
        try
        {
            stream.synchronize();
        }
        catch (final RuntimeException ignore)
        {
            // Reported by the call that failed; the stream is only drained here.
        }
    }

    private void releaseResources()
    {
        for (int i = 0; i < 2; i++)
        {
            closeQuietly(stagingFree[i]);
            closeQuietly(staging[i]);
        }
        closeQuietly(stream);
    }

    private static void closeQuietly(final AutoCloseable closeable)
    {
        if (null == closeable)
        {
            return;
        }
        try
        {
            closeable.close();
        }
        catch (final Exception ignore)
        {
            // Closing is best effort: a sticky CUDA error makes every later call fail the same way.
        }
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException(name + " tier is closed");
        }
    }

    private static final class Slot
    {
        final long blockId;
        final int length;
        final long sizeClass;

        Slot(final long blockId, final int length, final long sizeClass)
        {
            this.blockId = blockId;
            this.length = length;
            this.sizeClass = sizeClass;
        }
    }

    /**
     * Settings of a {@link DeviceTier}, with documented defaults. Not thread-safe; not to be changed after the
     * tier opens.
     */
    public static final class Context
    {
        /** Default {@link #stagingBytes(int)}: 4 MiB per staging half (8 MiB of pinned memory in all). */
        public static final int STAGING_BYTES_DEFAULT = 4 << 20;

        private String name = "DEVICE";
        private long capacityBytes;
        private int stagingBytes = STAGING_BYTES_DEFAULT;

        /**
         * @param name the tier's name in statistics and messages (default {@code "DEVICE"}).
         * @return this.
         */
        public Context name(final String name)
        {
            this.name = name;
            return this;
        }

        /**
         * @return the tier's name.
         */
        public String name()
        {
            return name;
        }

        /**
         * @param bytes the tier's capacity in bytes, counted by size class; 0 (the default) for the pool's limit.
         * @return this.
         */
        public Context capacityBytes(final long bytes)
        {
            this.capacityBytes = bytes;
            return this;
        }

        /**
         * @return the capacity, 0 for the pool's limit.
         */
        public long capacityBytes()
        {
            return capacityBytes;
        }

        /**
         * @param bytes size of each of the two pinned staging buffers, 4 KiB to 1 GiB (default
         *              {@value #STAGING_BYTES_DEFAULT}); blocks larger than this move in chunks of this size.
         * @return this.
         */
        public Context stagingBytes(final int bytes)
        {
            this.stagingBytes = bytes;
            return this;
        }

        /**
         * @return the size of each staging buffer.
         */
        public int stagingBytes()
        {
            return stagingBytes;
        }

        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException naming the setting out of range and the accepted range.
         */
        public void conclude()
        {
            if (null == name || name.isBlank())
            {
                throw new IllegalArgumentException("device tier name must not be blank");
            }
            if (capacityBytes < 0)
            {
                throw new IllegalArgumentException("capacityBytes=" + capacityBytes + " must be 0 (the pool's limit) " +
                    "or more");
            }
            if (stagingBytes < 4096 || stagingBytes > (1 << 30))
            {
                throw new IllegalArgumentException("stagingBytes=" + stagingBytes + " must be from 4096 to " +
                    (1 << 30) + " bytes, e.g. 4194304");
            }
        }
    }
}
