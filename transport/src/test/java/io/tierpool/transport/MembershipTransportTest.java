/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.client.NodeView;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Membership requests and leaves (protocol version 2) over real Aeron on loopback: what the node's handler
 * answers reaches the client field for field, leases asked for reach the handler, a leave reaches the handler and
 * is acknowledged, and a server without membership refuses with {@link ErrorCode#BAD_REQUEST}.
 */
class MembershipTransportTest
{
    private static final UUID SELF = new UUID(0x1122334455667788L, 0x99AABBCCDDEEFF00L);
    private static final UUID OTHER = UUID.randomUUID();
    private static final UUID GONE = UUID.randomUUID();

    private final List<Long> leaseRequests = new CopyOnWriteArrayList<>();
    private final List<Long> leaves = new CopyOnWriteArrayList<>();
    private final List<Throwable> serverErrors = new CopyOnWriteArrayList<>();
    private TransportDriver nodeDriver;
    private TransportDriver clientDriver;
    private BlockServer server;
    private BlockClient client;

    @BeforeEach
    void setUp()
    {
        nodeDriver = TransportDriver.launch(new TransportDriver.Context());
        clientDriver = TransportDriver.launch(new TransportDriver.Context());
        final InMemoryBlockHandler blocks = new InMemoryBlockHandler("node-a", 1L << 20);
        final BlockRequestHandler handler = new ForwardingHandler(blocks)
        {
            public MembershipSnapshot membership(final long clientId, final long leaseTimeoutMs)
            {
                leaseRequests.add(leaseTimeoutMs);
                final List<MemberNode> nodes = new ArrayList<>();
                nodes.add(new MemberNode(new NodeView(SELF, "node-a", server.endpoint(), 8L << 30), 123_456L));
                nodes.add(new MemberNode(new NodeView(OTHER, "node-b", "127.0.0.1:1", 0), -1));
                return new MembershipSnapshot(SELF, "node-a", Math.min(leaseTimeoutMs, 5_000), nodes,
                    List.of(new DepartedNode(GONE, true), new DepartedNode(OTHER, false)));
            }

            public void onLeave(final long clientId)
            {
                leaves.add(clientId);
            }
        };
        server = BlockServer.launch(new BlockServer.Context()
            .aeron(nodeDriver.aeron())
            .endpoint(TestPorts.nextEndpoint())
            .nodeName("node-a")
            .errorHandler(serverErrors::add)
            .handler(handler));
        client = BlockClient.connect(new BlockClient.Context()
            .aeron(clientDriver.aeron())
            .responseEndpoint(TestPorts.nextEndpoint()));
    }

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(client, server, clientDriver, nodeDriver);
        assertFalse(new File(nodeDriver.aeronDirectoryName()).exists(), nodeDriver.aeronDirectoryName());
        assertFalse(new File(clientDriver.aeronDirectoryName()).exists(), clientDriver.aeronDirectoryName());
    }

    @Test
    @Timeout(30)
    void shouldCarryEveryFieldOfTheAnswerAndTheAskedLease()
    {
        final MembershipSnapshot snapshot = client.membership(server.endpoint(), 10_000);

        assertEquals(List.of(10_000L), leaseRequests);
        assertEquals(SELF, snapshot.answeringNodeId());
        assertEquals("node-a", snapshot.answeringNodeName());
        assertEquals(5_000, snapshot.grantedLeaseMs());
        assertEquals(List.of(
            new MemberNode(new NodeView(SELF, "node-a", server.endpoint(), 8L << 30), 123_456L),
            new MemberNode(new NodeView(OTHER, "node-b", "127.0.0.1:1", 0), -1)), snapshot.nodes());
        assertEquals(List.of(new DepartedNode(GONE, true), new DepartedNode(OTHER, false)), snapshot.departed());

        final BlockRequest observer = client.sendMembership(server.endpoint(), 0, null);
        observer.await();
        assertEquals(0, observer.membership().grantedLeaseMs());
        assertEquals(List.of(10_000L, 0L), leaseRequests);
        assertTrue(serverErrors.isEmpty(), serverErrors::toString);
    }

    @Test
    @Timeout(30)
    void shouldHandTheLeaveToTheHandlerAndAcknowledgeIt()
    {
        client.put(server.endpoint(), 1, new UnsafeBuffer(new byte[] { 1, 2, 3 }), 0, 3);
        client.leave(server.endpoint());
        assertEquals(List.of(client.clientId()), leaves);
    }

    @Test
    @Timeout(30)
    void shouldRefuseANegativeLeaseOnBothSides()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> client.membership(server.endpoint(), -1));
        assertTrue(ex.getMessage().contains("leaseTimeoutMs"), ex.getMessage());
        assertTrue(leaseRequests.isEmpty());
    }

    @Test
    @Timeout(30)
    void shouldBeRefusedByAServerThatServesNoMembership()
    {
        try (BlockServer plain = BlockServer.launch(new BlockServer.Context()
            .aeron(nodeDriver.aeron())
            .endpoint(TestPorts.nextEndpoint())
            .nodeName("plain")
            .handler(new InMemoryBlockHandler("plain", 1L << 20))))
        {
            final RemoteErrorException ex =
                assertThrows(RemoteErrorException.class, () -> client.membership(plain.endpoint(), 1_000));
            assertEquals(ErrorCode.BAD_REQUEST, ex.code());
            plain.close();
        }
    }

    /**
     * Serves blocks from an {@link InMemoryBlockHandler}; subclasses add membership.
     */
    private static class ForwardingHandler implements BlockRequestHandler
    {
        private final InMemoryBlockHandler blocks;

        ForwardingHandler(final InMemoryBlockHandler blocks)
        {
            this.blocks = blocks;
        }

        public void onPut(final long clientId, final long blockId, final long generation,
            final org.agrona.DirectBuffer src, final int srcOffset, final int length)
        {
            blocks.onPut(clientId, blockId, generation, src, srcOffset, length);
        }

        public int blockLength(final long clientId, final long blockId, final long generation)
        {
            return blocks.blockLength(clientId, blockId, generation);
        }

        public void onGet(final long clientId, final long blockId, final long generation,
            final org.agrona.MutableDirectBuffer dst, final int dstOffset, final int length)
        {
            blocks.onGet(clientId, blockId, generation, dst, dstOffset, length);
        }

        public void onFree(final long clientId, final long blockId, final long generation)
        {
            blocks.onFree(clientId, blockId, generation);
        }

        public io.tierpool.client.NodeUsage usage()
        {
            return blocks.usage();
        }
    }
}
