/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.aeron.Publication;
import io.tierpool.transport.codecs.FreeRequestDecoder;
import io.tierpool.transport.codecs.GetRequestDecoder;
import io.tierpool.transport.codecs.HelloRequestDecoder;
import io.tierpool.transport.codecs.HelloResponseEncoder;
import io.tierpool.transport.codecs.LeaveRequestDecoder;
import io.tierpool.transport.codecs.MembershipRequestDecoder;
import io.tierpool.transport.codecs.MessageHeaderDecoder;
import io.tierpool.transport.codecs.MessageHeaderEncoder;
import io.tierpool.transport.codecs.ProofRequestDecoder;
import io.tierpool.transport.codecs.PutBatchRequestDecoder;
import io.tierpool.transport.codecs.PutRequestDecoder;
import io.tierpool.transport.codecs.UsageRequestDecoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node's half of data-path security, run by its {@link BlockServerAgent} (one thread): answers handshakes,
 * keeps the sessions, opens every request before it is served, and seals every response to a sealed request.
 * <p>
 * Opening a request: the trailer's session id must name a session; its MAC must verify (a forged or altered
 * message fails here), its sequence number must be new and within {@link TransportSecurity#REPLAY_WINDOW} of the
 * highest seen (a replayed or far reordered one fails here), and the client id the request names must be the
 * session's (a client cannot act for another: the identity comes from the session). A message that fails is
 * dropped without an answer and counted by reason. A request with no session at all (no secret on the client) is
 * answered with {@link ErrorCode#AUTH_FAILED} so that its sender learns why. Nothing a sender does stops the node
 * serving its other sessions.
 * <p>
 * Bounds: at most {@link #MAX_PENDING_HANDSHAKES} handshakes wait for their proof (the oldest is dropped), for at
 * most {@link #HANDSHAKE_TIMEOUT_NS}; sessions unused for {@link #SESSION_IDLE_TIMEOUT_NS} are forgotten (the
 * client's next request is refused with AUTH_FAILED and the client authenticates again).
 * <p>
 * Thread-safety: the agent's thread only, except the counters, which any thread may read.
 */
final class NodeSecurity
{
    static final int MAX_PENDING_HANDSHAKES = 1024;
    static final long HANDSHAKE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    static final long SESSION_IDLE_TIMEOUT_NS = TimeUnit.HOURS.toNanos(1);
    private static final int CLIENT_ID_OFFSET = 8;

    /**
     * HelloRequest flag: the client authenticates with its per-client credential, not the cluster secret.
     */
    static final int HELLO_FLAG_CREDENTIAL = 2;

    /**
     * {@link #onHello} refusal: this node takes only per-client credentials.
     */
    static final int CREDENTIAL_REQUIRED = -2;

    private final TransportSecurity security;
    private final byte[] nodeNameBytes;
    private final MessageSealer sealer = new MessageSealer();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final HelloResponseEncoder helloResponseEncoder = new HelloResponseEncoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final Long2ObjectHashMap<SecureSession> sessions = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<PendingHandshake> pendingHandshakes = new Long2ObjectHashMap<>();
    private final ArrayDeque<PendingHandshake> handshakeOrder = new ArrayDeque<>();

    private final AtomicLong sessionsEstablished = new AtomicLong();
    private final AtomicLong handshakeFailures = new AtomicLong();
    private final AtomicLong unauthenticated = new AtomicLong();
    private final AtomicLong badMac = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong forgedClientId = new AtomicLong();

    private SecureSession current;
    private boolean currentUnauthenticated;
    private boolean decrypted;

    NodeSecurity(final TransportSecurity security, final String nodeName)
    {
        this.security = security;
        this.nodeNameBytes = nodeName.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Open a message off the request subscription.
     *
     * @return its length to serve (at {@link #buffer} when {@link #isDecrypted()}), or -1 when refused (counted).
     * After it, {@link #isUnauthenticated()} says whether it must be answered with AUTH_FAILED.
     */
    int open(final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        current = null;
        currentUnauthenticated = false;
        decrypted = false;

        final long sessionId = MessageSealer.sessionId(buffer, offset, length);
        final SecureSession session = 0 == sessionId ? null : sessions.get(sessionId);
        if (null == session)
        {
            if (length >= MessageHeaderDecoder.ENCODED_LENGTH)
            {
                final int templateId = headerDecoder.wrap(buffer, offset).templateId();
                if (HelloRequestDecoder.TEMPLATE_ID == templateId || ProofRequestDecoder.TEMPLATE_ID == templateId)
                {
                    return length;
                }
            }
            unauthenticated.lazySet(unauthenticated.get() + 1);
            currentUnauthenticated = true;
            return length;
        }

        final int opened = sealer.open(session, buffer, offset, length, 0);
        if (opened < 0)
        {
            if (MessageSealer.REPLAYED == opened)
            {
                replayed.lazySet(replayed.get() + 1);
            }
            else
            {
                badMac.lazySet(badMac.get() + 1);
            }
            return -1;
        }

        final DirectBuffer message = sealer.isDecrypted() ? sealer.openedBuffer() : buffer;
        final int messageOffset = sealer.isDecrypted() ? 0 : offset;
        if (opened < MessageHeaderDecoder.ENCODED_LENGTH + CLIENT_ID_OFFSET + 8 ||
            !namesSessionClient(session, message, messageOffset))
        {
            forgedClientId.lazySet(forgedClientId.get() + 1);
            return -1;
        }

        session.lastUsedNs(nowNs);
        current = session;
        decrypted = sealer.isDecrypted();
        return opened;
    }

    private boolean namesSessionClient(final SecureSession session, final DirectBuffer buffer, final int offset)
    {
        switch (headerDecoder.wrap(buffer, offset).templateId())
        {
            case PutRequestDecoder.TEMPLATE_ID:
            case GetRequestDecoder.TEMPLATE_ID:
            case FreeRequestDecoder.TEMPLATE_ID:
            case UsageRequestDecoder.TEMPLATE_ID:
            case PutBatchRequestDecoder.TEMPLATE_ID:
            case MembershipRequestDecoder.TEMPLATE_ID:
            case LeaveRequestDecoder.TEMPLATE_ID:
                return buffer.getLong(offset + MessageHeaderDecoder.ENCODED_LENGTH + CLIENT_ID_OFFSET,
                    ByteOrder.LITTLE_ENDIAN) == session.clientId;

            default:
                return false;
        }
    }

    /**
     * The message {@link #open} took has been served: responses made from now on (none until the next message)
     * belong to no session.
     */
    void served()
    {
        current = null;
    }

    boolean isUnauthenticated()
    {
        return currentUnauthenticated;
    }

    boolean isDecrypted()
    {
        return decrypted;
    }

    DirectBuffer openedBuffer()
    {
        return sealer.openedBuffer();
    }

    /**
     * @return the session of the message being served, or null for an unsealed one (a handshake message).
     */
    SecureSession current()
    {
        return current;
    }

    int seal(final SecureSession session, final MutableDirectBuffer buffer, final int length)
    {
        return sealer.seal(session, buffer, 0, length, AuthTrailerDescriptor.FLAG_RESPONSE);
    }

    long offer(
        final Publication publication,
        final SecureSession session,
        final MutableDirectBuffer header,
        final int headerLength,
        final DirectBuffer data,
        final int dataOffset,
        final int dataLength)
    {
        return sealer.offer(publication, session, header, headerLength, data, dataOffset, dataLength,
            AuthTrailerDescriptor.FLAG_RESPONSE);
    }

    /**
     * Answer a HelloRequest: draw a session id and a nonce, derive the keys and encode the HelloResponse.
     *
     * @param decoder wrapped on the request, its limit at the client nonce.
     * @param out     where to encode the response, from offset 0.
     * @return the response's length, -1 when the request is malformed, or {@link #CREDENTIAL_REQUIRED} (both
     * counted as a failed handshake).
     */
    int onHello(final HelloRequestDecoder decoder, final MutableDirectBuffer out, final long nowNs)
    {
        final long correlationId = decoder.correlationId();
        final long clientId = decoder.clientId();
        final int clientFlags = decoder.flags();
        final byte[] clientNonce = new byte[SessionKeys.NONCE_LENGTH];
        if (decoder.clientNonceLength() != SessionKeys.NONCE_LENGTH)
        {
            handshakeFailures.lazySet(handshakeFailures.get() + 1);
            return -1;
        }
        decoder.getClientNonce(clientNonce, 0, SessionKeys.NONCE_LENGTH);

        final int flags = (clientFlags & 1) != 0 || security.encryption() ? 1 : 0;
        final long sessionId = SessionKeys.sessionId();
        final byte[] nodeNonce = SessionKeys.nonce();
        final boolean credential = (clientFlags & HELLO_FLAG_CREDENTIAL) != 0;
        if (!credential && security.credentialsRequired())
        {
            handshakeFailures.lazySet(handshakeFailures.get() + 1);
            return CREDENTIAL_REQUIRED;
        }
        final ClusterSecret keySecret = credential ? security.credentialFor(decoder.secretId(), clientId) :
            security.secretFor(decoder.secretId());
        final SessionKeys keys =
            SessionKeys.derive(keySecret.bytes(), clientNonce, nodeNonce, sessionId, clientId, flags);

        while (pendingHandshakes.size() >= MAX_PENDING_HANDSHAKES)
        {
            pendingHandshakes.remove(handshakeOrder.pollFirst().sessionId);
        }
        final PendingHandshake handshake = new PendingHandshake(sessionId, clientId, flags, keys, nowNs);
        pendingHandshakes.put(sessionId, handshake);
        handshakeOrder.addLast(handshake);

        final HelloResponseEncoder encoder = helloResponseEncoder.wrapAndApplyHeader(out, 0, headerEncoder)
            .correlationId(correlationId)
            .sessionId(sessionId)
            .flags(flags)
            .putNodeNonce(nodeNonce, 0, nodeNonce.length)
            .putProof(keys.nodeProof, 0, keys.nodeProof.length)
            .putNodeName(nodeNameBytes, 0, nodeNameBytes.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    /**
     * Check a ProofRequest and, when it verifies, open its session.
     *
     * @param decoder wrapped on the request, its limit at the proof.
     * @return null when the session is open, else why not (counted as a failed handshake).
     */
    String onProof(final ProofRequestDecoder decoder)
    {
        final long sessionId = decoder.sessionId();
        final long clientId = decoder.clientId();
        final PendingHandshake handshake = pendingHandshakes.remove(sessionId);
        final byte[] proof = new byte[SessionKeys.PROOF_LENGTH];
        final boolean wellFormed = decoder.proofLength() == SessionKeys.PROOF_LENGTH &&
            decoder.getProof(proof, 0, SessionKeys.PROOF_LENGTH) == SessionKeys.PROOF_LENGTH;
        if (null == handshake)
        {
            handshakeFailures.lazySet(handshakeFailures.get() + 1);
            return "no handshake is waiting under session " + sessionId + " (it timed out after " +
                TimeUnit.NANOSECONDS.toSeconds(HANDSHAKE_TIMEOUT_NS) + " s, or was never begun): start again";
        }
        handshakeOrder.remove(handshake);
        if (!wellFormed || clientId != handshake.clientId ||
            !SessionKeys.proofsMatch(handshake.keys.clientProof, proof))
        {
            handshakeFailures.lazySet(handshakeFailures.get() + 1);
            return "the client's proof did not verify: it does not hold this cluster's secret; configure the " +
                "same secret on clients (TIERPOOL_SECRET_FILE) and nodes (security.secret.file)";
        }

        final SecureSession session = new SecureSession(
            sessionId, clientId, (handshake.flags & 1) != 0, handshake.keys, 1);
        session.lastUsedNs(handshake.createdNs);
        sessions.put(sessionId, session);
        sessionsEstablished.lazySet(sessionsEstablished.get() + 1);
        return null;
    }

    /**
     * Forget handshakes that waited too long for their proof and sessions unused for too long.
     *
     * @return how many were forgotten.
     */
    int expire(final long nowNs)
    {
        int workCount = 0;
        while (!handshakeOrder.isEmpty() && nowNs - handshakeOrder.peekFirst().createdNs > HANDSHAKE_TIMEOUT_NS)
        {
            pendingHandshakes.remove(handshakeOrder.pollFirst().sessionId);
            workCount++;
        }
        final Iterator<SecureSession> it = sessions.values().iterator();
        while (it.hasNext())
        {
            if (nowNs - it.next().lastUsedNs() > SESSION_IDLE_TIMEOUT_NS)
            {
                it.remove();
                workCount++;
            }
        }
        return workCount;
    }

    long sessionsEstablished()
    {
        return sessionsEstablished.get();
    }

    long handshakeFailures()
    {
        return handshakeFailures.get();
    }

    long unauthenticated()
    {
        return unauthenticated.get();
    }

    long badMac()
    {
        return badMac.get();
    }

    long replayed()
    {
        return replayed.get();
    }

    long forgedClientId()
    {
        return forgedClientId.get();
    }

    private static final class PendingHandshake
    {
        final long sessionId;
        final long clientId;
        final int flags;
        final SessionKeys keys;
        final long createdNs;

        PendingHandshake(
            final long sessionId, final long clientId, final int flags, final SessionKeys keys, final long createdNs)
        {
            this.sessionId = sessionId;
            this.clientId = clientId;
            this.flags = flags;
            this.keys = keys;
            this.createdNs = createdNs;
        }
    }
}
