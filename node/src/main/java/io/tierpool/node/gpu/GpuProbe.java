/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out, without crashing, whether CUDA works on this machine: whether a driver is loaded, how many devices
 * there are, and for device 0 its name, compute capability, total and free memory and whether it supports
 * concurrent managed (unified) memory access.
 * <p>
 * <b>No GPU is not an error.</b> Where JCuda's natives cannot load (an {@link UnsatisfiedLinkError} or another
 * {@link LinkageError}), where the runtime reports no driver ({@code cudaErrorInsufficientDriver}, 35, on a
 * machine without an NVIDIA driver) or no device, or where GPU use is disabled by configuration
 * ({@code gpu.enabled = false}), the result is a {@link GpuInfo} with {@code available == false} and the reason.
 * <p>
 * <b>Class loading.</b> This class references no JCuda class. JCuda is loaded only inside {@link #probe(boolean)}
 * when the GPU is enabled; with {@code enabled == false} no JCuda class is ever loaded. Every other class of this
 * package that touches CUDA must be used only after a probe found {@link GpuInfo#available()}.
 * <p>
 * <b>Once per JVM.</b> {@link #shared(boolean)} probes on its first call and caches the result; the result is
 * logged once (INFO with a GPU, INFO "no GPU: reason" without). Thread-safe.
 */
public final class GpuProbe
{
    /** The reason given when configuration disabled the GPU. */
    public static final String DISABLED_REASON = "GPU use disabled by configuration (gpu.enabled = false)";

    private static final Logger LOG = LoggerFactory.getLogger(GpuProbe.class);
    private static final Object LOCK = new Object();
    private static GpuInfo shared;

    private GpuProbe()
    {
    }

    /**
     * Probes device 0 now, without caching and without logging.
     *
     * @param enabled false to skip probing (no JCuda class is loaded) and report {@link #DISABLED_REASON}.
     * @return what was found; never null.
     */
    public static GpuInfo probe(final boolean enabled)
    {
        if (!enabled)
        {
            return GpuInfo.unavailable(DISABLED_REASON);
        }
        try
        {
            return CudaRuntimeProbe.probe(0);
        }
        catch (final LinkageError ex)
        {
            return GpuInfo.unavailable("the CUDA runtime could not be loaded: " + ex);
        }
        catch (final RuntimeException ex)
        {
            return GpuInfo.unavailable("probing CUDA failed: " + ex);
        }
    }

    /**
     * The probe result for this JVM: the first call probes (see {@link #probe(boolean)}) and logs the result
     * once; later calls return the same result. A first call with {@code enabled == false} caches "disabled"
     * without loading CUDA.
     *
     * @param enabled whether GPU use is enabled ({@code gpu.enabled}); only the first call's value counts.
     * @return what was found; never null.
     */
    public static GpuInfo shared(final boolean enabled)
    {
        synchronized (LOCK)
        {
            if (null == shared)
            {
                shared = probe(enabled);
                LOG.info("{}", shared.describe());
            }
            return shared;
        }
    }
}
