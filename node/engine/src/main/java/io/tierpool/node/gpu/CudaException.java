/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import io.tierpool.client.TierPoolException;

/**
 * A CUDA call failed. The message names the call, what it was doing (buffer, size, stream) and the CUDA error
 * with its number, e.g. {@code "cudaMemcpyAsync(DeviceBuffer[tile 3, 4096 bytes] <- host, 4096 bytes) failed:
 * cudaErrorInvalidValue (1)"}.
 */
public class CudaException extends TierPoolException
{
    private static final long serialVersionUID = 1L;

    private final int error;

    /**
     * @param message what failed and what to do about it.
     * @param error   the {@code cudaError_t} value, or 0 when the failure did not come from a CUDA call.
     */
    public CudaException(final String message, final int error)
    {
        super(message);
        this.error = error;
    }

    /**
     * @return the {@code cudaError_t} value ({@code jcuda.runtime.cudaError}), or 0.
     */
    public int error()
    {
        return error;
    }
}
