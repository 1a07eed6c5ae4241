/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.node.tier.Tier;
import io.tierpool.client.TierKind;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.HashMap;
import java.util.Map;

/**
 * A small tier on the Java heap standing in for an extra tier (it reports itself as REMOTE): stores copies in
 * arrays and records the checksums it was given, as a far-memory tier forwards them.
 */
final class HeapTier implements Tier
{
    final Map<Long, byte[]> bytesByLocation = new HashMap<>();
    final Map<Long, Integer> crcByLocation = new HashMap<>();
    private final Map<Long, Long> blockByLocation = new HashMap<>();
    private final long capacityBytes;
    private long usedBytes;
    private long nextLocation;
    boolean closed;

    HeapTier(final long capacityBytes)
    {
        this.capacityBytes = capacityBytes;
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
        return bytesByLocation.size();
    }

    public long write(final long blockId, final DirectBuffer src, final int srcOffset, final int length, final int crc32c)
    {
        if (closed)
        {
            throw new IllegalStateException("closed");
        }
        if (usedBytes + length > capacityBytes)
        {
            return NO_SPACE;
        }
        final byte[] copy = new byte[length];
        src.getBytes(srcOffset, copy);
        final long location = nextLocation++;
        bytesByLocation.put(location, copy);
        crcByLocation.put(location, crc32c);
        blockByLocation.put(location, blockId);
        usedBytes += length;
        return location;
    }

    public void read(final long blockId, final long location, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        check(blockId, location);
        dst.putBytes(dstOffset, bytesByLocation.get(location), 0, length);
    }

    public void free(final long blockId, final long location)
    {
        check(blockId, location);
        usedBytes -= bytesByLocation.remove(location).length;
        crcByLocation.remove(location);
        blockByLocation.remove(location);
    }

    private void check(final long blockId, final long location)
    {
        if (closed || !Long.valueOf(blockId).equals(blockByLocation.get(location)))
        {
            throw new IllegalStateException("REMOTE holds no block " + blockId + " at " + location);
        }
    }

    public void close()
    {
        closed = true;
    }
}
