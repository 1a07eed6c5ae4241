/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.client.NodeUsage;

import io.tierpool.client.TierUsage;

import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.tierpool.transport.codecs.AckEncoder;
import io.tierpool.transport.codecs.ErrorEncoder;
import io.tierpool.transport.codecs.FreeRequestDecoder;
import io.tierpool.transport.codecs.GetRequestDecoder;
import io.tierpool.transport.codecs.GetResponseEncoder;
import io.tierpool.transport.codecs.MessageHeaderDecoder;
import io.tierpool.transport.codecs.MessageHeaderEncoder;
import io.tierpool.transport.codecs.PutBatchRequestDecoder;
import io.tierpool.transport.codecs.PutBatchResponseEncoder;
import io.tierpool.transport.codecs.PutRequestDecoder;
import io.tierpool.transport.codecs.UsageRequestDecoder;
import io.tierpool.transport.codecs.MembershipRequestDecoder;
import io.tierpool.transport.codecs.MembershipResponseEncoder;
import io.tierpool.transport.codecs.LeaveRequestDecoder;
import io.tierpool.transport.codecs.HelloRequestDecoder;
import io.tierpool.transport.codecs.ProofRequestDecoder;
import io.tierpool.transport.codecs.UsageResponseEncoder;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.SystemUtil;
import org.agrona.collections.ArrayListUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.tierpool.transport.TransportConfiguration.MAX_MESSAGE_HEADER_LENGTH;
import static io.tierpool.transport.TransportConfiguration.MAX_RESPONSE_CHANNEL_LENGTH;
import static io.tierpool.transport.TransportConfiguration.NULL_BLOCK_ID;

/**
 * The duty cycle of a {@link BlockServer}: polls the request subscription, serves each request through the
 * {@link BlockRequestHandler}, and delivers responses without ever blocking.
 * <p>
 * Algorithm. Aeron fragments are joined into whole messages by a {@link FragmentAssembler} (per session), and one
 * {@link #onFragment} dispatches them by SBE template id. A put whose block fits one message is checked and handed
 * to the handler straight from the receive buffer; a larger one is copied chunk by chunk into a pooled off-heap
 * buffer held by a {@link PutReassembly} keyed by (clientId, correlationId), and handed over once complete and
 * checked. Every response is a {@link PendingResponse}: tried at once, and, while its publication is not connected
 * or is back-pressured, retried on each duty cycle until its deadline. A get copies the block into a pooled buffer
 * and streams it as GetResponse chunks, a few per duty cycle, so one large transfer does not starve other clients.
 * Every 100 ms reassemblies past their deadline are dropped, and response publications idle for longer than the
 * configured timeout are closed.
 * <p>
 * Limits. At most {@code maxResponsePublications} response publications are open: a new channel closes the least
 * recently used one with no response in flight, or, when every one has a response in flight, the request is
 * dropped and counted (no publication, no answer). A response on a publication found not connected gives up
 * {@code responseTimeoutNs} after it was produced or last progressed, whatever its deadline, so that requests with
 * far deadlines naming channels nobody listens to cannot pin publications. At most {@code maxPutReassemblies}
 * reassemblies holding {@code maxPutReassemblyBytes} declared bytes are kept (a block larger than the byte limit
 * only while it is the sole one). A first chunk that finds no room evicts reassemblies that received no chunk for
 * {@code putStallTimeoutNs}, oldest-idle first; their keys are remembered in a small ring so that the sender's next
 * chunk is answered with {@link ErrorCode#BUSY}. When no stalled reassembly is left the put is refused with
 * {@link ErrorCode#BUSY} and the client resends later: like HTTP's 503 with a retry, rather than blocking the
 * well-behaved behind hostile senders for a whole deadline.
 * <p>
 * Batches: a PutBatchRequest carries many small blocks in one message; each is checked and stored on its own and
 * the answer lists one status per block (see {@link #onPutBatchRequest}).
 * <p>
 * Size: over the ~800 lines a class should keep because one duty cycle owns all the state the requests share (the
 * reassemblies, the response publications and the pending responses), and splitting it would put that state behind
 * accessors for no reader's benefit; each request kind has its own {@code onXxxRequest} section.
 * <p>
 * Bad input: a message that cannot be decoded far enough to learn its correlation id and response channel is
 * counted and dropped; after that point every fault is answered with {@link ErrorCode#BAD_REQUEST}. Nothing a
 * client sends can stop the agent.
 */
final class BlockServerAgent implements Agent, FragmentHandler
{
    private static final int FRAGMENT_LIMIT = 16;
    private static final int GENERATION_LENGTH = 8;
    private static final int BATCH_BLOCK_ID_OFFSET = PutBatchRequestDecoder.BlocksDecoder.blockIdEncodingOffset();
    private static final int BATCH_GENERATION_OFFSET =
        PutBatchRequestDecoder.BlocksDecoder.generationEncodingOffset();
    private static final int BATCH_DATA_OFFSET_OFFSET =
        PutBatchRequestDecoder.BlocksDecoder.dataOffsetEncodingOffset();
    private static final int BATCH_LENGTH_OFFSET = PutBatchRequestDecoder.BlocksDecoder.lengthEncodingOffset();
    private static final int BATCH_CRC32C_OFFSET = PutBatchRequestDecoder.BlocksDecoder.crc32cEncodingOffset();
    private static final int CHUNKS_PER_TRANSFER_PER_CYCLE = 4;
    private static final long HOUSEKEEPING_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int MAX_ERROR_MESSAGE_LENGTH = 1024;
    private static final byte[] AERON_PREFIX = "aeron:".getBytes(StandardCharsets.US_ASCII);

    private final BlockServer.Context ctx;
    private final Aeron aeron;
    private final Subscription subscription;
    private final BlockRequestHandler handler;
    private final ErrorHandler errorHandler;
    private final EpochNanoClock clock;
    private final String roleName;
    private final byte[] nodeNameBytes;
    private final FragmentAssembler assembler;
    private final Crc32cCalculator crc32c = new Crc32cCalculator();
    private final BufferPool bufferPool;
    private final NodeSecurity security;
    private final HelloRequestDecoder helloDecoder = new HelloRequestDecoder();
    private final ProofRequestDecoder proofDecoder = new ProofRequestDecoder();
    private final RequestEnvelope envelope = new RequestEnvelope();

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final PutRequestDecoder putDecoder = new PutRequestDecoder();
    private final GetRequestDecoder getDecoder = new GetRequestDecoder();
    private final FreeRequestDecoder freeDecoder = new FreeRequestDecoder();
    private final UsageRequestDecoder usageDecoder = new UsageRequestDecoder();
    private final PutBatchRequestDecoder putBatchDecoder = new PutBatchRequestDecoder();
    private final PutBatchResponseEncoder putBatchResponseEncoder = new PutBatchResponseEncoder();
    private final byte[] batchStatus = new byte[65536];
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final AckEncoder ackEncoder = new AckEncoder();
    private final ErrorEncoder errorEncoder = new ErrorEncoder();
    private final GetResponseEncoder getResponseEncoder = new GetResponseEncoder();
    private final UsageResponseEncoder usageResponseEncoder = new UsageResponseEncoder();
    private final MembershipRequestDecoder membershipDecoder = new MembershipRequestDecoder();
    private final MembershipResponseEncoder membershipResponseEncoder = new MembershipResponseEncoder();
    private final LeaveRequestDecoder leaveDecoder = new LeaveRequestDecoder();
    private final UnsafeBuffer chunkHeaderBuffer = new UnsafeBuffer(new byte[MAX_MESSAGE_HEADER_LENGTH]);
    private final byte[] channelBytes = new byte[MAX_RESPONSE_CHANNEL_LENGTH];

    private final ArrayList<ResponsePublication> responsePublications = new ArrayList<>();
    private final ArrayList<PutReassembly> reassemblies = new ArrayList<>();
    private final ArrayDeque<PutReassembly> freeReassemblies = new ArrayDeque<>();
    private final ArrayList<PendingResponse> pendingResponses = new ArrayList<>();
    private final ArrayDeque<PendingResponse> freePendingResponses = new ArrayDeque<>();
    private final long[] evictedClientIds;
    private final long[] evictedCorrelationIds;
    private final boolean[] evictedInUse;

    private final AtomicLong requestCount = new AtomicLong();
    private final AtomicLong malformedCount = new AtomicLong();
    private final AtomicLong droppedChunkCount = new AtomicLong();
    private final AtomicLong expiredReassemblyCount = new AtomicLong();
    private final AtomicLong undeliveredResponseCount = new AtomicLong();
    private final AtomicLong errorResponseCount = new AtomicLong();
    private final AtomicLong evictedResponsePublicationCount = new AtomicLong();
    private final AtomicLong refusedResponsePublicationCount = new AtomicLong();
    private final AtomicLong evictedPutReassemblyCount = new AtomicLong();
    private final AtomicLong refusedPutCount = new AtomicLong();
    private final AtomicInteger responsePublicationCount = new AtomicInteger();
    private final AtomicInteger peakResponsePublicationCount = new AtomicInteger();
    private final AtomicInteger putReassemblyCount = new AtomicInteger();
    private final AtomicInteger peakPutReassemblyCount = new AtomicInteger();
    private final AtomicLong putReassemblyBytesGauge = new AtomicLong();
    private final AtomicLong peakPutReassemblyBytes = new AtomicLong();

    private long nowNs;
    private int nextEvicted;
    private long putReassemblyBytes;
    private long chunkSequence;
    private long nextHousekeepingNs;
    private int channelLength;
    private int requestLimit;

    BlockServerAgent(final BlockServer.Context ctx, final Subscription subscription, final ErrorHandler errorHandler)
    {
        this.ctx = ctx;
        this.aeron = ctx.aeron();
        this.subscription = subscription;
        this.handler = ctx.handler();
        this.errorHandler = errorHandler;
        this.clock = ctx.epochNanoClock();
        this.roleName = "tierpool-block-server-" + ctx.nodeName();
        this.nodeNameBytes = ctx.nodeName().getBytes(StandardCharsets.UTF_8);
        this.assembler = new FragmentAssembler(this, ctx.chunkLength() + MAX_MESSAGE_HEADER_LENGTH, true);
        this.bufferPool = new BufferPool(ctx.retainedBufferLength());
        this.security = null == ctx.security() ? null : new NodeSecurity(ctx.security(), ctx.nodeName());

        final int evictedCapacity = 2 * ctx.maxPutReassemblies();
        this.evictedClientIds = new long[evictedCapacity];
        this.evictedCorrelationIds = new long[evictedCapacity];
        this.evictedInUse = new boolean[evictedCapacity];
    }

    public String roleName()
    {
        return roleName;
    }

    public int doWork()
    {
        nowNs = clock.nanoTime();
        int workCount = subscription.poll(assembler, FRAGMENT_LIMIT);
        workCount += sendPendingResponses();

        if (nowNs - nextHousekeepingNs >= 0)
        {
            nextHousekeepingNs = nowNs + HOUSEKEEPING_INTERVAL_NS;
            workCount += expireReassemblies();
            workCount += closeIdlePublications();
            workCount += null == security ? 0 : security.expire(nowNs);
        }

        return workCount;
    }

    public void onClose()
    {
        for (final PendingResponse response : pendingResponses)
        {
            releaseBlock(response);
        }
        pendingResponses.clear();

        for (final PutReassembly reassembly : reassemblies)
        {
            bufferPool.release(reassembly.takeBuffer());
        }
        reassemblies.clear();
        putReassemblyBytes = 0;
        updateReassemblyGauges();

        CloseHelper.closeAll(responsePublications);
        responsePublications.clear();
        updatePublicationGauges();
        CloseHelper.closeAll(bufferPool, subscription);
    }

    long requestCount()
    {
        return requestCount.get();
    }

    long malformedCount()
    {
        return malformedCount.get();
    }

    long droppedChunkCount()
    {
        return droppedChunkCount.get();
    }

    long expiredReassemblyCount()
    {
        return expiredReassemblyCount.get();
    }

    long undeliveredResponseCount()
    {
        return undeliveredResponseCount.get();
    }

    long errorResponseCount()
    {
        return errorResponseCount.get();
    }

    int responsePublicationCount()
    {
        return responsePublicationCount.get();
    }

    int peakResponsePublicationCount()
    {
        return peakResponsePublicationCount.get();
    }

    long evictedResponsePublicationCount()
    {
        return evictedResponsePublicationCount.get();
    }

    long refusedResponsePublicationCount()
    {
        return refusedResponsePublicationCount.get();
    }

    int putReassemblyCount()
    {
        return putReassemblyCount.get();
    }

    long putReassemblyBytes()
    {
        return putReassemblyBytesGauge.get();
    }

    int peakPutReassemblyCount()
    {
        return peakPutReassemblyCount.get();
    }

    long peakPutReassemblyBytes()
    {
        return peakPutReassemblyBytes.get();
    }

    long evictedPutReassemblyCount()
    {
        return evictedPutReassemblyCount.get();
    }

    long refusedPutCount()
    {
        return refusedPutCount.get();
    }

    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        nowNs = clock.nanoTime();
        if (null != security)
        {
            onSecuredMessage(buffer, offset, length);
        }
        else
        {
            onMessage(buffer, offset, length);
        }
        // counted once dealt with, so that a reader who sees the count also sees what the message changed
        requestCount.lazySet(requestCount.get() + 1);
    }

    private void onMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            malformedCount.lazySet(malformedCount.get() + 1);
            return;
        }

        headerDecoder.wrap(buffer, offset);
        if (MessageHeaderDecoder.SCHEMA_ID != headerDecoder.schemaId())
        {
            malformedCount.lazySet(malformedCount.get() + 1);
            return;
        }

        final int templateId = headerDecoder.templateId();
        final int actingBlockLength = headerDecoder.blockLength();
        final int actingVersion = headerDecoder.version();
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        requestLimit = offset + length;

        try
        {
            switch (templateId)
            {
                case PutRequestDecoder.TEMPLATE_ID:
                    onPutRequest(buffer, bodyOffset, actingBlockLength, actingVersion);
                    break;

                case GetRequestDecoder.TEMPLATE_ID:
                    onGetRequest(buffer, bodyOffset, actingBlockLength, actingVersion);
                    break;

                case FreeRequestDecoder.TEMPLATE_ID:
                    onFreeRequest(buffer, bodyOffset, actingBlockLength, actingVersion);
                    break;

                case UsageRequestDecoder.TEMPLATE_ID:
                    onUsageRequest(buffer, bodyOffset, actingBlockLength, actingVersion);
                    break;

                case PutBatchRequestDecoder.TEMPLATE_ID:
                    onPutBatchRequest(buffer, bodyOffset, actingBlockLength, actingVersion);
                    break;

                case MembershipRequestDecoder.TEMPLATE_ID:
                    onMembershipRequest(buffer, bodyOffset, actingBlockLength, actingVersion);
                    break;

                case LeaveRequestDecoder.TEMPLATE_ID:
                    onLeaveRequest(buffer, bodyOffset, actingBlockLength, actingVersion);
                    break;

                case HelloRequestDecoder.TEMPLATE_ID:
                    onHelloRequest(buffer, bodyOffset, actingBlockLength, actingVersion);
                    break;

                case ProofRequestDecoder.TEMPLATE_ID:
                    onProofRequest(buffer, bodyOffset, actingBlockLength, actingVersion);
                    break;

                default:
                    malformedCount.lazySet(malformedCount.get() + 1);
                    break;
            }
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
    }

    private void onPutRequest(final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version)
    {
        if (!hasFixedBlock(bodyOffset, blockLength, version >= 1 ? PutRequestDecoder.BLOCK_LENGTH :
            PutRequestDecoder.BLOCK_LENGTH - GENERATION_LENGTH))
        {
            return;
        }

        final PutRequestDecoder decoder = putDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long correlationId = decoder.correlationId();
        final long clientId = decoder.clientId();
        final long blockId = decoder.blockId();
        final long generation = version >= 1 ? decoder.generation() : 0;
        final long deadlineNs = decoder.deadlineEpochNs();
        final int totalLength = decoder.totalLength();
        final int chunkOffset = decoder.chunkOffset();
        final int checksum = decoder.crc32c();
        final int dataLimit = readResponseChannel(buffer, decoder.limit());
        if (dataLimit < 0)
        {
            return;
        }

        final ResponsePublication response = responsePublication(decoder.responseStreamId());
        if (null == response)
        {
            return;
        }

        final int dataOffset = dataLimit + PutRequestDecoder.dataHeaderLength();
        final int dataLength = dataOffset <= requestLimit ?
            buffer.getInt(dataLimit, ByteOrder.LITTLE_ENDIAN) : -1;
        if (dataLength < 1 || dataLength > requestLimit - dataOffset)
        {
            badRequest(response, correlationId, blockId, deadlineNs,
                "put chunk has no valid data field (length " + dataLength + ")");
            return;
        }

        if (totalLength < 1 || totalLength > ctx.maxBlockLength())
        {
            dropReassembly(clientId, correlationId);
            badRequest(response, correlationId, blockId, deadlineNs, "put of block " + blockId + " with length " +
                totalLength + " bytes: the node accepts 1.." + ctx.maxBlockLength() + " bytes");
            return;
        }

        if (chunkOffset < 0 || dataLength > totalLength - chunkOffset)
        {
            dropReassembly(clientId, correlationId);
            badRequest(response, correlationId, blockId, deadlineNs, "put of block " + blockId + ": chunk at " +
                chunkOffset + " of " + dataLength + " bytes lies outside the block's " + totalLength + " bytes");
            return;
        }

        if (chunkOffset == 0 && dataLength == totalLength)
        {
            dropReassembly(clientId, correlationId);
            if (isExpired(deadlineNs))
            {
                deadlineExpired(response, correlationId, blockId, deadlineNs, "put");
            }
            else
            {
                completePut(response, correlationId, clientId, blockId, generation, deadlineNs, buffer, dataOffset,
                    totalLength, checksum);
            }
            return;
        }

        onPutChunk(response, buffer, dataOffset, dataLength, correlationId, clientId, blockId, generation,
            deadlineNs, totalLength, chunkOffset, checksum);
    }

    private void onPutChunk(
        final ResponsePublication response,
        final DirectBuffer buffer,
        final int dataOffset,
        final int dataLength,
        final long correlationId,
        final long clientId,
        final long blockId,
        final long generation,
        final long deadlineNs,
        final int totalLength,
        final int chunkOffset,
        final int checksum)
    {
        PutReassembly reassembly = findReassembly(clientId, correlationId);
        if (isExpired(deadlineNs))
        {
            if (null != reassembly || 0 == chunkOffset)
            {
                dropReassembly(clientId, correlationId);
                deadlineExpired(response, correlationId, blockId, deadlineNs, "put");
            }
            else
            {
                droppedChunkCount.lazySet(droppedChunkCount.get() + 1);
            }
            return;
        }

        if (0 == chunkOffset)
        {
            if (null != reassembly)
            {
                removeReassembly(reassembly);
            }

            if (!makeRoomForPut(totalLength))
            {
                refusePut(response, correlationId, blockId, deadlineNs, totalLength);
                return;
            }

            final OffHeapBuffer reassemblyBuffer;
            try
            {
                reassemblyBuffer = bufferPool.acquire(totalLength);
            }
            catch (final OutOfMemoryError ex)
            {
                respondError(response, correlationId, blockId, deadlineNs, ErrorCode.NO_SPACE,
                    "node " + ctx.nodeName() + " cannot allocate " + totalLength + " bytes to receive block " +
                    blockId + ": " + ex.getMessage());
                return;
            }

            reassembly = freeReassemblies.pollFirst();
            if (null == reassembly)
            {
                reassembly = new PutReassembly();
            }
            reassembly.reset(
                clientId, correlationId, blockId, generation, totalLength, checksum, deadlineNs, nowNs,
                ++chunkSequence,
                reassemblyBuffer);
            reassemblies.add(reassembly);
            putReassemblyBytes += totalLength;
            updateReassemblyGauges();
        }
        else if (null == reassembly)
        {
            droppedChunkCount.lazySet(droppedChunkCount.get() + 1);
            if (takeEvicted(clientId, correlationId))
            {
                respondError(response, correlationId, blockId, deadlineNs, ErrorCode.BUSY, "put of block " +
                    blockId + " (" + totalLength + " bytes) was evicted from node " + ctx.nodeName() +
                    " after more than " + TimeUnit.NANOSECONDS.toMillis(ctx.putStallTimeoutNs()) +
                    " ms without a chunk, to make room for other puts; nothing was stored: resend the whole block");
            }
            return;
        }
        else if (!reassembly.isConsistent(blockId, generation, totalLength, checksum) || reassembly.received() != chunkOffset)
        {
            final String detail = "put of block " + blockId + ": chunk at " + chunkOffset + " (block " + blockId +
                ", " + totalLength + " bytes) does not continue block " + reassembly.blockId() + " (" +
                reassembly.totalLength() + " bytes, next chunk at " + reassembly.received() + ")";
            removeReassembly(reassembly);
            badRequest(response, correlationId, blockId, deadlineNs, detail);
            return;
        }

        reassembly.buffer().buffer().putBytes(chunkOffset, buffer, dataOffset, dataLength);
        reassembly.addReceived(dataLength, nowNs, ++chunkSequence);

        if (reassembly.isComplete())
        {
            try
            {
                completePut(response, correlationId, clientId, blockId, generation, deadlineNs,
                    reassembly.buffer().buffer(), 0, totalLength, checksum);
            }
            finally
            {
                removeReassembly(reassembly);
            }
        }
    }

    private void completePut(
        final ResponsePublication response,
        final long correlationId,
        final long clientId,
        final long blockId,
        final long generation,
        final long deadlineNs,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int expectedChecksum)
    {
        final int actualChecksum = crc32c.compute(buffer, offset, length);
        if (actualChecksum != expectedChecksum)
        {
            respondError(response, correlationId, blockId, deadlineNs, ErrorCode.CHECKSUM_MISMATCH,
                "block " + blockId + " (" + length + " bytes) arrived at node " + ctx.nodeName() +
                " with CRC-32C " + Integer.toHexString(actualChecksum) + " but was sent with " +
                Integer.toHexString(expectedChecksum) + ": damaged in transit, retry");
            return;
        }

        try
        {
            handler.onPut(clientId, blockId, generation, buffer, offset, length);
        }
        catch (final BlockRequestException ex)
        {
            respondError(response, correlationId, blockId, deadlineNs, ex.code(), ex.getMessage());
            return;
        }
        catch (final RuntimeException ex)
        {
            internalError(response, correlationId, blockId, deadlineNs, "put", ex);
            return;
        }

        respondAck(response, correlationId, blockId, deadlineNs);
    }

    /**
     * Stores each block of a batch on its own, straight from the receive buffer, and answers with one status per
     * block. Entries are checked against the message's bounds before any is read, so a malformed batch stores
     * nothing; a block whose own bounds, length or CRC-32C is wrong is refused alone.
     */
    private void onPutBatchRequest(
        final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version)
    {
        if (!hasFixedBlock(bodyOffset, blockLength, PutBatchRequestDecoder.BLOCK_LENGTH))
        {
            return;
        }

        final PutBatchRequestDecoder decoder = putBatchDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long correlationId = decoder.correlationId();
        final long clientId = decoder.clientId();
        final long deadlineNs = decoder.deadlineEpochNs();
        final int responseStreamId = decoder.responseStreamId();

        final int groupOffset = decoder.limit();
        final int groupHeaderLength = PutBatchRequestDecoder.BlocksDecoder.sbeHeaderSize();
        if (groupOffset + groupHeaderLength > requestLimit)
        {
            malformedCount.lazySet(malformedCount.get() + 1);
            return;
        }
        final int entryLength = buffer.getShort(groupOffset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = buffer.getShort(groupOffset + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int entriesOffset = groupOffset + groupHeaderLength;
        final long entriesEnd = entriesOffset + (long)count * entryLength;
        if (entryLength < PutBatchRequestDecoder.BlocksDecoder.sbeBlockLength() || entriesEnd > requestLimit)
        {
            malformedCount.lazySet(malformedCount.get() + 1);
            return;
        }

        final int dataLimit = readResponseChannel(buffer, (int)entriesEnd);
        if (dataLimit < 0)
        {
            return;
        }
        final ResponsePublication response = responsePublication(responseStreamId);
        if (null == response)
        {
            return;
        }
        if (isExpired(deadlineNs))
        {
            deadlineExpired(response, correlationId, NULL_BLOCK_ID, deadlineNs, "batch put");
            return;
        }

        final int dataOffset = dataLimit + PutBatchRequestDecoder.dataHeaderLength();
        final int dataLength = dataOffset <= requestLimit ? buffer.getInt(dataLimit, ByteOrder.LITTLE_ENDIAN) : -1;
        if (count < 1 || dataLength < 1 || dataLength > requestLimit - dataOffset)
        {
            badRequest(response, correlationId, NULL_BLOCK_ID, deadlineNs, "batch put of " + count +
                " blocks has no blocks or no valid data field (length " + dataLength + ")");
            return;
        }

        String firstFailure = null;
        for (int i = 0; i < count; i++)
        {
            final int entry = entriesOffset + i * entryLength;
            final long blockId = buffer.getLong(entry + BATCH_BLOCK_ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
            final long generation = buffer.getLong(entry + BATCH_GENERATION_OFFSET, ByteOrder.LITTLE_ENDIAN);
            final int blockOffset = buffer.getInt(entry + BATCH_DATA_OFFSET_OFFSET, ByteOrder.LITTLE_ENDIAN);
            final int length = buffer.getInt(entry + BATCH_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
            final int expectedChecksum = buffer.getInt(entry + BATCH_CRC32C_OFFSET, ByteOrder.LITTLE_ENDIAN);

            ErrorCode code = null;
            String message = null;
            if (blockOffset < 0 || length < 1 || length > ctx.maxBlockLength() || length > dataLength - blockOffset)
            {
                code = ErrorCode.BAD_REQUEST;
                message = "block " + blockId + " of a batch put lies outside the batch's " + dataLength +
                    " bytes (at " + blockOffset + ", " + length + " bytes) or exceeds " + ctx.maxBlockLength() +
                    " bytes";
            }
            else if (crc32c.compute(buffer, dataOffset + blockOffset, length) != expectedChecksum)
            {
                code = ErrorCode.CHECKSUM_MISMATCH;
                message = "block " + blockId + " (" + length + " bytes) of a batch put arrived at node " +
                    ctx.nodeName() + " damaged (CRC-32C mismatch): retry";
            }
            else
            {
                try
                {
                    handler.onPut(clientId, blockId, generation, buffer, dataOffset + blockOffset, length);
                }
                catch (final BlockRequestException ex)
                {
                    code = ex.code();
                    message = ex.getMessage();
                }
                catch (final RuntimeException ex)
                {
                    errorHandler.onError(ex);
                    code = ErrorCode.INTERNAL;
                    message = "put of block " + blockId + " failed inside node " + ctx.nodeName() + ": " + ex;
                }
            }

            batchStatus[i] = null == code ? 0 : (byte)code.wireCode().value();
            if (null != code && null == firstFailure)
            {
                firstFailure = message;
            }
        }

        final PendingResponse pending = newPendingResponse(response, correlationId, NULL_BLOCK_ID, deadlineNs);
        final PutBatchResponseEncoder encoder = putBatchResponseEncoder
            .wrapAndApplyHeader(pending.message(), 0, headerEncoder)
            .correlationId(correlationId);
        final PutBatchResponseEncoder.ResultsEncoder results = encoder.resultsCount(count);
        for (int i = 0; i < count; i++)
        {
            final int entry = entriesOffset + i * entryLength;
            results.next()
                .blockId(buffer.getLong(entry + BATCH_BLOCK_ID_OFFSET, ByteOrder.LITTLE_ENDIAN))
                .generation(buffer.getLong(entry + BATCH_GENERATION_OFFSET, ByteOrder.LITTLE_ENDIAN))
                .status((short)(batchStatus[i] & 0xFF));
        }
        encoder.putNodeName(nodeNameBytes, 0, nodeNameBytes.length);
        final String text = null == firstFailure ? "" : firstFailure.length() > MAX_ERROR_MESSAGE_LENGTH ?
            firstFailure.substring(0, MAX_ERROR_MESSAGE_LENGTH) : firstFailure;
        encoder.message(text);
        pending.messageLength(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        enqueue(pending);
    }

    private void onGetRequest(final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version)
    {
        if (!hasFixedBlock(bodyOffset, blockLength, version >= 1 ? GetRequestDecoder.BLOCK_LENGTH :
            GetRequestDecoder.BLOCK_LENGTH - GENERATION_LENGTH))
        {
            return;
        }

        final GetRequestDecoder decoder = getDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long correlationId = decoder.correlationId();
        final long clientId = decoder.clientId();
        final long blockId = decoder.blockId();
        final long generation = version >= 1 ? decoder.generation() : 0;
        final long deadlineNs = decoder.deadlineEpochNs();
        final ResponsePublication response = openResponse(
            buffer, decoder.limit(), decoder.responseStreamId(), correlationId, blockId, deadlineNs, "get");
        if (null == response)
        {
            return;
        }

        OffHeapBuffer blockBuffer = null;
        try
        {
            final int length = handler.blockLength(clientId, blockId, generation);
            if (length < 1 || length > TransportConfiguration.MAX_BLOCK_LENGTH)
            {
                throw new IllegalStateException("handler reported length " + length + " for block " + blockId +
                    " of client " + clientId + " on node " + ctx.nodeName() + "; expected 1.." +
                    TransportConfiguration.MAX_BLOCK_LENGTH);
            }

            try
            {
                blockBuffer = bufferPool.acquire(length);
            }
            catch (final OutOfMemoryError ex)
            {
                respondError(response, correlationId, blockId, deadlineNs, ErrorCode.INTERNAL,
                    "node " + ctx.nodeName() + " cannot allocate " + length + " bytes to send block " + blockId +
                    ": " + ex.getMessage());
                return;
            }

            handler.onGet(clientId, blockId, generation, blockBuffer.buffer(), 0, length);
            final int checksum = crc32c.compute(blockBuffer.buffer(), 0, length);

            final PendingResponse pending = newPendingResponse(response, correlationId, blockId, deadlineNs);
            pending.block(blockBuffer, length, checksum);
            blockBuffer = null;
            enqueue(pending);
        }
        catch (final BlockRequestException ex)
        {
            respondError(response, correlationId, blockId, deadlineNs, ex.code(), ex.getMessage());
        }
        catch (final RuntimeException ex)
        {
            internalError(response, correlationId, blockId, deadlineNs, "get", ex);
        }
        finally
        {
            if (null != blockBuffer)
            {
                bufferPool.release(blockBuffer);
            }
        }
    }

    private void onFreeRequest(
        final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version)
    {
        if (!hasFixedBlock(bodyOffset, blockLength, version >= 1 ? FreeRequestDecoder.BLOCK_LENGTH :
            FreeRequestDecoder.BLOCK_LENGTH - GENERATION_LENGTH))
        {
            return;
        }

        final FreeRequestDecoder decoder = freeDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long correlationId = decoder.correlationId();
        final long clientId = decoder.clientId();
        final long blockId = decoder.blockId();
        final long generation = version >= 1 ? decoder.generation() : 0;
        final long deadlineNs = decoder.deadlineEpochNs();
        final ResponsePublication response = openResponse(
            buffer, decoder.limit(), decoder.responseStreamId(), correlationId, blockId, deadlineNs, "free");
        if (null == response)
        {
            return;
        }

        try
        {
            handler.onFree(clientId, blockId, generation);
        }
        catch (final BlockRequestException ex)
        {
            respondError(response, correlationId, blockId, deadlineNs, ex.code(), ex.getMessage());
            return;
        }
        catch (final RuntimeException ex)
        {
            internalError(response, correlationId, blockId, deadlineNs, "free", ex);
            return;
        }

        respondAck(response, correlationId, blockId, deadlineNs);
    }

    private void onUsageRequest(
        final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version)
    {
        if (!hasFixedBlock(bodyOffset, blockLength, UsageRequestDecoder.BLOCK_LENGTH))
        {
            return;
        }

        final UsageRequestDecoder decoder = usageDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long correlationId = decoder.correlationId();
        final long deadlineNs = decoder.deadlineEpochNs();
        final ResponsePublication response = openResponse(
            buffer, decoder.limit(), decoder.responseStreamId(), correlationId, NULL_BLOCK_ID, deadlineNs, "usage");
        if (null == response)
        {
            return;
        }

        final NodeUsage usage;
        try
        {
            usage = handler.usage();
            if (usage.tiers().size() > UsageResponseEncoder.TiersEncoder.countMaxValue())
            {
                throw new IllegalStateException("node " + ctx.nodeName() + " reports " + usage.tiers().size() +
                    " tiers; at most " + UsageResponseEncoder.TiersEncoder.countMaxValue() + " fit a response");
            }
        }
        catch (final BlockRequestException ex)
        {
            respondError(response, correlationId, NULL_BLOCK_ID, deadlineNs, ex.code(), ex.getMessage());
            return;
        }
        catch (final RuntimeException ex)
        {
            internalError(response, correlationId, NULL_BLOCK_ID, deadlineNs, "usage", ex);
            return;
        }

        final PendingResponse pending = newPendingResponse(response, correlationId, NULL_BLOCK_ID, deadlineNs);
        final ExpandableArrayBuffer message = pending.message();
        final List<TierUsage> tiers = usage.tiers();
        final UsageResponseEncoder encoder = usageResponseEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(correlationId);
        final UsageResponseEncoder.TiersEncoder tiersEncoder = encoder.tiersCount(tiers.size());
        for (final TierUsage tier : tiers)
        {
            tiersEncoder.next()
                .capacityBytes(tier.capacityBytes())
                .usedBytes(tier.usedBytes())
                .blockCount(tier.blockCount())
                .tier(tier.tier());
        }
        encoder.putNodeName(nodeNameBytes, 0, nodeNameBytes.length);
        pending.messageLength(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        enqueue(pending);
    }

    private void onMembershipRequest(
        final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version)
    {
        if (!hasFixedBlock(bodyOffset, blockLength, version >= MembershipCodec.DELTA_VERSION ?
            MembershipRequestDecoder.BLOCK_LENGTH : MembershipCodec.MIN_REQUEST_BLOCK_LENGTH))
        {
            return;
        }

        final MembershipRequestDecoder decoder = membershipDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long correlationId = decoder.correlationId();
        final long clientId = decoder.clientId();
        final long leaseTimeoutMs = decoder.leaseTimeoutMs();
        final long deadlineNs = decoder.deadlineEpochNs();
        final MembershipQuery query = MembershipCodec.readQuery(decoder, version);
        final ResponsePublication response = openResponse(buffer, decoder.limit(), decoder.responseStreamId(),
            correlationId, NULL_BLOCK_ID, deadlineNs, "membership");
        if (null == response)
        {
            return;
        }

        final MembershipSnapshot snapshot;
        try
        {
            if (leaseTimeoutMs < 0)
            {
                throw new BlockRequestException(ErrorCode.BAD_REQUEST, "node " + ctx.nodeName() +
                    ": leaseTimeoutMs must be 0 (observer) or more, was " + leaseTimeoutMs);
            }
            snapshot = handler.membership(clientId, leaseTimeoutMs, query);
            if (snapshot.nodes().size() > MembershipResponseEncoder.NodesEncoder.countMaxValue() ||
                snapshot.departed().size() > MembershipResponseEncoder.DepartedEncoder.countMaxValue())
            {
                throw new IllegalStateException("node " + ctx.nodeName() + " reports " + snapshot.nodes().size() +
                    " live and " + snapshot.departed().size() + " departed nodes; at most " +
                    MembershipResponseEncoder.NodesEncoder.countMaxValue() + " of each fit a response");
            }
        }
        catch (final BlockRequestException ex)
        {
            respondError(response, correlationId, NULL_BLOCK_ID, deadlineNs, ex.code(), ex.getMessage());
            return;
        }
        catch (final RuntimeException ex)
        {
            internalError(response, correlationId, NULL_BLOCK_ID, deadlineNs, "membership", ex);
            return;
        }

        final PendingResponse pending = newPendingResponse(response, correlationId, NULL_BLOCK_ID, deadlineNs);
        pending.messageLength(MembershipCodec.encodeResponse(
            pending.message(), headerEncoder, membershipResponseEncoder, correlationId, snapshot, nodeNameBytes));
        enqueue(pending);
    }

    private void onLeaveRequest(
        final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version)
    {
        if (!hasFixedBlock(bodyOffset, blockLength, LeaveRequestDecoder.BLOCK_LENGTH))
        {
            return;
        }

        final LeaveRequestDecoder decoder = leaveDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long correlationId = decoder.correlationId();
        final long clientId = decoder.clientId();
        final long deadlineNs = decoder.deadlineEpochNs();
        final ResponsePublication response = openResponse(
            buffer, decoder.limit(), decoder.responseStreamId(), correlationId, NULL_BLOCK_ID, deadlineNs, "leave");
        if (null == response)
        {
            return;
        }

        try
        {
            handler.onLeave(clientId);
        }
        catch (final BlockRequestException ex)
        {
            respondError(response, correlationId, NULL_BLOCK_ID, deadlineNs, ex.code(), ex.getMessage());
            return;
        }
        catch (final RuntimeException ex)
        {
            internalError(response, correlationId, NULL_BLOCK_ID, deadlineNs, "leave", ex);
            return;
        }

        respondAck(response, correlationId, NULL_BLOCK_ID, deadlineNs);
    }

    /**
     * Security on: open the message ({@link NodeSecurity#open}), then serve it, or answer AUTH_FAILED when it came
     * without a session.
     */
    private void onSecuredMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        final int opened = security.open(buffer, offset, length, nowNs);
        if (opened < 0)
        {
            return;
        }
        if (security.isUnauthenticated())
        {
            try
            {
                refuseUnauthenticated(buffer, offset, opened);
            }
            catch (final RuntimeException ex)
            {
                malformedCount.lazySet(malformedCount.get() + 1);
            }
            return;
        }
        try
        {
            if (security.isDecrypted())
            {
                onMessage(security.openedBuffer(), 0, opened);
            }
            else
            {
                onMessage(buffer, offset, opened);
            }
        }
        finally
        {
            security.served();
        }
    }

    private void refuseUnauthenticated(final DirectBuffer buffer, final int offset, final int length)
    {
        final RequestEnvelope request = envelope;
        if (!request.read(buffer, offset, length))
        {
            malformedCount.lazySet(malformedCount.get() + 1);
            return;
        }
        requestLimit = offset + length;
        final ResponsePublication response = openResponse(buffer, request.channelOffset, request.responseStreamId,
            request.correlationId, NULL_BLOCK_ID, request.deadlineEpochNs, "request");
        if (null != response)
        {
            respondError(response, request.correlationId, NULL_BLOCK_ID, request.deadlineEpochNs,
                ErrorCode.AUTH_FAILED, "node " + ctx.nodeName() + " requires an authenticated session (security " +
                "is on) and this request came without one: give the client the cluster secret " +
                "(TIERPOOL_SECRET_FILE, or TierPool.Context.secretFile); a client that had a session " +
                "authenticates again by itself");
        }
    }

    private void onHelloRequest(
        final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version)
    {
        if (!hasFixedBlock(bodyOffset, blockLength, HelloRequestDecoder.BLOCK_LENGTH))
        {
            return;
        }
        final HelloRequestDecoder decoder = helloDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long correlationId = decoder.correlationId();
        final long deadlineNs = decoder.deadlineEpochNs();
        final int streamId = decoder.responseStreamId();
        final int nonceOffset = decoder.limit();
        final int nonceLength = decoder.clientNonceLength();
        if (nonceLength < 0 || nonceLength > requestLimit - nonceOffset - 4)
        {
            malformedCount.lazySet(malformedCount.get() + 1);
            return;
        }
        final ResponsePublication response = openResponse(buffer, nonceOffset + 4 + nonceLength, streamId,
            correlationId, NULL_BLOCK_ID, deadlineNs, "handshake");
        if (null == response)
        {
            return;
        }
        if (null == security)
        {
            respondError(response, correlationId, NULL_BLOCK_ID, deadlineNs, ErrorCode.AUTH_FAILED, "node " +
                ctx.nodeName() + " runs without data-path security (security.mode=off) and takes no handshake: " +
                "turn security on for the node, or off for the client");
            return;
        }

        final PendingResponse pending = newPendingResponse(response, correlationId, NULL_BLOCK_ID, deadlineNs);
        final int length = security.onHello(decoder, pending.message(), nowNs);
        if (NodeSecurity.CREDENTIAL_REQUIRED == length)
        {
            release(pending);
            respondError(response, correlationId, NULL_BLOCK_ID, deadlineNs, ErrorCode.AUTH_FAILED, "node " +
                ctx.nodeName() + " takes only per-client credentials (security.client.credentials.required): " +
                "give this client its own credential (`tierpool secret --client-id ID --from FILE --out FILE`, " +
                "TierPool.Context.clientCredential), not the cluster secret");
            return;
        }
        if (length < 0)
        {
            release(pending);
            badRequest(response, correlationId, NULL_BLOCK_ID, deadlineNs, "the handshake's client nonce must be " +
                SessionKeys.NONCE_LENGTH + " bytes");
            return;
        }
        pending.messageLength(length);
        enqueue(pending);
    }

    private void onProofRequest(
        final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version)
    {
        if (!hasFixedBlock(bodyOffset, blockLength, ProofRequestDecoder.BLOCK_LENGTH))
        {
            return;
        }
        final ProofRequestDecoder decoder = proofDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long correlationId = decoder.correlationId();
        final long deadlineNs = decoder.deadlineEpochNs();
        final int streamId = decoder.responseStreamId();
        final int proofOffset = decoder.limit();
        final int proofLength = decoder.proofLength();
        if (proofLength < 0 || proofLength > requestLimit - proofOffset - 4)
        {
            malformedCount.lazySet(malformedCount.get() + 1);
            return;
        }
        final ResponsePublication response = openResponse(buffer, proofOffset + 4 + proofLength, streamId,
            correlationId, NULL_BLOCK_ID, deadlineNs, "handshake");
        if (null == response)
        {
            return;
        }
        if (null == security)
        {
            respondError(response, correlationId, NULL_BLOCK_ID, deadlineNs, ErrorCode.AUTH_FAILED, "node " +
                ctx.nodeName() + " runs without data-path security (security.mode=off)");
            return;
        }
        decoder.limit(proofOffset);
        final String refusal = security.onProof(decoder);
        if (null != refusal)
        {
            respondError(response, correlationId, NULL_BLOCK_ID, deadlineNs, ErrorCode.AUTH_FAILED,
                "node " + ctx.nodeName() + " refused the handshake: " + refusal);
            return;
        }
        respondAck(response, correlationId, NULL_BLOCK_ID, deadlineNs);
    }

    SecurityCounters securityCounters()
    {
        return null == security ? new SecurityCounters(0, 0, 0, 0, 0, 0) : new SecurityCounters(
            security.sessionsEstablished(), security.handshakeFailures(), security.unauthenticated(),
            security.badMac(), security.replayed(), security.forgedClientId());
    }

    private boolean hasFixedBlock(final int bodyOffset, final int actingBlockLength, final int schemaBlockLength)
    {
        if (actingBlockLength < schemaBlockLength || actingBlockLength > requestLimit - bodyOffset)
        {
            malformedCount.lazySet(malformedCount.get() + 1);
            return false;
        }
        return true;
    }

    /**
     * Read the response channel field at {@code limit} into {@link #channelBytes}.
     *
     * @return the position after the field, or -1 (counted as malformed) when it does not fit or is not an Aeron
     * channel.
     */
    private int readResponseChannel(final DirectBuffer buffer, final int limit)
    {
        final int headerLength = PutRequestDecoder.responseChannelHeaderLength();
        if (limit + headerLength > requestLimit)
        {
            malformedCount.lazySet(malformedCount.get() + 1);
            return -1;
        }

        final int length = buffer.getInt(limit, ByteOrder.LITTLE_ENDIAN);
        if (length < AERON_PREFIX.length || length > MAX_RESPONSE_CHANNEL_LENGTH ||
            length > requestLimit - limit - headerLength)
        {
            malformedCount.lazySet(malformedCount.get() + 1);
            return -1;
        }

        buffer.getBytes(limit + headerLength, channelBytes, 0, length);
        for (int i = 0; i < AERON_PREFIX.length; i++)
        {
            if (channelBytes[i] != AERON_PREFIX[i])
            {
                malformedCount.lazySet(malformedCount.get() + 1);
                return -1;
            }
        }
        channelLength = length;

        return limit + headerLength + length;
    }

    /**
     * Reads a request's response channel, finds or opens its publication and answers {@code DEADLINE_EXPIRED} when
     * the request is late.
     *
     * @return the publication to answer on, or null when the request has been dealt with (malformed or late).
     */
    private ResponsePublication openResponse(
        final DirectBuffer buffer,
        final int channelOffset,
        final int responseStreamId,
        final long correlationId,
        final long blockId,
        final long deadlineNs,
        final String operation)
    {
        if (readResponseChannel(buffer, channelOffset) < 0)
        {
            return null;
        }

        final ResponsePublication response = responsePublication(responseStreamId);
        if (null != response && isExpired(deadlineNs))
        {
            deadlineExpired(response, correlationId, blockId, deadlineNs, operation);
            return null;
        }

        return response;
    }

    /**
     * @return the cached or a new publication to the channel in {@link #channelBytes}, or null when Aeron refuses
     * the channel (counted as malformed and passed to the error handler) or the publication limit is reached with
     * every publication busy (counted as refused).
     */
    private ResponsePublication responsePublication(final int streamId)
    {
        for (int i = 0, size = responsePublications.size(); i < size; i++)
        {
            final ResponsePublication response = responsePublications.get(i);
            if (response.matches(channelBytes, channelLength, streamId))
            {
                response.lastActivityNs(nowNs);
                return response;
            }
        }

        if (responsePublications.size() >= ctx.maxResponsePublications() && !evictIdlePublication())
        {
            refusedResponsePublicationCount.lazySet(refusedResponsePublicationCount.get() + 1);
            return null;
        }

        final String channel = new String(channelBytes, 0, channelLength, StandardCharsets.UTF_8);
        ExclusivePublication publication = null;
        try
        {
            checkTermLength(channel);
            publication = aeron.addExclusivePublication(channel, streamId);
            final int maxChunk = publication.maxMessageLength() - MAX_MESSAGE_HEADER_LENGTH;
            final int chunkLength = Math.min(ctx.chunkLength(), maxChunk);
            final ResponsePublication response = new ResponsePublication(
                Arrays.copyOf(channelBytes, channelLength), channel, streamId, publication, chunkLength,
                nowNs);
            responsePublications.add(response);
            updatePublicationGauges();
            return response;
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(publication);
            malformedCount.lazySet(malformedCount.get() + 1);
            errorHandler.onError(new TransportException(
                "node " + ctx.nodeName() + " cannot open response channel " + channel + " stream " + streamId +
                ": " + ex.getMessage(), channel, NULL_BLOCK_ID, ex));
            return null;
        }
    }

    /**
     * A response channel may name its own term length, and the driver maps three terms per publication: refuse a
     * channel asking for more than {@link TransportConfiguration#MAX_RESPONSE_TERM_LENGTH} so that one request
     * cannot make the node map gigabytes ({@link BlockClient} never sets it).
     *
     * @throws IllegalArgumentException when the channel does not parse or asks for a larger term.
     */
    private static void checkTermLength(final String channel)
    {
        final String termLength = ChannelUri.parse(channel).get(CommonContext.TERM_LENGTH_PARAM_NAME);
        if (null != termLength && SystemUtil.parseSize(CommonContext.TERM_LENGTH_PARAM_NAME, termLength) >
            TransportConfiguration.MAX_RESPONSE_TERM_LENGTH)
        {
            throw new IllegalArgumentException(CommonContext.TERM_LENGTH_PARAM_NAME + "=" + termLength +
                " is larger than the " + TransportConfiguration.MAX_RESPONSE_TERM_LENGTH +
                " bytes a node maps for a response channel: leave it out");
        }
    }

    private boolean isExpired(final long deadlineNs)
    {
        // Deadlines are absolute epoch nanoseconds (no wrap before 2262): compare directly, so that a hostile
        // Long.MIN_VALUE deadline counts as expired rather than overflowing into the far future.
        return deadlineNs < nowNs;
    }

    private PutReassembly findReassembly(final long clientId, final long correlationId)
    {
        for (int i = 0, size = reassemblies.size(); i < size; i++)
        {
            final PutReassembly reassembly = reassemblies.get(i);
            if (reassembly.matches(clientId, correlationId))
            {
                return reassembly;
            }
        }
        return null;
    }

    private void dropReassembly(final long clientId, final long correlationId)
    {
        final PutReassembly reassembly = findReassembly(clientId, correlationId);
        if (null != reassembly)
        {
            removeReassembly(reassembly);
        }
    }

    private void removeReassembly(final PutReassembly reassembly)
    {
        reassemblies.remove(reassembly);
        releaseReassembly(reassembly);
    }

    /**
     * Give back the buffer and the slot of a reassembly already taken out of {@link #reassemblies}.
     */
    private void releaseReassembly(final PutReassembly reassembly)
    {
        putReassemblyBytes -= reassembly.totalLength();
        bufferPool.release(reassembly.takeBuffer());
        freeReassemblies.addFirst(reassembly);
        updateReassemblyGauges();
    }

    /**
     * Evict stalled reassemblies, oldest-idle first, until a put of {@code totalLength} bytes fits the limits.
     *
     * @return whether it fits now.
     */
    private boolean makeRoomForPut(final int totalLength)
    {
        while (reassemblies.size() >= ctx.maxPutReassemblies() ||
            (!reassemblies.isEmpty() && putReassemblyBytes + totalLength > ctx.maxPutReassemblyBytes()))
        {
            final int index = oldestStalledReassembly();
            if (index < 0)
            {
                return false;
            }

            final PutReassembly stalled = reassemblies.get(index);
            ArrayListUtil.fastUnorderedRemove(reassemblies, index);
            rememberEvicted(stalled.clientId(), stalled.correlationId());
            releaseReassembly(stalled);
            evictedPutReassemblyCount.lazySet(evictedPutReassemblyCount.get() + 1);
        }
        return true;
    }

    /**
     * @return index of the stalled reassembly (no chunk for longer than the stall timeout) that has gone longest
     * without a chunk, else -1.
     */
    private int oldestStalledReassembly()
    {
        int oldest = -1;
        long oldestSequence = Long.MAX_VALUE;
        final long stalledBeforeNs = nowNs - ctx.putStallTimeoutNs();
        for (int i = 0, size = reassemblies.size(); i < size; i++)
        {
            final PutReassembly reassembly = reassemblies.get(i);
            if (reassembly.lastChunkNs() < stalledBeforeNs && reassembly.lastChunkSequence() < oldestSequence)
            {
                oldest = i;
                oldestSequence = reassembly.lastChunkSequence();
            }
        }
        return oldest;
    }

    private void rememberEvicted(final long clientId, final long correlationId)
    {
        evictedClientIds[nextEvicted] = clientId;
        evictedCorrelationIds[nextEvicted] = correlationId;
        evictedInUse[nextEvicted] = true;
        nextEvicted = nextEvicted + 1 == evictedInUse.length ? 0 : nextEvicted + 1;
    }

    /**
     * @return whether the put with this key was evicted (and not yet told so); forgets it.
     */
    private boolean takeEvicted(final long clientId, final long correlationId)
    {
        for (int i = 0; i < evictedInUse.length; i++)
        {
            if (evictedInUse[i] && evictedClientIds[i] == clientId && evictedCorrelationIds[i] == correlationId)
            {
                evictedInUse[i] = false;
                return true;
            }
        }
        return false;
    }

    private void refusePut(
        final ResponsePublication response,
        final long correlationId,
        final long blockId,
        final long deadlineNs,
        final int totalLength)
    {
        refusedPutCount.lazySet(refusedPutCount.get() + 1);
        respondError(response, correlationId, blockId, deadlineNs, ErrorCode.BUSY, "node " + ctx.nodeName() +
            " has no room now for put of block " + blockId + " (" + totalLength + " bytes): " + reassemblies.size() +
            " unfinished puts hold " + putReassemblyBytes + " bytes (limits " + ctx.maxPutReassemblies() + " puts, " +
            ctx.maxPutReassemblyBytes() + " bytes) and none has stalled for " +
            TimeUnit.NANOSECONDS.toMillis(ctx.putStallTimeoutNs()) + " ms; nothing was stored: resend the whole " +
            "block after a short wait, or raise " + TransportConfiguration.SERVER_MAX_PUT_REASSEMBLIES_PROP_NAME +
            " / " + TransportConfiguration.SERVER_MAX_PUT_REASSEMBLY_BYTES_PROP_NAME);
    }

    private void updateReassemblyGauges()
    {
        final int count = reassemblies.size();
        putReassemblyCount.lazySet(count);
        putReassemblyBytesGauge.lazySet(putReassemblyBytes);
        if (count > peakPutReassemblyCount.get())
        {
            peakPutReassemblyCount.lazySet(count);
        }
        if (putReassemblyBytes > peakPutReassemblyBytes.get())
        {
            peakPutReassemblyBytes.lazySet(putReassemblyBytes);
        }
    }

    private void updatePublicationGauges()
    {
        final int count = responsePublications.size();
        responsePublicationCount.lazySet(count);
        if (count > peakResponsePublicationCount.get())
        {
            peakResponsePublicationCount.lazySet(count);
        }
    }

    /**
     * Close the least recently used response publication with no response in flight.
     *
     * @return false when every publication has a response in flight.
     */
    private boolean evictIdlePublication()
    {
        int lru = -1;
        long lruActivityNs = Long.MAX_VALUE;
        for (int i = 0, size = responsePublications.size(); i < size; i++)
        {
            final ResponsePublication response = responsePublications.get(i);
            if (0 == response.pendingResponses() && (lru < 0 || response.lastActivityNs() < lruActivityNs))
            {
                lru = i;
                lruActivityNs = response.lastActivityNs();
            }
        }

        if (lru < 0)
        {
            return false;
        }

        final ResponsePublication evicted = responsePublications.get(lru);
        ArrayListUtil.fastUnorderedRemove(responsePublications, lru);
        evicted.close();
        evictedResponsePublicationCount.lazySet(evictedResponsePublicationCount.get() + 1);
        updatePublicationGauges();
        return true;
    }

    private int expireReassemblies()
    {
        int workCount = 0;
        for (int i = reassemblies.size() - 1; i >= 0; i--)
        {
            final PutReassembly reassembly = reassemblies.get(i);
            if (isExpired(reassembly.deadlineNs()))
            {
                ArrayListUtil.fastUnorderedRemove(reassemblies, i);
                releaseReassembly(reassembly);
                expiredReassemblyCount.lazySet(expiredReassemblyCount.get() + 1);
                workCount++;
            }
        }
        return workCount;
    }

    private int closeIdlePublications()
    {
        int workCount = 0;
        final long idleTimeoutNs = ctx.responsePublicationIdleTimeoutNs();
        for (int i = responsePublications.size() - 1; i >= 0; i--)
        {
            final ResponsePublication response = responsePublications.get(i);
            if (0 == response.pendingResponses() && nowNs - response.lastActivityNs() > idleTimeoutNs)
            {
                ArrayListUtil.fastUnorderedRemove(responsePublications, i);
                response.close();
                updatePublicationGauges();
                workCount++;
            }
        }
        return workCount;
    }

    private void respondAck(
        final ResponsePublication response, final long correlationId, final long blockId, final long deadlineNs)
    {
        final PendingResponse pending = newPendingResponse(response, correlationId, blockId, deadlineNs);
        final AckEncoder encoder = ackEncoder.wrapAndApplyHeader(pending.message(), 0, headerEncoder)
            .correlationId(correlationId)
            .blockId(blockId)
            .putNodeName(nodeNameBytes, 0, nodeNameBytes.length);
        pending.messageLength(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        enqueue(pending);
    }

    private void badRequest(
        final ResponsePublication response,
        final long correlationId,
        final long blockId,
        final long deadlineNs,
        final String detail)
    {
        malformedCount.lazySet(malformedCount.get() + 1);
        respondError(response, correlationId, blockId, deadlineNs, ErrorCode.BAD_REQUEST, detail);
    }

    private void deadlineExpired(
        final ResponsePublication response,
        final long correlationId,
        final long blockId,
        final long deadlineNs,
        final String operation)
    {
        respondError(response, correlationId, blockId, deadlineNs, ErrorCode.DEADLINE_EXPIRED,
            operation + " of " + TransportException.describeBlock(blockId) + " reached node " + ctx.nodeName() + " " +
            TimeUnit.NANOSECONDS.toMillis(nowNs - deadlineNs) + " ms after its deadline; check the clocks of " +
            "client and node, or raise " + TransportConfiguration.REQUEST_TIMEOUT_PROP_NAME);
    }

    private void internalError(
        final ResponsePublication response,
        final long correlationId,
        final long blockId,
        final long deadlineNs,
        final String operation,
        final RuntimeException ex)
    {
        errorHandler.onError(ex);
        respondError(response, correlationId, blockId, deadlineNs, ErrorCode.INTERNAL,
            operation + " of " + TransportException.describeBlock(blockId) + " failed inside node " +
            ctx.nodeName() + ": " + ex);
    }

    private void respondError(
        final ResponsePublication response,
        final long correlationId,
        final long blockId,
        final long deadlineNs,
        final ErrorCode code,
        final String message)
    {
        errorResponseCount.lazySet(errorResponseCount.get() + 1);
        final String text = null == message ? code.name() :
            message.length() > MAX_ERROR_MESSAGE_LENGTH ? message.substring(0, MAX_ERROR_MESSAGE_LENGTH) : message;

        final PendingResponse pending = newPendingResponse(response, correlationId, blockId, deadlineNs);
        final ErrorEncoder encoder = errorEncoder.wrapAndApplyHeader(pending.message(), 0, headerEncoder)
            .correlationId(correlationId)
            .blockId(blockId)
            .code(code.wireCode())
            .putNodeName(nodeNameBytes, 0, nodeNameBytes.length)
            .message(text);
        pending.messageLength(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        enqueue(pending);
    }

    private PendingResponse newPendingResponse(
        final ResponsePublication response, final long correlationId, final long blockId, final long deadlineNs)
    {
        PendingResponse pending = freePendingResponses.pollFirst();
        if (null == pending)
        {
            pending = new PendingResponse();
        }

        final long giveUpNs = Math.max(deadlineNs, nowNs + ctx.responseTimeoutNs());
        pending.reset(response, correlationId, blockId, giveUpNs, nowNs);
        pending.session(null == security ? null : security.current());
        response.incrementPending();
        return pending;
    }

    private void enqueue(final PendingResponse pending)
    {
        if (null != pending.session() && !pending.isBlock())
        {
            pending.messageLength(security.seal(pending.session(), pending.message(), pending.messageLength()));
        }
        if (send(pending))
        {
            release(pending);
        }
        else
        {
            pendingResponses.add(pending);
        }
    }

    private int sendPendingResponses()
    {
        int workCount = 0;
        for (int i = pendingResponses.size() - 1; i >= 0; i--)
        {
            final PendingResponse pending = pendingResponses.get(i);
            final int positionBefore = pending.position();
            if (send(pending))
            {
                ArrayListUtil.fastUnorderedRemove(pendingResponses, i);
                release(pending);
                workCount++;
            }
            else if (pending.position() != positionBefore)
            {
                workCount++;
            }
        }
        return workCount;
    }

    /**
     * Offer what is left of a response without blocking.
     *
     * @return true when the response is finished with: delivered, or given up (counted).
     */
    private boolean send(final PendingResponse pending)
    {
        final ResponsePublication response = pending.publication();
        final ExclusivePublication publication = response.publication();

        if (!pending.isBlock())
        {
            final long result = publication.offer(pending.message(), 0, pending.messageLength());
            if (result > 0)
            {
                response.lastActivityNs(nowNs);
                pending.progressed(nowNs);
                return true;
            }
            return isUndeliverable(pending, result);
        }

        final int chunkLength = response.chunkLength();
        for (int i = 0; i < CHUNKS_PER_TRANSFER_PER_CYCLE; i++)
        {
            final int position = pending.position();
            final int length = Math.min(chunkLength, pending.blockLength() - position);
            final GetResponseEncoder encoder = getResponseEncoder
                .wrapAndApplyHeader(chunkHeaderBuffer, 0, headerEncoder)
                .correlationId(pending.correlationId())
                .blockId(pending.blockId())
                .totalLength(pending.blockLength())
                .chunkOffset(position)
                .crc32c(pending.crc32c());
            final int lengthFieldOffset = encoder.limit();
            chunkHeaderBuffer.putInt(lengthFieldOffset, length, ByteOrder.LITTLE_ENDIAN);
            final int headerLength = lengthFieldOffset + GetResponseEncoder.dataHeaderLength();

            final long result = null == pending.session() ? publication.offer(
                chunkHeaderBuffer, 0, headerLength, pending.blockBuffer().buffer(), position, length) :
                security.offer(publication, pending.session(), chunkHeaderBuffer, headerLength,
                pending.blockBuffer().buffer(), position, length);
            if (result > 0)
            {
                response.lastActivityNs(nowNs);
                pending.progressed(nowNs);
                pending.extendDeadline(nowNs + ctx.responseTimeoutNs());
                pending.advance(length);
                if (pending.position() == pending.blockLength())
                {
                    return true;
                }
            }
            else
            {
                return isUndeliverable(pending, result);
            }
        }

        return false;
    }

    private boolean isUndeliverable(final PendingResponse pending, final long result)
    {
        if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
        {
            final ResponsePublication response = pending.publication();
            undeliveredResponseCount.lazySet(undeliveredResponseCount.get() + 1);
            errorHandler.onError(new TransportException(
                "node " + ctx.nodeName() + " could not answer request " + pending.correlationId() + " for " +
                TransportException.describeBlock(pending.blockId()) + ": response publication to " +
                response.channel() + " is " + (Publication.CLOSED == result ? "closed" : "at its maximum position"),
                response.channel(), pending.blockId()));
            if (responsePublications.remove(response))
            {
                response.close();
                updatePublicationGauges();
            }
            return true;
        }

        if (Publication.NOT_CONNECTED == result && nowNs - pending.lastProgressNs() > ctx.responseTimeoutNs())
        {
            undeliveredResponseCount.lazySet(undeliveredResponseCount.get() + 1);
            return true;
        }

        if (isExpired(pending.deadlineNs()))
        {
            undeliveredResponseCount.lazySet(undeliveredResponseCount.get() + 1);
            return true;
        }

        return false;
    }

    private void release(final PendingResponse pending)
    {
        pending.publication().decrementPending();
        releaseBlock(pending);
        freePendingResponses.addFirst(pending);
    }

    private void releaseBlock(final PendingResponse pending)
    {
        final OffHeapBuffer block = pending.takeBlock();
        if (null != block)
        {
            bufferPool.release(block);
        }
    }
}
