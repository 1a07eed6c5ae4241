/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.far;

import io.tierpool.transport.BlockClient;
import io.tierpool.transport.ErrorCode;
import io.tierpool.transport.RemoteErrorException;
import io.tierpool.transport.TransferChecksumException;
import io.tierpool.transport.TransportException;
import org.agrona.BufferUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The far-memory tier's background worker: restores the replica count of blocks that lost a copy when a node left
 * the cluster, and closes the transport's publications to departed nodes (work that must not run on Ignite's
 * discovery thread).
 * <p>
 * One repair: take the next block queued by {@link RemoteTier} (it marks the block in flight, so that a new write
 * of the same block id waits), fetch its bytes from a surviving copy, in rank order, into a reusable direct
 * buffer, put them on the best-ranked live nodes that do not hold the block yet until the replica count is met,
 * and hand the new copies back to {@link RemoteTier}, which records them or, if the block was freed meanwhile,
 * has them freed again. A fetch that failed on every survivor is retried after {@link #RETRY_DELAY_NS}.
 * <p>
 * Runs on its own thread under an {@link org.agrona.concurrent.AgentRunner} owned by {@link RemoteTier}. The
 * transfer buffer grows to the largest block repaired and is released in {@link #onClose()}.
 */
final class ReplicaRepairAgent implements Agent
{
    /**
     * Wait before a block whose copies could not be read is tried again, in ns.
     */
    static final long RETRY_DELAY_NS = 1_000_000_000L;

    private static final int MIN_BUFFER_BYTES = 64 * 1024;

    private final RemoteTier tier;
    private final BlockClient client;
    private final List<RemoteNode> placed = new ArrayList<>();
    private final UnsafeBuffer transfer = new UnsafeBuffer(0, 0);
    private ByteBuffer transferBytes;

    ReplicaRepairAgent(final RemoteTier tier, final BlockClient client)
    {
        this.tier = tier;
        this.client = client;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "tierpool-replica-repair";
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        int work = 0;
        String endpoint;
        while ((endpoint = tier.pollDeparted()) != null)
        {
            client.disconnect(endpoint);
            work++;
        }

        work += tier.retryFailedFrees();

        final ReplicaSet block = tier.beginRepair(System.nanoTime());
        if (block != null)
        {
            repair(block);
            work++;
        }
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public void onClose()
    {
        if (transferBytes != null)
        {
            BufferUtil.free(transferBytes);
            transferBytes = null;
            transfer.wrap(0, 0);
        }
    }

    private void repair(final ReplicaSet block)
    {
        placed.clear();
        boolean retry = false;
        try
        {
            final RemoteNode[] holders = tier.holdersOf(block);
            final RemoteNode[] candidates = tier.repairCandidates(block, holders);
            if (candidates.length > 0 && holders.length > 0)
            {
                ensureCapacity(block.length);
                final boolean fetched = fetch(block, holders);
                retry = !fetched;
                if (fetched)
                {
                    final int needed = tier.replicas() - holders.length;
                    for (int i = 0; i < candidates.length && placed.size() < needed; i++)
                    {
                        final RemoteNode node = candidates[i];
                        try
                        {
                            client.put(node.info.endpoint(), block.blockId, block.location, transfer, 0, block.length);
                            node.puts.incrementAndGet();
                            placed.add(node);
                        }
                        catch (final RemoteErrorException ex)
                        {
                            if (ex.code() == ErrorCode.NO_SPACE)
                            {
                                node.refusedNoSpace.incrementAndGet();
                            }
                            else
                            {
                                node.unreachable.incrementAndGet();
                            }
                        }
                        catch (final TransportException ex)
                        {
                            node.unreachable.incrementAndGet();
                        }
                    }
                }
            }
        }
        finally
        {
            tier.completeRepair(block, placed, retry);
            placed.clear();
        }
    }

    private boolean fetch(final ReplicaSet block, final RemoteNode[] holders)
    {
        for (final RemoteNode source : holders)
        {
            if (!source.live)
            {
                continue;
            }
            try
            {
                final int received = client.get(
                    source.info.endpoint(), block.blockId, block.location, transfer, 0, block.length);
                if (received == block.length)
                {
                    source.gets.incrementAndGet();
                    return true;
                }
                tier.onFailover();
            }
            catch (final TransferChecksumException ex)
            {
                tier.onChecksumRetry();
            }
            catch (final RemoteErrorException ex)
            {
                if (ex.code() == ErrorCode.NOT_FOUND)
                {
                    tier.dropReplica(block, source);
                }
                tier.onFailover();
            }
            catch (final TransportException ex)
            {
                source.unreachable.incrementAndGet();
                tier.onFailover();
            }
        }
        return false;
    }

    private void ensureCapacity(final int length)
    {
        if (transfer.capacity() < length)
        {
            final int capacity = (int)Math.min(Integer.MAX_VALUE - 8, Math.max(MIN_BUFFER_BYTES,
                Long.highestOneBit((long)length - 1) << 1));
            if (transferBytes != null)
            {
                BufferUtil.free(transferBytes);
                transferBytes = null;
            }
            transferBytes = ByteBuffer.allocateDirect(capacity);
            transfer.wrap(transferBytes);
        }
    }
}
