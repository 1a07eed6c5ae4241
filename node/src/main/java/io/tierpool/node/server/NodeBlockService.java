/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.server;

import io.tierpool.TierPoolException;
import io.tierpool.node.BlockFreedException;
import io.tierpool.node.Hint;
import io.tierpool.node.OutOfTierMemoryException;
import io.tierpool.node.engine.BlockStore;
import io.tierpool.node.engine.StoreStats;
import io.tierpool.node.tier.TierStats;
import io.tierpool.transport.BlockRequestException;
import io.tierpool.transport.BlockRequestHandler;
import io.tierpool.transport.ErrorCode;
import io.tierpool.transport.NodeUsage;
import io.tierpool.transport.TierUsage;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.List;

/**
 * Stores the blocks that remote clients place on this node in the node's own {@link BlockStore}, so that they
 * spill through this node's tiers like local blocks. A remote block is named by the pair (client id, the
 * client's block id); this service maps each pair to a block of the local store.
 * <p>
 * Called by the transport's block server on its agent thread, and by membership events when a client leaves
 * ({@link #freeClient(long)}); all methods synchronise on this service's block map.
 */
public final class NodeBlockService implements BlockRequestHandler
{
    private static final long MISSING = 0;

    private final String nodeName;
    private final BlockStore store;
    private final Long2ObjectHashMap<Long2LongHashMap> blocksByClient = new Long2ObjectHashMap<>();

    /**
     * @param nodeName the node's name, used in error messages.
     * @param store    the node's block store; owned by the caller.
     */
    public NodeBlockService(final String nodeName, final BlockStore store)
    {
        this.nodeName = nodeName;
        this.store = store;
    }

    /**
     * {@inheritDoc}
     */
    public void onPut(final long clientId, final long blockId, final DirectBuffer src, final int srcOffset, final int length)
    {
        synchronized (blocksByClient)
        {
            final Long2LongHashMap blocks = blocksByClient.computeIfAbsent(clientId, (k) -> new Long2LongHashMap(MISSING));
            final long existing = blocks.remove(blockId);
            if (existing != MISSING)
            {
                store.free(existing);
            }

            final long localId;
            try
            {
                localId = store.allocate(length, Hint.WARM);
            }
            catch (final OutOfTierMemoryException ex)
            {
                throw new BlockRequestException(ErrorCode.NO_SPACE, "node " + nodeName + " has no room for block " +
                    blockId + " of client " + clientId + " (" + length + " bytes): " + ex.getMessage());
            }

            try
            {
                store.write(localId, 0, src, srcOffset, length);
            }
            catch (final RuntimeException ex)
            {
                store.free(localId);
                throw ex;
            }
            blocks.put(blockId, localId);
        }
    }

    /**
     * {@inheritDoc}
     */
    public int blockLength(final long clientId, final long blockId)
    {
        synchronized (blocksByClient)
        {
            return (int)store.sizeOf(localId(clientId, blockId));
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onGet(final long clientId, final long blockId, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        synchronized (blocksByClient)
        {
            final long localId = localId(clientId, blockId);
            try
            {
                store.read(localId, 0, dst, dstOffset, length);
            }
            catch (final TierPoolException ex)
            {
                if (ex instanceof BlockRequestException)
                {
                    throw ex;
                }
                throw new BlockRequestException(ErrorCode.INTERNAL, "node " + nodeName + " cannot read block " +
                    blockId + " of client " + clientId + ": " + ex.getMessage());
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onFree(final long clientId, final long blockId)
    {
        synchronized (blocksByClient)
        {
            final long localId = localId(clientId, blockId);
            blocksByClient.get(clientId).remove(blockId);
            store.free(localId);
        }
    }

    /**
     * Frees every block a client placed on this node, for example when discovery reports that the client left
     * or failed.
     *
     * @param clientId the client whose blocks to free.
     * @return how many blocks were freed.
     */
    public int freeClient(final long clientId)
    {
        synchronized (blocksByClient)
        {
            final Long2LongHashMap blocks = blocksByClient.remove(clientId);
            if (blocks == null)
            {
                return 0;
            }
            int freed = 0;
            final Long2LongHashMap.ValueIterator values = blocks.values().iterator();
            while (values.hasNext())
            {
                try
                {
                    store.free(values.nextValue());
                    freed++;
                }
                catch (final BlockFreedException ignore)
                {
                    // Already gone: nothing to reclaim.
                }
            }
            return freed;
        }
    }

    /**
     * @return how many blocks remote clients hold on this node now.
     */
    public int remoteBlockCount()
    {
        synchronized (blocksByClient)
        {
            int count = 0;
            for (final Long2LongHashMap blocks : blocksByClient.values())
            {
                count += blocks.size();
            }
            return count;
        }
    }

    /**
     * {@inheritDoc}
     */
    public NodeUsage usage()
    {
        final StoreStats stats = store.stats();
        final List<TierUsage> tiers = new ArrayList<>(stats.tiers().size());
        for (final TierStats tier : stats.tiers())
        {
            tiers.add(new TierUsage(tier.name(), tier.capacityBytes(), tier.usedBytes(), tier.blockCount()));
        }
        return new NodeUsage(nodeName, tiers);
    }

    private long localId(final long clientId, final long blockId)
    {
        final Long2LongHashMap blocks = blocksByClient.get(clientId);
        final long localId = blocks == null ? MISSING : blocks.get(blockId);
        if (localId == MISSING)
        {
            throw new BlockRequestException(ErrorCode.NOT_FOUND, "node " + nodeName + " holds no block " + blockId +
                " of client " + clientId + " (never placed here, already freed, or reclaimed after the client left)");
        }
        return localId;
    }
}
