/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.node.tier.Tier;
import io.tierpool.node.tier.local.NativeMemory;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.zip.CRC32C;

/**
 * The working memory of one thread that moves blocks between tiers without the engine lock (an I/O worker, or
 * the mover or prefetcher when they do their own I/O): a staging buffer, a checksum, buffer views and the arrays
 * of one demotion batch. Owned and used by one thread at a time; never shared.
 */
final class IoScratch
{
    /**
     * Most blocks in one demotion batch.
     */
    static final int MAX_BATCH_BLOCKS = 256;

    final StagingBuffer staging = new StagingBuffer();
    final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    final UnsafeBuffer part = new UnsafeBuffer(new byte[0]);
    final BlockEntry[] victims = new BlockEntry[MAX_BATCH_BLOCKS];
    final long[] ids = new long[MAX_BATCH_BLOCKS];
    final long[] versions = new long[MAX_BATCH_BLOCKS];
    final long[] sourceLocations = new long[MAX_BATCH_BLOCKS];
    final long[] locations = new long[MAX_BATCH_BLOCKS];
    final int[] offsets = new int[MAX_BATCH_BLOCKS];
    final int[] lengths = new int[MAX_BATCH_BLOCKS];
    final int[] crcs = new int[MAX_BATCH_BLOCKS];
    final boolean[] crcKnown = new boolean[MAX_BATCH_BLOCKS];
    private final CRC32C crc32c = new CRC32C();

    /**
     * @param buffer the bytes.
     * @param offset first byte.
     * @param length number of bytes.
     * @return the CRC32C of the range.
     */
    int checksum(final DirectBuffer buffer, final int offset, final int length)
    {
        crc32c.reset();
        crc32c.update(NativeMemory.view(buffer, offset, length));
        return (int)crc32c.getValue();
    }

    /**
     * Records what the switch-over of batch entry {@code k} checks (id, version, source location) and the block's
     * checksum as the engine knows it.
     *
     * @param k        index in the batch.
     * @param victim   the block (read under the engine lock).
     * @param crcKnown whether that checksum matches the bytes being moved (else it is taken afresh).
     */
    void record(final int k, final BlockEntry victim, final boolean crcKnown)
    {
        ids[k] = victim.id;
        versions[k] = victim.version;
        sourceLocations[k] = victim.location;
        crcs[k] = victim.crc32c;
        this.crcKnown[k] = crcKnown;
    }

    /**
     * @param length bytes of a block.
     * @return {@code length} rounded up to {@link Tier#BATCH_ALIGNMENT}.
     */
    static int aligned(final int length)
    {
        return (length + Tier.BATCH_ALIGNMENT - 1) & -Tier.BATCH_ALIGNMENT;
    }

    /**
     * Drops the references to block entries of the last batch.
     */
    void clearVictims(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            victims[i] = null;
        }
    }

    /**
     * Frees the staging memory.
     */
    void release()
    {
        view.wrap(new byte[0]);
        part.wrap(new byte[0]);
        staging.release();
    }
}
