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
    private long generation;
    private int totalLength;
    private int crc32c;
    private long deadlineNs;
    private int received;
    private long lastChunkNs;
    private long lastChunkSequence;
    private OffHeapBuffer buffer;

    void reset(
        final long clientId,
        final long correlationId,
        final long blockId,
        final long generation,
        final int totalLength,
        final int crc32c,
        final long deadlineNs,
        final long nowNs,
        final long sequence,
        final OffHeapBuffer buffer)
    {
        this.clientId = clientId;
        this.correlationId = correlationId;
        this.blockId = blockId;
        this.generation = generation;
        this.totalLength = totalLength;
        this.crc32c = crc32c;
        this.deadlineNs = deadlineNs;
        this.received = 0;
        this.lastChunkNs = nowNs;
        this.lastChunkSequence = sequence;
        this.buffer = buffer;
    }

    boolean matches(final long clientId, final long correlationId)
    {
        return this.clientId == clientId && this.correlationId == correlationId;
    }

    /**
     * @return whether a further chunk with these values belongs to this reassembly.
     */
    boolean isConsistent(final long blockId, final long generation, final int totalLength, final int crc32c)
    {
        return this.blockId == blockId && this.generation == generation && this.totalLength == totalLength && this.crc32c == crc32c;
    }

    long generation()
    {
        return generation;
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

    /**
     * @param length   bytes of the chunk just copied in.
     * @param nowNs    when it arrived, epoch ns.
     * @param sequence the agent's count of accepted chunks, which orders arrivals where the clock ties.
     */
    void addReceived(final int length, final long nowNs, final long sequence)
    {
        received += length;
        lastChunkNs = nowNs;
        lastChunkSequence = sequence;
    }

    /**
     * @return the agent's chunk sequence number at the last chunk: lower is idle longer.
     */
    long lastChunkSequence()
    {
        return lastChunkSequence;
    }

    /**
     * @return when the last chunk arrived (or the first, when none has since), epoch ns.
     */
    long lastChunkNs()
    {
        return lastChunkNs;
    }

    long clientId()
    {
        return clientId;
    }

    long correlationId()
    {
        return correlationId;
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
