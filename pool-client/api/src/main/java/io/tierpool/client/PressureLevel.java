/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;


/**
 * How full a tier is: the one definition of the pressure levels, used by the block engine for every tier (what
 * {@link EngineTierStats#pressureLevel()}, pressure listeners and the node metric {@code tierpool_tier_pressure_level}
 * report) and by the GPU device pool. A tier's level grades its used bytes {@code u} against three thresholds,
 * in bytes:
 * <ul>
 *     <li>{@code H}, the <em>hard cap</em>: the tier's capacity, unless capped lower ({@code hardCapBytes}); the
 *     tier never holds more. For the device pool, its limit.</li>
 *     <li>{@code S}, the <em>soft cap</em>: where the mover starts demoting; by default the high watermark times
 *     {@code H} ({@code softCapBytes}).</li>
 *     <li>{@code D}, the <em>drain target</em>: where the mover stops demoting; by default the low watermark
 *     times {@code H}, and with a soft cap set, {@code S * lowWatermark / highWatermark}.</li>
 * </ul>
 * <pre>
 *   u &lt; D                         NORMAL         0   the mover leaves the tier alone
 *   D &lt;= u &lt; S                    ELEVATED       1   between the drain target and the soft cap
 *   S &lt;= u &lt; 0.95 H               WARNING        2   at or above the soft cap: the mover demotes
 *   max(S, 0.95 H) &lt;= u &lt; H       CRITICAL       3   nearly full
 *   u &gt;= H                        OUT_OF_MEMORY  4   full: the tier takes no more blocks
 * </pre>
 * {@code 0.95} is {@link #CRITICAL_UTILISATION}. A tier with {@code H = 0} is {@link #NORMAL}; where
 * {@code S >= 0.95 H} a tier goes from {@link #ELEVATED} straight to {@link #CRITICAL}. The comparisons are made
 * on fractions of {@code H} ({@code u / H} against {@code D / H}, {@code S / H} and 0.95).
 * {@link #of(long, long, double, double)} computes the level for the default caps: {@code H} the capacity,
 * {@code S = highWatermark * H}, {@code D = lowWatermark * H}.
 */
public enum PressureLevel
{
    /** Below the drain target: {@code u < D}. */
    NORMAL(0),

    /** At or above the drain target, below the soft cap: {@code D <= u < S}. */
    ELEVATED(1),

    /** At or above the soft cap, below {@value #CRITICAL_UTILISATION} of the hard cap: {@code S <= u < 0.95 H}. */
    WARNING(2),

    /** At or above {@value #CRITICAL_UTILISATION} of the hard cap (and the soft cap), not full:
     * {@code max(S, 0.95 H) <= u < H}. */
    CRITICAL(3),

    /** The hard cap is reached: {@code u >= H}. */
    OUT_OF_MEMORY(4);

    /** Fraction of the hard cap at and above which a tier not yet full is {@link #CRITICAL}: 0.95. */
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
     * The level (see the class description) with the default caps: hard cap {@code H = capacityBytes}, soft cap
     * {@code S = highWatermark * H}, drain target {@code D = lowWatermark * H}. The engine calls it with
     * {@code lowWatermark = D / H} and {@code highWatermark = S / H} for caps set otherwise.
     *
     * @param usedBytes     bytes in use, 0 or more.
     * @param capacityBytes the hard cap {@code H} in bytes, 0 or more.
     * @param lowWatermark  the drain target as a fraction of {@code H}.
     * @param highWatermark the soft cap as a fraction of {@code H}, above {@code lowWatermark}.
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
     * The level with the default caps of a tier of capacity {@link TierStats#capacityBytes()}; see
     * {@link #of(long, long, double, double)}. (The engine's own level, with the caps as configured, is in
     * {@link EngineTierStats#pressureLevel()}.)
     *
     * @param tier          a tier's statistics.
     * @param lowWatermark  the drain target as a fraction of the capacity.
     * @param highWatermark the soft cap as a fraction of the capacity, above {@code lowWatermark}.
     * @return the tier's pressure level.
     */
    public static PressureLevel of(final TierStats tier, final double lowWatermark, final double highWatermark)
    {
        return of(tier.usedBytes(), tier.capacityBytes(), lowWatermark, highWatermark);
    }
}
