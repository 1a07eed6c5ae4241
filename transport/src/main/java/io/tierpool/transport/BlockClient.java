/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.tierpool.ConfigurationException;
import io.tierpool.transport.codecs.FreeRequestEncoder;
import io.tierpool.transport.codecs.GetRequestEncoder;
import io.tierpool.transport.codecs.MessageHeaderEncoder;
import io.tierpool.transport.codecs.PutBatchRequestEncoder;
import io.tierpool.transport.codecs.PutRequestEncoder;
import io.tierpool.transport.codecs.UsageRequestEncoder;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
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
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import static io.tierpool.transport.TransportConfiguration.*;

/**
 * Puts, gets and frees blocks on nodes (each a {@link BlockServer}) and asks them for their usage, over Aeron:
 * an asynchronous core with many requests in flight, and synchronous calls as a thin façade over it, as Aeron's
 * archive client keeps {@code AeronArchive} over {@code ArchiveProxy} and {@code ControlResponsePoller}.
 * <pre>{@code
 * try (BlockClient client = BlockClient.connect(new BlockClient.Context().aeron(driver.aeron())))
 * {
 *     client.put("10.0.0.5:40100", 42L, block, 0, block.capacity());          // synchronous
 *     final BlockRequest a = client.sendGet("10.0.0.5:40100", 42L, 0, dstA, 0, dstA.capacity());
 *     final BlockRequest b = client.sendGet("10.0.0.6:40100", 43L, 0, dstB, 0, dstB.capacity());
 *     a.await();                                                               // both were in flight at once
 *     b.await();
 * }
 * }</pre>
 * <b>Sending.</b> A {@code sendXxx} call runs on the caller's thread: it connects to the node (waiting up to
 * {@link Context#connectTimeoutNs()}), takes a slot in the node's window ({@link Context#maxRequestsInFlight()}
 * requests and {@link Context#maxBytesInFlight()} bytes of block data, see {@link NodeWindow}), registers the
 * request under a fresh correlation id and offers its message (a block larger than {@link Context#chunkLength()}
 * as several chunks) to the node's concurrent {@link Publication}, which any number of threads may offer to at
 * once. It returns once the request is on its way, or failed; transport failures are reported by the request
 * ({@link BlockRequest#await()} throws them), never by the send call.
 * <p>
 * <b>Receiving.</b> Responses arrive on the client's one response subscription and are dispatched by correlation
 * id ({@link ResponseDispatcher}): GetResponse chunks are copied straight into the get's destination. The
 * subscription is polled by one thread at a time, whoever holds the poll claim (a compare-and-set flag nobody
 * ever blocks on): the client's receiver agent, on its own daemon thread with {@link Context#idleStrategy()} (a
 * back-off that parks, never a busy spin), and callers waiting in {@link BlockRequest#await()}, so that a caller
 * alone gets its answer without a thread hand-off. The table of pending requests is guarded by a lock held for a
 * few instructions (a put, a get or a remove); no lock is held while sending or polling.
 * <p>
 * <b>Deadlines and back-off.</b> Each request has its own deadline: {@link Context#requestTimeoutNs()} plus
 * {@link Context#transferAllowanceNsPerMiB()} per MiB of block data, counted from once the node is connected, sent
 * to the node too. The poller fails requests past their deadline with {@link RequestTimeoutException} (checked
 * every millisecond). A put the node answers with {@link ErrorCode#BUSY} waits a back-off of its own (10 ms
 * doubling to 200 ms) and is resent whole under a new correlation id by the thread awaiting it; other requests
 * are not delayed.
 * <p>
 * Every failure names the block, the node and the reason: {@link NodeUnreachableException},
 * {@link RequestTimeoutException}, {@link RemoteErrorException} (BUSY past the deadline included),
 * {@link TransferChecksumException}, or {@link TransportException} for a broken connection.
 * <p>
 * Thread-safety: every method may be called from any thread, by many threads at once. {@link #close()} is
 * idempotent, fails the requests still pending, and closes the receiver thread, subscription and publications the
 * client opened, not the Aeron client, which belongs to the caller.
 * <p>
 * Size: this class is over ~800 lines because it keeps its nested {@link Context} (about 400 lines of documented
 * settings) beside the client, as Aeron's clients do; the request state, window and response decoding live in
 * {@link BlockRequest}, {@link NodeWindow} and {@link ResponseDispatcher}.
 */
public final class BlockClient implements AutoCloseable
{
    /**
     * The most blocks one batch put message carries; a larger batch goes as several messages.
     */
    public static final int MAX_BATCH_BLOCKS = 1024;

    private static final int FRAGMENT_LIMIT = 16;
    private static final long RESOLVE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long SWEEP_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long BUSY_BACKOFF_MIN_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long BUSY_BACKOFF_MAX_NS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int BATCH_ENTRY_LENGTH = PutBatchRequestEncoder.BlocksEncoder.sbeBlockLength();
    private static final ThreadLocal<Sender> SENDERS = ThreadLocal.withInitial(Sender::new);

    private final Context ctx;
    private final Aeron aeron;
    private final Subscription responseSubscription;
    private final String responseEndpoint;
    private final byte[] responseChannelBytes;
    private final FragmentAssembler assembler;
    private final ConcurrentHashMap<String, NodeWindow> windows = new ConcurrentHashMap<>();
    private final ReentrantLock pendingLock = new ReentrantLock();
    private final Long2ObjectHashMap<BlockRequest> pending = new Long2ObjectHashMap<>();
    private final ArrayList<BlockRequest> expired = new ArrayList<>();
    private final AtomicBoolean pollClaim = new AtomicBoolean();
    private final AtomicLong staleResponseCount = new AtomicLong();
    private final AtomicLong busyRetryCount = new AtomicLong();
    private final AtomicLong listenerErrorCount = new AtomicLong();
    private final NanoClock nanoClock;
    private final EpochNanoClock epochNanoClock;
    private final AgentRunner receiverRunner;
    private long nextCorrelationId;
    private long nextSweepNs;
    private volatile boolean isClosed;

    private BlockClient(final Context ctx)
    {
        this.ctx = ctx;
        this.aeron = ctx.aeron();
        this.nanoClock = ctx.nanoClock();
        this.epochNanoClock = ctx.epochNanoClock();
        this.nextCorrelationId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
        this.assembler = new FragmentAssembler(new ResponseDispatcher(this),
            ctx.chunkLength() + MAX_MESSAGE_HEADER_LENGTH, true);

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

        receiverRunner = new AgentRunner(ctx.idleStrategy(), (throwable) -> listenerErrorCount.incrementAndGet(),
            null, new Receiver());
        AgentRunner.startOnThread(receiverRunner, (runnable) ->
        {
            final Thread thread = new Thread(runnable);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Open a client: binds its response endpoint and starts its receiver thread. Nodes are connected lazily, on
     * first use.
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
        return staleResponseCount.get();
    }

    /**
     * @return puts resent because a node answered {@link ErrorCode#BUSY}.
     */
    public long busyRetryCount()
    {
        return busyRetryCount.get();
    }

    /**
     * @return exceptions thrown by {@link BlockRequest.Listener}s (and by the receiver agent), counted and dropped.
     */
    public long listenerErrorCount()
    {
        return listenerErrorCount.get();
    }

    /**
     * @param nodeEndpoint the node's {@code host:port}.
     * @return requests in flight to the node now (taken a window slot, not yet done); 0 for an unknown node.
     */
    public int inFlightRequests(final String nodeEndpoint)
    {
        final NodeWindow window = windows.get(nodeEndpoint);
        return null == window ? 0 : window.requests();
    }

    /**
     * @param nodeEndpoint the node's {@code host:port}.
     * @return the most requests that were in flight to the node at once since it was connected.
     */
    public int peakInFlightRequests(final String nodeEndpoint)
    {
        final NodeWindow window = windows.get(nodeEndpoint);
        return null == window ? 0 : window.peakRequests();
    }

    /**
     * @param nodeEndpoint the node's {@code host:port}.
     * @return the most bytes of block data that were in flight to the node at once since it was connected.
     */
    public long peakInFlightBytes(final String nodeEndpoint)
    {
        final NodeWindow window = windows.get(nodeEndpoint);
        return null == window ? 0 : window.peakBytes();
    }

    /**
     * Store a copy of a block on a node as generation 0, replacing any copy this client stored there under the
     * same block id and generation, and wait for the answer. See {@link #put(String, long, long, DirectBuffer,
     * int, int)}.
     *
     * @param nodeEndpoint the node's {@code host:port}.
     * @param blockId      the block's id, chosen by the caller.
     * @param src          the bytes; read during the call only.
     * @param srcOffset    where they start in src.
     * @param length       number of bytes, 1..{@link TransportConfiguration#MAX_BLOCK_LENGTH}.
     * @throws IllegalArgumentException  when length is out of range or the endpoint is not a {@code host:port}.
     * @throws IndexOutOfBoundsException when the range lies outside src.
     * @throws IllegalStateException     when the client is closed.
     * @throws TransportException        as {@link BlockRequest#await()} says.
     */
    public void put(
        final String nodeEndpoint, final long blockId, final DirectBuffer src, final int srcOffset, final int length)
    {
        put(nodeEndpoint, blockId, 0, src, srcOffset, length);
    }

    /**
     * Store a copy of a block on a node under (blockId, generation), replacing any copy this client stored there
     * under the same two, and wait for the answer. When the node answers {@link ErrorCode#BUSY} (too many
     * unfinished puts from all its clients) the whole block is resent under a new correlation id after a back-off
     * of 10 ms doubling to 200 ms, for as long as the request's timeout leaves room ({@link #busyRetryCount()}
     * counts these).
     *
     * @param nodeEndpoint the node's {@code host:port}.
     * @param blockId      the block's id, chosen by the caller.
     * @param generation   which copy of the block, chosen by the caller (any value).
     * @param src          the bytes; read during the call only.
     * @param srcOffset    where they start in src.
     * @param length       number of bytes, 1..{@link TransportConfiguration#MAX_BLOCK_LENGTH}.
     * @throws IllegalArgumentException  when length is out of range or the endpoint is not a {@code host:port}.
     * @throws IndexOutOfBoundsException when the range lies outside src.
     * @throws IllegalStateException     when the client is closed.
     * @throws NodeUnreachableException  when the node cannot be connected to within the connect timeout.
     * @throws RequestTimeoutException   when no answer came within the request timeout; the block may or may not
     *                                   be stored.
     * @throws RemoteErrorException      when the node refused, for example {@link ErrorCode#NO_SPACE}, or kept
     *                                   answering {@link ErrorCode#BUSY} until the request timeout (also when the
     *                                   last resend after a BUSY got no answer in time: that timeout is attached
     *                                   as a suppressed exception).
     * @throws TransportException        when the connection to the node broke.
     */
    public void put(
        final String nodeEndpoint,
        final long blockId,
        final long generation,
        final DirectBuffer src,
        final int srcOffset,
        final int length)
    {
        await(sendPut(nodeEndpoint, blockId, generation, src, srcOffset, length));
    }

    /**
     * Send a put without waiting for its answer, computing the block's CRC-32C. See
     * {@link #sendPut(String, long, long, DirectBuffer, int, int, int)}.
     *
     * @param nodeEndpoint the node's {@code host:port}.
     * @param blockId      the block's id.
     * @param generation   which copy of the block.
     * @param src          the bytes; must stay unchanged until the request is done.
     * @param srcOffset    where they start in src.
     * @param length       number of bytes, 1..{@link TransportConfiguration#MAX_BLOCK_LENGTH}.
     * @return the request, to be awaited.
     * @throws IllegalArgumentException  when length is out of range or the endpoint is not a {@code host:port}.
     * @throws IndexOutOfBoundsException when the range lies outside src.
     * @throws IllegalStateException     when the client is closed.
     */
    public BlockRequest sendPut(
        final String nodeEndpoint,
        final long blockId,
        final long generation,
        final DirectBuffer src,
        final int srcOffset,
        final int length)
    {
        Objects.requireNonNull(src, "src");
        checkBlockLength(nodeEndpoint, blockId, length);
        src.boundsCheck(srcOffset, length);
        return sendPut(nodeEndpoint, blockId, generation, src, srcOffset, length,
            SENDERS.get().crc32c.compute(src, srcOffset, length));
    }

    /**
     * Send a put of a block whose CRC-32C the caller knows, without waiting for its answer. Blocks the caller only
     * to connect, to wait for a slot in the node's window, and while the node's publication is back-pressured.
     *
     * @param nodeEndpoint the node's {@code host:port}.
     * @param blockId      the block's id.
     * @param generation   which copy of the block (any value).
     * @param src          the bytes; must stay unchanged until the request is done (a BUSY answer resends them).
     * @param srcOffset    where they start in src.
     * @param length       number of bytes, 1..{@link TransportConfiguration#MAX_BLOCK_LENGTH}.
     * @param crc32c       the CRC-32C of the bytes; the node refuses the block if it does not match.
     * @return the request; it must be awaited ({@link BlockRequest#await()}), which resends it after a BUSY.
     * @throws IllegalArgumentException  when length is out of range or the endpoint is not a {@code host:port}.
     * @throws IndexOutOfBoundsException when the range lies outside src.
     * @throws IllegalStateException     when the client is closed.
     */
    public BlockRequest sendPut(
        final String nodeEndpoint,
        final long blockId,
        final long generation,
        final DirectBuffer src,
        final int srcOffset,
        final int length,
        final int crc32c)
    {
        Objects.requireNonNull(src, "src");
        checkBlockLength(nodeEndpoint, blockId, length);
        src.boundsCheck(srcOffset, length);
        checkEndpoint(nodeEndpoint, blockId, BlockRequest.PUT);

        final BlockRequest request =
            new BlockRequest(this, BlockRequest.PUT, nodeEndpoint, blockId, generation, length, null);
        request.src = src;
        request.srcOffset = srcOffset;
        request.length = length;
        request.crc32c = crc32c;
        request.busyBackoffNs = BUSY_BACKOFF_MIN_NS;
        if (begin(request, length))
        {
            transmitPut(request);
        }
        return request;
    }

    /**
     * Read generation 0 of a block this client stored on a node into dst, and wait for it. See
     * {@link #get(String, long, long, MutableDirectBuffer, int, int)}.
     *
     * @param nodeEndpoint the node's {@code host:port}.
     * @param blockId      the block's id.
     * @param dst          where the block is copied to; on failure its range holds unspecified bytes.
     * @param dstOffset    where to start in dst.
     * @param maxLength    room in dst from dstOffset, bytes.
     * @return the block's length in bytes, at most maxLength.
     * @throws IllegalArgumentException  when the block is longer than maxLength or the endpoint is not a
     *                                   {@code host:port}.
     * @throws IndexOutOfBoundsException when the range lies outside dst.
     * @throws IllegalStateException     when the client is closed.
     * @throws TransportException        as {@link BlockRequest#await()} says.
     */
    public int get(
        final String nodeEndpoint,
        final long blockId,
        final MutableDirectBuffer dst,
        final int dstOffset,
        final int maxLength)
    {
        return get(nodeEndpoint, blockId, 0, dst, dstOffset, maxLength);
    }

    /**
     * Read a copy of a block this client stored on a node into dst, and wait for it. The block's CRC-32C is
     * checked once all of it has arrived.
     *
     * @param nodeEndpoint the node's {@code host:port}.
     * @param blockId      the block's id.
     * @param generation   which copy of the block.
     * @param dst          where the block is copied to; on failure its range holds unspecified bytes.
     * @param dstOffset    where to start in dst.
     * @param maxLength    room in dst from dstOffset, bytes.
     * @return the block's length in bytes, at most maxLength.
     * @throws IllegalArgumentException  when the block is longer than maxLength or the endpoint is not a
     *                                   {@code host:port}.
     * @throws IndexOutOfBoundsException when the range lies outside dst.
     * @throws IllegalStateException     when the client is closed.
     * @throws NodeUnreachableException  when the node cannot be connected to within the connect timeout.
     * @throws RequestTimeoutException   when the block did not arrive in full within the request timeout.
     * @throws RemoteErrorException      when the node refused, for example {@link ErrorCode#NOT_FOUND}.
     * @throws TransferChecksumException when the block arrived damaged.
     * @throws TransportException        when the connection broke or the node sent inconsistent chunks.
     */
    public int get(
        final String nodeEndpoint,
        final long blockId,
        final long generation,
        final MutableDirectBuffer dst,
        final int dstOffset,
        final int maxLength)
    {
        final BlockRequest request = sendGet(nodeEndpoint, blockId, generation, dst, dstOffset, maxLength);
        await(request);
        return request.totalLength;
    }

    /**
     * Send a get without waiting for its answer; the block's chunks are copied into dst as they arrive, by
     * whichever thread polls the responses. The window counts maxLength bytes for it.
     *
     * @param nodeEndpoint the node's {@code host:port}.
     * @param blockId      the block's id.
     * @param generation   which copy of the block.
     * @param dst          where the block is copied to; belongs to the request until it is done.
     * @param dstOffset    where to start in dst.
     * @param maxLength    room in dst from dstOffset, bytes, at least 1.
     * @return the request; {@link BlockRequest#await()} checks the block's CRC-32C.
     * @throws IllegalArgumentException  when maxLength is below 1 or the endpoint is not a {@code host:port}.
     * @throws IndexOutOfBoundsException when the range lies outside dst.
     * @throws IllegalStateException     when the client is closed.
     */
    public BlockRequest sendGet(
        final String nodeEndpoint,
        final long blockId,
        final long generation,
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
        checkEndpoint(nodeEndpoint, blockId, BlockRequest.GET);

        final BlockRequest request =
            new BlockRequest(this, BlockRequest.GET, nodeEndpoint, blockId, generation, maxLength, null);
        request.dst = dst;
        request.dstOffset = dstOffset;
        request.maxLength = maxLength;
        if (begin(request, 0))
        {
            final Sender sender = SENDERS.get();
            final GetRequestEncoder encoder = sender.getEncoder
                .wrapAndApplyHeader(sender.buffer, 0, sender.headerEncoder)
                .correlationId(request.correlationId)
                .clientId(ctx.clientId())
                .blockId(blockId)
                .deadlineEpochNs(request.deadlineEpochNs)
                .responseStreamId(ctx.responseStreamId())
                .generation(generation)
                .putResponseChannel(responseChannelBytes, 0, responseChannelBytes.length);
            offer(request, request.correlationId, sender,
                MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), null, 0, 0);
        }
        return request;
    }

    /**
     * Free generation 0 of a block this client stored on a node, and wait for the answer.
     *
     * @param nodeEndpoint the node's {@code host:port}.
     * @param blockId      the block's id.
     * @throws IllegalArgumentException when the endpoint is not a {@code host:port}.
     * @throws IllegalStateException    when the client is closed.
     * @throws TransportException       as {@link BlockRequest#await()} says; {@link RemoteErrorException} with
     *                                  {@link ErrorCode#NOT_FOUND} when there is no such copy.
     */
    public void free(final String nodeEndpoint, final long blockId)
    {
        free(nodeEndpoint, blockId, 0);
    }

    /**
     * Free a copy of a block this client stored on a node, and wait for the answer.
     *
     * @param nodeEndpoint the node's {@code host:port}.
     * @param blockId      the block's id.
     * @param generation   which copy of the block.
     * @throws IllegalArgumentException when the endpoint is not a {@code host:port}.
     * @throws IllegalStateException    when the client is closed.
     * @throws NodeUnreachableException when the node cannot be connected to within the connect timeout.
     * @throws RequestTimeoutException  when no answer came within the request timeout.
     * @throws RemoteErrorException     when the node refused, for example {@link ErrorCode#NOT_FOUND}.
     * @throws TransportException       when the connection to the node broke.
     */
    public void free(final String nodeEndpoint, final long blockId, final long generation)
    {
        await(sendFree(nodeEndpoint, blockId, generation, null));
    }

    /**
     * Send a free without waiting for its answer. The listener, if any, is told when it is done (answered, refused,
     * timed out or failed to send), on the thread that finished it.
     *
     * @param nodeEndpoint the node's {@code host:port}.
     * @param blockId      the block's id.
     * @param generation   which copy of the block.
     * @param listener     told once when the free is done; may be null.
     * @return the request; awaiting it is optional.
     * @throws IllegalArgumentException when the endpoint is not a {@code host:port}.
     * @throws IllegalStateException    when the client is closed.
     */
    public BlockRequest sendFree(
        final String nodeEndpoint, final long blockId, final long generation, final BlockRequest.Listener listener)
    {
        checkEndpoint(nodeEndpoint, blockId, BlockRequest.FREE);
        final BlockRequest request =
            new BlockRequest(this, BlockRequest.FREE, nodeEndpoint, blockId, generation, 0, listener);
        if (begin(request, 0))
        {
            final Sender sender = SENDERS.get();
            final FreeRequestEncoder encoder = sender.freeEncoder
                .wrapAndApplyHeader(sender.buffer, 0, sender.headerEncoder)
                .correlationId(request.correlationId)
                .clientId(ctx.clientId())
                .blockId(blockId)
                .deadlineEpochNs(request.deadlineEpochNs)
                .responseStreamId(ctx.responseStreamId())
                .generation(generation)
                .putResponseChannel(responseChannelBytes, 0, responseChannelBytes.length);
            offer(request, request.correlationId, sender,
                MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), null, 0, 0);
        }
        return request;
    }

    /**
     * Ask a node for its capacity and usage per tier, and wait for the answer.
     *
     * @param nodeEndpoint the node's {@code host:port}.
     * @return the node's usage, fastest tier first.
     * @throws IllegalArgumentException when the endpoint is not a {@code host:port}.
     * @throws IllegalStateException    when the client is closed.
     * @throws NodeUnreachableException when the node cannot be connected to within the connect timeout.
     * @throws RequestTimeoutException  when no answer came within the request timeout.
     * @throws RemoteErrorException     when the node failed to report.
     * @throws TransportException       when the connection broke or the answer was malformed.
     */
    public NodeUsage usage(final String nodeEndpoint)
    {
        checkEndpoint(nodeEndpoint, NULL_BLOCK_ID, BlockRequest.USAGE);
        final BlockRequest request =
            new BlockRequest(this, BlockRequest.USAGE, nodeEndpoint, NULL_BLOCK_ID, 0, 0, null);
        if (begin(request, 0))
        {
            final Sender sender = SENDERS.get();
            final UsageRequestEncoder encoder = sender.usageEncoder
                .wrapAndApplyHeader(sender.buffer, 0, sender.headerEncoder)
                .correlationId(request.correlationId)
                .clientId(ctx.clientId())
                .deadlineEpochNs(request.deadlineEpochNs)
                .responseStreamId(ctx.responseStreamId())
                .putResponseChannel(responseChannelBytes, 0, responseChannelBytes.length);
            offer(request, request.correlationId, sender,
                MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), null, 0, 0);
        }
        await(request);
        return request.usage;
    }

    /**
     * @return the largest block a batch put carries: {@link Context#chunkLength()} less one batch entry. Larger
     * blocks go by {@link #put}.
     */
    public int maxBatchBlockLength()
    {
        return ctx.chunkLength() - BATCH_ENTRY_LENGTH;
    }

    /**
     * Store several small blocks on one node with as few messages as fit them, and wait for every answer. The
     * blocks lie in src in order, without overlapping (for example the layout of {@code Tier.writeBatch}); each
     * message carries up to {@link #MAX_BATCH_BLOCKS} blocks and at most {@link Context#chunkLength()} bytes of
     * them (gaps between blocks included), and each is a request of its own in the node's window. The node stores
     * each block on its own.
     *
     * @param nodeEndpoint the node's {@code host:port}.
     * @param count        number of blocks, 1 or more.
     * @param blockIds     the blocks' ids.
     * @param generations  each block's generation.
     * @param src          the bytes of every block; read during the call only.
     * @param srcOffsets   where each block starts in src, ascending, blocks not overlapping.
     * @param lengths      each block's length, 1..{@link #maxBatchBlockLength()}.
     * @param crc32cs      each block's CRC-32C.
     * @param outcomes     receives, per block, null when the node stored it, else why not: a
     *                     {@link RemoteErrorException} for that block, or the failure of the whole message that
     *                     carried it (timeout, unreachable, ...).
     * @return how many blocks were stored.
     * @throws IllegalArgumentException  when a length, the order of the blocks or the endpoint is invalid.
     * @throws IndexOutOfBoundsException when a block lies outside src.
     * @throws IllegalStateException     when the client is closed.
     */
    public int putBatch(
        final String nodeEndpoint,
        final int count,
        final long[] blockIds,
        final long[] generations,
        final DirectBuffer src,
        final int[] srcOffsets,
        final int[] lengths,
        final int[] crc32cs,
        final TransportException[] outcomes)
    {
        final List<BlockRequest> requests = sendPutBatch(
            nodeEndpoint, count, blockIds, generations, src, srcOffsets, lengths, crc32cs, outcomes);
        return awaitPutBatch(requests, outcomes);
    }

    /**
     * Send a batch put without waiting for its answers; see {@link #putBatch}. Await the requests with
     * {@link #awaitPutBatch(List, TransportException[])}.
     *
     * @param nodeEndpoint the node's {@code host:port}.
     * @param count        number of blocks, 1 or more.
     * @param blockIds     the blocks' ids.
     * @param generations  each block's generation.
     * @param src          the bytes of every block; must stay unchanged until the requests are done.
     * @param srcOffsets   where each block starts in src, ascending, blocks not overlapping.
     * @param lengths      each block's length, 1..{@link #maxBatchBlockLength()}.
     * @param crc32cs      each block's CRC-32C.
     * @param outcomes     filled in per block as answers arrive; belongs to the requests until they are done.
     * @return one request per message, in block order.
     * @throws IllegalArgumentException  when a length, the order of the blocks or the endpoint is invalid.
     * @throws IndexOutOfBoundsException when a block lies outside src.
     * @throws IllegalStateException     when the client is closed.
     */
    public List<BlockRequest> sendPutBatch(
        final String nodeEndpoint,
        final int count,
        final long[] blockIds,
        final long[] generations,
        final DirectBuffer src,
        final int[] srcOffsets,
        final int[] lengths,
        final int[] crc32cs,
        final TransportException[] outcomes)
    {
        Objects.requireNonNull(src, "src");
        if (count < 1)
        {
            throw new IllegalArgumentException("batch put to node " + nodeEndpoint + ": count " + count +
                " must be at least 1");
        }
        final int maxLength = maxBatchBlockLength();
        for (int k = 0; k < count; k++)
        {
            if (lengths[k] < 1 || lengths[k] > maxLength)
            {
                throw new IllegalArgumentException("batch put of block " + blockIds[k] + " to node " +
                    nodeEndpoint + ": length " + lengths[k] + " must be 1.." + maxLength + " bytes; put larger " +
                    "blocks one by one");
            }
            src.boundsCheck(srcOffsets[k], lengths[k]);
            if (k > 0 && srcOffsets[k] < srcOffsets[k - 1] + lengths[k - 1])
            {
                throw new IllegalArgumentException("batch put of block " + blockIds[k] + " to node " +
                    nodeEndpoint + ": it starts at " + srcOffsets[k] + ", inside the block before it");
            }
            outcomes[k] = null;
        }
        checkEndpoint(nodeEndpoint, blockIds[0], BlockRequest.BATCH_PUT);

        final List<BlockRequest> requests = new ArrayList<>(1 + count / MAX_BATCH_BLOCKS);
        int first = 0;
        while (first < count)
        {
            int last = first;
            while (last + 1 < count && last + 1 - first < MAX_BATCH_BLOCKS &&
                (long)srcOffsets[last + 1] + lengths[last + 1] - srcOffsets[first] +
                (long)(last + 2 - first) * BATCH_ENTRY_LENGTH <= ctx.chunkLength())
            {
                last++;
            }
            final int span = srcOffsets[last] + lengths[last] - srcOffsets[first];
            final BlockRequest request = new BlockRequest(
                this, BlockRequest.BATCH_PUT, nodeEndpoint, blockIds[first], generations[first], span, null);
            request.src = src;
            request.batchFirst = first;
            request.batchCount = last - first + 1;
            request.batchBlockIds = blockIds;
            request.batchGenerations = generations;
            request.batchSrcOffsets = srcOffsets;
            request.batchLengths = lengths;
            request.batchCrc32cs = crc32cs;
            request.batchOutcomes = outcomes;
            request.length = span;
            if (begin(request, span))
            {
                transmitBatch(request);
            }
            requests.add(request);
            first = last + 1;
        }
        return requests;
    }

    /**
     * Wait for the messages of a batch put and fill in the outcome of each block.
     *
     * @param requests what {@link #sendPutBatch} returned.
     * @param outcomes the array given to {@link #sendPutBatch}: per block, null when stored, else why not.
     * @return how many blocks were stored.
     */
    public int awaitPutBatch(final List<BlockRequest> requests, final TransportException[] outcomes)
    {
        int stored = 0;
        for (final BlockRequest request : requests)
        {
            TransportException failure = null;
            try
            {
                await(request);
            }
            catch (final TransportException ex)
            {
                failure = ex;
            }
            for (int k = request.batchFirst, end = request.batchFirst + request.batchCount; k < end; k++)
            {
                if (null != failure)
                {
                    outcomes[k] = failure;
                }
                else if (null == outcomes[k])
                {
                    stored++;
                }
            }
        }
        return stored;
    }

    /**
     * Close the publication to a node, if there is one; a later request reconnects. Requests in flight to it fail
     * when they next send, or at their deadline. Use when a node has left.
     *
     * @param nodeEndpoint the node's {@code host:port}.
     */
    public void disconnect(final String nodeEndpoint)
    {
        final NodeWindow window = windows.remove(nodeEndpoint);
        if (null != window)
        {
            CloseHelper.close(window.publication);
        }
    }

    /**
     * Stop the receiver thread, close the response subscription and every publication to nodes, and fail the
     * requests still pending with a {@link TransportException}. Idempotent.
     */
    public void close()
    {
        synchronized (windows)
        {
            if (isClosed)
            {
                return;
            }
            isClosed = true;
        }

        CloseHelper.close(receiverRunner);
        while (!pollClaim.compareAndSet(false, true))
        {
            Thread.yield();
        }

        final List<AutoCloseable> closeables = new ArrayList<>();
        for (final NodeWindow window : windows.values())
        {
            closeables.add(window.publication);
        }
        windows.clear();
        closeables.add(responseSubscription);
        CloseHelper.closeAll(closeables);

        final List<BlockRequest> abandoned;
        pendingLock.lock();
        try
        {
            abandoned = new ArrayList<>(pending.values());
            pending.clear();
        }
        finally
        {
            pendingLock.unlock();
        }
        for (final BlockRequest request : abandoned)
        {
            complete(request, closedException(request));
        }
    }

    void await(final BlockRequest request)
    {
        final Sender sender = SENDERS.get();
        final IdleStrategy idle = sender.idle;
        idle.reset();
        request.waiter = Thread.currentThread();
        try
        {
            while (true)
            {
                final int state = request.state();
                if (BlockRequest.DONE == state)
                {
                    break;
                }
                if (BlockRequest.FAILED == state)
                {
                    throw request.failure;
                }
                if (BlockRequest.BUSY_WAIT == state)
                {
                    final long nowNs = nanoClock.nanoTime();
                    if (nowNs - request.retryAtNs >= 0)
                    {
                        if (request.fromBusyWait() && register(request))
                        {
                            transmitPut(request);
                        }
                        continue;
                    }
                }
                if (Thread.currentThread().isInterrupted())
                {
                    fail(request, new TransportException(request.operation + " of " +
                        TransportException.describeBlock(request.blockId) + " on node " + request.nodeEndpoint +
                        " was interrupted; the thread's interrupt flag is still set", request.nodeEndpoint,
                        request.blockId));
                    continue;
                }
                final int workCount = pollResponses();
                if (!request.isDone())
                {
                    idle.idle(workCount);
                }
            }
        }
        finally
        {
            request.waiter = null;
        }

        if (BlockRequest.GET.equals(request.operation))
        {
            final int actual = sender.crc32c.compute(request.dst, request.dstOffset, request.totalLength);
            if (actual != request.crc32c)
            {
                throw new TransferChecksumException(
                    request.nodeEndpoint, request.blockId, request.totalLength, request.crc32c, actual);
            }
        }
    }

    /**
     * Poll the response subscription if no other thread is, and fail requests past their deadline.
     *
     * @return the work done: fragments read and requests expired; 0 when another thread holds the claim.
     */
    int pollResponses()
    {
        if (!pollClaim.compareAndSet(false, true))
        {
            return 0;
        }
        try
        {
            int workCount = responseSubscription.poll(assembler, FRAGMENT_LIMIT);
            final long nowNs = nanoClock.nanoTime();
            if (nowNs - nextSweepNs >= 0)
            {
                nextSweepNs = nowNs + SWEEP_INTERVAL_NS;
                workCount += expireRequests(nowNs);
            }
            return workCount;
        }
        finally
        {
            pollClaim.set(false);
        }
    }

    void onStaleResponse()
    {
        staleResponseCount.incrementAndGet();
    }

    BlockRequest takePending(final long correlationId)
    {
        pendingLock.lock();
        try
        {
            return pending.remove(correlationId);
        }
        finally
        {
            pendingLock.unlock();
        }
    }

    BlockRequest peekPending(final long correlationId)
    {
        pendingLock.lock();
        try
        {
            return pending.get(correlationId);
        }
        finally
        {
            pendingLock.unlock();
        }
    }

    void removePending(final BlockRequest request)
    {
        pendingLock.lock();
        try
        {
            if (pending.get(request.correlationId) == request)
            {
                pending.remove(request.correlationId);
            }
        }
        finally
        {
            pendingLock.unlock();
        }
    }

    /**
     * Finish a request once: give back its window slot, publish the outcome, wake its waiter, tell its listener.
     *
     * @return false when it was already finished.
     */
    boolean complete(final BlockRequest request, final RuntimeException failure)
    {
        if (!request.beginComplete())
        {
            return false;
        }

        final NodeWindow window = request.window;
        if (null != window)
        {
            request.window = null;
            window.release(request.windowBytes);
        }

        RuntimeException outcome = failure;
        if (failure instanceof RequestTimeoutException && null != request.lastBusy)
        {
            // the node said BUSY before and the resent put ran out of time: BUSY is the better answer
            request.lastBusy.addSuppressed(failure);
            outcome = request.lastBusy;
        }
        request.endComplete(outcome);

        if (null != request.listener)
        {
            try
            {
                request.listener.onComplete(request);
            }
            catch (final RuntimeException ex)
            {
                listenerErrorCount.incrementAndGet();
            }
        }
        return true;
    }

    /**
     * A put was answered BUSY: back off and let its waiter resend it, or fail it when its deadline leaves no room.
     */
    void onBusy(final BlockRequest request, final RemoteErrorException busy)
    {
        final long nowNs = nanoClock.nanoTime();
        if (request.deadlineNs - nowNs < request.busyBackoffNs)
        {
            complete(request, busy);
            return;
        }
        request.lastBusy = busy;
        request.retryAtNs = nowNs + request.busyBackoffNs;
        request.busyBackoffNs = Math.min(2 * request.busyBackoffNs, BUSY_BACKOFF_MAX_NS);
        if (request.toBusyWait())
        {
            busyRetryCount.incrementAndGet();
            final Thread waiter = request.waiter;
            if (null != waiter)
            {
                java.util.concurrent.locks.LockSupport.unpark(waiter);
            }
        }
    }

    void extendDeadline(final BlockRequest request, final int length)
    {
        final long allowanceNs = transferAllowanceNs(length);
        request.timeoutNs += allowanceNs;
        request.deadlineNs += allowanceNs;
    }

    private int expireRequests(final long nowNs)
    {
        pendingLock.lock();
        try
        {
            if (pending.isEmpty())
            {
                return 0;
            }
            for (final Iterator<BlockRequest> it = pending.values().iterator(); it.hasNext(); )
            {
                final BlockRequest request = it.next();
                if (nowNs - request.deadlineNs > 0)
                {
                    expired.add(request);
                    it.remove();
                }
            }
        }
        finally
        {
            pendingLock.unlock();
        }

        final int count = expired.size();
        for (int i = 0; i < count; i++)
        {
            final BlockRequest request = expired.get(i);
            complete(request, new RequestTimeoutException(request.nodeEndpoint, request.blockId, request.operation,
                request.timeoutNs, BlockRequest.GET.equals(request.operation) && request.totalLength > 0 ?
                "received " + request.received + " of " + request.totalLength + " bytes" :
                BlockRequest.BATCH_PUT.equals(request.operation) ?
                "no answer to a batch of " + request.batchCount + " blocks" : "no answer"));
        }
        expired.clear();
        return count;
    }

    private void fail(final BlockRequest request, final RuntimeException failure)
    {
        removePending(request);
        complete(request, failure);
    }

    /**
     * Connect, start the request's clock, take a window slot and register the request.
     *
     * @return false when the request failed on the way (and is done).
     */
    private boolean begin(final BlockRequest request, final int allowanceBytes)
    {
        if (isClosed)
        {
            throw new IllegalStateException(request.operation + " of " +
                TransportException.describeBlock(request.blockId) + " on node " + request.nodeEndpoint +
                ": BlockClient " + ctx.clientId() + " is closed");
        }

        final NodeWindow window;
        try
        {
            window = window(request);
        }
        catch (final TransportException ex)
        {
            complete(request, ex);
            return false;
        }

        final Sender sender = SENDERS.get();
        final IdleStrategy idle = sender.idle;
        if (!window.publication.isConnected())
        {
            final long connectDeadlineNs = nanoClock.nanoTime() + ctx.connectTimeoutNs();
            idle.reset();
            while (!window.publication.isConnected())
            {
                if (isInterrupted(request) || isClosed(request))
                {
                    return false;
                }
                if (nanoClock.nanoTime() - connectDeadlineNs > 0)
                {
                    complete(request, new NodeUnreachableException(
                        request.nodeEndpoint, request.blockId, request.operation, ctx.connectTimeoutNs()));
                    return false;
                }
                idle.idle(pollResponses());
            }
        }

        request.timeoutNs = ctx.requestTimeoutNs() + transferAllowanceNs(allowanceBytes);
        request.deadlineNs = nanoClock.nanoTime() + request.timeoutNs;
        request.deadlineEpochNs = epochNanoClock.nanoTime() + request.timeoutNs;

        idle.reset();
        while (!window.tryAcquire(request.windowBytes))
        {
            if (isInterrupted(request) || isClosed(request))
            {
                return false;
            }
            if (nanoClock.nanoTime() - request.deadlineNs > 0)
            {
                complete(request, new RequestTimeoutException(request.nodeEndpoint, request.blockId,
                    request.operation, request.timeoutNs, "the node's window of " + ctx.maxRequestsInFlight() +
                    " requests and " + ctx.maxBytesInFlight() + " bytes stayed full"));
                return false;
            }
            idle.idle(pollResponses());
        }
        request.window = window;

        return register(request);
    }

    /**
     * Give the request a fresh correlation id and enter it in the pending table.
     *
     * @return false when the client closed (the request is failed).
     */
    private boolean register(final BlockRequest request)
    {
        pendingLock.lock();
        try
        {
            if (!isClosed)
            {
                request.correlationId = nextCorrelationId++;
                pending.put(request.correlationId, request);
                return true;
            }
        }
        finally
        {
            pendingLock.unlock();
        }
        complete(request, closedException(request));
        return false;
    }

    private boolean isInterrupted(final BlockRequest request)
    {
        if (Thread.currentThread().isInterrupted())
        {
            complete(request, new TransportException(request.operation + " of " +
                TransportException.describeBlock(request.blockId) + " on node " + request.nodeEndpoint +
                " was interrupted; the thread's interrupt flag is still set", request.nodeEndpoint,
                request.blockId));
            return true;
        }
        return false;
    }

    private boolean isClosed(final BlockRequest request)
    {
        if (isClosed)
        {
            complete(request, closedException(request));
            return true;
        }
        return false;
    }

    private TransportException closedException(final BlockRequest request)
    {
        return new TransportException(request.operation + " of " +
            TransportException.describeBlock(request.blockId) + " on node " + request.nodeEndpoint +
            " was abandoned: BlockClient " + ctx.clientId() + " closed", request.nodeEndpoint, request.blockId);
    }

    private void transmitPut(final BlockRequest request)
    {
        final Sender sender = SENDERS.get();
        final long correlationId = request.correlationId;
        final int chunkLength = ctx.chunkLength();
        final int length = request.length;
        for (int position = 0; position < length; )
        {
            final int chunk = Math.min(chunkLength, length - position);
            final PutRequestEncoder encoder = sender.putEncoder
                .wrapAndApplyHeader(sender.buffer, 0, sender.headerEncoder)
                .correlationId(correlationId)
                .clientId(ctx.clientId())
                .blockId(request.blockId)
                .deadlineEpochNs(request.deadlineEpochNs)
                .totalLength(length)
                .chunkOffset(position)
                .crc32c(request.crc32c)
                .responseStreamId(ctx.responseStreamId())
                .generation(request.generation)
                .putResponseChannel(responseChannelBytes, 0, responseChannelBytes.length);
            final int lengthFieldOffset = encoder.limit();
            sender.buffer.putInt(lengthFieldOffset, chunk, ByteOrder.LITTLE_ENDIAN);
            final int headerLength = lengthFieldOffset + PutRequestEncoder.dataHeaderLength();

            if (!offer(request, correlationId, sender, headerLength, request.src, request.srcOffset + position,
                chunk))
            {
                return;
            }
            position += chunk;
        }
    }

    private void transmitBatch(final BlockRequest request)
    {
        final Sender sender = SENDERS.get();
        final int first = request.batchFirst;
        final int base = request.batchSrcOffsets[first];
        final PutBatchRequestEncoder encoder = sender.batchEncoder
            .wrapAndApplyHeader(sender.buffer, 0, sender.headerEncoder)
            .correlationId(request.correlationId)
            .clientId(ctx.clientId())
            .deadlineEpochNs(request.deadlineEpochNs)
            .responseStreamId(ctx.responseStreamId());
        final PutBatchRequestEncoder.BlocksEncoder blocks = encoder.blocksCount(request.batchCount);
        for (int k = first, end = first + request.batchCount; k < end; k++)
        {
            blocks.next()
                .blockId(request.batchBlockIds[k])
                .generation(request.batchGenerations[k])
                .dataOffset(request.batchSrcOffsets[k] - base)
                .length(request.batchLengths[k])
                .crc32c(request.batchCrc32cs[k]);
        }
        encoder.putResponseChannel(responseChannelBytes, 0, responseChannelBytes.length);
        final int lengthFieldOffset = encoder.limit();
        sender.buffer.putInt(lengthFieldOffset, request.length, ByteOrder.LITTLE_ENDIAN);
        final int headerLength = lengthFieldOffset + PutBatchRequestEncoder.dataHeaderLength();
        offer(request, request.correlationId, sender, headerLength, request.src, base, request.length);
    }

    /**
     * Offer one message of a request, retrying while back-pressured, until its deadline.
     *
     * @return false when the request is done (failed here, or finished by another thread) or was restarted.
     */
    private boolean offer(
        final BlockRequest request,
        final long correlationId,
        final Sender sender,
        final int headerLength,
        final DirectBuffer data,
        final int dataOffset,
        final int dataLength)
    {
        final NodeWindow window = request.window;
        if (null == window)
        {
            return false;
        }
        final Publication publication = window.publication;
        final IdleStrategy idle = sender.idle;
        idle.reset();
        while (true)
        {
            if (request.isDone() || request.correlationId != correlationId)
            {
                return false;
            }

            final long result = null == data ?
                publication.offer(sender.buffer, 0, headerLength) :
                publication.offer(sender.buffer, 0, headerLength, data, dataOffset, dataLength);
            if (result > 0)
            {
                return true;
            }

            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
            {
                windows.remove(request.nodeEndpoint, window);
                fail(request, new TransportException("connection to node " + request.nodeEndpoint +
                    " broke during " + request.operation + " of " + TransportException.describeBlock(request.blockId) +
                    " (publication " + (Publication.CLOSED == result ? "closed" : "at its maximum position") +
                    "); retry", request.nodeEndpoint, request.blockId));
                return false;
            }

            if (Thread.currentThread().isInterrupted())
            {
                fail(request, new TransportException(request.operation + " of " +
                    TransportException.describeBlock(request.blockId) + " on node " + request.nodeEndpoint +
                    " was interrupted; the thread's interrupt flag is still set", request.nodeEndpoint,
                    request.blockId));
                return false;
            }

            if (nanoClock.nanoTime() - request.deadlineNs > 0)
            {
                fail(request, new RequestTimeoutException(request.nodeEndpoint, request.blockId,
                    request.operation, request.timeoutNs, Publication.NOT_CONNECTED == result ?
                    "the node disconnected while sending" : "the node did not take the request, back-pressured"));
                return false;
            }

            idle.idle(pollResponses());
        }
    }

    private NodeWindow window(final BlockRequest request)
    {
        final String nodeEndpoint = request.nodeEndpoint;
        final NodeWindow existing = windows.get(nodeEndpoint);
        if (null != existing)
        {
            return existing;
        }

        final Publication publication;
        try
        {
            publication = aeron.addPublication(Endpoints.udpChannel(nodeEndpoint), ctx.requestStreamId());
        }
        catch (final RuntimeException ex)
        {
            throw new TransportException("node " + nodeEndpoint + " cannot be addressed for " + request.operation +
                " of " + TransportException.describeBlock(request.blockId) + ": " + ex.getMessage(), nodeEndpoint,
                request.blockId, ex);
        }

        if (ctx.chunkLength() > publication.maxMessageLength() - MAX_MESSAGE_HEADER_LENGTH -
            MAX_BATCH_BLOCKS * BATCH_ENTRY_LENGTH)
        {
            final int maxMessageLength = publication.maxMessageLength();
            CloseHelper.quietClose(publication);
            throw new ConfigurationException(CHUNK_LENGTH_PROP_NAME + "=" + ctx.chunkLength() +
                " does not fit the driver's largest message of " + maxMessageLength + " bytes: use at most " +
                (maxMessageLength - MAX_MESSAGE_HEADER_LENGTH - MAX_BATCH_BLOCKS * BATCH_ENTRY_LENGTH) +
                " or raise " + TERM_LENGTH_PROP_NAME);
        }

        final NodeWindow window =
            new NodeWindow(nodeEndpoint, publication, ctx.maxRequestsInFlight(), ctx.maxBytesInFlight());
        final NodeWindow prior = windows.putIfAbsent(nodeEndpoint, window);
        if (null != prior)
        {
            CloseHelper.quietClose(publication);
            return prior;
        }
        return window;
    }

    private static void checkEndpoint(final String nodeEndpoint, final long blockId, final String operation)
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
    }

    private static void checkBlockLength(final String nodeEndpoint, final long blockId, final int length)
    {
        if (length < 1 || length > MAX_BLOCK_LENGTH)
        {
            throw new IllegalArgumentException("put of block " + blockId + " to node " + nodeEndpoint +
                ": length " + length + " must be 1.." + MAX_BLOCK_LENGTH + " bytes");
        }
    }

    private long transferAllowanceNs(final int length)
    {
        return ((length + (1L << 20) - 1) >> 20) * ctx.transferAllowanceNsPerMiB();
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
     * Polls the responses when no waiting caller does: the client's own thread, so that answers to requests
     * nobody waits for (asynchronous frees) and window slots are never stuck.
     */
    private final class Receiver implements Agent
    {
        public int doWork()
        {
            return pollResponses();
        }

        public String roleName()
        {
            return "tierpool-block-client-receiver-" + ctx.clientId();
        }
    }

    /**
     * What one thread needs to encode and send requests and to wait: kept per thread (not per client, so that a
     * thread's entry does not keep a closed client reachable), never shared.
     */
    private static final class Sender
    {
        final UnsafeBuffer buffer =
            new UnsafeBuffer(new byte[MAX_MESSAGE_HEADER_LENGTH + MAX_BATCH_BLOCKS * BATCH_ENTRY_LENGTH]);
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        final PutRequestEncoder putEncoder = new PutRequestEncoder();
        final GetRequestEncoder getEncoder = new GetRequestEncoder();
        final FreeRequestEncoder freeEncoder = new FreeRequestEncoder();
        final UsageRequestEncoder usageEncoder = new UsageRequestEncoder();
        final PutBatchRequestEncoder batchEncoder = new PutBatchRequestEncoder();
        final Crc32cCalculator crc32c = new Crc32cCalculator();
        final IdleStrategy idle = new BackoffIdleStrategy(
            10, 20, 1_000, durationNs(CLIENT_IDLE_MAX_PARK_PROP_NAME, CLIENT_IDLE_MAX_PARK_DEFAULT_NS));
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
        private int maxRequestsInFlight =
            intValue(CLIENT_MAX_REQUESTS_IN_FLIGHT_PROP_NAME, CLIENT_MAX_REQUESTS_IN_FLIGHT_DEFAULT);
        private int maxBytesInFlight =
            sizeAsInt(CLIENT_MAX_BYTES_IN_FLIGHT_PROP_NAME, CLIENT_MAX_BYTES_IN_FLIGHT_DEFAULT);
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

            if (maxRequestsInFlight < 1)
            {
                throw new ConfigurationException(CLIENT_MAX_REQUESTS_IN_FLIGHT_PROP_NAME + "=" +
                    maxRequestsInFlight + " is invalid: use 1 or more (64 recommended)");
            }

            if (maxBytesInFlight < 1)
            {
                throw new ConfigurationException(CLIENT_MAX_BYTES_IN_FLIGHT_PROP_NAME + "=" + maxBytesInFlight +
                    " is invalid: use 1 or more bytes (64m recommended)");
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
         * @param maxRequestsInFlight requests kept in flight to one node at most, 1 or more; default 64
         *                            ({@link TransportConfiguration#CLIENT_MAX_REQUESTS_IN_FLIGHT_PROP_NAME}).
         * @return this.
         */
        public Context maxRequestsInFlight(final int maxRequestsInFlight)
        {
            this.maxRequestsInFlight = maxRequestsInFlight;
            return this;
        }

        /**
         * @return requests kept in flight to one node at most.
         */
        public int maxRequestsInFlight()
        {
            return maxRequestsInFlight;
        }

        /**
         * @param maxBytesInFlight bytes of block data kept in flight to one node at most, 1 or more (a single
         *                         larger request goes alone); default 64 MiB
         *                         ({@link TransportConfiguration#CLIENT_MAX_BYTES_IN_FLIGHT_PROP_NAME}).
         * @return this.
         */
        public Context maxBytesInFlight(final int maxBytesInFlight)
        {
            this.maxBytesInFlight = maxBytesInFlight;
            return this;
        }

        /**
         * @return bytes of block data kept in flight to one node at most.
         */
        public int maxBytesInFlight()
        {
            return maxBytesInFlight;
        }

        /**
         * @param idleStrategy how the client's receiver thread waits when no response arrives; default a
         *                     {@link BackoffIdleStrategy} parking at most
         *                     {@link TransportConfiguration#CLIENT_IDLE_MAX_PARK_PROP_NAME} (100 us). Used by that
         *                     thread only; callers waiting for answers use a back-off of their own with the same
         *                     longest park.
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
