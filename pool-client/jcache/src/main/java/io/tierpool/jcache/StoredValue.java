/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import io.tierpool.client.Block;

/**
 * One cache entry's value as the index on heap holds it: the TierPool block with the serialized value in its
 * first {@link #length} bytes, and the entry's expiry time.
 * <p>
 * <b>Threads.</b> The block and length never change (an update stores a new {@code StoredValue});
 * {@link #expiryTimeMs} is changed only under the entry's key lock, and read under it.
 */
final class StoredValue
{
    /** Expiry time of an entry that never expires. */
    static final long ETERNAL = Long.MAX_VALUE;

    final Block block;
    final int length;
    long expiryTimeMs;

    StoredValue(final Block block, final int length, final long expiryTimeMs)
    {
        this.block = block;
        this.length = length;
        this.expiryTimeMs = expiryTimeMs;
    }

    /**
     * @param nowMs the time in epoch milliseconds.
     * @return true when the entry had expired by {@code nowMs}.
     */
    boolean isExpiredAt(final long nowMs)
    {
        return expiryTimeMs <= nowMs;
    }
}
