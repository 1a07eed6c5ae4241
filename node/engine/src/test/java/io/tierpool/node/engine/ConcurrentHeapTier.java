/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.ChecksumMismatchException;
import io.tierpool.node.tier.Tier;
import io.tierpool.client.TierKind;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;

/**
 * An extra tier on the Java heap that keeps the {@link Tier#concurrentIo()} contract, as far memory does: thread-safe,
 * a fresh location from every write, copies of one block apart by location. Reports itself as REMOTE. A test may
 * hold back the next write, read or free of a chosen block on a latch ({@link #holdNextWrite}, {@link #holdNextRead},
 * {@link #holdNextFree}) and
 * counts every call.
 */
final class ConcurrentHeapTier implements Tier
{
    private final ConcurrentHashMap<Long, byte[]> bytesByLocation = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Long> blockByLocation = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Integer> crcByLocation = new ConcurrentHashMap<>();
    /** Whether the tier says it checks its reads ({@link Tier#verifiesReads()}) and does, as far memory does. */
    volatile boolean verifying;
    /** Says it checks its reads but does not: shows whether the engine took its own pass (tests only). */
    volatile boolean promisesUnchecked;
    private final long capacityBytes;
    private final AtomicLong usedBytes = new AtomicLong();
    private final AtomicLong nextLocation = new AtomicLong();
    final AtomicLong writes = new AtomicLong();
    final AtomicLong reads = new AtomicLong();
    final AtomicLong frees = new AtomicLong();
    /** Names of the threads that wrote to the tier. */
    final java.util.Set<String> writerThreads = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Hold> writeHold = new AtomicReference<>();
    private final AtomicReference<Hold> readHold = new AtomicReference<>();
    private final AtomicReference<Hold> freeHold = new AtomicReference<>();
    private volatile boolean closed;

    /**
     * A call held back: {@link #reached} counts down when the call arrives, the call waits for {@link #release}.
     */
    static final class Hold
    {
        final long blockId;
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        /** The call waited its longest and went on unreleased: whatever the test waited for blocked behind it. */
        volatile boolean expired;

        Hold(final long blockId)
        {
            this.blockId = blockId;
        }

        boolean awaitReached() throws InterruptedException
        {
            return reached.await(10, TimeUnit.SECONDS);
        }

        void release()
        {
            release.countDown();
        }

        void hold()
        {
            reached.countDown();
            try
            {
                if (!release.await(20, TimeUnit.SECONDS))
                {
                    expired = true;
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    ConcurrentHeapTier(final long capacityBytes)
    {
        this.capacityBytes = capacityBytes;
    }

    /**
     * @param blockId the block whose next write (alone or in a batch) waits, or 0 for any block's.
     * @return the hold, to await and release.
     */
    Hold holdNextWrite(final long blockId)
    {
        final Hold hold = new Hold(blockId);
        writeHold.set(hold);
        return hold;
    }

    /**
     * @param blockId the block whose next read waits, or 0 for any block's.
     * @return the hold, to await and release.
     */
    Hold holdNextRead(final long blockId)
    {
        final Hold hold = new Hold(blockId);
        readHold.set(hold);
        return hold;
    }

    /**
     * @param blockId the block whose next free waits, or 0 for any block's.
     * @return the hold, to await and release.
     */
    Hold holdNextFree(final long blockId)
    {
        final Hold hold = new Hold(blockId);
        freeHold.set(hold);
        return hold;
    }

    static void maybeHold(final AtomicReference<Hold> ref, final long blockId)
    {
        final Hold hold = ref.get();
        if (hold != null && (hold.blockId == 0 || hold.blockId == blockId) && ref.compareAndSet(hold, null))
        {
            hold.hold();
        }
    }

    public TierKind kind()
    {
        return TierKind.REMOTE;
    }

    public String name()
    {
        return "REMOTE";
    }

    public long capacityBytes()
    {
        return capacityBytes;
    }

    public long usedBytes()
    {
        return usedBytes.get();
    }

    public long blockCount()
    {
        return bytesByLocation.size();
    }

    public boolean concurrentIo()
    {
        return true;
    }

    public long write(final long blockId, final DirectBuffer src, final int srcOffset, final int length, final int crc32c)
    {
        ensureOpen();
        maybeHold(writeHold, blockId);
        writes.incrementAndGet();
        writerThreads.add(Thread.currentThread().getName());
        long used;
        do
        {
            used = usedBytes.get();
            if (used + length > capacityBytes)
            {
                return NO_SPACE;
            }
        }
        while (!usedBytes.compareAndSet(used, used + length));
        final byte[] copy = new byte[length];
        src.getBytes(srcOffset, copy);
        final long location = nextLocation.getAndIncrement();
        blockByLocation.put(location, blockId);
        crcByLocation.put(location, crc32c);
        bytesByLocation.put(location, copy);
        return location;
    }

    public void read(final long blockId, final long location, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        maybeHold(readHold, blockId);
        reads.incrementAndGet();
        check(blockId, location);
        final byte[] copy = bytesByLocation.get(location);
        if (verifying)
        {
            final CRC32C crc = new CRC32C();
            crc.update(copy, 0, copy.length);
            final int written = crcByLocation.get(location);
            if ((int)crc.getValue() != written)
            {
                throw new ChecksumMismatchException(blockId, name(), "heap", written, (int)crc.getValue());
            }
        }
        dst.putBytes(dstOffset, copy, 0, length);
    }

    public boolean verifiesReads()
    {
        return verifying || promisesUnchecked;
    }

    /**
     * Flips one bit of every copy of a block held here (damage at rest; flipping again repairs it).
     *
     * @param blockId the block.
     * @return how many copies were changed.
     */
    int flipBit(final long blockId)
    {
        int changed = 0;
        for (final java.util.Map.Entry<Long, Long> entry : blockByLocation.entrySet())
        {
            if (entry.getValue() == blockId)
            {
                bytesByLocation.get(entry.getKey())[0] ^= 0x10;
                changed++;
            }
        }
        return changed;
    }

    public void free(final long blockId, final long location)
    {
        maybeHold(freeHold, blockId);
        check(blockId, location);
        frees.incrementAndGet();
        blockByLocation.remove(location);
        crcByLocation.remove(location);
        usedBytes.addAndGet(-bytesByLocation.remove(location).length);
    }

    private void check(final long blockId, final long location)
    {
        ensureOpen();
        if (!Long.valueOf(blockId).equals(blockByLocation.get(location)))
        {
            throw new IllegalStateException("REMOTE holds no block " + blockId + " at " + location);
        }
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("REMOTE tier closed");
        }
    }

    public void close()
    {
        closed = true;
        bytesByLocation.clear();
        blockByLocation.clear();
        usedBytes.set(0);
    }
}
