/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.node.tier.DeviceResidentTier;
import io.tierpool.client.TierKind;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A DEVICE-kind tier on the Java heap for engine tests on machines without a GPU: one byte array stands in for
 * device memory, allocated first fit, and a block's "device pointer" is {@link #BASE} plus its offset in the
 * array, so that a test can play a kernel by reading and writing {@link #arena} at {@code pointer - BASE}.
 * Thread-safe (synchronised): the engine calls it under its I/O lock, test "kernels" touch only pinned blocks. A
 * test may hold back the next write or read of a chosen block on a latch ({@link #holdNextWrite},
 * {@link #holdNextRead}), outside the tier's monitor.
 */
final class HeapDeviceTier implements DeviceResidentTier
{
    static final long BASE = 0x7f00_0000_0000L;

    final byte[] arena;
    private final TreeMap<Long, Integer> extents = new TreeMap<>();
    private final Map<Long, Long> blockByLocation = new TreeMap<>();
    private final AtomicReference<ConcurrentHeapTier.Hold> writeHold = new AtomicReference<>();
    private final AtomicReference<ConcurrentHeapTier.Hold> readHold = new AtomicReference<>();
    private long usedBytes;
    boolean closed;

    HeapDeviceTier(final int capacityBytes)
    {
        arena = new byte[capacityBytes];
    }

    public TierKind kind()
    {
        return TierKind.DEVICE;
    }

    public String name()
    {
        return "DEVICE";
    }

    public long capacityBytes()
    {
        return arena.length;
    }

    public synchronized long usedBytes()
    {
        return usedBytes;
    }

    public synchronized long blockCount()
    {
        return extents.size();
    }

    /**
     * @param blockId the block whose next write to the device waits, or 0 for any block's.
     * @return the hold, to await and release.
     */
    ConcurrentHeapTier.Hold holdNextWrite(final long blockId)
    {
        final ConcurrentHeapTier.Hold hold = new ConcurrentHeapTier.Hold(blockId);
        writeHold.set(hold);
        return hold;
    }

    /**
     * @param blockId the block whose next read from the device waits, or 0 for any block's.
     * @return the hold, to await and release.
     */
    ConcurrentHeapTier.Hold holdNextRead(final long blockId)
    {
        final ConcurrentHeapTier.Hold hold = new ConcurrentHeapTier.Hold(blockId);
        readHold.set(hold);
        return hold;
    }

    public long write(
        final long blockId, final DirectBuffer src, final int srcOffset, final int length, final int crc32c)
    {
        ConcurrentHeapTier.maybeHold(writeHold, blockId);
        return store(blockId, src, srcOffset, length);
    }

    private synchronized long store(final long blockId, final DirectBuffer src, final int srcOffset, final int length)
    {
        checkOpen();
        long start = 0;
        for (final Map.Entry<Long, Integer> extent : extents.entrySet())
        {
            if (extent.getKey() - start >= length)
            {
                break;
            }
            start = extent.getKey() + extent.getValue();
        }
        if (start + length > arena.length)
        {
            return NO_SPACE;
        }
        src.getBytes(srcOffset, arena, (int)start, length);
        extents.put(start, length);
        blockByLocation.put(start, blockId);
        usedBytes += length;
        return start;
    }

    public void read(
        final long blockId, final long location, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        ConcurrentHeapTier.maybeHold(readHold, blockId);
        load(blockId, location, dst, dstOffset, length);
    }

    private synchronized void load(
        final long blockId, final long location, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        check(blockId, location);
        dst.putBytes(dstOffset, arena, (int)location, length);
    }

    public synchronized void free(final long blockId, final long location)
    {
        check(blockId, location);
        usedBytes -= extents.remove(location);
        blockByLocation.remove(location);
    }

    public synchronized long devicePointer(final long blockId, final long location)
    {
        check(blockId, location);
        return BASE + location;
    }

    /**
     * A test "kernel": writes bytes at a device pointer.
     */
    synchronized void kernelWrite(final long pointer, final byte[] bytes)
    {
        System.arraycopy(bytes, 0, arena, (int)(pointer - BASE), bytes.length);
    }

    /**
     * A test "kernel": reads bytes at a device pointer.
     */
    synchronized byte[] kernelRead(final long pointer, final int length)
    {
        final byte[] bytes = new byte[length];
        System.arraycopy(arena, (int)(pointer - BASE), bytes, 0, length);
        return bytes;
    }

    private void check(final long blockId, final long location)
    {
        checkOpen();
        if (!Long.valueOf(blockId).equals(blockByLocation.get(location)))
        {
            throw new IllegalStateException("DEVICE holds no block " + blockId + " at " + location);
        }
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("DEVICE is closed");
        }
    }

    public synchronized void close()
    {
        closed = true;
    }
}
