/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.client.NodeUsage;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.tierpool.client.ConfigurationException;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

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
 * Layout, as Aeron's archive client splits its work: {@link RequestProxy} sends (connection, window, encoding,
 * offers), {@link PendingRequests} receives (pending table, poll claim, deadlines, completion) through
 * {@link ResponseDispatcher}, {@link NodeWindow} bounds what is in flight per node, and {@link BlockRequest} is one
 * request's state. This class is the public façade and its {@link Context}; it is over ~800 lines only because
 * each public call and setting is documented line for line (units, ranges, every exception) and the Context's ~420
 * lines of settings stay nested, as Aeron's do.
 */
public final class BlockClient implements AutoCloseable
{
    /**
     * The most blocks one batch put message carries; a larger batch goes as several messages.
     */
    public static final int MAX_BATCH_BLOCKS = 1024;

    private static final long RESOLVE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private final Context ctx;
    private final Subscription responseSubscription;
    private final String responseEndpoint;
    private final PendingRequests pending;
    private final RequestProxy proxy;
    private final NanoClock nanoClock;
    private final AgentRunner receiverRunner;
    private boolean isClosed;

    private BlockClient(final Context ctx)
    {
        this.ctx = ctx;
        this.nanoClock = ctx.nanoClock();

        Subscription subscription = null;
        try
        {
            subscription = ctx.aeron().addSubscription(
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
        pending = new PendingRequests(ctx, subscription);
        proxy = new RequestProxy(
            ctx, pending, Endpoints.udpChannel(responseEndpoint).getBytes(StandardCharsets.UTF_8));

        receiverRunner = new AgentRunner(ctx.idleStrategy(), (throwable) -> pending.onListenerError(),
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
        return pending.staleResponseCount();
    }

    /**
     * @return responses refused because they were not sealed by one of this client's sessions, or their MAC, flags
     * or sequence number did not check (forged, altered, replayed); 0 when security is off.
     */
    public long refusedResponseCount()
    {
        return pending.refusedResponseCount();
    }

    /**
     * @return puts resent because a node answered {@link ErrorCode#BUSY}.
     */
    public long busyRetryCount()
    {
        return pending.busyRetryCount();
    }

    /**
     * @return exceptions thrown by {@link BlockRequest.Listener}s (and by the receiver agent), counted and dropped.
     */
    public long listenerErrorCount()
    {
        return pending.listenerErrorCount();
    }

    /**
     * @param nodeEndpoint the node's {@code host:port}.
     * @return requests in flight to the node now (taken a window slot, not yet done); 0 for an unknown node.
     */
    public int inFlightRequests(final String nodeEndpoint)
    {
        final NodeWindow window = proxy.window(nodeEndpoint);
        return null == window ? 0 : window.requests();
    }

    /**
     * @param nodeEndpoint the node's {@code host:port}.
     * @return the most requests that were in flight to the node at once since it was connected.
     */
    public int peakInFlightRequests(final String nodeEndpoint)
    {
        final NodeWindow window = proxy.window(nodeEndpoint);
        return null == window ? 0 : window.peakRequests();
    }

    /**
     * @param nodeEndpoint the node's {@code host:port}.
     * @return the most bytes of block data that were in flight to the node at once since it was connected.
     */
    public long peakInFlightBytes(final String nodeEndpoint)
    {
        final NodeWindow window = proxy.window(nodeEndpoint);
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
     *                                   last resend after a BUSY got no answer in time, or reached the node past
     *                                   its deadline and was answered {@link ErrorCode#DEADLINE_EXPIRED}: that
     *                                   failure is attached as a suppressed exception).
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
            RequestProxy.sender().crc32c.compute(src, srcOffset, length));
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
        request.busyBackoffNs = PendingRequests.BUSY_BACKOFF_MIN_NS;
        if (proxy.begin(request, length))
        {
            proxy.transmitPut(request);
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
        return get(nodeEndpoint, blockId, generation, dst, dstOffset, maxLength, false, 0);
    }

    /**
     * {@link #get(String, long, long, MutableDirectBuffer, int, int)}, also checking the block end to end against
     * the CRC-32C it was written with, in the same pass over the bytes as the transfer check: a caller that keeps
     * the checksum of what it stored (as the pool's engine does) then need not take it again.
     *
     * @param nodeEndpoint   the node's {@code host:port}.
     * @param blockId        the block's id.
     * @param generation     which copy of the block.
     * @param dst            where the block is copied to; on failure its range holds unspecified bytes.
     * @param dstOffset      where to start in dst.
     * @param maxLength      room in dst from dstOffset, bytes.
     * @param expectedCrc32c the CRC-32C of the bytes as they were put.
     * @return the block's length in bytes, at most maxLength.
     * @throws TransferChecksumException when the block arrived damaged, or arrived intact but is not the block
     *                                   that was put ({@link TransferChecksumException#isStoredCopyDamaged()}:
     *                                   the node's copy changed since; read another replica).
     * @throws RuntimeException          any other exception of {@link #get(String, long, long,
     *                                   MutableDirectBuffer, int, int)}, for the same reasons.
     */
    public int get(
        final String nodeEndpoint,
        final long blockId,
        final long generation,
        final MutableDirectBuffer dst,
        final int dstOffset,
        final int maxLength,
        final int expectedCrc32c)
    {
        return get(nodeEndpoint, blockId, generation, dst, dstOffset, maxLength, true, expectedCrc32c);
    }

    private int get(
        final String nodeEndpoint,
        final long blockId,
        final long generation,
        final MutableDirectBuffer dst,
        final int dstOffset,
        final int maxLength,
        final boolean expectsCrc32c,
        final int expectedCrc32c)
    {
        final BlockRequest request = sendGet(nodeEndpoint, blockId, generation, dst, dstOffset, maxLength);
        request.expectedCrc32c = expectedCrc32c;
        request.expectsCrc32c = expectsCrc32c;
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
        if (proxy.begin(request, 0))
        {
            proxy.sendGet(request);
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
        if (proxy.begin(request, 0))
        {
            proxy.sendFree(request);
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
        if (proxy.begin(request, 0))
        {
            proxy.sendUsage(request);
        }
        await(request);
        return request.usage;
    }

    /**
     * Ask a node daemon which node daemons are live and which left lately, renewing this client's lease with it,
     * and wait for the answer. A thin client's heartbeat: the node keeps the blocks this client placed on it while
     * it hears from the client at least once per lease (any request renews it), and frees them when the lease
     * lapses.
     *
     * @param nodeEndpoint   the node's {@code host:port}.
     * @param leaseTimeoutMs the lease to ask for, ms; 0 for an observer (such as {@code tierpool top}) that places
     *                       no blocks and holds no lease. The node may grant less or more (see
     *                       {@link MembershipSnapshot#grantedLeaseMs()}).
     * @return what the node answered.
     * @throws IllegalArgumentException when the endpoint is not a {@code host:port} or leaseTimeoutMs is negative.
     * @throws IllegalStateException    when the client is closed.
     * @throws NodeUnreachableException when the node cannot be connected to within the connect timeout.
     * @throws RequestTimeoutException  when no answer came within the request timeout.
     * @throws RemoteErrorException     when the node refused (a node daemon older than protocol version 2 answers
     *                                  {@link ErrorCode#BAD_REQUEST}).
     * @throws TransportException       when the connection broke or the answer was malformed.
     */
    public MembershipSnapshot membership(final String nodeEndpoint, final long leaseTimeoutMs)
    {
        final BlockRequest request = sendMembership(nodeEndpoint, leaseTimeoutMs, null);
        await(request);
        return request.membership;
    }

    /**
     * Ask a node daemon for what {@code query} says and renew this client's lease with it, and wait for the answer
     * ({@link #sendMembership(String, long, MembershipQuery, BlockRequest.Listener)}).
     *
     * @param nodeEndpoint   the node's {@code host:port}.
     * @param leaseTimeoutMs the lease to ask for, ms, 0 or more; 0 for an observer.
     * @param query          what to have listed.
     * @return what the node answered.
     * @throws IllegalArgumentException when the endpoint is not a {@code host:port} or leaseTimeoutMs is negative.
     * @throws NullPointerException     when query is null.
     * @throws IllegalStateException    when the client is closed.
     * @throws NodeUnreachableException when the node cannot be connected to within the connect timeout.
     * @throws RequestTimeoutException  when no answer came within the request timeout.
     * @throws RemoteErrorException     when the node refused.
     * @throws TransportException       when the connection broke or the answer was malformed.
     */
    public MembershipSnapshot membership(final String nodeEndpoint, final long leaseTimeoutMs, final MembershipQuery query)
    {
        final BlockRequest request = sendMembership(nodeEndpoint, leaseTimeoutMs, query, null);
        await(request);
        return request.membership;
    }

    /**
     * Send a membership request ({@link #membership(String, long)}) without waiting: the request goes out on this
     * thread and the answer is taken in by whichever thread polls the client's responses. Wait with
     * {@link BlockRequest#await()} or hear of it through the listener.
     *
     * @param nodeEndpoint   the node's {@code host:port}.
     * @param leaseTimeoutMs the lease to ask for, ms, 0 or more; 0 for an observer.
     * @param listener       told once when the request is done (successfully or not), on the thread that finished
     *                       it; may be null.
     * @return the request; {@link BlockRequest#membership()} holds the answer once it is done.
     * @throws IllegalArgumentException when the endpoint is not a {@code host:port} or leaseTimeoutMs is negative.
     * @throws IllegalStateException    when the client is closed.
     */
    public BlockRequest sendMembership(
        final String nodeEndpoint, final long leaseTimeoutMs, final BlockRequest.Listener listener)
    {
        return sendMembership(nodeEndpoint, leaseTimeoutMs, MembershipQuery.FULL, listener);
    }

    /**
     * Send a membership request that asks for what {@code query} says (protocol version 4: every live node, only
     * what changed since a sequence this client holds from the node, or nothing but the lease renewal) without
     * waiting, as {@link #sendMembership(String, long, BlockRequest.Listener)}. A node older than version 4
     * answers every query in full ({@link MembershipSnapshot#kind()} says which answer came).
     *
     * @param nodeEndpoint   the node's {@code host:port}.
     * @param leaseTimeoutMs the lease to ask for, ms, 0 or more; 0 for an observer.
     * @param query          what to have listed.
     * @param listener       told once when the request is done, on the thread that finished it; may be null.
     * @return the request; {@link BlockRequest#membership()} holds the answer once it is done.
     * @throws IllegalArgumentException when the endpoint is not a {@code host:port} or leaseTimeoutMs is negative.
     * @throws NullPointerException     when query is null.
     * @throws IllegalStateException    when the client is closed.
     */
    public BlockRequest sendMembership(
        final String nodeEndpoint,
        final long leaseTimeoutMs,
        final MembershipQuery query,
        final BlockRequest.Listener listener)
    {
        Objects.requireNonNull(query, "query");
        checkEndpoint(nodeEndpoint, NULL_BLOCK_ID, BlockRequest.MEMBERSHIP);
        if (leaseTimeoutMs < 0)
        {
            throw new IllegalArgumentException("leaseTimeoutMs must be 0 (observer) or more, was " + leaseTimeoutMs +
                " for a membership request to node " + nodeEndpoint);
        }
        final BlockRequest request =
            new BlockRequest(this, BlockRequest.MEMBERSHIP, nodeEndpoint, NULL_BLOCK_ID, 0, 0, listener);
        request.leaseTimeoutMs = leaseTimeoutMs;
        request.membershipQuery = query;
        if (proxy.begin(request, 0))
        {
            proxy.sendMembership(request);
        }
        return request;
    }

    /**
     * Tell a node daemon this client is leaving: the node ends the client's lease and frees every block the client
     * placed on it, then answers. Waits for the answer.
     *
     * @param nodeEndpoint the node's {@code host:port}.
     * @throws IllegalArgumentException when the endpoint is not a {@code host:port}.
     * @throws IllegalStateException    when the client is closed.
     * @throws NodeUnreachableException when the node cannot be connected to within the connect timeout.
     * @throws RequestTimeoutException  when no answer came within the request timeout.
     * @throws RemoteErrorException     when the node refused.
     * @throws TransportException       when the connection broke or the answer was malformed.
     */
    public void leave(final String nodeEndpoint)
    {
        await(sendLeave(nodeEndpoint, null));
    }

    /**
     * Send a leave ({@link #leave(String)}) without waiting.
     *
     * @param nodeEndpoint the node's {@code host:port}.
     * @param listener     told once when the request is done; may be null.
     * @return the request; awaiting it is optional.
     * @throws IllegalArgumentException when the endpoint is not a {@code host:port}.
     * @throws IllegalStateException    when the client is closed.
     */
    public BlockRequest sendLeave(final String nodeEndpoint, final BlockRequest.Listener listener)
    {
        checkEndpoint(nodeEndpoint, NULL_BLOCK_ID, BlockRequest.LEAVE);
        final BlockRequest request =
            new BlockRequest(this, BlockRequest.LEAVE, nodeEndpoint, NULL_BLOCK_ID, 0, 0, listener);
        if (proxy.begin(request, 0))
        {
            proxy.sendLeave(request);
        }
        return request;
    }

    /**
     * @return the largest block a batch put carries: {@link Context#chunkLength()} less one batch entry. Larger
     * blocks go by {@link #put}.
     */
    public int maxBatchBlockLength()
    {
        return ctx.chunkLength() - RequestProxy.BATCH_ENTRY_LENGTH;
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
                (long)(last + 2 - first) * RequestProxy.BATCH_ENTRY_LENGTH <= ctx.chunkLength())
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
            if (proxy.begin(request, span))
            {
                proxy.transmitBatch(request);
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
        proxy.disconnect(nodeEndpoint);
    }

    /**
     * Stop the receiver thread, close the response subscription and every publication to nodes, and fail the
     * requests still pending with a {@link TransportException}. Idempotent.
     */
    public void close()
    {
        synchronized (this)
        {
            if (isClosed)
            {
                return;
            }
            isClosed = true;
        }

        CloseHelper.close(receiverRunner);
        pending.close();
        proxy.close();
        CloseHelper.close(responseSubscription);
    }

    void await(final BlockRequest request)
    {
        final RequestProxy.Sender sender = RequestProxy.sender();
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
                        if (request.fromBusyWait() && pending.register(request))
                        {
                            proxy.transmitPut(request);
                        }
                        continue;
                    }
                }
                if (Thread.currentThread().isInterrupted())
                {
                    pending.fail(request, new TransportException(request.operation + " of " +
                        TransportException.describeBlock(request.blockId) + " on node " + request.nodeEndpoint +
                        " was interrupted; the thread's interrupt flag is still set", request.nodeEndpoint,
                        request.blockId));
                    continue;
                }
                final int workCount = pending.pollResponses();
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
            if (request.expectsCrc32c && actual != request.expectedCrc32c)
            {
                throw TransferChecksumException.storedCopyDamaged(
                    request.nodeEndpoint, request.blockId, request.totalLength, request.expectedCrc32c, actual);
            }
        }
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
            return pending.pollResponses();
        }

        public String roleName()
        {
            return "tierpool-block-client-receiver-" + ctx.clientId();
        }
    }

    /**
     * Settings of a {@link BlockClient}, with defaults from system properties named in
     * {@link TransportConfiguration}. Not thread-safe; conclude once ({@link #clone()} gives a copy to conclude
     * for another client).
     */
    public static final class Context implements Cloneable
    {
        private Aeron aeron;
        private long clientId = ThreadLocalRandom.current().nextLong();
        private boolean clientIdSet;
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
        private TransportSecurity security;
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
         * A copy of these settings, not concluded, for another client: the objects set here (Aeron client, idle
         * strategy, clocks) are shared, not copied, and the copy draws a new random {@link #clientId()} unless one
         * was set with {@link #clientId(long)} (two clients with one id would share, and reclaim, each other's
         * blocks on the nodes).
         *
         * @return the copy.
         */
        public Context clone()
        {
            try
            {
                final Context copy = (Context)super.clone();
                copy.isConcluded = false;
                if (!clientIdSet)
                {
                    copy.clientId = ThreadLocalRandom.current().nextLong();
                }
                return copy;
            }
            catch (final CloneNotSupportedException ex)
            {
                throw new IllegalStateException(ex);
            }
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
            this.clientIdSet = true;
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
         * @param security the data-path security settings: with them the client authenticates to each node in a
         *                 handshake before its first request there and seals every request (docs/SECURITY.md);
         *                 default null, an open data path, which a node running with security refuses with
         *                 {@link ErrorCode#AUTH_FAILED}.
         * @return this.
         */
        public Context security(final TransportSecurity security)
        {
            this.security = security;
            return this;
        }

        /**
         * @return the data-path security settings, or null for an open data path.
         */
        public TransportSecurity security()
        {
            return security;
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
