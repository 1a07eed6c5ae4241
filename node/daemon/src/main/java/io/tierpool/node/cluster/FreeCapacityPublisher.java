/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import org.agrona.ErrorHandler;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Publishes a node daemon's free far-memory bytes through its {@link NodeMembership}: once when started, then
 * looks at them every {@code intervalMs} on a daemon thread of its own and publishes when its
 * {@link CapacityPublicationPolicy} says so (by default on a change of 1% of capacity, when the node fills up or
 * stops being full, and at least every 30 s; see docs/SCALE.md for why not every second). A node that joins asks
 * the others for their last values ({@link CapacityBoard}), so it need not wait for the next publication.
 * Errors (a failing supplier, Ignite unable to send) go to the error handler and the next round tries again.
 * <p>
 * Owns its thread; {@link #close()} stops it and waits for it, idempotently.
 */
public final class FreeCapacityPublisher implements AutoCloseable
{
    /** Default interval between publications: 1 s. */
    public static final long DEFAULT_INTERVAL_MS = 1_000;

    private final NodeMembership membership;
    private final CapacityPublicationPolicy policy;
    private final LongSupplier freeBytes;
    private final long intervalMs;
    private final ErrorHandler errorHandler;
    private final LongConsumer onPublished;
    private final Thread thread;
    private volatile boolean running = true;

    private FreeCapacityPublisher(
        final NodeMembership membership,
        final CapacityPublicationPolicy policy,
        final LongSupplier freeBytes,
        final long intervalMs,
        final ErrorHandler errorHandler,
        final LongConsumer onPublished)
    {
        this.onPublished = onPublished;
        this.membership = membership;
        this.policy = policy;
        this.freeBytes = freeBytes;
        this.intervalMs = intervalMs;
        this.errorHandler = errorHandler;
        this.thread = new Thread(this::run, "tierpool-capacity-" + membership.localNode().nodeName());
        this.thread.setDaemon(true);
    }

    /**
     * Publish {@code freeBytes.getAsLong()} now (on the calling thread, so it has been sent when this returns),
     * then every {@code intervalMs}.
     *
     * @param membership   where to publish; owned by the caller, to be closed after this publisher.
     * @param freeBytes    the node's free bytes now, 0 or more (negative values are published as 0); called from
     *                     the publisher's thread.
     * @param intervalMs   milliseconds between publications, 10 or more.
     * @param errorHandler told of every failed publication.
     * @return the running publisher.
     * @throws IllegalArgumentException if intervalMs is below 10.
     */
    public static FreeCapacityPublisher start(
        final NodeMembership membership,
        final LongSupplier freeBytes,
        final long intervalMs,
        final ErrorHandler errorHandler)
    {
        return start(membership, new CapacityPublicationPolicy(0, TimeUnit.MILLISECONDS.toNanos(intervalMs)),
            freeBytes, intervalMs, errorHandler);
    }

    /**
     * As {@link #start(NodeMembership, CapacityPublicationPolicy, LongSupplier, long, ErrorHandler, LongConsumer)}
     * with no one told of publications.
     */
    /**
     * Publish {@code freeBytes.getAsLong()} now (on the calling thread, so it has been sent when this returns),
     * then look every {@code intervalMs} and publish when {@code policy} says so.
     *
     * @param membership   where to publish; owned by the caller, to be closed after this publisher.
     * @param policy       when to publish; owned by this publisher from now on.
     * @param freeBytes    the node's free bytes now, 0 or more (negative values are published as 0); called from
     *                     the publisher's thread.
     * @param intervalMs   milliseconds between looks, 10 or more.
     * @param errorHandler told of every failed publication.
     * @return the running publisher.
     * @throws IllegalArgumentException if intervalMs is below 10.
     */
    public static FreeCapacityPublisher start(
        final NodeMembership membership,
        final CapacityPublicationPolicy policy,
        final LongSupplier freeBytes,
        final long intervalMs,
        final ErrorHandler errorHandler)
    {
        return start(membership, policy, freeBytes, intervalMs, errorHandler, (free) -> { });
    }

    /**
     * Publish now, then whenever the policy says so, checking every {@code intervalMs}.
     *
     * @param membership   the node's membership, which sends.
     * @param policy       decides when to publish; used by the publisher's thread only from now on.
     * @param freeBytes    reads the node's free bytes now; called once per check.
     * @param intervalMs   ms between two checks, 10 or more.
     * @param errorHandler told of every failed check or publication.
     * @param onPublished  told each value once it was published, on the publisher's thread (the node daemon
     *                     answers its thin clients with its own last published value).
     * @return the running publisher, to be closed by the caller.
     * @throws NullPointerException     if an argument is null.
     * @throws IllegalArgumentException if intervalMs is below 10.
     */
    public static FreeCapacityPublisher start(
        final NodeMembership membership,
        final CapacityPublicationPolicy policy,
        final LongSupplier freeBytes,
        final long intervalMs,
        final ErrorHandler errorHandler,
        final LongConsumer onPublished)
    {
        Objects.requireNonNull(onPublished, "onPublished");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(membership, "membership");
        Objects.requireNonNull(freeBytes, "freeBytes");
        Objects.requireNonNull(errorHandler, "errorHandler");
        if (intervalMs < 10)
        {
            throw new IllegalArgumentException("intervalMs must be 10 or more, was " + intervalMs + " for node " +
                membership.localNode().nodeName());
        }

        final FreeCapacityPublisher publisher =
            new FreeCapacityPublisher(membership, policy, freeBytes, intervalMs, errorHandler, onPublished);
        publisher.publishOnce();
        publisher.thread.start();
        return publisher;
    }

    /**
     * Stop publishing and wait for the thread to end. Idempotent.
     */
    public void close()
    {
        running = false;
        thread.interrupt();
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void run()
    {
        while (running)
        {
            try
            {
                Thread.sleep(intervalMs);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            if (running)
            {
                publishOnce();
            }
        }
    }

    private void publishOnce()
    {
        try
        {
            final long free = Math.max(0, freeBytes.getAsLong());
            final long nowNs = System.nanoTime();
            if (policy.shouldPublish(nowNs, free))
            {
                membership.publishFreeBytes(free);
                policy.published(nowNs, free);
                onPublished.accept(free);
            }
        }
        catch (final Throwable ex)
        {
            if (running)
            {
                errorHandler.onError(ex);
            }
        }
    }
}
