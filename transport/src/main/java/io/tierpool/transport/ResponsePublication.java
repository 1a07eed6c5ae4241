/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.aeron.ExclusivePublication;
import org.agrona.CloseHelper;

import java.util.Arrays;

/**
 * A node's publication to one client's response channel and stream, cached by the {@link BlockServer} agent,
 * which owns and closes it. The channel is kept as UTF-8 bytes so that requests can be matched to it without
 * decoding a string.
 */
final class ResponsePublication implements AutoCloseable
{
    private final byte[] channelBytes;
    private final String channel;
    private final int streamId;
    private final ExclusivePublication publication;
    private final int chunkLength;
    private long lastActivityNs;
    private int pendingResponses;

    ResponsePublication(
        final byte[] channelBytes,
        final String channel,
        final int streamId,
        final ExclusivePublication publication,
        final int chunkLength,
        final long nowNs)
    {
        this.channelBytes = channelBytes;
        this.channel = channel;
        this.streamId = streamId;
        this.publication = publication;
        this.chunkLength = chunkLength;
        this.lastActivityNs = nowNs;
    }

    boolean matches(final byte[] bytes, final int length, final int streamId)
    {
        return this.streamId == streamId && channelBytes.length == length &&
            Arrays.equals(channelBytes, 0, length, bytes, 0, length);
    }

    String channel()
    {
        return channel;
    }

    ExclusivePublication publication()
    {
        return publication;
    }

    /**
     * @return payload bytes per get-response chunk on this publication.
     */
    int chunkLength()
    {
        return chunkLength;
    }

    long lastActivityNs()
    {
        return lastActivityNs;
    }

    void lastActivityNs(final long nowNs)
    {
        lastActivityNs = nowNs;
    }

    int pendingResponses()
    {
        return pendingResponses;
    }

    void incrementPending()
    {
        pendingResponses++;
    }

    void decrementPending()
    {
        pendingResponses--;
    }

    public void close()
    {
        CloseHelper.close(publication);
    }
}
