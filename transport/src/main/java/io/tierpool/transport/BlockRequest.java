/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.client.NodeUsage;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One request a {@link BlockClient} has sent and not yet finished with: a put, a get, a free, a usage report or one
 * message of a batch put. Returned by the client's {@code sendXxx} methods; {@link #await()} waits for its answer.
 * <p>
 * States, written down as Aeron's publications name theirs:
 * <pre>
 *                 answer / error / deadline / close
 *   IN_FLIGHT ----------------------------------------+--> COMPLETING --> DONE | FAILED
 *     |   ^  \                                         |
 *     |   |   +--(get chunk: the poller copies)--> RECEIVING --(copied)--> IN_FLIGHT
 *     |   |
 *     |   +--(waiter resends under a new correlation id)
 *     v   |
 *   BUSY_WAIT  (the node answered BUSY to a put: waits its back-off, keeps its window slot)
 * </pre>
 * Only one thread moves a request out of IN_FLIGHT at a time (a compare-and-set on the state), so completion, and
 * with it the release of the node's window slot, happens exactly once. A request that is COMPLETING or RECEIVING
 * is waited for with a spin (the poller's copy of one chunk); the poller itself ends its RECEIVING before it
 * completes a request.
 * <p>
 * Ownership: the buffers a request names (a put's source, a get's destination) belong to the request until it is
 * done: the caller must not change or reuse them before {@link #isDone()} is true. The fields below are written by
 * the sending thread before the request is registered (which publishes them to the poller through the pending
 * table's lock), by the thread that holds the poll claim while the request is IN_FLIGHT or RECEIVING, and by the
 * completing thread before its volatile write of DONE or FAILED.
 */
public final class BlockRequest
{
    /**
     * Told once when a request is done, on the thread that finished it (often the client's receiver thread):
     * keep it quick, do no network I/O in it and do not throw.
     */
    @FunctionalInterface
    public interface Listener
    {
        /**
         * @param request the request, done; {@link BlockRequest#failure()} says whether it failed.
         */
        void onComplete(BlockRequest request);
    }

    static final int IN_FLIGHT = 0;
    static final int RECEIVING = 1;
    static final int BUSY_WAIT = 2;
    static final int COMPLETING = 3;
    static final int DONE = 4;
    static final int FAILED = 5;

    static final String PUT = "put";
    static final String GET = "get";
    static final String FREE = "free";
    static final String USAGE = "usage";
    static final String BATCH_PUT = "batch put";
    static final String MEMBERSHIP = "membership";
    static final String LEAVE = "leave";

    private static final VarHandle STATE;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(BlockRequest.class, "state", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    final BlockClient client;
    final String operation;
    final String nodeEndpoint;
    final long blockId;
    final long generation;
    final int windowBytes;
    final Listener listener;

    NodeWindow window;
    long correlationId;
    long deadlineNs;
    long timeoutNs;
    long deadlineEpochNs;
    RuntimeException failure;
    volatile Thread waiter;

    DirectBuffer src;
    int srcOffset;
    int length;
    int crc32c;
    long busyBackoffNs;
    long retryAtNs;
    RemoteErrorException lastBusy;

    MutableDirectBuffer dst;
    int dstOffset;
    /** Whether a get also checks the block against {@link #expectedCrc32c}, the checksum it was written with. */
    boolean expectsCrc32c;
    int expectedCrc32c;
    int maxLength;
    int totalLength = -1;
    int received;

    NodeUsage usage;

    long leaseTimeoutMs;
    MembershipQuery membershipQuery = MembershipQuery.FULL;
    MembershipSnapshot membership;

    int batchFirst;
    int batchCount;
    long[] batchBlockIds;
    long[] batchGenerations;
    int[] batchSrcOffsets;
    int[] batchLengths;
    int[] batchCrc32cs;
    TransportException[] batchOutcomes;

    @SuppressWarnings("unused")
    private volatile int state = IN_FLIGHT;

    BlockRequest(
        final BlockClient client,
        final String operation,
        final String nodeEndpoint,
        final long blockId,
        final long generation,
        final int windowBytes,
        final Listener listener)
    {
        this.client = client;
        this.operation = operation;
        this.nodeEndpoint = nodeEndpoint;
        this.blockId = blockId;
        this.generation = generation;
        this.windowBytes = windowBytes;
        this.listener = listener;
    }

    /**
     * @return {@code put}, {@code get}, {@code free}, {@code usage}, {@code batch put}, {@code membership} or
     * {@code leave}.
     */
    public String operation()
    {
        return operation;
    }

    /**
     * @return the node's {@code host:port}.
     */
    public String nodeEndpoint()
    {
        return nodeEndpoint;
    }

    /**
     * @return the block, or {@link TransportConfiguration#NULL_BLOCK_ID} for a usage report, a batch, a membership
     * request or a leave.
     */
    public long blockId()
    {
        return blockId;
    }

    /**
     * @return which copy of the block the request names (0 for requests without one).
     */
    public long generation()
    {
        return generation;
    }

    /**
     * @return whether the request has finished, successfully or not. Safe from any thread.
     */
    public boolean isDone()
    {
        final int s = state;
        return DONE == s || FAILED == s;
    }

    /**
     * @return the reason the request failed, or null while it is not done or when it succeeded. Safe from any
     * thread once {@link #isDone()} is true.
     */
    public RuntimeException failure()
    {
        return FAILED == state ? failure : null;
    }

    /**
     * @return for a finished get, the block's length in bytes (the bytes are in the destination); -1 before.
     */
    public int blockLength()
    {
        return DONE == state ? totalLength : -1;
    }

    /**
     * @return for a finished usage request, the node's usage; null before.
     */
    public NodeUsage usage()
    {
        return DONE == state ? usage : null;
    }

    /**
     * @return for a finished membership request, what the node answered; null before.
     */
    public MembershipSnapshot membership()
    {
        return DONE == state ? membership : null;
    }

    /**
     * Wait until the request is done, polling the client's responses while no other thread does, resending a put
     * the node answered with {@link ErrorCode#BUSY} once its back-off has passed, and checking a get's CRC-32C.
     * Any thread may wait; a put should be waited for by one thread (the resend uses its source buffer).
     *
     * @throws RequestTimeoutException   when no answer came before the request's deadline.
     * @throws NodeUnreachableException  when the node could not be connected to.
     * @throws RemoteErrorException      when the node refused (BUSY past the deadline included).
     * @throws TransferChecksumException when a get's block arrived damaged.
     * @throws IllegalArgumentException  when a get's block is longer than its destination allowed.
     * @throws TransportException        when the connection broke, the node answered inconsistently, the waiting
     *                                   thread was interrupted (its interrupt flag stays set) or the client closed.
     */
    public void await()
    {
        client.await(this);
    }

    public String toString()
    {
        return operation + " of " + TransportException.describeBlock(blockId) + " (generation " + generation +
            ") on node " + nodeEndpoint + " [correlation " + correlationId + ", state " + state + "]";
    }

    int state()
    {
        return state;
    }

    /**
     * The poller takes the request to copy a chunk into it.
     */
    boolean beginReceive()
    {
        return STATE.compareAndSet(this, IN_FLIGHT, RECEIVING);
    }

    void endReceive()
    {
        state = IN_FLIGHT;
    }

    boolean toBusyWait()
    {
        return STATE.compareAndSet(this, IN_FLIGHT, BUSY_WAIT);
    }

    boolean fromBusyWait()
    {
        return STATE.compareAndSet(this, BUSY_WAIT, IN_FLIGHT);
    }

    /**
     * Move to COMPLETING from any unfinished state, waiting out a chunk copy in progress.
     *
     * @return false when another thread finished the request first.
     */
    boolean beginComplete()
    {
        while (true)
        {
            final int s = state;
            if (COMPLETING == s || DONE == s || FAILED == s)
            {
                return false;
            }
            if (RECEIVING == s)
            {
                Thread.onSpinWait();
                continue;
            }
            if (STATE.compareAndSet(this, s, COMPLETING))
            {
                return true;
            }
        }
    }

    void endComplete(final RuntimeException failure)
    {
        this.failure = failure;
        state = null == failure ? DONE : FAILED;
        final Thread thread = waiter;
        if (null != thread)
        {
            LockSupport.unpark(thread);
        }
    }
}
