/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.client.NodeUsage;

import io.tierpool.client.TierUsage;

import io.tierpool.transport.codecs.GetRequestEncoder;
import io.tierpool.transport.codecs.MessageHeaderEncoder;
import io.tierpool.transport.codecs.PutRequestEncoder;
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
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real embedded driver per side (node and client, as two processes would have), a {@link BlockServer} over an
 * in-memory handler and {@link BlockClient}s, talking over UDP loopback.
 */
class BlockTransportTest
{
    private static final Logger LOG = LoggerFactory.getLogger(BlockTransportTest.class);
    private static final int MIB = 1024 * 1024;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<Throwable> serverErrors = new CopyOnWriteArrayList<>();
    private TransportDriver nodeDriver;
    private TransportDriver clientDriver;
    private InMemoryBlockHandler handler;
    private BlockServer server;
    private BlockClient client;

    @BeforeEach
    void setUp()
    {
        nodeDriver = TransportDriver.launch(new TransportDriver.Context());
        clientDriver = TransportDriver.launch(new TransportDriver.Context());
        handler = new InMemoryBlockHandler("node-a", 64L * MIB);
        server = launchServer(TestPorts.nextEndpoint());
        client = newClient(new BlockClient.Context());
    }

    @AfterEach
    void tearDown()
    {
        final List<AutoCloseable> all = new ArrayList<>(closeables);
        Collections.reverse(all);
        CloseHelper.closeAll(all);
        CloseHelper.closeAll(client, server, clientDriver, nodeDriver);
        assertFalse(new File(nodeDriver.aeronDirectoryName()).exists(), nodeDriver.aeronDirectoryName());
        assertFalse(new File(clientDriver.aeronDirectoryName()).exists(), clientDriver.aeronDirectoryName());
    }

    @Test
    @Timeout(60)
    void shouldRoundTripBlocksOfManySizesByteForByte()
    {
        final int[] sizes = { 1, 3, 4096, 65_503, 65_505, MIB - 1, MIB, MIB + 1, 2 * MIB + 7, 9 * MIB + 12_345 };
        final Random random = new Random(42);
        final UnsafeBuffer dst = new UnsafeBuffer(ByteBuffer.allocateDirect(10 * MIB));

        long blockId = 100;
        for (final int size : sizes)
        {
            final byte[] bytes = randomBytes(random, size);
            client.put(server.endpoint(), blockId, new UnsafeBuffer(bytes), 0, size);

            final int length = client.get(server.endpoint(), blockId, dst, 0, dst.capacity());
            assertEquals(size, length, "length of block " + blockId);
            final byte[] readBack = new byte[length];
            dst.getBytes(0, readBack);
            assertArrayEquals(bytes, readBack, "bytes of block " + blockId + " (" + size + " bytes)");
            assertArrayEquals(bytes, handler.blocks.get(new InMemoryBlockHandler.Key(client.clientId(), blockId, 0)));
            blockId++;
        }

        assertEquals(0, server.errorCount());
        assertTrue(serverErrors.isEmpty(), serverErrors::toString);
    }

    @Test
    @Timeout(30)
    void shouldReadIntoOffsetOfHeapBufferAndReplaceBlockOnSecondPut()
    {
        final Random random = new Random(7);
        final byte[] first = randomBytes(random, 3 * MIB + 1);
        final byte[] second = randomBytes(random, 1234);
        client.put(server.endpoint(), 5, new UnsafeBuffer(first), 0, first.length);
        client.put(server.endpoint(), 5, new UnsafeBuffer(second), 0, second.length);

        final byte[] dstArray = new byte[100 + second.length];
        final int length = client.get(server.endpoint(), 5, new UnsafeBuffer(dstArray), 100, second.length);
        assertEquals(second.length, length);
        final byte[] readBack = new byte[length];
        System.arraycopy(dstArray, 100, readBack, 0, length);
        assertArrayEquals(second, readBack);
    }

    @Test
    @Timeout(30)
    void shouldReportNotFoundAfterFree()
    {
        final byte[] bytes = randomBytes(new Random(1), 2 * MIB + 3);
        client.put(server.endpoint(), 77, new UnsafeBuffer(bytes), 0, bytes.length);
        client.free(server.endpoint(), 77);

        final UnsafeBuffer dst = new UnsafeBuffer(new byte[bytes.length]);
        final RemoteErrorException ex = assertThrows(
            RemoteErrorException.class, () -> client.get(server.endpoint(), 77, dst, 0, dst.capacity()));
        assertEquals(ErrorCode.NOT_FOUND, ex.code());
        assertEquals("node-a", ex.nodeName());
        assertEquals(server.endpoint(), ex.nodeEndpoint());
        assertEquals(77, ex.blockId());
        assertTrue(ex.getMessage().contains("block 77"), ex.getMessage());
        assertTrue(ex.getMessage().contains(server.endpoint()), ex.getMessage());

        final RemoteErrorException secondFree =
            assertThrows(RemoteErrorException.class, () -> client.free(server.endpoint(), 77));
        assertEquals(ErrorCode.NOT_FOUND, secondFree.code());
    }

    @Test
    @Timeout(30)
    void shouldReportNoSpaceRefusedByHandler()
    {
        handler.refusePutsWith = ErrorCode.NO_SPACE;
        final byte[] bytes = randomBytes(new Random(2), MIB + 1);

        final RemoteErrorException ex = assertThrows(RemoteErrorException.class,
            () -> client.put(server.endpoint(), 9, new UnsafeBuffer(bytes), 0, bytes.length));
        assertEquals(ErrorCode.NO_SPACE, ex.code());
        assertTrue(ex.remoteMessage().contains("tier RAM is full"), ex.remoteMessage());
        assertTrue(handler.blocks.isEmpty());

        handler.refusePutsWith = null;
        client.put(server.endpoint(), 9, new UnsafeBuffer(bytes), 0, bytes.length);
        assertEquals(1, handler.blocks.size());
    }

    @Test
    @Timeout(30)
    void shouldAnswerInternalErrorWhenHandlerFailsAndKeepServing()
    {
        final byte[] bytes = randomBytes(new Random(3), 4096);
        client.put(server.endpoint(), 1, new UnsafeBuffer(bytes), 0, bytes.length);
        handler.failGetsWith = new IllegalStateException("disk on fire");

        final UnsafeBuffer dst = new UnsafeBuffer(new byte[4096]);
        final RemoteErrorException ex =
            assertThrows(RemoteErrorException.class, () -> client.get(server.endpoint(), 1, dst, 0, 4096));
        assertEquals(ErrorCode.INTERNAL, ex.code());
        assertTrue(ex.remoteMessage().contains("disk on fire"), ex.remoteMessage());
        assertEquals(1, server.errorCount());
        assertEquals(1, serverErrors.size());

        handler.failGetsWith = null;
        assertEquals(4096, client.get(server.endpoint(), 1, dst, 0, 4096));
        assertArrayEquals(bytes, dst.byteArray());
    }

    @Test
    @Timeout(30)
    void shouldRoundTripUsage()
    {
        final byte[] bytes = randomBytes(new Random(4), 1000);
        client.put(server.endpoint(), 1, new UnsafeBuffer(bytes), 0, bytes.length);
        client.put(server.endpoint(), 2, new UnsafeBuffer(bytes), 0, 500);

        final NodeUsage usage = client.usage(server.endpoint());
        assertEquals("node-a", usage.nodeName());
        assertEquals(2, usage.tiers().size());
        assertEquals(new TierUsage("RAM", 64L * MIB, 1500, 2), usage.tiers().get(0));
        assertEquals(new TierUsage("VSSD", 256L * MIB, 0, 0), usage.tier("VSSD"));
        assertEquals(1500, usage.usedBytes());
        assertEquals(320L * MIB, usage.capacityBytes());
        assertEquals(2, usage.blockCount());
    }

    @Test
    @Timeout(30)
    void shouldFailWithNodeUnreachableWhenNothingListens()
    {
        final BlockClient impatient = newClient(new BlockClient.Context()
            .connectTimeoutNs(TimeUnit.MILLISECONDS.toNanos(300))
            .requestTimeoutNs(TimeUnit.MILLISECONDS.toNanos(500)));
        final String nowhere = TestPorts.nextEndpoint();
        final byte[] bytes = new byte[10];

        final long startNs = System.nanoTime();
        final NodeUnreachableException ex = assertThrows(NodeUnreachableException.class,
            () -> impatient.put(nowhere, 3, new UnsafeBuffer(bytes), 0, bytes.length));
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

        assertTrue(elapsedMs >= 290 && elapsedMs < 3000, "took " + elapsedMs + " ms");
        assertTrue(ex.getMessage().contains("node " + nowhere + " is not reachable"), ex.getMessage());
        assertTrue(ex.getMessage().contains("is the node daemon running"), ex.getMessage());
        assertTrue(ex.getMessage().contains("block 3"), ex.getMessage());
        assertEquals(nowhere, ex.nodeEndpoint());
    }

    @Test
    @Timeout(30)
    void shouldTimeOutBoundedWhenServerIsClosed()
    {
        final BlockClient impatient = newClient(new BlockClient.Context()
            .connectTimeoutNs(TimeUnit.MILLISECONDS.toNanos(300))
            .requestTimeoutNs(TimeUnit.MILLISECONDS.toNanos(500)));
        final byte[] bytes = randomBytes(new Random(5), 100);
        impatient.put(server.endpoint(), 4, new UnsafeBuffer(bytes), 0, bytes.length);
        server.close();

        final UnsafeBuffer dst = new UnsafeBuffer(new byte[100]);
        final long startNs = System.nanoTime();
        final TransportException ex = assertThrows(
            TransportException.class, () -> impatient.get(server.endpoint(), 4, dst, 0, 100));
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

        assertTrue(ex instanceof RequestTimeoutException || ex instanceof NodeUnreachableException, ex.toString());
        assertTrue(elapsedMs < 3000, "took " + elapsedMs + " ms");
        assertTrue(ex.getMessage().contains(server.endpoint()), ex.getMessage());
        assertTrue(ex.getMessage().contains("block 4"), ex.getMessage());
    }

    @Test
    @Timeout(30)
    void shouldDropLateResponseOfTimedOutRequestAndServeTheNextOne()
    {
        final BlockClient impatient = newClient(new BlockClient.Context()
            .requestTimeoutNs(TimeUnit.MILLISECONDS.toNanos(200)));
        final byte[] bytes = randomBytes(new Random(6), 3 * MIB);
        impatient.put(server.endpoint(), 8, new UnsafeBuffer(bytes), 0, bytes.length);

        handler.getDelayMs = 600;
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[bytes.length]);
        final RequestTimeoutException ex = assertThrows(
            RequestTimeoutException.class, () -> impatient.get(server.endpoint(), 8, dst, 0, dst.capacity()));
        assertEquals("get", ex.operation());
        assertTrue(ex.getMessage().contains("block 8"), ex.getMessage());

        handler.getDelayMs = 0;
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true)
        {
            try
            {
                dst.setMemory(0, dst.capacity(), (byte)0);
                assertEquals(bytes.length, impatient.get(server.endpoint(), 8, dst, 0, dst.capacity()));
                break;
            }
            catch (final RequestTimeoutException retry)
            {
                assertTrue(System.nanoTime() < deadlineNs, "never recovered: " + retry);
            }
        }
        assertArrayEquals(bytes, dst.byteArray());
        assertTrue(impatient.staleResponseCount() > 0, "late chunks of the abandoned get were not dropped");
    }

    @Test
    @Timeout(30)
    void shouldGiveLargeBlocksTimeToTravelPerMebibyte()
    {
        final byte[] bytes = randomBytes(new Random(16), 9 * MIB);
        final BlockClient withoutAllowance = newClient(new BlockClient.Context()
            .requestTimeoutNs(TimeUnit.MICROSECONDS.toNanos(1))
            .transferAllowanceNsPerMiB(0));
        // Without the allowance the put expires: usually the client gives up first (1 µs), but where sending the
        // 9 MiB took long enough for the node's answer to be waiting already, the node's DEADLINE_EXPIRED comes first.
        final TransportException ex = assertThrows(TransportException.class,
            () -> withoutAllowance.put(server.endpoint(), 20, new UnsafeBuffer(bytes), 0, bytes.length));
        if (ex instanceof RemoteErrorException remote)
        {
            assertEquals(ErrorCode.DEADLINE_EXPIRED, remote.code(), remote::getMessage);
        }
        else
        {
            assertEquals(1000, assertInstanceOf(RequestTimeoutException.class, ex).timeoutNs());
        }

        final BlockClient withAllowance = newClient(new BlockClient.Context()
            .requestTimeoutNs(TimeUnit.MICROSECONDS.toNanos(1))
            .transferAllowanceNsPerMiB(TimeUnit.MILLISECONDS.toNanos(500)));
        withAllowance.put(server.endpoint(), 21, new UnsafeBuffer(bytes), 0, bytes.length);
        assertArrayEquals(bytes, handler.blocks.get(new InMemoryBlockHandler.Key(withAllowance.clientId(), 21, 0)));
    }

    @Test
    @Timeout(30)
    void shouldStopWaitingWhenInterrupted()
    {
        client.usage(server.endpoint());
        Thread.currentThread().interrupt();
        try
        {
            final TransportException ex = assertThrows(TransportException.class, () -> client.free(server.endpoint(), 3));
            assertTrue(ex.getMessage().contains("interrupted"), ex.getMessage());
        }
        finally
        {
            assertTrue(Thread.interrupted());
        }
        assertEquals("node-a", client.usage(server.endpoint()).nodeName());
    }

    @Test
    @Timeout(30)
    void shouldDetectBlockDamagedOnTheWayFromNode() throws Exception
    {
        final byte[] bytes = randomBytes(new Random(17), 5000);
        final CRC32C crc = new CRC32C();
        crc.update(bytes);
        final String endpoint = TestPorts.nextEndpoint();
        final FakeNode fakeNode = new FakeNode(nodeDriver.aeron(), endpoint, bytes, (int)crc.getValue() + 1);
        closeables.add(fakeNode);

        final UnsafeBuffer dst = new UnsafeBuffer(new byte[bytes.length]);
        final TransferChecksumException ex = assertThrows(
            TransferChecksumException.class, () -> client.get(endpoint, 31, dst, 0, dst.capacity()));
        assertEquals((int)crc.getValue(), ex.actualCrc32c());
        assertEquals((int)crc.getValue() + 1, ex.expectedCrc32c());
        assertFalse(ex.isStoredCopyDamaged(), "damaged on the way");
        assertTrue(ex.getMessage().contains("block 31"), ex.getMessage());
        assertTrue(ex.getMessage().contains(endpoint), ex.getMessage());
    }

    @Test
    @Timeout(30)
    void shouldCheckAGetAgainstTheChecksumTheBlockWasWrittenWith() throws Exception
    {
        // the node sends its copy intact (its checksum matches), but the copy is not the block that was written
        final byte[] bytes = randomBytes(new Random(19), 5000);
        final CRC32C crc = new CRC32C();
        crc.update(bytes);
        final int sent = (int)crc.getValue();
        final String endpoint = TestPorts.nextEndpoint();
        final FakeNode fakeNode = new FakeNode(nodeDriver.aeron(), endpoint, bytes, sent);
        closeables.add(fakeNode);

        final UnsafeBuffer dst = new UnsafeBuffer(new byte[bytes.length]);
        assertEquals(bytes.length, client.get(endpoint, 32, 0, dst, 0, dst.capacity(), sent));
        assertArrayEquals(bytes, dst.byteArray());

        final TransferChecksumException ex = assertThrows(TransferChecksumException.class,
            () -> client.get(endpoint, 33, 0, dst, 0, dst.capacity(), sent ^ 0x5A5A));
        assertTrue(ex.isStoredCopyDamaged(), ex.getMessage());
        assertEquals(sent ^ 0x5A5A, ex.expectedCrc32c());
        assertEquals(sent, ex.actualCrc32c());
        assertTrue(ex.getMessage().contains("block 33") && ex.getMessage().contains("another replica"),
            ex.getMessage());
    }

    @Test
    @Timeout(30)
    void shouldRefuseGetIntoTooSmallBuffer()
    {
        final byte[] bytes = randomBytes(new Random(8), 5000);
        client.put(server.endpoint(), 6, new UnsafeBuffer(bytes), 0, bytes.length);

        final UnsafeBuffer dst = new UnsafeBuffer(new byte[4999]);
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> client.get(server.endpoint(), 6, dst, 0, dst.capacity()));
        assertTrue(ex.getMessage().contains("5000"), ex.getMessage());

        final UnsafeBuffer bigEnough = new UnsafeBuffer(new byte[5000]);
        assertEquals(5000, client.get(server.endpoint(), 6, bigEnough, 0, 5000));
        assertArrayEquals(bytes, bigEnough.byteArray());
    }

    @Test
    @Timeout(60)
    void shouldInterleaveChunkedPutsOfTwoClients() throws Exception
    {
        final BlockClient other = newClient(new BlockClient.Context());
        final ExecutorService executor = Executors.newFixedThreadPool(2);
        try
        {
            final List<Future<List<byte[]>>> results = new ArrayList<>();
            for (final BlockClient each : List.of(client, other))
            {
                results.add(executor.submit(() ->
                {
                    final Random random = new Random(each.clientId());
                    final List<byte[]> written = new ArrayList<>();
                    for (int i = 0; i < 6; i++)
                    {
                        final byte[] bytes = randomBytes(random, 3 * MIB + random.nextInt(MIB));
                        each.put(server.endpoint(), i, new UnsafeBuffer(bytes), 0, bytes.length);
                        written.add(bytes);
                    }
                    return written;
                }));
            }

            final List<byte[]> fromClient = results.get(0).get(30, TimeUnit.SECONDS);
            final List<byte[]> fromOther = results.get(1).get(30, TimeUnit.SECONDS);
            final UnsafeBuffer dst = new UnsafeBuffer(new byte[4 * MIB]);
            for (int i = 0; i < 6; i++)
            {
                assertBlock(client, i, fromClient.get(i), dst);
                assertBlock(other, i, fromOther.get(i), dst);
            }
            assertEquals(12, handler.blocks.size());
        }
        finally
        {
            executor.shutdownNow();
            assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(30)
    void shouldSurviveMalformedMessagesAndKeepServingClients()
    {
        final RawPeer raw = new RawPeer(clientDriver.aeron(), server.endpoint(), TestPorts.nextEndpoint());
        closeables.add(raw);
        final Random random = new Random(11);

        raw.send(new byte[1]);
        raw.send(new byte[7]);
        for (int i = 0; i < 50; i++)
        {
            raw.send(randomBytes(random, 1 + random.nextInt(3000)));
        }

        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        header.wrap(buffer, 0).blockLength(8).templateId(99).schemaId(7701).version(0);
        raw.send(buffer, 0, 64);
        header.wrap(buffer, 0).blockLength(200).templateId(1).schemaId(7701).version(0);
        raw.send(buffer, 0, 40);

        final PutRequestEncoder put = new PutRequestEncoder();
        put.wrapAndApplyHeader(buffer, 0, header)
            .correlationId(555)
            .clientId(1)
            .blockId(2)
            .deadlineEpochNs(System.currentTimeMillis() * 1_000_000L + TimeUnit.SECONDS.toNanos(5))
            .totalLength(100)
            .chunkOffset(0)
            .crc32c(0)
            .responseStreamId(raw.responseStreamId)
            .responseChannel(raw.responseChannel);
        buffer.putInt(put.limit(), 1_000_000);
        raw.send(buffer, 0, put.limit() + 4 + 10);
        assertEquals(ErrorCode.BAD_REQUEST, raw.awaitError(555));

        put.wrapAndApplyHeader(buffer, 0, header)
            .correlationId(556)
            .clientId(1)
            .blockId(2)
            .deadlineEpochNs(System.currentTimeMillis() * 1_000_000L + TimeUnit.SECONDS.toNanos(5))
            .totalLength(Integer.MAX_VALUE)
            .chunkOffset(0)
            .crc32c(0)
            .responseStreamId(raw.responseStreamId)
            .responseChannel(raw.responseChannel)
            .putData(new byte[16], 0, 16);
        raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + put.encodedLength());
        assertEquals(ErrorCode.BAD_REQUEST, raw.awaitError(556));

        final byte[] bytes = randomBytes(random, 2 * MIB + 5);
        client.put(server.endpoint(), 12, new UnsafeBuffer(bytes), 0, bytes.length);
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[bytes.length]);
        assertEquals(bytes.length, client.get(server.endpoint(), 12, dst, 0, dst.capacity()));
        assertArrayEquals(bytes, dst.byteArray());
        assertTrue(server.malformedCount() >= 50, "malformed count " + server.malformedCount());
    }

    @Test
    @Timeout(30)
    void shouldAnswerChecksumMismatchForDamagedPut()
    {
        final RawPeer raw = new RawPeer(clientDriver.aeron(), server.endpoint(), TestPorts.nextEndpoint());
        closeables.add(raw);
        final byte[] data = randomBytes(new Random(12), 300);
        final CRC32C crc = new CRC32C();
        crc.update(data);

        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
        final PutRequestEncoder put = new PutRequestEncoder();
        put.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .correlationId(700)
            .clientId(1)
            .blockId(70)
            .deadlineEpochNs(System.currentTimeMillis() * 1_000_000L + TimeUnit.SECONDS.toNanos(5))
            .totalLength(data.length)
            .chunkOffset(0)
            .crc32c((int)crc.getValue() ^ 1)
            .responseStreamId(raw.responseStreamId)
            .responseChannel(raw.responseChannel)
            .putData(data, 0, data.length);
        raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + put.encodedLength());

        assertEquals(ErrorCode.CHECKSUM_MISMATCH, raw.awaitError(700));
        assertTrue(handler.blocks.isEmpty());
    }

    @Test
    @Timeout(30)
    void shouldAnswerDeadlineExpiredForLateRequest()
    {
        final RawPeer raw = new RawPeer(clientDriver.aeron(), server.endpoint(), TestPorts.nextEndpoint());
        closeables.add(raw);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
        final GetRequestEncoder get = new GetRequestEncoder();
        get.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .correlationId(800)
            .clientId(1)
            .blockId(80)
            .deadlineEpochNs(System.currentTimeMillis() * 1_000_000L - TimeUnit.SECONDS.toNanos(1))
            .responseStreamId(raw.responseStreamId)
            .responseChannel(raw.responseChannel);
        raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + get.encodedLength());

        assertEquals(ErrorCode.DEADLINE_EXPIRED, raw.awaitError(800));
    }

    @Test
    @Timeout(30)
    void shouldDropIncompletePutAfterItsDeadline() throws InterruptedException
    {
        final RawPeer raw = new RawPeer(clientDriver.aeron(), server.endpoint(), TestPorts.nextEndpoint());
        closeables.add(raw);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
        final PutRequestEncoder put = new PutRequestEncoder();
        put.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .correlationId(900)
            .clientId(1)
            .blockId(90)
            .deadlineEpochNs(System.currentTimeMillis() * 1_000_000L + TimeUnit.MILLISECONDS.toNanos(300))
            .totalLength(2000)
            .chunkOffset(0)
            .crc32c(0)
            .responseStreamId(raw.responseStreamId)
            .responseChannel(raw.responseChannel)
            .putData(new byte[1000], 0, 1000);
        raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + put.encodedLength());

        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.expiredReassemblyCount() < 1)
        {
            assertTrue(System.nanoTime() < deadlineNs, "incomplete put was never dropped");
            Thread.sleep(20);
        }
        assertTrue(handler.blocks.isEmpty());
    }

    @Test
    @Timeout(30)
    void shouldUseSmallChunksWhenConfigured()
    {
        server.close();
        final BlockServer smallChunkServer = BlockServer.launch(new BlockServer.Context()
            .aeron(nodeDriver.aeron())
            .endpoint("127.0.0.1:0")
            .nodeName("node-small")
            .chunkLength(16 * 1024)
            .handler(handler));
        closeables.add(smallChunkServer);
        final BlockClient smallChunkClient = newClient(new BlockClient.Context().chunkLength(8 * 1024));
        assertTrue(Endpoints.port(smallChunkServer.endpoint()) > 0, smallChunkServer.endpoint());

        final byte[] bytes = randomBytes(new Random(13), MIB + 1);
        final long requestsBefore = smallChunkServer.requestCount();
        smallChunkClient.put(smallChunkServer.endpoint(), 1, new UnsafeBuffer(bytes), 0, bytes.length);
        assertEquals(129, smallChunkServer.requestCount() - requestsBefore);

        final UnsafeBuffer dst = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes.length));
        assertEquals(bytes.length, smallChunkClient.get(smallChunkServer.endpoint(), 1, dst, 0, bytes.length));
        final byte[] readBack = new byte[bytes.length];
        dst.getBytes(0, readBack);
        assertArrayEquals(bytes, readBack);
    }

    @Test
    @Timeout(60)
    void shouldReportThroughputOfOneMebibytePutAndGetAndLatencyOfSmallGets()
    {
        final byte[] bytes = randomBytes(new Random(14), MIB);
        final UnsafeBuffer src = new UnsafeBuffer(ByteBuffer.allocateDirect(MIB));
        src.putBytes(0, bytes);
        final UnsafeBuffer dst = new UnsafeBuffer(ByteBuffer.allocateDirect(MIB));

        for (int i = 0; i < 50; i++)
        {
            client.put(server.endpoint(), i % 8, src, 0, MIB);
            client.get(server.endpoint(), i % 8, dst, 0, MIB);
        }

        final int iterations = 200;
        final long startNs = System.nanoTime();
        for (int i = 0; i < iterations; i++)
        {
            client.put(server.endpoint(), i % 8, src, 0, MIB);
            client.get(server.endpoint(), i % 8, dst, 0, MIB);
        }
        final long elapsedNs = System.nanoTime() - startNs;

        final double seconds = elapsedNs / 1e9;
        LOG.info("1 MiB put+get over UDP loopback: {} round trips in {} ms: put+get {} MiB/s, {} us per put+get",
            iterations, TimeUnit.NANOSECONDS.toMillis(elapsedNs), String.format("%.0f", 2 * iterations / seconds),
            String.format("%.0f", elapsedNs / 1e3 / iterations));

        final byte[] readBack = new byte[MIB];
        dst.getBytes(0, readBack);
        assertArrayEquals(bytes, readBack);

        client.put(server.endpoint(), 100, src, 0, 4096);
        final long[] latenciesNs = new long[2000];
        for (int i = 0; i < latenciesNs.length; i++)
        {
            final long getStartNs = System.nanoTime();
            client.get(server.endpoint(), 100, dst, 0, 4096);
            latenciesNs[i] = System.nanoTime() - getStartNs;
        }
        Arrays.sort(latenciesNs);
        LOG.info("4 KiB get over UDP loopback: p50 {} us, p99 {} us",
            latenciesNs[latenciesNs.length / 2] / 1000, latenciesNs[latenciesNs.length * 99 / 100] / 1000);
    }

    @Test
    @Timeout(30)
    void shouldRejectCallsAfterClose()
    {
        client.close();
        client.close();
        final IllegalStateException ex = assertThrows(
            IllegalStateException.class, () -> client.usage(server.endpoint()));
        assertTrue(ex.getMessage().contains("closed"), ex.getMessage());
    }

    @Test
    @Timeout(30)
    void shouldReconnectAfterDisconnect()
    {
        final byte[] bytes = randomBytes(new Random(15), 10);
        client.put(server.endpoint(), 1, new UnsafeBuffer(bytes), 0, bytes.length);
        client.disconnect(server.endpoint());
        client.disconnect(server.endpoint());
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[10]);
        assertEquals(10, client.get(server.endpoint(), 1, dst, 0, 10));
        assertArrayEquals(bytes, dst.byteArray());
    }

    @Test
    @Timeout(30)
    void shouldRejectInvalidArguments()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[10]);
        assertThrows(IllegalArgumentException.class, () -> client.put(server.endpoint(), 1, buffer, 0, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> client.put(server.endpoint(), 1, buffer, 5, 6));
        assertThrows(IndexOutOfBoundsException.class, () -> client.get(server.endpoint(), 1, buffer, 5, 6));
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> client.put("no-port-here", 1, buffer, 0, 10));
        assertTrue(ex.getMessage().contains("no-port-here"), ex.getMessage());
    }

    private BlockServer launchServer(final String endpoint)
    {
        return BlockServer.launch(new BlockServer.Context()
            .aeron(nodeDriver.aeron())
            .endpoint(endpoint)
            .nodeName("node-a")
            .errorHandler(serverErrors::add)
            .handler(handler));
    }

    private BlockClient newClient(final BlockClient.Context ctx)
    {
        final BlockClient newClient = BlockClient.connect(ctx
            .aeron(clientDriver.aeron())
            .responseEndpoint(TestPorts.nextEndpoint()));
        closeables.add(newClient);
        assertNotNull(newClient.responseEndpoint());
        return newClient;
    }

    private void assertBlock(
        final BlockClient owner, final long blockId, final byte[] expected, final UnsafeBuffer dst)
    {
        final int length = owner.get(server.endpoint(), blockId, dst, 0, dst.capacity());
        assertEquals(expected.length, length);
        final byte[] readBack = new byte[length];
        dst.getBytes(0, readBack);
        assertArrayEquals(expected, readBack, "block " + blockId + " of client " + owner.clientId());
    }

    private static byte[] randomBytes(final Random random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
