/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.transport.codecs.FreeRequestDecoder;
import io.tierpool.transport.codecs.GetRequestDecoder;
import io.tierpool.transport.codecs.LeaveRequestDecoder;
import io.tierpool.transport.codecs.MembershipRequestDecoder;
import io.tierpool.transport.codecs.MessageHeaderDecoder;
import io.tierpool.transport.codecs.PutBatchRequestDecoder;
import io.tierpool.transport.codecs.PutRequestDecoder;
import io.tierpool.transport.codecs.UsageRequestDecoder;
import org.agrona.DirectBuffer;

/**
 * Reads what every request carries to be answered, whatever its template: correlation id, deadline, response stream
 * id and where its response channel field starts. The node uses it to refuse a request it will not serve (no
 * session) without the per-template code that serves it.
 * <p>
 * Thread-safety: none; one per agent.
 */
final class RequestEnvelope
{
    private static final int GENERATION_LENGTH = 8;

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final PutRequestDecoder put = new PutRequestDecoder();
    private final GetRequestDecoder get = new GetRequestDecoder();
    private final FreeRequestDecoder free = new FreeRequestDecoder();
    private final UsageRequestDecoder usage = new UsageRequestDecoder();
    private final MembershipRequestDecoder membership = new MembershipRequestDecoder();
    private final LeaveRequestDecoder leave = new LeaveRequestDecoder();
    private final PutBatchRequestDecoder batch = new PutBatchRequestDecoder();

    long correlationId;
    long deadlineEpochNs;
    int responseStreamId;
    int channelOffset;

    /**
     * @return true when the message is a request of a known template with its fixed fields whole (the fields above
     * are then set); false otherwise.
     * @throws IndexOutOfBoundsException when a batch's group runs past the buffer.
     */
    boolean read(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return false;
        }
        headerDecoder.wrap(buffer, offset);
        if (MessageHeaderDecoder.SCHEMA_ID != headerDecoder.schemaId())
        {
            return false;
        }
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int available = offset + length - bodyOffset;
        final int generation = version >= 1 ? 0 : GENERATION_LENGTH;
        switch (headerDecoder.templateId())
        {
            case PutRequestDecoder.TEMPLATE_ID:
                if (!fits(blockLength, PutRequestDecoder.BLOCK_LENGTH - generation, available))
                {
                    return false;
                }
                put.wrap(buffer, bodyOffset, blockLength, version);
                return set(put.correlationId(), put.deadlineEpochNs(), put.responseStreamId(), put.limit());

            case GetRequestDecoder.TEMPLATE_ID:
                if (!fits(blockLength, GetRequestDecoder.BLOCK_LENGTH - generation, available))
                {
                    return false;
                }
                get.wrap(buffer, bodyOffset, blockLength, version);
                return set(get.correlationId(), get.deadlineEpochNs(), get.responseStreamId(), get.limit());

            case FreeRequestDecoder.TEMPLATE_ID:
                if (!fits(blockLength, FreeRequestDecoder.BLOCK_LENGTH - generation, available))
                {
                    return false;
                }
                free.wrap(buffer, bodyOffset, blockLength, version);
                return set(free.correlationId(), free.deadlineEpochNs(), free.responseStreamId(), free.limit());

            case UsageRequestDecoder.TEMPLATE_ID:
                if (!fits(blockLength, UsageRequestDecoder.BLOCK_LENGTH, available))
                {
                    return false;
                }
                usage.wrap(buffer, bodyOffset, blockLength, version);
                return set(usage.correlationId(), usage.deadlineEpochNs(), usage.responseStreamId(), usage.limit());

            case MembershipRequestDecoder.TEMPLATE_ID:
                if (!fits(blockLength, version >= MembershipCodec.DELTA_VERSION ? MembershipRequestDecoder.BLOCK_LENGTH :
                    MembershipCodec.MIN_REQUEST_BLOCK_LENGTH, available))
                {
                    return false;
                }
                membership.wrap(buffer, bodyOffset, blockLength, version);
                return set(membership.correlationId(), membership.deadlineEpochNs(), membership.responseStreamId(),
                    membership.limit());

            case LeaveRequestDecoder.TEMPLATE_ID:
                if (!fits(blockLength, LeaveRequestDecoder.BLOCK_LENGTH, available))
                {
                    return false;
                }
                leave.wrap(buffer, bodyOffset, blockLength, version);
                return set(leave.correlationId(), leave.deadlineEpochNs(), leave.responseStreamId(), leave.limit());

            case PutBatchRequestDecoder.TEMPLATE_ID:
                if (!fits(blockLength, PutBatchRequestDecoder.BLOCK_LENGTH, available))
                {
                    return false;
                }
                batch.wrap(buffer, bodyOffset, blockLength, version);
                final long correlation = batch.correlationId();
                final long deadline = batch.deadlineEpochNs();
                final int streamId = batch.responseStreamId();
                for (final PutBatchRequestDecoder.BlocksDecoder ignored : batch.blocks())
                {
                    // skipped: only the response channel after the group is needed
                }
                return set(correlation, deadline, streamId, batch.limit());

            default:
                return false;
        }
    }

    private static boolean fits(final int actingBlockLength, final int schemaBlockLength, final int available)
    {
        return actingBlockLength >= schemaBlockLength && actingBlockLength <= available;
    }

    private boolean set(final long correlationId, final long deadlineEpochNs, final int streamId, final int channel)
    {
        this.correlationId = correlationId;
        this.deadlineEpochNs = deadlineEpochNs;
        this.responseStreamId = streamId;
        this.channelOffset = channel;
        return true;
    }
}
