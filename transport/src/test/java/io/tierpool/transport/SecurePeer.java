/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.tierpool.transport.codecs.AckDecoder;
import io.tierpool.transport.codecs.ErrorDecoder;
import io.tierpool.transport.codecs.FreeRequestEncoder;
import io.tierpool.transport.codecs.GetRequestEncoder;
import io.tierpool.transport.codecs.HelloRequestEncoder;
import io.tierpool.transport.codecs.HelloResponseDecoder;
import io.tierpool.transport.codecs.MessageHeaderDecoder;
import io.tierpool.transport.codecs.MessageHeaderEncoder;
import io.tierpool.transport.codecs.ProofRequestEncoder;
import io.tierpool.transport.codecs.PutRequestEncoder;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A hand-driven secured client for tests: runs the handshake itself over a {@link RawPeer} and seals whatever
 * messages a test builds, including ones a real {@link BlockClient} never sends (another client's id, replays,
 * altered bytes), so that the node's refusals can be provoked one by one.
 */
final class SecurePeer implements AutoCloseable
{
    final RawPeer raw;
    final long clientId;
    final SecureSession session;
    final MessageSealer sealer = new MessageSealer();
    final Map<Long, Integer> responses = new HashMap<>();
    private final byte[] channel;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final FragmentAssembler assembler;

    SecurePeer(
        final Aeron aeron,
        final String serverEndpoint,
        final String responseEndpoint,
        final ClusterSecret secret,
        final long clientId,
        final boolean encryption)
    {
        this.raw = new RawPeer(aeron, serverEndpoint, responseEndpoint);
        this.clientId = clientId;
        this.channel = raw.responseChannel.getBytes(StandardCharsets.UTF_8);
        this.assembler = new FragmentAssembler((buffer, offset, length, header) ->
        {
            headerDecoder.wrap(buffer, offset);
            responses.put(buffer.getLong(offset + MessageHeaderDecoder.ENCODED_LENGTH, ByteOrder.LITTLE_ENDIAN),
                headerDecoder.templateId() == ErrorDecoder.TEMPLATE_ID ?
                -(int)buffer.getByte(offset + MessageHeaderDecoder.ENCODED_LENGTH + 16) : headerDecoder.templateId());
            if (HelloResponseDecoder.TEMPLATE_ID == headerDecoder.templateId())
            {
                final HelloResponseDecoder hello = new HelloResponseDecoder().wrapAndApplyHeader(
                    buffer, offset, headerDecoder);
                helloSessionId = hello.sessionId();
                helloFlags = hello.flags();
                hello.getNodeNonce(nodeNonce, 0, nodeNonce.length);
            }
        });

        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1024);
        final byte[] clientNonce = SessionKeys.nonce();
        final HelloRequestEncoder hello = new HelloRequestEncoder().wrapAndApplyHeader(out, 0, headerEncoder)
            .correlationId(1).clientId(clientId).deadlineEpochNs(System.currentTimeMillis() * 1_000_000L + 10_000_000_000L)
            .responseStreamId(raw.responseStreamId).flags(encryption ? 1 : 0)
            .putClientNonce(clientNonce, 0, clientNonce.length).putResponseChannel(channel, 0, channel.length);
        raw.send(out, 0, MessageHeaderEncoder.ENCODED_LENGTH + hello.encodedLength());
        awaitResponse(1);
        final SessionKeys keys = SessionKeys.derive(
            secret.bytes(), clientNonce, nodeNonce, helloSessionId, clientId, helloFlags);
        session = new SecureSession(helloSessionId, clientId, (helloFlags & 1) != 0, keys, 1);

        final ProofRequestEncoder proof = new ProofRequestEncoder().wrapAndApplyHeader(out, 0, headerEncoder)
            .correlationId(2).clientId(clientId).deadlineEpochNs(System.currentTimeMillis() * 1_000_000L + 10_000_000_000L)
            .responseStreamId(raw.responseStreamId).sessionId(helloSessionId)
            .putProof(keys.clientProof, 0, keys.clientProof.length).putResponseChannel(channel, 0, channel.length);
        raw.send(out, 0, MessageHeaderEncoder.ENCODED_LENGTH + proof.encodedLength());
        final int answer = awaitResponse(2);
        assertTrue(AckDecoder.TEMPLATE_ID == answer, "handshake refused: " + answer);
    }

    private long helloSessionId;
    private int helloFlags;
    private final byte[] nodeNonce = new byte[SessionKeys.NONCE_LENGTH];

    /**
     * Encode (not send) a sealed put of a whole block in one message, naming {@code namedClientId}.
     *
     * @return the sealed length.
     */
    int sealedPut(
        final MutableDirectBuffer out, final long correlationId, final long namedClientId, final long blockId,
        final byte[] data)
    {
        final CRC32C crc = new CRC32C();
        crc.update(data);
        final PutRequestEncoder put = new PutRequestEncoder().wrapAndApplyHeader(out, 0, headerEncoder)
            .correlationId(correlationId).clientId(namedClientId).blockId(blockId).deadlineEpochNs(deadline())
            .totalLength(data.length).chunkOffset(0).crc32c((int)crc.getValue())
            .responseStreamId(raw.responseStreamId).generation(0).putResponseChannel(channel, 0, channel.length)
            .putData(data, 0, data.length);
        return seal(out, MessageHeaderEncoder.ENCODED_LENGTH + put.encodedLength());
    }

    int sealedGet(final MutableDirectBuffer out, final long correlationId, final long namedClientId, final long blockId)
    {
        final GetRequestEncoder get = new GetRequestEncoder().wrapAndApplyHeader(out, 0, headerEncoder)
            .correlationId(correlationId).clientId(namedClientId).blockId(blockId).deadlineEpochNs(deadline())
            .responseStreamId(raw.responseStreamId).generation(0).putResponseChannel(channel, 0, channel.length);
        return seal(out, MessageHeaderEncoder.ENCODED_LENGTH + get.encodedLength());
    }

    int sealedFree(final MutableDirectBuffer out, final long correlationId, final long namedClientId, final long blockId)
    {
        final FreeRequestEncoder free = new FreeRequestEncoder().wrapAndApplyHeader(out, 0, headerEncoder)
            .correlationId(correlationId).clientId(namedClientId).blockId(blockId).deadlineEpochNs(deadline())
            .responseStreamId(raw.responseStreamId).generation(0).putResponseChannel(channel, 0, channel.length);
        return seal(out, MessageHeaderEncoder.ENCODED_LENGTH + free.encodedLength());
    }

    private int seal(final MutableDirectBuffer out, final int length)
    {
        return sealer.seal(session, out, 0, length, 0);
    }

    private static long deadline()
    {
        return System.currentTimeMillis() * 1_000_000L + TimeUnit.SECONDS.toNanos(10);
    }

    /**
     * @return the template id of the response with this correlation id, or minus the error code for an Error.
     */
    int awaitResponse(final long correlationId)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!responses.containsKey(correlationId))
        {
            if (System.nanoTime() > deadlineNs)
            {
                fail("no response for correlation id " + correlationId);
            }
            if (0 == raw.responses.poll(assembler, 10))
            {
                Thread.yield();
            }
        }
        return responses.get(correlationId);
    }

    void drain()
    {
        while (raw.responses.poll(assembler, 100) > 0)
        {
            Thread.onSpinWait();
        }
    }

    public void close()
    {
        CloseHelper.close(raw);
    }
}
