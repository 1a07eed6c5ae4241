/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import java.util.HashMap;
import java.util.Map;

/**
 * A {@link DeviceMemory} for testing the pool's bookkeeping without a GPU: it hands out distinct, 256-byte
 * aligned addresses (no memory behind them), keeps the live allocations, refuses an allocation (returns 0, as
 * {@code cudaMalloc} reports {@code cudaErrorMemoryAllocation}) once {@code availableBytes} would be passed, and
 * rejects frees of addresses it never handed out. Thread-safe.
 */
final class CountingDeviceMemory implements DeviceMemory
{
    private final long totalBytes;
    private final long availableBytes;
    private final Map<Long, Long> live = new HashMap<>();
    private long nextAddress = 0x7f00_0000_0000L;
    private long liveBytes;
    private long allocations;
    private long frees;

    /**
     * @param totalBytes     the device memory the allocator reports.
     * @param availableBytes how much of it can be allocated (less when "other processes" use the rest).
     */
    CountingDeviceMemory(final long totalBytes, final long availableBytes)
    {
        this.totalBytes = totalBytes;
        this.availableBytes = availableBytes;
    }

    public synchronized long allocate(final long bytes)
    {
        if (liveBytes + bytes > availableBytes)
        {
            return 0;
        }
        final long address = nextAddress;
        nextAddress += (bytes + 255) & ~255L;
        live.put(address, bytes);
        liveBytes += bytes;
        allocations++;
        return address;
    }

    public synchronized void free(final long address, final long bytes)
    {
        final Long size = live.remove(address);
        if (null == size || size != bytes)
        {
            throw new CudaException("free of 0x" + Long.toHexString(address) + " (" + bytes + " bytes): " +
                (null == size ? "not allocated" : "allocated with " + size + " bytes"), 1);
        }
        liveBytes -= bytes;
        frees++;
    }

    public long totalBytes()
    {
        return totalBytes;
    }

    public synchronized long freeBytes()
    {
        return availableBytes - liveBytes;
    }

    public String name()
    {
        return "counting device memory";
    }

    synchronized long liveBytes()
    {
        return liveBytes;
    }

    synchronized int liveCount()
    {
        return live.size();
    }

    synchronized long allocations()
    {
        return allocations;
    }

    synchronized long frees()
    {
        return frees;
    }
}
