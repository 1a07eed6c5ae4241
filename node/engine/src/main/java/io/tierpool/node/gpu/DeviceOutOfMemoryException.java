/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import io.tierpool.client.TierPoolException;

/**
 * The {@link DevicePool} cannot hand out a device allocation: serving it would take the pool past its limit
 * (a fraction of the device's memory, {@link DevicePool.Context#memoryFraction(double)}) even after returning
 * every cached allocation to the driver, or the driver itself is out of memory. Nothing was allocated. The
 * message names the request, its size class, the pool's total, the limit and the device's free memory; free
 * device blocks (or demote them to host tiers), or raise {@code gpu.pool.fraction}.
 */
public class DeviceOutOfMemoryException extends TierPoolException
{
    private static final long serialVersionUID = 1L;

    private final long requestedBytes;
    private final long poolBytes;
    private final long limitBytes;
    private final long deviceFreeBytes;

    /**
     * @param message         the full message.
     * @param requestedBytes  bytes asked for.
     * @param poolBytes       bytes the pool held (in use and cached) when it gave up.
     * @param limitBytes      the pool's limit in bytes.
     * @param deviceFreeBytes the device's free memory in bytes as the driver reported it, -1 if unknown.
     */
    public DeviceOutOfMemoryException(
        final String message,
        final long requestedBytes,
        final long poolBytes,
        final long limitBytes,
        final long deviceFreeBytes)
    {
        super(message);
        this.requestedBytes = requestedBytes;
        this.poolBytes = poolBytes;
        this.limitBytes = limitBytes;
        this.deviceFreeBytes = deviceFreeBytes;
    }

    /**
     * @return bytes asked for.
     */
    public long requestedBytes()
    {
        return requestedBytes;
    }

    /**
     * @return bytes the pool held (in use and cached) when it gave up.
     */
    public long poolBytes()
    {
        return poolBytes;
    }

    /**
     * @return the pool's limit in bytes.
     */
    public long limitBytes()
    {
        return limitBytes;
    }

    /**
     * @return the device's free memory in bytes as the driver reported it, -1 if unknown.
     */
    public long deviceFreeBytes()
    {
        return deviceFreeBytes;
    }
}
