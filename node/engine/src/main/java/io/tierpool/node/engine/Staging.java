/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.ChecksumMismatchException;
import io.tierpool.node.tier.local.NativeMemory;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.zip.CRC32C;

/**
 * The engine's staging and verification part: the staging buffer that the moves and accesses made under the engine
 * lock read a block into when it lies below RAM ({@link #stage}), the CRC32C checksum of a block's bytes
 * ({@link #checksum}) and its verification against the checksum kept in the block table ({@link #verify}).
 * <p>
 * <b>Owns</b> the staging buffer: native memory of at least {@value #MIN_STAGING_BYTES} bytes, grown to the largest
 * block staged and given back after use when larger than {@value #MAX_RETAINED_STAGING_BYTES} bytes
 * ({@link #releaseIfLarge}), and freed when the store closes ({@link #release}). Moves made without the lock stage
 * into a {@link ScratchPool} scratch of their own instead.
 * <p>
 * <b>Threading.</b> Called under the engine lock only: the buffer, its view and the checksum state are guarded by it.
 */
final class Staging
{
    private static final int MIN_STAGING_BYTES = 64 * 1024;
    private static final int MAX_RETAINED_STAGING_BYTES = 64 * 1024 * 1024;

    /** The staged bytes of the last {@link #stage} or {@link #ensure}: valid until the next one or a release. */
    final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private final BlockStore store;
    private final CRC32C crc32c = new CRC32C();
    private long address;
    private int capacity;

    Staging(final BlockStore store)
    {
        this.store = store;
    }

    /**
     * Reads a block from the tier it lies in into the staging buffer ({@link #view}), unverified.
     */
    void stage(final BlockEntry entry)
    {
        ensure(entry.size);
        store.slots[entry.tier].read(entry.id, entry.location, view, entry.size);
    }

    /**
     * {@link #stage} and {@link #verify}; a mismatch gives back a large staging buffer before it throws.
     *
     * @throws ChecksumMismatchException if the staged bytes do not match the block's checksum.
     */
    void stageVerified(final BlockEntry entry)
    {
        stage(entry);
        try
        {
            verify(entry, store.slots[entry.tier], view);
        }
        catch (final ChecksumMismatchException ex)
        {
            releaseIfLarge();
            throw ex;
        }
    }

    /**
     * Checks a block's bytes, read from {@code source}, against its checksum; a block on the DEVICE tier changed
     * by kernels since it was pinned there takes the checksum of its bytes instead.
     *
     * @throws ChecksumMismatchException if they do not match (counted for the tier and the store).
     */
    void verify(final BlockEntry entry, final TierSlot source, final UnsafeBuffer bytes)
    {
        final int actual = checksum(bytes, entry.size);
        if (entry.deviceDirty && entry.tier == store.deviceIndex)
        {
            // Kernels may have changed the block in place: its bytes on the device are the truth.
            entry.crc32c = actual;
            entry.deviceDirty = entry.pinCount > 0;
            return;
        }
        if (actual != entry.crc32c)
        {
            source.checksumFailures++;
            store.counters.checksumFailures++;
            throw new ChecksumMismatchException(entry.id, source.tier.name(), store.nodeName, entry.crc32c, actual);
        }
    }

    /**
     * @return the CRC32C of the first {@code length} bytes of {@code buffer}, read in place.
     */
    int checksum(final UnsafeBuffer buffer, final int length)
    {
        crc32c.reset();
        crc32c.update(NativeMemory.view(buffer, 0, length));
        return (int)crc32c.getValue();
    }

    /**
     * Wraps {@link #view} over {@code length} bytes of the staging buffer, growing it first if it is smaller.
     */
    void ensure(final int length)
    {
        if (capacity < length)
        {
            release();
            final int newCapacity = Math.max(length, MIN_STAGING_BYTES);
            address = NativeMemory.allocate(newCapacity);
            capacity = newCapacity;
        }
        view.wrap(address, length);
    }

    /**
     * Gives the staging buffer back if it grew past {@value #MAX_RETAINED_STAGING_BYTES} bytes for a large block.
     */
    void releaseIfLarge()
    {
        if (capacity > MAX_RETAINED_STAGING_BYTES)
        {
            release();
        }
    }

    /**
     * Frees the staging buffer (the next {@link #ensure} allocates it again). Idempotent.
     */
    void release()
    {
        view.wrap(new byte[0]);
        NativeMemory.free(address);
        address = 0;
        capacity = 0;
    }
}
