/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;


/**
 * One change of a tier's pressure level, as passed to a {@link PressureListener}.
 *
 * @param kind          the kind of the tier.
 * @param tierName      the tier's name, e.g. {@code "RAM"}.
 * @param previous      the level before the change.
 * @param level         the level now.
 * @param usedBytes     the tier's used bytes when the change was seen.
 * @param softCapBytes  the tier's soft cap in bytes (the mover starts demoting above it).
 * @param hardCapBytes  the tier's hard cap in bytes (never exceeded).
 */
public record PressureChange(
    TierKind kind,
    String tierName,
    PressureLevel previous,
    PressureLevel level,
    long usedBytes,
    long softCapBytes,
    long hardCapBytes)
{
}
