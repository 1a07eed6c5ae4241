/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import jcuda.runtime.JCuda;
import jcuda.runtime.cudaStream_t;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A CUDA stream: an ordered queue of asynchronous copies and kernels on the device. Created non-blocking
 * ({@code cudaStreamNonBlocking}), so it does not synchronise with the legacy default stream.
 * <p>
 * Use only after {@link GpuProbe} found a usable GPU. Enqueueing from several threads is allowed (CUDA is
 * thread-safe) but the order between threads is then undefined. {@link #close()} releases the stream exactly
 * once; the owner closes it after the work on it is finished (close does not wait).
 */
public final class CudaStream implements AutoCloseable
{
    private final String name;
    private final cudaStream_t stream = new cudaStream_t();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Creates a stream.
     *
     * @param name a name for messages, e.g. {@code "device tier"}.
     * @throws CudaException if {@code cudaStreamCreateWithFlags} fails.
     */
    public CudaStream(final String name)
    {
        this.name = "CudaStream[" + name + "]";
        Cuda.check(JCuda.cudaStreamCreateWithFlags(stream, JCuda.cudaStreamNonBlocking),
            "cudaStreamCreateWithFlags(" + this.name + ")");
    }

    /**
     * @return the JCuda handle, for passing to CUDA and cuBLAS calls.
     * @throws IllegalStateException if the stream is closed.
     */
    public cudaStream_t handle()
    {
        checkOpen();
        return stream;
    }

    /**
     * Blocks until everything enqueued on the stream so far has finished.
     *
     * @throws CudaException         if an operation on the stream failed.
     * @throws IllegalStateException if the stream is closed.
     */
    public void synchronize()
    {
        checkOpen();
        Cuda.check(JCuda.cudaStreamSynchronize(stream), "cudaStreamSynchronize(" + name + ")");
    }

    /**
     * Makes later work on this stream wait for an event recorded on another stream (no host blocking).
     *
     * @param event the event to wait for.
     * @throws CudaException         if {@code cudaStreamWaitEvent} fails.
     * @throws IllegalStateException if the stream or the event is closed.
     */
    public void waitFor(final CudaEvent event)
    {
        checkOpen();
        Cuda.check(JCuda.cudaStreamWaitEvent(stream, event.handle(), 0),
            "cudaStreamWaitEvent(" + name + ", " + event + ")");
    }

    /**
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closed.get();
    }

    /**
     * Destroys the stream; the first call only. Work already enqueued still completes (CUDA's rule).
     *
     * @throws CudaException if {@code cudaStreamDestroy} fails (the stream counts as closed anyway).
     */
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            Cuda.check(JCuda.cudaStreamDestroy(stream), "cudaStreamDestroy(" + name + ")");
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
