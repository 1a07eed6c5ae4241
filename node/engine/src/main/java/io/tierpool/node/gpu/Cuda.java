/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import jcuda.Pointer;
import jcuda.runtime.cudaError;

/**
 * Helpers around JCuda's runtime API: error checking and converting between JCuda {@link Pointer}s and raw
 * addresses (the pool and the tier keep device addresses as {@code long}s, with no object per allocation).
 * <p>
 * Referencing this class loads JCuda: only code that runs after {@link GpuProbe} found a usable GPU may call it.
 * Stateless and thread-safe.
 */
final class Cuda
{
    private Cuda()
    {
    }

    /**
     * @param error the value a {@code cudaXxx} call returned.
     * @param what  the call and its arguments, for the message.
     * @throws CudaException if {@code error} is not {@code cudaSuccess}.
     */
    static void check(final int error, final String what)
    {
        if (error != cudaError.cudaSuccess)
        {
            throw new CudaException(what + " failed: " + errorName(error), error);
        }
    }

    /**
     * @param error a {@code cudaError_t} value.
     * @return its name and number, e.g. {@code "cudaErrorInsufficientDriver (35)"}.
     */
    static String errorName(final int error)
    {
        return cudaError.stringFor(error) + " (" + error + ")";
    }

    /**
     * @param pointer a pointer filled in by a CUDA allocation call.
     * @return the address it holds, plus its byte offset.
     */
    static long address(final Pointer pointer)
    {
        return new Address(pointer).value();
    }

    /**
     * @param address a raw device, managed or pinned host address.
     * @return a JCuda pointer to it, for passing to CUDA calls; it owns nothing.
     */
    static Pointer pointer(final long address)
    {
        return new Address(address);
    }

    /**
     * JCuda keeps a pointer's address in protected members; a subclass may read its own copy and may be made
     * from a raw address. JCuda's natives read the same fields of any {@link Pointer}, so instances are passed to
     * CUDA calls like any pointer.
     */
    private static final class Address extends Pointer
    {
        Address(final Pointer pointer)
        {
            super(pointer);
        }

        Address(final long address)
        {
            super(address);
        }

        long value()
        {
            return getNativePointer() + getByteOffset();
        }
    }
}
