/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.tierpool.client.ConfigurationException;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.SystemUtil;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.tierpool.transport.TransportConfiguration.*;

/**
 * Serves put, get, free and usage requests from {@link BlockClient}s on one Aeron UDP endpoint, calling a
 * {@link BlockRequestHandler} for each, on its own thread (an Agrona agent).
 * <pre>{@code
 * BlockServer server = BlockServer.launch(new BlockServer.Context()
 *     .aeron(driver.aeron())
 *     .endpoint("10.0.0.5:40100")
 *     .nodeName("node-a")
 *     .handler(storage));
 * String advertised = server.endpoint(); // "10.0.0.5:40100"
 * }</pre>
 * Requests are served one at a time in arrival order. Errors never stop the server: a failing handler call is
 * answered with {@link ErrorCode#INTERNAL} and passed to the error handler; malformed messages are answered with
 * {@link ErrorCode#BAD_REQUEST} when they can be, otherwise dropped; both are counted.
 * <p>
 * Bounded against hostile or broken senders: at most {@link Context#maxResponsePublications()} response
 * publications are open (the least recently used one with no response in flight is closed to make room), a
 * response waits at most {@link Context#responseTimeoutNs()} for its publication to connect, and at most
 * {@link Context#maxPutReassemblies()} unfinished chunked puts holding {@link Context#maxPutReassemblyBytes()}
 * bytes are kept. A put that finds no room evicts puts stalled for {@link Context#putStallTimeoutNs()}, oldest-idle
 * first, or else is refused with {@link ErrorCode#BUSY} (which {@link BlockClient#put} retries until its timeout).
 * Each of these is counted.
 * <p>
 * Thread-safety: the accessors and {@link #close()} may be called from any thread. {@link #close()} stops the
 * thread, closes the subscription and every response publication, and frees the buffers; it is idempotent. The
 * Aeron client is not closed: it belongs to the caller.
 */
public final class BlockServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(BlockServer.class);
    private static final long RESOLVE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private final Context ctx;
    private final String endpoint;
    private final AtomicLong errorCount = new AtomicLong();
    private final BlockServerAgent agent;
    private final AgentRunner runner;

    private BlockServer(final Context ctx)
    {
        this.ctx = ctx;
        Subscription subscription = null;
        try
        {
            subscription = ctx.aeron().addSubscription(Endpoints.udpChannel(ctx.endpoint()), ctx.streamId());
            endpoint = resolveEndpoint(ctx, subscription);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(subscription);
            throw new TransportException(
                "node " + ctx.nodeName() + " cannot listen on " + ctx.endpoint() + " stream " + ctx.streamId() +
                ": " + ex.getMessage() + " (is another node using the port?)", ctx.endpoint(), NULL_BLOCK_ID, ex);
        }

        final ErrorHandler countingErrorHandler = (throwable) ->
        {
            errorCount.incrementAndGet();
            try
            {
                ctx.errorHandler().onError(throwable);
            }
            catch (final Throwable ignore)
            {
                // an error handler that throws must not stop the server
            }
        };

        agent = new BlockServerAgent(ctx, subscription, countingErrorHandler);
        runner = new AgentRunner(ctx.idleStrategy(), countingErrorHandler, null, agent);
        AgentRunner.startOnThread(runner);
    }

    /**
     * Start serving.
     *
     * @param ctx settings; {@link Context#conclude()} is called here and the context must not be reused.
     * @return the running server, to be closed by the caller.
     * @throws ConfigurationException when a setting is invalid.
     * @throws TransportException     when the endpoint cannot be bound (for example the port is in use).
     */
    public static BlockServer launch(final Context ctx)
    {
        ctx.conclude();
        return new BlockServer(ctx);
    }

    /**
     * @return the endpoint the server listens on, {@code host:port}, with an ephemeral port resolved: what clients
     * use to reach this node when the host is routable (not {@code 0.0.0.0}).
     */
    public String endpoint()
    {
        return endpoint;
    }

    /**
     * @return the node name sent in responses.
     */
    public String nodeName()
    {
        return ctx.nodeName();
    }

    /**
     * @return the concluded settings.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * @return errors passed to the error handler so far: handler failures, unusable response channels, failures
     * of the agent itself.
     */
    public long errorCount()
    {
        return errorCount.get();
    }

    /**
     * @return messages received and dealt with so far, well-formed or not (a chunked put counts once per chunk);
     * what a counted message changed (counters, reassemblies, publications) is visible once it is counted.
     */
    public long requestCount()
    {
        return agent.requestCount();
    }

    /**
     * @return the data-path security counters, all 0 when security is off (see {@link SecurityCounters}).
     */
    public SecurityCounters securityCounters()
    {
        return agent.securityCounters();
    }

    /**
     * @return messages that were malformed or inconsistent (dropped or answered with {@link ErrorCode#BAD_REQUEST}).
     */
    public long malformedCount()
    {
        return agent.malformedCount();
    }

    /**
     * @return responses of any kind answered with an Error message.
     */
    public long errorResponseCount()
    {
        return agent.errorResponseCount();
    }

    /**
     * @return put chunks dropped because their put was not (or no longer) being reassembled.
     */
    public long droppedChunkCount()
    {
        return agent.droppedChunkCount();
    }

    /**
     * @return incomplete puts dropped because their deadline passed.
     */
    public long expiredReassemblyCount()
    {
        return agent.expiredReassemblyCount();
    }

    /**
     * @return responses given up because the client could not be reached before the deadline.
     */
    public long undeliveredResponseCount()
    {
        return agent.undeliveredResponseCount();
    }

    /**
     * @return response publications open now, at most {@link Context#maxResponsePublications()}.
     */
    public int responsePublicationCount()
    {
        return agent.responsePublicationCount();
    }

    /**
     * @return the most response publications that were open at once since launch.
     */
    public int peakResponsePublicationCount()
    {
        return agent.peakResponsePublicationCount();
    }

    /**
     * @return response publications closed before their idle timeout to make room for a new one.
     */
    public long evictedResponsePublicationCount()
    {
        return agent.evictedResponsePublicationCount();
    }

    /**
     * @return requests dropped unanswered because the response publication limit was reached and every open
     * publication had a response in flight.
     */
    public long refusedResponsePublicationCount()
    {
        return agent.refusedResponsePublicationCount();
    }

    /**
     * @return unfinished chunked puts held now, at most {@link Context#maxPutReassemblies()}.
     */
    public int putReassemblyCount()
    {
        return agent.putReassemblyCount();
    }

    /**
     * @return bytes (declared block lengths) held now by unfinished chunked puts.
     */
    public long putReassemblyBytes()
    {
        return agent.putReassemblyBytes();
    }

    /**
     * @return the most unfinished chunked puts held at once since launch.
     */
    public int peakPutReassemblyCount()
    {
        return agent.peakPutReassemblyCount();
    }

    /**
     * @return the most bytes held at once by unfinished chunked puts since launch.
     */
    public long peakPutReassemblyBytes()
    {
        return agent.peakPutReassemblyBytes();
    }

    /**
     * @return unfinished chunked puts evicted because they had stalled and a new put needed their room.
     */
    public long evictedPutReassemblyCount()
    {
        return agent.evictedPutReassemblyCount();
    }

    /**
     * @return puts refused with {@link ErrorCode#BUSY} because the limits of unfinished chunked puts were reached
     * and none had stalled.
     */
    public long refusedPutCount()
    {
        return agent.refusedPutCount();
    }

    /**
     * Stop the agent thread and free everything the server holds. Idempotent.
     */
    public void close()
    {
        CloseHelper.close(runner);
    }

    private static String resolveEndpoint(final Context ctx, final Subscription subscription)
    {
        final long deadlineNs = System.nanoTime() + RESOLVE_TIMEOUT_NS;
        final IdleStrategy idle = new BackoffIdleStrategy(1, 1, 1_000, TimeUnit.MILLISECONDS.toNanos(1));
        while (true)
        {
            final List<String> addresses = subscription.localSocketAddresses();
            if (!addresses.isEmpty())
            {
                final String address = addresses.get(0);
                if (Endpoints.port(address) > 0)
                {
                    return address;
                }
            }

            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("the driver did not report the bound address of " +
                    subscription.channel() + " within " + TimeUnit.NANOSECONDS.toMillis(RESOLVE_TIMEOUT_NS) + " ms");
            }
            idle.idle();
        }
    }

    /**
     * Settings of a {@link BlockServer}, with defaults from system properties named in
     * {@link TransportConfiguration}. Not thread-safe; conclude once.
     */
    public static final class Context
    {
        private static final int MAX_LIMIT = 65536;

        private Aeron aeron;
        private BlockRequestHandler handler;
        private TransportSecurity security;
        private String endpoint = stringValue(SERVER_ENDPOINT_PROP_NAME, SERVER_ENDPOINT_DEFAULT);
        private int streamId = intValue(REQUEST_STREAM_ID_PROP_NAME, REQUEST_STREAM_ID_DEFAULT);
        private String nodeName;
        private ErrorHandler errorHandler;
        private IdleStrategy idleStrategy;
        private EpochNanoClock epochNanoClock;
        private int chunkLength = sizeAsInt(CHUNK_LENGTH_PROP_NAME, CHUNK_LENGTH_DEFAULT);
        private int maxBlockLength = sizeAsInt(SERVER_MAX_BLOCK_LENGTH_PROP_NAME, MAX_BLOCK_LENGTH);
        private int retainedBufferLength = sizeAsInt(RETAINED_BUFFER_LENGTH_PROP_NAME, RETAINED_BUFFER_LENGTH_DEFAULT);
        private long responseTimeoutNs = durationNs(RESPONSE_TIMEOUT_PROP_NAME, RESPONSE_TIMEOUT_DEFAULT_NS);
        private long responsePublicationIdleTimeoutNs =
            durationNs(RESPONSE_PUBLICATION_IDLE_TIMEOUT_PROP_NAME, RESPONSE_PUBLICATION_IDLE_TIMEOUT_DEFAULT_NS);
        private int maxResponsePublications =
            intValue(SERVER_MAX_RESPONSE_PUBLICATIONS_PROP_NAME, SERVER_MAX_RESPONSE_PUBLICATIONS_DEFAULT);
        private int maxPutReassemblies =
            intValue(SERVER_MAX_PUT_REASSEMBLIES_PROP_NAME, SERVER_MAX_PUT_REASSEMBLIES_DEFAULT);
        private int maxPutReassemblyBytes =
            sizeAsInt(SERVER_MAX_PUT_REASSEMBLY_BYTES_PROP_NAME, SERVER_MAX_PUT_REASSEMBLY_BYTES_DEFAULT);
        private long putStallTimeoutNs =
            durationNs(SERVER_PUT_STALL_TIMEOUT_PROP_NAME, SERVER_PUT_STALL_TIMEOUT_DEFAULT_NS);
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
                throw new IllegalStateException("BlockServer.Context is already concluded: use a new one");
            }

            endpoint = Endpoints.validate(SERVER_ENDPOINT_PROP_NAME, endpoint);

            if (null == nodeName)
            {
                nodeName = "tierpool-node-" + SystemUtil.getPid();
            }

            if (nodeName.isBlank() || nodeName.length() > 256)
            {
                throw new ConfigurationException(
                    "BlockServer.Context.nodeName='" + nodeName + "' is invalid: use 1..256 characters");
            }

            if (chunkLength < CHUNK_LENGTH_MIN || chunkLength > MAX_BLOCK_LENGTH)
            {
                throw new ConfigurationException(CHUNK_LENGTH_PROP_NAME + "=" + chunkLength +
                    " is invalid: use " + CHUNK_LENGTH_MIN + ".." + MAX_BLOCK_LENGTH + " bytes (1m recommended)");
            }

            if (maxBlockLength < 1 || maxBlockLength > MAX_BLOCK_LENGTH)
            {
                throw new ConfigurationException(SERVER_MAX_BLOCK_LENGTH_PROP_NAME + "=" + maxBlockLength +
                    " is invalid: use 1.." + MAX_BLOCK_LENGTH + " bytes");
            }

            if (retainedBufferLength < 0)
            {
                throw new ConfigurationException(RETAINED_BUFFER_LENGTH_PROP_NAME + "=" + retainedBufferLength +
                    " is invalid: use 0 or more bytes");
            }

            if (responseTimeoutNs <= 0)
            {
                throw new ConfigurationException(RESPONSE_TIMEOUT_PROP_NAME + "=" + responseTimeoutNs +
                    "ns is invalid: use a positive duration");
            }

            if (responsePublicationIdleTimeoutNs <= 0)
            {
                throw new ConfigurationException(RESPONSE_PUBLICATION_IDLE_TIMEOUT_PROP_NAME + "=" +
                    responsePublicationIdleTimeoutNs + "ns is invalid: use a positive duration");
            }

            if (maxResponsePublications < 1 || maxResponsePublications > MAX_LIMIT)
            {
                throw new ConfigurationException(SERVER_MAX_RESPONSE_PUBLICATIONS_PROP_NAME + "=" +
                    maxResponsePublications + " is invalid: use 1.." + MAX_LIMIT);
            }

            if (maxPutReassemblies < 1 || maxPutReassemblies > MAX_LIMIT)
            {
                throw new ConfigurationException(SERVER_MAX_PUT_REASSEMBLIES_PROP_NAME + "=" + maxPutReassemblies +
                    " is invalid: use 1.." + MAX_LIMIT);
            }

            if (maxPutReassemblyBytes < 1)
            {
                throw new ConfigurationException(SERVER_MAX_PUT_REASSEMBLY_BYTES_PROP_NAME + "=" +
                    maxPutReassemblyBytes + " is invalid: use 1 or more bytes (256m recommended)");
            }

            if (putStallTimeoutNs <= 0)
            {
                throw new ConfigurationException(SERVER_PUT_STALL_TIMEOUT_PROP_NAME + "=" + putStallTimeoutNs +
                    "ns is invalid: use a positive duration below the clients' request timeout");
            }

            if (null == aeron)
            {
                throw new ConfigurationException("BlockServer.Context.aeron is not set: pass TransportDriver.aeron()");
            }

            if (null == handler)
            {
                throw new ConfigurationException(
                    "BlockServer.Context.handler is not set: pass the BlockRequestHandler that stores blocks");
            }

            if (null == errorHandler)
            {
                final String name = nodeName;
                errorHandler = (throwable) -> LOG.warn("block server {} error", name, throwable);
            }

            if (null == idleStrategy)
            {
                idleStrategy = TransportConfiguration.agentIdleStrategy();
            }

            if (null == epochNanoClock)
            {
                epochNanoClock = new SystemEpochNanoClock();
            }

            isConcluded = true;
            return this;
        }

        /**
         * @param aeron the Aeron client to use (required); not closed by the server.
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
         * @param security the data-path security settings: with them, every request must come on an
         *                 authenticated session (docs/SECURITY.md); default null, an open data path.
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
         * @param handler stores and serves the blocks (required); called on the server's thread only.
         * @return this.
         */
        public Context handler(final BlockRequestHandler handler)
        {
            this.handler = handler;
            return this;
        }

        /**
         * @return stores and serves the blocks.
         */
        public BlockRequestHandler handler()
        {
            return handler;
        }

        /**
         * @param endpoint {@code host:port} to listen on, port 0 for a free port; default {@code 127.0.0.1:0}
         *                 ({@link TransportConfiguration#SERVER_ENDPOINT_PROP_NAME}).
         * @return this.
         */
        public Context endpoint(final String endpoint)
        {
            this.endpoint = endpoint;
            return this;
        }

        /**
         * @return {@code host:port} to listen on, as configured (see {@link BlockServer#endpoint()} for the bound one).
         */
        public String endpoint()
        {
            return endpoint;
        }

        /**
         * @param streamId Aeron stream id of requests; must match the clients'; default
         *                 {@link TransportConfiguration#REQUEST_STREAM_ID_DEFAULT}.
         * @return this.
         */
        public Context streamId(final int streamId)
        {
            this.streamId = streamId;
            return this;
        }

        /**
         * @return Aeron stream id of requests.
         */
        public int streamId()
        {
            return streamId;
        }

        /**
         * @param nodeName name sent in every response, 1..256 characters; default {@code tierpool-node-<pid>}.
         * @return this.
         */
        public Context nodeName(final String nodeName)
        {
            this.nodeName = nodeName;
            return this;
        }

        /**
         * @return name sent in every response.
         */
        public String nodeName()
        {
            return nodeName;
        }

        /**
         * @param errorHandler receives handler failures and internal errors (each also counted); default logs a
         *                     warning. Called on the server's thread.
         * @return this.
         */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        /**
         * @return receives handler failures and internal errors.
         */
        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }

        /**
         * @param idleStrategy idle strategy of the server thread; default {@link TransportConfiguration#agentIdleStrategy()}:
         *                     a {@link BackoffIdleStrategy} parking at most
         *                     {@link TransportConfiguration#IDLE_MAX_PARK_PROP_NAME}, lingering after work for
         *                     {@link TransportConfiguration#IDLE_LINGER_PROP_NAME} (default 5 ms; busy spinning starves
         *                     small machines).
         * @return this.
         */
        public Context idleStrategy(final IdleStrategy idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /**
         * @return idle strategy of the server thread.
         */
        public IdleStrategy idleStrategy()
        {
            return idleStrategy;
        }

        /**
         * @param epochNanoClock wall clock that request deadlines are compared with; default
         *                       {@link SystemEpochNanoClock}.
         * @return this.
         */
        public Context epochNanoClock(final EpochNanoClock epochNanoClock)
        {
            this.epochNanoClock = epochNanoClock;
            return this;
        }

        /**
         * @return wall clock that request deadlines are compared with.
         */
        public EpochNanoClock epochNanoClock()
        {
            return epochNanoClock;
        }

        /**
         * @param chunkLength payload bytes per get-response chunk, {@link TransportConfiguration#CHUNK_LENGTH_MIN}
         *                    ..1 GiB, lowered to fit the publication's largest message; default 1 MiB
         *                    ({@link TransportConfiguration#CHUNK_LENGTH_PROP_NAME}).
         * @return this.
         */
        public Context chunkLength(final int chunkLength)
        {
            this.chunkLength = chunkLength;
            return this;
        }

        /**
         * @return payload bytes per get-response chunk.
         */
        public int chunkLength()
        {
            return chunkLength;
        }

        /**
         * @param maxBlockLength largest block accepted, bytes, 1..1 GiB; larger puts get
         *                       {@link ErrorCode#BAD_REQUEST}; default 1 GiB.
         * @return this.
         */
        public Context maxBlockLength(final int maxBlockLength)
        {
            this.maxBlockLength = maxBlockLength;
            return this;
        }

        /**
         * @return largest block accepted, bytes.
         */
        public int maxBlockLength()
        {
            return maxBlockLength;
        }

        /**
         * @param retainedBufferLength largest receive/send buffer kept for reuse after a transfer, bytes; default
         *                             64 MiB.
         * @return this.
         */
        public Context retainedBufferLength(final int retainedBufferLength)
        {
            this.retainedBufferLength = retainedBufferLength;
            return this;
        }

        /**
         * @return largest receive/send buffer kept for reuse after a transfer, bytes.
         */
        public int retainedBufferLength()
        {
            return retainedBufferLength;
        }

        /**
         * @param responseTimeoutNs minimum time, ns, spent trying to deliver a response: it is given up at the later
         *                          of the request's deadline and this long after it was produced or after its last
         *                          chunk went out, and at the latest this long after its publication was found not
         *                          connected (nobody listening); default 1 s.
         * @return this.
         */
        public Context responseTimeoutNs(final long responseTimeoutNs)
        {
            this.responseTimeoutNs = responseTimeoutNs;
            return this;
        }

        /**
         * @return minimum time, ns, spent trying to deliver a response.
         */
        public long responseTimeoutNs()
        {
            return responseTimeoutNs;
        }

        /**
         * @param responsePublicationIdleTimeoutNs time, ns, after which an unused publication to a client is
         *                                         closed; default 60 s.
         * @return this.
         */
        public Context responsePublicationIdleTimeoutNs(final long responsePublicationIdleTimeoutNs)
        {
            this.responsePublicationIdleTimeoutNs = responsePublicationIdleTimeoutNs;
            return this;
        }

        /**
         * @return time, ns, after which an unused publication to a client is closed.
         */
        public long responsePublicationIdleTimeoutNs()
        {
            return responsePublicationIdleTimeoutNs;
        }

        /**
         * @param maxResponsePublications most response publications kept open, 1..65536; default 256
         *                                ({@link TransportConfiguration#SERVER_MAX_RESPONSE_PUBLICATIONS_PROP_NAME}).
         *                                When full, a new client channel closes the least recently used
         *                                publication with no response in flight; when there is none the request
         *                                is dropped and counted.
         * @return this.
         */
        public Context maxResponsePublications(final int maxResponsePublications)
        {
            this.maxResponsePublications = maxResponsePublications;
            return this;
        }

        /**
         * @return most response publications kept open.
         */
        public int maxResponsePublications()
        {
            return maxResponsePublications;
        }

        /**
         * @param maxPutReassemblies most unfinished chunked puts held at once, 1..65536; default 64
         *                           ({@link TransportConfiguration#SERVER_MAX_PUT_REASSEMBLIES_PROP_NAME}).
         * @return this.
         */
        public Context maxPutReassemblies(final int maxPutReassemblies)
        {
            this.maxPutReassemblies = maxPutReassemblies;
            return this;
        }

        /**
         * @return most unfinished chunked puts held at once.
         */
        public int maxPutReassemblies()
        {
            return maxPutReassemblies;
        }

        /**
         * @param maxPutReassemblyBytes most bytes (sum of declared block lengths) held at once by unfinished chunked
         *                              puts, at least 1; default 256 MiB
         *                              ({@link TransportConfiguration#SERVER_MAX_PUT_REASSEMBLY_BYTES_PROP_NAME}).
         *                              A larger block is let in only while no other put is unfinished, so
         *                              {@link #maxBlockLength()} still bounds one put.
         * @return this.
         */
        public Context maxPutReassemblyBytes(final int maxPutReassemblyBytes)
        {
            this.maxPutReassemblyBytes = maxPutReassemblyBytes;
            return this;
        }

        /**
         * @return most bytes held at once by unfinished chunked puts.
         */
        public int maxPutReassemblyBytes()
        {
            return maxPutReassemblyBytes;
        }

        /**
         * @param putStallTimeoutNs time, ns, without a new chunk after which an unfinished put is stalled and may
         *                          be evicted to make room for a new put; default 2 s
         *                          ({@link TransportConfiguration#SERVER_PUT_STALL_TIMEOUT_PROP_NAME}). Keep it
         *                          below the clients' request timeout.
         * @return this.
         */
        public Context putStallTimeoutNs(final long putStallTimeoutNs)
        {
            this.putStallTimeoutNs = putStallTimeoutNs;
            return this;
        }

        /**
         * @return time, ns, without a new chunk after which an unfinished put is stalled.
         */
        public long putStallTimeoutNs()
        {
            return putStallTimeoutNs;
        }
    }
}
