/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.client.NodeUsage;

import io.tierpool.client.TierUsage;

import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.tierpool.transport.codecs.AckDecoder;
import io.tierpool.transport.codecs.ErrorDecoder;
import io.tierpool.transport.codecs.GetResponseDecoder;
import io.tierpool.transport.codecs.MessageHeaderDecoder;
import io.tierpool.transport.codecs.PutBatchResponseDecoder;
import io.tierpool.transport.codecs.UsageResponseDecoder;
import io.tierpool.transport.codecs.MembershipAnswerKind;
import io.tierpool.transport.codecs.MembershipResponseDecoder;
import io.tierpool.client.NodeView;
import java.util.UUID;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;

/**
 * Decodes the responses on a {@link BlockClient}'s response subscription and hands each to the request with its
 * correlation id: an Ack, a UsageResponse or a MembershipResponse completes it, an Error fails it (or, for {@link ErrorCode#BUSY} to a
 * put, sends it to back off), GetResponse chunks are copied into the get's destination, and a PutBatchResponse
 * fills in the outcome of each block of the batch message. A response whose correlation id is not pending (an
 * answer to a request that timed out, or a duplicate) is counted as stale and dropped.
 * <p>
 * Owned by whichever thread holds the client's poll claim (the receiver agent, or a caller waiting for its own
 * answer); the decoders are reused, never shared between two threads at once.
 */
final class ResponseDispatcher implements FragmentHandler
{
    private final PendingRequests client;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final AckDecoder ackDecoder = new AckDecoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();
    private final GetResponseDecoder getResponseDecoder = new GetResponseDecoder();
    private final UsageResponseDecoder usageResponseDecoder = new UsageResponseDecoder();
    private final PutBatchResponseDecoder batchDecoder = new PutBatchResponseDecoder();
    private final MembershipResponseDecoder membershipDecoder = new MembershipResponseDecoder();
    private int limit;

    ResponseDispatcher(final PendingRequests client)
    {
        this.client = client;
    }

    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            client.onStaleResponse();
            return;
        }

        headerDecoder.wrap(buffer, offset);
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        limit = offset + length;
        if (MessageHeaderDecoder.SCHEMA_ID != headerDecoder.schemaId() || blockLength > limit - bodyOffset)
        {
            client.onStaleResponse();
            return;
        }

        switch (headerDecoder.templateId())
        {
            case AckDecoder.TEMPLATE_ID:
                if (blockLength >= AckDecoder.BLOCK_LENGTH)
                {
                    final BlockRequest request = client.takePending(
                        ackDecoder.wrap(buffer, bodyOffset, blockLength, version).correlationId());
                    if (null != request && (BlockRequest.PUT.equals(request.operation) ||
                        BlockRequest.FREE.equals(request.operation) || BlockRequest.LEAVE.equals(request.operation)))
                    {
                        client.complete(request, null);
                        return;
                    }
                    failUnexpected(request, "an Ack");
                }
                break;

            case ErrorDecoder.TEMPLATE_ID:
                if (blockLength >= ErrorDecoder.BLOCK_LENGTH)
                {
                    final BlockRequest request = client.takePending(
                        errorDecoder.wrap(buffer, bodyOffset, blockLength, version).correlationId());
                    if (null != request)
                    {
                        onError(request, buffer);
                        return;
                    }
                }
                break;

            case GetResponseDecoder.TEMPLATE_ID:
                if (blockLength >= GetResponseDecoder.BLOCK_LENGTH)
                {
                    final long correlationId =
                        getResponseDecoder.wrap(buffer, bodyOffset, blockLength, version).correlationId();
                    final BlockRequest request = client.peekPending(correlationId);
                    if (null != request && BlockRequest.GET.equals(request.operation) && request.beginReceive())
                    {
                        onGetChunk(request, buffer);
                        return;
                    }
                }
                break;

            case UsageResponseDecoder.TEMPLATE_ID:
                if (blockLength >= UsageResponseDecoder.BLOCK_LENGTH)
                {
                    final BlockRequest request = client.takePending(
                        usageResponseDecoder.wrap(buffer, bodyOffset, blockLength, version).correlationId());
                    if (null != request && BlockRequest.USAGE.equals(request.operation))
                    {
                        onUsage(request, buffer);
                        return;
                    }
                    failUnexpected(request, "a usage report");
                }
                break;

            case MembershipResponseDecoder.TEMPLATE_ID:
                if (blockLength >= (version >= MembershipCodec.DELTA_VERSION ? MembershipResponseDecoder.BLOCK_LENGTH :
                    MembershipCodec.MIN_RESPONSE_BLOCK_LENGTH))
                {
                    final BlockRequest request = client.takePending(
                        membershipDecoder.wrap(buffer, bodyOffset, blockLength, version).correlationId());
                    if (null != request && BlockRequest.MEMBERSHIP.equals(request.operation))
                    {
                        onMembership(request, buffer, version);
                        return;
                    }
                    failUnexpected(request, "a membership response");
                }
                break;

            case PutBatchResponseDecoder.TEMPLATE_ID:
                if (blockLength >= PutBatchResponseDecoder.BLOCK_LENGTH)
                {
                    final BlockRequest request = client.takePending(
                        batchDecoder.wrap(buffer, bodyOffset, blockLength, version).correlationId());
                    if (null != request && BlockRequest.BATCH_PUT.equals(request.operation))
                    {
                        onBatchResponse(request, buffer);
                        return;
                    }
                    failUnexpected(request, "a batch put response");
                }
                break;

            default:
                break;
        }

        client.onStaleResponse();
    }

    private void failUnexpected(final BlockRequest request, final String what)
    {
        if (null != request)
        {
            client.complete(request, protocolFailure(request, "the node answered with " + what));
        }
    }

    private void onError(final BlockRequest request, final DirectBuffer buffer)
    {
        final ErrorCode code = ErrorCode.fromWire(errorDecoder.codeRaw());
        final int nodeNameEnd = varFieldEnd(buffer, errorDecoder.limit());
        if (nodeNameEnd < 0)
        {
            client.complete(request, protocolFailure(request, "the node's error response is malformed (code " +
                code + ")"));
            return;
        }
        final String nodeName = varString(buffer, errorDecoder.limit());
        final int messageEnd = varFieldEnd(buffer, nodeNameEnd);
        final String message = messageEnd < 0 ? "(no message)" : varString(buffer, nodeNameEnd);
        final RemoteErrorException ex = new RemoteErrorException(
            code, nodeName, request.nodeEndpoint, request.blockId, request.operation, message);

        if (ErrorCode.BUSY == code && BlockRequest.PUT.equals(request.operation))
        {
            client.onBusy(request, ex);
            return;
        }
        client.complete(request, ex);
    }

    private void onGetChunk(final BlockRequest request, final DirectBuffer buffer)
    {
        final GetResponseDecoder decoder = getResponseDecoder;
        final int totalLength = decoder.totalLength();
        final int chunkOffset = decoder.chunkOffset();
        final int checksum = decoder.crc32c();
        final int dataEnd = varFieldEnd(buffer, decoder.limit());
        final int dataOffset = decoder.limit() + GetResponseDecoder.dataHeaderLength();
        final int dataLength = dataEnd - dataOffset;

        if (dataEnd < 0 || dataLength < 1 || totalLength < 1 || chunkOffset < 0 ||
            dataLength > totalLength - chunkOffset)
        {
            failGet(request, protocolFailure(request, "the node sent a malformed chunk (offset " + chunkOffset +
                ", " + dataLength + " of " + totalLength + " bytes)"));
            return;
        }

        if (request.totalLength < 0)
        {
            if (0 != chunkOffset)
            {
                failGet(request, protocolFailure(request, "the first chunk starts at " + chunkOffset +
                    " instead of 0"));
                return;
            }

            if (totalLength > request.maxLength)
            {
                failGet(request, new IllegalArgumentException(request.operation + " of block " + request.blockId +
                    " on node " + request.nodeEndpoint + " failed: the block is " + totalLength +
                    " bytes but maxLength is " + request.maxLength + ": pass a buffer of at least " + totalLength +
                    " bytes"));
                return;
            }
            request.totalLength = totalLength;
            request.crc32c = checksum;
            client.extendDeadline(request, totalLength);
        }
        else if (totalLength != request.totalLength || checksum != request.crc32c ||
            chunkOffset != request.received)
        {
            failGet(request, protocolFailure(request, "chunk at " + chunkOffset + " (" + totalLength +
                " bytes in all) does not continue the " + request.totalLength + "-byte block received up to " +
                request.received));
            return;
        }

        request.dst.putBytes(request.dstOffset + chunkOffset, buffer, dataOffset, dataLength);
        request.received += dataLength;
        request.endReceive();
        if (request.received == request.totalLength)
        {
            client.removePending(request);
            client.complete(request, null);
        }
    }

    private void failGet(final BlockRequest request, final RuntimeException failure)
    {
        request.endReceive();
        client.removePending(request);
        client.complete(request, failure);
    }

    private void onUsage(final BlockRequest request, final DirectBuffer buffer)
    {
        final UsageResponseDecoder decoder = usageResponseDecoder;
        if (decoder.limit() + UsageResponseDecoder.TiersDecoder.sbeHeaderSize() > limit)
        {
            client.complete(request, protocolFailure(request, "the node's usage response is malformed"));
            return;
        }

        final UsageResponseDecoder.TiersDecoder tiersDecoder = decoder.tiers();
        final int count = tiersDecoder.count();
        final ArrayList<TierUsage> tiers = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            if (decoder.limit() + tiersDecoder.actingBlockLength() > limit)
            {
                client.complete(request, protocolFailure(request, "the node's usage response is truncated at tier " +
                    i));
                return;
            }
            tiersDecoder.next();
            final long capacityBytes = tiersDecoder.capacityBytes();
            final long usedBytes = tiersDecoder.usedBytes();
            final long blockCount = tiersDecoder.blockCount();
            final int tierEnd = varFieldEnd(buffer, decoder.limit());
            if (tierEnd < 0 || capacityBytes < 0 || usedBytes < 0 || blockCount < 0)
            {
                client.complete(request, protocolFailure(request, "the node's usage response has a malformed tier " +
                    i));
                return;
            }
            final String tierName = varString(buffer, decoder.limit());
            decoder.limit(tierEnd);
            tiers.add(new TierUsage(tierName, capacityBytes, usedBytes, blockCount));
        }

        final int nodeNameEnd = varFieldEnd(buffer, decoder.limit());
        if (nodeNameEnd < 0)
        {
            client.complete(request, protocolFailure(request, "the node's usage response has no node name"));
            return;
        }

        request.usage = new NodeUsage(varString(buffer, decoder.limit()), tiers);
        client.complete(request, null);
    }

    private void onMembership(final BlockRequest request, final DirectBuffer buffer, final int version)
    {
        final MembershipResponseDecoder decoder = membershipDecoder;
        final long grantedLeaseMs = decoder.grantedLeaseMs();
        final UUID answeringNodeId = new UUID(decoder.answeringNodeIdMsb(), decoder.answeringNodeIdLsb());
        final MembershipAnswerKind kind = MembershipCodec.readAnswerKind(decoder, version);
        final long epoch = version >= MembershipCodec.DELTA_VERSION ? decoder.epoch() : 0;
        final long sequence = version >= MembershipCodec.DELTA_VERSION ? decoder.sequence() : 0;
        if (grantedLeaseMs < 0 || MembershipAnswerKind.NULL_VAL == kind || sequence < 0 ||
            decoder.limit() + MembershipResponseDecoder.NodesDecoder.sbeHeaderSize() > limit)
        {
            client.complete(request, protocolFailure(request, "the node's membership response is malformed"));
            return;
        }

        final MembershipResponseDecoder.NodesDecoder nodesDecoder = decoder.nodes();
        final int nodeCount = nodesDecoder.count();
        final ArrayList<MemberNode> nodes = new ArrayList<>(nodeCount);
        for (int i = 0; i < nodeCount; i++)
        {
            if (decoder.limit() + nodesDecoder.actingBlockLength() > limit)
            {
                client.complete(request, protocolFailure(request,
                    "the node's membership response is truncated at node " + i));
                return;
            }
            nodesDecoder.next();
            final UUID nodeId = new UUID(nodesDecoder.nodeIdMsb(), nodesDecoder.nodeIdLsb());
            final long capacityBytes = nodesDecoder.capacityBytes();
            final long freeBytes = nodesDecoder.freeBytes();
            final int nameEnd = varFieldEnd(buffer, decoder.limit());
            final int endpointEnd = nameEnd < 0 ? -1 : varFieldEnd(buffer, nameEnd);
            if (endpointEnd < 0 || capacityBytes < 0 || freeBytes < -1)
            {
                client.complete(request, protocolFailure(request,
                    "the node's membership response has a malformed node " + i));
                return;
            }
            final String nodeName = varString(buffer, decoder.limit());
            final String endpoint = varString(buffer, nameEnd);
            decoder.limit(endpointEnd);
            nodes.add(new MemberNode(new NodeView(nodeId, nodeName, endpoint, capacityBytes), freeBytes));
        }

        if (decoder.limit() + MembershipResponseDecoder.DepartedDecoder.sbeHeaderSize() > limit)
        {
            client.complete(request, protocolFailure(request, "the node's membership response has no departed list"));
            return;
        }
        final MembershipResponseDecoder.DepartedDecoder departedDecoder = decoder.departed();
        final int departedCount = departedDecoder.count();
        final ArrayList<DepartedNode> departed = new ArrayList<>(departedCount);
        for (int i = 0; i < departedCount; i++)
        {
            if (decoder.limit() + departedDecoder.actingBlockLength() > limit)
            {
                client.complete(request, protocolFailure(request,
                    "the node's membership response is truncated at departed node " + i));
                return;
            }
            departedDecoder.next();
            departed.add(new DepartedNode(
                new UUID(departedDecoder.nodeIdMsb(), departedDecoder.nodeIdLsb()), 0 != departedDecoder.failed()));
        }

        final int nodeNameEnd = varFieldEnd(buffer, decoder.limit());
        if (nodeNameEnd < 0)
        {
            client.complete(request, protocolFailure(request, "the node's membership response has no node name"));
            return;
        }

        if (MembershipAnswerKind.LEASE_ONLY == kind && (!nodes.isEmpty() || !departed.isEmpty()))
        {
            client.complete(request, protocolFailure(request, "the node's lease-only membership response lists nodes"));
            return;
        }
        request.membership = new MembershipSnapshot(
            answeringNodeId, varString(buffer, decoder.limit()), grantedLeaseMs, nodes, departed, kind, epoch, sequence);
        client.complete(request, null);
    }

    private void onBatchResponse(final BlockRequest request, final DirectBuffer buffer)
    {
        final PutBatchResponseDecoder decoder = batchDecoder;
        final int groupOffset = decoder.limit();
        if (groupOffset + PutBatchResponseDecoder.ResultsDecoder.sbeHeaderSize() > limit)
        {
            client.complete(request, protocolFailure(request, "the node's batch put response is malformed"));
            return;
        }
        final int entryLength = buffer.getShort(groupOffset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = buffer.getShort(groupOffset + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int entriesOffset = groupOffset + PutBatchResponseDecoder.ResultsDecoder.sbeHeaderSize();
        final long entriesEnd = entriesOffset + (long)count * entryLength;
        if (count != request.batchCount || entryLength < PutBatchResponseDecoder.ResultsDecoder.sbeBlockLength() ||
            entriesEnd > limit)
        {
            client.complete(request, protocolFailure(request, "the node's batch put response lists " + count +
                " blocks for a batch of " + request.batchCount));
            return;
        }

        final int nodeNameEnd = varFieldEnd(buffer, (int)entriesEnd);
        final String nodeName = nodeNameEnd < 0 ? request.nodeEndpoint : varString(buffer, (int)entriesEnd);
        final int messageEnd = nodeNameEnd < 0 ? -1 : varFieldEnd(buffer, nodeNameEnd);
        final String message = messageEnd < 0 ? "(no message)" : varString(buffer, nodeNameEnd);

        final int blockIdOffset = PutBatchResponseDecoder.ResultsDecoder.blockIdEncodingOffset();
        final int generationOffset = PutBatchResponseDecoder.ResultsDecoder.generationEncodingOffset();
        final int statusOffset = PutBatchResponseDecoder.ResultsDecoder.statusEncodingOffset();
        for (int i = 0; i < count; i++)
        {
            final int entry = entriesOffset + i * entryLength;
            final int k = request.batchFirst + i;
            final long blockId = buffer.getLong(entry + blockIdOffset, ByteOrder.LITTLE_ENDIAN);
            final long generation = buffer.getLong(entry + generationOffset, ByteOrder.LITTLE_ENDIAN);
            if (blockId != request.batchBlockIds[k] || generation != request.batchGenerations[k])
            {
                client.complete(request, protocolFailure(request, "the node's batch put response names block " +
                    blockId + " generation " + generation + " at entry " + i + " instead of block " +
                    request.batchBlockIds[k]));
                return;
            }
        }
        for (int i = 0; i < count; i++)
        {
            final int entry = entriesOffset + i * entryLength;
            final int k = request.batchFirst + i;
            final short status = (short)(buffer.getByte(entry + statusOffset) & 0xFF);
            request.batchOutcomes[k] = 0 == status ? null : new RemoteErrorException(ErrorCode.fromWire(status),
                nodeName, request.nodeEndpoint, request.batchBlockIds[k], BlockRequest.PUT,
                "refused in a batch put; the batch's first refusal said: " + message);
        }
        client.complete(request, null);
    }

    private static TransportException protocolFailure(final BlockRequest request, final String detail)
    {
        return new TransportException(request.operation + " of " +
            TransportException.describeBlock(request.blockId) + " on node " + request.nodeEndpoint + " failed: " +
            detail, request.nodeEndpoint, request.blockId);
    }

    /**
     * @return the position after the length-prefixed field at fieldOffset, or -1 when it does not fit.
     */
    private int varFieldEnd(final DirectBuffer buffer, final int fieldOffset)
    {
        if (fieldOffset + 4 > limit)
        {
            return -1;
        }
        final int length = buffer.getInt(fieldOffset, ByteOrder.LITTLE_ENDIAN);
        if (length < 0 || length > limit - fieldOffset - 4)
        {
            return -1;
        }
        return fieldOffset + 4 + length;
    }

    private static String varString(final DirectBuffer buffer, final int fieldOffset)
    {
        final int length = buffer.getInt(fieldOffset, ByteOrder.LITTLE_ENDIAN);
        return buffer.getStringWithoutLengthUtf8(fieldOffset + 4, length);
    }
}
