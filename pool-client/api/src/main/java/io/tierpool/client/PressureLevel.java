/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;


/**
 * How full a tier is, measured against its watermarks: what the metric {@code tierpool_tier_pressure_level}
 * reports as {@link #level()}. With utilisation {@code u = used / capacity}, low watermark {@code L} and high
 * watermark {@code H}:
 * <pre>
 *   u &lt; L                        NORMAL         0   the mover leaves the tier alone
 *   L &lt;= u &lt; H                  ELEVATED       1   between the watermarks
 *   H &lt;= u &lt; 0.95               WARNING        2   above the high watermark: the mover demotes
 *   max(H, 0.95) &lt;= u &lt; 1        CRITICAL       3   nearly full: allocations may be routed to slower tiers
 *   u &gt;= 1 (used &gt;= capacity)    OUT_OF_MEMORY  4   full
 * </pre>
 * A tier of capacity 0 is {@link #NORMAL}. Where {@code H >= 0.95} a tier goes from {@link #ELEVATED} straight to
 * {@link #CRITICAL}.
 */
public enum PressureLevel
{
    /** Below the low watermark. */
    NORMAL(0),

    /** At or above the low watermark, below the high watermark. */
    ELEVATED(1),

    /** At or above the high watermark, below {@value #CRITICAL_UTILISATION} of capacity. */
    WARNING(2),

    /** At or above {@value #CRITICAL_UTILISATION} of capacity (and the high watermark), not full. */
    CRITICAL(3),

    /** Every byte of the tier's capacity is in use. */
    OUT_OF_MEMORY(4);

    /** Utilisation at and above which a tier not yet full is {@link #CRITICAL}: 0.95. */
    public static final double CRITICAL_UTILISATION = 0.95;

    private final int level;

    PressureLevel(final int level)
    {
        this.level = level;
    }

    /**
     * @return the level as a number, 0 ({@link #NORMAL}) to 4 ({@link #OUT_OF_MEMORY}).
     */
    public int level()
    {
        return level;
    }

    /**
     * @param usedBytes     bytes in use, 0 or more.
     * @param capacityBytes the tier's capacity in bytes, 0 or more.
     * @param lowWatermark  the low watermark, a fraction of capacity.
     * @param highWatermark the high watermark, a fraction of capacity, above the low one.
     * @return the tier's pressure level.
     */
    public static PressureLevel of(
        final long usedBytes, final long capacityBytes, final double lowWatermark, final double highWatermark)
    {
        if (capacityBytes <= 0)
        {
            return NORMAL;
        }
        if (usedBytes >= capacityBytes)
        {
            return OUT_OF_MEMORY;
        }

        final double utilisation = (double)usedBytes / capacityBytes;
        if (utilisation < lowWatermark)
        {
            return NORMAL;
        }
        if (utilisation < highWatermark)
        {
            return ELEVATED;
        }
        if (utilisation < CRITICAL_UTILISATION)
        {
            return WARNING;
        }
        return CRITICAL;
    }

    /**
     * @param tier          a tier's statistics.
     * @param lowWatermark  the low watermark, a fraction of capacity.
     * @param highWatermark the high watermark, a fraction of capacity, above the low one.
     * @return the tier's pressure level.
     */
    public static PressureLevel of(final TierStats tier, final double lowWatermark, final double highWatermark)
    {
        return of(tier.usedBytes(), tier.capacityBytes(), lowWatermark, highWatermark);
    }
}
