/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.aeron.FragmentAssembler;
import io.tierpool.client.ConfigurationException;
import io.tierpool.transport.codecs.ErrorDecoder;
import io.tierpool.transport.codecs.MessageHeaderDecoder;
import io.tierpool.transport.codecs.MessageHeaderEncoder;
import io.tierpool.transport.codecs.PutRequestEncoder;
import io.tierpool.transport.codecs.UsageRequestEncoder;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hostile peer (a {@link RawPeer} sending hand-made requests) tries to exhaust a {@link BlockServer}'s response
 * publications and its room for unfinished chunked puts; the server must stay within its limits and keep serving a
 * well-behaved {@link BlockClient}, whose blocks must read back equal. Two tests move the clock of both server
 * and client forward (an offset on the system clock) instead of sleeping, so that what they assert does not depend
 * on how fast a shared machine runs (one of them moves the server's clock alone); another runs in real time with a
 * short stall timeout.
 * Real embedded drivers over UDP loopback. Ports: 127.0.0.1:40195-40197.
 */
class BlockServerLimitsTest
{
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final String SERVER_ENDPOINT = "127.0.0.1:40195";
    private static final String CLIENT_RESPONSE_ENDPOINT = "127.0.0.1:40196";
    private static final String RAW_RESPONSE_ENDPOINT = "127.0.0.1:40197";
    private static final long HOSTILE_CLIENT_ID = 0x6057_11E5L;

    private final AtomicLong clockOffsetNs = new AtomicLong();
    private final EpochNanoClock clock = new OffsetClock(clockOffsetNs);
    /** How far the server's clock runs ahead of the client's, for the test that needs them apart. */
    private final AtomicLong serverAheadNs = new AtomicLong();
    private final ExpandableArrayBuffer message = new ExpandableArrayBuffer(4 * KIB);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final PutRequestEncoder putEncoder = new PutRequestEncoder();
    private final UsageRequestEncoder usageEncoder = new UsageRequestEncoder();
    private final Random random = new Random(42);

    private TransportDriver nodeDriver;
    private TransportDriver clientDriver;
    private BlockServer server;
    private BlockClient client;
    private RawPeer raw;

    @BeforeEach
    void setUp()
    {
        nodeDriver = TransportDriver.launch(new TransportDriver.Context());
        clientDriver = TransportDriver.launch(new TransportDriver.Context());
    }

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(raw, client, server, clientDriver, nodeDriver);
        assertTrue(!new File(nodeDriver.aeronDirectoryName()).exists(), nodeDriver.aeronDirectoryName());
        assertTrue(!new File(clientDriver.aeronDirectoryName()).exists(), clientDriver.aeronDirectoryName());
    }

    @Test
    @Timeout(60)
    void shouldStayWithinTheResponsePublicationLimitAndKeepServingAWellBehavedClient()
    {
        final int limit = 4;
        final int hostileChannels = 12;
        launchServer(new BlockServer.Context()
            .maxResponsePublications(limit)
            .responseTimeoutNs(TimeUnit.SECONDS.toNanos(30)));
        connectClient(TimeUnit.SECONDS.toNanos(2));

        final byte[] first = randomBytes(3 * MIB + 5);
        assertRoundTrip(1, first);
        assertEquals(1, server.responsePublicationCount());

        raw = new RawPeer(clientDriver.aeron(), server.endpoint(), RAW_RESPONSE_ENDPOINT);
        final byte[] hostileChannel = (raw.responseChannel + "|term-length=1048576").getBytes(StandardCharsets.US_ASCII);
        final long requestsBefore = server.requestCount();
        for (int i = 0; i < hostileChannels; i++)
        {
            // a stream nobody subscribes to and a far deadline: each answer stays in flight, pinning its publication
            sendUsageRequest(1000 + i, hostileChannel, 30_001 + i, clock.nanoTime() + TimeUnit.MINUTES.toNanos(10));
        }
        awaitAtLeast(() -> server.requestCount(), requestsBefore + hostileChannels, "hostile usage requests");

        // three hostile channels fill the limit next to the client's, the fourth evicts the client's idle one,
        // the other eight find every publication with an answer in flight and are dropped
        assertEquals(limit, server.responsePublicationCount());
        assertEquals(1, server.evictedResponsePublicationCount());
        assertEquals(hostileChannels - limit, server.refusedResponsePublicationCount());

        final byte[] second = randomBytes(2 * MIB + 7);
        assertThrows(RequestTimeoutException.class,
            () -> client.put(server.endpoint(), 2, new UnsafeBuffer(second), 0, second.length));

        // nobody listens on the hostile streams: their answers give up the response timeout after they were made,
        // however far their deadline, and the publications become evictable
        final long undeliveredBefore = server.undeliveredResponseCount();
        clockOffsetNs.addAndGet(TimeUnit.SECONDS.toNanos(31));
        awaitAtLeast(() -> server.undeliveredResponseCount(), undeliveredBefore + limit, "hostile answers given up");

        assertRoundTrip(2, second);
        assertRoundTrip(1, first);
        assertTrue(server.responsePublicationCount() <= limit, "open: " + server.responsePublicationCount());
        assertTrue(server.peakResponsePublicationCount() <= limit, "peak: " + server.peakResponsePublicationCount());
        assertEquals(2, server.evictedResponsePublicationCount());
    }

    @Test
    @Timeout(60)
    void shouldStayWithinThePutLimitsRefuseWithBusyAndEvictStalledPutsAfterTheStallTimeout()
    {
        final int maxPuts = 8;
        final int maxBytes = 16 * MIB;
        final long stallTimeoutNs = TimeUnit.SECONDS.toNanos(30);
        launchServer(new BlockServer.Context()
            .maxPutReassemblies(maxPuts)
            .maxPutReassemblyBytes(maxBytes)
            .putStallTimeoutNs(stallTimeoutNs));
        connectClient(TimeUnit.SECONDS.toNanos(1));
        raw = new RawPeer(clientDriver.aeron(), server.endpoint(), RAW_RESPONSE_ENDPOINT);

        // five puts declaring 3 MiB each (15 MiB), a sixth that does not fit the bytes, then fifteen of 64 KiB of
        // which three fit the count: first chunks only, never finished
        final byte[] chunk = randomBytes(KIB);
        final long deadlineNs = clock.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        final long requestsBefore = server.requestCount();
        for (int i = 0; i < 6; i++)
        {
            sendPutChunk(100 + i, 100 + i, 3 * MIB, 0, chunk, deadlineNs);
        }
        for (int i = 0; i < 15; i++)
        {
            sendPutChunk(200 + i, 200 + i, 64 * KIB, 0, chunk, deadlineNs);
        }
        awaitAtLeast(() -> server.requestCount(), requestsBefore + 21, "hostile first chunks");

        assertEquals(maxPuts, server.putReassemblyCount());
        assertEquals(5L * 3 * MIB + 3L * 64 * KIB, server.putReassemblyBytes());
        assertEquals(13, server.refusedPutCount());
        final Map<Long, ErrorCode> refusals = awaitErrors(105, 203, 214);
        assertEquals(ErrorCode.BUSY, refusals.get(105L), refusals::toString);
        assertEquals(ErrorCode.BUSY, refusals.get(203L), refusals::toString);
        assertEquals(ErrorCode.BUSY, refusals.get(214L), refusals::toString);

        // nothing has stalled yet: the well-behaved client is refused until its own timeout, with a clear message
        final byte[] block = randomBytes(5 * MIB + 123);
        final RemoteErrorException refused = assertThrows(RemoteErrorException.class,
            () -> client.put(server.endpoint(), 77, new UnsafeBuffer(block), 0, block.length));
        assertEquals(ErrorCode.BUSY, refused.code());
        assertTrue(refused.getMessage().contains("block 77") && refused.getMessage().contains("resend"),
            refused.getMessage());
        assertTrue(client.busyRetryCount() > 0, "busy retries: " + client.busyRetryCount());
        assertEquals(0, server.evictedPutReassemblyCount());

        // past the stall timeout the oldest-idle puts make room: two 3 MiB ones for the 5 MiB block
        clockOffsetNs.addAndGet(stallTimeoutNs + TimeUnit.SECONDS.toNanos(1));
        assertRoundTrip(77, block);
        assertEquals(2, server.evictedPutReassemblyCount());
        assertEquals(maxPuts - 2, server.putReassemblyCount());
        assertTrue(server.peakPutReassemblyCount() <= maxPuts, "peak puts: " + server.peakPutReassemblyCount());
        assertTrue(server.peakPutReassemblyBytes() <= maxBytes, "peak bytes: " + server.peakPutReassemblyBytes());

        // the sender of an evicted put learns it at its next chunk; a put still held goes on
        sendPutChunk(100, 100, 3 * MIB, KIB, chunk, deadlineNs);
        assertEquals(ErrorCode.BUSY, awaitErrors(100).get(100L));
        final long droppedBefore = server.droppedChunkCount();
        sendPutChunk(102, 102, 3 * MIB, KIB, chunk, deadlineNs);
        sendPutChunk(101, 101, 3 * MIB, 2 * KIB, chunk, deadlineNs);
        assertEquals(ErrorCode.BUSY, awaitErrors(101).get(101L));
        assertTrue(server.droppedChunkCount() > droppedBefore, "dropped chunks: " + server.droppedChunkCount());
        assertEquals(maxPuts - 2, server.putReassemblyCount());
    }

    @Test
    @Timeout(60)
    void shouldReportBusyWhenAPutRefusedWithBusyIsResentPastItsDeadline()
    {
        // the node's clock runs ahead of the client's once the first BUSY came back, so the resend reaches it past
        // its deadline and the node answers DEADLINE_EXPIRED: the caller must still learn that the node was busy
        launchServer(new BlockServer.Context()
            .maxPutReassemblies(1)
            .putStallTimeoutNs(TimeUnit.MINUTES.toNanos(10)), () -> clock.nanoTime() + serverAheadNs.get());
        connectClient(TimeUnit.SECONDS.toNanos(2));
        raw = new RawPeer(clientDriver.aeron(), server.endpoint(), RAW_RESPONSE_ENDPOINT);
        final long requestsBefore = server.requestCount();
        sendPutChunk(300, 300, 64 * KIB, 0, randomBytes(KIB), clock.nanoTime() + TimeUnit.MINUTES.toNanos(10));
        awaitAtLeast(() -> server.requestCount(), requestsBefore + 1, "hostile first chunk");
        assertEquals(1, server.putReassemblyCount());

        final Thread clockMover = new Thread(() ->
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (client.busyRetryCount() < 1 && System.nanoTime() < deadlineNs)
            {
                Thread.yield();
            }
            serverAheadNs.set(TimeUnit.SECONDS.toNanos(5));
        }, "limits-clock-mover");
        clockMover.start();

        final byte[] block = randomBytes(2 * MIB + 3);
        final RemoteErrorException refused = assertThrows(RemoteErrorException.class,
            () -> client.put(server.endpoint(), 78, new UnsafeBuffer(block), 0, block.length));
        assertEquals(ErrorCode.BUSY, refused.code(), refused::toString);
        assertTrue(client.busyRetryCount() >= 1, "busy retries: " + client.busyRetryCount());
        assertTrue(Arrays.stream(refused.getSuppressed()).anyMatch(ex -> ex instanceof RemoteErrorException &&
            ErrorCode.DEADLINE_EXPIRED == ((RemoteErrorException)ex).code()),
            () -> "suppressed: " + Arrays.toString(refused.getSuppressed()));
        assertEquals(0, server.evictedPutReassemblyCount());
    }

    @Test
    @Timeout(60)
    void shouldLetAWellBehavedLargePutThroughWithItsRetryOnceHostilePutsStall()
    {
        final int maxPuts = 4;
        final int maxBytes = 8 * MIB;
        launchServer(new BlockServer.Context()
            .maxPutReassemblies(maxPuts)
            .maxPutReassemblyBytes(maxBytes)
            .putStallTimeoutNs(TimeUnit.MILLISECONDS.toNanos(500)));
        connectClient(TransportConfiguration.REQUEST_TIMEOUT_DEFAULT_NS);
        raw = new RawPeer(clientDriver.aeron(), server.endpoint(), RAW_RESPONSE_ENDPOINT);

        final byte[] chunk = randomBytes(KIB);
        final long deadlineNs = clock.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        final long requestsBefore = server.requestCount();
        for (int i = 0; i < 3 * maxPuts; i++)
        {
            sendPutChunk(300 + i, 300 + i, 2 * MIB, 0, chunk, deadlineNs);
        }
        awaitAtLeast(() -> server.requestCount(), requestsBefore + 3 * maxPuts, "hostile first chunks");
        assertEquals(maxPuts, server.putReassemblyCount());

        final byte[] block = randomBytes(6 * MIB + 1);
        assertRoundTrip(5, block);
        assertTrue(server.evictedPutReassemblyCount() >= 3, "evicted: " + server.evictedPutReassemblyCount());
        assertTrue(server.peakPutReassemblyCount() <= maxPuts, "peak puts: " + server.peakPutReassemblyCount());
        assertTrue(server.peakPutReassemblyBytes() <= maxBytes, "peak bytes: " + server.peakPutReassemblyBytes());
    }

    @Test
    @Timeout(60)
    void shouldLetABlockLargerThanTheByteLimitInOnlyWhileNoOtherPutIsUnfinished()
    {
        final long stallTimeoutNs = TimeUnit.SECONDS.toNanos(30);
        launchServer(new BlockServer.Context()
            .maxPutReassemblyBytes(MIB)
            .putStallTimeoutNs(stallTimeoutNs));
        connectClient(TimeUnit.SECONDS.toNanos(1));

        final byte[] block = randomBytes(3 * MIB + 1);
        assertRoundTrip(8, block);
        assertEquals(3L * MIB + 1, server.peakPutReassemblyBytes());

        raw = new RawPeer(clientDriver.aeron(), server.endpoint(), RAW_RESPONSE_ENDPOINT);
        final long requestsBefore = server.requestCount();
        sendPutChunk(400, 400, 64 * KIB, 0, randomBytes(KIB), clock.nanoTime() + TimeUnit.MINUTES.toNanos(10));
        awaitAtLeast(() -> server.requestCount(), requestsBefore + 1, "hostile first chunk");
        assertEquals(1, server.putReassemblyCount());

        final byte[] other = randomBytes(2 * MIB + 3);
        final RemoteErrorException refused = assertThrows(RemoteErrorException.class,
            () -> client.put(server.endpoint(), 9, new UnsafeBuffer(other), 0, other.length));
        assertEquals(ErrorCode.BUSY, refused.code());

        clockOffsetNs.addAndGet(stallTimeoutNs + TimeUnit.SECONDS.toNanos(1));
        assertRoundTrip(9, other);
        assertEquals(1, server.evictedPutReassemblyCount());
        assertRoundTrip(8, block);
    }

    @Test
    @Timeout(60)
    void shouldRefuseAResponseChannelAskingForAHugeTermLength()
    {
        launchServer(new BlockServer.Context());
        raw = new RawPeer(clientDriver.aeron(), server.endpoint(), RAW_RESPONSE_ENDPOINT);
        final byte[] hugeTerms = (raw.responseChannel + "|term-length=1g").getBytes(StandardCharsets.US_ASCII);
        final long malformedBefore = server.malformedCount();

        sendUsageRequest(500, hugeTerms, raw.responseStreamId, clock.nanoTime() + TimeUnit.MINUTES.toNanos(1));
        awaitAtLeast(() -> server.malformedCount(), malformedBefore + 1, "refused response channel");
        assertEquals(0, server.responsePublicationCount());

        final byte[] plain = raw.responseChannel.getBytes(StandardCharsets.US_ASCII);
        sendUsageRequest(501, plain, raw.responseStreamId, clock.nanoTime() + TimeUnit.MINUTES.toNanos(1));
        awaitAtLeast(() -> server.responsePublicationCount(), 1, "publication for the plain channel");
        assertEquals(malformedBefore + 1, server.malformedCount());
    }

    @Test
    void shouldRejectInvalidLimitsNamingTheProperty()
    {
        assertInvalid(new BlockServer.Context().maxResponsePublications(0),
            TransportConfiguration.SERVER_MAX_RESPONSE_PUBLICATIONS_PROP_NAME);
        assertInvalid(new BlockServer.Context().maxPutReassemblies(65537),
            TransportConfiguration.SERVER_MAX_PUT_REASSEMBLIES_PROP_NAME);
        assertInvalid(new BlockServer.Context().maxPutReassemblyBytes(0),
            TransportConfiguration.SERVER_MAX_PUT_REASSEMBLY_BYTES_PROP_NAME);
        assertInvalid(new BlockServer.Context().putStallTimeoutNs(0),
            TransportConfiguration.SERVER_PUT_STALL_TIMEOUT_PROP_NAME);
    }

    private void assertInvalid(final BlockServer.Context ctx, final String propName)
    {
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> ctx.aeron(nodeDriver.aeron()).handler(new InMemoryBlockHandler("limits-node", MIB)).conclude());
        assertTrue(ex.getMessage().startsWith(propName + "="), ex.getMessage());
    }

    private void launchServer(final BlockServer.Context ctx)
    {
        launchServer(ctx, clock);
    }

    private void launchServer(final BlockServer.Context ctx, final EpochNanoClock serverClock)
    {
        server = BlockServer.launch(ctx
            .aeron(nodeDriver.aeron())
            .endpoint(SERVER_ENDPOINT)
            .nodeName("limits-node")
            .epochNanoClock(serverClock)
            .handler(new InMemoryBlockHandler("limits-node", 256L * MIB)));
    }

    private void connectClient(final long requestTimeoutNs)
    {
        client = BlockClient.connect(new BlockClient.Context()
            .aeron(clientDriver.aeron())
            .responseEndpoint(CLIENT_RESPONSE_ENDPOINT)
            .epochNanoClock(clock)
            .requestTimeoutNs(requestTimeoutNs));
    }

    private void assertRoundTrip(final long blockId, final byte[] block)
    {
        client.put(server.endpoint(), blockId, new UnsafeBuffer(block), 0, block.length);
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[block.length]);
        assertEquals(block.length, client.get(server.endpoint(), blockId, dst, 0, block.length));
        assertArrayEquals(block, Arrays.copyOf(dst.byteArray(), block.length), "bytes of block " + blockId);
    }

    private void sendUsageRequest(
        final long correlationId, final byte[] channel, final int streamId, final long deadlineNs)
    {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + usageEncoder
            .wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(correlationId)
            .clientId(HOSTILE_CLIENT_ID)
            .deadlineEpochNs(deadlineNs)
            .responseStreamId(streamId)
            .putResponseChannel(channel, 0, channel.length)
            .encodedLength();
        raw.send(message, 0, length);
    }

    private void sendPutChunk(
        final long correlationId,
        final long blockId,
        final int totalLength,
        final int chunkOffset,
        final byte[] data,
        final long deadlineNs)
    {
        final byte[] channel = raw.responseChannel.getBytes(StandardCharsets.US_ASCII);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + putEncoder
            .wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(correlationId)
            .clientId(HOSTILE_CLIENT_ID)
            .blockId(blockId)
            .deadlineEpochNs(deadlineNs)
            .totalLength(totalLength)
            .chunkOffset(chunkOffset)
            .crc32c(0x1234_5678)
            .responseStreamId(raw.responseStreamId)
            .putResponseChannel(channel, 0, channel.length)
            .putData(data, 0, data.length)
            .encodedLength();
        raw.send(message, 0, length);
    }

    /**
     * Poll the raw peer's responses until Error messages for all these correlation ids have arrived, in any order
     * (the server retries undelivered responses newest first).
     *
     * @return the code of every Error message received meanwhile, by correlation id.
     */
    private Map<Long, ErrorCode> awaitErrors(final long... correlationIds)
    {
        final Map<Long, ErrorCode> received = new HashMap<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final ErrorDecoder error = new ErrorDecoder();
        final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, h) ->
        {
            header.wrap(buffer, offset);
            if (ErrorDecoder.TEMPLATE_ID == header.templateId())
            {
                error.wrapAndApplyHeader(buffer, offset, header);
                received.put(error.correlationId(), ErrorCode.fromWire(error.codeRaw()));
            }
        });

        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Arrays.stream(correlationIds).allMatch(received::containsKey))
        {
            assertTrue(System.nanoTime() < deadlineNs,
                "Error responses for " + Arrays.toString(correlationIds) + "; received " + received);
            if (0 == raw.responses.poll(assembler, 10))
            {
                Thread.yield();
            }
        }
        return received;
    }

    private static void awaitAtLeast(final LongSupplier counter, final long expected, final String what)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (counter.getAsLong() < expected)
        {
            assertTrue(System.nanoTime() < deadlineNs, what + ": " + counter.getAsLong() + " of " + expected);
            Thread.yield();
        }
    }

    private byte[] randomBytes(final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * The system's epoch clock moved forward by an offset the test controls; shared by server and client.
     */
    private static final class OffsetClock implements EpochNanoClock
    {
        private final SystemEpochNanoClock system = new SystemEpochNanoClock();
        private final AtomicLong offsetNs;

        OffsetClock(final AtomicLong offsetNs)
        {
            this.offsetNs = offsetNs;
        }

        public long nanoTime()
        {
            return system.nanoTime() + offsetNs.get();
        }
    }
}
