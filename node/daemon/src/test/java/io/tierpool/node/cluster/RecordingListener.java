/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Records membership callbacks as strings: {@code joined:<name>}, {@code left:<name>:<failed>},
 * {@code clientLeft:<id>:<failed>}, {@code disconnected}.
 */
final class RecordingListener implements MembershipListener
{
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    public void onNodeJoined(final NodeInfo node)
    {
        events.add("joined:" + node.nodeName());
    }

    public void onNodeLeft(final NodeInfo node, final boolean failed)
    {
        events.add("left:" + node.nodeName() + ":" + failed);
    }

    public void onClientLeft(final long clientId, final boolean failed)
    {
        events.add("clientLeft:" + clientId + ":" + failed);
    }

    public void onDisconnected(final String reason)
    {
        events.add("disconnected");
    }

    /**
     * Wait for an event, skipping others.
     *
     * @param expected  the event.
     * @param timeoutMs how long to wait.
     * @return milliseconds it took.
     */
    long await(final String expected, final long timeoutMs) throws InterruptedException
    {
        final long startNs = System.nanoTime();
        final long deadlineNs = startNs + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final long remainingNs = deadlineNs - System.nanoTime();
            final String event = events.poll(Math.max(0, remainingNs), TimeUnit.NANOSECONDS);
            if (null == event)
            {
                fail("no '" + expected + "' within " + timeoutMs + " ms; still queued: " + events);
            }
            if (expected.equals(event))
            {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            }
        }
    }
}
