/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.report;

/**
 * Unit conversions and formatting shared by the workloads' reports.
 */
public final class Units
{
    /**
     * Bytes in a GiB.
     */
    public static final double GIB = 1024.0 * 1024 * 1024;

    private Units()
    {
    }

    /**
     * @param bytes bytes moved.
     * @param ns    time taken, in ns, positive.
     * @return GiB per second.
     */
    public static double gibPerSecond(final long bytes, final long ns)
    {
        return bytes / GIB / (ns / 1e9);
    }

    /**
     * @param bytes a size in bytes.
     * @return the size with a binary unit, e.g. {@code "64 MiB"}, {@code "1.5 KiB"}, {@code "12 B"}.
     */
    public static String bytes(final long bytes)
    {
        final String[] units = { "B", "KiB", "MiB", "GiB", "TiB" };
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value == Math.rint(value) ? String.format("%.0f %s", value, units[unit]) :
            String.format("%.1f %s", value, units[unit]);
    }
}
