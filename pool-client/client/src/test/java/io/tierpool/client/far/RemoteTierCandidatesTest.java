/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.far;

import io.tierpool.client.NodeView;
import io.tierpool.transport.BlockClient;
import io.tierpool.transport.TransportDriver;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The list of nodes a write tries, in {@link RemoteTier} itself: up to {@link RemoteTier#FULLY_RANKED_NODES} live
 * nodes all of it in rendezvous order; beyond, the first {@code replicas + }{@link RemoteTier#SPARE_RANKED_NODES}
 * exactly as the plain ranking orders them and the rest as fall-backs, each live node once. The nodes are handed
 * to the tier directly and never contacted (a real embedded driver and block client, no server). Port 43400.
 */
class RemoteTierCandidatesTest
{
    private static final long GIB = 1L << 30;
    private static final int REPLICAS = 2;

    private TransportDriver driver;
    private BlockClient client;
    private final List<RemoteTier> tiers = new ArrayList<>();

    @BeforeEach
    void setUp()
    {
        driver = TransportDriver.launch(new TransportDriver.Context());
        client = BlockClient.connect(new BlockClient.Context()
            .aeron(driver.aeron())
            .responseEndpoint("127.0.0.1:43400"));
    }

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(tiers);
        CloseHelper.closeAll(client, driver);
    }

    @Test
    @Timeout(60)
    void shouldRankReplicasPlusSpareExactlyAndListTheRestAsFallBacksBeyond64LiveNodes()
    {
        final int count = 150;
        final List<NodeView> views = nodes(count, 3);
        final RemoteTier tier = tier(views);
        final long[] freeBytes = publishFreeBytes(tier, views, 5);
        final NodeView leaver = views.get(40);
        tier.onNodeLeft(leaver, true);
        final int exact = REPLICAS + RemoteTier.SPARE_RANKED_NODES;
        for (long blockId = 1; blockId <= 400; blockId++)
        {
            final RemoteNode[] candidates = tier.writeCandidates(blockId);
            final List<Integer> plain = plainRanking(views, freeBytes, blockId, Set.of(40));
            assertEquals(count - 1, candidates.length, "every live node is a candidate, block " + blockId);
            final Set<Integer> seen = new HashSet<>();
            for (final RemoteNode node : candidates)
            {
                assertTrue(seen.add(node.index), "node " + node.index + " listed twice for block " + blockId);
            }
            assertFalse(seen.contains(40), "the node that left is listed for block " + blockId);
            for (int i = 0; i < exact; i++)
            {
                assertEquals((int)plain.get(i), candidates[i].index, "block " + blockId + " rank " + i);
            }
            // the fall-backs: nodes with room before full ones, each class in slot order from one point, wrapping
            int previousClass = -1;
            int wraps = 0;
            int previousSlot = -1;
            for (int i = exact; i < candidates.length; i++)
            {
                final int nodeClass = freeBytes[candidates[i].index] == 0 ? 1 : 0;
                assertTrue(nodeClass >= previousClass, "a node with room after a full one, block " + blockId);
                if (nodeClass != previousClass)
                {
                    previousClass = nodeClass;
                    wraps = 0;
                    previousSlot = -1;
                }
                else if (candidates[i].index < previousSlot)
                {
                    wraps++;
                }
                assertTrue(wraps <= 1, "fall-backs of a class not in slot order from one point, block " + blockId);
                previousSlot = candidates[i].index;
            }
        }
    }

    @Test
    @Timeout(60)
    void shouldRankEveryCandidateInRendezvousOrderUpTo64LiveNodes()
    {
        final int count = RemoteTier.FULLY_RANKED_NODES;
        final List<NodeView> views = nodes(count, 4);
        final RemoteTier tier = tier(views);
        final long[] freeBytes = publishFreeBytes(tier, views, 6);
        for (long blockId = 1; blockId <= 400; blockId++)
        {
            final RemoteNode[] candidates = tier.writeCandidates(blockId);
            final List<Integer> plain = plainRanking(views, freeBytes, blockId, Set.of());
            assertEquals(count, candidates.length);
            for (int i = 0; i < count; i++)
            {
                assertEquals((int)plain.get(i), candidates[i].index, "block " + blockId + " rank " + i);
            }
        }
    }

    private RemoteTier tier(final List<NodeView> views)
    {
        final RemoteTier tier = new RemoteTier(client, REPLICAS);
        tiers.add(tier);
        tier.start(views);
        return tier;
    }

    private static List<NodeView> nodes(final int count, final long seed)
    {
        final Random random = new Random(seed);
        final List<NodeView> views = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            views.add(new NodeView(new UUID(random.nextLong(), random.nextLong()), "node-" + i,
                "127.0.0.1:" + (43401 + i), (64L << (i % 3)) * GIB));
        }
        return views;
    }

    /**
     * Has about a tenth of the nodes publish 0 free bytes (full) and a third some free bytes; the rest publish
     * nothing (weighted by capacity).
     *
     * @return each node's free bytes as published, -1 where none.
     */
    private static long[] publishFreeBytes(final RemoteTier tier, final List<NodeView> views, final long seed)
    {
        final Random random = new Random(seed);
        final long[] freeBytes = new long[views.size()];
        for (int i = 0; i < views.size(); i++)
        {
            final int pick = random.nextInt(10);
            freeBytes[i] = pick == 0 ? 0 : pick <= 3 ? 1 + (long)(random.nextDouble() * views.get(i).capacityBytes()) : -1;
            if (freeBytes[i] >= 0)
            {
                tier.onFreeBytes(views.get(i).nodeId(), freeBytes[i]);
            }
        }
        return freeBytes;
    }

    /**
     * Every live node sorted as the class comment of {@link RendezvousPlacement} says: nodes with room first, then
     * by {@link RendezvousHash#score} highest first, then by slot (the order the tier learnt them).
     */
    private static List<Integer> plainRanking(
        final List<NodeView> views, final long[] freeBytes, final long blockId, final Set<Integer> gone)
    {
        final List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < views.size(); i++)
        {
            if (!gone.contains(i))
            {
                slots.add(i);
            }
        }
        slots.sort(Comparator.<Integer>comparingInt(i -> freeBytes[i] == 0 ? 1 : 0)
            .thenComparing((Integer i) -> -RendezvousHash.score(blockId,
                RendezvousPlacement.key(views.get(i).nodeId().getMostSignificantBits(),
                    views.get(i).nodeId().getLeastSignificantBits()),
                RendezvousPlacement.weight(freeBytes[i], views.get(i).capacityBytes())))
            .thenComparingInt((Integer i) -> i));
        return slots;
    }
}
