/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

/**
 * The raw allocator underneath a {@link DevicePool}: the few calls the pool makes to the driver. The real one
 * is {@link CudaDeviceMemory} ({@code cudaMalloc}, {@code cudaFree}, {@code cudaMemGetInfo}); keeping it an
 * interface lets the pool's bucket logic, accounting and guard be tested on machines without a GPU.
 * <p>
 * <b>Threading:</b> the pool calls an implementation under its own lock, one call at a time.
 */
public interface DeviceMemory
{
    /**
     * Allocates device memory.
     *
     * @param bytes how many bytes, 1 or more.
     * @return the device address of the allocation, never 0; or 0 when the device has not enough free memory
     * ({@code cudaErrorMemoryAllocation}; nothing was allocated).
     * @throws CudaException if the allocation failed for another reason.
     */
    long allocate(long bytes);

    /**
     * Returns an allocation to the driver.
     *
     * @param address an address {@link #allocate} returned and not yet freed.
     * @param bytes   the size it was allocated with.
     * @throws CudaException if the driver refuses (a bad address, or a sticky error from an earlier kernel).
     */
    void free(long address, long bytes);

    /**
     * @return the device's total memory in bytes.
     */
    long totalBytes();

    /**
     * @return the device's free memory in bytes now, as the driver reports it (other processes count too), or
     * -1 when it cannot be asked.
     */
    long freeBytes();

    /**
     * @return a short name for messages, e.g. {@code "cuda device 0"}.
     */
    String name();
}
