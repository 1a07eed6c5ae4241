/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.far;

import io.tierpool.client.BlockLostException;
import io.tierpool.client.RemoteNodeStats;
import io.tierpool.node.cluster.MembershipListener;
import io.tierpool.node.cluster.NodeInfo;
import io.tierpool.node.tier.Tier;
import io.tierpool.node.tier.TierKind;
import io.tierpool.transport.BlockClient;
import io.tierpool.transport.ErrorCode;
import io.tierpool.transport.RemoteErrorException;
import io.tierpool.transport.TransportException;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The far-memory tier: blocks stored in the memory and tiers of other node daemons, reached over Aeron with a
 * {@link BlockClient}, with the live nodes followed through Ignite discovery ({@link MembershipListener}).
 * <p>
 * <b>Placement.</b> A block goes to the live node with the highest weighted rendezvous score
 * ({@link RendezvousHash}), weighted by the capacity each node advertised; if that node refuses it
 * ({@link ErrorCode#NO_SPACE}) or cannot be reached, the next highest is tried, and so on. When every node
 * refuses, {@link #write} returns {@link Tier#NO_SPACE} and the engine reports the pool as full.
 * <p>
 * <b>Copies.</b> This version keeps one copy of each block. When the node holding it leaves the cluster, reading
 * the block throws {@link BlockLostException}; it never returns other bytes.
 * <p>
 * <b>Locations.</b> The location this tier returns is the index of the node in its node table; the table only
 * grows, so a location stays valid after its node leaves (and marks the block lost).
 * <p>
 * <b>Threads.</b> Safe for concurrent use: the engine calls it under its own lock, discovery events arrive on
 * Ignite's threads. Closing it does not close the {@link BlockClient} (owned by the pool).
 */
public final class RemoteTier implements Tier, MembershipListener
{
    private final BlockClient client;
    private final List<RemoteNode> nodes = new ArrayList<>();
    private final ConcurrentHashMap<UUID, RemoteNode> nodesById = new ConcurrentHashMap<>();
    private final AtomicLong usedBytes = new AtomicLong();
    private final AtomicLong blockCount = new AtomicLong();
    private final AtomicLong puts = new AtomicLong();
    private final AtomicLong gets = new AtomicLong();
    private final AtomicLong frees = new AtomicLong();
    private final AtomicLong failedFrees = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param client       the transport client used for every remote request; owned by the caller.
     * @param initialNodes the node daemons live at start-up.
     */
    public RemoteTier(final BlockClient client, final List<NodeInfo> initialNodes)
    {
        this.client = client;
        for (final NodeInfo node : initialNodes)
        {
            onNodeJoined(node);
        }
    }

    /**
     * {@inheritDoc}
     */
    public TierKind kind()
    {
        return TierKind.REMOTE;
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "REMOTE";
    }

    /**
     * The sum of the capacities advertised by the live node daemons.
     *
     * @return capacity in bytes; 0 when no node is live.
     */
    public long capacityBytes()
    {
        long total = 0;
        synchronized (nodes)
        {
            for (final RemoteNode node : nodes)
            {
                if (node.live)
                {
                    total += node.info.capacityBytes();
                }
            }
        }
        return total;
    }

    /**
     * {@inheritDoc}
     */
    public long usedBytes()
    {
        return usedBytes.get();
    }

    /**
     * {@inheritDoc}
     */
    public long blockCount()
    {
        return blockCount.get();
    }

    /**
     * Sends the block to the best live node by rendezvous hashing, falling back to the next ones.
     * {@inheritDoc}
     */
    public long write(final long blockId, final DirectBuffer src, final int srcOffset, final int length, final int crc32c)
    {
        final RemoteNode[] candidates = rankNodes(blockId);
        for (final RemoteNode node : candidates)
        {
            try
            {
                client.put(node.info.endpoint(), blockId, src, srcOffset, length);
                node.lengths.put(blockId, (long)length);
                node.blocks.incrementAndGet();
                node.bytes.addAndGet(length);
                node.puts.incrementAndGet();
                puts.incrementAndGet();
                usedBytes.addAndGet(length);
                blockCount.incrementAndGet();
                return node.index;
            }
            catch (final RemoteErrorException ex)
            {
                if (ex.code() != ErrorCode.NO_SPACE)
                {
                    throw ex;
                }
            }
            catch (final TransportException ex)
            {
                node.unreachable.incrementAndGet();
            }
        }
        return NO_SPACE;
    }

    /**
     * Fetches the block from the node that holds it.
     * {@inheritDoc}
     *
     * @throws BlockLostException if the node holding the block has left the cluster.
     */
    public void read(final long blockId, final long location, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        final RemoteNode node = node(location);
        if (!node.live)
        {
            throw new BlockLostException(blockId, node.info.nodeName(),
                "block " + blockId + " (" + length + " bytes) was held only by node " + node.info.nodeName() +
                " (" + node.info.endpoint() + "), which has left the cluster; its data is lost. Free the block and " +
                "recompute its contents.");
        }
        final int received = client.get(node.info.endpoint(), blockId, dst, dstOffset, length);
        if (received != length)
        {
            throw new IllegalStateException("node " + node.info.nodeName() + " (" + node.info.endpoint() +
                ") returned " + received + " bytes for block " + blockId + " of " + length + " bytes");
        }
        node.gets.incrementAndGet();
        gets.incrementAndGet();
    }

    /**
     * Frees the block on its node. A node that has left, or does not answer, is counted and skipped: the node
     * reclaims a departed client's blocks itself.
     * {@inheritDoc}
     */
    public void free(final long blockId, final long location)
    {
        final RemoteNode node = node(location);
        final long length = node.release(blockId);
        usedBytes.addAndGet(-length);
        blockCount.decrementAndGet();
        if (node.live)
        {
            try
            {
                client.free(node.info.endpoint(), blockId);
                node.frees.incrementAndGet();
                frees.incrementAndGet();
            }
            catch (final TransportException ex)
            {
                failedFrees.incrementAndGet();
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onNodeJoined(final NodeInfo info)
    {
        synchronized (nodes)
        {
            final RemoteNode existing = nodesById.get(info.nodeId());
            if (existing != null)
            {
                existing.live = true;
                return;
            }
            final RemoteNode node = new RemoteNode(nodes.size(), info);
            nodes.add(node);
            nodesById.put(info.nodeId(), node);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onNodeLeft(final NodeInfo info, final boolean failed)
    {
        final RemoteNode node = nodesById.get(info.nodeId());
        if (node != null)
        {
            node.live = false;
            client.disconnect(info.endpoint());
        }
    }

    /**
     * @return per-node statistics of what this client holds remotely, in the order nodes were first seen.
     */
    public List<RemoteNodeStats> nodeStats()
    {
        final List<RemoteNodeStats> result = new ArrayList<>();
        synchronized (nodes)
        {
            for (final RemoteNode node : nodes)
            {
                result.add(new RemoteNodeStats(
                    node.info.nodeName(),
                    node.info.endpoint(),
                    node.live,
                    node.info.capacityBytes(),
                    node.blocks.get(),
                    node.bytes.get(),
                    node.puts.get(),
                    node.gets.get(),
                    node.frees.get()));
            }
        }
        return result;
    }

    /**
     * @return blocks sent to remote nodes since start.
     */
    public long puts()
    {
        return puts.get();
    }

    /**
     * @return blocks fetched from remote nodes since start.
     */
    public long gets()
    {
        return gets.get();
    }

    /**
     * @return blocks freed on remote nodes since start.
     */
    public long frees()
    {
        return frees.get();
    }

    /**
     * @return frees that could not be delivered because the node did not answer.
     */
    public long failedFrees()
    {
        return failedFrees.get();
    }

    /**
     * Marks the tier closed. Blocks still placed remotely are not freed here: the engine frees every block before
     * it closes its tiers, and a node reclaims a departed client's blocks. Idempotent.
     */
    public void close()
    {
        closed = true;
    }

    /**
     * @return true once {@link #close()} has been called.
     */
    public boolean isClosed()
    {
        return closed;
    }

    private RemoteNode node(final long location)
    {
        synchronized (nodes)
        {
            if (location < 0 || location >= nodes.size())
            {
                throw new IllegalArgumentException("no remote node at location " + location);
            }
            return nodes.get((int)location);
        }
    }

    private RemoteNode[] rankNodes(final long blockId)
    {
        final List<RemoteNode> live = new ArrayList<>();
        synchronized (nodes)
        {
            for (final RemoteNode node : nodes)
            {
                if (node.live)
                {
                    live.add(node);
                }
            }
        }
        final RemoteNode[] ranked = live.toArray(new RemoteNode[0]);
        final double[] scores = new double[ranked.length];
        for (int i = 0; i < ranked.length; i++)
        {
            scores[i] = RendezvousHash.score(blockId, ranked[i].key, Math.max(1, ranked[i].info.capacityBytes()));
        }
        for (int i = 1; i < ranked.length; i++)
        {
            final RemoteNode node = ranked[i];
            final double score = scores[i];
            int j = i - 1;
            while (j >= 0 && scores[j] < score)
            {
                ranked[j + 1] = ranked[j];
                scores[j + 1] = scores[j];
                j--;
            }
            ranked[j + 1] = node;
            scores[j + 1] = score;
        }
        return ranked;
    }

    private static final class RemoteNode
    {
        final int index;
        final NodeInfo info;
        final long key;
        final AtomicLong blocks = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong puts = new AtomicLong();
        final AtomicLong gets = new AtomicLong();
        final AtomicLong frees = new AtomicLong();
        final AtomicLong unreachable = new AtomicLong();
        final ConcurrentHashMap<Long, Long> lengths = new ConcurrentHashMap<>();
        volatile boolean live = true;

        RemoteNode(final int index, final NodeInfo info)
        {
            this.index = index;
            this.info = info;
            this.key = RendezvousHash.mix(info.nodeId().getMostSignificantBits() ^ info.nodeId().getLeastSignificantBits());
        }

        long release(final long blockId)
        {
            final Long length = lengths.remove(blockId);
            if (length == null)
            {
                return 0;
            }
            blocks.decrementAndGet();
            bytes.addAndGet(-length);
            return length;
        }
    }
}
