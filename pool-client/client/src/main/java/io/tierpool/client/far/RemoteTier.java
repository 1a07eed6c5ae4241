/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.far;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.BlockLostException;
import io.tierpool.client.ChecksumMismatchException;
import io.tierpool.client.RemoteNodeStats;
import io.tierpool.client.cluster.ClusterListener;
import io.tierpool.client.NodeView;
import io.tierpool.node.tier.Tier;
import io.tierpool.client.TierKind;
import io.tierpool.transport.BlockClient;
import io.tierpool.transport.BlockRequest;
import io.tierpool.transport.ErrorCode;
import io.tierpool.transport.RemoteErrorException;
import io.tierpool.transport.TransferChecksumException;
import io.tierpool.transport.TransportException;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The far-memory tier: blocks stored in the memory and tiers of other node daemons, reached over Aeron with a
 * {@link BlockClient}, with the live nodes followed through the cluster client ({@link ClusterListener}).
 * <p>
 * <b>Replicas.</b> Each block is stored on {@link #replicas()} different nodes (fewer when fewer nodes are live
 * or willing: the block then counts as under-replicated). The count is fixed when the tier starts
 * ({@link #start(List)}): the value asked for, or with {@link #AUTO_REPLICAS} 2 when two or more node daemons
 * are live then and 1 otherwise.
 * <p>
 * <b>Placement.</b> The nodes are ranked per block by weighted rendezvous hashing ({@link RendezvousHash}),
 * weighted by the free bytes each node last published ({@link #onFreeBytes}, learnt with the cluster client's
 * heartbeats about every second), or by the capacity it advertised at join while none is known; a node that published 0 free is ranked after
 * every other. The block goes to the top-ranked live nodes that accept it. A
 * node that refuses ({@link ErrorCode#NO_SPACE}) or cannot be reached is skipped for the next one. When no node
 * takes the block, {@link #write} returns {@link Tier#NO_SPACE} and the engine reports the pool as full.
 * <p>
 * <b>Locations and generations.</b> The location {@link #write} returns names a {@link ReplicaSet}, this tier's
 * record of which nodes hold the copy; it is a sequence number that is never reused. It is also the copy's
 * generation on the wire: nodes key a copy by (client, block id, generation), so two copies of one block id - a
 * retained copy and a newer one, or a new copy written while an old one is being freed - live side by side on one
 * node, and a free, a read or a repair of one copy never touches the other.
 * <p>
 * <b>Writes.</b> The puts of a block's replicas go out together (all in flight at once, through the
 * {@link BlockClient}'s asynchronous core); {@link #write} returns when every one has answered. Nodes that refuse
 * or cannot be reached are replaced by the next ones in rank order, again in parallel. {@link #writeBatch} sends
 * the small blocks of a batch to each node as batch puts (one message for many blocks).
 * <p>
 * <b>Reads and failover.</b> A read asks the holders in rank order, skipping nodes that have left. A holder that
 * times out, cannot be reached, answers with an error ({@code NOT_FOUND}, {@code CHECKSUM_MISMATCH},
 * {@code INTERNAL}, ...) or sends bytes whose CRC32C does not match is counted ({@link #failovers()},
 * {@link #checksumRetries()}) and the next holder is asked. Each copy is checked end to end against the CRC32C it
 * was written with, in the transport's own pass over the bytes ({@link #verifiesReads()}), so a node whose copy
 * was damaged at rest is failed over like one that damaged it on the way. A holder that answers {@code NOT_FOUND} is struck
 * from the block's record. {@link BlockLostException} is thrown only when no holder is left; when holders are
 * left but none answered, the last transport error is thrown (the data is not lost, only out of reach now).
 * <p>
 * <b>Suspect nodes.</b> A node whose request timed out or could not reach it (not one that answered with an
 * error) is suspect for the suspect period ({@link #SUSPECT_PERIOD_NS_DEFAULT} by default), or until a request to
 * it is answered: writes and repairs rank it after every other live node, reads ask it after the other holders,
 * and frees skip it (its copy stays until the node reclaims this client's blocks when the client leaves). Without
 * this, every request whose first-ranked node is partitioned off but not yet declared failed by discovery would wait
 * the full request timeout (found by {@code NetworkFaultTest}). After the period the node is asked again in its
 * turn, so one request per period probes a node that is still cut off.
 * <p>
 * <b>Re-replication.</b> When discovery reports a node gone, {@link #onNodeLeft} strikes it from every block's
 * record (in memory only: no network I/O on the cluster client's thread), counts the blocks that had no other copy as lost
 * and queues the others. A {@link ReplicaRepairAgent} on its own thread copies each queued block from a survivor
 * to the next node in rank order that does not hold it yet. A node joining queues the under-replicated blocks
 * again, so that blocks written while too few nodes were live get their missing copies.
 * <p>
 * <b>Frees</b> complete asynchronously: {@link #free} drops the record and sends a free per holder without waiting.
 * A free that fails (timeout, unreachable node) is handed to the repair agent, which sends it again up to
 * {@link #FREE_ATTEMPTS} times in all and then records it ({@link #failedFrees()}): the node reclaims the copy
 * when this client leaves. As frees name the copy's generation, a retried free never deletes another copy.
 * <p>
 * <b>Threads.</b> {@link #concurrentIo()} is true: {@link #write}, {@link #writeBatch}, {@link #read} and
 * {@link #free} may be called by many threads at once, and the engine holds no lock of its own around them. One
 * lock of this tier guards the records and the node table for a few instructions at a time and is never held
 * across network I/O; the repair agent and discovery events run on other threads. A block freed while the agent
 * copies it has the new copy freed again. Closing the tier stops the agent; it does not close the
 * {@link BlockClient}, which belongs to the pool.
 * <p>
 * Size: over ~800 lines because the records, the node table and the repair queue share one lock and one set of
 * invariants (a record's holders, each node's copy counts, the tier's used bytes), so the paths that change them -
 * write, batch write, read's failover, free, repair and discovery events - are kept together; the transfers
 * themselves live in {@link BlockClient} and {@link ReplicaRepairAgent}.
 */
public final class RemoteTier implements Tier, ClusterListener
{
    /**
     * Replica count meaning "2 when two or more node daemons are live at start, else 1".
     */
    public static final int AUTO_REPLICAS = 0;

    /**
     * The largest replica count accepted.
     */
    public static final int MAX_REPLICAS = 16;

    /**
     * Default time a node stays suspect after a request to it timed out or could not reach it: 10 s. While suspect,
     * it is asked last (see the class description).
     */
    public static final long SUSPECT_PERIOD_NS_DEFAULT = TimeUnit.SECONDS.toNanos(10);

    /**
     * Times in all a free of one copy is sent before it is recorded as failed: 3.
     */
    public static final int FREE_ATTEMPTS = 3;

    /**
     * Live nodes up to which a block's candidates are all in rendezvous order: 64. See {@link #rankLiveNodes}.
     */
    static final int FULLY_RANKED_NODES = 64;

    /**
     * Candidates in rendezvous order beyond the replica count in larger clusters: 8.
     */
    static final int SPARE_RANKED_NODES = 8;

    private static final long REPAIR_IDLE_MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final BlockClient client;
    private final int requestedReplicas;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<RemoteNode> nodes = new ArrayList<>();
    private final HashMap<UUID, RemoteNode> nodesById = new HashMap<>();
    private final Set<UUID> departedIds = new HashSet<>();
    private final Long2ObjectHashMap<ReplicaSet> records = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<ReplicaSet> recordsByBlock = new Long2ObjectHashMap<>();
    private final ArrayDeque<ReplicaSet> repairQueue = new ArrayDeque<>();
    private final ArrayDeque<ReplicaSet> retryQueue = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<String> departedEndpoints = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<FailedFree> failedFreeQueue = new ConcurrentLinkedQueue<>();
    private final AtomicLong freeRetries = new AtomicLong();
    private final AtomicLong puts = new AtomicLong();
    private final AtomicLong gets = new AtomicLong();
    private final AtomicLong frees = new AtomicLong();
    private final AtomicLong failedFrees = new AtomicLong();
    private final AtomicLong failovers = new AtomicLong();
    private final AtomicLong checksumRetries = new AtomicLong();
    private final AtomicLong reReplicated = new AtomicLong();
    private final AtomicLong copiesAdded = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong repairErrors = new AtomicLong();
    private final AtomicLong suspicions = new AtomicLong();
    private final AtomicLong suspectSkips = new AtomicLong();
    private final long suspectPeriodNs;
    private final RendezvousPlacement placement = new RendezvousPlacement(16);
    private int[] rankSlots = new int[16];

    private long nextLocation = 1;
    private long retryAtNs;
    private volatile long usedBytes;
    private volatile long blockCount;
    private volatile int replicas = 1;
    private AgentRunner repairRunner;
    private volatile boolean closed;

    /**
     * Creates the tier; {@link #start(List)} must be called before the engine uses it.
     *
     * @param client            the transport client used for every remote request; owned by the caller and used
     *                          from the engine's thread and the repair agent's thread.
     * @param requestedReplicas copies of each block to keep, 1..{@link #MAX_REPLICAS}, or {@link #AUTO_REPLICAS}.
     * @throws ConfigurationException if requestedReplicas is out of range.
     */
    public RemoteTier(final BlockClient client, final int requestedReplicas)
    {
        this(client, requestedReplicas, SUSPECT_PERIOD_NS_DEFAULT);
    }

    /**
     * Creates the tier; {@link #start(List)} must be called before the engine uses it.
     *
     * @param client            the transport client used for every remote request; owned by the caller and used
     *                          from the engine's thread and the repair agent's thread.
     * @param requestedReplicas copies of each block to keep, 1..{@link #MAX_REPLICAS}, or {@link #AUTO_REPLICAS}.
     * @param suspectPeriodNs   how long a node is asked last after a request to it timed out or could not reach it,
     *                          ns, 0 (never suspect) or more; default {@link #SUSPECT_PERIOD_NS_DEFAULT}.
     * @throws ConfigurationException if requestedReplicas or suspectPeriodNs is out of range.
     */
    public RemoteTier(final BlockClient client, final int requestedReplicas, final long suspectPeriodNs)
    {
        if (requestedReplicas < AUTO_REPLICAS || requestedReplicas > MAX_REPLICAS)
        {
            throw new ConfigurationException("replicas=" + requestedReplicas + " must be from 1 to " + MAX_REPLICAS +
                ", or " + AUTO_REPLICAS + " for 2 when two or more node daemons are live, else 1");
        }
        if (suspectPeriodNs < 0)
        {
            throw new ConfigurationException("suspectPeriodNs=" + suspectPeriodNs + " must be 0 (never suspect a " +
                "node) or more; the default is " + SUSPECT_PERIOD_NS_DEFAULT + " (10 s)");
        }
        this.client = client;
        this.requestedReplicas = requestedReplicas;
        this.suspectPeriodNs = suspectPeriodNs;
    }

    /**
     * Adds the node daemons live now, fixes the replica count ({@link #AUTO_REPLICAS} resolves to 2 when two or more
     * nodes are live, else 1) and starts the repair agent's thread. Call once, after registering this tier as a
     * membership listener.
     *
     * @param liveNodes the node daemons discovery lists as live now.
     * @throws IllegalStateException if already started or closed.
     */
    public void start(final List<NodeView> liveNodes)
    {
        lock.lock();
        try
        {
            if (closed || repairRunner != null)
            {
                throw new IllegalStateException("RemoteTier already " + (closed ? "closed" : "started"));
            }
            for (final NodeView node : liveNodes)
            {
                addNode(node);
            }
            int live = 0;
            for (final RemoteNode node : nodes)
            {
                live += node.live ? 1 : 0;
            }
            replicas = requestedReplicas != AUTO_REPLICAS ? requestedReplicas : (live >= 2 ? 2 : 1);
            repairRunner = new AgentRunner(
                new BackoffIdleStrategy(10, 10, 1_000, REPAIR_IDLE_MAX_PARK_NS),
                (throwable) -> repairErrors.incrementAndGet(),
                null,
                new ReplicaRepairAgent(this, client));
        }
        finally
        {
            lock.unlock();
        }
        AgentRunner.startOnThread(repairRunner, (runnable) ->
        {
            final Thread thread = new Thread(runnable);
            thread.setDaemon(true);
            return thread;
        });
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
     * @return copies kept of each block, fixed at {@link #start(List)}; 1 before it.
     */
    public int replicas()
    {
        return replicas;
    }

    /**
     * The bytes of blocks this tier can hold, counting each block once: the capacities advertised by the live node
     * daemons, summed, divided by {@link #replicas()}.
     *
     * @return capacity in bytes; 0 when no node is live.
     */
    public long capacityBytes()
    {
        long total = 0;
        lock.lock();
        try
        {
            for (final RemoteNode node : nodes)
            {
                if (node.live)
                {
                    total += node.info.capacityBytes();
                }
            }
        }
        finally
        {
            lock.unlock();
        }
        return total / replicas;
    }

    /**
     * @return bytes of the blocks this tier holds, each block counted once whatever its number of copies.
     */
    public long usedBytes()
    {
        return usedBytes;
    }

    /**
     * @return blocks this tier holds, lost ones included until they are freed.
     */
    public long blockCount()
    {
        return blockCount;
    }

    /**
     * {@inheritDoc}
     *
     * @return true: see the class description.
     */
    public boolean concurrentIo()
    {
        return true;
    }

    /**
     * {@inheritDoc}
     *
     * @return true: {@link #read} checks each copy against the CRC32C it was written with, in the transport's own
     * pass over the bytes, and fails over to the next holder when a copy is damaged.
     */
    public boolean verifiesReads()
    {
        return true;
    }

    /**
     * Sends the block to the top {@link #replicas()} live nodes in rendezvous order that accept it, all replicas in
     * flight at once.
     * {@inheritDoc}
     *
     * @throws RemoteErrorException if a node rejected the request as malformed ({@link ErrorCode#BAD_REQUEST});
     *                              copies already sent are freed again.
     */
    public long write(final long blockId, final DirectBuffer src, final int srcOffset, final int length, final int crc32c)
    {
        final RemoteNode[] candidates;
        final int target;
        final long location;
        lock.lock();
        try
        {
            ensureOpen();
            candidates = rankLiveNodes(blockId, ReplicaSet.NO_NODES);
            target = replicas;
            location = nextLocation++;
        }
        finally
        {
            lock.unlock();
        }

        final List<RemoteNode> placed = new ArrayList<>(target);
        place(blockId, location, src, srcOffset, length, crc32c, candidates, 0, target, placed);
        return commit(blockId, location, length, crc32c, placed);
    }

    /**
     * Stores the batch's small blocks with one batch put per node (blocks larger than the client's batch limit go
     * one by one): each block goes to its own top-ranked nodes, each node gets the blocks that rank it among their
     * first {@link #replicas()}, and every node's batch is in flight at once. Blocks a node refused or that could
     * not reach it are placed on their next-ranked nodes one by one.
     * {@inheritDoc}
     */
    public int writeBatch(
        final int count,
        final long[] blockIds,
        final DirectBuffer src,
        final int[] srcOffsets,
        final int[] lengths,
        final int[] crc32cs,
        final long[] locations)
    {
        final RemoteNode[][] candidates = new RemoteNode[count][];
        final int target;
        lock.lock();
        try
        {
            ensureOpen();
            target = replicas;
            for (int k = 0; k < count; k++)
            {
                candidates[k] = rankLiveNodes(blockIds[k], ReplicaSet.NO_NODES);
                locations[k] = nextLocation++;
            }
        }
        finally
        {
            lock.unlock();
        }

        final int maxBatchLength = client.maxBatchBlockLength();
        final HashMap<RemoteNode, List<Integer>> byNode = new HashMap<>();
        for (int k = 0; k < count; k++)
        {
            if (lengths[k] <= maxBatchLength)
            {
                for (int i = 0; i < Math.min(target, candidates[k].length); i++)
                {
                    byNode.computeIfAbsent(candidates[k][i], (n) -> new ArrayList<>()).add(k);
                }
            }
        }

        final List<BatchToNode> batches = new ArrayList<>(byNode.size());
        for (final var entry : byNode.entrySet())
        {
            batches.add(sendBatch(entry.getKey(), entry.getValue(), blockIds, locations, src, srcOffsets, lengths,
                crc32cs));
        }

        final List<List<RemoteNode>> placed = new ArrayList<>(count);
        for (int k = 0; k < count; k++)
        {
            placed.add(new ArrayList<>(target));
        }
        for (final BatchToNode batch : batches)
        {
            batch.await(this, placed);
        }

        int stored = 0;
        RuntimeException failure = null;
        for (int k = 0; k < count; k++)
        {
            final List<RemoteNode> blockPlaced = placed.get(k);
            try
            {
                if (blockPlaced.size() < target)
                {
                    final int first = lengths[k] <= maxBatchLength ? Math.min(target, candidates[k].length) : 0;
                    place(blockIds[k], locations[k], src, srcOffsets[k], lengths[k], crc32cs[k], candidates[k],
                        first, target, blockPlaced);
                }
                locations[k] = commit(blockIds[k], locations[k], lengths[k], crc32cs[k], blockPlaced);
            }
            catch (final RuntimeException ex)
            {
                locations[k] = NO_SPACE;
                failure = null == failure ? ex : failure;
            }
            if (locations[k] != NO_SPACE)
            {
                stored++;
            }
        }

        if (null != failure)
        {
            for (int k = 0; k < count; k++)
            {
                if (locations[k] != NO_SPACE)
                {
                    free(blockIds[k], locations[k]);
                    locations[k] = NO_SPACE;
                }
            }
            throw failure;
        }
        return stored;
    }

    private BatchToNode sendBatch(
        final RemoteNode node,
        final List<Integer> blocks,
        final long[] blockIds,
        final long[] locations,
        final DirectBuffer src,
        final int[] srcOffsets,
        final int[] lengths,
        final int[] crc32cs)
    {
        final int n = blocks.size();
        final BatchToNode batch = new BatchToNode(node, n);
        int total = 0;
        for (final int k : blocks)
        {
            total += lengths[k];
        }
        final UnsafeBuffer gathered = new UnsafeBuffer(new byte[total]);
        int position = 0;
        for (int i = 0; i < n; i++)
        {
            final int k = blocks.get(i);
            batch.indexes[i] = k;
            batch.blockIds[i] = blockIds[k];
            batch.generations[i] = locations[k];
            batch.offsets[i] = position;
            batch.lengths[i] = lengths[k];
            batch.crc32cs[i] = crc32cs[k];
            gathered.putBytes(position, src, srcOffsets[k], lengths[k]);
            position += lengths[k];
        }
        batch.requests = client.sendPutBatch(node.info.endpoint(), n, batch.blockIds, batch.generations, gathered,
            batch.offsets, batch.lengths, batch.crc32cs, batch.outcomes);
        return batch;
    }

    /**
     * Puts the block to candidates from {@code next} on, {@code target - placed.size()} at a time in parallel, until
     * it has {@code target} copies or no candidate is left.
     *
     * @throws RemoteErrorException with {@link ErrorCode#BAD_REQUEST}, after freeing the copies placed.
     */
    private void place(
        final long blockId,
        final long location,
        final DirectBuffer src,
        final int srcOffset,
        final int length,
        final int crc32c,
        final RemoteNode[] candidates,
        final int first,
        final int target,
        final List<RemoteNode> placed)
    {
        RemoteErrorException badRequest = null;
        int next = first;
        while (placed.size() < target && next < candidates.length && null == badRequest)
        {
            final int wanted = Math.min(target - placed.size(), candidates.length - next);
            final RemoteNode[] sentTo = new RemoteNode[wanted];
            final BlockRequest[] requests = new BlockRequest[wanted];
            for (int i = 0; i < wanted; i++)
            {
                sentTo[i] = candidates[next++];
                requests[i] = client.sendPut(
                    sentTo[i].info.endpoint(), blockId, location, src, srcOffset, length, crc32c);
            }
            for (int i = 0; i < wanted; i++)
            {
                final RemoteNode node = sentTo[i];
                try
                {
                    requests[i].await();
                    node.answered();
                    node.puts.incrementAndGet();
                    placed.add(node);
                }
                catch (final RemoteErrorException ex)
                {
                    if (ex.code() == ErrorCode.BAD_REQUEST)
                    {
                        badRequest = ex;
                    }
                    onRefused(node, ex);
                }
                catch (final TransportException ex)
                {
                    node.unreachable.incrementAndGet();
                    suspect(node);
                }
            }
        }

        if (null != badRequest)
        {
            freeCopies(blockId, location, placed);
            placed.clear();
            throw badRequest;
        }
    }

    void onRefused(final RemoteNode node, final RemoteErrorException ex)
    {
        node.answered();
        if (ex.code() == ErrorCode.NO_SPACE)
        {
            node.refusedNoSpace.incrementAndGet();
        }
        else
        {
            node.unreachable.incrementAndGet();
        }
    }

    void onUnreachable(final RemoteNode node)
    {
        node.unreachable.incrementAndGet();
        suspect(node);
    }

    /**
     * Records a copy placed on {@code placed}, or answers {@link Tier#NO_SPACE} when no live node holds it.
     */
    private long commit(
        final long blockId, final long location, final int length, final int crc32c, final List<RemoteNode> placed)
    {
        if (placed.isEmpty())
        {
            return NO_SPACE;
        }

        final List<RemoteNode> departed = new ArrayList<>(0);
        lock.lock();
        try
        {
            final List<RemoteNode> holders = new ArrayList<>(placed.size());
            for (final RemoteNode node : placed)
            {
                (node.live ? holders : departed).add(node);
            }
            if (holders.isEmpty())
            {
                return NO_SPACE;
            }
            final ReplicaSet record = new ReplicaSet(
                location, blockId, length, crc32c, holders.toArray(ReplicaSet.NO_NODES));
            for (final RemoteNode node : holders)
            {
                node.addCopy(length);
            }
            records.put(location, record);
            record.nextOfBlock = recordsByBlock.put(blockId, record);
            usedBytes += length;
            blockCount++;
            puts.incrementAndGet();
            if (!departed.isEmpty())
            {
                enqueueRepair(record);
            }
            return location;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Fetches the block from the first holder, in rank order, that answers with intact bytes.
     * {@inheritDoc}
     *
     * @throws BlockLostException if every node that held the block has left the cluster (or no longer has it);
     *                            its message names each of them.
     * @throws ChecksumMismatchException if the last holder asked sent bytes that are not the block as written
     *                            (the CRC32C given to {@link #write}), damaged on the way or on the node, and every
     *                            earlier holder did too or could not be read; no damaged byte is delivered as good.
     * @throws TransportException if holders are left but none answered (timeouts, unreachable, errors); the last
     *                            error is thrown with the earlier ones suppressed.
     */
    public void read(final long blockId, final long location, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        final ReplicaSet record;
        lock.lock();
        try
        {
            ensureOpen();
            record = record(blockId, location);
        }
        finally
        {
            lock.unlock();
        }

        final List<RemoteNode> tried = new ArrayList<>(replicas);
        TransportException failure = null;
        TransferChecksumException damaged = null;
        RemoteNode node;
        while ((node = nextUntried(record, tried)) != null)
        {
            tried.add(node);
            if (failure != null)
            {
                failovers.incrementAndGet();
            }
            try
            {
                final int received =
                    client.get(node.info.endpoint(), blockId, location, dst, dstOffset, length, record.crc32c);
                node.answered();
                if (received != length)
                {
                    throw new IllegalStateException("node " + node.describe() + " returned " + received +
                        " bytes for block " + blockId + " of " + length + " bytes in tier REMOTE");
                }
                node.gets.incrementAndGet();
                gets.incrementAndGet();
                return;
            }
            catch (final TransferChecksumException ex)
            {
                node.answered();
                checksumRetries.incrementAndGet();
                failure = chain(failure, ex);
                damaged = ex;
            }
            catch (final RemoteErrorException ex)
            {
                node.answered();
                if (ex.code() == ErrorCode.NOT_FOUND)
                {
                    dropReplica(record, node);
                }
                else
                {
                    node.unreachable.incrementAndGet();
                }
                failure = chain(failure, ex);
            }
            catch (final TransportException ex)
            {
                node.unreachable.incrementAndGet();
                suspect(node);
                failure = chain(failure, ex);
            }
        }

        if (failure == null || isLost(record))
        {
            final BlockLostException lostEx = lostException(record);
            if (failure != null)
            {
                lostEx.addSuppressed(failure);
            }
            throw lostEx;
        }
        if (failure == damaged)
        {
            // the last holder asked sent damaged bytes (earlier ones damaged or out of reach): never deliver them
            final ChecksumMismatchException mismatch = new ChecksumMismatchException(blockId, name(),
                damaged.nodeEndpoint(), damaged.expectedCrc32c(), damaged.actualCrc32c());
            mismatch.addSuppressed(failure);
            throw mismatch;
        }
        throw failure;
    }

    /**
     * Frees the copy on every node that holds it, without waiting for the answers: a free that fails is handed to
     * the repair agent (see the class description). A node that has left, or is suspect, is counted and skipped: a
     * node reclaims a departed client's blocks itself.
     * {@inheritDoc}
     */
    public void free(final long blockId, final long location)
    {
        final RemoteNode[] holders;
        lock.lock();
        try
        {
            ensureOpen();
            final ReplicaSet record = record(blockId, location);
            records.remove(location);
            unlinkOfBlock(record);
            record.freed = true;
            holders = record.holders;
            for (final RemoteNode node : holders)
            {
                node.removeCopy(record.length);
            }
            usedBytes -= record.length;
            blockCount--;
        }
        finally
        {
            lock.unlock();
        }

        final long nowNs = System.nanoTime();
        for (final RemoteNode node : holders)
        {
            if (node.live && node.isSuspect(nowNs))
            {
                failedFrees.incrementAndGet();
                suspectSkips.incrementAndGet();
            }
            else if (node.live)
            {
                sendFree(node, blockId, location, 1);
            }
        }
        frees.incrementAndGet();
    }

    private void sendFree(final RemoteNode node, final long blockId, final long generation, final int attempt)
    {
        try
        {
            client.sendFree(node.info.endpoint(), blockId, generation,
                (request) -> onFreeDone(node, request, attempt));
        }
        catch (final IllegalStateException ex)
        {
            failedFrees.incrementAndGet();
        }
    }

    /**
     * Told on the client's poller thread when a free is done: no network I/O here; a failure goes to the repair
     * agent's queue.
     */
    private void onFreeDone(final RemoteNode node, final BlockRequest request, final int attempt)
    {
        final RuntimeException failure = request.failure();
        if (null == failure)
        {
            node.answered();
            node.frees.incrementAndGet();
            return;
        }
        if (failure instanceof RemoteErrorException)
        {
            node.answered();
            if (((RemoteErrorException)failure).code() == ErrorCode.NOT_FOUND)
            {
                return;
            }
        }
        else
        {
            node.unreachable.incrementAndGet();
            suspect(node);
        }
        failedFreeQueue.offer(new FailedFree(node, request.blockId(), request.generation(), attempt, failure));
    }

    /**
     * Called by the repair agent: sends again the frees that failed, or records them once they have failed
     * {@link #FREE_ATTEMPTS} times or their node has left.
     *
     * @return frees dealt with.
     */
    int retryFailedFrees()
    {
        int work = 0;
        FailedFree failed;
        while ((failed = failedFreeQueue.poll()) != null)
        {
            work++;
            if (failed.attempt < FREE_ATTEMPTS && failed.node.live && !closed)
            {
                freeRetries.incrementAndGet();
                sendFree(failed.node, failed.blockId, failed.generation, failed.attempt + 1);
            }
            else
            {
                failedFrees.incrementAndGet();
            }
        }
        return work;
    }

    /**
     * @return frees sent again by the repair agent after a failure.
     */
    public long freeRetries()
    {
        return freeRetries.get();
    }

    /**
     * Adds the node, and queues the under-replicated blocks for the repair agent. Called on the cluster client's agent thread; no
     * network I/O.
     * {@inheritDoc}
     */
    public void onNodeJoined(final NodeView info)
    {
        lock.lock();
        try
        {
            if (closed || !addNode(info))
            {
                return;
            }
            for (final ReplicaSet record : records.values())
            {
                if (!record.isLost() && record.holders.length < replicas)
                {
                    enqueueRepair(record);
                }
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Strikes the node from every block's record, counts blocks left with no copy as lost and queues the others for
     * re-replication. Called on the cluster client's agent thread; no network I/O (the agent closes the publication to the node).
     * {@inheritDoc}
     */
    public void onNodeLeft(final NodeView info, final boolean failed)
    {
        lock.lock();
        try
        {
            departedIds.add(info.nodeId());
            final RemoteNode node = nodesById.get(info.nodeId());
            if (node == null || !node.live)
            {
                return;
            }
            node.live = false;
            node.freeBytes = -1;
            placement.nodeClass(node.index, RendezvousPlacement.OUT);
            for (final ReplicaSet record : records.values())
            {
                if (record.remove(node))
                {
                    node.removeCopy(record.length);
                    if (record.isLost())
                    {
                        lost.incrementAndGet();
                    }
                    else
                    {
                        enqueueRepair(record);
                    }
                }
            }
        }
        finally
        {
            lock.unlock();
        }
        departedEndpoints.offer(info.endpoint());
    }

    /**
     * Records the free bytes a node daemon published; placement weights the node by it from now on (a node with 0
     * free is ranked after every other). Unknown or departed nodes are ignored. Called on the cluster client's agent
     * thread; no network I/O.
     * {@inheritDoc}
     */
    public void onFreeBytes(final UUID nodeId, final long freeBytes)
    {
        lock.lock();
        try
        {
            final RemoteNode node = nodesById.get(nodeId);
            if (node != null)
            {
                node.freeBytes = freeBytes;
                placement.set(node.index, node.weight(), classOf(node));
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @param nodeId a node daemon's node id.
     * @return the free bytes it last published as this tier knows them, or -1 if none is known, or the node is
     * unknown or gone.
     */
    public long freeBytes(final UUID nodeId)
    {
        lock.lock();
        try
        {
            final RemoteNode node = nodesById.get(nodeId);
            return node == null ? -1 : node.freeBytes;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * The node daemons that hold a copy of a block now, in the order reads ask them.
     *
     * @param blockId the block's id.
     * @return the holders' node names; empty if the block is not in this tier (or every copy is lost).
     * Looks through every record: meant for diagnostics and tests, not for a hot path.
     */
    public List<String> holderNames(final long blockId)
    {
        lock.lock();
        try
        {
            for (final ReplicaSet record : records.values())
            {
                if (record.blockId == blockId)
                {
                    final List<String> names = new ArrayList<>(record.holders.length);
                    for (final RemoteNode node : record.holders)
                    {
                        names.add(node.info.nodeName());
                    }
                    return names;
                }
            }
            return List.of();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @return per-node statistics of what this client holds remotely (every copy counted on its node), in the order
     * nodes were first seen; a departed node holds nothing.
     */
    public List<RemoteNodeStats> nodeStats()
    {
        final List<RemoteNodeStats> result = new ArrayList<>();
        lock.lock();
        try
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
                    node.frees.get(),
                    node.unreachable.get(),
                    node.refusedNoSpace.get()));
            }
        }
        finally
        {
            lock.unlock();
        }
        return result;
    }

    /**
     * @return blocks that hold fewer than {@link #replicas()} copies now but at least one (lost blocks are not
     * counted here), including blocks placed while fewer nodes were live or willing.
     */
    public long underReplicatedBlocks()
    {
        long count = 0;
        lock.lock();
        try
        {
            for (final ReplicaSet record : records.values())
            {
                if (!record.isLost() && record.holders.length < replicas)
                {
                    count++;
                }
            }
        }
        finally
        {
            lock.unlock();
        }
        return count;
    }

    /**
     * @return blocks brought back to {@link #replicas()} copies by the repair agent since start.
     */
    public long reReplicatedBlocks()
    {
        return reReplicated.get();
    }

    /**
     * @return copies the repair agent placed on new nodes since start.
     */
    public long copiesAdded()
    {
        return copiesAdded.get();
    }

    /**
     * @return blocks whose last copy went with a departed node (or was found missing) since start.
     */
    public long lostBlocks()
    {
        return lost.get();
    }

    /**
     * @return times a read (or a repair's fetch) moved on to another copy because the one asked failed.
     */
    public long failovers()
    {
        return failovers.get();
    }

    /**
     * @return copies that arrived with a CRC32C mismatch and were fetched again from another copy.
     */
    public long checksumRetries()
    {
        return checksumRetries.get();
    }

    /**
     * @return times a request to a node timed out or could not reach it, making the node suspect.
     */
    public long suspicions()
    {
        return suspicions.get();
    }

    /**
     * @return times a suspect node was passed over: ranked after the others for a write or repair it would have
     * been among the first for, asked after another holder for a read, or not sent a free (its copy is left for the
     * node to reclaim when this client leaves).
     */
    public long suspectSkips()
    {
        return suspectSkips.get();
    }

    /**
     * @return unexpected errors in the repair agent (each logged to nothing but counted here).
     */
    public long repairErrors()
    {
        return repairErrors.get();
    }

    /**
     * @return blocks placed on remote nodes since start: a block counted once per placement whatever its number of
     * copies (copies are counted per node, in {@link #nodeStats()}); re-replication is not counted here.
     */
    public long puts()
    {
        return puts.get();
    }

    /**
     * @return blocks fetched from remote nodes since start: one per read, whichever copy answered (a read that
     * failed over counts once); re-replication fetches are not counted here.
     */
    public long gets()
    {
        return gets.get();
    }

    /**
     * @return blocks freed in far memory since start (a block counted once whatever its number of copies, and
     * whether or not the frees of its copies were delivered).
     */
    public long frees()
    {
        return frees.get();
    }

    /**
     * @return copies whose free could not be delivered because the node did not answer.
     */
    public long failedFrees()
    {
        return failedFrees.get();
    }

    /**
     * Stops the repair agent (waiting for a transfer in progress to end) and marks the tier closed. Blocks still
     * placed remotely are not freed here: the engine frees every block before it closes its tiers, and a node
     * reclaims a departed client's blocks. Idempotent.
     */
    public void close()
    {
        final AgentRunner runner;
        lock.lock();
        try
        {
            if (closed)
            {
                return;
            }
            closed = true;
            runner = repairRunner;
        }
        finally
        {
            lock.unlock();
        }
        CloseHelper.close(runner);
    }

    /**
     * @return true once {@link #close()} has been called.
     */
    public boolean isClosed()
    {
        return closed;
    }

    String pollDeparted()
    {
        return departedEndpoints.poll();
    }

    /**
     * Takes the next block that needs a copy and marks it in flight.
     *
     * @param nowNs the agent's clock, for retries.
     * @return the block, or null when nothing is queued.
     */
    ReplicaSet beginRepair(final long nowNs)
    {
        lock.lock();
        try
        {
            if (closed)
            {
                return null;
            }
            if (!retryQueue.isEmpty() && nowNs - retryAtNs >= 0)
            {
                ReplicaSet record;
                while ((record = retryQueue.poll()) != null)
                {
                    repairQueue.offer(record);
                }
            }
            ReplicaSet record;
            while ((record = repairQueue.poll()) != null)
            {
                record.queued = false;
                // a record with a newer one of the same block (the head of its list) is about to be freed: copying its
                // old bytes to a node that holds the newer copy would overwrite that copy (nodes key copies by id)
                if (!record.freed && !record.isLost() && record.holders.length < replicas)
                {
                    return record;
                }
            }
            return null;
        }
        finally
        {
            lock.unlock();
        }
    }

    RemoteNode[] holdersOf(final ReplicaSet record)
    {
        lock.lock();
        try
        {
            return record.holders;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * The nodes a write of the block would try now, in order ({@link #rankLiveNodes} with nothing excluded), for
     * tests of the candidate list.
     */
    RemoteNode[] writeCandidates(final long blockId)
    {
        lock.lock();
        try
        {
            return rankLiveNodes(blockId, ReplicaSet.NO_NODES);
        }
        finally
        {
            lock.unlock();
        }
    }

    RemoteNode[] repairCandidates(final ReplicaSet record, final RemoteNode[] holders)
    {
        lock.lock();
        try
        {
            return rankLiveNodes(record.blockId, holders);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Records the copies the agent placed, or has them freed if the block was freed meanwhile, then lets writes of
     * the block id proceed.
     *
     * @param record  the block repaired.
     * @param placed  nodes that accepted a new copy.
     * @param retry   whether the block should be tried again after {@link ReplicaRepairAgent#RETRY_DELAY_NS}
     *                (no survivor's bytes could be read although nodes were waiting for a copy).
     */
    void completeRepair(final ReplicaSet record, final List<RemoteNode> placed, final boolean retry)
    {
        final List<RemoteNode> orphans = new ArrayList<>(0);
        lock.lock();
        try
        {
            if (record.freed)
            {
                orphans.addAll(placed);
            }
            else
            {
                int added = 0;
                for (final RemoteNode node : placed)
                {
                    if (node.live && !record.holds(node))
                    {
                        record.add(node);
                        node.addCopy(record.length);
                        added++;
                    }
                    else
                    {
                        orphans.add(node);
                    }
                }
                copiesAdded.addAndGet(added);
                if (added > 0 && record.holders.length >= replicas)
                {
                    reReplicated.incrementAndGet();
                }
                if (retry && !record.isLost() && !record.queued)
                {
                    retryAtNs = System.nanoTime() + ReplicaRepairAgent.RETRY_DELAY_NS;
                    record.queued = true;
                    retryQueue.offer(record);
                }
            }
        }
        finally
        {
            lock.unlock();
        }

        for (final RemoteNode node : orphans)
        {
            if (node.live)
            {
                sendFree(node, record.blockId, record.location, 1);
            }
        }
    }

    /**
     * Strikes a holder that no longer has the block; counts the block lost if it was the last copy, queues it for
     * repair otherwise.
     */
    void dropReplica(final ReplicaSet record, final RemoteNode node)
    {
        lock.lock();
        try
        {
            if (!record.freed && record.remove(node))
            {
                node.removeCopy(record.length);
                if (record.isLost())
                {
                    lost.incrementAndGet();
                }
                else
                {
                    enqueueRepair(record);
                }
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    void onFailover()
    {
        failovers.incrementAndGet();
    }

    void onChecksumRetry()
    {
        checksumRetries.incrementAndGet();
        failovers.incrementAndGet();
    }

    private RemoteNode nextUntried(final ReplicaSet record, final List<RemoteNode> tried)
    {
        final long nowNs = System.nanoTime();
        lock.lock();
        try
        {
            RemoteNode suspectHolder = null;
            for (final RemoteNode holder : record.holders)
            {
                if (holder.live && !tried.contains(holder))
                {
                    if (!holder.isSuspect(nowNs))
                    {
                        if (suspectHolder != null)
                        {
                            suspectSkips.incrementAndGet();
                        }
                        return holder;
                    }
                    if (suspectHolder == null)
                    {
                        suspectHolder = holder;
                    }
                }
            }
            return suspectHolder;
        }
        finally
        {
            lock.unlock();
        }
    }

    private boolean isLost(final ReplicaSet record)
    {
        lock.lock();
        try
        {
            return record.isLost();
        }
        finally
        {
            lock.unlock();
        }
    }

    private void enqueueRepair(final ReplicaSet record)
    {
        if (!record.queued)
        {
            record.queued = true;
            repairQueue.offer(record);
        }
    }

    private boolean addNode(final NodeView info)
    {
        if (departedIds.contains(info.nodeId()) || nodesById.containsKey(info.nodeId()))
        {
            return false;
        }
        final RemoteNode node = new RemoteNode(nodes.size(), info);
        nodes.add(node);
        nodesById.put(info.nodeId(), node);
        placement.add(node.key, node.weight(), classOf(node));
        return true;
    }

    private void unlinkOfBlock(final ReplicaSet record)
    {
        ReplicaSet head = recordsByBlock.get(record.blockId);
        if (head == record)
        {
            if (null == record.nextOfBlock)
            {
                recordsByBlock.remove(record.blockId);
            }
            else
            {
                recordsByBlock.put(record.blockId, record.nextOfBlock);
            }
        }
        else
        {
            while (null != head && head.nextOfBlock != record)
            {
                head = head.nextOfBlock;
            }
            if (null != head)
            {
                head.nextOfBlock = record.nextOfBlock;
            }
        }
        record.nextOfBlock = null;
    }

    private ReplicaSet record(final long blockId, final long location)
    {
        final ReplicaSet record = records.get(location);
        if (record == null || record.blockId != blockId)
        {
            throw new IllegalStateException("tier REMOTE holds no block " + blockId + " at location " + location +
                (record == null ? "" : " (that location holds block " + record.blockId + ")"));
        }
        return record;
    }

    private BlockLostException lostException(final ReplicaSet record)
    {
        return new BlockLostException(record.blockId, record.everHeldNames(),
            "block " + record.blockId + " (" + record.length + " bytes, tier REMOTE) is lost: every node that held " +
            "a copy has left the cluster or no longer has it: " + record.describeEverHeld() + " (replicas=" +
            replicas + "). Free the block and recompute its contents; use replicas >= 2 with two or more node " +
            "daemons to survive a node failure.");
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("tier REMOTE is closed; open a new TierPool");
        }
    }

    /**
     * Must hold the lock. Live nodes not in {@code exclude}, highest rendezvous score first (full nodes after the
     * others, suspects after every other), as {@link RendezvousPlacement} ranks them. Up to
     * {@link #FULLY_RANKED_NODES} candidates the whole list is in that order; beyond, the first
     * {@code replicas + }{@link #SPARE_RANKED_NODES} are (exactly the plain ranking's), and the rest, fall-backs
     * for nodes that refuse, follow by class in slot order from a point given by the block, so that a write at
     * 1,000 nodes costs a few rendezvous scores instead of a sort of every node.
     */
    private RemoteNode[] rankLiveNodes(final long blockId, final RemoteNode[] exclude)
    {
        final long nowNs = System.nanoTime();
        int suspectCount = 0;
        for (final RemoteNode node : nodes)
        {
            if (node.live && node.isSuspect(nowNs))
            {
                placement.nodeClass(node.index, (byte)(placement.nodeClass(node.index) | RendezvousPlacement.SUSPECT));
                suspectCount++;
            }
        }
        for (final RemoteNode node : exclude)
        {
            placement.nodeClass(node.index, RendezvousPlacement.OUT);
        }
        try
        {
            final int count = placement.rankedCount();
            final int exact = count <= FULLY_RANKED_NODES ? count : Math.min(count, replicas + SPARE_RANKED_NODES);
            if (rankSlots.length < Math.max(exact, replicas))
            {
                rankSlots = new int[Math.max(exact, replicas) * 2];
            }
            if (suspectCount > 0)
            {
                final int top = placement.rank(blockId, replicas, rankSlots, RendezvousPlacement.IGNORE_SUSPICION);
                for (int i = 0; i < top; i++)
                {
                    if ((placement.nodeClass(rankSlots[i]) & RendezvousPlacement.SUSPECT) != 0)
                    {
                        suspectSkips.incrementAndGet();
                    }
                }
            }
            final RemoteNode[] ranked = new RemoteNode[count];
            final int ranks = 0 == exact ? 0 : placement.rank(blockId, exact, rankSlots);
            for (int i = 0; i < ranks; i++)
            {
                ranked[i] = nodes.get(rankSlots[i]);
            }
            if (ranks < count)
            {
                appendUnranked(blockId, ranked, ranks);
            }
            return ranked;
        }
        finally
        {
            for (final RemoteNode node : exclude)
            {
                placement.nodeClass(node.index, classOf(node));
            }
            if (suspectCount > 0)
            {
                for (final RemoteNode node : nodes)
                {
                    placement.nodeClass(node.index, classOf(node));
                }
            }
        }
    }

    /**
     * Must hold the lock. Fills {@code ranked} from {@code from} with the ranked slots not already in it, by class,
     * each class in slot order starting at a slot given by the block.
     */
    private void appendUnranked(final long blockId, final RemoteNode[] ranked, final int from)
    {
        for (int i = 0; i < from; i++)
        {
            placement.nodeClass(ranked[i].index, RendezvousPlacement.OUT);
        }
        final int size = nodes.size();
        final int start = (int)Long.remainderUnsigned(RendezvousHash.mix(blockId), size);
        int count = from;
        for (int nodeClass = RendezvousPlacement.PREFERRED; nodeClass <= RendezvousPlacement.SUSPECT_FULL; nodeClass++)
        {
            for (int k = 0; k < size; k++)
            {
                final int slot = start + k < size ? start + k : start + k - size;
                if (placement.nodeClass(slot) == nodeClass)
                {
                    ranked[count++] = nodes.get(slot);
                }
            }
        }
        for (int i = 0; i < from; i++)
        {
            placement.nodeClass(ranked[i].index, classOf(ranked[i]));
        }
    }

    /**
     * Must hold the lock. The placement class of a node, suspicion aside.
     */
    private static byte classOf(final RemoteNode node)
    {
        return !node.live ? RendezvousPlacement.OUT :
            node.isFull() ? RendezvousPlacement.FULL : RendezvousPlacement.PREFERRED;
    }

    private void suspect(final RemoteNode node)
    {
        node.suspect(System.nanoTime(), suspectPeriodNs);
        suspicions.incrementAndGet();
    }

    private void freeCopies(final long blockId, final long location, final List<RemoteNode> placed)
    {
        for (final RemoteNode node : placed)
        {
            sendFree(node, blockId, location, 1);
        }
    }

    /**
     * A free that failed, waiting for the repair agent.
     */
    private record FailedFree(RemoteNode node, long blockId, long generation, int attempt, RuntimeException cause)
    {
    }

    /**
     * One node's share of a {@link #writeBatch}: the blocks it was sent, gathered into one buffer, and the batch
     * put requests carrying them.
     */
    private static final class BatchToNode
    {
        final RemoteNode node;
        final int[] indexes;
        final long[] blockIds;
        final long[] generations;
        final int[] offsets;
        final int[] lengths;
        final int[] crc32cs;
        final TransportException[] outcomes;
        List<BlockRequest> requests;

        BatchToNode(final RemoteNode node, final int count)
        {
            this.node = node;
            indexes = new int[count];
            blockIds = new long[count];
            generations = new long[count];
            offsets = new int[count];
            lengths = new int[count];
            crc32cs = new int[count];
            outcomes = new TransportException[count];
        }

        void await(final RemoteTier tier, final List<List<RemoteNode>> placed)
        {
            tier.client.awaitPutBatch(requests, outcomes);
            boolean answered = false;
            for (int i = 0; i < indexes.length; i++)
            {
                final TransportException outcome = outcomes[i];
                if (null == outcome)
                {
                    node.puts.incrementAndGet();
                    placed.get(indexes[i]).add(node);
                    answered = true;
                }
                else if (outcome instanceof RemoteErrorException)
                {
                    tier.onRefused(node, (RemoteErrorException)outcome);
                }
                else if (!answered)
                {
                    tier.onUnreachable(node);
                    answered = true;
                }
            }
        }
    }

    private static TransportException chain(final TransportException previous, final TransportException next)
    {
        if (previous != null)
        {
            next.addSuppressed(previous);
        }
        return next;
    }
}
