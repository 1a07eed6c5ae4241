/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.tierpool.client.ConfigurationException;
import io.tierpool.transport.codecs.FreeRequestEncoder;
import io.tierpool.transport.codecs.GetRequestEncoder;
import io.tierpool.transport.codecs.MessageHeaderEncoder;
import io.tierpool.transport.codecs.PutBatchRequestEncoder;
import io.tierpool.transport.codecs.PutRequestEncoder;
import io.tierpool.transport.codecs.UsageRequestEncoder;
import io.tierpool.transport.codecs.MembershipRequestEncoder;
import io.tierpool.transport.codecs.LeaveRequestEncoder;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import static io.tierpool.transport.TransportConfiguration.*;

/**
 * The sending half of a {@link BlockClient}'s asynchronous core, as Aeron's archive client has its
 * {@code ArchiveProxy}: connects to nodes, takes window slots, registers requests with {@link PendingRequests} and
 * encodes and offers their messages on the calling thread.
 * <p>
 * Threads. Any number of threads send at once: each encodes into its own {@link Sender} (one per thread, shared
 * by all clients, so that no thread's entry keeps a closed client reachable) and offers to the node's concurrent
 * {@link Publication}. The node table is a concurrent map; a node's window is guarded by its own monitor for a few
 * instructions. No lock is held while offering; a thread that must wait (connection, window, back pressure)
 * polls the responses when it can take the poll claim, so that the answers that free its way arrive.
 */
final class RequestProxy
{
    static final int BATCH_ENTRY_LENGTH = PutBatchRequestEncoder.BlocksEncoder.sbeBlockLength();
    private static final ThreadLocal<Sender> SENDERS = ThreadLocal.withInitial(Sender::new);

    private final BlockClient.Context ctx;
    private final Aeron aeron;
    private final PendingRequests pending;
    private final byte[] responseChannelBytes;
    private final NanoClock nanoClock;
    private final EpochNanoClock epochNanoClock;
    private final ConcurrentHashMap<String, NodeWindow> windows = new ConcurrentHashMap<>();
    private final ClientSecurity security;

    RequestProxy(final BlockClient.Context ctx, final PendingRequests pending, final byte[] responseChannelBytes)
    {
        this.ctx = ctx;
        this.aeron = ctx.aeron();
        this.pending = pending;
        this.responseChannelBytes = responseChannelBytes;
        this.nanoClock = ctx.nanoClock();
        this.epochNanoClock = ctx.epochNanoClock();
        this.security = pending.security();
        if (null != security)
        {
            security.responseChannel(responseChannelBytes);
        }
    }

    /**
     * @return the calling thread's encoders, checksum calculator and idle strategy.
     */
    static Sender sender()
    {
        return SENDERS.get();
    }

    NodeWindow window(final String nodeEndpoint)
    {
        return windows.get(nodeEndpoint);
    }

    void disconnect(final String nodeEndpoint)
    {
        final NodeWindow window = windows.remove(nodeEndpoint);
        if (null != window)
        {
            CloseHelper.close(window.publication);
        }
    }

    /**
     * Close every publication to nodes; called once the client is closed.
     */
    void close()
    {
        final List<AutoCloseable> closeables = new ArrayList<>();
        for (final NodeWindow window : windows.values())
        {
            closeables.add(window.publication);
        }
        windows.clear();
        CloseHelper.closeAll(closeables);
    }

    /**
     * Connect, start the request's clock, take a window slot and register the request.
     *
     * @return false when the request failed on the way (and is done).
     */
    boolean begin(final BlockRequest request, final int allowanceBytes)
    {
        if (pending.isClosed())
        {
            throw new IllegalStateException(request.operation + " of " +
                TransportException.describeBlock(request.blockId) + " on node " + request.nodeEndpoint +
                ": BlockClient " + ctx.clientId() + " is closed");
        }

        final NodeWindow window;
        try
        {
            window = window(request);
        }
        catch (final TransportException ex)
        {
            pending.complete(request, ex);
            return false;
        }

        final Sender sender = SENDERS.get();
        final IdleStrategy idle = sender.idle;
        if (!window.publication.isConnected())
        {
            final long connectDeadlineNs = nanoClock.nanoTime() + ctx.connectTimeoutNs();
            idle.reset();
            while (!window.publication.isConnected())
            {
                if (isInterrupted(request) || isClosed(request))
                {
                    return false;
                }
                if (nanoClock.nanoTime() - connectDeadlineNs > 0)
                {
                    pending.complete(request, new NodeUnreachableException(
                        request.nodeEndpoint, request.blockId, request.operation, ctx.connectTimeoutNs()));
                    return false;
                }
                idle.idle(pending.pollResponses());
            }
        }

        if (null != security && !security.ensureSession(request, window.publication, idle))
        {
            return false;
        }

        request.timeoutNs = ctx.requestTimeoutNs() + transferAllowanceNs(allowanceBytes);
        request.deadlineNs = nanoClock.nanoTime() + request.timeoutNs;
        request.deadlineEpochNs = epochNanoClock.nanoTime() + request.timeoutNs;

        idle.reset();
        while (!window.tryAcquire(request.windowBytes))
        {
            if (isInterrupted(request) || isClosed(request))
            {
                return false;
            }
            if (nanoClock.nanoTime() - request.deadlineNs > 0)
            {
                pending.complete(request, new RequestTimeoutException(request.nodeEndpoint, request.blockId,
                    request.operation, request.timeoutNs, "the node's window of " + ctx.maxRequestsInFlight() +
                    " requests and " + ctx.maxBytesInFlight() + " bytes stayed full"));
                return false;
            }
            idle.idle(pending.pollResponses());
        }
        request.window = window;

        return pending.register(request);
    }

    private boolean isInterrupted(final BlockRequest request)
    {
        if (Thread.currentThread().isInterrupted())
        {
            pending.complete(request, new TransportException(request.operation + " of " +
                TransportException.describeBlock(request.blockId) + " on node " + request.nodeEndpoint +
                " was interrupted; the thread's interrupt flag is still set", request.nodeEndpoint,
                request.blockId));
            return true;
        }
        return false;
    }

    private boolean isClosed(final BlockRequest request)
    {
        if (pending.isClosed())
        {
            pending.complete(request, pending.closedException(request));
            return true;
        }
        return false;
    }

    void transmitPut(final BlockRequest request)
    {
        final Sender sender = SENDERS.get();
        final long correlationId = request.correlationId;
        final int chunkLength = ctx.chunkLength();
        final int length = request.length;
        for (int position = 0; position < length; )
        {
            final int chunk = Math.min(chunkLength, length - position);
            final PutRequestEncoder encoder = sender.putEncoder
                .wrapAndApplyHeader(sender.buffer, 0, sender.headerEncoder)
                .correlationId(correlationId)
                .clientId(ctx.clientId())
                .blockId(request.blockId)
                .deadlineEpochNs(request.deadlineEpochNs)
                .totalLength(length)
                .chunkOffset(position)
                .crc32c(request.crc32c)
                .responseStreamId(ctx.responseStreamId())
                .generation(request.generation)
                .putResponseChannel(responseChannelBytes, 0, responseChannelBytes.length);
            final int lengthFieldOffset = encoder.limit();
            sender.buffer.putInt(lengthFieldOffset, chunk, ByteOrder.LITTLE_ENDIAN);
            final int headerLength = lengthFieldOffset + PutRequestEncoder.dataHeaderLength();

            if (!offer(request, correlationId, sender, headerLength, request.src, request.srcOffset + position,
                chunk))
            {
                return;
            }
            position += chunk;
        }
    }

    void transmitBatch(final BlockRequest request)
    {
        final Sender sender = SENDERS.get();
        final int first = request.batchFirst;
        final int base = request.batchSrcOffsets[first];
        final PutBatchRequestEncoder encoder = sender.batchEncoder
            .wrapAndApplyHeader(sender.buffer, 0, sender.headerEncoder)
            .correlationId(request.correlationId)
            .clientId(ctx.clientId())
            .deadlineEpochNs(request.deadlineEpochNs)
            .responseStreamId(ctx.responseStreamId());
        final PutBatchRequestEncoder.BlocksEncoder blocks = encoder.blocksCount(request.batchCount);
        for (int k = first, end = first + request.batchCount; k < end; k++)
        {
            blocks.next()
                .blockId(request.batchBlockIds[k])
                .generation(request.batchGenerations[k])
                .dataOffset(request.batchSrcOffsets[k] - base)
                .length(request.batchLengths[k])
                .crc32c(request.batchCrc32cs[k]);
        }
        encoder.putResponseChannel(responseChannelBytes, 0, responseChannelBytes.length);
        final int lengthFieldOffset = encoder.limit();
        sender.buffer.putInt(lengthFieldOffset, request.length, ByteOrder.LITTLE_ENDIAN);
        final int headerLength = lengthFieldOffset + PutBatchRequestEncoder.dataHeaderLength();
        offer(request, request.correlationId, sender, headerLength, request.src, base, request.length);
    }

    /**
     * Offer one message of a request, retrying while back-pressured, until its deadline.
     *
     * @return false when the request is done (failed here, or finished by another thread) or was restarted.
     */
    private boolean offer(
        final BlockRequest request,
        final long correlationId,
        final Sender sender,
        final int headerLength,
        final DirectBuffer data,
        final int dataOffset,
        final int dataLength)
    {
        final NodeWindow window = request.window;
        if (null == window)
        {
            return false;
        }
        final Publication publication = window.publication;
        final IdleStrategy idle = sender.idle;
        idle.reset();
        while (true)
        {
            if (request.isDone() || request.correlationId != correlationId)
            {
                return false;
            }

            final long result = null != security ? security.offer(
                publication, request.nodeEndpoint, sender.buffer, headerLength, data, dataOffset, dataLength) :
                null == data ?
                publication.offer(sender.buffer, 0, headerLength) :
                publication.offer(sender.buffer, 0, headerLength, data, dataOffset, dataLength);
            if (result > 0)
            {
                return true;
            }

            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
            {
                windows.remove(request.nodeEndpoint, window);
                pending.fail(request, new TransportException("connection to node " + request.nodeEndpoint +
                    " broke during " + request.operation + " of " + TransportException.describeBlock(request.blockId) +
                    " (publication " + (Publication.CLOSED == result ? "closed" : "at its maximum position") +
                    "); retry", request.nodeEndpoint, request.blockId));
                return false;
            }

            if (Thread.currentThread().isInterrupted())
            {
                pending.fail(request, new TransportException(request.operation + " of " +
                    TransportException.describeBlock(request.blockId) + " on node " + request.nodeEndpoint +
                    " was interrupted; the thread's interrupt flag is still set", request.nodeEndpoint,
                    request.blockId));
                return false;
            }

            if (nanoClock.nanoTime() - request.deadlineNs > 0)
            {
                pending.fail(request, new RequestTimeoutException(request.nodeEndpoint, request.blockId,
                    request.operation, request.timeoutNs, Publication.NOT_CONNECTED == result ?
                    "the node disconnected while sending" : "the node did not take the request, back-pressured"));
                return false;
            }

            idle.idle(pending.pollResponses());
        }
    }

    private NodeWindow window(final BlockRequest request)
    {
        final String nodeEndpoint = request.nodeEndpoint;
        final NodeWindow existing = windows.get(nodeEndpoint);
        if (null != existing)
        {
            return existing;
        }

        final Publication publication;
        try
        {
            publication = aeron.addPublication(Endpoints.udpChannel(nodeEndpoint), ctx.requestStreamId());
        }
        catch (final RuntimeException ex)
        {
            throw new TransportException("node " + nodeEndpoint + " cannot be addressed for " + request.operation +
                " of " + TransportException.describeBlock(request.blockId) + ": " + ex.getMessage(), nodeEndpoint,
                request.blockId, ex);
        }

        if (ctx.chunkLength() > publication.maxMessageLength() - MAX_MESSAGE_HEADER_LENGTH -
            BlockClient.MAX_BATCH_BLOCKS * BATCH_ENTRY_LENGTH)
        {
            final int maxMessageLength = publication.maxMessageLength();
            CloseHelper.quietClose(publication);
            throw new ConfigurationException(CHUNK_LENGTH_PROP_NAME + "=" + ctx.chunkLength() +
                " does not fit the driver's largest message of " + maxMessageLength + " bytes: use at most " +
                (maxMessageLength - MAX_MESSAGE_HEADER_LENGTH - BlockClient.MAX_BATCH_BLOCKS * BATCH_ENTRY_LENGTH) +
                " or raise " + TERM_LENGTH_PROP_NAME);
        }

        final NodeWindow window =
            new NodeWindow(nodeEndpoint, publication, ctx.maxRequestsInFlight(), ctx.maxBytesInFlight());
        final NodeWindow prior = windows.putIfAbsent(nodeEndpoint, window);
        if (null != prior)
        {
            CloseHelper.quietClose(publication);
            return prior;
        }
        if (pending.isClosed())
        {
            // the client closed while this publication was being added: close() may have missed it
            windows.remove(nodeEndpoint, window);
            CloseHelper.quietClose(publication);
            throw pending.closedException(request);
        }
        return window;
    }

    void sendGet(final BlockRequest request)
    {
        final Sender sender = SENDERS.get();
        final GetRequestEncoder encoder = sender.getEncoder
            .wrapAndApplyHeader(sender.buffer, 0, sender.headerEncoder)
            .correlationId(request.correlationId)
            .clientId(ctx.clientId())
            .blockId(request.blockId)
            .deadlineEpochNs(request.deadlineEpochNs)
            .responseStreamId(ctx.responseStreamId())
            .generation(request.generation)
            .putResponseChannel(responseChannelBytes, 0, responseChannelBytes.length);
        offer(request, request.correlationId, sender,
            MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), null, 0, 0);
    }

    void sendFree(final BlockRequest request)
    {
        final Sender sender = SENDERS.get();
        final FreeRequestEncoder encoder = sender.freeEncoder
            .wrapAndApplyHeader(sender.buffer, 0, sender.headerEncoder)
            .correlationId(request.correlationId)
            .clientId(ctx.clientId())
            .blockId(request.blockId)
            .deadlineEpochNs(request.deadlineEpochNs)
            .responseStreamId(ctx.responseStreamId())
            .generation(request.generation)
            .putResponseChannel(responseChannelBytes, 0, responseChannelBytes.length);
        offer(request, request.correlationId, sender,
            MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), null, 0, 0);
    }

    void sendUsage(final BlockRequest request)
    {
        final Sender sender = SENDERS.get();
        final UsageRequestEncoder encoder = sender.usageEncoder
            .wrapAndApplyHeader(sender.buffer, 0, sender.headerEncoder)
            .correlationId(request.correlationId)
            .clientId(ctx.clientId())
            .deadlineEpochNs(request.deadlineEpochNs)
            .responseStreamId(ctx.responseStreamId())
            .putResponseChannel(responseChannelBytes, 0, responseChannelBytes.length);
        offer(request, request.correlationId, sender,
            MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), null, 0, 0);
    }

    void sendMembership(final BlockRequest request)
    {
        final Sender sender = SENDERS.get();
        final MembershipRequestEncoder encoder = MembershipCodec.writeQuery(sender.membershipEncoder
            .wrapAndApplyHeader(sender.buffer, 0, sender.headerEncoder)
            .correlationId(request.correlationId)
            .clientId(ctx.clientId())
            .deadlineEpochNs(request.deadlineEpochNs)
            .responseStreamId(ctx.responseStreamId())
            .leaseTimeoutMs(request.leaseTimeoutMs), request.membershipQuery)
            .putResponseChannel(responseChannelBytes, 0, responseChannelBytes.length);
        offer(request, request.correlationId, sender,
            MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), null, 0, 0);
    }

    void sendLeave(final BlockRequest request)
    {
        final Sender sender = SENDERS.get();
        final LeaveRequestEncoder encoder = sender.leaveEncoder
            .wrapAndApplyHeader(sender.buffer, 0, sender.headerEncoder)
            .correlationId(request.correlationId)
            .clientId(ctx.clientId())
            .deadlineEpochNs(request.deadlineEpochNs)
            .responseStreamId(ctx.responseStreamId())
            .putResponseChannel(responseChannelBytes, 0, responseChannelBytes.length);
        offer(request, request.correlationId, sender,
            MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), null, 0, 0);
    }

    long transferAllowanceNs(final int length)
    {
        return transferAllowanceNs(ctx, length);
    }

    static long transferAllowanceNs(final BlockClient.Context ctx, final int length)
    {
        return ((length + (1L << 20) - 1) >> 20) * ctx.transferAllowanceNsPerMiB();
    }

    /**
     * What one thread needs to encode and send requests and to wait: kept per thread (not per client, so that a
     * thread's entry does not keep a closed client reachable), never shared.
     */
    static final class Sender
    {
        final UnsafeBuffer buffer =
            new UnsafeBuffer(new byte[MAX_MESSAGE_HEADER_LENGTH + BlockClient.MAX_BATCH_BLOCKS * BATCH_ENTRY_LENGTH]);
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        final PutRequestEncoder putEncoder = new PutRequestEncoder();
        final GetRequestEncoder getEncoder = new GetRequestEncoder();
        final FreeRequestEncoder freeEncoder = new FreeRequestEncoder();
        final UsageRequestEncoder usageEncoder = new UsageRequestEncoder();
        final MembershipRequestEncoder membershipEncoder = new MembershipRequestEncoder();
        final LeaveRequestEncoder leaveEncoder = new LeaveRequestEncoder();
        final PutBatchRequestEncoder batchEncoder = new PutBatchRequestEncoder();
        final Crc32cCalculator crc32c = new Crc32cCalculator();
        final IdleStrategy idle = new BackoffIdleStrategy(
            10, 20, 1_000, durationNs(CLIENT_IDLE_MAX_PARK_PROP_NAME, CLIENT_IDLE_MAX_PARK_DEFAULT_NS));
    }

}
