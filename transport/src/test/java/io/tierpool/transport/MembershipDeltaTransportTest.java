/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.aeron.FragmentAssembler;
import io.tierpool.client.NodeView;
import io.tierpool.transport.codecs.MembershipAnswerKind;
import io.tierpool.transport.codecs.MembershipQueryKind;
import io.tierpool.transport.codecs.MembershipRequestDecoder;
import io.tierpool.transport.codecs.MembershipRequestEncoder;
import io.tierpool.transport.codecs.MembershipResponseDecoder;
import io.tierpool.transport.codecs.MembershipResponseEncoder;
import io.tierpool.transport.codecs.MessageHeaderDecoder;
import io.tierpool.transport.codecs.MessageHeaderEncoder;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Membership requests and answers of protocol version 4 (lease-only and delta answers): the query's fields reach
 * the node's handler and the answer's kind, epoch and sequence reach the client, over real Aeron on loopback; a
 * version 3 request (shorter root block, no answerKind) still gets a complete answer; the codec reads a version 3
 * request as FULL and a version 3 answer as COMPLETE, and counts an answer's bytes exactly.
 */
class MembershipDeltaTransportTest
{
    private static final UUID SELF = new UUID(0x1122334455667788L, 0x99AABBCCDDEEFF00L);
    private static final UUID OTHER = new UUID(7, 8);
    private static final UUID GONE = new UUID(9, 10);
    /** This test's own Aeron ports: 43000-43039. */
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT =
        new java.util.concurrent.atomic.AtomicInteger();

    private final List<MembershipQuery> queries = new CopyOnWriteArrayList<>();
    private final List<Throwable> serverErrors = new CopyOnWriteArrayList<>();
    private TransportDriver nodeDriver;
    private TransportDriver clientDriver;
    private BlockServer server;
    private BlockClient client;

    @BeforeEach
    void setUp()
    {
        nodeDriver = TransportDriver.launch(new TransportDriver.Context());
        clientDriver = TransportDriver.launch(new TransportDriver.Context());
        final BlockRequestHandler handler = new InMemoryBlockHandler("node-a", 1L << 20)
        {
            public MembershipSnapshot membership(
                final long clientId, final long leaseTimeoutMs, final MembershipQuery query)
            {
                queries.add(query);
                final MemberNode self = new MemberNode(new NodeView(SELF, "node-a", server.endpoint(), 8L << 30), 5L);
                final MemberNode other = new MemberNode(new NodeView(OTHER, "node-b", "127.0.0.1:1", 4L << 30), -1);
                switch (query.kind())
                {
                    case LEASE_ONLY:
                        return MembershipSnapshot.leaseOnly(SELF, "node-a", leaseTimeoutMs, 77, 12);

                    case DELTA:
                        return new MembershipSnapshot(SELF, "node-a", leaseTimeoutMs, List.of(other),
                            List.of(new DepartedNode(GONE, true)), MembershipAnswerKind.DELTA, 77, 12);

                    default:
                        return new MembershipSnapshot(SELF, "node-a", leaseTimeoutMs, List.of(self, other),
                            List.of(new DepartedNode(GONE, true)), MembershipAnswerKind.COMPLETE, 77, 12);
                }
            }
        };
        server = BlockServer.launch(new BlockServer.Context()
            .aeron(nodeDriver.aeron())
            .endpoint(nextEndpoint())
            .nodeName("node-a")
            .errorHandler(serverErrors::add)
            .handler(handler));
        client = BlockClient.connect(new BlockClient.Context()
            .aeron(clientDriver.aeron())
            .responseEndpoint(nextEndpoint()));
    }

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(client, server, clientDriver, nodeDriver);
    }

    @Test
    @Timeout(30)
    void shouldCarryTheQueryToTheHandlerAndTheAnswerKindEpochAndSequenceBack()
    {
        final MembershipQuery delta = MembershipQuery.delta(SELF, 77, 9);
        final MembershipSnapshot deltaAnswer = client.membership(server.endpoint(), 10_000, delta);
        final MembershipSnapshot leaseAnswer = client.membership(server.endpoint(), 10_000, MembershipQuery.LEASE_ONLY);
        final MembershipSnapshot fullAnswer = client.membership(server.endpoint(), 10_000);

        assertEquals(List.of(delta, MembershipQuery.LEASE_ONLY, MembershipQuery.FULL), queries);
        assertEquals(MembershipAnswerKind.DELTA, deltaAnswer.kind());
        assertEquals(77, deltaAnswer.epoch());
        assertEquals(12, deltaAnswer.sequence());
        assertEquals(List.of(new MemberNode(new NodeView(OTHER, "node-b", "127.0.0.1:1", 4L << 30), -1)),
            deltaAnswer.nodes());
        assertEquals(List.of(new DepartedNode(GONE, true)), deltaAnswer.departed());
        assertEquals(MembershipAnswerKind.LEASE_ONLY, leaseAnswer.kind());
        assertEquals(10_000, leaseAnswer.grantedLeaseMs());
        assertTrue(leaseAnswer.nodes().isEmpty() && leaseAnswer.departed().isEmpty());
        assertEquals(MembershipAnswerKind.COMPLETE, fullAnswer.kind());
        assertEquals(2, fullAnswer.nodes().size());
        assertTrue(serverErrors.isEmpty(), serverErrors::toString);
    }

    @Test
    @Timeout(30)
    void shouldAnswerAVersion3RequestInFull()
    {
        try (RawPeer peer = new RawPeer(clientDriver.aeron(), server.endpoint(), nextEndpoint()))
        {
            final UnsafeBuffer v3 = version3Request(41, 3_000, peer.responseChannel, peer.responseStreamId);
            peer.send(v3, 0, v3.capacity());

            final MembershipResponseDecoder answer = new MembershipResponseDecoder();
            final MessageHeaderDecoder header = new MessageHeaderDecoder();
            final int[] nodes = { -1 };
            final MembershipAnswerKind[] kind = new MembershipAnswerKind[1];
            final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, h) ->
            {
                header.wrap(buffer, offset);
                if (MembershipResponseDecoder.TEMPLATE_ID == header.templateId())
                {
                    answer.wrapAndApplyHeader(buffer, offset, header);
                    kind[0] = MembershipCodec.readAnswerKind(answer, header.version());
                    nodes[0] = answer.nodes().count();
                }
            });
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (null == kind[0])
            {
                if (System.nanoTime() > deadlineNs)
                {
                    fail("no MembershipResponse to a version 3 request; server errors " + serverErrors);
                }
                if (0 == peer.responses.poll(assembler, 10))
                {
                    Thread.yield();
                }
            }
            assertEquals(List.of(MembershipQuery.FULL), queries);
            assertEquals(MembershipAnswerKind.COMPLETE, kind[0]);
            assertEquals(2, nodes[0]);
        }
    }

    @Test
    void shouldRoundTripTheVersion4RequestFieldsAndReadAVersion3RequestAsFull()
    {
        final MembershipQuery delta = MembershipQuery.delta(OTHER, -5, 1234);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        MembershipCodec.writeQuery(new MembershipRequestEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(1).clientId(2).deadlineEpochNs(3).responseStreamId(4).leaseTimeoutMs(5), delta)
            .responseChannel("aeron:udp?endpoint=127.0.0.1:1");
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, 0);
        assertEquals(MembershipCodec.DELTA_VERSION, header.version());
        final MembershipRequestDecoder decoder = new MembershipRequestDecoder();
        assertEquals(delta, MembershipCodec.readQuery(
            decoder.wrapAndApplyHeader(buffer, 0, header), header.version()));
        assertEquals("aeron:udp?endpoint=127.0.0.1:1", decoder.responseChannel());

        for (final MembershipQuery query : List.of(MembershipQuery.FULL, MembershipQuery.LEASE_ONLY))
        {
            MembershipCodec.writeQuery(new MembershipRequestEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder),
                query).responseChannel("x");
            assertEquals(query, MembershipCodec.readQuery(
                decoder.wrapAndApplyHeader(buffer, 0, header.wrap(buffer, 0)), MembershipCodec.DELTA_VERSION));
        }

        final UnsafeBuffer v3 = version3Request(6, 7_000, "aeron:udp?endpoint=127.0.0.1:2", 8);
        header.wrap(v3, 0);
        assertEquals(3, header.version());
        assertEquals(MembershipCodec.MIN_REQUEST_BLOCK_LENGTH, header.blockLength());
        decoder.wrapAndApplyHeader(v3, 0, header);
        assertEquals(MembershipQuery.FULL, MembershipCodec.readQuery(decoder, header.version()));
        assertEquals(7_000, decoder.leaseTimeoutMs());
        assertEquals("aeron:udp?endpoint=127.0.0.1:2", decoder.responseChannel());
    }

    @Test
    void shouldRoundTripTheVersion4AnswerFieldsReadAVersion3AnswerAsCompleteAndCountItsBytes()
    {
        final MembershipSnapshot snapshot = new MembershipSnapshot(SELF, "node-ä", 9_000,
            List.of(new MemberNode(new NodeView(OTHER, "node-b", "10.0.0.2:40001", 1L << 30), 512)),
            List.of(new DepartedNode(GONE, false)), MembershipAnswerKind.DELTA, -3, 99);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final int length = MembershipCodec.encodeResponse(buffer, new MessageHeaderEncoder(),
            new MembershipResponseEncoder(), 5, snapshot, "node-ä".getBytes(StandardCharsets.UTF_8));
        assertEquals(MembershipCodec.encodedResponseLength(snapshot), length);

        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, 0);
        final MembershipResponseDecoder decoder = new MembershipResponseDecoder().wrapAndApplyHeader(buffer, 0, header);
        assertEquals(MembershipAnswerKind.DELTA, MembershipCodec.readAnswerKind(decoder, header.version()));
        assertEquals(-3, decoder.epoch());
        assertEquals(99, decoder.sequence());
        assertEquals(MembershipAnswerKind.COMPLETE, MembershipCodec.readAnswerKind(decoder, 3));

        final MembershipSnapshot leaseOnly = MembershipSnapshot.leaseOnly(SELF, "node-a", 1, 2, 3);
        assertEquals(MembershipCodec.encodedResponseLength(leaseOnly), MembershipCodec.encodeResponse(buffer,
            new MessageHeaderEncoder(), new MembershipResponseEncoder(), 5, leaseOnly,
            "node-a".getBytes(StandardCharsets.UTF_8)));
    }

    private static String nextEndpoint()
    {
        return "127.0.0.1:" + (43000 + NEXT_PORT.getAndIncrement() % 40);
    }

    /**
     * A MembershipRequest as a version 3 client encodes it: header version 3, the 36-byte root block of versions 2
     * and 3, then the response channel.
     */
    private static UnsafeBuffer version3Request(
        final long correlationId, final long leaseMs, final String responseChannel, final int responseStreamId)
    {
        final UnsafeBuffer v4 = new UnsafeBuffer(new byte[512]);
        final MembershipRequestEncoder encoder = new MembershipRequestEncoder()
            .wrapAndApplyHeader(v4, 0, new MessageHeaderEncoder())
            .correlationId(correlationId)
            .clientId(0x5EED)
            .deadlineEpochNs(System.currentTimeMillis() * 1_000_000L + TimeUnit.SECONDS.toNanos(30))
            .responseStreamId(responseStreamId)
            .leaseTimeoutMs(leaseMs)
            .responseChannel(responseChannel);
        final int varStart = MessageHeaderEncoder.ENCODED_LENGTH + MembershipRequestEncoder.BLOCK_LENGTH;
        final int varLength = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength() - varStart;
        final int v3Length = MessageHeaderEncoder.ENCODED_LENGTH + MembershipCodec.MIN_REQUEST_BLOCK_LENGTH + varLength;
        final UnsafeBuffer v3 = new UnsafeBuffer(new byte[v3Length]);
        new MessageHeaderEncoder().wrap(v3, 0)
            .blockLength(MembershipCodec.MIN_REQUEST_BLOCK_LENGTH)
            .templateId(MembershipRequestEncoder.TEMPLATE_ID)
            .schemaId(MembershipRequestEncoder.SCHEMA_ID)
            .version(3);
        v3.putBytes(MessageHeaderEncoder.ENCODED_LENGTH, v4, MessageHeaderEncoder.ENCODED_LENGTH,
            MembershipCodec.MIN_REQUEST_BLOCK_LENGTH);
        v3.putBytes(MessageHeaderEncoder.ENCODED_LENGTH + MembershipCodec.MIN_REQUEST_BLOCK_LENGTH, v4, varStart,
            varLength);
        return v3;
    }
}
