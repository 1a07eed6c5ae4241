/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.TierKind;
import io.tierpool.node.tier.Tier;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An extra tier on the Java heap that uses all the room the {@link Tier} contract leaves a tier that is not
 * {@link Tier#concurrentIo() concurrent}: it keys copies by block id (one copy per block; the location it returns is
 * only checked), and it is not thread-safe. It counts as a violation, and refuses, every call that the contract rules
 * out: a call made while another is in flight, a second copy of a block written while it holds one, a read or free
 * naming a copy that is not the block's copy there. Reports itself as REMOTE. A test may hold back the next write or
 * read of a chosen block on a latch ({@link #holdNextWrite}, {@link #holdNextRead}), inside the call.
 */
final class KeyedHeapTier implements Tier
{
    private final Map<Long, byte[]> bytesById = new HashMap<>();
    private final Map<Long, Long> locationById = new HashMap<>();
    private final long capacityBytes;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<ConcurrentHeapTier.Hold> writeHold = new AtomicReference<>();
    private final AtomicReference<ConcurrentHeapTier.Hold> readHold = new AtomicReference<>();
    /** Calls the contract rules out, with what was wrong in the first. */
    final AtomicInteger violations = new AtomicInteger();
    final AtomicReference<String> firstViolation = new AtomicReference<>();
    private volatile long usedBytes;
    private volatile int blocks;
    private long nextLocation;

    KeyedHeapTier(final long capacityBytes)
    {
        this.capacityBytes = capacityBytes;
    }

    ConcurrentHeapTier.Hold holdNextWrite(final long blockId)
    {
        final ConcurrentHeapTier.Hold hold = new ConcurrentHeapTier.Hold(blockId);
        writeHold.set(hold);
        return hold;
    }

    ConcurrentHeapTier.Hold holdNextRead(final long blockId)
    {
        final ConcurrentHeapTier.Hold hold = new ConcurrentHeapTier.Hold(blockId);
        readHold.set(hold);
        return hold;
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
        return usedBytes;
    }

    public long blockCount()
    {
        return blocks;
    }

    public long write(
        final long blockId, final DirectBuffer src, final int srcOffset, final int length, final int crc32c)
    {
        enter("write", blockId);
        try
        {
            ConcurrentHeapTier.maybeHold(writeHold, blockId);
            if (bytesById.containsKey(blockId))
            {
                throw violation("a second copy of block " + blockId + " written while the tier holds one");
            }
            if (usedBytes + length > capacityBytes)
            {
                return NO_SPACE;
            }
            final byte[] copy = new byte[length];
            src.getBytes(srcOffset, copy);
            final long location = nextLocation++;
            bytesById.put(blockId, copy);
            locationById.put(blockId, location);
            usedBytes += length;
            blocks = bytesById.size();
            return location;
        }
        finally
        {
            inFlight.decrementAndGet();
        }
    }

    public void read(
        final long blockId, final long location, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        enter("read", blockId);
        try
        {
            ConcurrentHeapTier.maybeHold(readHold, blockId);
            check("read", blockId, location);
            dst.putBytes(dstOffset, bytesById.get(blockId), 0, length);
        }
        finally
        {
            inFlight.decrementAndGet();
        }
    }

    public void free(final long blockId, final long location)
    {
        enter("free", blockId);
        try
        {
            check("free", blockId, location);
            usedBytes -= bytesById.remove(blockId).length;
            locationById.remove(blockId);
            blocks = bytesById.size();
        }
        finally
        {
            inFlight.decrementAndGet();
        }
    }

    private void enter(final String call, final long blockId)
    {
        if (inFlight.incrementAndGet() > 1)
        {
            inFlight.decrementAndGet();
            throw violation(call + " of block " + blockId + " while another call is in flight");
        }
    }

    private void check(final String call, final long blockId, final long location)
    {
        final Long held = locationById.get(blockId);
        if (held == null || held != location)
        {
            throw violation(call + " of block " + blockId + " at " + location + ", but its copy here is at " + held);
        }
    }

    private IllegalStateException violation(final String what)
    {
        violations.incrementAndGet();
        firstViolation.compareAndSet(null, what);
        return new IllegalStateException("contract violation: " + what);
    }

    public void close()
    {
    }
}
