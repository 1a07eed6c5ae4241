/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import io.tierpool.client.GpuInfo;

import jcuda.Pointer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaMemcpyKind;
import jcuda.runtime.cudaMemoryAdvise;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Memory that both the host and the device use: CUDA managed (unified) memory from {@code cudaMallocManaged}
 * where the device supports concurrent managed access, with {@link #prefetchToDevice} and {@link #prefetchToHost}
 * ({@code cudaMemPrefetchAsync}) and advice ({@code cudaMemAdvise}: {@link #adviseReadMostly()},
 * {@link #advisePreferredLocation(boolean)}).
 * <p>
 * <b>Fallback.</b> Where the device lacks concurrent managed access (older GPUs, Windows, WSL2: host access to
 * managed memory while any kernel runs can crash the process) the buffer is a {@link DeviceBuffer} plus a
 * {@link PinnedBuffer} mirror instead ({@link Mode#DEVICE_WITH_PINNED_MIRROR}): prefetching becomes an explicit
 * asynchronous copy of the whole buffer between the mirror and the device, and advice has no effect (the advise
 * methods return false). {@link #mode()} and {@link #stats()} say which one is in use; RingKernel's memory
 * document describes the same choice ({@code MemoryVisibility.ExplicitDma}).
 * <p>
 * <b>Rules.</b> The host view ({@link #hostBuffer()}) is current only after {@link #prefetchToHost} has
 * completed (synchronise its stream); the device pointer only after {@link #prefetchToDevice} has completed or
 * been ordered before the kernel on the same stream. In managed mode the driver would migrate pages on demand
 * anyway; the prefetches make it explicit and fast. Keep managed buffers well under the device's free memory:
 * oversubscribing managed memory thrashes and can stall the GPU.
 * <p>
 * <b>Ownership:</b> the creator closes it; {@link #close()} frees everything exactly once; other methods after
 * close throw {@link IllegalStateException} naming the buffer. Use only after {@link GpuProbe} found a usable GPU.
 */
public final class UnifiedBuffer implements AutoCloseable
{
    private static final byte[] EMPTY = new byte[0];

    /**
     * How a unified buffer is backed.
     */
    public enum Mode
    {
        /** CUDA managed memory ({@code cudaMallocManaged}); prefetch and advice are CUDA calls. */
        MANAGED,

        /** A device buffer plus a pinned host mirror; prefetches are explicit copies, advice is ignored. */
        DEVICE_WITH_PINNED_MIRROR
    }

    /**
     * What a unified buffer did.
     *
     * @param mode               how it is backed.
     * @param capacityBytes      its size in bytes.
     * @param prefetchesToDevice {@link #prefetchToDevice} calls.
     * @param prefetchesToHost   {@link #prefetchToHost} calls.
     * @param copiedBytes        bytes copied explicitly between mirror and device (fallback mode only).
     * @param advicesApplied     advise calls that reached CUDA.
     * @param advicesIgnored     advise calls ignored because the buffer is in fallback mode.
     * @param fallbackReason     why managed memory is not used, or empty in managed mode.
     */
    public record Stats(
        Mode mode,
        long capacityBytes,
        long prefetchesToDevice,
        long prefetchesToHost,
        long copiedBytes,
        long advicesApplied,
        long advicesIgnored,
        String fallbackReason)
    {
    }

    private final String name;
    private final int device;
    private final int capacity;
    private final Mode mode;
    private final String fallbackReason;
    private final long managedAddress;
    private final UnsafeBuffer managedView;
    private final DeviceBuffer deviceBuffer;
    private final PinnedBuffer mirror;
    private final AtomicBoolean closed = new AtomicBoolean();

    private long prefetchesToDevice;
    private long prefetchesToHost;
    private long copiedBytes;
    private long advicesApplied;
    private long advicesIgnored;

    /**
     * Allocates a unified buffer: managed memory when {@code gpu.concurrentManagedAccess()}, else the fallback.
     *
     * @param gpu   the probed GPU; must be available.
     * @param name  a name for messages.
     * @param bytes size in bytes, 1 to {@link Integer#MAX_VALUE}.
     * @return the buffer; the caller closes it.
     * @throws IllegalArgumentException   if the GPU is not available or {@code bytes} is out of range.
     * @throws DeviceOutOfMemoryException if the device has not enough memory (fallback mode).
     * @throws CudaException              if an allocation fails otherwise.
     */
    public static UnifiedBuffer allocate(final GpuInfo gpu, final String name, final long bytes)
    {
        return allocate(gpu, name, bytes, !gpu.concurrentManagedAccess());
    }

    /**
     * Allocates a unified buffer in a chosen mode; {@code fallback == true} uses the device buffer and pinned
     * mirror even where managed memory would work (to compare the two, or to test the fallback).
     *
     * @param gpu      the probed GPU; must be available.
     * @param name     a name for messages.
     * @param bytes    size in bytes, 1 to {@link Integer#MAX_VALUE}.
     * @param fallback true for {@link Mode#DEVICE_WITH_PINNED_MIRROR}.
     * @return the buffer; the caller closes it.
     * @throws IllegalArgumentException   if the GPU is not available or {@code bytes} is out of range.
     * @throws DeviceOutOfMemoryException if the device has not enough memory (fallback mode).
     * @throws CudaException              if an allocation fails otherwise.
     */
    public static UnifiedBuffer allocate(final GpuInfo gpu, final String name, final long bytes, final boolean fallback)
    {
        if (!gpu.available())
        {
            throw new IllegalArgumentException(name + ": no CUDA device: " + gpu.reason());
        }
        if (bytes < 1 || bytes > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException(name + ": unified buffer size " + bytes + " must be from 1 to " +
                Integer.MAX_VALUE + " bytes");
        }
        return new UnifiedBuffer(gpu, name, (int)bytes, fallback);
    }

    private UnifiedBuffer(final GpuInfo gpu, final String name, final int bytes, final boolean fallback)
    {
        this.device = gpu.device();
        this.capacity = bytes;
        if (fallback)
        {
            this.mode = Mode.DEVICE_WITH_PINNED_MIRROR;
            this.name = "UnifiedBuffer[" + name + ", " + bytes + " bytes, device buffer + pinned mirror]";
            this.fallbackReason = gpu.concurrentManagedAccess() ? "fallback requested" :
                "device " + gpu.device() + " (" + gpu.name() + ") has no concurrent managed access";
            this.managedAddress = 0;
            this.managedView = null;
            final DeviceBuffer deviceSide = DeviceBuffer.allocate(name + " (device side)", bytes);
            try
            {
                this.mirror = new PinnedBuffer(name + " (host mirror)", bytes);
            }
            catch (final RuntimeException ex)
            {
                deviceSide.close();
                throw ex;
            }
            this.deviceBuffer = deviceSide;
        }
        else
        {
            this.mode = Mode.MANAGED;
            this.name = "UnifiedBuffer[" + name + ", " + bytes + " bytes, managed]";
            this.fallbackReason = "";
            final Pointer pointer = new Pointer();
            Cuda.check(JCuda.cudaMallocManaged(pointer, bytes, JCuda.cudaMemAttachGlobal),
                "cudaMallocManaged(" + bytes + " bytes) for " + this.name);
            this.managedAddress = Cuda.address(pointer);
            this.managedView = new UnsafeBuffer(managedAddress, bytes);
            this.deviceBuffer = null;
            this.mirror = null;
        }
    }

    /**
     * @return how the buffer is backed.
     */
    public Mode mode()
    {
        return mode;
    }

    /**
     * @return true in {@link Mode#MANAGED}.
     */
    public boolean isManaged()
    {
        return mode == Mode.MANAGED;
    }

    /**
     * @return size in bytes.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * @return the host view: the managed memory itself, or the pinned mirror. Current after
     * {@link #prefetchToHost} completed.
     * @throws IllegalStateException if the buffer is closed.
     */
    public UnsafeBuffer hostBuffer()
    {
        checkOpen();
        return isManaged() ? managedView : mirror.buffer();
    }

    /**
     * @return the device address to hand to kernels: the managed address, or the device buffer's.
     * @throws IllegalStateException if the buffer is closed.
     */
    public long deviceAddress()
    {
        checkOpen();
        return isManaged() ? managedAddress : deviceBuffer.address();
    }

    /**
     * @return a JCuda pointer to {@link #deviceAddress()} (it owns nothing).
     * @throws IllegalStateException if the buffer is closed.
     */
    public Pointer devicePointer()
    {
        return Cuda.pointer(deviceAddress());
    }

    /**
     * Enqueues moving the data to the device: {@code cudaMemPrefetchAsync} to the device, or a copy of the whole
     * mirror to the device buffer. Returns at once.
     *
     * @param stream the stream to enqueue on.
     * @throws CudaException         if the CUDA call fails.
     * @throws IllegalStateException if the buffer or the stream is closed.
     */
    public synchronized void prefetchToDevice(final CudaStream stream)
    {
        checkOpen();
        if (isManaged())
        {
            Cuda.check(JCuda.cudaMemPrefetchAsync(Cuda.pointer(managedAddress), capacity, device, stream.handle()),
                "cudaMemPrefetchAsync(" + name + " -> device " + device + ", " + stream + ")");
        }
        else
        {
            deviceBuffer.copyFromHostAsync(0, mirror, 0, capacity, stream);
            copiedBytes += capacity;
        }
        prefetchesToDevice++;
    }

    /**
     * Enqueues moving the data to the host: {@code cudaMemPrefetchAsync} to the CPU, or a copy of the whole
     * device buffer to the mirror. Returns at once; read {@link #hostBuffer()} after the stream completed.
     *
     * @param stream the stream to enqueue on.
     * @throws CudaException         if the CUDA call fails.
     * @throws IllegalStateException if the buffer or the stream is closed.
     */
    public synchronized void prefetchToHost(final CudaStream stream)
    {
        checkOpen();
        if (isManaged())
        {
            Cuda.check(JCuda.cudaMemPrefetchAsync(Cuda.pointer(managedAddress), capacity, JCuda.cudaCpuDeviceId,
                stream.handle()), "cudaMemPrefetchAsync(" + name + " -> host, " + stream + ")");
        }
        else
        {
            DeviceBuffer.copyAsync(mirror.address(), deviceBuffer.address(), capacity,
                cudaMemcpyKind.cudaMemcpyDeviceToHost, stream, name + " -> mirror");
            copiedBytes += capacity;
        }
        prefetchesToHost++;
    }

    /**
     * Advises CUDA that the data is mostly read ({@code cudaMemAdviseSetReadMostly}): the driver may keep
     * read-only copies on the host and the device.
     *
     * @return true when applied; false in fallback mode (no effect).
     * @throws CudaException         if {@code cudaMemAdvise} fails.
     * @throws IllegalStateException if the buffer is closed.
     */
    public synchronized boolean adviseReadMostly()
    {
        return advise(cudaMemoryAdvise.cudaMemAdviseSetReadMostly, device, "read mostly");
    }

    /**
     * Advises CUDA where the data should preferably live ({@code cudaMemAdviseSetPreferredLocation}).
     *
     * @param onDevice true for the device, false for the host.
     * @return true when applied; false in fallback mode (no effect).
     * @throws CudaException         if {@code cudaMemAdvise} fails.
     * @throws IllegalStateException if the buffer is closed.
     */
    public synchronized boolean advisePreferredLocation(final boolean onDevice)
    {
        return advise(cudaMemoryAdvise.cudaMemAdviseSetPreferredLocation, onDevice ? device : JCuda.cudaCpuDeviceId,
            onDevice ? "preferred location device " + device : "preferred location host");
    }

    /**
     * @return what the buffer did so far, and its mode.
     */
    public synchronized Stats stats()
    {
        return new Stats(mode, capacity, prefetchesToDevice, prefetchesToHost, copiedBytes, advicesApplied,
            advicesIgnored, fallbackReason);
    }

    /**
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closed.get();
    }

    /**
     * Frees the memory ({@code cudaFree} of the managed memory, or the device buffer and the mirror); the first
     * call only. No prefetch or copy may be pending.
     *
     * @throws CudaException if the driver refuses (the buffer counts as closed anyway).
     */
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            if (isManaged())
            {
                managedView.wrap(EMPTY);
                Cuda.check(JCuda.cudaFree(Cuda.pointer(managedAddress)), "cudaFree(" + name + ")");
            }
            else
            {
                try
                {
                    mirror.close();
                }
                finally
                {
                    deviceBuffer.close();
                }
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

    private boolean advise(final int advice, final int location, final String what)
    {
        checkOpen();
        if (!isManaged())
        {
            advicesIgnored++;
            return false;
        }
        Cuda.check(JCuda.cudaMemAdvise(Cuda.pointer(managedAddress), capacity, advice, location),
            "cudaMemAdvise(" + name + ", " + what + ")");
        advicesApplied++;
        return true;
    }

    private void checkOpen()
    {
        if (closed.get())
        {
            throw new IllegalStateException(name + " is closed");
        }
    }
}
