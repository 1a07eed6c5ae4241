/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import jcuda.Pointer;
import jcuda.runtime.JCuda;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Page-locked (pinned) host memory from {@code cudaHostAlloc}: the GPU's DMA engines copy to and from it
 * directly, so host↔device copies run at full bus speed and can be asynchronous (copies from ordinary, pageable
 * memory are staged by the driver and synchronous). The host reads and writes it in place through an Agrona
 * {@link UnsafeBuffer} ({@link #buffer()}), zero-copy.
 * <p>
 * Pinned memory is taken from the operating system's pool of unswappable pages; allocate a few staging buffers
 * and reuse them rather than pinning large data sets.
 * <p>
 * <b>Ownership:</b> the creator closes it. {@link #close()} frees the memory exactly once
 * ({@code cudaFreeHost}) and points the view at an empty array, so a stale view fails with
 * {@link IndexOutOfBoundsException} instead of touching freed memory; other methods after close throw
 * {@link IllegalStateException} naming the buffer. Close only once no copy using it is pending.
 * <p>
 * Use only after {@link GpuProbe} found a usable GPU.
 */
public final class PinnedBuffer implements AutoCloseable
{
    private static final byte[] EMPTY = new byte[0];

    private final String name;
    private final long address;
    private final int capacity;
    private final UnsafeBuffer view;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Allocates pinned host memory ({@code cudaHostAlloc} with {@code cudaHostAllocPortable}, so every CUDA
     * context may use it).
     *
     * @param name  a name for messages.
     * @param bytes size in bytes, 1 to {@link Integer#MAX_VALUE} (an Agrona buffer's limit).
     * @throws IllegalArgumentException if {@code bytes} is out of range.
     * @throws CudaException            if {@code cudaHostAlloc} fails (e.g. the page-locked memory limit).
     */
    public PinnedBuffer(final String name, final long bytes)
    {
        if (bytes < 1 || bytes > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException(name + ": pinned buffer size " + bytes + " must be from 1 to " +
                Integer.MAX_VALUE + " bytes");
        }
        this.name = "PinnedBuffer[" + name + ", " + bytes + " bytes]";
        final Pointer pointer = new Pointer();
        Cuda.check(JCuda.cudaHostAlloc(pointer, bytes, JCuda.cudaHostAllocPortable),
            "cudaHostAlloc(" + bytes + " bytes) for " + this.name);
        this.address = Cuda.address(pointer);
        this.capacity = (int)bytes;
        this.view = new UnsafeBuffer(address, capacity);
    }

    /**
     * @return the host view of the memory, valid until {@link #close()}; the same object on every call.
     * @throws IllegalStateException if the buffer is closed.
     */
    public UnsafeBuffer buffer()
    {
        checkOpen();
        return view;
    }

    /**
     * @return the host address of the first byte (CUDA accepts it for copies).
     * @throws IllegalStateException if the buffer is closed.
     */
    public long address()
    {
        checkOpen();
        return address;
    }

    /**
     * @return a JCuda pointer to the first byte (it owns nothing).
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
    public int capacity()
    {
        return capacity;
    }

    /**
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closed.get();
    }

    /**
     * Frees the memory ({@code cudaFreeHost}); the first call only.
     *
     * @throws CudaException if the driver refuses (the buffer counts as closed anyway).
     */
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            view.wrap(EMPTY);
            Cuda.check(JCuda.cudaFreeHost(Cuda.pointer(address)), "cudaFreeHost(" + name + ")");
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return name;
    }

    private void checkOpen()
    {
        if (closed.get())
        {
            throw new IllegalStateException(name + " is closed");
        }
    }
}
