/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import java.util.Locale;

/**
 * What {@link GpuProbe} found out about the machine's CUDA GPU. Plain data: creating or reading one never loads
 * CUDA. Immutable and thread-safe.
 *
 * @param available               true when CUDA works and device {@link #device()} can be used.
 * @param reason                  why there is no usable GPU (e.g. {@code "cudaGetDeviceCount failed:
 *                                cudaErrorInsufficientDriver (35)"}), or {@code "ok"} when {@code available}.
 * @param deviceCount             CUDA devices the runtime sees, 0 when none or unknown.
 * @param device                  the device the node uses (always 0 for now), -1 when none.
 * @param name                    the device's name, e.g. {@code "NVIDIA H100 80GB HBM3"}; empty when none.
 * @param computeMajor            compute capability, major part (e.g. 9 for sm_90); 0 when none.
 * @param computeMinor            compute capability, minor part; 0 when none.
 * @param totalBytes              the device's global memory in bytes; 0 when none.
 * @param freeBytes               free device memory in bytes when probed ({@code cudaMemGetInfo}); 0 when none.
 * @param concurrentManagedAccess true when the device can access managed (unified) memory concurrently with the
 *                                CPU; {@link UnifiedBuffer} uses managed memory only then.
 * @param driverVersion           the CUDA driver version as CUDA encodes it ({@code 1000 * major + 10 * minor},
 *                                e.g. 12060), 0 when there is no driver.
 * @param runtimeVersion          the CUDA runtime version JCuda was built against, same encoding; 0 when unknown.
 */
public record GpuInfo(
    boolean available,
    String reason,
    int deviceCount,
    int device,
    String name,
    int computeMajor,
    int computeMinor,
    long totalBytes,
    long freeBytes,
    boolean concurrentManagedAccess,
    int driverVersion,
    int runtimeVersion)
{
    /** The {@link #reason()} of a usable GPU. */
    public static final String OK = "ok";

    /**
     * @param reason why there is no usable GPU.
     * @return information saying there is no GPU, with the reason.
     */
    public static GpuInfo unavailable(final String reason)
    {
        return unavailable(reason, 0, 0, 0);
    }

    /**
     * @param reason         why there is no usable GPU.
     * @param deviceCount    devices seen (0 when none).
     * @param driverVersion  the driver version, 0 when unknown.
     * @param runtimeVersion the runtime version, 0 when unknown.
     * @return information saying there is no GPU, with the reason and what was learnt before failing.
     */
    public static GpuInfo unavailable(
        final String reason, final int deviceCount, final int driverVersion, final int runtimeVersion)
    {
        return new GpuInfo(false, reason, deviceCount, -1, "", 0, 0, 0, 0, false, driverVersion, runtimeVersion);
    }

    /**
     * @return the compute capability as text, e.g. {@code "9.0"}; {@code "none"} without a GPU.
     */
    public String computeCapability()
    {
        return available ? computeMajor + "." + computeMinor : "none";
    }

    /**
     * @return one line for the log and the statistics, e.g. {@code "GPU 0: NVIDIA H100 (sm 9.0), 79.1 GiB
     * total, 78.6 GiB free, concurrent managed access yes, driver 12.6"} or {@code "no GPU: <reason>"}.
     */
    public String describe()
    {
        if (!available)
        {
            return "no GPU: " + reason;
        }
        return String.format(Locale.ROOT, "GPU %d of %d: %s (compute capability %s), %.1f GiB total, %.1f GiB free, " +
            "concurrent managed access %s, driver %s, runtime %s",
            device, deviceCount, name, computeCapability(), totalBytes / (double)(1L << 30),
            freeBytes / (double)(1L << 30), concurrentManagedAccess ? "yes" : "no", version(driverVersion),
            version(runtimeVersion));
    }

    private static String version(final int encoded)
    {
        return encoded <= 0 ? "unknown" : (encoded / 1000) + "." + (encoded % 1000) / 10;
    }
}
