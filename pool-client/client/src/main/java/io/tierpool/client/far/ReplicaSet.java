/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.far;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The copies of one block in far memory: the nodes that hold it now, in the order reads try them (rendezvous rank
 * at placement, then copies added by re-replication), and every node that ever held it, for the message of a
 * {@link io.tierpool.client.BlockLostException}.
 * <p>
 * Every field except the final ones is read and written only under the {@link RemoteTier}'s lock. {@link #holders}
 * is copy-on-write, so a snapshot taken under the lock can be used outside it.
 */
final class ReplicaSet
{
    static final RemoteNode[] NO_NODES = new RemoteNode[0];

    final long location;
    final long blockId;
    final int length;
    final int crc32c;
    final List<RemoteNode> everHeld = new ArrayList<>(2);
    RemoteNode[] holders;
    boolean freed;
    boolean queued;
    /**
     * The next live record of the same block, or null: a block rewritten in this tier has a second record for a
     * moment (the engine writes the new copy before it frees the old one), and nodes key copies by block id.
     */
    ReplicaSet nextOfBlock;

    ReplicaSet(final long location, final long blockId, final int length, final int crc32c, final RemoteNode[] holders)
    {
        this.location = location;
        this.blockId = blockId;
        this.length = length;
        this.crc32c = crc32c;
        this.holders = holders;
        everHeld.addAll(Arrays.asList(holders));
    }

    boolean holds(final RemoteNode node)
    {
        for (final RemoteNode holder : holders)
        {
            if (holder == node)
            {
                return true;
            }
        }
        return false;
    }

    boolean isLost()
    {
        return holders.length == 0;
    }

    void add(final RemoteNode node)
    {
        final RemoteNode[] grown = Arrays.copyOf(holders, holders.length + 1);
        grown[holders.length] = node;
        holders = grown;
        if (!everHeld.contains(node))
        {
            everHeld.add(node);
        }
    }

    boolean remove(final RemoteNode node)
    {
        for (int i = 0; i < holders.length; i++)
        {
            if (holders[i] == node)
            {
                final RemoteNode[] shrunk = new RemoteNode[holders.length - 1];
                System.arraycopy(holders, 0, shrunk, 0, i);
                System.arraycopy(holders, i + 1, shrunk, i, holders.length - i - 1);
                holders = shrunk;
                return true;
            }
        }
        return false;
    }

    String describeEverHeld()
    {
        final StringBuilder sb = new StringBuilder();
        for (final RemoteNode node : everHeld)
        {
            if (sb.length() > 0)
            {
                sb.append(", ");
            }
            sb.append(node.describe());
        }
        return sb.toString();
    }

    String everHeldNames()
    {
        final StringBuilder sb = new StringBuilder();
        for (final RemoteNode node : everHeld)
        {
            if (sb.length() > 0)
            {
                sb.append(',');
            }
            sb.append(node.info.nodeName());
        }
        return sb.toString();
    }
}
