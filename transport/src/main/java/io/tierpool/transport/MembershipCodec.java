/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.client.NodeView;
import io.tierpool.transport.codecs.MembershipAnswerKind;
import io.tierpool.transport.codecs.MembershipQueryKind;
import io.tierpool.transport.codecs.MembershipRequestDecoder;
import io.tierpool.transport.codecs.MembershipRequestEncoder;
import io.tierpool.transport.codecs.MembershipResponseDecoder;
import io.tierpool.transport.codecs.MembershipResponseEncoder;
import io.tierpool.transport.codecs.MessageHeaderEncoder;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Encoding and reading of the membership messages' fields that depend on the protocol version: a version 2 or 3
 * MembershipRequest (no {@code answerKind}) reads as {@link MembershipQuery#FULL}, a version 2 or 3
 * MembershipResponse as a {@link MembershipAnswerKind#COMPLETE} answer; both have shorter root blocks than version
 * 4's, which the server and the client accept ({@link #MIN_REQUEST_BLOCK_LENGTH},
 * {@link #MIN_RESPONSE_BLOCK_LENGTH}). Also what {@code tierpool bench scale} counts the bytes of an answer with
 * ({@link #encodedResponseLength}).
 * <p>
 * Stateless; the methods are thread-safe as long as the encoders and decoders passed in are not shared.
 */
public final class MembershipCodec
{
    /** The protocol version that added lease-only and delta membership answers. */
    public static final int DELTA_VERSION = 4;

    /** Root block length of a version 2 or 3 MembershipRequest, bytes: the shortest a node accepts. */
    public static final int MIN_REQUEST_BLOCK_LENGTH = 36;

    /** Root block length of a version 2 or 3 MembershipResponse, bytes: the shortest a client accepts. */
    public static final int MIN_RESPONSE_BLOCK_LENGTH = 32;

    private MembershipCodec()
    {
    }

    /**
     * @param decoder a request decoder wrapped at the message's acting version.
     * @param version the message's acting version (from its header).
     * @return what the request asks for: {@link MembershipQuery#FULL} for a version 2 or 3 request or an unknown
     * kind (a newer client's, answered as fully as this node can).
     */
    public static MembershipQuery readQuery(final MembershipRequestDecoder decoder, final int version)
    {
        if (version < DELTA_VERSION)
        {
            return MembershipQuery.FULL;
        }
        final MembershipQueryKind kind = decoder.answerKind();
        switch (kind)
        {
            case LEASE_ONLY:
                return MembershipQuery.LEASE_ONLY;

            case DELTA:
                final long sequence = decoder.knownSequence();
                return sequence < 0 ? MembershipQuery.FULL : MembershipQuery.delta(
                    new UUID(decoder.knownNodeIdMsb(), decoder.knownNodeIdLsb()), decoder.knownEpoch(), sequence);

            default:
                return MembershipQuery.FULL;
        }
    }

    /**
     * Put a query's fields into a request encoder (version 4).
     *
     * @param encoder the request encoder, its root block being written.
     * @param query   what to ask for.
     * @return the encoder.
     */
    public static MembershipRequestEncoder writeQuery(final MembershipRequestEncoder encoder, final MembershipQuery query)
    {
        final UUID known = query.knownNodeId();
        return encoder
            .answerKind(query.kind())
            .knownNodeIdMsb(null == known ? 0 : known.getMostSignificantBits())
            .knownNodeIdLsb(null == known ? 0 : known.getLeastSignificantBits())
            .knownEpoch(query.knownEpoch())
            .knownSequence(query.knownSequence());
    }

    /**
     * @param decoder a response decoder wrapped at the message's acting version.
     * @param version the message's acting version.
     * @return what the answer's lists hold: {@link MembershipAnswerKind#COMPLETE} for a version 2 or 3 answer;
     * {@link MembershipAnswerKind#NULL_VAL} for a kind this client does not know (a malformed answer).
     */
    public static MembershipAnswerKind readAnswerKind(final MembershipResponseDecoder decoder, final int version)
    {
        return version < DELTA_VERSION ? MembershipAnswerKind.COMPLETE : decoder.answerKind();
    }

    /**
     * Encode a MembershipResponse (header included) for an answer.
     *
     * @param buffer        where to write, from offset 0; must be large enough ({@link #encodedResponseLength}).
     * @param headerEncoder the header encoder to use.
     * @param encoder       the response encoder to use.
     * @param correlationId the request's correlation id.
     * @param snapshot      the answer.
     * @param nodeNameBytes the answering node's name, UTF-8.
     * @return the message's length in bytes, header included.
     */
    public static int encodeResponse(
        final MutableDirectBuffer buffer,
        final MessageHeaderEncoder headerEncoder,
        final MembershipResponseEncoder encoder,
        final long correlationId,
        final MembershipSnapshot snapshot,
        final byte[] nodeNameBytes)
    {
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .grantedLeaseMs(snapshot.grantedLeaseMs())
            .answeringNodeIdMsb(snapshot.answeringNodeId().getMostSignificantBits())
            .answeringNodeIdLsb(snapshot.answeringNodeId().getLeastSignificantBits())
            .answerKind(snapshot.kind())
            .epoch(snapshot.epoch())
            .sequence(snapshot.sequence());
        final MembershipResponseEncoder.NodesEncoder nodesEncoder = encoder.nodesCount(snapshot.nodes().size());
        for (final MemberNode member : snapshot.nodes())
        {
            final NodeView node = member.node();
            nodesEncoder.next()
                .nodeIdMsb(node.nodeId().getMostSignificantBits())
                .nodeIdLsb(node.nodeId().getLeastSignificantBits())
                .capacityBytes(node.capacityBytes())
                .freeBytes(member.freeBytes())
                .nodeName(node.nodeName())
                .endpoint(node.endpoint());
        }
        final MembershipResponseEncoder.DepartedEncoder departedEncoder =
            encoder.departedCount(snapshot.departed().size());
        for (final DepartedNode departed : snapshot.departed())
        {
            departedEncoder.next()
                .nodeIdMsb(departed.nodeId().getMostSignificantBits())
                .nodeIdLsb(departed.nodeId().getLeastSignificantBits())
                .failed((short)(departed.failed() ? 1 : 0));
        }
        encoder.putNodeName(nodeNameBytes, 0, nodeNameBytes.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    /**
     * The length of the MembershipResponse {@link #encodeResponse} writes for an answer, computed without
     * encoding it.
     *
     * @param snapshot the answer.
     * @return bytes, SBE header included (an authTrailer, on a secured session, adds its own length).
     */
    public static int encodedResponseLength(final MembershipSnapshot snapshot)
    {
        int length = MessageHeaderEncoder.ENCODED_LENGTH + MembershipResponseEncoder.BLOCK_LENGTH +
            2 * MembershipResponseEncoder.NodesEncoder.sbeHeaderSize();
        for (final MemberNode member : snapshot.nodes())
        {
            length += MembershipResponseEncoder.NodesEncoder.sbeBlockLength() +
                MembershipResponseEncoder.NodesEncoder.nodeNameHeaderLength() + utf8Length(member.node().nodeName()) +
                MembershipResponseEncoder.NodesEncoder.endpointHeaderLength() + utf8Length(member.node().endpoint());
        }
        length += snapshot.departed().size() * MembershipResponseEncoder.DepartedEncoder.sbeBlockLength();
        return length + MembershipResponseEncoder.nodeNameHeaderLength() + utf8Length(snapshot.answeringNodeName());
    }

    private static int utf8Length(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
