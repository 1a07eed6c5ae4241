/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.tierpool.transport.codecs.GetRequestDecoder;
import io.tierpool.transport.codecs.GetResponseEncoder;
import io.tierpool.transport.codecs.MessageHeaderDecoder;
import io.tierpool.transport.codecs.MessageHeaderEncoder;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;

import java.util.concurrent.TimeUnit;

/**
 * A misbehaving node for client tests: answers every GetRequest with one GetResponse carrying the given bytes and
 * the given (possibly wrong) checksum, on its own thread.
 */
final class FakeNode implements AutoCloseable
{
    private final Aeron aeron;
    private final Subscription requests;
    private final byte[] block;
    private final int crc32c;
    private final Thread thread;
    private volatile boolean running = true;

    FakeNode(final Aeron aeron, final String endpoint, final byte[] block, final int crc32c)
    {
        this.aeron = aeron;
        this.block = block;
        this.crc32c = crc32c;
        this.requests = aeron.addSubscription(
            Endpoints.udpChannel(endpoint), TransportConfiguration.REQUEST_STREAM_ID_DEFAULT);
        this.thread = new Thread(this::run, "fake-node");
        this.thread.start();
    }

    private void run()
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final GetRequestDecoder get = new GetRequestDecoder();
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(block.length + 1024);
        final GetResponseEncoder response = new GetResponseEncoder();
        final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, h) ->
        {
            header.wrap(buffer, offset);
            if (GetRequestDecoder.TEMPLATE_ID != header.templateId())
            {
                return;
            }
            get.wrapAndApplyHeader(buffer, offset, header);
            final long correlationId = get.correlationId();
            final long blockId = get.blockId();
            final int streamId = get.responseStreamId();
            final String channel = get.responseChannel();

            response.wrapAndApplyHeader(out, 0, new MessageHeaderEncoder())
                .correlationId(correlationId)
                .blockId(blockId)
                .totalLength(block.length)
                .chunkOffset(0)
                .crc32c(crc32c)
                .putData(block, 0, block.length);
            try (ExclusivePublication publication = aeron.addExclusivePublication(channel, streamId))
            {
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (publication.offer(out, 0, MessageHeaderEncoder.ENCODED_LENGTH + response.encodedLength()) < 0 &&
                    System.nanoTime() < deadlineNs)
                {
                    Thread.yield();
                }
            }
        });

        while (running)
        {
            if (0 == requests.poll(assembler, 10))
            {
                Thread.yield();
            }
        }
    }

    public void close() throws InterruptedException
    {
        running = false;
        thread.join(10_000);
        CloseHelper.close(requests);
    }
}
