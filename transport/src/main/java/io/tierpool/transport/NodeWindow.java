/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.aeron.Publication;

/**
 * A {@link BlockClient}'s link to one node: the concurrent publication its requests go out on, and the window that
 * bounds what is in flight to the node, counted in requests and in bytes of block data.
 * <p>
 * A request takes a slot before it is sent and gives it back once done. It is let in while fewer than
 * {@code maxRequests} are in flight and its bytes fit under {@code maxBytes}; a request larger than
 * {@code maxBytes} on its own is let in when nothing else is in flight, so that it is never refused for its size.
 * <p>
 * Thread-safety: the counters are guarded by this object's monitor, held for a few instructions; the publication
 * is Aeron's concurrent {@link Publication}, which any thread may offer to.
 */
final class NodeWindow
{
    final String endpoint;
    final Publication publication;
    private final int maxRequests;
    private final long maxBytes;
    private int requests;
    private long bytes;
    private int peakRequests;
    private long peakBytes;

    NodeWindow(final String endpoint, final Publication publication, final int maxRequests, final long maxBytes)
    {
        this.endpoint = endpoint;
        this.publication = publication;
        this.maxRequests = maxRequests;
        this.maxBytes = maxBytes;
    }

    /**
     * @param length bytes of block data the request moves.
     * @return whether the request may go now; if so its slot is taken.
     */
    synchronized boolean tryAcquire(final int length)
    {
        if (requests >= maxRequests || (requests > 0 && bytes + length > maxBytes))
        {
            return false;
        }
        requests++;
        bytes += length;
        peakRequests = Math.max(peakRequests, requests);
        peakBytes = Math.max(peakBytes, bytes);
        return true;
    }

    synchronized void release(final int length)
    {
        requests--;
        bytes -= length;
    }

    synchronized int requests()
    {
        return requests;
    }

    synchronized long bytes()
    {
        return bytes;
    }

    synchronized int peakRequests()
    {
        return peakRequests;
    }

    synchronized long peakBytes()
    {
        return peakBytes;
    }
}
