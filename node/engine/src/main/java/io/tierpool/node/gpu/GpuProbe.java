/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import io.tierpool.client.GpuInfo;

import java.nio.file.Files;
import java.nio.file.Path;

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
 * <b>No driver, no JCuda.</b> Before loading JCuda the probe looks for the NVIDIA kernel driver
 * ({@value #DRIVER_DEVICE_FILE} or {@value #DRIVER_VERSION_FILE}). Where neither exists it reports "no NVIDIA
 * driver" without loading JCuda at all, so that a machine without a GPU never gets the copy of JCuda's runtime
 * library that JCuda extracts into {@code java.io.tmpdir} when it first loads (a file JCuda reuses and never
 * removes; see docs/GPU.md).
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

    /** The NVIDIA driver's control device; present wherever the kernel driver is loaded and visible. */
    public static final String DRIVER_DEVICE_FILE = "/dev/nvidiactl";

    /** The NVIDIA kernel driver's version file; present wherever the kernel driver is loaded. */
    public static final String DRIVER_VERSION_FILE = "/proc/driver/nvidia/version";

    /** The reason given where no NVIDIA kernel driver is visible. */
    public static final String NO_DRIVER_REASON = "no NVIDIA driver: neither " + DRIVER_DEVICE_FILE + " nor " +
        DRIVER_VERSION_FILE + " exists";

    private static final Logger LOG = LoggerFactory.getLogger(GpuProbe.class);
    private static final Object LOCK = new Object();
    private static GpuInfo shared;

    private GpuProbe()
    {
    }

    /**
     * Probes device 0 now, without caching and without logging.
     *
     * @param enabled false to skip probing (no JCuda class is loaded) and report {@link #DISABLED_REASON}. Where
     *                no NVIDIA driver is visible, {@link #NO_DRIVER_REASON} is reported, also without loading
     *                JCuda.
     * @return what was found; never null.
     */
    public static GpuInfo probe(final boolean enabled)
    {
        if (!enabled)
        {
            return GpuInfo.unavailable(DISABLED_REASON);
        }
        if (!driverVisible())
        {
            return GpuInfo.unavailable(NO_DRIVER_REASON);
        }
        return probeRuntime();
    }

    /**
     * @return whether the NVIDIA kernel driver is visible ({@value #DRIVER_DEVICE_FILE} or
     * {@value #DRIVER_VERSION_FILE} exists).
     */
    public static boolean driverVisible()
    {
        return Files.exists(Path.of(DRIVER_DEVICE_FILE)) || Files.exists(Path.of(DRIVER_VERSION_FILE));
    }

    /**
     * Loads the CUDA runtime through JCuda and probes device 0, whether or not a driver is visible. Used by
     * {@link #probe(boolean)} once a driver was found, and by tests that check how CUDA calls fail without one.
     *
     * @return what was found; never null.
     */
    static GpuInfo probeRuntime()
    {
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
