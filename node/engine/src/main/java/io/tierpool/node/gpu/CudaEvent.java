/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import jcuda.runtime.JCuda;
import jcuda.runtime.cudaError;
import jcuda.runtime.cudaEvent_t;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A CUDA event: a marker recorded on a stream that completes when the work enqueued before it has finished. The
 * host waits on it ({@link #synchronize()}), polls it ({@link #isComplete()}), or makes another stream wait
 * ({@link CudaStream#waitFor(CudaEvent)}); two timing events measure device time ({@link #elapsedMs}).
 * <p>
 * Use only after {@link GpuProbe} found a usable GPU. {@link #close()} releases the event exactly once.
 */
public final class CudaEvent implements AutoCloseable
{
    private final String name;
    private final cudaEvent_t event = new cudaEvent_t();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Creates an event.
     *
     * @param name   a name for messages.
     * @param timing true for an event that can be used with {@link #elapsedMs}; false for a lighter
     *               synchronisation-only event ({@code cudaEventDisableTiming}).
     * @throws CudaException if {@code cudaEventCreateWithFlags} fails.
     */
    public CudaEvent(final String name, final boolean timing)
    {
        this.name = "CudaEvent[" + name + "]";
        Cuda.check(JCuda.cudaEventCreateWithFlags(event, timing ? JCuda.cudaEventDefault : JCuda.cudaEventDisableTiming),
            "cudaEventCreateWithFlags(" + this.name + ")");
    }

    /**
     * Records the event on a stream: it completes when everything enqueued on the stream before now has finished.
     *
     * @param stream the stream.
     * @return this.
     * @throws CudaException         if {@code cudaEventRecord} fails.
     * @throws IllegalStateException if the event or the stream is closed.
     */
    public CudaEvent record(final CudaStream stream)
    {
        checkOpen();
        Cuda.check(JCuda.cudaEventRecord(event, stream.handle()), "cudaEventRecord(" + name + ", " + stream + ")");
        return this;
    }

    /**
     * Blocks the calling thread until the event has completed (returns at once if it was never recorded).
     *
     * @throws CudaException         if the work before the event failed.
     * @throws IllegalStateException if the event is closed.
     */
    public void synchronize()
    {
        checkOpen();
        Cuda.check(JCuda.cudaEventSynchronize(event), "cudaEventSynchronize(" + name + ")");
    }

    /**
     * @return true when the event has completed (or was never recorded); false while work before it is pending.
     * @throws CudaException         if the work before the event failed.
     * @throws IllegalStateException if the event is closed.
     */
    public boolean isComplete()
    {
        checkOpen();
        final int error = JCuda.cudaEventQuery(event);
        if (error == cudaError.cudaErrorNotReady)
        {
            return false;
        }
        Cuda.check(error, "cudaEventQuery(" + name + ")");
        return true;
    }

    /**
     * @param start a completed timing event recorded first.
     * @param end   a completed timing event recorded after it.
     * @return device time between them in ms (about 0.5 µs resolution).
     * @throws CudaException         if either is not a completed timing event.
     * @throws IllegalStateException if either is closed.
     */
    public static float elapsedMs(final CudaEvent start, final CudaEvent end)
    {
        final float[] ms = new float[1];
        Cuda.check(JCuda.cudaEventElapsedTime(ms, start.handle(), end.handle()),
            "cudaEventElapsedTime(" + start + ", " + end + ")");
        return ms[0];
    }

    /**
     * @return the JCuda handle.
     * @throws IllegalStateException if the event is closed.
     */
    public cudaEvent_t handle()
    {
        checkOpen();
        return event;
    }

    /**
     * Destroys the event; the first call only.
     *
     * @throws CudaException if {@code cudaEventDestroy} fails (the event counts as closed anyway).
     */
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            Cuda.check(JCuda.cudaEventDestroy(event), "cudaEventDestroy(" + name + ")");
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
