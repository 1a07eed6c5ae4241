/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.far;

import io.tierpool.client.NodeView;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One node daemon as the far-memory tier sees it: its identity, whether discovery still lists it, and what this
 * client holds there. The copy counts ({@link #blocks}, {@link #bytes}) and {@link #live} change only under the
 * {@link RemoteTier}'s lock; the traffic counters are updated from any thread.
 */
final class RemoteNode
{
    final int index;
    final NodeView info;
    final long key;
    final AtomicLong blocks = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong puts = new AtomicLong();
    final AtomicLong gets = new AtomicLong();
    final AtomicLong frees = new AtomicLong();
    final AtomicLong unreachable = new AtomicLong();
    final AtomicLong refusedNoSpace = new AtomicLong();
    volatile boolean live = true;
    /** Free bytes the node last published, or -1 while none is known. */
    volatile long freeBytes = -1;
    /** Whether a request to the node timed out or could not reach it lately; see {@link #isSuspect(long)}. */
    private volatile boolean suspect;
    /** {@link System#nanoTime()} until which the node is suspect, meaningful while {@link #suspect} is set. */
    private volatile long suspectUntilNs;

    RemoteNode(final int index, final NodeView info)
    {
        this.index = index;
        this.info = info;
        this.key = RendezvousPlacement.key(
            info.nodeId().getMostSignificantBits(), info.nodeId().getLeastSignificantBits());
    }

    void addCopy(final long length)
    {
        blocks.incrementAndGet();
        bytes.addAndGet(length);
    }

    void removeCopy(final long length)
    {
        blocks.decrementAndGet();
        bytes.addAndGet(-length);
    }

    /**
     * @return the rendezvous weight: the free bytes last published, else the capacity advertised at join; at
     * least 1. A node that published 0 free is ranked apart by {@link #isFull()}.
     */
    double weight()
    {
        return RendezvousPlacement.weight(freeBytes, info.capacityBytes());
    }

    /**
     * @return whether the node last published 0 free bytes.
     */
    boolean isFull()
    {
        return freeBytes == 0;
    }

    /**
     * Marks the node suspect: a request to it timed out or could not reach it.
     *
     * @param nowNs    {@link System#nanoTime()} now.
     * @param periodNs how long the node stays suspect unless a request to it succeeds, ns.
     */
    void suspect(final long nowNs, final long periodNs)
    {
        suspectUntilNs = nowNs + periodNs;
        suspect = true;
    }

    /**
     * Clears the suspicion: a request to the node was answered.
     */
    void answered()
    {
        if (suspect)
        {
            suspect = false;
        }
    }

    /**
     * @param nowNs {@link System#nanoTime()} now.
     * @return whether the node is suspect now: a request to it failed without an answer less than the suspect
     * period ago, and none was answered since.
     */
    boolean isSuspect(final long nowNs)
    {
        return suspect && nowNs - suspectUntilNs < 0;
    }

    String describe()
    {
        return info.nodeName() + " (" + info.endpoint() + ")";
    }

    public String toString()
    {
        return describe();
    }
}
