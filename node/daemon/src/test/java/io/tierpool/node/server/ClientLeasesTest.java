/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.server;

import io.tierpool.client.NodeView;
import io.tierpool.node.engine.BlockStore;
import io.tierpool.node.engine.StoreContext;
import io.tierpool.transport.BlockRequestException;
import io.tierpool.transport.ErrorCode;
import io.tierpool.transport.MemberNode;
import io.tierpool.transport.MembershipSnapshot;
import org.agrona.CloseHelper;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client leases on a node: granted within bounds, renewed by every request, begun by a put but not by reads of an
 * observer, and once lapsed the client's blocks are reclaimed while every other client's stay.
 */
class ClientLeasesTest
{
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    @Test
    void shouldGrantWithinBoundsAndLapseOnlyAfterTheLeaseWithoutRenewal()
    {
        final ClientLeases leases = new ClientLeases();
        final LongArrayList lapsed = new LongArrayList();
        final long t0 = 1_000_000_000L;

        assertEquals(0, leases.grant(1, 0, t0), "an observer holds no lease");
        assertEquals(ClientLeases.MIN_LEASE_MS, leases.grant(2, 10, t0), "a short ask is raised");
        assertEquals(ClientLeases.MAX_LEASE_MS, leases.grant(3, Long.MAX_VALUE / MS, t0), "a long ask is lowered");
        assertEquals(5_000, leases.grant(4, 5_000, t0));
        assertEquals(5_000, leases.grant(4, 0, t0), "an observer's request renews the lease it holds");
        leases.renew(5, false, t0);
        assertEquals(0, leases.leaseMs(5), "a read does not begin a lease");
        leases.renew(6, true, t0);
        assertEquals(ClientLeases.DEFAULT_LEASE_MS, leases.leaseMs(6), "a put begins one with the default");
        assertEquals(4, leases.size());

        assertEquals(0, leases.lapsed(t0 + 999 * MS, lapsed));
        assertEquals(1, leases.lapsed(t0 + 1_000 * MS, lapsed));
        assertEquals(List.of(2L), lapsed);

        leases.renew(4, false, t0 + 4_000 * MS);
        assertEquals(0, leases.lapsed(t0 + 8_999 * MS, lapsed), "renewed at 4 s, lapses at 9 s");
        assertEquals(1, leases.lapsed(t0 + 9_000 * MS, lapsed));
        assertEquals(List.of(4L), lapsed);
        assertEquals(1, leases.lapsed(t0 + ClientLeases.DEFAULT_LEASE_MS * MS, lapsed));
        assertEquals(List.of(6L), lapsed);

        assertTrue(leases.end(3));
        assertFalse(leases.end(3));
        assertEquals(0, leases.size());
        assertEquals(3, leases.lapsedCount());
    }

    @Test
    void shouldReclaimTheBlocksOfALapsedClientAndKeepEveryOtherClientsBlocks() throws InterruptedException
    {
        final BlockStore store = new BlockStore(new StoreContext()
            .nodeName("lease-node")
            .ramCapacityBytes(1 << 20)
            .vvramCapacityBytes(0)
            .vssdCapacityBytes(0)
            .vvramDir(dir)
            .vssdDir(dir)
            .startMover(false));
        try
        {
            final NodeBlockService service = new NodeBlockService("lease-node", store);
            final UUID self = UUID.randomUUID();
            service.members((granted) -> new MembershipSnapshot(self, "lease-node", granted,
                List.of(new MemberNode(new NodeView(self, "lease-node", "127.0.0.1:1", 1 << 20), 1 << 20)), List.of()));
            final byte[] data = new byte[] { 1, 2, 3, 4 };

            assertEquals(1_000, service.membership(7, 1_000).grantedLeaseMs());
            service.onPut(7, 1, 0, new UnsafeBuffer(data), 0, data.length);
            service.onPut(7, 2, 0, new UnsafeBuffer(data), 0, data.length);
            assertEquals(60_000, service.membership(8, 60_000).grantedLeaseMs());
            service.onPut(8, 1, 0, new UnsafeBuffer(data), 0, data.length);
            assertEquals(3, service.remoteBlockCount());

            final List<String> reclaimed = new ArrayList<>();
            assertEquals(0, service.reclaimLapsedLeases((client, freed) -> reclaimed.add(client + ":" + freed)));
            Thread.sleep(1_100);
            assertEquals(1, service.reclaimLapsedLeases((client, freed) -> reclaimed.add(client + ":" + freed)));
            assertEquals(List.of("7:2"), reclaimed);
            assertEquals(1, service.remoteBlockCount());
            assertEquals(2, service.reclaimedBlocks());
            final BlockRequestException gone =
                assertThrows(BlockRequestException.class, () -> service.blockLength(7, 1, 0));
            assertEquals(ErrorCode.NOT_FOUND, gone.code());
            assertEquals(data.length, service.blockLength(8, 1, 0), "the other client's block stays");

            service.onLeave(8);
            assertEquals(0, service.remoteBlockCount(), "a leave frees the client's blocks at once");
            assertEquals(0, service.leases().size());
            assertEquals(1, service.servedRequests(NodeBlockService.Op.LEAVE, true));
            assertEquals(2, service.servedRequests(NodeBlockService.Op.MEMBERSHIP, true));
        }
        finally
        {
            CloseHelper.close(store);
        }
    }

    @Test
    void shouldRefuseMembershipUntilTheNodeHasJoinedItsCluster()
    {
        final BlockStore store = new BlockStore(new StoreContext()
            .nodeName("joining-node").ramCapacityBytes(1 << 20).vvramCapacityBytes(0).vssdCapacityBytes(0)
            .vvramDir(dir).vssdDir(dir).startMover(false));
        try
        {
            final NodeBlockService service = new NodeBlockService("joining-node", store);
            final BlockRequestException ex =
                assertThrows(BlockRequestException.class, () -> service.membership(1, 10_000));
            assertEquals(ErrorCode.INTERNAL, ex.code());
            assertTrue(ex.getMessage().contains("not joined"), ex.getMessage());
        }
        finally
        {
            CloseHelper.close(store);
        }
    }
}
