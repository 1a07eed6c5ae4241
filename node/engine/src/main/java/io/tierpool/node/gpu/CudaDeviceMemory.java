/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import io.tierpool.client.GpuInfo;

import jcuda.Pointer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaError;

/**
 * {@link DeviceMemory} on a real GPU: {@code cudaMalloc}, {@code cudaFree} and {@code cudaMemGetInfo} on the
 * device made current by {@code cudaSetDevice} (the probe sets device 0). A {@code cudaMalloc} costs on the
 * order of 100 µs and may synchronise the device; {@link DevicePool} exists to avoid it.
 * <p>
 * Use only after {@link GpuProbe} found a usable GPU. Thread-safe (the CUDA runtime is).
 */
public final class CudaDeviceMemory implements DeviceMemory
{
    private final GpuInfo gpu;

    /**
     * @param gpu the probed GPU; must be {@link GpuInfo#available()}.
     * @throws IllegalArgumentException if the GPU is not available (the message gives the probe's reason).
     */
    public CudaDeviceMemory(final GpuInfo gpu)
    {
        if (!gpu.available())
        {
            throw new IllegalArgumentException("no CUDA device: " + gpu.reason());
        }
        this.gpu = gpu;
    }

    /**
     * {@inheritDoc}
     */
    public long allocate(final long bytes)
    {
        final Pointer pointer = new Pointer();
        final int error = JCuda.cudaMalloc(pointer, bytes);
        if (error == cudaError.cudaErrorMemoryAllocation)
        {
            return 0;
        }
        Cuda.check(error, "cudaMalloc(" + bytes + " bytes) on " + name());
        return Cuda.address(pointer);
    }

    /**
     * {@inheritDoc}
     */
    public void free(final long address, final long bytes)
    {
        Cuda.check(JCuda.cudaFree(Cuda.pointer(address)),
            "cudaFree(0x" + Long.toHexString(address) + ", " + bytes + " bytes) on " + name());
    }

    /**
     * {@inheritDoc}
     */
    public long totalBytes()
    {
        return gpu.totalBytes();
    }

    /**
     * {@inheritDoc}
     */
    public long freeBytes()
    {
        final long[] free = new long[1];
        final long[] total = new long[1];
        return JCuda.cudaMemGetInfo(free, total) == cudaError.cudaSuccess ? free[0] : -1;
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "cuda device " + gpu.device() + " (" + gpu.name() + ")";
    }
}
