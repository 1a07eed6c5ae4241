/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.client.ConfigurationException;
import org.agrona.SystemUtil;

import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * Property names and defaults of the transport, read by the {@code Context} classes of {@link TransportDriver},
 * {@link BlockServer} and {@link BlockClient} when they are constructed.
 * <p>
 * Sizes accept Agrona's {@code k}, {@code m} and {@code g} suffixes ({@code 4m}); durations accept {@code s},
 * {@code ms}, {@code us} and {@code ns} suffixes ({@code 5s}), as {@link SystemUtil} parses them. A property that
 * does not parse raises a {@link ConfigurationException} naming the property and the value.
 */
public final class TransportConfiguration
{
    /**
     * Largest block the protocol carries: 1 GiB.
     */
    public static final int MAX_BLOCK_LENGTH = 1 << 30;

    /**
     * Block id carried by messages that concern no block (usage requests and their errors).
     */
    public static final long NULL_BLOCK_ID = Long.MIN_VALUE;

    /**
     * Room reserved in every message for the SBE header, fixed fields and the response channel, in bytes.
     * A chunk's payload must fit in the publication's maximum message length minus this.
     */
    public static final int MAX_MESSAGE_HEADER_LENGTH = 2048;

    /**
     * Longest response channel URI, in UTF-8 bytes, a request may carry.
     */
    public static final int MAX_RESPONSE_CHANNEL_LENGTH = 1024;

    /**
     * Largest term length, bytes, a request's response channel may ask for with Aeron's {@code term-length}
     * parameter: 16 MiB, the default term length. A node refuses a channel asking for more (each publication maps
     * three terms), and counts the request as malformed.
     */
    public static final int MAX_RESPONSE_TERM_LENGTH = 16 * 1024 * 1024;

    /**
     * Directory under which the embedded driver makes its own {@code tierpool-aeron-<pid>-<random>} directory.
     */
    public static final String BASE_DIR_PROP_NAME = "tierpool.transport.base.dir";

    /**
     * Default base directory: {@code /dev/shm} (memory-backed, fastest for Aeron's log buffers) where it exists,
     * else {@code java.io.tmpdir}. Each publication and each image maps three terms plus metadata there (about
     * 48 MiB with 16 MiB terms): Docker's default 64 MiB {@code /dev/shm} is too small, give containers
     * {@code shm_size: 1g} or more.
     */
    public static final String BASE_DIR_DEFAULT =
        new File("/dev/shm").isDirectory() ? "/dev/shm" : SystemUtil.tmpDirName();

    /**
     * Aeron MTU (largest datagram) for data streams, bytes, multiple of 32, 1408..65504.
     */
    public static final String MTU_LENGTH_PROP_NAME = "tierpool.transport.mtu.length";

    /**
     * Default MTU: 65504 bytes, the largest Aeron allows; bulk transfers are ten times faster than with 1408.
     */
    public static final int MTU_LENGTH_DEFAULT = 65504;

    /**
     * UDP socket send and receive buffer lengths ({@code SO_SNDBUF}, {@code SO_RCVBUF}), bytes.
     */
    public static final String SOCKET_BUFFER_LENGTH_PROP_NAME = "tierpool.transport.socket.buffer.length";

    /**
     * Default socket buffer length: 4 MiB (Linux caps it at {@code net.core.rmem_max}/{@code wmem_max}).
     */
    public static final int SOCKET_BUFFER_LENGTH_DEFAULT = 4 * 1024 * 1024;

    /**
     * Initial receiver window (flow-control window of each image), bytes.
     */
    public static final String RECEIVER_WINDOW_LENGTH_PROP_NAME = "tierpool.transport.receiver.window.length";

    /**
     * Default receiver window: 4 MiB.
     */
    public static final int RECEIVER_WINDOW_LENGTH_DEFAULT = 4 * 1024 * 1024;

    /**
     * Term buffer length of network publications, bytes, power of two, 64 KiB..1 GiB. The largest message is
     * {@code min(termLength / 8, 16 MiB)}.
     */
    public static final String TERM_LENGTH_PROP_NAME = "tierpool.transport.term.length";

    /**
     * Default term length: 16 MiB, so a message may be up to 2 MiB.
     */
    public static final int TERM_LENGTH_DEFAULT = 16 * 1024 * 1024;

    /**
     * Longest a driver, server or client thread parks when idle ({@link org.agrona.concurrent.BackoffIdleStrategy}),
     * duration.
     */
    public static final String IDLE_MAX_PARK_PROP_NAME = "tierpool.transport.idle.max.park";

    /**
     * Default longest park when idle: 1 millisecond. Under load the threads never reach it (a 4 KiB get took
     * 75-80 us at the median here with 1 ms as with 100 us), while an idle process costs a third of the CPU
     * (9% of a core against 28% for a node and a client in one JVM). Busy spinning is a trap on small machines.
     */
    public static final long IDLE_MAX_PARK_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(1);

    /**
     * How long after its last work a media driver's or block server's thread keeps its parks short
     * ({@link LingeringIdleStrategy}), duration; 0 turns lingering off (a plain back-off to
     * {@value #IDLE_MAX_PARK_PROP_NAME}).
     */
    public static final String IDLE_LINGER_PROP_NAME = "tierpool.transport.idle.linger";

    /**
     * Default linger: 5 milliseconds. Without it a node whose clients alternate between nodes pays a wake-up of up
     * to the longest park per request once its threads have backed off; with it random 1 MiB far reads ran 15-39%
     * faster and the transport's own gets about 60% faster, writes and the raw stream unchanged
     * (docs/PERFORMANCE.md, "Issue 12, session 8" and "session 9"). A process idle for longer than the linger costs
     * what the plain back-off costs.
     */
    public static final long IDLE_LINGER_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(5);

    /**
     * Longest park while lingering, duration, from 1 microsecond to {@value #IDLE_MAX_PARK_PROP_NAME}.
     */
    public static final String IDLE_LINGER_PARK_PROP_NAME = "tierpool.transport.idle.linger.park";

    /**
     * Default longest park while lingering: 50 microseconds.
     */
    public static final long IDLE_LINGER_PARK_DEFAULT_NS = TimeUnit.MICROSECONDS.toNanos(50);

    /**
     * Longest a {@link BlockClient} caller's thread parks while it waits for an answer, duration.
     */
    public static final String CLIENT_IDLE_MAX_PARK_PROP_NAME = "tierpool.transport.client.idle.max.park";

    /**
     * Default longest park of a waiting client: 100 microseconds; a client only waits while a request is in
     * flight, so a short park costs little CPU and keeps answers prompt.
     */
    public static final long CLIENT_IDLE_MAX_PARK_DEFAULT_NS = TimeUnit.MICROSECONDS.toNanos(100);

    /**
     * Aeron stream id on which nodes receive requests.
     */
    public static final String REQUEST_STREAM_ID_PROP_NAME = "tierpool.transport.request.stream.id";

    /**
     * Default request stream id.
     */
    public static final int REQUEST_STREAM_ID_DEFAULT = 7701;

    /**
     * Aeron stream id on which clients receive responses.
     */
    public static final String RESPONSE_STREAM_ID_PROP_NAME = "tierpool.transport.response.stream.id";

    /**
     * Default response stream id.
     */
    public static final int RESPONSE_STREAM_ID_DEFAULT = 7702;

    /**
     * Payload bytes per chunk of a block, both for puts (client) and for get responses (server).
     */
    public static final String CHUNK_LENGTH_PROP_NAME = "tierpool.transport.chunk.length";

    /**
     * Default chunk length: 1 MiB.
     */
    public static final int CHUNK_LENGTH_DEFAULT = 1024 * 1024;

    /**
     * Smallest chunk length accepted: 1 KiB.
     */
    public static final int CHUNK_LENGTH_MIN = 1024;

    /**
     * How long a client waits for the answer to a request once it is sent, duration.
     */
    public static final String REQUEST_TIMEOUT_PROP_NAME = "tierpool.transport.request.timeout";

    /**
     * Default request timeout: 5 seconds.
     */
    public static final long REQUEST_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(5);

    /**
     * Time added to a request's timeout for every MiB of block data it moves, duration.
     */
    public static final String TRANSFER_ALLOWANCE_PER_MIB_PROP_NAME = "tierpool.transport.transfer.allowance.per.mib";

    /**
     * Default transfer allowance: 100 ms per MiB (a 1 GiB block gets 5 s + 102 s).
     */
    public static final long TRANSFER_ALLOWANCE_PER_MIB_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * How long a client waits for its publication to a node to connect, duration.
     */
    public static final String CONNECT_TIMEOUT_PROP_NAME = "tierpool.transport.connect.timeout";

    /**
     * Default connect timeout: 2 seconds.
     */
    public static final long CONNECT_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(2);

    /**
     * Endpoint ({@code host:port}) on which a client receives responses; port 0 picks a free port.
     */
    public static final String CLIENT_RESPONSE_ENDPOINT_PROP_NAME = "tierpool.transport.client.response.endpoint";

    /**
     * Default client response endpoint: {@code 127.0.0.1:0}.
     */
    public static final String CLIENT_RESPONSE_ENDPOINT_DEFAULT = "127.0.0.1:0";

    /**
     * Endpoint ({@code host:port}) on which a node receives requests; port 0 picks a free port.
     */
    public static final String SERVER_ENDPOINT_PROP_NAME = "tierpool.transport.server.endpoint";

    /**
     * Default server endpoint: {@code 127.0.0.1:0}. Set a reachable address for a real cluster.
     */
    public static final String SERVER_ENDPOINT_DEFAULT = "127.0.0.1:0";

    /**
     * Minimum time a node keeps trying to deliver a response, duration. A response is given up at the later of the
     * request's deadline and this long after it was produced or after its last chunk went out.
     */
    public static final String RESPONSE_TIMEOUT_PROP_NAME = "tierpool.transport.server.response.timeout";

    /**
     * Default response timeout: 1 second.
     */
    public static final long RESPONSE_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(1);

    /**
     * How long a node keeps an unused response publication to a client before closing it, duration.
     */
    public static final String RESPONSE_PUBLICATION_IDLE_TIMEOUT_PROP_NAME =
        "tierpool.transport.server.response.publication.idle.timeout";

    /**
     * Default response publication idle timeout: 60 seconds.
     */
    public static final long RESPONSE_PUBLICATION_IDLE_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(60);

    /**
     * Largest reassembly or send buffer a node keeps for reuse once a transfer is over, bytes; larger ones are
     * freed.
     */
    public static final String RETAINED_BUFFER_LENGTH_PROP_NAME = "tierpool.transport.server.retained.buffer.length";

    /**
     * Default retained buffer length: 64 MiB.
     */
    public static final int RETAINED_BUFFER_LENGTH_DEFAULT = 64 * 1024 * 1024;

    /**
     * Largest block a node accepts, bytes, 1..{@link #MAX_BLOCK_LENGTH}.
     */
    public static final String SERVER_MAX_BLOCK_LENGTH_PROP_NAME = "tierpool.transport.server.max.block.length";

    /**
     * Most response publications (one per distinct client response channel and stream id) a node keeps open,
     * 1..65536. When a request names a new one and the limit is reached, the least recently used publication with
     * no response in flight is closed; when every one has a response in flight the request is dropped and counted
     * ({@link BlockServer#refusedResponsePublicationCount()}).
     */
    public static final String SERVER_MAX_RESPONSE_PUBLICATIONS_PROP_NAME =
        "tierpool.transport.server.max.response.publications";

    /**
     * Default response publication limit: 256. Each publication maps three terms in the driver's directory
     * (48 MiB with the default 16 MiB terms, touched only as far as written), so this also bounds that memory.
     */
    public static final int SERVER_MAX_RESPONSE_PUBLICATIONS_DEFAULT = 256;

    /**
     * Most unfinished chunked puts (reassemblies of blocks larger than one chunk) a node holds at once, 1..65536.
     */
    public static final String SERVER_MAX_PUT_REASSEMBLIES_PROP_NAME = "tierpool.transport.server.max.put.reassemblies";

    /**
     * Default limit of unfinished chunked puts: 64.
     */
    public static final int SERVER_MAX_PUT_REASSEMBLIES_DEFAULT = 64;

    /**
     * Most bytes (sum of the declared block lengths) that unfinished chunked puts may hold on a node at once. A put
     * of a block larger than this is let in only while no other put is unfinished.
     */
    public static final String SERVER_MAX_PUT_REASSEMBLY_BYTES_PROP_NAME =
        "tierpool.transport.server.max.put.reassembly.bytes";

    /**
     * Default limit of bytes held by unfinished chunked puts: 256 MiB.
     */
    public static final int SERVER_MAX_PUT_REASSEMBLY_BYTES_DEFAULT = 256 * 1024 * 1024;

    /**
     * Time without a new chunk after which an unfinished chunked put counts as stalled, duration: a stalled put is
     * evicted, oldest-idle first, when a new put needs its room, and its sender gets {@link ErrorCode#BUSY} when
     * its next chunk arrives. Keep it below the clients' {@link #REQUEST_TIMEOUT_PROP_NAME}, so that a client
     * refused with {@link ErrorCode#BUSY} finds room while it retries.
     */
    public static final String SERVER_PUT_STALL_TIMEOUT_PROP_NAME = "tierpool.transport.server.put.stall.timeout";

    /**
     * Default put stall timeout: 2 seconds (a well-behaved client sends a block's chunks back to back, a few
     * milliseconds apart; the default request timeout is 5 seconds).
     */
    public static final long SERVER_PUT_STALL_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(2);

    /**
     * Requests a client keeps in flight to one node at most (sent, not yet answered), count: a request beyond it
     * waits for a slot, within its own deadline.
     */
    public static final String CLIENT_MAX_REQUESTS_IN_FLIGHT_PROP_NAME =
        "tierpool.transport.client.max.requests.in.flight";

    /**
     * Default requests in flight per node: 64.
     */
    public static final int CLIENT_MAX_REQUESTS_IN_FLIGHT_DEFAULT = 64;

    /**
     * Bytes of block data a client keeps in flight to one node at most (puts' blocks sent and gets' blocks asked
     * for, not yet answered), size: a request beyond it waits for room; one request larger than this goes alone.
     */
    public static final String CLIENT_MAX_BYTES_IN_FLIGHT_PROP_NAME = "tierpool.transport.client.max.bytes.in.flight";

    /**
     * Default bytes in flight per node: 64 MiB.
     */
    public static final int CLIENT_MAX_BYTES_IN_FLIGHT_DEFAULT = 64 * 1024 * 1024;

    private TransportConfiguration()
    {
    }

    /**
     * @param propName property name.
     * @param defaultValue value when the property is not set.
     * @return the property as a size in bytes.
     * @throws ConfigurationException when the value does not parse or is larger than {@link Integer#MAX_VALUE}.
     */
    static int sizeAsInt(final String propName, final int defaultValue)
    {
        try
        {
            return SystemUtil.getSizeAsInt(propName, defaultValue);
        }
        catch (final RuntimeException ex)
        {
            throw new ConfigurationException(
                propName + "=" + System.getProperty(propName) + " is not a size in bytes (examples: 65504, 4m)", ex);
        }
    }

    /**
     * The idle strategy of a media driver's shared thread and of a block server's agent, from the system
     * properties: a back-off of 10 spins, 20 yields and parks from 1 microsecond to
     * {@value #IDLE_MAX_PARK_PROP_NAME}, lingering at parks of at most {@value #IDLE_LINGER_PARK_PROP_NAME} for
     * {@value #IDLE_LINGER_PROP_NAME} after work ({@link LingeringIdleStrategy}; with no linger, the plain back-off).
     *
     * @return a new strategy, for one thread.
     * @throws ConfigurationException when a property does not parse or is out of range.
     */
    public static org.agrona.concurrent.IdleStrategy agentIdleStrategy()
    {
        final long maxParkNs = durationNs(IDLE_MAX_PARK_PROP_NAME, IDLE_MAX_PARK_DEFAULT_NS);
        final long lingerNs = durationNs(IDLE_LINGER_PROP_NAME, IDLE_LINGER_DEFAULT_NS);
        if (lingerNs <= 0)
        {
            return new org.agrona.concurrent.BackoffIdleStrategy(10, 20, 1_000, maxParkNs);
        }
        final long lingerParkNs = durationNs(IDLE_LINGER_PARK_PROP_NAME, IDLE_LINGER_PARK_DEFAULT_NS);
        if (lingerParkNs < 1_000 || lingerParkNs > maxParkNs)
        {
            throw new ConfigurationException(IDLE_LINGER_PARK_PROP_NAME + "=" + lingerParkNs + " ns is invalid: use " +
                "1us to " + IDLE_MAX_PARK_PROP_NAME + " (" + maxParkNs + " ns)");
        }
        return LingeringIdleStrategy.of(10, 20, 1_000, maxParkNs, lingerNs, lingerParkNs);
    }

    /**
     * @param propName property name.
     * @param defaultValueNs value when the property is not set.
     * @return the property as a duration in nanoseconds.
     * @throws ConfigurationException when the value does not parse.
     */
    static long durationNs(final String propName, final long defaultValueNs)
    {
        try
        {
            return SystemUtil.getDurationInNanos(propName, defaultValueNs);
        }
        catch (final RuntimeException ex)
        {
            throw new ConfigurationException(
                propName + "=" + System.getProperty(propName) + " is not a duration (examples: 5s, 200ms)", ex);
        }
    }

    /**
     * @param propName property name.
     * @param defaultValue value when the property is not set.
     * @return the property as an int.
     * @throws ConfigurationException when the value does not parse.
     */
    static int intValue(final String propName, final int defaultValue)
    {
        final String value = System.getProperty(propName);
        if (null == value)
        {
            return defaultValue;
        }

        try
        {
            return Integer.parseInt(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException(propName + "=" + value + " is not an integer", ex);
        }
    }

    /**
     * @param propName property name.
     * @param defaultValue value when the property is not set.
     * @return the property's value or the default.
     */
    static String stringValue(final String propName, final String defaultValue)
    {
        return System.getProperty(propName, defaultValue);
    }
}
