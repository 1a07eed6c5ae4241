/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import org.agrona.ExpandableArrayBuffer;

/**
 * A response the {@link BlockServer} agent has yet to deliver: either one encoded message (Ack, Error,
 * UsageResponse) or a block to send as GetResponse chunks from {@link #position()} on. Delivery is retried on
 * every duty cycle while the publication is not connected or back-pressured, until {@link #deadlineNs()}, which
 * moves on while a block transfer makes progress; {@link #lastProgressNs()} lets the agent give up sooner on a
 * publication nobody listens to.
 * Owned by the agent, reused from a free list.
 */
final class PendingResponse
{
    private final ExpandableArrayBuffer message = new ExpandableArrayBuffer(512);
    private int messageLength;
    private ResponsePublication publication;
    private long correlationId;
    private long blockId;
    private long deadlineNs;
    private long lastProgressNs;
    private OffHeapBuffer block;
    private int blockLength;
    private int crc32c;
    private int position;
    private SecureSession session;

    void reset(
        final ResponsePublication publication,
        final long correlationId,
        final long blockId,
        final long deadlineNs,
        final long nowNs)
    {
        this.lastProgressNs = nowNs;
        this.publication = publication;
        this.correlationId = correlationId;
        this.blockId = blockId;
        this.deadlineNs = deadlineNs;
        this.messageLength = 0;
        this.block = null;
        this.blockLength = 0;
        this.crc32c = 0;
        this.position = 0;
    }

    /**
     * @param session the session the response is sealed for, or null for an unsealed response.
     */
    void session(final SecureSession session)
    {
        this.session = session;
    }

    SecureSession session()
    {
        return session;
    }

    void block(final OffHeapBuffer block, final int blockLength, final int crc32c)
    {
        this.block = block;
        this.blockLength = blockLength;
        this.crc32c = crc32c;
    }

    ExpandableArrayBuffer message()
    {
        return message;
    }

    int messageLength()
    {
        return messageLength;
    }

    void messageLength(final int messageLength)
    {
        this.messageLength = messageLength;
    }

    ResponsePublication publication()
    {
        return publication;
    }

    long correlationId()
    {
        return correlationId;
    }

    long blockId()
    {
        return blockId;
    }

    /**
     * @return when the response was produced or last had part of it delivered, epoch ns.
     */
    long lastProgressNs()
    {
        return lastProgressNs;
    }

    /**
     * @param nowNs when part of the response was just delivered, epoch ns.
     */
    void progressed(final long nowNs)
    {
        lastProgressNs = nowNs;
    }

    long deadlineNs()
    {
        return deadlineNs;
    }

    /**
     * Keep trying at least until the given time: called whenever a chunk goes out, so that a large transfer that
     * keeps moving is never cut off by the request's deadline.
     */
    void extendDeadline(final long notBeforeNs)
    {
        if (notBeforeNs - deadlineNs > 0)
        {
            deadlineNs = notBeforeNs;
        }
    }

    boolean isBlock()
    {
        return null != block;
    }

    OffHeapBuffer blockBuffer()
    {
        return block;
    }

    int blockLength()
    {
        return blockLength;
    }

    int crc32c()
    {
        return crc32c;
    }

    int position()
    {
        return position;
    }

    void advance(final int length)
    {
        position += length;
    }

    /**
     * @return the block buffer, no longer held by this response, or null for a message response.
     */
    OffHeapBuffer takeBlock()
    {
        final OffHeapBuffer taken = block;
        block = null;
        publication = null;
        return taken;
    }
}
