/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.transport.codecs.AckDecoder;
import io.tierpool.transport.codecs.GetResponseDecoder;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data-path security end to end over UDP loopback, a real embedded driver for each side: the handshake, sealed
 * round trips with and without encryption, refusal of clients without or with another secret, and the node's
 * refusal (and counting) of forged, altered, replayed and reordered messages and of requests naming another
 * client. Ports 127.0.0.1:42100-42139.
 */
class SecureTransportTest
{
    private static final int MIB = 1024 * 1024;
    private static final ClusterSecret SECRET = ClusterSecret.generate();
    private static int nextPort = 42100;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private TransportDriver nodeDriver;
    private TransportDriver clientDriver;
    private InMemoryBlockHandler handler;
    private BlockServer server;

    private static synchronized String endpoint()
    {
        final String endpoint = "127.0.0.1:" + nextPort;
        nextPort = nextPort >= 42139 ? 42100 : nextPort + 1;
        return endpoint;
    }

    private void start(final boolean encryption)
    {
        start(new TransportSecurity(SECRET, encryption));
    }

    private void start(final TransportSecurity security)
    {
        nodeDriver = TransportDriver.launch(new TransportDriver.Context());
        clientDriver = TransportDriver.launch(new TransportDriver.Context());
        handler = new InMemoryBlockHandler("secure-node", 64L * MIB);
        server = BlockServer.launch(new BlockServer.Context()
            .aeron(nodeDriver.aeron())
            .endpoint(endpoint())
            .nodeName("secure-node")
            .handler(handler)
            .security(security));
    }

    private BlockClient client(final TransportSecurity security, final long clientId)
    {
        final BlockClient client = BlockClient.connect(new BlockClient.Context()
            .clientId(clientId)
            .aeron(clientDriver.aeron())
            .responseEndpoint(endpoint())
            .requestTimeoutNs(TimeUnit.SECONDS.toNanos(5))
            .security(security));
        closeables.add(client);
        return client;
    }

    private BlockClient client(final TransportSecurity security)
    {
        final BlockClient client = BlockClient.connect(new BlockClient.Context()
            .aeron(clientDriver.aeron())
            .responseEndpoint(endpoint())
            .requestTimeoutNs(TimeUnit.SECONDS.toNanos(5))
            .security(security));
        closeables.add(client);
        return client;
    }

    @AfterEach
    void tearDown()
    {
        final List<AutoCloseable> all = new ArrayList<>(closeables);
        Collections.reverse(all);
        CloseHelper.closeAll(all);
        CloseHelper.closeAll(server, clientDriver, nodeDriver);
        if (null != nodeDriver)
        {
            assertFalse(new File(nodeDriver.aeronDirectoryName()).exists(), nodeDriver.aeronDirectoryName());
            assertFalse(new File(clientDriver.aeronDirectoryName()).exists(), clientDriver.aeronDirectoryName());
        }
    }

    @Test
    @Timeout(60)
    void shouldRoundTripEveryByteOnASecuredSessionWithoutEncryption()
    {
        start(false);
        roundTrip(client(new TransportSecurity(SECRET, false)));
    }

    @Test
    @Timeout(60)
    void shouldRoundTripEveryByteWhenTheNodeRequiresEncryption()
    {
        start(true);
        final BlockClient client = client(new TransportSecurity(SECRET, false));
        roundTrip(client);
        assertEquals(0, client.refusedResponseCount());
    }

    private void roundTrip(final BlockClient client)
    {
        final Random random = new Random(3);
        final int[] sizes = { 1, 17, 4096, 65_505, MIB, MIB + 1, 3 * MIB + 5 };
        final UnsafeBuffer dst = new UnsafeBuffer(ByteBuffer.allocateDirect(4 * MIB));
        long blockId = 1;
        for (final int size : sizes)
        {
            final byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            client.put(server.endpoint(), blockId, new UnsafeBuffer(bytes), 0, size);
            assertEquals(size, client.get(server.endpoint(), blockId, dst, 0, dst.capacity()));
            final byte[] back = new byte[size];
            dst.getBytes(0, back);
            assertArrayEquals(bytes, back, "block " + blockId + " of " + size + " bytes");
            assertArrayEquals(bytes, handler.blocks.get(new InMemoryBlockHandler.Key(client.clientId(), blockId, 0)));
            blockId++;
        }
        final int count = 50;
        final byte[] batch = new byte[count * 300];
        random.nextBytes(batch);
        final long[] ids = new long[count];
        final long[] generations = new long[count];
        final int[] offsets = new int[count];
        final int[] lengths = new int[count];
        final int[] crcs = new int[count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = 1000 + i;
            offsets[i] = i * 300;
            lengths[i] = 1 + i * 5;
            final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(batch, offsets[i], lengths[i]);
            crcs[i] = (int)crc.getValue();
        }
        assertEquals(count, client.putBatch(server.endpoint(), count, ids, generations, new UnsafeBuffer(batch),
            offsets, lengths, crcs, new TransportException[count]));
        for (int i = 0; i < count; i++)
        {
            assertArrayEquals(java.util.Arrays.copyOfRange(batch, offsets[i], offsets[i] + lengths[i]),
                handler.blocks.get(new InMemoryBlockHandler.Key(client.clientId(), ids[i], 0)), "batch block " + i);
        }
        client.free(server.endpoint(), 1);
        assertEquals(1, server.securityCounters().sessions());
        assertEquals(0, server.securityCounters().refused(), server.securityCounters().toString());
    }

    @Test
    @Timeout(60)
    void shouldRefuseClientsWithoutTheSecretOrWithAnotherAndChangeNoBlock()
    {
        start(false);
        final BlockClient owner = client(new TransportSecurity(SECRET, false));
        final byte[] bytes = { 1, 2, 3, 4, 5 };
        owner.put(server.endpoint(), 9, new UnsafeBuffer(bytes), 0, bytes.length);
        final Map<InMemoryBlockHandler.Key, byte[]> before = new HashMap<>(handler.blocks);

        final BlockClient open = client(null);
        final RemoteErrorException noSecret = assertThrows(RemoteErrorException.class,
            () -> open.put(server.endpoint(), 9, new UnsafeBuffer(new byte[3]), 0, 3));
        assertEquals(ErrorCode.AUTH_FAILED, noSecret.code());
        assertTrue(noSecret.getMessage().contains("TIERPOOL_SECRET_FILE"), noSecret.getMessage());
        assertThrows(RemoteErrorException.class, () -> open.free(server.endpoint(), 9));

        final BlockClient wrong = client(new TransportSecurity(ClusterSecret.generate(), false));
        final AuthenticationException wrongSecret = assertThrows(AuthenticationException.class,
            () -> wrong.put(server.endpoint(), 9, new UnsafeBuffer(new byte[3]), 0, 3));
        assertTrue(wrongSecret.getMessage().contains("different cluster secrets"), wrongSecret.getMessage());

        assertEquals(before.keySet(), handler.blocks.keySet());
        assertArrayEquals(bytes, handler.blocks.get(new InMemoryBlockHandler.Key(owner.clientId(), 9, 0)));
        assertTrue(server.securityCounters().unauthenticated() >= 2, server.securityCounters().toString());
    }

    @Test
    @Timeout(60)
    void shouldRefuseAndCountForgedResponsesAtTheClientAndKeepWorking()
    {
        start(false);
        final BlockClient client = client(new TransportSecurity(SECRET, false));
        final byte[] bytes = { 1, 2, 3 };
        client.put(server.endpoint(), 1, new UnsafeBuffer(bytes), 0, bytes.length);

        try (io.aeron.ExclusivePublication forger = clientDriver.aeron().addExclusivePublication(
            Endpoints.udpChannel(client.responseEndpoint()), client.context().responseStreamId()))
        {
            final ExpandableArrayBuffer forged = new ExpandableArrayBuffer(256);
            final int ackLength = io.tierpool.transport.codecs.MessageHeaderEncoder.ENCODED_LENGTH +
                new io.tierpool.transport.codecs.AckEncoder()
                .wrapAndApplyHeader(forged, 0, new io.tierpool.transport.codecs.MessageHeaderEncoder())
                .correlationId(12345).blockId(1).nodeName("forger").encodedLength();
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!forger.isConnected() || forger.offer(forged, 0, ackLength) < 0)
            {
                assertTrue(System.nanoTime() < deadlineNs, "forged Ack not sent");
                Thread.yield();
            }
            for (int i = 0; i < AuthTrailerDescriptor.LENGTH; i++)
            {
                forged.putByte(ackLength + i, (byte)(i * 31 + 7));
            }
            while (forger.offer(forged, 0, ackLength + AuthTrailerDescriptor.LENGTH) < 0)
            {
                assertTrue(System.nanoTime() < deadlineNs, "forged sealed Ack not sent");
                Thread.yield();
            }
            awaitCount(client::refusedResponseCount, 2);
        }

        final UnsafeBuffer dst = new UnsafeBuffer(new byte[16]);
        assertEquals(bytes.length, client.get(server.endpoint(), 1, dst, 0, dst.capacity()));
        assertEquals(2, client.refusedResponseCount());
    }

    @Test
    @Timeout(60)
    void shouldAuthenticateAgainAfterTheNodeRestartedAndForgotTheSession()
    {
        start(false);
        final BlockClient client = client(new TransportSecurity(SECRET, false));
        final byte[] bytes = { 4, 5, 6 };
        client.put(server.endpoint(), 1, new UnsafeBuffer(bytes), 0, bytes.length);
        final String endpoint = server.endpoint();
        server.close();
        server = BlockServer.launch(new BlockServer.Context()
            .aeron(nodeDriver.aeron())
            .endpoint(endpoint)
            .nodeName("secure-node")
            .handler(handler)
            .security(new TransportSecurity(SECRET, false)));

        final RemoteErrorException forgotten = assertThrows(RemoteErrorException.class,
            () -> client.put(endpoint, 2, new UnsafeBuffer(bytes), 0, bytes.length));
        assertEquals(ErrorCode.AUTH_FAILED, forgotten.code());
        client.put(endpoint, 2, new UnsafeBuffer(bytes), 0, bytes.length);
        assertEquals(1, server.securityCounters().sessions());
        assertArrayEquals(bytes, handler.blocks.get(new InMemoryBlockHandler.Key(client.clientId(), 2, 0)));
    }

    @Test
    @Timeout(60)
    void shouldTieAClientCredentialToItsClientIdAndTakeOnlyCredentialsWhenRequired()
    {
        start(new TransportSecurity(SECRET, null, false, true));
        final long idA = 0x1111;
        final long idB = 0x2222;
        final byte[] bytes = { 3, 1, 4 };
        final BlockClient a = client(TransportSecurity.clientCredential(SECRET.clientCredential(idA), false), idA);
        a.put(server.endpoint(), 1, new UnsafeBuffer(bytes), 0, bytes.length);

        final BlockClient impostor =
            client(TransportSecurity.clientCredential(SECRET.clientCredential(idB), false), idA);
        final AuthenticationException impersonation = assertThrows(AuthenticationException.class,
            () -> impostor.free(server.endpoint(), 1));
        assertTrue(impersonation.getMessage().contains("credential"), impersonation.getMessage());

        final BlockClient holder = client(new TransportSecurity(SECRET, false), idB);
        final AuthenticationException secretRefused = assertThrows(AuthenticationException.class,
            () -> holder.put(server.endpoint(), 2, new UnsafeBuffer(bytes), 0, bytes.length));
        assertTrue(secretRefused.getMessage().contains("per-client credentials"), secretRefused.getMessage());

        assertEquals(1, handler.blocks.size());
        assertArrayEquals(bytes, handler.blocks.get(new InMemoryBlockHandler.Key(idA, 1, 0)));
        assertEquals(1, server.securityCounters().sessions());
        assertEquals(1, server.securityCounters().handshakeFailures());
    }

    @Test
    @Timeout(60)
    void shouldAcceptTheCurrentAndThePreviousSecretDuringARotationAndNoOther()
    {
        final ClusterSecret next = ClusterSecret.generate();
        start(new TransportSecurity(next, SECRET, false));
        final byte[] bytes = { 9, 8, 7 };
        final BlockClient old = client(new TransportSecurity(SECRET, false));
        old.put(server.endpoint(), 1, new UnsafeBuffer(bytes), 0, bytes.length);
        final BlockClient renewed = client(new TransportSecurity(next, false));
        renewed.put(server.endpoint(), 1, new UnsafeBuffer(bytes), 0, bytes.length);
        final BlockClient other = client(new TransportSecurity(ClusterSecret.generate(), false));
        assertThrows(AuthenticationException.class,
            () -> other.put(server.endpoint(), 1, new UnsafeBuffer(bytes), 0, bytes.length));
        assertEquals(2, server.securityCounters().sessions());
        assertEquals(2, handler.blocks.size());
    }

    @Test
    @Timeout(60)
    void shouldRefuseAndCountForgedAlteredReplayedReorderedAndForeignClientMessagesAndKeepServingOthers()
    {
        start(false);
        final BlockClient victim = client(new TransportSecurity(SECRET, false));
        final byte[] bytes = new byte[1000];
        new Random(5).nextBytes(bytes);
        victim.put(server.endpoint(), 42, new UnsafeBuffer(bytes), 0, bytes.length);

        final long attackerId = victim.clientId() + 1;
        final SecurePeer peer = new SecurePeer(
            clientDriver.aeron(), server.endpoint(), endpoint(), SECRET, attackerId, false);
        closeables.add(peer);
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(4096);

        // an authentic put of the peer's own block is served
        int length = peer.sealedPut(out, 10, attackerId, 1, new byte[] { 7, 7, 7 });
        peer.raw.send(out, 0, length);
        assertEquals(AckDecoder.TEMPLATE_ID, peer.awaitResponse(10));

        // replayed as it is: refused
        peer.raw.send(out, 0, length);
        awaitCount(() -> server.securityCounters().replayed(), 1);

        // one byte of the covered part altered (the block id): refused
        length = peer.sealedPut(out, 11, attackerId, 2, new byte[] { 8 });
        out.putByte(8 + 16, (byte)(out.getByte(8 + 16) ^ 1));
        peer.raw.send(out, 0, length);
        awaitCount(() -> server.securityCounters().badMac(), 1);

        // a forged MAC under the right session id: refused
        length = peer.sealedGet(out, 12, attackerId, 1);
        out.putByte(length - 1, (byte)(out.getByte(length - 1) ^ 0x55));
        peer.raw.send(out, 0, length);
        awaitCount(() -> server.securityCounters().badMac(), 2);

        // reordered beyond the replay window: sealed first, sent after 2,000 later ones
        final ExpandableArrayBuffer held = new ExpandableArrayBuffer(4096);
        final int heldLength = peer.sealedGet(held, 13, attackerId, 1);
        for (int i = 0; i < TransportSecurity.REPLAY_WINDOW + 100; i++)
        {
            peer.session.nextSequence();
        }
        length = peer.sealedGet(out, 14, attackerId, 1);
        peer.raw.send(out, 0, length);
        assertEquals(GetResponseDecoder.TEMPLATE_ID, peer.awaitResponse(14));
        peer.raw.send(held, 0, heldLength);
        awaitCount(() -> server.securityCounters().replayed(), 2);

        // the victim's blocks, named by an authenticated peer: read, overwrite and free all refused
        length = peer.sealedGet(out, 15, victim.clientId(), 42);
        peer.raw.send(out, 0, length);
        length = peer.sealedPut(out, 16, victim.clientId(), 42, new byte[] { 0 });
        peer.raw.send(out, 0, length);
        length = peer.sealedFree(out, 17, victim.clientId(), 42);
        peer.raw.send(out, 0, length);
        awaitCount(() -> server.securityCounters().forgedClientId(), 3);

        // under its own identity the peer finds no block 42: the namespace is the session's
        length = peer.sealedGet(out, 18, attackerId, 42);
        peer.raw.send(out, 0, length);
        assertEquals(-ErrorCode.NOT_FOUND.wireCode().value(), peer.awaitResponse(18));

        // the victim is served throughout, its block intact
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[2000]);
        assertEquals(bytes.length, victim.get(server.endpoint(), 42, dst, 0, dst.capacity()));
        final byte[] back = new byte[bytes.length];
        dst.getBytes(0, back);
        assertArrayEquals(bytes, back);
        assertTrue(peer.responses.keySet().stream().noneMatch((id) -> id == 15 || id == 16 || id == 17),
            "a forged request was answered: " + peer.responses);
        final SecurityCounters counters = server.securityCounters();
        assertEquals(2, counters.replayed(), counters.toString());
        assertEquals(2, counters.badMac(), counters.toString());
        assertEquals(3, counters.forgedClientId(), counters.toString());
    }

    private static void awaitCount(final LongSupplier counter, final long atLeast)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counter.getAsLong() < atLeast)
        {
            assertTrue(System.nanoTime() < deadlineNs, "counter stayed at " + counter.getAsLong());
            Thread.yield();
        }
    }
}
