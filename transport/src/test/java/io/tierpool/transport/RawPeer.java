/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.tierpool.transport.codecs.ErrorDecoder;
import io.tierpool.transport.codecs.MessageHeaderDecoder;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Talks to a {@link BlockServer} with hand-made messages, bypassing {@link BlockClient}: a raw publication to the
 * server's request stream and a raw subscription for responses.
 */
final class RawPeer implements AutoCloseable
{
    final ExclusivePublication publication;
    final Subscription responses;
    final String responseChannel;
    final int responseStreamId = 9901;

    RawPeer(final Aeron aeron, final String serverEndpoint, final String responseEndpoint)
    {
        publication = aeron.addExclusivePublication(
            Endpoints.udpChannel(serverEndpoint), TransportConfiguration.REQUEST_STREAM_ID_DEFAULT);
        responseChannel = Endpoints.udpChannel(responseEndpoint);
        responses = aeron.addSubscription(responseChannel, responseStreamId);

        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!publication.isConnected())
        {
            assertTrue(System.nanoTime() < deadlineNs, "raw publication did not connect to " + serverEndpoint);
            Thread.onSpinWait();
        }
    }

    void send(final DirectBuffer buffer, final int offset, final int length)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (publication.offer(buffer, offset, length) < 0)
        {
            assertTrue(System.nanoTime() < deadlineNs, "raw offer did not go through");
            Thread.yield();
        }
    }

    void send(final byte[] bytes)
    {
        send(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    /**
     * Wait for the next Error message and return its code.
     */
    ErrorCode awaitError(final long correlationId)
    {
        final ErrorCode[] received = new ErrorCode[1];
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final ErrorDecoder error = new ErrorDecoder();
        final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, h) ->
        {
            header.wrap(buffer, offset);
            if (ErrorDecoder.TEMPLATE_ID == header.templateId())
            {
                error.wrapAndApplyHeader(buffer, offset, header);
                if (error.correlationId() == correlationId)
                {
                    received[0] = ErrorCode.fromWire(error.codeRaw());
                }
            }
        });

        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (null == received[0])
        {
            if (System.nanoTime() > deadlineNs)
            {
                fail("no Error response for correlation id " + correlationId);
            }
            if (0 == responses.poll(assembler, 10))
            {
                Thread.yield();
            }
        }
        return received[0];
    }

    public void close()
    {
        CloseHelper.closeAll(publication, responses);
    }
}
