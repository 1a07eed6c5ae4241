/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import jcuda.Pointer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaMemcpyKind;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Device (GPU global) memory: either a raw {@code cudaMalloc} allocation ({@link #allocate}) or one from a
 * {@link DevicePool} ({@link #fromPool}). Host code cannot touch it directly; copies to and from pinned host
 * memory are asynchronous on a {@link CudaStream} ({@link #copyFromHostAsync}, {@link #copyToHostAsync}) and are
 * waited for with the stream or a {@link CudaEvent}.
 * <p>
 * <b>Ownership:</b> the creator closes it. {@link #close()} releases the memory exactly once ({@code cudaFree},
 * or back to the pool); later calls do nothing; any other method after close throws
 * {@link IllegalStateException} naming the buffer. Close only once the device has finished with the memory
 * (synchronise the streams that use it).
 * <p>
 * Use only after {@link GpuProbe} found a usable GPU. Thread-safe as far as its own state goes; concurrent
 * copies into one range are the caller's problem, as in CUDA.
 */
public final class DeviceBuffer implements AutoCloseable
{
    private final String name;
    private final long address;
    private final long capacity;
    private final DevicePool pool;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DeviceBuffer(final String name, final long address, final long capacity, final DevicePool pool)
    {
        this.name = "DeviceBuffer[" + name + ", " + capacity + " bytes]";
        this.address = address;
        this.capacity = capacity;
        this.pool = pool;
    }

    /**
     * Allocates device memory with {@code cudaMalloc}, outside any pool.
     *
     * @param name  a name for messages.
     * @param bytes size in bytes, 1 or more.
     * @return the buffer; the caller closes it.
     * @throws IllegalArgumentException   if {@code bytes < 1}.
     * @throws DeviceOutOfMemoryException if the device has not enough free memory.
     * @throws CudaException              if {@code cudaMalloc} fails otherwise.
     */
    public static DeviceBuffer allocate(final String name, final long bytes)
    {
        if (bytes < 1)
        {
            throw new IllegalArgumentException(name + ": device buffer size " + bytes + " must be 1 or more bytes");
        }
        final Pointer pointer = new Pointer();
        final int error = JCuda.cudaMalloc(pointer, bytes);
        if (error == jcuda.runtime.cudaError.cudaErrorMemoryAllocation)
        {
            final long[] free = new long[1];
            final long[] total = new long[1];
            final long freeBytes = JCuda.cudaMemGetInfo(free, total) == 0 ? free[0] : -1;
            throw new DeviceOutOfMemoryException(name + ": cudaMalloc(" + bytes + " bytes) failed: the device has " +
                freeBytes + " bytes free; free device memory or use a smaller buffer", bytes, 0, total[0], freeBytes);
        }
        Cuda.check(error, "cudaMalloc(" + bytes + " bytes) for " + name);
        return new DeviceBuffer(name, Cuda.address(pointer), bytes, null);
    }

    /**
     * Allocates device memory from a pool; closing the buffer gives it back to the pool.
     *
     * @param pool  the pool; must stay open while the buffer is used.
     * @param name  a name for messages.
     * @param bytes size in bytes, 1 to {@link DevicePool#MAX_BUCKET_BYTES}; the buffer's {@link #capacity()} is
     *              exactly this (the size-class padding is not exposed).
     * @return the buffer; the caller closes it.
     * @throws IllegalArgumentException   if {@code bytes} is out of range.
     * @throws DeviceOutOfMemoryException if the pool cannot serve it (see {@link DevicePool#allocate}).
     * @throws CudaException              if the driver fails otherwise.
     */
    public static DeviceBuffer fromPool(final DevicePool pool, final String name, final long bytes)
    {
        return new DeviceBuffer(name, pool.allocate(bytes), bytes, pool);
    }

    /**
     * @return the device address of the first byte.
     * @throws IllegalStateException if the buffer is closed.
     */
    public long address()
    {
        checkOpen();
        return address;
    }

    /**
     * @return a JCuda pointer to the first byte, for kernels and library calls (it owns nothing).
     * @throws IllegalStateException if the buffer is closed.
     */
    public Pointer pointer()
    {
        checkOpen();
        return Cuda.pointer(address);
    }

    /**
     * @return size in bytes.
     */
    public long capacity()
    {
        return capacity;
    }

    /**
     * @return true when the memory came from a {@link DevicePool}.
     */
    public boolean isPooled()
    {
        return null != pool;
    }

    /**
     * Enqueues a copy from pinned host memory into this buffer; returns at once.
     *
     * @param dstOffset offset in this buffer, bytes.
     * @param src       the source; must stay open and unchanged until the copy completes.
     * @param srcOffset offset in {@code src}, bytes.
     * @param length    bytes to copy, 0 or more.
     * @param stream    the stream to enqueue on.
     * @throws IndexOutOfBoundsException if a range falls outside a buffer.
     * @throws CudaException             if {@code cudaMemcpyAsync} fails.
     * @throws IllegalStateException     if a buffer or the stream is closed.
     */
    public void copyFromHostAsync(
        final long dstOffset, final PinnedBuffer src, final long srcOffset, final long length, final CudaStream stream)
    {
        checkRange(dstOffset, length, capacity, this);
        checkRange(srcOffset, length, src.capacity(), src);
        copyAsync(address() + dstOffset, src.address() + srcOffset, length, cudaMemcpyKind.cudaMemcpyHostToDevice,
            stream, name + " <- " + src);
    }

    /**
     * Enqueues a copy from this buffer into pinned host memory; returns at once. Read the host side only after
     * the stream (or an event recorded after the copy) has completed.
     *
     * @param srcOffset offset in this buffer, bytes.
     * @param dst       the destination; must stay open until the copy completes.
     * @param dstOffset offset in {@code dst}, bytes.
     * @param length    bytes to copy, 0 or more.
     * @param stream    the stream to enqueue on.
     * @throws IndexOutOfBoundsException if a range falls outside a buffer.
     * @throws CudaException             if {@code cudaMemcpyAsync} fails.
     * @throws IllegalStateException     if a buffer or the stream is closed.
     */
    public void copyToHostAsync(
        final long srcOffset, final PinnedBuffer dst, final long dstOffset, final long length, final CudaStream stream)
    {
        checkRange(srcOffset, length, capacity, this);
        checkRange(dstOffset, length, dst.capacity(), dst);
        copyAsync(dst.address() + dstOffset, address() + srcOffset, length, cudaMemcpyKind.cudaMemcpyDeviceToHost,
            stream, name + " -> " + dst);
    }

    /**
     * Enqueues a device-to-device copy from another buffer into this one; returns at once.
     *
     * @param dstOffset offset in this buffer, bytes.
     * @param src       the source buffer.
     * @param srcOffset offset in {@code src}, bytes.
     * @param length    bytes to copy, 0 or more.
     * @param stream    the stream to enqueue on.
     * @throws IndexOutOfBoundsException if a range falls outside a buffer.
     * @throws CudaException             if {@code cudaMemcpyAsync} fails.
     * @throws IllegalStateException     if a buffer or the stream is closed.
     */
    public void copyFromDeviceAsync(
        final long dstOffset, final DeviceBuffer src, final long srcOffset, final long length, final CudaStream stream)
    {
        checkRange(dstOffset, length, capacity, this);
        checkRange(srcOffset, length, src.capacity(), src);
        copyAsync(address() + dstOffset, src.address() + srcOffset, length, cudaMemcpyKind.cudaMemcpyDeviceToDevice,
            stream, name + " <- " + src);
    }

    /**
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closed.get();
    }

    /**
     * Releases the memory ({@code cudaFree}, or back to its pool); the first call only.
     *
     * @throws CudaException if the driver refuses (the buffer counts as closed anyway).
     */
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            if (null != pool)
            {
                pool.release(address);
            }
            else
            {
                Cuda.check(JCuda.cudaFree(Cuda.pointer(address)), "cudaFree(" + name + ")");
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return name;
    }

    static void copyAsync(
        final long dst, final long src, final long length, final int kind, final CudaStream stream, final String what)
    {
        if (length == 0)
        {
            return;
        }
        Cuda.check(JCuda.cudaMemcpyAsync(Cuda.pointer(dst), Cuda.pointer(src), length, kind, stream.handle()),
            "cudaMemcpyAsync(" + what + ", " + length + " bytes, " + stream + ")");
    }

    static void checkRange(final long offset, final long length, final long capacity, final Object buffer)
    {
        if (offset < 0 || length < 0 || offset > capacity - length)
        {
            throw new IndexOutOfBoundsException("range [" + offset + ", " + offset + " + " + length + ") is outside " +
                buffer + " (capacity " + capacity + " bytes)");
        }
    }

    private void checkOpen()
    {
        if (closed.get())
        {
            throw new IllegalStateException(name + " is closed");
        }
    }
}
