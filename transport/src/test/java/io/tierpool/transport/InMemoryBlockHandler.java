/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.client.NodeUsage;

import io.tierpool.client.TierUsage;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link BlockRequestHandler} keeping blocks in heap arrays, with switches to make it refuse or fail.
 */
class InMemoryBlockHandler implements BlockRequestHandler
{
    record Key(long clientId, long blockId, long generation)
    {
    }

    final Map<Key, byte[]> blocks = new ConcurrentHashMap<>();
    volatile ErrorCode refusePutsWith;
    volatile RuntimeException failGetsWith;
    volatile long getDelayMs;
    private final String nodeName;
    private final long capacityBytes;

    InMemoryBlockHandler(final String nodeName, final long capacityBytes)
    {
        this.nodeName = nodeName;
        this.capacityBytes = capacityBytes;
    }

    public void onPut(final long clientId, final long blockId, final long generation, final DirectBuffer src,
        final int srcOffset, final int length)
    {
        final ErrorCode refusal = refusePutsWith;
        if (null != refusal)
        {
            throw new BlockRequestException(refusal, "node " + nodeName + " refuses block " + blockId + " of " +
                length + " bytes: tier RAM is full");
        }

        final byte[] copy = new byte[length];
        src.getBytes(srcOffset, copy);
        blocks.put(new Key(clientId, blockId, generation), copy);
    }

    public int blockLength(final long clientId, final long blockId, final long generation)
    {
        return block(clientId, blockId, generation).length;
    }

    public void onGet(final long clientId, final long blockId, final long generation, final MutableDirectBuffer dst,
        final int dstOffset, final int length)
    {
        final RuntimeException failure = failGetsWith;
        if (null != failure)
        {
            throw failure;
        }

        final long delayMs = getDelayMs;
        if (delayMs > 0)
        {
            try
            {
                Thread.sleep(delayMs);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }

        dst.putBytes(dstOffset, block(clientId, blockId, generation), 0, length);
    }

    public void onFree(final long clientId, final long blockId, final long generation)
    {
        if (null == blocks.remove(new Key(clientId, blockId, generation)))
        {
            throw notFound(blockId);
        }
    }

    public NodeUsage usage()
    {
        long used = 0;
        for (final byte[] block : blocks.values())
        {
            used += block.length;
        }
        return new NodeUsage(nodeName, List.of(
            new TierUsage("RAM", capacityBytes, used, blocks.size()),
            new TierUsage("VSSD", 4 * capacityBytes, 0, 0)));
    }

    private byte[] block(final long clientId, final long blockId, final long generation)
    {
        final byte[] block = blocks.get(new Key(clientId, blockId, generation));
        if (null == block)
        {
            throw notFound(blockId);
        }
        return block;
    }

    private BlockRequestException notFound(final long blockId)
    {
        return new BlockRequestException(ErrorCode.NOT_FOUND, "node " + nodeName + " holds no block " + blockId);
    }
}
