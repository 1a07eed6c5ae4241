/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.far.RemoteTier;
import io.tierpool.client.Hint;
import io.tierpool.client.cluster.ClusterClient;
import io.tierpool.transport.ClusterSecret;
import io.tierpool.transport.TransportSecurity;
import io.tierpool.node.engine.BlockStore;
import io.tierpool.node.engine.StoreContext;
import io.tierpool.client.EvictionPolicy;
import io.tierpool.client.OverflowPolicy;
import io.tierpool.client.PressureListener;
import io.tierpool.client.GpuInfo;
import io.tierpool.node.gpu.GpuProbe;
import io.tierpool.node.tier.Tier;
import io.tierpool.client.TierKind;
import io.tierpool.transport.BlockClient;
import io.tierpool.client.NodeUsage;
import io.tierpool.transport.TransportDriver;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * A tiered memory pool, opened in the application's process: blocks of off-heap memory that live in RAM while
 * hot and move down through tmpfs (VVRAM) and local disk (VSSD) to the memory of node daemons elsewhere in the
 * cluster (far memory) as they cool, coming back on access.
 * <p>
 * {@code
 * try (TierPool pool = TierPool.open(new TierPool.Context()
 *         .ramCapacityBytes(64 << 20)
 *         .nodes("127.0.0.1:40501", "127.0.0.1:40502")
 *         .awaitNodes(2))) {
 *     try (Block block = pool.allocate(1 << 20, Hint.WARM)) { ... }
 *     System.out.println(pool.stats().toJson());
 * }
 * }
 * <p>
 * Without node endpoints the pool is local only: RAM, VVRAM and VSSD, and allocation fails with
 * {@link io.tierpool.client.OutOfTierMemoryException} when they are all full. With them ({@link Context#nodes}),
 * the pool is a thin client of the node daemons' cluster: it asks the daemons over Aeron which of them are live
 * ({@link ClusterClient}), follows them as they join, leave and fail, holds a lease with each (renewed by those
 * requests, its heartbeats; a node reclaims a client's blocks once its lease lapses,
 * {@link Context#leaseTimeoutMs(long)}), and adds a far-memory tier
 * ({@link RemoteTier}) below its local ones. Far memory keeps {@link Context#replicas(int)} copies of each block on
 * different nodes (by default 2 when two or more node daemons are live at open), fails reads over to another copy
 * and re-replicates in the background when a node dies; see {@code docs/RELIABILITY.md}.
 * <p>
 * <b>GPU.</b> With {@link Context#gpu(boolean) gpu(true)} the pool probes for a CUDA device
 * ({@link GpuProbe#shared(boolean)}) and, where one is usable, opens a device pool and a DEVICE tier above RAM:
 * {@link Hint#DEVICE} blocks live in GPU memory and {@link Block#pinOnDevice()} gives their device address. Where
 * none is usable (or with the default {@code gpu(false)}) the pool logs why, runs without a DEVICE tier,
 * {@link Hint#DEVICE} behaves like {@link Hint#HOT}, and {@link Block#pinOnDevice()} throws
 * {@link IllegalStateException} with the reason. {@link #gpu()} says what was found.
 * <p>
 * <b>Threads.</b> Thread-safe. <b>Resources.</b> The pool owns its off-heap memory, its files (removed on close),
 * a mover thread, an embedded Aeron media driver, a cluster client thread and, with a GPU, its device pool and
 * DEVICE tier; {@link #close()} releases all of them and frees the blocks it still holds, remote ones included.
 */
public final class TierPool implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(TierPool.class);

    private final Context ctx;
    private final BlockStore store;
    private final TransportDriver driver;
    private final BlockClient client;
    private final ClusterClient cluster;
    private final RemoteTier remoteTier;
    private final GpuInfo gpu;
    private final AutoCloseable localGpu;
    private volatile boolean closed;

    private TierPool(
        final Context ctx,
        final BlockStore store,
        final TransportDriver driver,
        final BlockClient client,
        final ClusterClient cluster,
        final RemoteTier remoteTier,
        final GpuInfo gpu,
        final AutoCloseable localGpu)
    {
        this.ctx = ctx;
        this.gpu = gpu;
        this.localGpu = localGpu;
        this.store = store;
        this.driver = driver;
        this.client = client;
        this.cluster = cluster;
        this.remoteTier = remoteTier;
    }

    /**
     * Opens a pool: allocates and pre-touches the RAM tier, reserves the VVRAM files, creates the VSSD spill
     * file and, when node endpoints are set, asks the node daemons for the cluster's membership and waits for
     * {@link Context#awaitNodes(int)} of them.
     *
     * @param context the configuration. The pool concludes and keeps a copy ({@link #context()}): {@code context}
     *                itself is left as it was, may be changed afterwards without effect on this pool, and may
     *                open further pools, one after another or at once (each gets its own files, media driver
     *                and, unless {@code clientContext().clientId} was set, its own client id).
     * @return the open pool, to be closed by the caller.
     * @throws ConfigurationException if a setting is invalid, or a tier cannot get its capacity: the VVRAM or VSSD
     *                                capacity is more than the usable space of the filesystem under its directory
     *                                (or the two together more than the filesystem they share), as the node daemon
     *                                checks; the message names the tier, the directory, the bytes asked and usable;
     *                                or the JVM was started without a flag the client needs on Java 17+ (the
     *                                message names it; the list is the {@code io/tierpool/client/jvm.options}
     *                                resource of this jar).
     * @throws io.tierpool.client.ClusterUnavailableException if no node daemon answers at the endpoints within
     *                                {@link Context#awaitNodesTimeoutMs(long)}, or too few are live in time; the
     *                                message names each endpoint tried and why it failed.
     */
    public static TierPool open(final Context context)
    {
        JvmAccessCheck.check();
        final Context ctx = context.concludedCopy();
        TransportDriver driver = null;
        BlockClient client = null;
        ClusterClient cluster = null;
        RemoteTier remoteTier = null;
        BlockStore store = null;
        LocalGpu localGpu = null;
        // Without gpu(true) the shared probe result is left alone, for a later caller that does want the GPU.
        final GpuInfo gpu = ctx.gpu ? GpuProbe.shared(true) : GpuInfo.unavailable(GpuProbe.DISABLED_REASON);
        try
        {
            if (gpu.available())
            {
                localGpu = LocalGpu.open(gpu, ctx.gpuPoolFraction, ctx.storeContext.lowWatermark(),
                    ctx.storeContext.highWatermark());
                ctx.storeContext.deviceTier(localGpu.tier());
            }
            else
            {
                final String reason = ctx.gpu ? "no GPU was found (" + gpu.reason() + ")" :
                    "gpu.enabled=false (TierPool.Context.gpu(false), the default)";
                if (ctx.gpu)
                {
                    LOG.warn("TierPool runs without a DEVICE tier: {}", reason);
                }
                ctx.storeContext.deviceUnavailableReason(reason);
            }
            ctx.prepareDirectories();
            if (ctx.clustered())
            {
                driver = TransportDriver.launch(ctx.transportContext);
                client = BlockClient.connect(ctx.clientContext.aeron(driver.aeron()));
                remoteTier = new RemoteTier(client, ctx.replicas, ctx.remoteSuspectPeriodNs);
                cluster = ClusterClient.connect(client, ctx.clusterContext);
                cluster.addListener(remoteTier);
                final List<NodeView> nodes = ctx.awaitNodes > 0 ?
                    cluster.awaitNodes(ctx.awaitNodes, ctx.awaitNodesTimeoutMs) : cluster.liveNodes();
                remoteTier.start(nodes);
                for (final NodeView node : nodes)
                {
                    final long free = cluster.freeBytes(node.nodeId());
                    if (free >= 0)
                    {
                        remoteTier.onFreeBytes(node.nodeId(), free);
                    }
                }
                ctx.storeContext.extraTiers(List.<Tier>of(remoteTier));
            }
            store = new BlockStore(ctx.storeContext);
            return new TierPool(ctx, store, driver, client, cluster, remoteTier, gpu, localGpu);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(store, localGpu, remoteTier, cluster, client, driver);
            throw ex;
        }
    }

    /**
     * Allocates a block with the default hint, {@link Hint#WARM}. See {@link #allocate(long, Hint)}.
     *
     * @param sizeBytes the block's size in bytes.
     * @return the new block, zero-filled.
     */
    public Block allocate(final long sizeBytes)
    {
        return allocate(sizeBytes, Hint.WARM);
    }

    /**
     * Allocates a block of {@code sizeBytes} bytes, zero-filled, placed as the hint says (see {@link Hint}).
     * If the target tier is full the pool demotes its least recently used blocks to make room, synchronously,
     * rather than failing while a lower tier has space.
     *
     * @param sizeBytes the block's size in bytes, from 1 to {@link Context#maxBlockBytes()}.
     * @param hint      where the block should live; not null.
     * @return the new block, owned by the caller.
     * @throws IllegalArgumentException if the size is out of range or the hint is null.
     * @throws io.tierpool.client.OutOfTierMemoryException if no tier can hold the block, with every tier's usage,
     *                                                   largest free extent and fragmentation in its message.
     * @throws IllegalStateException    if the pool is closed.
     */
    public Block allocate(final long sizeBytes, final Hint hint)
    {
        ensureOpen();
        if (hint == null)
        {
            throw new IllegalArgumentException("hint must not be null; use Hint.WARM when in doubt");
        }
        final long id = store.allocate(sizeBytes, hint);
        return new Block(store, id, sizeBytes);
    }

    /**
     * Allocates a block of {@code sizeBytes} bytes whose first {@code length} bytes are copied from {@code src},
     * the rest zero-filled (undefined where {@link Context#zeroFill(boolean)} is off): {@link #allocate(long, Hint)}
     * then {@link Block#write(long, DirectBuffer, int, int)} at offset 0 in one step, without zero-filling the
     * bytes the copy covers. The arguments are checked first: on an {@link IllegalArgumentException} or
     * {@link IndexOutOfBoundsException} no block was created or moved. {@code src} is read, not kept.
     *
     * @param sizeBytes the block's size in bytes, from 1 to {@link Context#maxBlockBytes()}.
     * @param hint      where the block should live; not null.
     * @param src       the block's initial bytes; not null.
     * @param srcOffset offset in {@code src} of the first byte.
     * @param length    bytes to copy, from 0 to {@code sizeBytes}.
     * @return the new block, owned by the caller.
     * @throws IllegalArgumentException  if the size is out of range, the hint or source is null, or {@code length}
     *                                   is negative or larger than {@code sizeBytes}.
     * @throws IndexOutOfBoundsException if {@code [srcOffset, srcOffset + length)} lies outside {@code src}.
     * @throws io.tierpool.client.OutOfTierMemoryException if no tier can hold the block.
     * @throws IllegalStateException     if the pool is closed.
     */
    public Block allocate(
        final long sizeBytes, final Hint hint, final DirectBuffer src, final int srcOffset, final int length)
    {
        ensureOpen();
        final long id = store.allocate(sizeBytes, hint, src, srcOffset, length);
        return new Block(store, id, sizeBytes);
    }

    /**
     * Allocates a block whose first {@code length} bytes are copied from an array; see
     * {@link #allocate(long, Hint, DirectBuffer, int, int)}.
     *
     * @param sizeBytes the block's size in bytes, from 1 to {@link Context#maxBlockBytes()}.
     * @param hint      where the block should live; not null.
     * @param src       the block's initial bytes; not null.
     * @param srcOffset offset in {@code src} of the first byte.
     * @param length    bytes to copy, from 0 to {@code sizeBytes}.
     * @return the new block, owned by the caller.
     * @throws IllegalArgumentException  if the size is out of range, the hint or source is null, or {@code length}
     *                                   is negative or larger than {@code sizeBytes}.
     * @throws IndexOutOfBoundsException if {@code [srcOffset, srcOffset + length)} lies outside {@code src}.
     * @throws io.tierpool.client.OutOfTierMemoryException if no tier can hold the block.
     * @throws IllegalStateException     if the pool is closed.
     */
    public Block allocate(final long sizeBytes, final Hint hint, final byte[] src, final int srcOffset, final int length)
    {
        ensureOpen();
        final long id = store.allocate(sizeBytes, hint, src, srcOffset, length);
        return new Block(store, id, sizeBytes);
    }

    /**
     * Asks the prefetcher to bring blocks into RAM in the background, in the order given, and returns at once
     * (see {@link Block#prefetch()}). Blocks already in RAM or already queued are skipped.
     *
     * @param blocks blocks of this pool; not null, no null elements.
     * @return how many prefetch requests were queued (at most {@code blocks.size()}; fewer when blocks were in
     * RAM or queued already, or the queue of {@link io.tierpool.node.engine.StoreContext#prefetchQueueCapacity(int)}
     * requests filled up).
     * @throws IllegalArgumentException if {@code blocks} or one of its elements is null, or a block belongs to
     *                                  another pool.
     * @throws io.tierpool.client.BlockFreedException if a block has been freed; requests for the blocks before it
     *                                  stay queued.
     * @throws IllegalStateException    if the pool is closed.
     */
    public int prefetch(final Collection<Block> blocks)
    {
        ensureOpen();
        if (blocks == null)
        {
            throw new IllegalArgumentException("blocks must not be null; pass an empty collection for none");
        }
        int queued = 0;
        for (final Block block : blocks)
        {
            if (block == null)
            {
                throw new IllegalArgumentException("blocks must not contain null");
            }
            if (!block.belongsTo(store))
            {
                throw new IllegalArgumentException("block " + block.id() + " belongs to another pool; prefetch " +
                    "only blocks allocated from this pool");
            }
            if (block.prefetch())
            {
                queued++;
            }
        }
        return queued;
    }

    /**
     * Registers a listener told when a tier of this pool changes pressure level (NORMAL, ELEVATED, WARNING,
     * CRITICAL, OUT_OF_MEMORY); see {@link PressureListener} for the thread it runs on and its rules (must not
     * block; exceptions are caught and counted).
     *
     * @param listener the listener; not null.
     * @throws IllegalArgumentException if the listener is null.
     */
    public void addPressureListener(final PressureListener listener)
    {
        store.addPressureListener(listener);
    }

    /**
     * @param listener a listener added before.
     * @return true if it was registered.
     */
    public boolean removePressureListener(final PressureListener listener)
    {
        return store.removePressureListener(listener);
    }

    /**
     * @return a snapshot of the pool's statistics.
     */
    public PoolStats stats()
    {
        return remoteTier == null ? PoolStats.of(store.stats()) : PoolStats.of(store.stats(), remoteTier);
    }

    /**
     * @return the node daemons the cluster's membership lists as live now, sorted by name; empty for a local-only
     * pool.
     */
    public List<NodeView> liveNodes()
    {
        return cluster == null ? List.of() : cluster.liveNodes();
    }

    /**
     * The node daemons holding a copy of a block in far memory now, in the order reads ask them (useful to see
     * where a block lives, and in fault tests).
     *
     * @param block a block of this pool.
     * @return the holders' node names; empty when the block is in a local tier or the pool is local only.
     */
    public List<String> remoteHolders(final Block block)
    {
        return remoteTier == null ? List.of() : remoteTier.holderNames(block.id());
    }

    /**
     * The free far-memory bytes a node daemon last published (about once a second; clients learn it with each
     * heartbeat), by which placement weights the node.
     *
     * @param nodeId the node's id, as in {@link NodeView#nodeId()}.
     * @return free bytes, or -1 if none is known yet, the node is unknown or gone, or the pool is local only.
     */
    public long nodeFreeBytes(final UUID nodeId)
    {
        return remoteTier == null ? -1 : remoteTier.freeBytes(nodeId);
    }

    /**
     * Asks a node daemon for its tiers' usage now (all clients' blocks together), over the transport.
     *
     * @param endpoint the node's Aeron endpoint, {@code host:port}, as in {@link NodeView#endpoint()}.
     * @return the node's usage per tier.
     * @throws IllegalStateException if the pool is local only.
     * @throws io.tierpool.transport.TransportException if the node does not answer within the request timeout.
     */
    public NodeUsage nodeUsage(final String endpoint)
    {
        ensureOpen();
        if (client == null)
        {
            throw new IllegalStateException("this TierPool is local only: set TierPool.Context.nodes(...) to reach " +
                "node daemons");
        }
        return client.usage(endpoint);
    }

    /**
     * @return what the GPU probe found for this process, or {@link GpuProbe#DISABLED_REASON} without
     * {@link Context#gpu(boolean) gpu(true)}; the pool has a DEVICE tier exactly when {@link GpuInfo#available()}.
     */
    public GpuInfo gpu()
    {
        return gpu;
    }

    /**
     * @return true if the pool has a DEVICE tier (GPU memory).
     */
    public boolean hasDeviceTier()
    {
        return store.hasDeviceTier();
    }

    /**
     * @return the configuration this pool was opened with, concluded: a copy of the one given to {@link #open},
     * changing which has no effect.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * @return true once {@link #close()} has been called.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Frees every block still allocated (remote ones on their nodes), stops the mover, releases the memory,
     * removes the pool's files (and the directories {@link Context#baseDir(Path)} made, once empty), tells the node
     * daemons it is leaving (they free its far blocks at once) and stops the media driver. Idempotent. The pool's
     * blocks are then freed: {@link Block#isFreed()} is true, {@link Block#close()} does nothing and their other
     * operations throw {@link io.tierpool.client.BlockFreedException} (see {@link Block}).
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            try
            {
                CloseHelper.closeAll(store, localGpu, remoteTier, cluster, client, driver);
            }
            finally
            {
                ctx.removeDirectories();
            }
        }
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("this TierPool is closed; open a new one");
        }
    }

    /**
     * Configuration of a {@link TierPool}: the local tiers (a {@link StoreContext}), the node daemons to use (a
     * {@link ClusterClient.Context}) and the transport to reach them. Every file the pool makes lives under
     * {@link #baseDir(Path)} when it is set. The common settings have accessors here;
     * the rest are on the nested contexts ({@link #storeContext()}, {@link #clusterContext()},
     * {@link #transportContext()}, {@link #clientContext()}). Not thread-safe. Reusable: {@link TierPool#open}
     * concludes a copy and leaves this one as it was, so one context may open any number of pools, and changes
     * made after an open apply to the next one only.
     */
    public static final class Context implements Cloneable
    {
        private StoreContext storeContext = new StoreContext();
        private ClusterClient.Context clusterContext = new ClusterClient.Context();
        private TransportDriver.Context transportContext = new TransportDriver.Context();
        private BlockClient.Context clientContext = new BlockClient.Context();
        private Path secretFile;
        private Path credentialFile;
        private boolean encryption;
        private List<String> nodes = List.of();
        private Path baseDir;
        private Path vvramDir;
        private Path vssdDir;
        private Path aeronDir;
        private List<Path> createdDirectories = new java.util.ArrayList<>();
        private int awaitNodes;
        private long awaitNodesTimeoutMs = 30_000;
        private int replicas = RemoteTier.AUTO_REPLICAS;
        private long remoteSuspectPeriodNs = RemoteTier.SUSPECT_PERIOD_NS_DEFAULT;
        private boolean gpu;
        private double gpuPoolFraction = io.tierpool.node.gpu.DevicePool.Context.MEMORY_FRACTION_DEFAULT;

        /**
         * Creates a context with the defaults of each part.
         */
        public Context()
        {
        }

        /**
         * @param enabled whether to use a GPU (default false for the library; node daemons read {@code gpu.enabled}).
         *                When true, {@link TierPool#open} probes once per process ({@link GpuProbe#shared(boolean)}:
         *                the first caller's setting counts) and, if a CUDA device is usable, opens a device pool
         *                and a DEVICE tier above RAM; if not, it logs the reason at WARN and runs without one.
         * @return this for a fluent API.
         */
        public Context gpu(final boolean enabled)
        {
            this.gpu = enabled;
            return this;
        }

        /**
         * @return whether GPU use was asked for.
         */
        public boolean gpu()
        {
            return gpu;
        }

        /**
         * @param fraction fraction of the GPU's memory the device pool (and so the DEVICE tier) may hold, in
         *                 (0, 1]; default {@value io.tierpool.node.gpu.DevicePool.Context#MEMORY_FRACTION_DEFAULT}.
         *                 Checked at open.
         * @return this for a fluent API.
         */
        public Context gpuPoolFraction(final double fraction)
        {
            this.gpuPoolFraction = fraction;
            return this;
        }

        /**
         * @return the fraction of the GPU's memory the device pool may hold.
         */
        public double gpuPoolFraction()
        {
            return gpuPoolFraction;
        }

        /**
         * The copy a pool is opened with, concluded: the nested contexts that are concluded for one use (store,
         * transport, client) are cloned; the cluster context may serve several members and is shared.
         */
        Context concludedCopy()
        {
            final Context copy;
            try
            {
                copy = (Context)super.clone();
            }
            catch (final CloneNotSupportedException ex)
            {
                throw new IllegalStateException(ex);
            }
            copy.storeContext = storeContext.clone();
            copy.transportContext = transportContext.clone();
            copy.clientContext = clientContext.clone();
            copy.clusterContext = clusterContext.clone();
            copy.createdDirectories = new java.util.ArrayList<>();
            copy.conclude();
            return copy;
        }

        void conclude()
        {
            if (awaitNodes < 0)
            {
                throw new ConfigurationException("awaitNodes=" + awaitNodes + " must be >= 0");
            }
            if (awaitNodes > 0 && nodes.isEmpty())
            {
                throw new ConfigurationException("awaitNodes=" + awaitNodes + " needs node endpoints: set " +
                    "TierPool.Context.nodes(...) to the node daemons' Aeron endpoints, e.g. 127.0.0.1:40501");
            }
            if (replicas < RemoteTier.AUTO_REPLICAS || replicas > RemoteTier.MAX_REPLICAS)
            {
                throw new ConfigurationException("replicas=" + replicas + " must be from 1 to " +
                    RemoteTier.MAX_REPLICAS + ", or " + RemoteTier.AUTO_REPLICAS +
                    " for the default (2 when two or more node daemons are live at open, else 1)");
            }
            if (remoteSuspectPeriodNs < 0)
            {
                throw new ConfigurationException("remoteSuspectPeriodNs=" + remoteSuspectPeriodNs + " must be 0 " +
                    "(never suspect a node) or more; the default is " + RemoteTier.SUSPECT_PERIOD_NS_DEFAULT);
            }
            if (!(gpuPoolFraction > 0 && gpuPoolFraction <= 1))
            {
                throw new ConfigurationException("gpuPoolFraction=" + gpuPoolFraction + " must be in (0, 1]: the " +
                    "fraction of the GPU's memory the device pool may hold");
            }
            if (awaitNodesTimeoutMs <= 0)
            {
                throw new ConfigurationException("awaitNodesTimeoutMs=" + awaitNodesTimeoutMs + " must be > 0");
            }
            if (clustered())
            {
                concludeSecurity();
                clusterContext.bootstrapEndpoints(nodes);
                if (clusterContext.joinTimeoutMs() == ClusterClient.Context.DEFAULT_JOIN_TIMEOUT_MS)
                {
                    clusterContext.joinTimeoutMs(awaitNodesTimeoutMs);
                }
                clusterContext.conclude();
            }
            final Path vvram = null != vvramDir ? vvramDir : null != baseDir ? baseDir.resolve("vvram") : null;
            final Path vssd = null != vssdDir ? vssdDir : null != baseDir ? baseDir.resolve("vssd") : null;
            final Path aeron = null != aeronDir ? aeronDir : null != baseDir ? baseDir.resolve("aeron") : null;
            if (null != vvram)
            {
                storeContext.vvramDir(vvram);
            }
            if (null != vssd)
            {
                storeContext.vssdDir(vssd);
            }
            if (null != aeron)
            {
                transportContext.baseDir(aeron.toString());
            }
        }

        /**
         * Make the directories under {@link #baseDir(Path)} that do not exist yet, remembering them for
         * {@link #removeDirectories()}.
         */
        void prepareDirectories()
        {
            if (null == baseDir)
            {
                return;
            }
            for (final Path dir : List.of(baseDir, storeContext.vvramDir(), storeContext.vssdDir(),
                Path.of(transportContext.baseDir())))
            {
                if (!dir.startsWith(baseDir) || java.nio.file.Files.isDirectory(dir))
                {
                    continue;
                }
                try
                {
                    java.nio.file.Files.createDirectories(dir);
                    createdDirectories.add(dir);
                }
                catch (final java.io.IOException ex)
                {
                    throw new ConfigurationException("cannot make directory " + dir + " under baseDir " + baseDir +
                        ": " + ex + "; give TierPool.Context.baseDir(...) a writable directory", ex);
                }
            }
        }

        /**
         * Remove the directories {@link #prepareDirectories()} made, those that are empty, deepest first.
         */
        void removeDirectories()
        {
            for (int i = createdDirectories.size() - 1; i >= 0; i--)
            {
                try
                {
                    java.nio.file.Files.deleteIfExists(createdDirectories.get(i));
                }
                catch (final java.io.IOException ex)
                {
                    LOG.debug("directory {} is not empty or cannot be removed; leaving it", createdDirectories.get(i));
                }
            }
            createdDirectories.clear();
        }

        boolean clustered()
        {
            return !nodes.isEmpty();
        }

        /**
         * @param kind  a local tier kind (RAM, VVRAM, VSSD).
         * @param bytes its soft cap in bytes; see {@link StoreContext#softCapBytes(TierKind, long)}.
         * @return this for a fluent API.
         */
        public Context softCapBytes(final TierKind kind, final long bytes)
        {
            storeContext.softCapBytes(kind, bytes);
            return this;
        }

        /**
         * @param kind  a local tier kind (RAM, VVRAM, VSSD).
         * @param bytes its hard cap in bytes; see {@link StoreContext#hardCapBytes(TierKind, long)}.
         * @return this for a fluent API.
         */
        public Context hardCapBytes(final TierKind kind, final long bytes)
        {
            storeContext.hardCapBytes(kind, bytes);
            return this;
        }

        /**
         * @param policy what an allocation does at its tier's hard cap; default
         *               {@link OverflowPolicy#SPILL_TO_NEXT}.
         * @return this for a fluent API.
         */
        public Context overflowPolicy(final OverflowPolicy policy)
        {
            storeContext.overflowPolicy(policy);
            return this;
        }

        /**
         * @param policy the demotion order within a tier; default {@link EvictionPolicy#LRU}.
         * @return this for a fluent API.
         */
        public Context evictionPolicy(final EvictionPolicy policy)
        {
            storeContext.evictionPolicy(policy);
            return this;
        }

        /**
         * @param blocks how many blocks ahead sequential access is prefetched, 0 to disable; default 4; see
         *               {@link StoreContext#prefetchDepth(int)}.
         * @return this for a fluent API.
         */
        public Context prefetchDepth(final int blocks)
        {
            storeContext.prefetchDepth(blocks);
            return this;
        }

        /**
         * @param workers I/O worker threads that do the pool's background tier I/O (demotions and prefetches), 0 to
         *                64; default 2; see {@link StoreContext#ioWorkers(int)}.
         * @return this for a fluent API.
         */
        public Context ioWorkers(final int workers)
        {
            storeContext.ioWorkers(workers);
            return this;
        }

        /**
         * @param bytes most bytes of small blocks demoted to a slower tier in one write, 0 (one block per write) to
         *              64 MiB; default 1 MiB; see {@link StoreContext#demotionBatchBytes(int)}.
         * @return this for a fluent API.
         */
        public Context demotionBatchBytes(final int bytes)
        {
            storeContext.demotionBatchBytes(bytes);
            return this;
        }

        /**
         * @param retain whether a block promoted from VVRAM or VSSD keeps its copy there while unchanged, so that
         *               demoting it again writes nothing; default true; see
         *               {@link StoreContext#retainCleanCopies(boolean)}.
         * @return this for a fluent API.
         */
        public Context retainCleanCopies(final boolean retain)
        {
            storeContext.retainCleanCopies(retain);
            return this;
        }

        /**
         * @param bytes capacity of the RAM tier in bytes, allocated off-heap and pre-touched at open.
         * @return this for a fluent API.
         */
        public Context ramCapacityBytes(final long bytes)
        {
            storeContext.ramCapacityBytes(bytes);
            return this;
        }

        /**
         * @param bytes capacity of the VVRAM tier (memory-mapped files on tmpfs) in bytes, reserved at open;
         *              0 disables the tier. {@link TierPool#open} refuses a capacity above the usable space of
         *              {@link #vvramDir(Path)}'s filesystem.
         * @return this for a fluent API.
         */
        public Context vvramCapacityBytes(final long bytes)
        {
            storeContext.vvramCapacityBytes(bytes);
            return this;
        }

        /**
         * @param bytes capacity of the VSSD tier (a spill file on local disk) in bytes; 0 disables the tier.
         *              {@link TierPool#open} refuses a capacity above the usable space of
         *              {@link #vssdDir(Path)}'s filesystem (with VVRAM on the same filesystem, the two together).
         * @return this for a fluent API.
         */
        public Context vssdCapacityBytes(final long bytes)
        {
            storeContext.vssdCapacityBytes(bytes);
            return this;
        }

        /**
         * One directory under which every file the pool makes lives: {@code <baseDir>/vvram} (the VVRAM tier),
         * {@code <baseDir>/vssd} (the VSSD spill file) and {@code <baseDir>/aeron} (the embedded media driver),
         * each made at open if missing and removed at close if the pool made it and it is empty; each is
         * overridden by {@link #vvramDir(Path)}, {@link #vssdDir(Path)} or {@link #aeronDir(Path)}. VVRAM is meant
         * to be tmpfs: under a baseDir on disk it is only as fast as that disk, so point {@code vvramDir} at a tmpfs
         * (such as {@code /dev/shm}) where speed matters. Default: none, and each part keeps its own default
         * ({@code /dev/shm}, {@code java.io.tmpdir}, Aeron's default directory).
         *
         * @param dir a writable directory; made at open if missing.
         * @return this for a fluent API.
         */
        public Context baseDir(final Path dir)
        {
            this.baseDir = dir;
            return this;
        }

        /**
         * @return the base directory, or null when none was set.
         */
        public Path baseDir()
        {
            return baseDir;
        }

        /**
         * @param dir the tmpfs directory in which the VVRAM tier makes its per-process directory (default
         *            {@code <baseDir>/vvram} with a {@link #baseDir(Path)}, else {@code /dev/shm}).
         * @return this for a fluent API.
         */
        public Context vvramDir(final Path dir)
        {
            this.vvramDir = dir;
            storeContext.vvramDir(dir);
            return this;
        }

        /**
         * @param dir the directory in which the VSSD tier makes its per-process directory (default
         *            {@code <baseDir>/vssd} with a {@link #baseDir(Path)}, else {@code java.io.tmpdir}).
         * @return this for a fluent API.
         */
        public Context vssdDir(final Path dir)
        {
            this.vssdDir = dir;
            storeContext.vssdDir(dir);
            return this;
        }

        /**
         * @param dir the directory in which the embedded Aeron media driver makes its per-process directory
         *            (default {@code <baseDir>/aeron} with a {@link #baseDir(Path)}, else the transport's default;
         *            see {@link TransportDriver.Context#baseDir(String)}). Used only with node endpoints.
         * @return this for a fluent API.
         */
        public Context aeronDir(final Path dir)
        {
            this.aeronDir = dir;
            transportContext.baseDir(dir.toString());
            return this;
        }

        /**
         * @param fraction of a tier's capacity above which the mover starts demoting, in (0, 1].
         * @return this for a fluent API.
         */
        public Context highWatermark(final double fraction)
        {
            storeContext.highWatermark(fraction);
            return this;
        }

        /**
         * @param fraction of a tier's capacity down to which the mover demotes, below the high watermark.
         * @return this for a fluent API.
         */
        public Context lowWatermark(final double fraction)
        {
            storeContext.lowWatermark(fraction);
            return this;
        }

        /**
         * @param bytes the largest block the pool accepts, in bytes (at most 1 GiB).
         * @return this for a fluent API.
         */
        public Context maxBlockBytes(final long bytes)
        {
            storeContext.maxBlockBytes(bytes);
            return this;
        }

        /**
         * @param zeroFill true (default) for new local blocks that read as zeros; false to skip the fill of blocks
         *                 placed in RAM, whose bytes are then undefined until written and may be bytes of blocks
         *                 freed earlier in this process. See {@link StoreContext#zeroFill(boolean)}.
         * @return this for a fluent API.
         */
        public Context zeroFill(final boolean zeroFill)
        {
            storeContext.zeroFill(zeroFill);
            return this;
        }

        /**
         * @return whether new local blocks are zero-filled; see {@link #zeroFill(boolean)}.
         */
        public boolean zeroFill()
        {
            return storeContext.zeroFill();
        }

        /**
         * @return the largest block the pool accepts, in bytes.
         */
        public long maxBlockBytes()
        {
            return storeContext.maxBlockBytes();
        }

        /**
         * @param endpoints Aeron endpoints of one or more node daemons, {@code host:port} as each daemon's ready line
         *                  prints it (e.g. {@code 127.0.0.1:40501}); the pool learns the rest of the cluster from
         *                  whichever answers. None (the default) makes the pool local only.
         * @return this for a fluent API.
         */
        public Context nodes(final String... endpoints)
        {
            return nodes(List.of(endpoints));
        }

        /**
         * @param endpoints Aeron endpoints of one or more node daemons, {@code host:port}; see
         *                  {@link #nodes(String...)}.
         * @return this for a fluent API.
         */
        public Context nodes(final List<String> endpoints)
        {
            this.nodes = List.copyOf(endpoints);
            return this;
        }

        /**
         * @return the node daemons' endpoints asked first; empty for a local-only pool.
         */
        public List<String> nodes()
        {
            return nodes;
        }

        /**
         * @param file a file holding the cluster secret in hexadecimal, written by {@code tierpool secret --out FILE}
         *             (keep it readable by its owner only). With a secret the pool authenticates to every node
         *             daemon and seals every far-memory request (docs/SECURITY.md). Default: none, then the file
         *             named by the environment variable {@value ClusterSecret#SECRET_FILE_ENV}, else the secret in
         *             {@value ClusterSecret#SECRET_ENV}, else no security (logged as a warning when the pool opens
         *             with node endpoints; nodes running with security refuse such a pool with
         *             {@code AUTH_FAILED}).
         * @return this for a fluent API.
         */
        public Context secretFile(final Path file)
        {
            this.secretFile = file;
            return this;
        }

        /**
         * @param file     this client's own credential, written by
         *                 {@code tierpool secret --client-id ID --from CLUSTER_SECRET_FILE --out FILE}; with it the
         *                 pool authenticates under {@code clientId} only, and holds no cluster secret (nodes with
         *                 {@code security.client.credentials.required=true} take only such clients). Replaces
         *                 {@link #secretFile(Path)} and the environment.
         * @param clientId the client id the credential was written for; becomes the pool's client id.
         * @return this for a fluent API.
         */
        public Context clientCredential(final Path file, final long clientId)
        {
            this.credentialFile = file;
            clientContext.clientId(clientId);
            return this;
        }

        /**
         * @param encryption true to ask every node for AES-GCM encryption of block bytes on the wire (needs a
         *                   secret); a node may require it anyway. Default false.
         * @return this for a fluent API.
         */
        public Context encryption(final boolean encryption)
        {
            this.encryption = encryption;
            return this;
        }

        /**
         * Security for the far-memory client: from {@link #secretFile(Path)}, else the environment, else what
         * {@link #clientContext()} was given, else none (logged).
         */
        private void concludeSecurity()
        {
            if (null != credentialFile)
            {
                final ClusterSecret credential = ClusterSecret.fromFile(credentialFile);
                clientContext.security(TransportSecurity.clientCredential(credential, encryption));
                LOG.info("TierPool data-path security on: own credential of client {} from {}, block encryption {}",
                    Long.toHexString(clientContext.clientId()), credential.source(),
                    encryption ? "requested" : "as the nodes require");
                return;
            }
            final ClusterSecret secret = null != secretFile ? ClusterSecret.fromFile(secretFile) :
                ClusterSecret.fromEnvironment(System.getenv());
            if (null != secret)
            {
                clientContext.security(new TransportSecurity(secret, encryption));
                LOG.info("TierPool data-path security on: cluster secret from {}, block encryption {}",
                    secret.source(), encryption ? "requested" : "as the nodes require");
            }
            else if (null == clientContext.security())
            {
                if (encryption)
                {
                    throw new ConfigurationException("encryption(true) needs a cluster secret: set secretFile(...) " +
                        "or " + ClusterSecret.SECRET_FILE_ENV);
                }
                LOG.warn("TierPool data-path security off: no cluster secret (secretFile, {} or {}); nodes that " +
                    "run with security will refuse this pool", ClusterSecret.SECRET_FILE_ENV,
                    ClusterSecret.SECRET_ENV);
            }
        }

        /**
         * @param host this application's address that node daemons can reach, where they send their answers (the
         *             pool's Aeron response endpoint is {@code host:0}, any free port). Default {@code 127.0.0.1}:
         *             set it when the daemons run on other machines or in other containers.
         * @return this for a fluent API.
         */
        public Context host(final String host)
        {
            clientContext.responseEndpoint(host + ":0");
            return this;
        }

        /**
         * @param timeoutMs how long one far-memory request (and each membership request, the pool's heartbeat)
         *                  waits for a node daemon's answer before it fails over to another copy or node, ms, 1 or
         *                  more; bigger blocks get an extra allowance per MiB. Default 5,000.
         * @return this for a fluent API.
         */
        public Context requestTimeoutMs(final long timeoutMs)
        {
            clientContext.requestTimeoutNs(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMs));
            return this;
        }

        /**
         * @param leaseTimeoutMs how long a node daemon keeps this pool's blocks without hearing from it, ms, 1000 or
         *                       more (nodes grant at most 10 min): if the application dies or is cut off, its far
         *                       blocks come back to the nodes this long after its last heartbeat. Heartbeats go a
         *                       quarter of a lease apart (at most 1 s). Default
         *                       {@value ClusterClient.Context#DEFAULT_LEASE_TIMEOUT_MS}.
         * @return this for a fluent API.
         */
        public Context leaseTimeoutMs(final long leaseTimeoutMs)
        {
            clusterContext.leaseTimeoutMs(leaseTimeoutMs);
            return this;
        }

        /**
         * @param count node daemons that must be live before {@link TierPool#open} returns (default 0).
         * @return this for a fluent API.
         */
        public Context awaitNodes(final int count)
        {
            this.awaitNodes = count;
            return this;
        }

        /**
         * @param timeoutMs how long {@link TierPool#open} waits for {@link #awaitNodes(int)} nodes, in ms
         *                  (default 30,000).
         * @return this for a fluent API.
         */
        public Context awaitNodesTimeoutMs(final long timeoutMs)
        {
            this.awaitNodesTimeoutMs = timeoutMs;
            return this;
        }

        /**
         * Copies kept of each block in far memory, each on a different node daemon. With 2 or more, a node that
         * crashes or leaves loses no block: reads fail over to another copy and the pool re-replicates the blocks
         * that lost a copy in the background. With 1, a block whose node is gone raises {@link BlockLostException}
         * on access. When fewer nodes are live (or willing) than the count, a block gets as many copies as there
         * are nodes and counts as under-replicated ({@link PoolStats#underReplicatedBlocks()}) until nodes join.
         * Each copy takes the block's size on its node. Ignored by a local-only pool.
         *
         * @param replicas copies of each remote block, 1..{@link RemoteTier#MAX_REPLICAS}; or
         *                 {@link RemoteTier#AUTO_REPLICAS} (0, the default) for 2 when two or more node daemons are
         *                 live when the pool opens (after {@link #awaitNodes(int)}), else 1.
         * @return this for a fluent API.
         */
        public Context replicas(final int replicas)
        {
            this.replicas = replicas;
            return this;
        }

        /**
         * @return the replica count asked for; {@link RemoteTier#AUTO_REPLICAS} for the default. The count in use
         * is in {@link PoolStats#replicas()}.
         */
        public int replicas()
        {
            return replicas;
        }

        /**
         * How long a node daemon is asked last after a request to it timed out or could not reach it (a hang or a
         * partition that discovery has not yet declared a failure): writes go to the other nodes, reads to the
         * other copies, frees skip it, until the period ends or a request to it is answered. See
         * {@link RemoteTier} and {@code docs/RELIABILITY.md}.
         *
         * @param periodNs the period in ns, 0 (never suspect a node) or more; default
         *                 {@link RemoteTier#SUSPECT_PERIOD_NS_DEFAULT} (10 s).
         * @return this for a fluent API.
         */
        public Context remoteSuspectPeriodNs(final long periodNs)
        {
            this.remoteSuspectPeriodNs = periodNs;
            return this;
        }

        /**
         * @return how long a node that did not answer is asked last, ns.
         */
        public long remoteSuspectPeriodNs()
        {
            return remoteSuspectPeriodNs;
        }

        /**
         * @return the local tiers' configuration, for settings not mirrored here.
         */
        public StoreContext storeContext()
        {
            return storeContext;
        }

        /**
         * @return the cluster client's configuration (heartbeat interval, timeouts), for settings not mirrored here.
         */
        public ClusterClient.Context clusterContext()
        {
            return clusterContext;
        }

        /**
         * @return the embedded media driver's configuration.
         */
        public TransportDriver.Context transportContext()
        {
            return transportContext;
        }

        /**
         * @return the block client's configuration (request timeouts, client id).
         */
        public BlockClient.Context clientContext()
        {
            return clientContext;
        }
    }
}
