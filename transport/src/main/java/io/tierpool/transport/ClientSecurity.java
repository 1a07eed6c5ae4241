/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.aeron.Publication;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.tierpool.transport.codecs.AckDecoder;
import io.tierpool.transport.codecs.ErrorDecoder;
import io.tierpool.transport.codecs.HelloRequestEncoder;
import io.tierpool.transport.codecs.HelloResponseDecoder;
import io.tierpool.transport.codecs.MessageHeaderDecoder;
import io.tierpool.transport.codecs.MessageHeaderEncoder;
import io.tierpool.transport.codecs.ProofRequestEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import static io.tierpool.transport.AuthTrailerDescriptor.FLAG_RESPONSE;
import static io.tierpool.transport.TransportConfiguration.MAX_MESSAGE_HEADER_LENGTH;

/**
 * A {@link BlockClient}'s half of data-path security: runs the handshake with each node on first use, seals every
 * request with its session's trailer and opens every response before the {@link ResponseDispatcher} sees it.
 * <p>
 * Handshake (schema version 3): the first thread to need a session with a node sends HelloRequest with a fresh
 * nonce; the poll-claim holder, on HelloResponse, derives the session's keys ({@link SessionKeys}), checks the
 * node's proof (a node without the same secret fails here, before this client reveals anything) and sends
 * ProofRequest; on the node's Ack the session is installed. Other threads wanting the same node wait for that one
 * handshake, polling responses meanwhile. A failed handshake fails the waiting requests with
 * {@link AuthenticationException} and is forgotten, so that the next request tries again.
 * <p>
 * Inbound: a response naming one of this client's sessions is opened ({@link MessageSealer#open}); anything else is
 * refused and counted ({@link #refusedResponseCount()}), except the handshake's own messages and an unsealed Error
 * saying the node no longer knows the session (it restarted): that one fails its request and drops the session so
 * that the next request authenticates again.
 * <p>
 * Threads: {@link #ensureSession} and {@link #offer} run on sending threads (sessions by endpoint are a concurrent
 * map, sealers are per thread); {@link #onFragment} runs on the poll-claim holder only, which owns the sessions by
 * id.
 */
final class ClientSecurity implements FragmentHandler
{
    private static final ThreadLocal<MessageSealer> SEALERS = ThreadLocal.withInitial(MessageSealer::new);
    private static final int MAC_SLOTS = 8;

    private final BlockClient.Context ctx;
    private final TransportSecurity security;
    private final PendingRequests pending;
    private final FragmentHandler dispatcher;
    private final NanoClock nanoClock;
    private final EpochNanoClock epochNanoClock;
    private final ConcurrentHashMap<String, SecureSession> sessionsByEndpoint = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Handshake> handshakesByEndpoint = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Handshake> handshakesByCorrelation = new ConcurrentHashMap<>();
    private final Long2ObjectHashMap<SecureSession> sessionsById = new Long2ObjectHashMap<>();
    private final MessageSealer inboundSealer = new MessageSealer();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final HelloResponseDecoder helloResponseDecoder = new HelloResponseDecoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();
    private final AckDecoder ackDecoder = new AckDecoder();
    private final AtomicLong nextCorrelationId =
        new AtomicLong(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE / 2, Long.MAX_VALUE - (1L << 40)));
    private final AtomicLong refusedResponseCount = new AtomicLong();
    private final AtomicLong sessionCount = new AtomicLong();
    private byte[] responseChannelBytes;
    private final long secretId;

    ClientSecurity(
        final BlockClient.Context ctx, final PendingRequests pending, final FragmentHandler dispatcher)
    {
        this.ctx = ctx;
        this.security = ctx.security();
        this.pending = pending;
        this.dispatcher = dispatcher;
        this.nanoClock = ctx.nanoClock();
        this.epochNanoClock = ctx.epochNanoClock();
        this.secretId = security.secret().id();
    }

    void responseChannel(final byte[] responseChannelBytes)
    {
        this.responseChannelBytes = responseChannelBytes;
    }

    long refusedResponseCount()
    {
        return refusedResponseCount.get();
    }

    long sessionCount()
    {
        return sessionCount.get();
    }

    /**
     * Make sure this client has a session with the request's node, running the handshake if needed, on the
     * calling thread.
     *
     * @return false when the request failed (and is done): the handshake failed or timed out.
     */
    boolean ensureSession(final BlockRequest request, final Publication publication, final IdleStrategy idle)
    {
        final String endpoint = request.nodeEndpoint;
        if (null != sessionsByEndpoint.get(endpoint))
        {
            return true;
        }

        final Handshake handshake = handshakesByEndpoint.computeIfAbsent(endpoint, (e) -> new Handshake(e));
        final long deadlineNs = nanoClock.nanoTime() + ctx.requestTimeoutNs();
        if (handshake.claimSend())
        {
            handshake.publication = publication;
            handshakesByCorrelation.put(handshake.helloCorrelationId, handshake);
            idle.reset();
            while (!sendHello(handshake, publication))
            {
                if (nanoClock.nanoTime() - deadlineNs > 0)
                {
                    fail(handshake, new NodeUnreachableException(endpoint, request.blockId, "handshake",
                        ctx.requestTimeoutNs()));
                    break;
                }
                idle.idle(pending.pollResponses());
            }
        }

        idle.reset();
        while (!handshake.isDone())
        {
            if (nanoClock.nanoTime() - deadlineNs > 0 || pending.isClosed())
            {
                fail(handshake, new AuthenticationException("node " + endpoint + " did not complete the " +
                    "authentication handshake within " + ctx.requestTimeoutNs() / 1_000_000 + " ms: it may run " +
                    "without security (security.mode=off) or an older TierPool, or be overloaded; " +
                    request.operation + " of " + TransportException.describeBlock(request.blockId) + " was not sent",
                    endpoint, request.blockId));
                break;
            }
            idle.idle(pending.pollResponses());
        }

        final TransportException failure = handshake.failure;
        if (null != failure)
        {
            pending.complete(request, new AuthenticationException(failure.getMessage() + "; " + request.operation +
                " of " + TransportException.describeBlock(request.blockId) + " was not sent", endpoint,
                request.blockId));
            return false;
        }
        return true;
    }

    /**
     * Seal and offer one message of a request to its node.
     *
     * @return the publication's result; {@link Publication#NOT_CONNECTED} when the session was dropped meanwhile.
     */
    long offer(
        final Publication publication,
        final String nodeEndpoint,
        final MutableDirectBuffer header,
        final int headerLength,
        final DirectBuffer data,
        final int dataOffset,
        final int dataLength)
    {
        final SecureSession session = sessionsByEndpoint.get(nodeEndpoint);
        if (null == session)
        {
            return Publication.NOT_CONNECTED;
        }
        return SEALERS.get().offer(publication, session, header, headerLength, data, dataOffset, dataLength, 0);
    }

    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final long sessionId = MessageSealer.sessionId(buffer, offset, length);
        final SecureSession session = 0 == sessionId ? null : sessionsById.get(sessionId);
        if (null != session)
        {
            final int opened = inboundSealer.open(session, buffer, offset, length, FLAG_RESPONSE);
            if (opened < 0)
            {
                refusedResponseCount.incrementAndGet();
                return;
            }
            if (inboundSealer.isDecrypted())
            {
                dispatcher.onFragment(inboundSealer.openedBuffer(), 0, opened, header);
            }
            else
            {
                dispatcher.onFragment(buffer, offset, opened, header);
            }
            return;
        }

        boolean taken;
        try
        {
            taken = onUnsealed(buffer, offset, length, header);
        }
        catch (final IndexOutOfBoundsException ex)
        {
            taken = false;
        }
        if (!taken)
        {
            refusedResponseCount.incrementAndGet();
        }
    }

    private boolean onUnsealed(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return false;
        }
        headerDecoder.wrap(buffer, offset);
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        if (MessageHeaderDecoder.SCHEMA_ID != headerDecoder.schemaId() || blockLength > length -
            MessageHeaderDecoder.ENCODED_LENGTH || blockLength < 8)
        {
            return false;
        }
        final long correlationId = buffer.getLong(bodyOffset, java.nio.ByteOrder.LITTLE_ENDIAN);
        final Handshake handshake = handshakesByCorrelation.get(correlationId);

        switch (headerDecoder.templateId())
        {
            case HelloResponseDecoder.TEMPLATE_ID:
                if (null != handshake && handshake.helloCorrelationId == correlationId &&
                    blockLength >= HelloResponseDecoder.BLOCK_LENGTH)
                {
                    onHelloResponse(handshake, helloResponseDecoder.wrap(buffer, bodyOffset, blockLength, version));
                    return true;
                }
                return false;

            case AckDecoder.TEMPLATE_ID:
                if (null != handshake && handshake.proofCorrelationId == correlationId)
                {
                    onAccepted(handshake);
                    return true;
                }
                return false;

            case ErrorDecoder.TEMPLATE_ID:
                if (blockLength < ErrorDecoder.BLOCK_LENGTH)
                {
                    return false;
                }
                errorDecoder.wrap(buffer, bodyOffset, blockLength, version);
                final ErrorCode code = ErrorCode.fromWire(errorDecoder.codeRaw());
                if (null != handshake)
                {
                    errorDecoder.skipNodeName();
                    final String message = errorDecoder.message();
                    fail(handshake, new AuthenticationException("node " + handshake.endpoint + " refused this " +
                        "client's authentication (" + code + "): " + message, handshake.endpoint,
                        TransportConfiguration.NULL_BLOCK_ID));
                    return true;
                }
                if (ErrorCode.AUTH_FAILED == code || ErrorCode.FORBIDDEN == code)
                {
                    final BlockRequest request = pending.peekPending(correlationId);
                    if (null == request)
                    {
                        return false;
                    }
                    dropSession(request.nodeEndpoint);
                    dispatcher.onFragment(buffer, offset, length, header);
                    return true;
                }
                return false;

            default:
                return false;
        }
    }

    private void onHelloResponse(final Handshake handshake, final HelloResponseDecoder decoder)
    {
        final long sessionId = decoder.sessionId();
        final int flags = decoder.flags();
        final byte[] nodeNonce = new byte[SessionKeys.NONCE_LENGTH];
        final byte[] nodeProof = new byte[SessionKeys.PROOF_LENGTH];
        if (decoder.nodeNonceLength() != SessionKeys.NONCE_LENGTH ||
            decoder.getNodeNonce(nodeNonce, 0, SessionKeys.NONCE_LENGTH) != SessionKeys.NONCE_LENGTH ||
            decoder.proofLength() != SessionKeys.PROOF_LENGTH ||
            decoder.getProof(nodeProof, 0, SessionKeys.PROOF_LENGTH) != SessionKeys.PROOF_LENGTH)
        {
            refusedResponseCount.incrementAndGet();
            return;
        }

        final SessionKeys keys = SessionKeys.derive(
            security.secret().bytes(), handshake.clientNonce, nodeNonce, sessionId, ctx.clientId(), flags);
        if (!SessionKeys.proofsMatch(keys.nodeProof, nodeProof))
        {
            fail(handshake, new AuthenticationException("node " + handshake.endpoint + "'s authentication proof " +
                "did not verify: " + (security.isClientCredential() ? "this client's credential is not the one " +
                "the node's cluster secret gives client id " + Long.toHexString(ctx.clientId()) + " (" +
                security.secret().source() + "); write it with `tierpool secret --client-id " +
                Long.toHexString(ctx.clientId()) + " --from CLUSTER_SECRET_FILE --out FILE`" :
                "this client and the node hold different cluster secrets (" + security.secret().source() +
                " here); give both the same secret") + " (docs/SECURITY.md)",
                handshake.endpoint, TransportConfiguration.NULL_BLOCK_ID));
            return;
        }
        if (security.encryption() && (flags & 1) == 0)
        {
            fail(handshake, new AuthenticationException("node " + handshake.endpoint + " offered a session " +
                "without encryption, which this client requires", handshake.endpoint,
                TransportConfiguration.NULL_BLOCK_ID));
            return;
        }

        handshake.session = new SecureSession(sessionId, ctx.clientId(), (flags & 1) != 0, keys, MAC_SLOTS);
        handshake.proofCorrelationId = nextCorrelationId.incrementAndGet();
        handshakesByCorrelation.put(handshake.proofCorrelationId, handshake);

        final UnsafeBuffer message = handshake.buffer;
        final ProofRequestEncoder encoder = new ProofRequestEncoder()
            .wrapAndApplyHeader(message, 0, new MessageHeaderEncoder())
            .correlationId(handshake.proofCorrelationId)
            .clientId(ctx.clientId())
            .deadlineEpochNs(epochNanoClock.nanoTime() + ctx.requestTimeoutNs())
            .responseStreamId(ctx.responseStreamId())
            .sessionId(sessionId)
            .putProof(keys.clientProof, 0, keys.clientProof.length)
            .putResponseChannel(responseChannelBytes, 0, responseChannelBytes.length);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            if (handshake.publication.offer(message, 0, length) > 0)
            {
                return;
            }
            Thread.onSpinWait();
        }
        fail(handshake, new AuthenticationException("could not send the authentication proof to node " +
            handshake.endpoint + ": its publication stayed back-pressured or disconnected; retry",
            handshake.endpoint, TransportConfiguration.NULL_BLOCK_ID));
    }

    private void onAccepted(final Handshake handshake)
    {
        final SecureSession session = handshake.session;
        sessionsById.put(session.sessionId, session);
        sessionsByEndpoint.put(handshake.endpoint, session);
        sessionCount.incrementAndGet();
        forget(handshake);
        handshake.done = true;
    }

    private void fail(final Handshake handshake, final TransportException failure)
    {
        if (handshake.isDone())
        {
            return;
        }
        handshake.failure = failure;
        forget(handshake);
        handshake.done = true;
    }

    private void forget(final Handshake handshake)
    {
        handshakesByCorrelation.remove(handshake.helloCorrelationId, handshake);
        if (0 != handshake.proofCorrelationId)
        {
            handshakesByCorrelation.remove(handshake.proofCorrelationId, handshake);
        }
        handshakesByEndpoint.remove(handshake.endpoint, handshake);
    }

    private void dropSession(final String endpoint)
    {
        final SecureSession session = sessionsByEndpoint.remove(endpoint);
        if (null != session)
        {
            sessionsById.remove(session.sessionId);
        }
    }

    private boolean sendHello(final Handshake handshake, final Publication publication)
    {
        final UnsafeBuffer message = handshake.buffer;
        final HelloRequestEncoder encoder = new HelloRequestEncoder()
            .wrapAndApplyHeader(message, 0, new MessageHeaderEncoder())
            .correlationId(handshake.helloCorrelationId)
            .clientId(ctx.clientId())
            .deadlineEpochNs(epochNanoClock.nanoTime() + ctx.requestTimeoutNs())
            .responseStreamId(ctx.responseStreamId())
            .flags((security.encryption() ? 1 : 0) |
                (security.isClientCredential() ? NodeSecurity.HELLO_FLAG_CREDENTIAL : 0))
            .secretId(secretId)
            .putClientNonce(handshake.clientNonce, 0, handshake.clientNonce.length)
            .putResponseChannel(responseChannelBytes, 0, responseChannelBytes.length);
        return publication.offer(message, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength()) > 0;
    }

    /**
     * One handshake with one node, shared by the threads that wait for it.
     */
    private final class Handshake
    {
        final String endpoint;
        final byte[] clientNonce = SessionKeys.nonce();
        final long helloCorrelationId = nextCorrelationId.incrementAndGet();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MAX_MESSAGE_HEADER_LENGTH]);
        final AtomicLong sendClaim = new AtomicLong();
        volatile long proofCorrelationId;
        volatile Publication publication;
        volatile SecureSession session;
        volatile TransportException failure;
        volatile boolean done;

        Handshake(final String endpoint)
        {
            this.endpoint = endpoint;
        }

        boolean claimSend()
        {
            return sendClaim.compareAndSet(0, 1);
        }

        boolean isDone()
        {
            return done;
        }
    }
}
