/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.aeron.FragmentAssembler;
import io.tierpool.transport.codecs.AckEncoder;
import io.tierpool.transport.codecs.ErrorDecoder;
import io.tierpool.transport.codecs.ErrorEncoder;
import io.tierpool.transport.codecs.FreeRequestEncoder;
import io.tierpool.transport.codecs.GetRequestEncoder;
import io.tierpool.transport.codecs.GetResponseEncoder;
import io.tierpool.transport.codecs.MessageHeaderDecoder;
import io.tierpool.transport.codecs.MessageHeaderEncoder;
import io.tierpool.transport.codecs.PutRequestEncoder;
import io.tierpool.transport.codecs.UsageRequestEncoder;
import io.tierpool.transport.codecs.UsageResponseEncoder;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sends well over 100,000 random and mutated messages straight at a {@link BlockServer}'s request channel (a raw
 * Aeron publication, bypassing {@link BlockClient}), then checks the server still serves and that a well-behaved
 * client's blocks are intact byte for byte. Real embedded drivers (one for the node, one for the clients) over UDP
 * loopback. The seed is printed; set {@code -Dtierpool.fuzz.seed=N} to replay a run.
 * <p>
 * Three kinds of input: (a) random bytes of random length 0..4 KiB; (b) correctly encoded messages of every
 * template (requests and responses) with random field values, sent as they are or mutated (truncated, bit flips,
 * wrong schema id, version, template id or block length, trailing garbage); (c) chunked puts under another client
 * id for the well-behaved client's block ids, with their chunks shuffled and duplicated.
 * <p>
 * The response channels used are a fixed small set (the raw peer's, on two stream ids, one nobody listens on,
 * several the driver or the server refuses): every distinct channel and stream id makes the node open a
 * publication with its own log buffers, so random ones would measure /dev/shm rather than the server.
 * <p>
 * With security on ({@link #shouldRefuseAndCountEveryForgedMessageWithSecurityOnAndKeepServing}) the same input
 * comes unsealed (every decodable request is answered AUTH_FAILED, none reaches the handler), and an authenticated
 * peer adds {@value #SEALED_ATTACKS} sealed messages: genuine ones, replays of them, bit-flipped ones, ones naming
 * the well-behaved client, and unsealed requests with a made-up trailer under the peer's session id. The node must
 * refuse and count each kind exactly, and keep serving.
 * Ports: 127.0.0.1:40190-40194 (open), 42160-42165 (security on).
 */
class BlockServerFuzzTest
{
    private static final Logger LOG = LoggerFactory.getLogger(BlockServerFuzzTest.class);
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final String[] OPEN_ENDPOINTS =
        { "127.0.0.1:40190", "127.0.0.1:40191", "127.0.0.1:40192", "127.0.0.1:40193", "127.0.0.1:40194" };
    private static final String[] SECURE_ENDPOINTS =
        { "127.0.0.1:42160", "127.0.0.1:42161", "127.0.0.1:42162", "127.0.0.1:42163", "127.0.0.1:42164" };
    private static final String PEER_RESPONSE_ENDPOINT = "127.0.0.1:42165";
    private static final int SEALED_ATTACKS = 20_000;
    private static final ClusterSecret SECRET = ClusterSecret.generate();
    private String serverEndpoint;
    private String clientResponseEndpoint;
    private String rawResponseEndpoint;
    private String freshClientResponseEndpoint;
    private String nobodyEndpoint;
    private boolean secure;
    private SecurePeer peer;
    private static final int BLOCK_COUNT = 20;
    private static final int MESSAGES_PER_RANDOM_KIND = 40_000;
    private static final int MESSAGES_OF_ENCODED_KIND = 60_000;
    private static final int CHUNKED_TRANSFERS = 2_000;
    private static final int MAX_BLOCK_LENGTH = 16 * MIB;
    private static final String[] TEMPLATES =
        { "PutRequest", "GetRequest", "FreeRequest", "UsageRequest", "Ack", "GetResponse", "UsageResponse", "Error" };
    private static final String[] MUTATIONS =
        { "none", "truncated", "bitflips", "schemaId", "version", "templateId", "blockLength", "trailingGarbage" };

    private final List<Throwable> firstServerErrors = new CopyOnWriteArrayList<>();
    private final AtomicLong serverErrors = new AtomicLong();
    private TransportDriver nodeDriver;
    private TransportDriver clientDriver;
    private InMemoryBlockHandler handler;
    private BlockServer server;
    private BlockClient client;
    private BlockClient freshClient;
    private RawPeer raw;

    private final ExpandableArrayBuffer message = new ExpandableArrayBuffer(8 * KIB);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final PutRequestEncoder putEncoder = new PutRequestEncoder();
    private final GetRequestEncoder getEncoder = new GetRequestEncoder();
    private final FreeRequestEncoder freeEncoder = new FreeRequestEncoder();
    private final UsageRequestEncoder usageEncoder = new UsageRequestEncoder();
    private final AckEncoder ackEncoder = new AckEncoder();
    private final GetResponseEncoder getResponseEncoder = new GetResponseEncoder();
    private final UsageResponseEncoder usageResponseEncoder = new UsageResponseEncoder();
    private final ErrorEncoder errorEncoder = new ErrorEncoder();
    private final Map<String, Long> sentByKind = new TreeMap<>();
    private final Map<ErrorCode, Long> errorResponsesByCode = new TreeMap<>();
    private final MessageHeaderDecoder responseHeader = new MessageHeaderDecoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();
    private final FragmentAssembler responseAssembler = new FragmentAssembler((buffer, offset, length, header) ->
    {
        responseHeader.wrap(buffer, offset);
        if (ErrorDecoder.TEMPLATE_ID == responseHeader.templateId())
        {
            errorDecoder.wrapAndApplyHeader(buffer, offset, responseHeader);
            errorResponsesByCode.merge(ErrorCode.fromWire(errorDecoder.codeRaw()), 1L, Long::sum);
        }
        else
        {
            sentByKind.merge("responses.other", 1L, Long::sum);
        }
    });

    private long realClientId;
    private byte[][] channels;
    private long truncationCounter;

    @BeforeEach
    void setUp(final org.junit.jupiter.api.TestInfo info)
    {
        secure = info.getDisplayName().contains("SecurityOn");
        final String[] endpoints = secure ? SECURE_ENDPOINTS : OPEN_ENDPOINTS;
        serverEndpoint = endpoints[0];
        clientResponseEndpoint = endpoints[1];
        rawResponseEndpoint = endpoints[2];
        freshClientResponseEndpoint = endpoints[3];
        nobodyEndpoint = endpoints[4];
        nodeDriver = TransportDriver.launch(new TransportDriver.Context());
        clientDriver = TransportDriver.launch(new TransportDriver.Context());
        handler = new InMemoryBlockHandler("fuzz-node", 256L * MIB);
        server = BlockServer.launch(new BlockServer.Context()
            .aeron(nodeDriver.aeron())
            .endpoint(serverEndpoint)
            .nodeName("fuzz-node")
            .handler(handler)
            .maxBlockLength(MAX_BLOCK_LENGTH)
            .security(secure ? new TransportSecurity(SECRET, false) : null)
            .errorHandler((throwable) ->
            {
                if (serverErrors.incrementAndGet() <= 5)
                {
                    firstServerErrors.add(throwable);
                }
            }));
        client = BlockClient.connect(new BlockClient.Context()
            .aeron(clientDriver.aeron())
            .security(secure ? new TransportSecurity(SECRET, false) : null)
            .responseEndpoint(clientResponseEndpoint));
        realClientId = client.clientId();
    }

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(peer, raw, freshClient, client, server, clientDriver, nodeDriver);
        assertFalse(new File(nodeDriver.aeronDirectoryName()).exists(), nodeDriver.aeronDirectoryName());
        assertFalse(new File(clientDriver.aeronDirectoryName()).exists(), clientDriver.aeronDirectoryName());
    }

    @Test
    @Timeout(180)
    void shouldKeepServingAndKeepEveryBlockIntactUnderAHundredThousandRandomAndMutatedMessages()
    {
        fuzz();
    }

    @Test
    @Timeout(180)
    void shouldRefuseAndCountEveryForgedMessageWithSecurityOnAndKeepServing()
    {
        fuzz();
    }

    private void fuzz()
    {
        final long seed = Long.getLong("tierpool.fuzz.seed", System.nanoTime());
        LOG.info("BlockServerFuzzTest seed={} (replay with -Dtierpool.fuzz.seed={})", seed, seed);
        final Random random = new Random(seed);

        final byte[][] blocks = new byte[BLOCK_COUNT][];
        for (int blockId = 0; blockId < BLOCK_COUNT; blockId++)
        {
            final int size = blockId < 4 ? 1 + random.nextInt(64) : 1 + random.nextInt(3 * MIB);
            blocks[blockId] = randomBytes(random, size);
            client.put(server.endpoint(), blockId, new UnsafeBuffer(blocks[blockId]), 0, size);
        }
        final long requestsBefore = server.requestCount();
        final long malformedBefore = server.malformedCount();

        raw = new RawPeer(clientDriver.aeron(), server.endpoint(), rawResponseEndpoint);
        channels = responseChannels(raw.responseChannel);

        final long startNs = System.nanoTime();
        long sent = 0;
        final int total = 2 * MESSAGES_PER_RANDOM_KIND + MESSAGES_OF_ENCODED_KIND;
        for (int i = 0; i < total; i++)
        {
            if (random.nextInt(total) < MESSAGES_PER_RANDOM_KIND)
            {
                sendRandomBytes(random);
            }
            else
            {
                sendEncoded(random);
            }
            sent++;
            if (0 == (sent & 63))
            {
                drainResponses();
            }
        }

        final Map<Long, List<byte[]>> otherClientContents = new HashMap<>();
        final long otherClientId = otherClientId(random);
        for (int i = 0; i < CHUNKED_TRANSFERS; i++)
        {
            sent += sendShuffledChunkedPut(random, otherClientId, otherClientContents);
            drainResponses();
        }

        final long[] attacks = secure ? new long[5] : null;
        if (secure)
        {
            sent += sendSealedAttacks(random, attacks);
        }

        final long expectedRequests = requestsBefore + sent;
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (server.requestCount() < expectedRequests)
        {
            assertTrue(System.nanoTime() < deadlineNs, "server received " + (server.requestCount() - requestsBefore) +
                " of " + sent + " messages");
            drainResponses();
            if (null != peer)
            {
                peer.drain();
            }
            Thread.yield();
        }
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        drainResponses();

        freshClient = BlockClient.connect(new BlockClient.Context()
            .aeron(clientDriver.aeron())
            .security(secure ? new TransportSecurity(SECRET, false) : null)
            .responseEndpoint(freshClientResponseEndpoint));
        final byte[] fresh = randomBytes(random, MIB + 3);
        freshClient.put(server.endpoint(), 7, new UnsafeBuffer(fresh), 0, fresh.length);
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[3 * MIB]);
        assertEquals(fresh.length, freshClient.get(server.endpoint(), 7, dst, 0, dst.capacity()));
        assertArrayEquals(fresh, Arrays.copyOf(dst.byteArray(), fresh.length), "fresh client's block 7");
        freshClient.free(server.endpoint(), 7);

        for (int blockId = 0; blockId < BLOCK_COUNT; blockId++)
        {
            final int length = client.get(server.endpoint(), blockId, dst, 0, dst.capacity());
            assertEquals(blocks[blockId].length, length, "length of block " + blockId);
            assertArrayEquals(blocks[blockId], Arrays.copyOf(dst.byteArray(), length), "bytes of block " + blockId);
        }

        int realBlocks = 0;
        int otherBlocksStored = 0;
        for (final Map.Entry<InMemoryBlockHandler.Key, byte[]> entry : handler.blocks.entrySet())
        {
            final InMemoryBlockHandler.Key key = entry.getKey();
            if (key.clientId() == realClientId)
            {
                realBlocks++;
                assertArrayEquals(blocks[(int)key.blockId()], entry.getValue(), "stored block " + key.blockId());
            }
            else if (key.clientId() == otherClientId)
            {
                otherBlocksStored++;
                final List<byte[]> candidates = otherClientContents.get(key.blockId());
                assertNotNull(candidates, "block " + key.blockId() + " stored for client " + otherClientId);
                assertTrue(candidates.stream().anyMatch((bytes) -> Arrays.equals(bytes, entry.getValue())),
                    "block " + key.blockId() + " of client " + otherClientId + " is not one of the blocks sent");
            }
        }
        assertEquals(BLOCK_COUNT, realBlocks, "blocks of the well-behaved client " + realClientId);

        final long malformed = server.malformedCount() - malformedBefore;
        final String figures = String.format(
            "BlockServerFuzzTest figures: seed=%d sent=%d elapsedMs=%d kinds=%s errorResponsesReceived=%s " +
            "otherClientBlocksCompleted=%d server[requests=%d malformed=%d errorResponses=%d droppedChunks=%d " +
            "expiredReassemblies=%d undeliveredResponses=%d errors=%d refusedPuts=%d evictedPuts=%d " +
            "peakPuts=%d peakPutBytes=%d peakResponsePublications=%d evictedResponsePublications=%d " +
            "refusedResponsePublications=%d] freshClientBusyRetries=%d firstErrors=%s",
            seed, sent, elapsedMs, sentByKind, errorResponsesByCode, otherBlocksStored,
            server.requestCount(), server.malformedCount(), server.errorResponseCount(), server.droppedChunkCount(),
            server.expiredReassemblyCount(), server.undeliveredResponseCount(), server.errorCount(),
            server.refusedPutCount(), server.evictedPutReassemblyCount(), server.peakPutReassemblyCount(),
            server.peakPutReassemblyBytes(), server.peakResponsePublicationCount(),
            server.evictedResponsePublicationCount(), server.refusedResponsePublicationCount(),
            freshClient.busyRetryCount(), firstServerErrors);
        LOG.info(figures);
        System.out.println(figures);

        assertTrue(sent >= 100_000, "sent " + sent);
        if (secure)
        {
            final SecurityCounters counters = server.securityCounters();
            final String secureFigures = String.format("BlockServerFuzzTest security figures: sealedAttacks[genuine=%d " +
                "replayed=%d bitFlipped=%d foreignClientId=%d madeUpTrailer=%d] node%s refused=%d",
                attacks[0], attacks[1], attacks[2], attacks[3], attacks[4], counters, counters.refused());
            LOG.info(secureFigures);
            System.out.println(secureFigures);
            assertEquals(0, otherBlocksStored, "an unauthenticated put was stored");
            assertEquals(attacks[1], counters.replayed(), secureFigures);
            assertEquals(attacks[3], counters.forgedClientId(), secureFigures);
            assertTrue(counters.badMac() >= attacks[4], secureFigures);
            assertTrue(counters.badMac() + counters.unauthenticated() >= attacks[2] + attacks[4], secureFigures);
            assertTrue(counters.unauthenticated() > 0, secureFigures);
            assertEquals(0, counters.handshakeFailures(), secureFigures);
            assertTrue(errorResponsesByCode.getOrDefault(ErrorCode.AUTH_FAILED, 0L) > 0,
                errorResponsesByCode::toString);
            final long answersDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (peer.responses.size() < attacks[0] && System.nanoTime() < answersDeadlineNs)
            {
                peer.drain();
                Thread.yield();
            }
            assertTrue(peer.responses.size() >= attacks[0], "genuine sealed requests answered: " +
                peer.responses.size() + " of " + attacks[0]);
            return;
        }
        assertTrue(malformed > 0, "malformedCount did not move");
        assertTrue(server.errorResponseCount() > 0, "errorResponseCount did not move");
        assertTrue(server.droppedChunkCount() > 0, "droppedChunkCount did not move");
        assertTrue(errorResponsesByCode.getOrDefault(ErrorCode.BAD_REQUEST, 0L) > 0, errorResponsesByCode::toString);
        final BlockServer.Context limits = server.context();
        assertTrue(server.peakPutReassemblyCount() <= limits.maxPutReassemblies(), figures);
        assertTrue(server.peakPutReassemblyBytes() <= Math.max(limits.maxPutReassemblyBytes(), MAX_BLOCK_LENGTH),
            figures);
        assertTrue(server.peakResponsePublicationCount() <= limits.maxResponsePublications(), figures);
    }

    /**
     * Security on: an authenticated peer (its own client id) sends genuine sealed messages and the four kinds of
     * forgery, counted in {@code attacks} by kind: 0 genuine, 1 replayed, 2 bit-flipped, 3 naming the well-behaved
     * client, 4 an unsealed request with a made-up trailer under the peer's session id.
     *
     * @return messages sent.
     */
    private long sendSealedAttacks(final Random random, final long[] attacks)
    {
        final long peerClientId = realClientId ^ 0x5A5A5A5AL;
        peer = new SecurePeer(clientDriver.aeron(), server.endpoint(), PEER_RESPONSE_ENDPOINT, SECRET, peerClientId,
            false);
        final ExpandableArrayBuffer sealed = new ExpandableArrayBuffer(8 * KIB);
        final List<byte[]> genuine = new ArrayList<>();
        long correlationId = 1_000;
        for (int i = 0; i < SEALED_ATTACKS; i++)
        {
            final int kind = genuine.isEmpty() ? 0 : random.nextInt(5);
            final long blockId = random.nextInt(BLOCK_COUNT);
            final int length;
            switch (kind)
            {
                case 0:
                    length = random.nextBoolean() ?
                        peer.sealedPut(sealed, correlationId++, peerClientId, blockId, randomBytes(random, 1 + random.nextInt(512))) :
                        peer.sealedGet(sealed, correlationId++, peerClientId, blockId);
                    if (genuine.size() < 512)
                    {
                        genuine.add(Arrays.copyOf(sealed.byteArray(), length));
                    }
                    break;

                case 1:
                    final byte[] replay = genuine.get(random.nextInt(genuine.size()));
                    sealed.putBytes(0, replay);
                    length = replay.length;
                    break;

                case 2:
                    length = peer.sealedGet(sealed, correlationId++, peerClientId, blockId);
                    final java.util.Set<Integer> bits = new java.util.HashSet<>();
                    for (int flips = 1 + random.nextInt(8); bits.size() < flips; )
                    {
                        bits.add(random.nextInt(length * 8));
                    }
                    for (final int bit : bits)
                    {
                        sealed.putByte(bit >> 3, (byte)(sealed.getByte(bit >> 3) ^ (1 << (bit & 7))));
                    }
                    break;

                case 3:
                    final int what = random.nextInt(3);
                    length = 0 == what ? peer.sealedGet(sealed, correlationId++, realClientId, blockId) :
                        1 == what ? peer.sealedFree(sealed, correlationId++, realClientId, blockId) :
                        peer.sealedPut(sealed, correlationId++, realClientId, blockId, new byte[] { 1, 2, 3 });
                    break;

                default:
                    final int plain = encode(random, random.nextInt(4));
                    sealed.putBytes(0, message, 0, plain);
                    sealed.putLong(plain, peer.session.sessionId, java.nio.ByteOrder.LITTLE_ENDIAN);
                    for (int b = 8; b < AuthTrailerDescriptor.LENGTH; b++)
                    {
                        sealed.putByte(plain + b, (byte)random.nextInt());
                    }
                    length = plain + AuthTrailerDescriptor.LENGTH;
                    break;
            }
            attacks[kind]++;
            peer.raw.send(sealed, 0, length);
            if (0 == (i & 63))
            {
                peer.drain();
                drainResponses();
            }
        }
        peer.drain();
        return SEALED_ATTACKS;
    }

    private void sendRandomBytes(final Random random)
    {
        final int length = random.nextInt(4 * KIB + 1);
        for (int i = 0; i < length; i++)
        {
            message.putByte(i, (byte)random.nextInt());
        }
        count("a.randomBytes");
        raw.send(message, 0, length);
    }

    private void sendEncoded(final Random random)
    {
        final int template = random.nextInt(TEMPLATES.length);
        int length = encode(random, template);
        final int mutation = random.nextInt(MUTATIONS.length);
        switch (mutation)
        {
            case 1:
                length = (int)(truncationCounter++ % length);
                break;

            case 2:
                for (int flips = 1 + random.nextInt(8); flips > 0; flips--)
                {
                    final int index = random.nextInt(length);
                    message.putByte(index, (byte)(message.getByte(index) ^ (1 << random.nextInt(8))));
                }
                break;

            case 3:
                headerEncoder.wrap(message, 0).schemaId(pickOther(random, MessageHeaderEncoder.SCHEMA_ID));
                break;

            case 4:
                headerEncoder.wrap(message, 0).version(1 + random.nextInt(0xFFFF));
                break;

            case 5:
                headerEncoder.wrap(message, 0).templateId(random.nextInt(0x10000));
                break;

            case 6:
                headerEncoder.wrap(message, 0).blockLength(random.nextInt(0x10000));
                break;

            case 7:
                final int extra = 1 + random.nextInt(512);
                for (int i = 0; i < extra; i++)
                {
                    message.putByte(length + i, (byte)random.nextInt());
                }
                length += extra;
                break;

            default:
                break;
        }
        count("b.template." + TEMPLATES[template]);
        sentByKind.merge("b.mutation." + MUTATIONS[mutation], 1L, Long::sum);
        raw.send(message, 0, length);
    }

    /**
     * Encode a message of the template at index {@code template} with random field values into {@link #message}.
     *
     * @return its length, bytes.
     */
    private int encode(final Random random, final int template)
    {
        final byte[] channel = channels[random.nextInt(10) < 7 ? 0 : random.nextInt(channels.length)];
        final int streamId = random.nextBoolean() ? raw.responseStreamId : raw.responseStreamId + 1;
        final int bodyLength;
        switch (template)
        {
            case 0:
                final int dataLength = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(2 * KIB);
                final byte[] data = randomBytes(random, dataLength);
                final int totalLength = randomTotalLength(random, dataLength);
                bodyLength = putEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
                    .correlationId(random.nextLong())
                    .clientId(otherClientId(random))
                    .blockId(randomBlockId(random))
                    .deadlineEpochNs(randomDeadline(random))
                    .totalLength(totalLength)
                    .chunkOffset(randomChunkOffset(random, totalLength, dataLength))
                    .crc32c(random.nextInt(4) == 0 ? crc32c(data) : random.nextInt())
                    .responseStreamId(streamId)
                    .putResponseChannel(channel, 0, channel.length)
                    .putData(data, 0, data.length)
                    .encodedLength();
                break;

            case 1:
                bodyLength = getEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
                    .correlationId(random.nextLong())
                    .clientId(otherClientId(random))
                    .blockId(randomBlockId(random))
                    .deadlineEpochNs(randomDeadline(random))
                    .responseStreamId(streamId)
                    .putResponseChannel(channel, 0, channel.length)
                    .encodedLength();
                break;

            case 2:
                bodyLength = freeEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
                    .correlationId(random.nextLong())
                    .clientId(otherClientId(random))
                    .blockId(randomBlockId(random))
                    .deadlineEpochNs(randomDeadline(random))
                    .responseStreamId(streamId)
                    .putResponseChannel(channel, 0, channel.length)
                    .encodedLength();
                break;

            case 3:
                bodyLength = usageEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
                    .correlationId(random.nextLong())
                    .clientId(otherClientId(random))
                    .deadlineEpochNs(randomDeadline(random))
                    .responseStreamId(streamId)
                    .putResponseChannel(channel, 0, channel.length)
                    .encodedLength();
                break;

            case 4:
                bodyLength = ackEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
                    .correlationId(random.nextLong())
                    .blockId(randomBlockId(random))
                    .nodeName("fuzz-node")
                    .encodedLength();
                break;

            case 5:
                final byte[] chunk = randomBytes(random, random.nextInt(KIB));
                bodyLength = getResponseEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
                    .correlationId(random.nextLong())
                    .blockId(randomBlockId(random))
                    .totalLength(random.nextInt())
                    .chunkOffset(random.nextInt())
                    .crc32c(random.nextInt())
                    .putData(chunk, 0, chunk.length)
                    .encodedLength();
                break;

            case 6:
                final UsageResponseEncoder usage = usageResponseEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
                    .correlationId(random.nextLong());
                final int tiers = random.nextInt(4);
                final UsageResponseEncoder.TiersEncoder tiersEncoder = usage.tiersCount(tiers);
                for (int i = 0; i < tiers; i++)
                {
                    tiersEncoder.next()
                        .capacityBytes(random.nextLong())
                        .usedBytes(random.nextLong())
                        .blockCount(random.nextLong())
                        .tier("RAM");
                }
                bodyLength = usage.nodeName("fuzz-node").encodedLength();
                break;

            default:
                bodyLength = errorEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
                    .correlationId(random.nextLong())
                    .blockId(randomBlockId(random))
                    .code(io.tierpool.transport.codecs.ErrorCode.BAD_REQUEST)
                    .nodeName("fuzz-node")
                    .message("not a request")
                    .encodedLength();
                break;
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
    }

    /**
     * A put of one of the well-behaved client's block ids under another client id, split into 2..6 chunks that are
     * sent shuffled, some twice, some left out.
     *
     * @return messages sent.
     */
    private int sendShuffledChunkedPut(
        final Random random, final long otherClientId, final Map<Long, List<byte[]>> otherClientContents)
    {
        final long blockId = random.nextInt(BLOCK_COUNT);
        final int chunkCount = 2 + random.nextInt(5);
        final int chunkLength = 1 + random.nextInt(2 * KIB);
        final byte[] block = randomBytes(random, chunkCount * chunkLength - random.nextInt(chunkLength));
        otherClientContents.computeIfAbsent(blockId, (id) -> new ArrayList<>()).add(block);
        final int checksum = crc32c(block);
        final long correlationId = random.nextLong();
        final long deadlineNs = System.currentTimeMillis() * 1_000_000L + TimeUnit.SECONDS.toNanos(5);

        final List<Integer> order = new ArrayList<>();
        for (int i = 0; i < chunkCount; i++)
        {
            final int copies = random.nextInt(5) == 0 ? 0 : random.nextInt(4) == 0 ? 2 : 1;
            for (int c = 0; c < copies; c++)
            {
                order.add(i);
            }
        }
        if (random.nextInt(4) != 0)
        {
            java.util.Collections.shuffle(order, random);
        }

        for (final int index : order)
        {
            final int offset = index * chunkLength;
            final int length = Math.min(chunkLength, block.length - offset);
            final int bodyLength = putEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
                .correlationId(correlationId)
                .clientId(otherClientId)
                .blockId(blockId)
                .deadlineEpochNs(deadlineNs)
                .totalLength(block.length)
                .chunkOffset(offset)
                .crc32c(checksum)
                .responseStreamId(raw.responseStreamId)
                .putResponseChannel(channels[0], 0, channels[0].length)
                .putData(block, offset, length)
                .encodedLength();
            count("c.shuffledPutChunk");
            raw.send(message, 0, MessageHeaderEncoder.ENCODED_LENGTH + bodyLength);
        }
        return order.size();
    }

    private void drainResponses()
    {
        while (raw.responses.poll(responseAssembler, 256) > 0)
        {
            Thread.onSpinWait();
        }
    }

    private byte[][] responseChannels(final String rawChannel)
    {
        final byte[] tooLong = new byte[TransportConfiguration.MAX_RESPONSE_CHANNEL_LENGTH + 1];
        Arrays.fill(tooLong, (byte)'x');
        System.arraycopy("aeron:udp?endpoint=".getBytes(StandardCharsets.US_ASCII), 0, tooLong, 0, 19);
        return new byte[][]
        {
            rawChannel.getBytes(StandardCharsets.US_ASCII),
            Endpoints.udpChannel(nobodyEndpoint).getBytes(StandardCharsets.US_ASCII),
            "udp://127.0.0.1:40192".getBytes(StandardCharsets.US_ASCII),
            "aeron:".getBytes(StandardCharsets.US_ASCII),
            new byte[0],
            "\u00ff\u0000garbage".getBytes(StandardCharsets.UTF_8),
            tooLong,
            rawChannel.getBytes(StandardCharsets.US_ASCII),
            "aeron:udp?endpoint=127.0.0.1:40192".getBytes(StandardCharsets.US_ASCII),
            "aeron:udp?endpoint=127.0.0.1:99999".getBytes(StandardCharsets.US_ASCII),
        };
    }

    private long otherClientId(final Random random)
    {
        long id;
        do
        {
            id = random.nextLong();
        }
        while (id == realClientId);
        return id;
    }

    private static long randomBlockId(final Random random)
    {
        return random.nextBoolean() ? random.nextInt(BLOCK_COUNT) : random.nextLong();
    }

    private static long randomDeadline(final Random random)
    {
        final long nowNs = System.currentTimeMillis() * 1_000_000L;
        switch (random.nextInt(10))
        {
            case 0:
                return nowNs - random.nextInt(Integer.MAX_VALUE);
            case 1:
                return Long.MIN_VALUE;
            case 2:
                return Long.MAX_VALUE;
            case 3:
                return random.nextLong();
            default:
                return nowNs + TimeUnit.MILLISECONDS.toNanos(500 + random.nextInt(2_000));
        }
    }

    private static int randomTotalLength(final Random random, final int dataLength)
    {
        switch (random.nextInt(8))
        {
            case 0:
                return -1 - random.nextInt(Integer.MAX_VALUE);
            case 1:
                return 0;
            case 2:
                return Integer.MAX_VALUE;
            case 3:
                return MAX_BLOCK_LENGTH + 1 + random.nextInt(MIB);
            case 4:
                return dataLength;
            default:
                return Math.max(1, dataLength) + random.nextInt(64 * KIB);
        }
    }

    private static int randomChunkOffset(final Random random, final int totalLength, final int dataLength)
    {
        switch (random.nextInt(6))
        {
            case 0:
                return -1 - random.nextInt(Integer.MAX_VALUE);
            case 1:
                return totalLength + random.nextInt(KIB);
            case 2:
                return random.nextInt();
            case 3:
                return Math.max(0, totalLength - dataLength);
            default:
                return 0;
        }
    }

    private static int pickOther(final Random random, final int value)
    {
        int other;
        do
        {
            other = random.nextInt(0x10000);
        }
        while (other == value);
        return other;
    }

    private void count(final String kind)
    {
        sentByKind.merge(kind.substring(0, kind.indexOf('.')), 1L, Long::sum);
        sentByKind.merge(kind, 1L, Long::sum);
    }

    private static int crc32c(final byte[] bytes)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length);
        return (int)crc.getValue();
    }

    private static byte[] randomBytes(final Random random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
