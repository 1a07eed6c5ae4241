/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.tierpool.ConfigurationException;
import io.tierpool.transport.codecs.AckDecoder;
import io.tierpool.transport.codecs.ErrorDecoder;
import io.tierpool.transport.codecs.FreeRequestEncoder;
import io.tierpool.transport.codecs.GetRequestEncoder;
import io.tierpool.transport.codecs.GetResponseDecoder;
import io.tierpool.transport.codecs.MessageHeaderDecoder;
import io.tierpool.transport.codecs.MessageHeaderEncoder;
import io.tierpool.transport.codecs.PutRequestEncoder;
import io.tierpool.transport.codecs.UsageRequestEncoder;
import io.tierpool.transport.codecs.UsageResponseDecoder;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import static io.tierpool.transport.TransportConfiguration.*;

/**
 * Puts, gets and frees blocks on nodes (each a {@link BlockServer}) and asks them for their usage, over Aeron,
 * with synchronous calls.
 * <pre>{@code
 * try (BlockClient client = BlockClient.connect(new BlockClient.Context().aeron(driver.aeron())))
 * {
 *     client.put("10.0.0.5:40100", 42L, block, 0, block.capacity());
 *     int length = client.get("10.0.0.5:40100", 42L, dst, 0, dst.capacity());
 *     client.free("10.0.0.5:40100", 42L);
 * }
 * }</pre>
 * Each call sends its request (a block larger than {@link Context#chunkLength()} goes as several chunks, each
 * retried while back-pressured) and then waits on the client's own response subscription for the answer with the
 * request's correlation id; answers to earlier, abandoned requests are dropped. A call first waits up to
 * {@link Context#connectTimeoutNs()} for the connection to the node, then up to {@link Context#requestTimeoutNs()}
 * (plus {@link Context#transferAllowanceNsPerMiB()} per MiB of block data) for the request to be sent and answered. Blocks carry a CRC-32C, checked by the node on put and by the client
 * on get.
 * <p>
 * Thread-safety: every method may be called from any thread. Calls are serialised by one lock, so one client has
 * one request in flight at a time; use several clients for parallel transfers. The caller's thread does the work
 * (there is no background thread). {@link #close()} is idempotent and closes the subscription and publications
 * the client opened, not the Aeron client, which belongs to the caller.
 */
public final class BlockClient implements AutoCloseable
{
    private static final int FRAGMENT_LIMIT = 16;
    private static final long RESOLVE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int WAITING = 0;
    private static final int DONE = 1;
    private static final int FAILED = 2;
    private static final long BUSY_BACKOFF_MIN_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long BUSY_BACKOFF_MAX_NS = TimeUnit.MILLISECONDS.toNanos(200);

    private static final String PUT = "put";
    private static final String GET = "get";
    private static final String FREE = "free";
    private static final String USAGE = "usage";

    private final Context ctx;
    private final Aeron aeron;
    private final ReentrantLock lock = new ReentrantLock();
    private final Subscription responseSubscription;
    private final String responseEndpoint;
    private final byte[] responseChannelBytes;
    private final FragmentAssembler assembler;
    private final HashMap<String, ExclusivePublication> publications = new HashMap<>();
    private final Crc32cCalculator crc32c = new Crc32cCalculator();
    private final IdleStrategy idleStrategy;
    private final NanoClock nanoClock;
    private final EpochNanoClock epochNanoClock;

    private final UnsafeBuffer requestBuffer = new UnsafeBuffer(new byte[MAX_MESSAGE_HEADER_LENGTH]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final PutRequestEncoder putEncoder = new PutRequestEncoder();
    private final GetRequestEncoder getEncoder = new GetRequestEncoder();
    private final FreeRequestEncoder freeEncoder = new FreeRequestEncoder();
    private final UsageRequestEncoder usageEncoder = new UsageRequestEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final AckDecoder ackDecoder = new AckDecoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();
    private final GetResponseDecoder getResponseDecoder = new GetResponseDecoder();
    private final UsageResponseDecoder usageResponseDecoder = new UsageResponseDecoder();

    private long nextCorrelationId;
    private long deadlineNs;
    private long timeoutNs;
    private long staleResponseCount;
    private long busyRetryCount;
    private boolean isClosed;

    private String operation;
    private String nodeEndpoint;
    private long blockId;
    private long correlationId;
    private int state;
    private ErrorCode remoteCode;
    private String remoteNodeName;
    private String remoteMessage;
    private String protocolFailure;
    private boolean isCallerError;

    private MutableDirectBuffer getDst;
    private int getDstOffset;
    private int getMaxLength;
    private int getTotalLength;
    private int getReceived;
    private int getCrc32c;

    private NodeUsage usageResult;

    private BlockClient(final Context ctx)
    {
        this.ctx = ctx;
        this.aeron = ctx.aeron();
        this.idleStrategy = ctx.idleStrategy();
        this.nanoClock = ctx.nanoClock();
        this.epochNanoClock = ctx.epochNanoClock();
        this.nextCorrelationId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
        this.assembler = new FragmentAssembler(new ResponseHandler(), ctx.chunkLength() + MAX_MESSAGE_HEADER_LENGTH,
            true);

        Subscription subscription = null;
        try
        {
            subscription = aeron.addSubscription(
                Endpoints.udpChannel(ctx.responseEndpoint()), ctx.responseStreamId());
            responseEndpoint = resolveEndpoint(subscription);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(subscription);
            throw new TransportException("client " + ctx.clientId() + " cannot listen for responses on " +
                ctx.responseEndpoint() + ": " + ex.getMessage() + " (is the port in use?)", ctx.responseEndpoint(),
                NULL_BLOCK_ID, ex);
        }
        responseSubscription = subscription;
        responseChannelBytes = Endpoints.udpChannel(responseEndpoint).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Open a client: binds its response endpoint. Nodes are connected lazily, on first use.
     *
     * @param ctx settings; {@link Context#conclude()} is called here and the context must not be reused.
     * @return the client, to be closed by the caller.
     * @throws ConfigurationException when a setting is invalid.
     * @throws TransportException     when the response endpoint cannot be bound.
     */
    public static BlockClient connect(final Context ctx)
    {
        ctx.conclude();
        return new BlockClient(ctx);
    }

    /**
     * @return this client's id, under which nodes file its blocks.
     */
    public long clientId()
    {
        return ctx.clientId();
    }

    /**
     * @return the {@code host:port} on which this client receives responses, with an ephemeral port resolved.
     */
    public String responseEndpoint()
    {
        return responseEndpoint;
    }

    /**
     * @return the concluded settings.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * @return responses received for requests that were no longer waited for (late answers after a timeout).
     */
    public long staleResponseCount()
    {
        lock.lock();
        try
        {
            return staleResponseCount;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Store a copy of a block on a node, replacing any block this client stored there with the same id.
     * When the node answers {@link ErrorCode#BUSY} (too many unfinished puts from all its clients) the whole block
     * is resent under a new correlation id after a back-off of 10 ms doubling to 200 ms, for as long as the
     * request's timeout leaves room ({@link #busyRetryCount()} counts these).
     *
     * @param nodeEndpoint the node's {@code host:port}.
     * @param blockId      the block's id, chosen by the caller.
     * @param src          the bytes; read during the call only.
     * @param srcOffset    where they start in src.
     * @param length       number of bytes, 1..{@link TransportConfiguration#MAX_BLOCK_LENGTH}.
     * @throws IllegalArgumentException   when length is out of range or the endpoint is not a {@code host:port}.
     * @throws IndexOutOfBoundsException  when the range lies outside src.
     * @throws IllegalStateException      when the client is closed.
     * @throws NodeUnreachableException   when the node cannot be connected to within the connect timeout.
     * @throws RequestTimeoutException    when no answer came within the request timeout; the block may or may not
     *                                    be stored.
     * @throws RemoteErrorException       when the node refused, for example {@link ErrorCode#NO_SPACE}, or kept
     *                                    answering {@link ErrorCode#BUSY} until the request timeout (also when the
     *                                    last resend after a BUSY got no answer in time: that timeout is attached
     *                                    as a suppressed exception).
     * @throws TransportException         when the connection to the node broke.
     */
    public void put(
        final String nodeEndpoint, final long blockId, final DirectBuffer src, final int srcOffset, final int length)
    {
        Objects.requireNonNull(src, "src");
        checkBlockLength(nodeEndpoint, blockId, length);
        src.boundsCheck(srcOffset, length);

        lock.lock();
        try
        {
            final ExclusivePublication publication = begin(nodeEndpoint, blockId, PUT);
            final int checksum = crc32c.compute(src, srcOffset, length);
            final long deadlineEpochNs = startTimeout(length);
            long busyBackoffNs = BUSY_BACKOFF_MIN_NS;
            RemoteErrorException lastBusy = null;
            while (true)
            {
                sendPut(publication, blockId, src, srcOffset, length, checksum, deadlineEpochNs);
                try
                {
                    awaitResponse();
                    return;
                }
                catch (final RequestTimeoutException ex)
                {
                    if (null != lastBusy)
                    {
                        // the node said BUSY before and the resent put ran out of time: BUSY is the better answer
                        lastBusy.addSuppressed(ex);
                        throw lastBusy;
                    }
                    throw ex;
                }
                catch (final RemoteErrorException ex)
                {
                    if (ErrorCode.BUSY != ex.code() || deadlineNs - nanoClock.nanoTime() < busyBackoffNs)
                    {
                        throw ex;
                    }
                    lastBusy = ex;
                }

                busyRetryCount++;
                LockSupport.parkNanos(busyBackoffNs);
                checkInterrupt();
                busyBackoffNs = Math.min(2 * busyBackoffNs, BUSY_BACKOFF_MAX_NS);
                restart();
            }
        }
        finally
        {
            end();
            lock.unlock();
        }
    }

    /**
     * @return puts resent because a node answered {@link ErrorCode#BUSY}.
     */
    public long busyRetryCount()
    {
        lock.lock();
        try
        {
            return busyRetryCount;
        }
        finally
        {
            lock.unlock();
        }
    }

    private void sendPut(
        final ExclusivePublication publication,
        final long blockId,
        final DirectBuffer src,
        final int srcOffset,
        final int length,
        final int checksum,
        final long deadlineEpochNs)
    {
        final int chunkLength = ctx.chunkLength();
        for (int position = 0; position < length && WAITING == state; )
        {
            final int chunk = Math.min(chunkLength, length - position);
            final PutRequestEncoder encoder = putEncoder.wrapAndApplyHeader(requestBuffer, 0, headerEncoder)
                .correlationId(correlationId)
                .clientId(ctx.clientId())
                .blockId(blockId)
                .deadlineEpochNs(deadlineEpochNs)
                .totalLength(length)
                .chunkOffset(position)
                .crc32c(checksum)
                .responseStreamId(ctx.responseStreamId())
                .putResponseChannel(responseChannelBytes, 0, responseChannelBytes.length);
            final int lengthFieldOffset = encoder.limit();
            requestBuffer.putInt(lengthFieldOffset, chunk, ByteOrder.LITTLE_ENDIAN);
            final int headerLength = lengthFieldOffset + PutRequestEncoder.dataHeaderLength();

            offer(publication, headerLength, src, srcOffset + position, chunk);
            position += chunk;
            responseSubscription.poll(assembler, FRAGMENT_LIMIT);
        }
    }

    /**
     * Read a block this client stored on a node into dst. The block's CRC-32C is checked once all of it has
     * arrived.
     *
     * @param nodeEndpoint the node's {@code host:port}.
     * @param blockId      the block's id.
     * @param dst          where the block is copied to; on failure its range holds unspecified bytes.
     * @param dstOffset    where to start in dst.
     * @param maxLength    room in dst from dstOffset, bytes.
     * @return the block's length in bytes, at most maxLength.
     * @throws IllegalArgumentException   when the block is longer than maxLength or the endpoint is not a
     *                                    {@code host:port}.
     * @throws IndexOutOfBoundsException  when the range lies outside dst.
     * @throws IllegalStateException      when the client is closed.
     * @throws NodeUnreachableException   when the node cannot be connected to within the connect timeout.
     * @throws RequestTimeoutException    when the block did not arrive in full within the request timeout.
     * @throws RemoteErrorException       when the node refused, for example {@link ErrorCode#NOT_FOUND}.
     * @throws TransferChecksumException  when the block arrived damaged.
     * @throws TransportException         when the connection broke or the node sent inconsistent chunks.
     */
    public int get(
        final String nodeEndpoint,
        final long blockId,
        final MutableDirectBuffer dst,
        final int dstOffset,
        final int maxLength)
    {
        Objects.requireNonNull(dst, "dst");
        if (maxLength < 1)
        {
            throw new IllegalArgumentException("get of block " + blockId + " from node " + nodeEndpoint +
                ": maxLength " + maxLength + " must be at least 1");
        }
        dst.boundsCheck(dstOffset, maxLength);

        lock.lock();
        try
        {
            final ExclusivePublication publication = begin(nodeEndpoint, blockId, GET);
            getDst = dst;
            getDstOffset = dstOffset;
            getMaxLength = maxLength;
            getTotalLength = -1;
            getReceived = 0;

            final long deadlineEpochNs = startTimeout(0);
            final GetRequestEncoder encoder = getEncoder.wrapAndApplyHeader(requestBuffer, 0, headerEncoder)
                .correlationId(correlationId)
                .clientId(ctx.clientId())
                .blockId(blockId)
                .deadlineEpochNs(deadlineEpochNs)
                .responseStreamId(ctx.responseStreamId())
                .putResponseChannel(responseChannelBytes, 0, responseChannelBytes.length);
            offer(publication, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), null, 0, 0);
            awaitResponse();

            final int actualCrc32c = crc32c.compute(dst, dstOffset, getTotalLength);
            if (actualCrc32c != getCrc32c)
            {
                throw new TransferChecksumException(nodeEndpoint, blockId, getTotalLength, getCrc32c, actualCrc32c);
            }

            return getTotalLength;
        }
        finally
        {
            getDst = null;
            end();
            lock.unlock();
        }
    }

    /**
     * Free a block this client stored on a node.
     *
     * @param nodeEndpoint the node's {@code host:port}.
     * @param blockId      the block's id.
     * @throws IllegalArgumentException   when the endpoint is not a {@code host:port}.
     * @throws IllegalStateException      when the client is closed.
     * @throws NodeUnreachableException   when the node cannot be connected to within the connect timeout.
     * @throws RequestTimeoutException    when no answer came within the request timeout.
     * @throws RemoteErrorException       when the node refused, for example {@link ErrorCode#NOT_FOUND}.
     * @throws TransportException         when the connection to the node broke.
     */
    public void free(final String nodeEndpoint, final long blockId)
    {
        lock.lock();
        try
        {
            final ExclusivePublication publication = begin(nodeEndpoint, blockId, FREE);
            final long deadlineEpochNs = startTimeout(0);
            final FreeRequestEncoder encoder = freeEncoder.wrapAndApplyHeader(requestBuffer, 0, headerEncoder)
                .correlationId(correlationId)
                .clientId(ctx.clientId())
                .blockId(blockId)
                .deadlineEpochNs(deadlineEpochNs)
                .responseStreamId(ctx.responseStreamId())
                .putResponseChannel(responseChannelBytes, 0, responseChannelBytes.length);
            offer(publication, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), null, 0, 0);
            awaitResponse();
        }
        finally
        {
            end();
            lock.unlock();
        }
    }

    /**
     * Ask a node for its capacity and usage per tier.
     *
     * @param nodeEndpoint the node's {@code host:port}.
     * @return the node's usage, fastest tier first.
     * @throws IllegalArgumentException   when the endpoint is not a {@code host:port}.
     * @throws IllegalStateException      when the client is closed.
     * @throws NodeUnreachableException   when the node cannot be connected to within the connect timeout.
     * @throws RequestTimeoutException    when no answer came within the request timeout.
     * @throws RemoteErrorException       when the node failed to report.
     * @throws TransportException         when the connection broke or the answer was malformed.
     */
    public NodeUsage usage(final String nodeEndpoint)
    {
        lock.lock();
        try
        {
            final ExclusivePublication publication = begin(nodeEndpoint, NULL_BLOCK_ID, USAGE);
            final long deadlineEpochNs = startTimeout(0);
            final UsageRequestEncoder encoder = usageEncoder.wrapAndApplyHeader(requestBuffer, 0, headerEncoder)
                .correlationId(correlationId)
                .clientId(ctx.clientId())
                .deadlineEpochNs(deadlineEpochNs)
                .responseStreamId(ctx.responseStreamId())
                .putResponseChannel(responseChannelBytes, 0, responseChannelBytes.length);
            offer(publication, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), null, 0, 0);
            awaitResponse();

            return usageResult;
        }
        finally
        {
            usageResult = null;
            end();
            lock.unlock();
        }
    }

    /**
     * Close the publication to a node, if there is one; a later request reconnects. Use when a node has left.
     *
     * @param nodeEndpoint the node's {@code host:port}.
     */
    public void disconnect(final String nodeEndpoint)
    {
        lock.lock();
        try
        {
            CloseHelper.close(publications.remove(nodeEndpoint));
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Close the response subscription and every publication to nodes. Idempotent. Waits for a call in progress
     * on another thread to finish.
     */
    public void close()
    {
        lock.lock();
        try
        {
            if (!isClosed)
            {
                isClosed = true;
                final List<AutoCloseable> closeables = new ArrayList<>(publications.values());
                closeables.add(responseSubscription);
                publications.clear();
                CloseHelper.closeAll(closeables);
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    private static void checkBlockLength(final String nodeEndpoint, final long blockId, final int length)
    {
        if (length < 1 || length > MAX_BLOCK_LENGTH)
        {
            throw new IllegalArgumentException("put of block " + blockId + " to node " + nodeEndpoint +
                ": length " + length + " must be 1.." + MAX_BLOCK_LENGTH + " bytes");
        }
    }

    private ExclusivePublication begin(final String nodeEndpoint, final long blockId, final String operation)
    {
        if (isClosed)
        {
            throw new IllegalStateException(operation + " of " + TransportException.describeBlock(blockId) +
                " on node " + nodeEndpoint + ": BlockClient " + ctx.clientId() + " is closed");
        }

        this.operation = operation;
        this.nodeEndpoint = nodeEndpoint;
        this.blockId = blockId;
        this.correlationId = nextCorrelationId++;
        this.state = WAITING;
        this.remoteCode = null;
        this.remoteNodeName = null;
        this.remoteMessage = null;
        this.protocolFailure = null;
        this.isCallerError = false;

        return connectedPublication(nodeEndpoint, blockId, operation);
    }

    /**
     * Start the current request again under a new correlation id (answers to the old one become stale), keeping
     * its deadline.
     */
    private void restart()
    {
        this.correlationId = nextCorrelationId++;
        this.state = WAITING;
        this.remoteCode = null;
        this.remoteNodeName = null;
        this.remoteMessage = null;
        this.protocolFailure = null;
        this.isCallerError = false;
    }

    private void end()
    {
        operation = null;
        nodeEndpoint = null;
        correlationId = 0;
        state = DONE;
    }

    private ExclusivePublication connectedPublication(
        final String nodeEndpoint, final long blockId, final String operation)
    {
        ExclusivePublication publication = publications.get(nodeEndpoint);
        if (null == publication)
        {
            try
            {
                Endpoints.validate("nodeEndpoint", nodeEndpoint);
            }
            catch (final ConfigurationException ex)
            {
                throw new IllegalArgumentException(operation + " of " + TransportException.describeBlock(blockId) +
                    ": " + ex.getMessage(), ex);
            }

            try
            {
                publication = aeron.addExclusivePublication(Endpoints.udpChannel(nodeEndpoint),
                    ctx.requestStreamId());
            }
            catch (final RuntimeException ex)
            {
                throw new TransportException("node " + nodeEndpoint + " cannot be addressed for " + operation +
                    " of " + TransportException.describeBlock(blockId) + ": " + ex.getMessage(), nodeEndpoint,
                    blockId, ex);
            }

            if (ctx.chunkLength() > publication.maxMessageLength() - MAX_MESSAGE_HEADER_LENGTH)
            {
                final int maxMessageLength = publication.maxMessageLength();
                CloseHelper.quietClose(publication);
                throw new ConfigurationException(CHUNK_LENGTH_PROP_NAME + "=" + ctx.chunkLength() +
                    " does not fit the driver's largest message of " + maxMessageLength + " bytes: use at most " +
                    (maxMessageLength - MAX_MESSAGE_HEADER_LENGTH) + " or raise " + TERM_LENGTH_PROP_NAME);
            }
            publications.put(nodeEndpoint, publication);
        }

        if (!publication.isConnected())
        {
            final long connectDeadlineNs = nanoClock.nanoTime() + ctx.connectTimeoutNs();
            idleStrategy.reset();
            while (!publication.isConnected())
            {
                checkInterrupt();
                if (nanoClock.nanoTime() - connectDeadlineNs > 0)
                {
                    publications.remove(nodeEndpoint);
                    CloseHelper.quietClose(publication);
                    throw new NodeUnreachableException(nodeEndpoint, blockId, operation, ctx.connectTimeoutNs());
                }
                idleStrategy.idle();
            }
        }

        return publication;
    }

    private void offer(
        final ExclusivePublication publication,
        final int headerLength,
        final DirectBuffer data,
        final int dataOffset,
        final int dataLength)
    {
        idleStrategy.reset();
        while (true)
        {
            final long result = null == data ?
                publication.offer(requestBuffer, 0, headerLength) :
                publication.offer(requestBuffer, 0, headerLength, data, dataOffset, dataLength);
            if (result > 0)
            {
                return;
            }

            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
            {
                publications.remove(nodeEndpoint);
                CloseHelper.quietClose(publication);
                throw new TransportException("connection to node " + nodeEndpoint + " broke during " + operation +
                    " of " + TransportException.describeBlock(blockId) + " (publication " +
                    (Publication.CLOSED == result ? "closed" : "at its maximum position") + "); retry",
                    nodeEndpoint, blockId);
            }

            checkInterrupt();
            if (nanoClock.nanoTime() - deadlineNs > 0)
            {
                throw new RequestTimeoutException(nodeEndpoint, blockId, operation, timeoutNs,
                    Publication.NOT_CONNECTED == result ? "the node disconnected while sending" :
                    "the node did not take the request, back-pressured");
            }

            final int workCount = responseSubscription.poll(assembler, FRAGMENT_LIMIT);
            if (WAITING != state)
            {
                return;
            }
            idleStrategy.idle(workCount);
        }
    }

    private void awaitResponse()
    {
        idleStrategy.reset();
        while (WAITING == state)
        {
            final int workCount = responseSubscription.poll(assembler, FRAGMENT_LIMIT);
            if (WAITING != state)
            {
                break;
            }

            checkInterrupt();
            if (nanoClock.nanoTime() - deadlineNs > 0)
            {
                throw new RequestTimeoutException(nodeEndpoint, blockId, operation, timeoutNs,
                    getTotalLength > 0 && GET.equals(operation) ?
                    "received " + getReceived + " of " + getTotalLength + " bytes" : "no answer");
            }
            idleStrategy.idle(workCount);
        }

        if (FAILED == state)
        {
            if (null != remoteCode)
            {
                throw new RemoteErrorException(
                    remoteCode, remoteNodeName, nodeEndpoint, blockId, operation, remoteMessage);
            }
            if (isCallerError)
            {
                throw new IllegalArgumentException(protocolFailure);
            }
            throw new TransportException(protocolFailure, nodeEndpoint, blockId);
        }
    }

    /**
     * Start the request's clock: {@link Context#requestTimeoutNs()} plus the transfer allowance for the bytes known
     * to travel.
     *
     * @return the deadline to send to the node, epoch nanoseconds.
     */
    private long startTimeout(final int length)
    {
        timeoutNs = ctx.requestTimeoutNs() + transferAllowanceNs(length);
        deadlineNs = nanoClock.nanoTime() + timeoutNs;
        return epochNanoClock.nanoTime() + timeoutNs;
    }

    private void extendTimeout(final int length)
    {
        final long allowanceNs = transferAllowanceNs(length);
        timeoutNs += allowanceNs;
        deadlineNs += allowanceNs;
    }

    private long transferAllowanceNs(final int length)
    {
        return ((length + (1L << 20) - 1) >> 20) * ctx.transferAllowanceNsPerMiB();
    }

    private void checkInterrupt()
    {
        if (Thread.currentThread().isInterrupted())
        {
            throw new TransportException(operation + " of " + TransportException.describeBlock(blockId) +
                " on node " + nodeEndpoint + " was interrupted; the thread's interrupt flag is still set",
                nodeEndpoint, blockId);
        }
    }

    private void fail(final String detail)
    {
        protocolFailure = operation + " of " + TransportException.describeBlock(blockId) + " on node " +
            nodeEndpoint + " failed: " + detail;
        state = FAILED;
    }

    private String resolveEndpoint(final Subscription subscription)
    {
        final long resolveDeadlineNs = System.nanoTime() + RESOLVE_TIMEOUT_NS;
        final IdleStrategy idle = new BackoffIdleStrategy(1, 1, 1_000, TimeUnit.MILLISECONDS.toNanos(1));
        while (true)
        {
            final List<String> addresses = subscription.localSocketAddresses();
            if (!addresses.isEmpty() && Endpoints.port(addresses.get(0)) > 0)
            {
                return addresses.get(0);
            }

            if (System.nanoTime() - resolveDeadlineNs > 0)
            {
                throw new IllegalStateException("the driver did not report the bound address of " +
                    subscription.channel() + " within " + TimeUnit.NANOSECONDS.toMillis(RESOLVE_TIMEOUT_NS) + " ms");
            }
            idle.idle();
        }
    }

    /**
     * Decodes responses on the caller's thread, under the client's lock, and updates the request state.
     */
    private final class ResponseHandler implements FragmentHandler
    {
        private int limit;

        public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            if (length < MessageHeaderDecoder.ENCODED_LENGTH)
            {
                staleResponseCount++;
                return;
            }

            headerDecoder.wrap(buffer, offset);
            final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
            final int blockLength = headerDecoder.blockLength();
            final int version = headerDecoder.version();
            limit = offset + length;
            if (MessageHeaderDecoder.SCHEMA_ID != headerDecoder.schemaId() || blockLength > limit - bodyOffset)
            {
                staleResponseCount++;
                return;
            }

            switch (headerDecoder.templateId())
            {
                case AckDecoder.TEMPLATE_ID:
                    if (blockLength >= AckDecoder.BLOCK_LENGTH &&
                        isAwaited(ackDecoder.wrap(buffer, bodyOffset, blockLength, version).correlationId()) &&
                        (PUT.equals(operation) || FREE.equals(operation)))
                    {
                        state = DONE;
                        return;
                    }
                    break;

                case ErrorDecoder.TEMPLATE_ID:
                    if (blockLength >= ErrorDecoder.BLOCK_LENGTH &&
                        isAwaited(errorDecoder.wrap(buffer, bodyOffset, blockLength, version).correlationId()))
                    {
                        onError(buffer);
                        return;
                    }
                    break;

                case GetResponseDecoder.TEMPLATE_ID:
                    if (blockLength >= GetResponseDecoder.BLOCK_LENGTH && GET.equals(operation) && isAwaited(
                        getResponseDecoder.wrap(buffer, bodyOffset, blockLength, version).correlationId()))
                    {
                        onGetChunk(buffer);
                        return;
                    }
                    break;

                case UsageResponseDecoder.TEMPLATE_ID:
                    if (blockLength >= UsageResponseDecoder.BLOCK_LENGTH && USAGE.equals(operation) && isAwaited(
                        usageResponseDecoder.wrap(buffer, bodyOffset, blockLength, version).correlationId()))
                    {
                        onUsage(buffer);
                        return;
                    }
                    break;

                default:
                    break;
            }

            staleResponseCount++;
        }

        private boolean isAwaited(final long responseCorrelationId)
        {
            return WAITING == state && null != operation && responseCorrelationId == correlationId;
        }

        private void onError(final DirectBuffer buffer)
        {
            final ErrorCode code = ErrorCode.fromWire(errorDecoder.codeRaw());
            final int nodeNameEnd = varFieldEnd(buffer, errorDecoder.limit());
            if (nodeNameEnd < 0)
            {
                fail("the node's error response is malformed (code " + code + ")");
                return;
            }
            final String nodeName = varString(buffer, errorDecoder.limit());
            final int messageEnd = varFieldEnd(buffer, nodeNameEnd);
            final String message = messageEnd < 0 ? "(no message)" : varString(buffer, nodeNameEnd);

            remoteCode = code;
            remoteNodeName = nodeName;
            remoteMessage = message;
            state = FAILED;
        }

        private void onGetChunk(final DirectBuffer buffer)
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
                fail("the node sent a malformed chunk (offset " + chunkOffset + ", " + dataLength + " of " +
                    totalLength + " bytes)");
                return;
            }

            if (getTotalLength < 0)
            {
                if (0 != chunkOffset)
                {
                    fail("the first chunk starts at " + chunkOffset + " instead of 0");
                    return;
                }

                if (totalLength > getMaxLength)
                {
                    fail("the block is " + totalLength + " bytes but maxLength is " + getMaxLength +
                        ": pass a buffer of at least " + totalLength + " bytes");
                    isCallerError = true;
                    return;
                }
                getTotalLength = totalLength;
                getCrc32c = checksum;
                extendTimeout(totalLength);
            }
            else if (totalLength != getTotalLength || checksum != getCrc32c || chunkOffset != getReceived)
            {
                fail("chunk at " + chunkOffset + " (" + totalLength + " bytes in all) does not continue the " +
                    getTotalLength + "-byte block received up to " + getReceived);
                return;
            }

            getDst.putBytes(getDstOffset + chunkOffset, buffer, dataOffset, dataLength);
            getReceived += dataLength;
            if (getReceived == getTotalLength)
            {
                state = DONE;
            }
        }

        private void onUsage(final DirectBuffer buffer)
        {
            final UsageResponseDecoder decoder = usageResponseDecoder;
            if (decoder.limit() + UsageResponseDecoder.TiersDecoder.sbeHeaderSize() > limit)
            {
                fail("the node's usage response is malformed");
                return;
            }

            final UsageResponseDecoder.TiersDecoder tiersDecoder = decoder.tiers();
            final int count = tiersDecoder.count();
            final ArrayList<TierUsage> tiers = new ArrayList<>(count);
            for (int i = 0; i < count; i++)
            {
                if (decoder.limit() + tiersDecoder.actingBlockLength() > limit)
                {
                    fail("the node's usage response is truncated at tier " + i);
                    return;
                }
                tiersDecoder.next();
                final long capacityBytes = tiersDecoder.capacityBytes();
                final long usedBytes = tiersDecoder.usedBytes();
                final long blockCount = tiersDecoder.blockCount();
                final int tierEnd = varFieldEnd(buffer, decoder.limit());
                if (tierEnd < 0 || capacityBytes < 0 || usedBytes < 0 || blockCount < 0)
                {
                    fail("the node's usage response has a malformed tier " + i);
                    return;
                }
                final String tierName = varString(buffer, decoder.limit());
                decoder.limit(tierEnd);
                tiers.add(new TierUsage(tierName, capacityBytes, usedBytes, blockCount));
            }

            final int nodeNameEnd = varFieldEnd(buffer, decoder.limit());
            if (nodeNameEnd < 0)
            {
                fail("the node's usage response has no node name");
                return;
            }

            usageResult = new NodeUsage(varString(buffer, decoder.limit()), tiers);
            state = DONE;
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

        private String varString(final DirectBuffer buffer, final int fieldOffset)
        {
            final int length = buffer.getInt(fieldOffset, ByteOrder.LITTLE_ENDIAN);
            return buffer.getStringWithoutLengthUtf8(fieldOffset + 4, length);
        }
    }

    /**
     * Settings of a {@link BlockClient}, with defaults from system properties named in
     * {@link TransportConfiguration}. Not thread-safe; conclude once.
     */
    public static final class Context
    {
        private Aeron aeron;
        private long clientId = ThreadLocalRandom.current().nextLong();
        private String responseEndpoint =
            stringValue(CLIENT_RESPONSE_ENDPOINT_PROP_NAME, CLIENT_RESPONSE_ENDPOINT_DEFAULT);
        private int requestStreamId = intValue(REQUEST_STREAM_ID_PROP_NAME, REQUEST_STREAM_ID_DEFAULT);
        private int responseStreamId = intValue(RESPONSE_STREAM_ID_PROP_NAME, RESPONSE_STREAM_ID_DEFAULT);
        private long requestTimeoutNs = durationNs(REQUEST_TIMEOUT_PROP_NAME, REQUEST_TIMEOUT_DEFAULT_NS);
        private long connectTimeoutNs = durationNs(CONNECT_TIMEOUT_PROP_NAME, CONNECT_TIMEOUT_DEFAULT_NS);
        private int chunkLength = sizeAsInt(CHUNK_LENGTH_PROP_NAME, CHUNK_LENGTH_DEFAULT);
        private long transferAllowanceNsPerMiB =
            durationNs(TRANSFER_ALLOWANCE_PER_MIB_PROP_NAME, TRANSFER_ALLOWANCE_PER_MIB_DEFAULT_NS);
        private IdleStrategy idleStrategy;
        private NanoClock nanoClock;
        private EpochNanoClock epochNanoClock;
        private boolean isConcluded;

        /**
         * Check the settings and fill in defaults.
         *
         * @return this.
         * @throws ConfigurationException naming the first bad setting and its value.
         * @throws IllegalStateException  when called twice.
         */
        public Context conclude()
        {
            if (isConcluded)
            {
                throw new IllegalStateException("BlockClient.Context is already concluded: use a new one");
            }

            responseEndpoint = Endpoints.validate(CLIENT_RESPONSE_ENDPOINT_PROP_NAME, responseEndpoint);
            final String host = Endpoints.host(responseEndpoint);
            if ("0.0.0.0".equals(host) || "[::]".equals(host))
            {
                throw new ConfigurationException(CLIENT_RESPONSE_ENDPOINT_PROP_NAME + "=" + responseEndpoint +
                    " is a wildcard address nodes cannot send to: give this host's address, such as 127.0.0.1:0");
            }

            if (requestStreamId == responseStreamId)
            {
                throw new ConfigurationException(REQUEST_STREAM_ID_PROP_NAME + " and " + RESPONSE_STREAM_ID_PROP_NAME +
                    " are both " + requestStreamId + ": use two different stream ids");
            }

            if (requestTimeoutNs <= 0)
            {
                throw new ConfigurationException(REQUEST_TIMEOUT_PROP_NAME + "=" + requestTimeoutNs +
                    "ns is invalid: use a positive duration such as 5s");
            }

            if (transferAllowanceNsPerMiB < 0)
            {
                throw new ConfigurationException(TRANSFER_ALLOWANCE_PER_MIB_PROP_NAME + "=" +
                    transferAllowanceNsPerMiB + "ns is invalid: use 0 or a positive duration such as 100ms");
            }

            if (connectTimeoutNs <= 0)
            {
                throw new ConfigurationException(CONNECT_TIMEOUT_PROP_NAME + "=" + connectTimeoutNs +
                    "ns is invalid: use a positive duration such as 2s");
            }

            if (chunkLength < CHUNK_LENGTH_MIN || chunkLength > MAX_BLOCK_LENGTH)
            {
                throw new ConfigurationException(CHUNK_LENGTH_PROP_NAME + "=" + chunkLength +
                    " is invalid: use " + CHUNK_LENGTH_MIN + ".." + MAX_BLOCK_LENGTH + " bytes (1m recommended), " +
                    "and no more than the driver's largest message minus " + MAX_MESSAGE_HEADER_LENGTH);
            }

            if (null == aeron)
            {
                throw new ConfigurationException("BlockClient.Context.aeron is not set: pass TransportDriver.aeron()");
            }

            if (null == idleStrategy)
            {
                idleStrategy = new BackoffIdleStrategy(
                    10, 20, 1_000, durationNs(CLIENT_IDLE_MAX_PARK_PROP_NAME, CLIENT_IDLE_MAX_PARK_DEFAULT_NS));
            }

            if (null == nanoClock)
            {
                nanoClock = SystemNanoClock.INSTANCE;
            }

            if (null == epochNanoClock)
            {
                epochNanoClock = new SystemEpochNanoClock();
            }

            isConcluded = true;
            return this;
        }

        /**
         * @param aeron the Aeron client to use (required); not closed by the client.
         * @return this.
         */
        public Context aeron(final Aeron aeron)
        {
            this.aeron = aeron;
            return this;
        }

        /**
         * @return the Aeron client to use.
         */
        public Aeron aeron()
        {
            return aeron;
        }

        /**
         * @param clientId identity under which nodes file this client's blocks; default a random long. A client
         *                 that wants to find its blocks again after a restart sets the same id.
         * @return this.
         */
        public Context clientId(final long clientId)
        {
            this.clientId = clientId;
            return this;
        }

        /**
         * @return identity under which nodes file this client's blocks.
         */
        public long clientId()
        {
            return clientId;
        }

        /**
         * @param responseEndpoint {@code host:port} to receive responses on, port 0 for a free port; the host must
         *                         be an address nodes can send to; default {@code 127.0.0.1:0}
         *                         ({@link TransportConfiguration#CLIENT_RESPONSE_ENDPOINT_PROP_NAME}).
         * @return this.
         */
        public Context responseEndpoint(final String responseEndpoint)
        {
            this.responseEndpoint = responseEndpoint;
            return this;
        }

        /**
         * @return {@code host:port} to receive responses on, as configured.
         */
        public String responseEndpoint()
        {
            return responseEndpoint;
        }

        /**
         * @param requestStreamId Aeron stream id nodes listen on; default
         *                        {@link TransportConfiguration#REQUEST_STREAM_ID_DEFAULT}.
         * @return this.
         */
        public Context requestStreamId(final int requestStreamId)
        {
            this.requestStreamId = requestStreamId;
            return this;
        }

        /**
         * @return Aeron stream id nodes listen on.
         */
        public int requestStreamId()
        {
            return requestStreamId;
        }

        /**
         * @param responseStreamId Aeron stream id this client receives responses on; default
         *                         {@link TransportConfiguration#RESPONSE_STREAM_ID_DEFAULT}.
         * @return this.
         */
        public Context responseStreamId(final int responseStreamId)
        {
            this.responseStreamId = responseStreamId;
            return this;
        }

        /**
         * @return Aeron stream id this client receives responses on.
         */
        public int responseStreamId()
        {
            return responseStreamId;
        }

        /**
         * @param requestTimeoutNs time, ns, for a request to be sent and answered once connected, plus
         *                         {@link #transferAllowanceNsPerMiB()} for each MiB of block data (the node sees
         *                         the same deadline); default 5 s.
         * @return this.
         */
        public Context requestTimeoutNs(final long requestTimeoutNs)
        {
            this.requestTimeoutNs = requestTimeoutNs;
            return this;
        }

        /**
         * @return time, ns, for a request to be sent and answered once connected.
         */
        public long requestTimeoutNs()
        {
            return requestTimeoutNs;
        }

        /**
         * @param transferAllowanceNsPerMiB time, ns, added to the request timeout for every MiB (or part of one)
         *                                  of block data a request moves, so that large blocks get time to travel;
         *                                  default 100 ms, which tolerates transfer rates down to 10 MiB/s.
         * @return this.
         */
        public Context transferAllowanceNsPerMiB(final long transferAllowanceNsPerMiB)
        {
            this.transferAllowanceNsPerMiB = transferAllowanceNsPerMiB;
            return this;
        }

        /**
         * @return time, ns, added to the request timeout for every MiB of block data.
         */
        public long transferAllowanceNsPerMiB()
        {
            return transferAllowanceNsPerMiB;
        }

        /**
         * @param connectTimeoutNs time, ns, to wait for the connection to a node; default 2 s.
         * @return this.
         */
        public Context connectTimeoutNs(final long connectTimeoutNs)
        {
            this.connectTimeoutNs = connectTimeoutNs;
            return this;
        }

        /**
         * @return time, ns, to wait for the connection to a node.
         */
        public long connectTimeoutNs()
        {
            return connectTimeoutNs;
        }

        /**
         * @param chunkLength payload bytes per put chunk, {@link TransportConfiguration#CHUNK_LENGTH_MIN}..1 GiB and
         *                    at most the driver's largest message minus
         *                    {@link TransportConfiguration#MAX_MESSAGE_HEADER_LENGTH}; default 1 MiB.
         * @return this.
         */
        public Context chunkLength(final int chunkLength)
        {
            this.chunkLength = chunkLength;
            return this;
        }

        /**
         * @return payload bytes per put chunk.
         */
        public int chunkLength()
        {
            return chunkLength;
        }

        /**
         * @param idleStrategy how the calling thread waits while back-pressured or awaiting an answer; default a
         *                     {@link BackoffIdleStrategy} parking at most
         *                     {@link TransportConfiguration#CLIENT_IDLE_MAX_PARK_PROP_NAME} (100 us). Used under
         *                     the client's lock only.
         * @return this.
         */
        public Context idleStrategy(final IdleStrategy idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /**
         * @return how the calling thread waits.
         */
        public IdleStrategy idleStrategy()
        {
            return idleStrategy;
        }

        /**
         * @param nanoClock monotonic clock for timeouts; default {@link SystemNanoClock}.
         * @return this.
         */
        public Context nanoClock(final NanoClock nanoClock)
        {
            this.nanoClock = nanoClock;
            return this;
        }

        /**
         * @return monotonic clock for timeouts.
         */
        public NanoClock nanoClock()
        {
            return nanoClock;
        }

        /**
         * @param epochNanoClock wall clock for the deadlines sent to nodes; default {@link SystemEpochNanoClock}.
         * @return this.
         */
        public Context epochNanoClock(final EpochNanoClock epochNanoClock)
        {
            this.epochNanoClock = epochNanoClock;
            return this;
        }

        /**
         * @return wall clock for the deadlines sent to nodes.
         */
        public EpochNanoClock epochNanoClock()
        {
            return epochNanoClock;
        }
    }
}
