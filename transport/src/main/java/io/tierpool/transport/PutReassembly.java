/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

/**
 * The chunks of one put received so far, keyed by (clientId, correlationId). Chunks must arrive in order: the next
 * chunk's offset must equal {@link #received()}. Owned by the {@link BlockServer} agent, reused from a free list.
 */
final class PutReassembly
{
    private long clientId;
    private long correlationId;
    private long blockId;
    private int totalLength;
    private int crc32c;
    private long deadlineNs;
    private int received;
    private OffHeapBuffer buffer;

    void reset(
        final long clientId,
        final long correlationId,
        final long blockId,
        final int totalLength,
        final int crc32c,
        final long deadlineNs,
        final OffHeapBuffer buffer)
    {
        this.clientId = clientId;
        this.correlationId = correlationId;
        this.blockId = blockId;
        this.totalLength = totalLength;
        this.crc32c = crc32c;
        this.deadlineNs = deadlineNs;
        this.received = 0;
        this.buffer = buffer;
    }

    boolean matches(final long clientId, final long correlationId)
    {
        return this.clientId == clientId && this.correlationId == correlationId;
    }

    /**
     * @return whether a further chunk with these values belongs to this reassembly.
     */
    boolean isConsistent(final long blockId, final int totalLength, final int crc32c)
    {
        return this.blockId == blockId && this.totalLength == totalLength && this.crc32c == crc32c;
    }

    long blockId()
    {
        return blockId;
    }

    int totalLength()
    {
        return totalLength;
    }

    int crc32c()
    {
        return crc32c;
    }

    long deadlineNs()
    {
        return deadlineNs;
    }

    int received()
    {
        return received;
    }

    void addReceived(final int length)
    {
        received += length;
    }

    boolean isComplete()
    {
        return received == totalLength;
    }

    OffHeapBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the buffer, no longer held by this reassembly.
     */
    OffHeapBuffer takeBuffer()
    {
        final OffHeapBuffer taken = buffer;
        buffer = null;
        return taken;
    }
}
