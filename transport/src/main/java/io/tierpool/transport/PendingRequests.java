/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.NanoClock;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import static io.tierpool.transport.TransportConfiguration.MAX_MESSAGE_HEADER_LENGTH;

/**
 * The receiving half of a {@link BlockClient}'s asynchronous core, as Aeron's archive client has its
 * {@code ControlResponsePoller}: the table of requests waiting for an answer, keyed by correlation id, the response
 * subscription and the claim on polling it, deadlines, and the one place where a request is finished.
 * <p>
 * Threads. The pending table is guarded by a lock held for a few instructions (an insert, a lookup, a removal, or
 * collecting the expired). The subscription is polled by one thread at a time, whoever wins the poll claim (a
 * compare-and-set flag nobody blocks on): the client's receiver agent, or a caller waiting for an answer, or one
 * waiting for a connection or a window slot. The poller owns the {@link ResponseDispatcher} and the expired list.
 * {@link #complete} may be called by any thread; a request is finished once, by whichever thread wins its state.
 */
final class PendingRequests
{
    static final long BUSY_BACKOFF_MIN_NS = TimeUnit.MILLISECONDS.toNanos(10);
    static final long BUSY_BACKOFF_MAX_NS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int FRAGMENT_LIMIT = 16;
    private static final long SWEEP_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final BlockClient.Context ctx;
    private final Subscription responseSubscription;
    private final FragmentAssembler assembler;
    private final NanoClock nanoClock;
    private final ReentrantLock pendingLock = new ReentrantLock();
    private final Long2ObjectHashMap<BlockRequest> pending = new Long2ObjectHashMap<>();
    private final ArrayList<BlockRequest> expired = new ArrayList<>();
    private final AtomicBoolean pollClaim = new AtomicBoolean();
    private final AtomicLong staleResponseCount = new AtomicLong();
    private final AtomicLong busyRetryCount = new AtomicLong();
    private final AtomicLong listenerErrorCount = new AtomicLong();
    private final ClientSecurity security;
    private long nextCorrelationId;
    private long nextSweepNs;
    private volatile boolean closed;

    PendingRequests(final BlockClient.Context ctx, final Subscription responseSubscription)
    {
        this.ctx = ctx;
        this.responseSubscription = responseSubscription;
        this.nanoClock = ctx.nanoClock();
        this.nextCorrelationId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
        final ResponseDispatcher dispatcher = new ResponseDispatcher(this);
        this.security = null == ctx.security() ? null : new ClientSecurity(ctx, this, dispatcher);
        this.assembler = new FragmentAssembler(null == security ? dispatcher : security,
            ctx.chunkLength() + MAX_MESSAGE_HEADER_LENGTH, true);
    }

    /**
     * @return the client's security half, or null when security is off.
     */
    ClientSecurity security()
    {
        return security;
    }

    long refusedResponseCount()
    {
        return null == security ? 0 : security.refusedResponseCount();
    }

    boolean isClosed()
    {
        return closed;
    }

    long staleResponseCount()
    {
        return staleResponseCount.get();
    }

    long busyRetryCount()
    {
        return busyRetryCount.get();
    }

    long listenerErrorCount()
    {
        return listenerErrorCount.get();
    }

    void onListenerError()
    {
        listenerErrorCount.incrementAndGet();
    }

    /**
     * Mark the client closed, take the poll claim for good (waiting out a poll in progress) and fail every request
     * still pending. The subscription is closed by the caller afterwards.
     */
    void close()
    {
        closed = true;
        while (!pollClaim.compareAndSet(false, true))
        {
            Thread.yield();
        }

        final List<BlockRequest> abandoned;
        pendingLock.lock();
        try
        {
            abandoned = new ArrayList<>(pending.values());
            pending.clear();
        }
        finally
        {
            pendingLock.unlock();
        }
        for (final BlockRequest request : abandoned)
        {
            complete(request, closedException(request));
        }
    }

    /**
     * Poll the response subscription if no other thread is, and fail requests past their deadline.
     *
     * @return the work done: fragments read and requests expired; 0 when another thread holds the claim.
     */
    int pollResponses()
    {
        if (!pollClaim.compareAndSet(false, true))
        {
            return 0;
        }
        try
        {
            int workCount = responseSubscription.poll(assembler, FRAGMENT_LIMIT);
            final long nowNs = nanoClock.nanoTime();
            if (nowNs - nextSweepNs >= 0)
            {
                nextSweepNs = nowNs + SWEEP_INTERVAL_NS;
                workCount += expireRequests(nowNs);
            }
            return workCount;
        }
        finally
        {
            pollClaim.set(false);
        }
    }

    void onStaleResponse()
    {
        staleResponseCount.incrementAndGet();
    }

    BlockRequest takePending(final long correlationId)
    {
        pendingLock.lock();
        try
        {
            return pending.remove(correlationId);
        }
        finally
        {
            pendingLock.unlock();
        }
    }

    BlockRequest peekPending(final long correlationId)
    {
        pendingLock.lock();
        try
        {
            return pending.get(correlationId);
        }
        finally
        {
            pendingLock.unlock();
        }
    }

    void removePending(final BlockRequest request)
    {
        pendingLock.lock();
        try
        {
            if (pending.get(request.correlationId) == request)
            {
                pending.remove(request.correlationId);
            }
        }
        finally
        {
            pendingLock.unlock();
        }
    }

    /**
     * Finish a request once: give back its window slot, publish the outcome, wake its waiter, tell its listener.
     *
     * @return false when it was already finished.
     */
    boolean complete(final BlockRequest request, final RuntimeException failure)
    {
        if (!request.beginComplete())
        {
            return false;
        }

        final NodeWindow window = request.window;
        if (null != window)
        {
            request.window = null;
            window.release(request.windowBytes);
        }

        RuntimeException outcome = failure;
        if (null != request.lastBusy && (failure instanceof RequestTimeoutException || isDeadlineExpired(failure)))
        {
            // the node said BUSY before and the resent put ran out of time (no answer in time, or the node got the
            // resend past its deadline and said DEADLINE_EXPIRED): BUSY is the better answer
            request.lastBusy.addSuppressed(failure);
            outcome = request.lastBusy;
        }
        request.endComplete(outcome);

        if (null != request.listener)
        {
            try
            {
                request.listener.onComplete(request);
            }
            catch (final RuntimeException ex)
            {
                listenerErrorCount.incrementAndGet();
            }
        }
        return true;
    }

    private static boolean isDeadlineExpired(final RuntimeException failure)
    {
        return failure instanceof RemoteErrorException &&
            ErrorCode.DEADLINE_EXPIRED == ((RemoteErrorException)failure).code();
    }

    /**
     * A put was answered BUSY: back off and let its waiter resend it, or fail it when its deadline leaves no room.
     */
    void onBusy(final BlockRequest request, final RemoteErrorException busy)
    {
        final long nowNs = nanoClock.nanoTime();
        if (request.deadlineNs - nowNs < request.busyBackoffNs)
        {
            complete(request, busy);
            return;
        }
        request.lastBusy = busy;
        request.retryAtNs = nowNs + request.busyBackoffNs;
        request.busyBackoffNs = Math.min(2 * request.busyBackoffNs, BUSY_BACKOFF_MAX_NS);
        if (request.toBusyWait())
        {
            busyRetryCount.incrementAndGet();
            final Thread waiter = request.waiter;
            if (null != waiter)
            {
                LockSupport.unpark(waiter);
            }
        }
    }

    void extendDeadline(final BlockRequest request, final int length)
    {
        final long allowanceNs = RequestProxy.transferAllowanceNs(ctx, length);
        request.timeoutNs += allowanceNs;
        request.deadlineNs += allowanceNs;
    }

    private int expireRequests(final long nowNs)
    {
        pendingLock.lock();
        try
        {
            if (pending.isEmpty())
            {
                return 0;
            }
            for (final Iterator<BlockRequest> it = pending.values().iterator(); it.hasNext(); )
            {
                final BlockRequest request = it.next();
                if (nowNs - request.deadlineNs > 0)
                {
                    expired.add(request);
                    it.remove();
                }
            }
        }
        finally
        {
            pendingLock.unlock();
        }

        final int count = expired.size();
        for (int i = 0; i < count; i++)
        {
            final BlockRequest request = expired.get(i);
            complete(request, new RequestTimeoutException(request.nodeEndpoint, request.blockId, request.operation,
                request.timeoutNs, BlockRequest.GET.equals(request.operation) && request.totalLength > 0 ?
                "received " + request.received + " of " + request.totalLength + " bytes" :
                BlockRequest.BATCH_PUT.equals(request.operation) ?
                "no answer to a batch of " + request.batchCount + " blocks" : "no answer"));
        }
        expired.clear();
        return count;
    }

    void fail(final BlockRequest request, final RuntimeException failure)
    {
        removePending(request);
        complete(request, failure);
    }

    /**
     * Give the request a fresh correlation id and enter it in the pending table.
     *
     * @return false when the client closed (the request is failed).
     */
    boolean register(final BlockRequest request)
    {
        pendingLock.lock();
        try
        {
            if (!closed)
            {
                request.correlationId = nextCorrelationId++;
                pending.put(request.correlationId, request);
                return true;
            }
        }
        finally
        {
            pendingLock.unlock();
        }
        complete(request, closedException(request));
        return false;
    }

    TransportException closedException(final BlockRequest request)
    {
        return new TransportException(request.operation + " of " +
            TransportException.describeBlock(request.blockId) + " on node " + request.nodeEndpoint +
            " was abandoned: BlockClient " + ctx.clientId() + " closed", request.nodeEndpoint, request.blockId);
    }

}
