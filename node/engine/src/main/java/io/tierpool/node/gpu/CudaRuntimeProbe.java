/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import io.tierpool.client.GpuInfo;

import jcuda.runtime.JCuda;
import jcuda.runtime.cudaDeviceProp;
import jcuda.runtime.cudaError;

/**
 * The part of {@link GpuProbe} that calls CUDA. Loading this class loads JCuda and its native library; {@link
 * GpuProbe} calls it only when the GPU is enabled, and catches every {@link LinkageError} (no native library,
 * no JCuda jar) and runtime exception it throws.
 */
final class CudaRuntimeProbe
{
    private CudaRuntimeProbe()
    {
    }

    /**
     * @param device the device to describe, 0 or more.
     * @return what CUDA reports; never throws for a missing driver or device (that is a {@link GpuInfo} with
     * {@code available == false}).
     */
    static GpuInfo probe(final int device)
    {
        JCuda.setExceptionsEnabled(false);
        final int[] value = new int[1];

        final int runtimeVersion = JCuda.cudaRuntimeGetVersion(value) == cudaError.cudaSuccess ? value[0] : 0;
        value[0] = 0;
        final int driverVersion = JCuda.cudaDriverGetVersion(value) == cudaError.cudaSuccess ? value[0] : 0;

        value[0] = 0;
        final int countError = JCuda.cudaGetDeviceCount(value);
        if (countError != cudaError.cudaSuccess)
        {
            return GpuInfo.unavailable("cudaGetDeviceCount failed: " + Cuda.errorName(countError) +
                (driverVersion == 0 ? " (no NVIDIA driver loaded)" : ""), 0, driverVersion, runtimeVersion);
        }
        final int count = value[0];
        if (count <= device)
        {
            return GpuInfo.unavailable("CUDA sees " + count + " device(s), device " + device + " does not exist",
                count, driverVersion, runtimeVersion);
        }

        final cudaDeviceProp properties = new cudaDeviceProp();
        final int propertiesError = JCuda.cudaGetDeviceProperties(properties, device);
        if (propertiesError != cudaError.cudaSuccess)
        {
            return GpuInfo.unavailable("cudaGetDeviceProperties(" + device + ") failed: " +
                Cuda.errorName(propertiesError), count, driverVersion, runtimeVersion);
        }
        final int setError = JCuda.cudaSetDevice(device);
        if (setError != cudaError.cudaSuccess)
        {
            return GpuInfo.unavailable("cudaSetDevice(" + device + ") failed: " + Cuda.errorName(setError), count,
                driverVersion, runtimeVersion);
        }
        final long[] free = new long[1];
        final long[] total = new long[1];
        final int memError = JCuda.cudaMemGetInfo(free, total);
        if (memError != cudaError.cudaSuccess)
        {
            return GpuInfo.unavailable("cudaMemGetInfo failed on device " + device + ": " +
                Cuda.errorName(memError), count, driverVersion, runtimeVersion);
        }

        return new GpuInfo(
            true,
            GpuInfo.OK,
            count,
            device,
            properties.getName().trim(),
            properties.major,
            properties.minor,
            total[0] > 0 ? total[0] : properties.totalGlobalMem,
            free[0],
            properties.concurrentManagedAccess != 0,
            driverVersion,
            runtimeVersion);
    }
}
