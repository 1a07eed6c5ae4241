/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.server;

import io.tierpool.client.TierPoolException;
import io.tierpool.client.BlockFreedException;
import io.tierpool.client.Hint;
import io.tierpool.client.OutOfTierMemoryException;
import io.tierpool.node.engine.BlockStore;
import io.tierpool.client.TierStats;
import io.tierpool.transport.BlockRequestException;
import io.tierpool.transport.BlockRequestHandler;
import io.tierpool.transport.ErrorCode;
import io.tierpool.client.NodeUsage;
import io.tierpool.client.TierUsage;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import io.tierpool.transport.MembershipQuery;
import io.tierpool.transport.MembershipSnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Stores the blocks that remote clients place on this node in the node's own {@link BlockStore}, so that they
 * spill through this node's tiers like local blocks. A remote block is named by the pair (client id, the
 * client's block id) and, from protocol version 1, the copy's generation, which the client chooses per copy: two
 * copies of one block id (a retained copy and a newer one) live side by side and are read and freed apart. This
 * service maps each (client id, block id, generation) to a block of the local store.
 * <p>
 * Called by the transport's block server on its agent thread, and by the node's lease reaper when a client's
 * lease lapses ({@link #reclaimLapsedLeases}). The block map ({@code blocksByClient}) is this service's shared
 * state: its monitor guards only lookups and updates of the map (a few instructions), never the store's
 * allocate, read, write or free, which may move bytes between the node's tiers; those run with no lock held. A
 * copy is first written to the store and then entered in the map (a reader never sees a half-written copy), and
 * taken out of the map before it is freed; a get that loses a race with a free or a lease reclaim answers
 * {@link ErrorCode#NOT_FOUND}, as if it had come after it. Every request from a
 * client renews its lease ({@link ClientLeases}); thin clients learn the cluster's membership from
 * {@link #membership(long, long)}, read from the {@link ClusterMembers} the daemon sets once it has joined.
 * <p>
 * Every request served is counted by {@link Op} and outcome ({@link #servedRequests()}): a request whose handler
 * returns counts as ok, one whose handler throws (for example {@link ErrorCode#NOT_FOUND} or
 * {@link ErrorCode#NO_SPACE}) as an error. Requests the transport refuses before they reach this service (an expired
 * deadline, a damaged transfer) are not counted here. Each served request is also timed, from the start of its
 * handler call to its end (a get from {@link #blockLength(long, long)} to the end of
 * {@link #onGet(long, long, MutableDirectBuffer, int, int)}), and reported to the {@link RequestListener} if one is
 * set. The counters can be read from any thread.
 */
public final class NodeBlockService implements BlockRequestHandler
{
    private static final long MISSING = 0;
    private static final Op[] OPS = Op.values();

    /**
     * The kinds of remote request this service serves.
     */
    public enum Op
    {
        /** Store a block. */
        PUT,

        /** Read a block back. */
        GET,

        /** Free a block. */
        FREE,

        /** Report the node's capacity and usage per tier. */
        USAGE,

        /** Tell a thin client the cluster's membership and renew its lease (its heartbeat). */
        MEMBERSHIP,

        /** A client left: end its lease and free its blocks. */
        LEAVE;

        private final String label = name().toLowerCase(Locale.ROOT);

        /**
         * @return the op in lower case, as metrics label it: {@code put}, {@code get}, {@code free}, {@code usage},
         * {@code membership} or {@code leave}.
         */
        public String label()
        {
            return label;
        }
    }

    /**
     * Told of every request served, on the thread that served it (the transport's agent thread): keep it quick and
     * allocation free, and do not throw.
     */
    @FunctionalInterface
    public interface RequestListener
    {
        /** A listener that ignores every request. */
        RequestListener NONE = (op, ok, durationNs) -> {};

        /**
         * @param op         the request's kind.
         * @param ok         true if the request succeeded, false if it was refused or failed.
         * @param durationNs how long the service took to serve it, in nanoseconds.
         */
        void onRequest(Op op, boolean ok, long durationNs);
    }

    /**
     * Counts of requests served since the service was created, by kind and outcome. A snapshot; the fields are read
     * one after the other, so a request served meanwhile may show in some and not in others.
     *
     * @param putOk       blocks stored.
     * @param putErrors   puts refused or failed (no space, bad input, a store error).
     * @param getOk       blocks read back.
     * @param getErrors   gets refused or failed (no such block, a store error).
     * @param freeOk      blocks freed on request.
     * @param freeErrors  frees refused (no such block).
     * @param usageOk     usage reports sent.
     * @param usageErrors usage reports that failed.
     * @param reclaimedBlocks blocks freed because their client left or its lease lapsed, not by a free request.
     * @param membershipOk     membership answers sent (thin clients' heartbeats).
     * @param membershipErrors membership requests refused.
     * @param leaveOk          clients that left.
     * @param leaveErrors      leaves that failed.
     */
    public record ServedRequests(
        long putOk,
        long putErrors,
        long getOk,
        long getErrors,
        long freeOk,
        long freeErrors,
        long usageOk,
        long usageErrors,
        long reclaimedBlocks,
        long membershipOk,
        long membershipErrors,
        long leaveOk,
        long leaveErrors)
    {
        /**
         * @param op an op.
         * @param ok true for the successful requests, false for the failed ones.
         * @return how many requests of that kind ended that way.
         */
        public long count(final Op op, final boolean ok)
        {
            switch (op)
            {
                case PUT:
                    return ok ? putOk : putErrors;
                case GET:
                    return ok ? getOk : getErrors;
                case FREE:
                    return ok ? freeOk : freeErrors;
                case MEMBERSHIP:
                    return ok ? membershipOk : membershipErrors;
                case LEAVE:
                    return ok ? leaveOk : leaveErrors;
                default:
                    return ok ? usageOk : usageErrors;
            }
        }
    }

    private final String nodeName;
    private final BlockStore store;
    private final Long2ObjectHashMap<ClientCopies> blocksByClient = new Long2ObjectHashMap<>();
    private final AtomicLongArray requestCounts = new AtomicLongArray(OPS.length * 2);
    private final AtomicLong reclaimedBlocks = new AtomicLong();
    private volatile RequestListener requestListener = RequestListener.NONE;
    private volatile ClusterMembers members;
    private final ClientLeases leases = new ClientLeases();
    private final LongArrayList lapsedClients = new LongArrayList();
    private long getStartNs;

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
    public void onPut(
        final long clientId,
        final long blockId,
        final long generation,
        final DirectBuffer src,
        final int srcOffset,
        final int length)
    {
        final long startNs = System.nanoTime();
        leases.renew(clientId, true, startNs);
        boolean ok = false;
        try
        {
            put(clientId, blockId, generation, src, srcOffset, length);
            ok = true;
        }
        finally
        {
            served(Op.PUT, ok, startNs);
        }
    }

    private void put(
        final long clientId,
        final long blockId,
        final long generation,
        final DirectBuffer src,
        final int srcOffset,
        final int length)
    {
        // A copy put again (a retried put) replaces the one it had: free that first, so that a full node has its
        // room back. The map is updated under the monitor; allocate, write and free run with no lock held: the
        // store does its own locking, and its write may move bytes between tiers.
        final long existing;
        synchronized (blocksByClient)
        {
            final ClientCopies blocks = blocksByClient.get(clientId);
            existing = null == blocks ? MISSING : blocks.remove(blockId, generation);
        }
        if (existing != MISSING)
        {
            freeQuietly(existing);
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

        final long replaced;
        synchronized (blocksByClient)
        {
            final ClientCopies blocks = blocksByClient.computeIfAbsent(clientId, (k) -> new ClientCopies());
            replaced = blocks.put(blockId, generation, localId);
        }
        if (replaced != MISSING)
        {
            freeQuietly(replaced);
        }
    }

    /**
     * {@inheritDoc}
     */
    public int blockLength(final long clientId, final long blockId, final long generation)
    {
        final long startNs = System.nanoTime();
        leases.renew(clientId, false, startNs);
        boolean ok = false;
        try
        {
            final int length = sizeOf(clientId, blockId, generation, localId(clientId, blockId, generation));
            ok = true;
            getStartNs = startNs;
            return length;
        }
        finally
        {
            if (!ok)
            {
                served(Op.GET, false, startNs);
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onGet(
        final long clientId,
        final long blockId,
        final long generation,
        final MutableDirectBuffer dst,
        final int dstOffset,
        final int length)
    {
        final long startNs = getStartNs;
        boolean ok = false;
        try
        {
            get(clientId, blockId, generation, dst, dstOffset, length);
            ok = true;
        }
        finally
        {
            served(Op.GET, ok, startNs);
        }
    }

    private void get(
        final long clientId,
        final long blockId,
        final long generation,
        final MutableDirectBuffer dst,
        final int dstOffset,
        final int length)
    {
        final long localId = localId(clientId, blockId, generation);
        try
        {
            store.read(localId, 0, dst, dstOffset, length);
        }
        catch (final BlockFreedException ex)
        {
            throw notFound(clientId, blockId, generation);
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

    /**
     * {@inheritDoc}
     */
    public void onFree(final long clientId, final long blockId, final long generation)
    {
        final long startNs = System.nanoTime();
        leases.renew(clientId, false, startNs);
        boolean ok = false;
        try
        {
            final long localId;
            synchronized (blocksByClient)
            {
                final ClientCopies blocks = blocksByClient.get(clientId);
                localId = null == blocks ? MISSING : blocks.remove(blockId, generation);
                if (null != blocks && blocks.isEmpty())
                {
                    blocksByClient.remove(clientId);
                }
            }
            if (localId == MISSING)
            {
                throw notFound(clientId, blockId, generation);
            }
            freeQuietly(localId);
            ok = true;
        }
        finally
        {
            served(Op.FREE, ok, startNs);
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
        final ClientCopies blocks;
        synchronized (blocksByClient)
        {
            blocks = blocksByClient.remove(clientId);
        }
        if (blocks == null)
        {
            return 0;
        }
        // The client's map is out of the shared map: no one else reaches it, so the frees run with no lock held.
        int freed = 0;
        for (final Long2LongHashMap generations : blocks.byBlock.values())
        {
            final Long2LongHashMap.ValueIterator values = generations.values().iterator();
            while (values.hasNext())
            {
                if (freeQuietly(values.nextValue()))
                {
                    freed++;
                    reclaimedBlocks.incrementAndGet();
                }
            }
        }
        return freed;
    }

    /**
     * Answer a thin client's membership request from the cluster membership this node holds, granting or renewing
     * the client's lease ({@link ClientLeases#grant}).
     *
     * @throws BlockRequestException with {@link ErrorCode#INTERNAL} while the node has not joined its cluster yet
     *                               ({@link #members(ClusterMembers)} not called).
     */
    public MembershipSnapshot membership(final long clientId, final long leaseTimeoutMs)
    {
        return membership(clientId, leaseTimeoutMs, MembershipQuery.FULL);
    }

    /**
     * Answer a thin client's membership request (protocol version 4) with what its query asks for: every live
     * node, what changed since the client's sequence, or nothing but the lease renewal
     * ({@link ClusterMembers#answer}); the lease is granted or renewed whatever the query.
     *
     * @throws BlockRequestException with {@link ErrorCode#INTERNAL} while the node has not joined its cluster yet
     *                               ({@link #members(ClusterMembers)} not called).
     */
    public MembershipSnapshot membership(final long clientId, final long leaseTimeoutMs, final MembershipQuery query)
    {
        final long startNs = System.nanoTime();
        boolean ok = false;
        try
        {
            final ClusterMembers source = members;
            if (null == source)
            {
                throw new BlockRequestException(ErrorCode.INTERNAL, "node " + nodeName +
                    " has not joined its cluster yet; ask again in a moment");
            }
            final long grantedMs = leases.grant(clientId, leaseTimeoutMs, startNs);
            final MembershipSnapshot snapshot = source.answer(grantedMs, query);
            ok = true;
            return snapshot;
        }
        finally
        {
            served(Op.MEMBERSHIP, ok, startNs);
        }
    }

    /**
     * The client left: end its lease and free its blocks.
     */
    public void onLeave(final long clientId)
    {
        final long startNs = System.nanoTime();
        boolean ok = false;
        try
        {
            leases.end(clientId);
            freeClient(clientId);
            ok = true;
        }
        finally
        {
            served(Op.LEAVE, ok, startNs);
        }
    }

    /**
     * Reclaim the blocks of every client whose lease has lapsed. Called by the node's lease reaper, about every
     * 200 ms; one caller at a time.
     *
     * @param listener told of each client reclaimed and how many blocks it held here; may be null.
     * @return how many clients' leases had lapsed.
     */
    public int reclaimLapsedLeases(final LapseListener listener)
    {
        final int count = leases.lapsed(System.nanoTime(), lapsedClients);
        for (int i = 0; i < count; i++)
        {
            final long clientId = lapsedClients.getLong(i);
            final int freed = freeClient(clientId);
            if (null != listener)
            {
                listener.onLapsed(clientId, freed);
            }
        }
        return count;
    }

    /**
     * @param members where {@link #membership(long, long)} reads the cluster's membership from, once the node has
     *                joined its cluster.
     * @return this, for chaining.
     */
    public NodeBlockService members(final ClusterMembers members)
    {
        this.members = members;
        return this;
    }

    /**
     * @return the leases this node keeps for its clients.
     */
    public ClientLeases leases()
    {
        return leases;
    }

    /**
     * Where a node's {@link NodeBlockService} reads the cluster's membership from to answer thin clients.
     */
    @FunctionalInterface
    public interface ClusterMembers
    {
        /**
         * @param grantedLeaseMs the lease granted to the asking client, ms, to put in the answer.
         * @return the membership now; must not block.
         */
        MembershipSnapshot snapshot(long grantedLeaseMs);

        /**
         * @param grantedLeaseMs the lease granted to the asking client, ms, to put in the answer.
         * @param query          what the client asks to have listed (protocol version 4).
         * @return the answer; this default answers every query in full with {@link #snapshot(long)}, which is a
         * valid answer to any query. Must not block.
         */
        default MembershipSnapshot answer(final long grantedLeaseMs, final MembershipQuery query)
        {
            return snapshot(grantedLeaseMs);
        }
    }

    /**
     * Told of each client whose lease lapsed.
     */
    @FunctionalInterface
    public interface LapseListener
    {
        /**
         * @param clientId    the client.
         * @param freedBlocks how many of its blocks this node freed.
         */
        void onLapsed(long clientId, int freedBlocks);
    }

    /**
     * @return how many blocks remote clients hold on this node now.
     */
    public int remoteBlockCount()
    {
        synchronized (blocksByClient)
        {
            int count = 0;
            for (final ClientCopies blocks : blocksByClient.values())
            {
                count += blocks.size;
            }
            return count;
        }
    }

    /**
     * @return the ids of the clients that hold blocks on this node now, a snapshot in no particular order; what a
     * node daemon frees with {@link #freeClient(long)} when it drops every block (see
     * {@code io.tierpool.node.cluster.PartitionHealer}).
     */
    public long[] clientIds()
    {
        synchronized (blocksByClient)
        {
            final long[] ids = new long[blocksByClient.size()];
            int i = 0;
            final Long2ObjectHashMap<ClientCopies>.KeyIterator keys = blocksByClient.keySet().iterator();
            while (keys.hasNext())
            {
                ids[i++] = keys.nextLong();
            }
            return ids;
        }
    }

    /**
     * @return how many remote clients hold at least one block on this node now.
     */
    public int remoteClientCount()
    {
        synchronized (blocksByClient)
        {
            int count = 0;
            for (final ClientCopies blocks : blocksByClient.values())
            {
                if (!blocks.isEmpty())
                {
                    count++;
                }
            }
            return count;
        }
    }

    /**
     * {@inheritDoc}
     */
    public NodeUsage usage()
    {
        final long startNs = System.nanoTime();
        boolean ok = false;
        try
        {
            final List<TierStats> tierStats = store.tierStats();
            final List<TierUsage> tiers = new ArrayList<>(tierStats.size());
            for (final TierStats tier : tierStats)
            {
                tiers.add(new TierUsage(tier.name(), tier.capacityBytes(), tier.usedBytes(), tier.blockCount()));
            }
            ok = true;
            return new NodeUsage(nodeName, tiers);
        }
        finally
        {
            served(Op.USAGE, ok, startNs);
        }
    }

    /**
     * @param op an op.
     * @param ok true for the successful requests, false for the failed ones.
     * @return how many requests of that kind ended that way since the service was created. Any thread.
     */
    public long servedRequests(final Op op, final boolean ok)
    {
        return requestCounts.get(counterIndex(op, ok));
    }

    /**
     * @return the served-request counters now. Any thread.
     */
    public ServedRequests servedRequests()
    {
        return new ServedRequests(
            servedRequests(Op.PUT, true),
            servedRequests(Op.PUT, false),
            servedRequests(Op.GET, true),
            servedRequests(Op.GET, false),
            servedRequests(Op.FREE, true),
            servedRequests(Op.FREE, false),
            servedRequests(Op.USAGE, true),
            servedRequests(Op.USAGE, false),
            reclaimedBlocks.get(),
            servedRequests(Op.MEMBERSHIP, true),
            servedRequests(Op.MEMBERSHIP, false),
            servedRequests(Op.LEAVE, true),
            servedRequests(Op.LEAVE, false));
    }

    /**
     * @return blocks freed by {@link #freeClient(long)} since the service was created. Any thread.
     */
    public long reclaimedBlocks()
    {
        return reclaimedBlocks.get();
    }

    /**
     * @param listener told of every request served, with its duration; null for none. Replaces the previous one.
     * @return this, for chaining.
     */
    public NodeBlockService requestListener(final RequestListener listener)
    {
        this.requestListener = null == listener ? RequestListener.NONE : listener;
        return this;
    }

    /**
     * @return the listener told of every request served; {@link RequestListener#NONE} when none was set.
     */
    public RequestListener requestListener()
    {
        return requestListener;
    }

    private void served(final Op op, final boolean ok, final long startNs)
    {
        requestCounts.incrementAndGet(counterIndex(op, ok));
        requestListener.onRequest(op, ok, System.nanoTime() - startNs);
    }

    private static int counterIndex(final Op op, final boolean ok)
    {
        return op.ordinal() * 2 + (ok ? 0 : 1);
    }

    private long localId(final long clientId, final long blockId, final long generation)
    {
        final long localId;
        synchronized (blocksByClient)
        {
            final ClientCopies blocks = blocksByClient.get(clientId);
            localId = blocks == null ? MISSING : blocks.get(blockId, generation);
        }
        if (localId == MISSING)
        {
            throw notFound(clientId, blockId, generation);
        }
        return localId;
    }

    private int sizeOf(final long clientId, final long blockId, final long generation, final long localId)
    {
        try
        {
            return (int)store.sizeOf(localId);
        }
        catch (final BlockFreedException ex)
        {
            // Freed after the lookup, by a free of that copy or the reclaim of a lapsed lease.
            throw notFound(clientId, blockId, generation);
        }
    }

    private BlockRequestException notFound(final long clientId, final long blockId, final long generation)
    {
        return new BlockRequestException(ErrorCode.NOT_FOUND, "node " + nodeName + " holds no block " + blockId +
            " (generation " + generation + ") of client " + clientId +
            " (never placed here, already freed, or reclaimed after the client left)");
    }

    /**
     * Free a local block whose mapping this service has already removed.
     *
     * @return false if the store had already freed it.
     */
    private boolean freeQuietly(final long localId)
    {
        try
        {
            store.free(localId);
            return true;
        }
        catch (final BlockFreedException ignore)
        {
            return false;
        }
    }

    /**
     * One client's copies on this node: block id, then generation, to the local block id. Guarded by the
     * service's block map, like everything here.
     */
    private static final class ClientCopies
    {
        private final Long2ObjectHashMap<Long2LongHashMap> byBlock = new Long2ObjectHashMap<>();
        private int size;

        long get(final long blockId, final long generation)
        {
            final Long2LongHashMap generations = byBlock.get(blockId);
            return null == generations ? MISSING : generations.get(generation);
        }

        /**
         * @return the local block this copy replaced, or {@link #MISSING}.
         */
        long put(final long blockId, final long generation, final long localId)
        {
            final Long2LongHashMap generations = byBlock.computeIfAbsent(blockId, (k) -> new Long2LongHashMap(MISSING));
            final long replaced = generations.put(generation, localId);
            if (replaced == MISSING)
            {
                size++;
            }
            return replaced;
        }

        long remove(final long blockId, final long generation)
        {
            final Long2LongHashMap generations = byBlock.get(blockId);
            if (null == generations)
            {
                return MISSING;
            }
            final long localId = generations.remove(generation);
            if (localId != MISSING)
            {
                size--;
                if (generations.isEmpty())
                {
                    byBlock.remove(blockId);
                }
            }
            return localId;
        }

        boolean isEmpty()
        {
            return 0 == size;
        }
    }
}
