/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.transport.codecs.MessageHeaderEncoder;
import io.tierpool.transport.codecs.PutRequestEncoder;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link BlockClient}'s asynchronous core against real {@link BlockServer}s on real embedded drivers (one per
 * side) over UDP loopback: many requests in flight, the window, copies told apart by generation, batch puts, BUSY
 * back-off and asynchronous frees. Ports 52000-52099.
 */
class BlockClientAsyncTest
{
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final int FIRST_PORT = 52000;
    private static final long WAIT_CAP_NS = TimeUnit.SECONDS.toNanos(20);

    private static int nextPort = FIRST_PORT;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<Throwable> serverErrors = new CopyOnWriteArrayList<>();
    private final Random random = new Random(12);
    private TransportDriver nodeDriver;
    private TransportDriver clientDriver;

    @BeforeEach
    void setUp()
    {
        nodeDriver = TransportDriver.launch(new TransportDriver.Context());
        clientDriver = TransportDriver.launch(new TransportDriver.Context());
    }

    @AfterEach
    void tearDown()
    {
        final List<AutoCloseable> all = new ArrayList<>(closeables);
        Collections.reverse(all);
        CloseHelper.closeAll(all);
        CloseHelper.closeAll(clientDriver, nodeDriver);
        assertFalse(new File(nodeDriver.aeronDirectoryName()).exists(), nodeDriver.aeronDirectoryName());
        assertFalse(new File(clientDriver.aeronDirectoryName()).exists(), clientDriver.aeronDirectoryName());
        assertTrue(serverErrors.isEmpty(), serverErrors::toString);
    }

    @Test
    @Timeout(60)
    void shouldKeep64GetsInFlightFromOneClientAndReturnEveryByte()
    {
        final AtomicReference<BlockClient> gate = new AtomicReference<>();
        final GatedHandler handler = new GatedHandler("node-a");
        final BlockServer server = launchServer("node-a", handler, new BlockServer.Context());
        final BlockClient client = newClient(new BlockClient.Context().maxRequestsInFlight(64));

        final int count = 64;
        final byte[][] blocks = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            blocks[i] = randomBytes(16 * KIB + i);
            client.put(server.endpoint(), 1000 + i, new UnsafeBuffer(blocks[i]), 0, blocks[i].length);
        }

        // the node answers no get until all 64 are in flight: only a client with 64 outstanding gets gets through
        gate.set(client);
        final boolean[] opened = new boolean[1];
        handler.beforeGet = () ->
        {
            if (!opened[0])
            {
                awaitCondition(() -> gate.get().inFlightRequests(server.endpoint()) >= count, "64 gets in flight");
                opened[0] = true;
            }
        };

        final UnsafeBuffer[] dsts = new UnsafeBuffer[count];
        final List<BlockRequest> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            dsts[i] = new UnsafeBuffer(ByteBuffer.allocateDirect(32 * KIB));
            requests.add(client.sendGet(server.endpoint(), 1000 + i, 0, dsts[i], 0, dsts[i].capacity()));
        }
        for (int i = 0; i < count; i++)
        {
            requests.get(i).await();
            assertEquals(blocks[i].length, requests.get(i).blockLength());
            assertBytes(blocks[i], dsts[i], "block " + (1000 + i));
        }

        assertEquals(count, client.peakInFlightRequests(server.endpoint()));
        assertEquals(0, client.inFlightRequests(server.endpoint()));
    }

    @Test
    @Timeout(60)
    void shouldHoldRequestsAndBytesInFlightWithinTheWindow()
    {
        final GatedHandler handler = new GatedHandler("node-a");
        final BlockServer server = launchServer("node-a", handler, new BlockServer.Context());
        final int blockLength = 64 * KIB;
        final BlockClient client = newClient(new BlockClient.Context()
            .maxRequestsInFlight(8)
            .maxBytesInFlight(5 * blockLength));

        final int count = 64;
        final byte[][] blocks = new byte[count][];
        final List<BlockRequest> puts = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            blocks[i] = randomBytes(blockLength);
            puts.add(client.sendPut(server.endpoint(), 2000 + i, 0, new UnsafeBuffer(blocks[i]), 0, blockLength));
        }
        for (final BlockRequest put : puts)
        {
            put.await();
        }

        final List<BlockRequest> gets = new ArrayList<>(count);
        final UnsafeBuffer[] dsts = new UnsafeBuffer[count];
        for (int i = 0; i < count; i++)
        {
            dsts[i] = new UnsafeBuffer(new byte[blockLength]);
            gets.add(client.sendGet(server.endpoint(), 2000 + i, 0, dsts[i], 0, blockLength));
        }
        for (int i = 0; i < count; i++)
        {
            gets.get(i).await();
            assertBytes(blocks[i], dsts[i], "block " + (2000 + i));
        }

        assertTrue(client.peakInFlightRequests(server.endpoint()) <= 8,
            "peak requests " + client.peakInFlightRequests(server.endpoint()));
        assertTrue(client.peakInFlightBytes(server.endpoint()) <= 5L * blockLength,
            "peak bytes " + client.peakInFlightBytes(server.endpoint()));
        assertEquals(0, client.inFlightRequests(server.endpoint()));
    }

    @Test
    @Timeout(60)
    void shouldHaveReplicaPutsToTwoNodesInFlightAtOnce()
    {
        final GatedHandler handlerA = new GatedHandler("node-a");
        final GatedHandler handlerB = new GatedHandler("node-b");
        final BlockServer serverA = launchServer("node-a", handlerA, new BlockServer.Context());
        final BlockServer serverB = launchServer("node-b", handlerB, new BlockServer.Context());
        final BlockClient client = newClient(new BlockClient.Context());
        client.usage(serverA.endpoint());
        client.usage(serverB.endpoint());

        // node A stores its copy only once the put to node B is in flight too: a client that waited for A's
        // answer before sending to B would never get there
        handlerA.beforePut = () -> awaitCondition(
            () -> client.peakInFlightRequests(serverB.endpoint()) >= 1, "the put to node B in flight");
        final byte[] bytes = randomBytes(300 * KIB);
        final UnsafeBuffer src = new UnsafeBuffer(bytes);
        final BlockRequest toA = client.sendPut(serverA.endpoint(), 77, 5, src, 0, bytes.length);
        final BlockRequest toB = client.sendPut(serverB.endpoint(), 77, 5, src, 0, bytes.length);
        toA.await();
        toB.await();

        assertArrayEquals(bytes, handlerA.blocks.get(new InMemoryBlockHandler.Key(client.clientId(), 77, 5)));
        assertArrayEquals(bytes, handlerB.blocks.get(new InMemoryBlockHandler.Key(client.clientId(), 77, 5)));
    }

    @Test
    @Timeout(60)
    void shouldStoreBatchInFewMessagesAndReadItBackBlockByBlock()
    {
        final GatedHandler handler = new GatedHandler("node-a");
        final BlockServer server = launchServer("node-a", handler, new BlockServer.Context());
        final BlockClient client = newClient(new BlockClient.Context());
        client.usage(server.endpoint());

        final int count = 256;
        final int blockLength = 4 * KIB;
        final int stride = blockLength + 64;
        final UnsafeBuffer src = new UnsafeBuffer(ByteBuffer.allocateDirect(count * stride));
        final long[] blockIds = new long[count];
        final long[] generations = new long[count];
        final int[] offsets = new int[count];
        final int[] lengths = new int[count];
        final int[] crc32cs = new int[count];
        final byte[][] blocks = new byte[count][];
        for (int k = 0; k < count; k++)
        {
            blocks[k] = randomBytes(blockLength - (k % 7));
            blockIds[k] = 5000 + k;
            generations[k] = 40 + k;
            offsets[k] = k * stride;
            lengths[k] = blocks[k].length;
            src.putBytes(offsets[k], blocks[k]);
            crc32cs[k] = crc32c(blocks[k]);
        }
        crc32cs[17] ^= 1;

        final TransportException[] outcomes = new TransportException[count];
        final long requestsBefore = server.requestCount();
        final List<BlockRequest> messages = client.sendPutBatch(
            server.endpoint(), count, blockIds, generations, src, offsets, lengths, crc32cs, outcomes);
        final int stored = client.awaitPutBatch(messages, outcomes);

        assertTrue(messages.size() <= 2, "a 1 MiB batch of 256 blocks went as " + messages.size() + " messages");
        awaitCondition(() -> server.requestCount() >= requestsBefore + messages.size(), "batch counted");
        assertEquals(requestsBefore + messages.size(), server.requestCount());
        assertEquals(count - 1, stored);
        final RemoteErrorException refused = assertInstanceOf(RemoteErrorException.class, outcomes[17]);
        assertEquals(ErrorCode.CHECKSUM_MISMATCH, refused.code());
        assertTrue(refused.getMessage().contains("block 5017"), refused.getMessage());

        final UnsafeBuffer dst = new UnsafeBuffer(new byte[blockLength]);
        for (int k = 0; k < count; k++)
        {
            if (17 == k)
            {
                final int key = k;
                final RemoteErrorException notFound = assertThrows(RemoteErrorException.class,
                    () -> client.get(server.endpoint(), blockIds[key], generations[key], dst, 0, blockLength));
                assertEquals(ErrorCode.NOT_FOUND, notFound.code());
                continue;
            }
            assertNull(outcomes[k]);
            assertEquals(blocks[k].length, client.get(server.endpoint(), blockIds[k], generations[k], dst, 0,
                blockLength));
            final byte[] readBack = new byte[blocks[k].length];
            dst.getBytes(0, readBack);
            assertArrayEquals(blocks[k], readBack, "block " + blockIds[k]);
        }
    }

    @Test
    @Timeout(60)
    void shouldKeepTwoCopiesOfOneBlockApartByGenerationAndFreeThemIndependently()
    {
        final GatedHandler handler = new GatedHandler("node-a");
        final BlockServer server = launchServer("node-a", handler, new BlockServer.Context());
        final BlockClient client = newClient(new BlockClient.Context());
        final byte[] older = randomBytes(3 * MIB + 5);
        final byte[] newer = randomBytes(70 * KIB);
        final UnsafeBuffer dst = new UnsafeBuffer(ByteBuffer.allocateDirect(4 * MIB));

        client.put(server.endpoint(), 9, 1, new UnsafeBuffer(older), 0, older.length);
        client.put(server.endpoint(), 9, 2, new UnsafeBuffer(newer), 0, newer.length);
        assertEquals(older.length, client.get(server.endpoint(), 9, 1, dst, 0, dst.capacity()));
        assertBytes(older, dst, "generation 1");
        assertEquals(newer.length, client.get(server.endpoint(), 9, 2, dst, 0, dst.capacity()));
        assertBytes(newer, dst, "generation 2");

        client.free(server.endpoint(), 9, 1);
        final RemoteErrorException gone = assertThrows(
            RemoteErrorException.class, () -> client.get(server.endpoint(), 9, 1, dst, 0, dst.capacity()));
        assertEquals(ErrorCode.NOT_FOUND, gone.code());
        assertTrue(gone.getMessage().contains("block 9"), gone.getMessage());
        assertEquals(newer.length, client.get(server.endpoint(), 9, 2, dst, 0, dst.capacity()));
        assertBytes(newer, dst, "generation 2 after generation 1 was freed");

        client.free(server.endpoint(), 9, 2);
        assertTrue(handler.blocks.isEmpty(), handler.blocks.keySet()::toString);
    }

    @Test
    @Timeout(60)
    void shouldBackOffABusyPutWithoutDelayingOtherRequests()
    {
        final GatedHandler handler = new GatedHandler("node-a");
        final BlockServer server = launchServer("node-a", handler, new BlockServer.Context()
            .maxPutReassemblies(1)
            .putStallTimeoutNs(TimeUnit.MILLISECONDS.toNanos(500)));
        final BlockClient client = newClient(new BlockClient.Context().chunkLength(64 * KIB));
        final byte[] small = randomBytes(10 * KIB);
        client.put(server.endpoint(), 1, new UnsafeBuffer(small), 0, small.length);

        // a raw peer takes the node's only reassembly slot with a put it never finishes
        try (RawPeer raw = new RawPeer(clientDriver.aeron(), server.endpoint(), "127.0.0.1:" + nextPort++))
        {
            sendFirstChunk(raw, 3 * MIB, 16 * KIB);
            awaitCondition(() -> 1 == server.putReassemblyCount(), "the raw put holding the slot");

            final byte[] large = randomBytes(256 * KIB);
            final BlockRequest busyPut = client.sendPut(server.endpoint(), 2, 0, new UnsafeBuffer(large), 0,
                large.length);
            awaitCondition(() -> client.busyRetryCount() > 0 || busyPut.isDone(), "a BUSY answer");
            assertFalse(busyPut.isDone(), () -> "the put should back off, not finish: " + busyPut.failure());

            // while that put backs off, a get and a one-message put of other blocks go straight through
            final UnsafeBuffer dst = new UnsafeBuffer(new byte[small.length]);
            assertEquals(small.length, client.get(server.endpoint(), 1, dst, 0, small.length));
            assertBytes(small, dst, "block 1");
            client.put(server.endpoint(), 3, new UnsafeBuffer(small), 0, small.length);
            assertFalse(busyPut.isDone(), "the BUSY put waits for its own back-off and its own waiter");

            busyPut.await();
            assertArrayEquals(large, handler.blocks.get(new InMemoryBlockHandler.Key(client.clientId(), 2, 0)));
            assertArrayEquals(small, handler.blocks.get(new InMemoryBlockHandler.Key(client.clientId(), 3, 0)));
        }
    }

    @Test
    @Timeout(60)
    void shouldTellTheListenerOfAnAsynchronousFreeOnceWithItsOutcome()
    {
        final GatedHandler handler = new GatedHandler("node-a");
        final BlockServer server = launchServer("node-a", handler, new BlockServer.Context());
        final BlockClient client = newClient(new BlockClient.Context());
        final byte[] bytes = randomBytes(KIB);
        client.put(server.endpoint(), 4, 8, new UnsafeBuffer(bytes), 0, bytes.length);

        final List<BlockRequest> told = new CopyOnWriteArrayList<>();
        final BlockRequest freed = client.sendFree(server.endpoint(), 4, 8, told::add);
        final BlockRequest missing = client.sendFree(server.endpoint(), 4, 9, told::add);
        awaitCondition(() -> 2 == told.size(), "both frees told");
        assertTrue(freed.isDone());
        assertNull(freed.failure());
        final RemoteErrorException notFound = assertInstanceOf(RemoteErrorException.class, missing.failure());
        assertEquals(ErrorCode.NOT_FOUND, notFound.code());
        assertTrue(handler.blocks.isEmpty());
        assertEquals(2, told.size());
    }

    private void sendFirstChunk(final RawPeer raw, final int totalLength, final int chunkLength)
    {
        final byte[] channel = raw.responseChannel.getBytes(StandardCharsets.US_ASCII);
        final byte[] data = randomBytes(chunkLength);
        final ExpandableArrayBuffer message = new ExpandableArrayBuffer(chunkLength + 4 * KIB);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + new PutRequestEncoder()
            .wrapAndApplyHeader(message, 0, new MessageHeaderEncoder())
            .correlationId(1)
            .clientId(4242)
            .blockId(99)
            .deadlineEpochNs(System.currentTimeMillis() * 1_000_000L + TimeUnit.SECONDS.toNanos(60))
            .totalLength(totalLength)
            .chunkOffset(0)
            .crc32c(0)
            .responseStreamId(raw.responseStreamId)
            .generation(0)
            .putResponseChannel(channel, 0, channel.length)
            .putData(data, 0, data.length)
            .encodedLength();
        raw.send(message, 0, length);
    }

    private BlockServer launchServer(final String nodeName, final GatedHandler handler, final BlockServer.Context ctx)
    {
        final BlockServer server = BlockServer.launch(ctx
            .aeron(nodeDriver.aeron())
            .endpoint("127.0.0.1:" + nextPort++)
            .nodeName(nodeName)
            .errorHandler(serverErrors::add)
            .handler(handler));
        closeables.add(server);
        return server;
    }

    private BlockClient newClient(final BlockClient.Context ctx)
    {
        final BlockClient client = BlockClient.connect(ctx
            .aeron(clientDriver.aeron())
            .responseEndpoint("127.0.0.1:" + nextPort++));
        closeables.add(client);
        assertNotNull(client.responseEndpoint());
        return client;
    }

    private byte[] randomBytes(final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static int crc32c(final byte[] bytes)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int)crc.getValue();
    }

    private static void assertBytes(final byte[] expected, final DirectBuffer actual, final String what)
    {
        final byte[] readBack = new byte[expected.length];
        actual.getBytes(0, readBack);
        assertArrayEquals(expected, readBack, what);
    }

    private static void awaitCondition(final BooleanSupplier condition, final String what)
    {
        final long deadlineNs = System.nanoTime() + WAIT_CAP_NS;
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadlineNs, "gave up waiting for " + what);
            Thread.yield();
        }
    }

    /**
     * The in-memory handler with hooks run on the server's thread before a put or get is served.
     */
    private static final class GatedHandler extends InMemoryBlockHandler
    {
        volatile Runnable beforePut;
        volatile Runnable beforeGet;

        GatedHandler(final String nodeName)
        {
            super(nodeName, 256L * MIB);
        }

        public void onPut(final long clientId, final long blockId, final long generation, final DirectBuffer src,
            final int srcOffset, final int length)
        {
            final Runnable hook = beforePut;
            if (null != hook)
            {
                hook.run();
            }
            super.onPut(clientId, blockId, generation, src, srcOffset, length);
        }

        public int blockLength(final long clientId, final long blockId, final long generation)
        {
            final Runnable hook = beforeGet;
            if (null != hook)
            {
                hook.run();
            }
            return super.blockLength(clientId, blockId, generation);
        }

        public void onGet(final long clientId, final long blockId, final long generation,
            final MutableDirectBuffer dst, final int dstOffset, final int length)
        {
            super.onGet(clientId, blockId, generation, dst, dstOffset, length);
        }
    }
}
