/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

/**
 * When a node daemon sends its free far-memory bytes to the cluster: only when they changed enough to matter to
 * placement, instead of every tick. Each publication is one Ignite message to every member, so at {@code n} nodes
 * publishing every second each node receives {@code n} messages a second ({@code n^2} in the cluster: a million
 * a second at 1,000 nodes), nearly all of them repeating a value every receiver already has.
 * <p>
 * {@link #shouldPublish} answers true when
 * <ul>
 *     <li>nothing was published yet;</li>
 *     <li>the free bytes moved by {@link #changeThresholdBytes()} or more from the last value published (placement
 *     weights nodes by free bytes: a difference of 1% of capacity changes a node's share of new blocks by about
 *     1%);</li>
 *     <li>the node became full (0 free) or stopped being full: placement ranks full nodes apart, so this is
 *     published at once whatever the threshold;</li>
 *     <li>or nothing was published for {@link #maxSilenceNs()} (a refresh, so that a value lost by Ignite
 *     messaging, which does not retry, is corrected within that time).</li>
 * </ul>
 * A threshold of 0 and a silence of one tick give the old behaviour: publish every tick. A node that joins learns
 * the others' values at once all the same: its {@link CapacityBoard} asks every member for its last value.
 * <p>
 * Not thread-safe: {@link FreeCapacityPublisher} calls it from its one thread.
 */
public final class CapacityPublicationPolicy
{
    /** Default change that triggers a publication, as a fraction of the node's capacity: 1%. */
    public static final double DEFAULT_CHANGE_THRESHOLD_FRACTION = 0.01;

    /** Default longest time between two publications, ms: 30 s. */
    public static final long DEFAULT_MAX_SILENCE_MS = 30_000;

    private final long changeThresholdBytes;
    private final long maxSilenceNs;
    private long lastFreeBytes = -1;
    private long lastPublishedNs;

    /**
     * @param changeThresholdBytes change of free bytes that triggers a publication, 0 or more (0: every tick).
     * @param maxSilenceNs         longest time between two publications, ns, more than 0.
     * @throws IllegalArgumentException if changeThresholdBytes is negative or maxSilenceNs is not positive.
     */
    public CapacityPublicationPolicy(final long changeThresholdBytes, final long maxSilenceNs)
    {
        if (changeThresholdBytes < 0 || maxSilenceNs <= 0)
        {
            throw new IllegalArgumentException("changeThresholdBytes must be 0 or more and maxSilenceNs more than 0, " +
                "were " + changeThresholdBytes + " and " + maxSilenceNs);
        }
        this.changeThresholdBytes = changeThresholdBytes;
        this.maxSilenceNs = maxSilenceNs;
    }

    /**
     * The default policy for a node of the given capacity: publish on a change of
     * {@link #DEFAULT_CHANGE_THRESHOLD_FRACTION} of it, and at least every {@link #DEFAULT_MAX_SILENCE_MS}.
     *
     * @param capacityBytes the node's far-memory capacity, 0 or more.
     * @return the policy.
     */
    public static CapacityPublicationPolicy forCapacity(final long capacityBytes)
    {
        return new CapacityPublicationPolicy(
            (long)(Math.max(0, capacityBytes) * DEFAULT_CHANGE_THRESHOLD_FRACTION),
            DEFAULT_MAX_SILENCE_MS * 1_000_000L);
    }

    /**
     * The policy a node daemon's configuration asks for ({@code capacity.publish.threshold},
     * {@code capacity.publish.refresh}).
     *
     * @param capacityBytes     the node's far-memory capacity, 0 or more.
     * @param thresholdFraction change that triggers a publication as a fraction of the capacity, in [0, 1]; 0 for
     *                          every tick.
     * @param maxSilenceMs      longest time between two publications, ms, more than 0.
     * @return the policy.
     * @throws IllegalArgumentException if thresholdFraction is outside [0, 1] or maxSilenceMs is not positive.
     */
    public static CapacityPublicationPolicy forCapacity(
        final long capacityBytes, final double thresholdFraction, final long maxSilenceMs)
    {
        if (!(thresholdFraction >= 0 && thresholdFraction <= 1) || maxSilenceMs <= 0)
        {
            throw new IllegalArgumentException("thresholdFraction must be in [0, 1] and maxSilenceMs more than 0, " +
                "were " + thresholdFraction + " and " + maxSilenceMs);
        }
        return new CapacityPublicationPolicy(
            (long)(Math.max(0, capacityBytes) * thresholdFraction), maxSilenceMs * 1_000_000L);
    }

    /**
     * @return change of free bytes that triggers a publication.
     */
    public long changeThresholdBytes()
    {
        return changeThresholdBytes;
    }

    /**
     * @return longest time between two publications, ns.
     */
    public long maxSilenceNs()
    {
        return maxSilenceNs;
    }

    /**
     * @param nowNs     the clock now (any monotonic ns clock, the same on every call).
     * @param freeBytes the node's free bytes now, 0 or more.
     * @return whether to publish {@code freeBytes} now; if it is, call {@link #published} once it was sent.
     */
    public boolean shouldPublish(final long nowNs, final long freeBytes)
    {
        return lastFreeBytes < 0 ||
            Math.abs(freeBytes - lastFreeBytes) >= Math.max(1, changeThresholdBytes) ||
            (freeBytes == 0) != (lastFreeBytes == 0) ||
            nowNs - lastPublishedNs >= maxSilenceNs;
    }

    /**
     * Records a publication.
     *
     * @param nowNs     the clock when it was sent.
     * @param freeBytes the value sent.
     */
    public void published(final long nowNs, final long freeBytes)
    {
        lastFreeBytes = freeBytes;
        lastPublishedNs = nowNs;
    }
}
