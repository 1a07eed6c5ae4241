/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.demo;

import io.tierpool.transport.ClusterSecret;
import io.tierpool.client.ConfigurationException;
import io.tierpool.client.PoolStats;
import io.tierpool.client.TierPool;
import io.tierpool.client.Hint;
import io.tierpool.client.GpuInfo;
import org.agrona.CloseHelper;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code tierpool demo} job: start node daemons as child JVMs on loopback (or join a running cluster, see
 * {@link Context#joinNodes(List)}), open a {@link TierPool} whose
 * local tiers hold only part of the data (a third with the defaults), fill two random {@code n x n} float
 * matrices tile by tile, multiply them out of core ({@link OutOfCoreGemm}), check the product
 * ({@link Freivalds}), and describe what the pool did ({@link DemoReport}).
 * <p>
 * {@code
 * try (Demo demo = new Demo(new Demo.Context().n(2048))) {
 *     DemoReport report = demo.run();
 *     System.out.print(report.format());
 * }
 * }
 * <b>Resources.</b> Everything the run makes (directories, child processes, the pool, its blocks, worker
 * threads) is registered as it is made and released by {@link #close()} in reverse order. A shutdown hook calls
 * {@link #abort()} instead, on Ctrl-C while {@link #run()} is still going (run then ends with an exception): it
 * stops the processes and threads and removes the files, quickly. Both are idempotent and thread-safe.
 * <b>Threads.</b> {@link #run()} once, from one thread.
 */
public final class Demo implements AutoCloseable
{
    private final Context ctx;
    private final NanoClock clock;
    private final Deque<Resource> resources = new ArrayDeque<>();
    private final Map<String, Long> phaseNs = new LinkedHashMap<>();
    private DemoWorkspace workspace;
    private boolean closed;
    private boolean ran;
    private String gpuReport = "";

    /**
     * @param ctx the settings; concluded here.
     * @throws ConfigurationException if a setting is invalid (the message names the flag and value).
     */
    public Demo(final Context ctx)
    {
        this.ctx = ctx.conclude();
        this.clock = SystemNanoClock.INSTANCE;
    }

    /**
     * @return the concluded settings.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * Runs the whole job. Everything it makes stays allocated until {@link #close()}; the statistics in the
     * report are taken after the check, while the matrices still hold their blocks.
     *
     * @return the report; {@link DemoReport#passed()} says whether the product verified.
     * @throws io.tierpool.client.TierPoolException if a node daemon, the pool or a block operation fails.
     * @throws CancellationException         if {@link #close()} is called meanwhile.
     * @throws IllegalStateException         if called twice.
     */
    public DemoReport run()
    {
        if (ran)
        {
            throw new IllegalStateException("a Demo runs once; make a new one");
        }
        ran = true;
        final long startNs = clock.nanoTime();
        final PrintStream status = ctx.status();
        final int n = ctx.n();
        final int tile = ctx.tile();
        final long tileBytes = TiledMatrix.tileBytes(tile);

        status.printf("tierpool demo: C = A x B with n=%d, tile=%d: %s of data in %d blocks of %s; " +
            "local tiers %s (%.0f%%), %d node(s) with %s each%n",
            n, tile, DemoReport.formatBytes(ctx.dataBytes()), 3 * ctx.tilesPerMatrix(),
            DemoReport.formatBytes(tileBytes), DemoReport.formatBytes(ctx.localCapacityBytes()),
            100.0 * ctx.localCapacityBytes() / ctx.dataBytes(), ctx.nodes(),
            ctx.joinNodes().isEmpty() ? DemoReport.formatBytes(ctx.nodeCapacityBytes()) : "their own tiers");

        long phaseStartNs = clock.nanoTime();
        workspace = register(DemoWorkspace.create(ctx.workDir(), ctx.vvramDir()), true);
        final DemoPorts ports = new DemoPorts(ctx.basePort(), ctx.nodes());
        final boolean existingCluster = !ctx.joinNodes().isEmpty();
        Path secretFile = null;
        if (existingCluster)
        {
            status.printf("tierpool demo: joining the running cluster at %s (waiting for %d node(s))%n",
                String.join(",", ctx.joinNodes()), ctx.nodes());
        }
        else if (ctx.nodes() > 0)
        {
            status.printf("tierpool demo: starting %d node daemon(s) on ports %d..%d%n",
                ctx.nodes(), ports.base(), ports.base() + DemoPorts.RANGE - 1);
            // a fresh data-path secret per run, removed with the workspace (docs/SECURITY.md)
            secretFile = workspace.diskDir("secret").resolve("cluster.secret");
            ClusterSecret.writeNew(secretFile);
            status.printf("tierpool demo: data-path security on: a fresh cluster secret for this run, in an " +
                "owner-only file removed at the end%n");
            register(DemoCluster.start(ctx.nodes(), ports, workspace, ctx.nodeRamBytes(), ctx.nodeVvramBytes(),
                ctx.nodeVssdBytes(), ctx.nodeHeap(), secretFile, status), true);
        }
        phaseStartNs = endPhase("start nodes", phaseStartNs);

        final TierPool.Context poolCtx = new TierPool.Context()
            .ramCapacityBytes(ctx.ramBytes())
            .vvramCapacityBytes(ctx.vvramBytes())
            .vssdCapacityBytes(ctx.vssdBytes())
            .vvramDir(workspace.tmpfsDir("client"))
            .vssdDir(workspace.diskDir("client"))
            .maxBlockBytes(tileBytes);
        if (ctx.nodes() > 0)
        {
            poolCtx.nodes(existingCluster ? ctx.joinNodes() : ports.nodeEndpoints())
                .awaitNodes(ctx.nodes())
                .aeronDir(workspace.tmpfsDir("client"));
            poolCtx.host(ctx.host());
            if (null != secretFile)
            {
                poolCtx.secretFile(secretFile);
            }
        }
        final TierPool pool = register(TierPool.open(poolCtx), false);
        phaseStartNs = endPhase("open pool", phaseStartNs);

        final OutOfCoreGemm gemm = null == ctx.gpu() ? register(new OutOfCoreGemm(ctx.threads(), clock), true) : null;
        final GpuGemm gpuGemm = null == ctx.gpu() ? null :
            register(GpuGemm.open(ctx.gpu(), tile, GpuGemm.POOL_FRACTION_DEFAULT), true);
        final TiledMatrix a = register(TiledMatrix.allocate(pool, "A", n, tile, Hint.WARM), false);
        final TiledMatrix b = register(TiledMatrix.allocate(pool, "B", n, tile, Hint.WARM), false);
        final TiledMatrix c = register(TiledMatrix.allocate(pool, "C", n, tile, Hint.WARM), false);

        final SplittableRandom random = new SplittableRandom(ctx.seed());
        final TileBuffers scratch = new TileBuffers(tile);
        final float[] values = new float[tile * tile];
        final ProgressBar fillProgress = progress("generate", 2L * ctx.tilesPerMatrix());
        final AtomicLong filled = new AtomicLong();
        final Runnable onFilled = () -> fillProgress.update(filled.incrementAndGet());
        a.fillUniform(random, values, scratch, onFilled);
        b.fillUniform(random, values, scratch, onFilled);
        fillProgress.finish(filled.get());
        phaseStartNs = endPhase("generate", phaseStartNs);

        final OutOfCoreGemm.Result product;
        if (null == gpuGemm)
        {
            product = gemm.multiply(a, b, c, progress("multiply", ctx.tilesPerMatrix()));
        }
        else
        {
            final GpuGemm.Result gpuResult = gpuGemm.multiply(a, b, c, progress("multiply", ctx.tilesPerMatrix()));
            product = gpuResult.product();
            gpuReport = gpuResult.format();
        }
        phaseStartNs = endPhase("multiply", phaseStartNs);

        final ProgressBar verifyProgress = progress("verify", 3L * ctx.tilesPerMatrix());
        final AtomicLong verified = new AtomicLong();
        final Freivalds.Result verification = Freivalds.verify(
            a, b, c, ctx.verifyVectors(), ctx.seed() ^ 0x5DEECE66DL,
            () -> verifyProgress.update(verified.incrementAndGet()));
        verifyProgress.finish(verified.get());
        final PoolStats stats = pool.stats();
        endPhase("verify", phaseStartNs);

        return new DemoReport(
            n, tile, ctx.threads(), ctx.nodes(), ctx.dataBytes(), ctx.localCapacityBytes(), stats, product,
            verification, Collections.unmodifiableMap(new LinkedHashMap<>(phaseNs)), clock.nanoTime() - startNs,
            -1);
    }

    /**
     * @return the GPU lines of the report (device, copy bandwidths, device pool hit rate, GFLOP/s) after a run with
     *         {@link Context#gpu(GpuInfo)}; empty otherwise.
     */
    public String gpuReport()
    {
        return gpuReport;
    }

    /**
     * @return what the run's cleanup could not remove (empty when everything went); complete after
     *         {@link #close()}.
     */
    public List<String> cleanupWarnings()
    {
        return null == workspace ? List.of() : workspace.warnings();
    }

    /**
     * Releases everything the run made, newest first: worker threads, blocks, the pool, the node daemons, the
     * directories. Idempotent and thread-safe; after {@link #abort()} it does nothing.
     */
    public void close()
    {
        for (final Resource resource : takeResources())
        {
            CloseHelper.quietClose(resource.closeable());
        }
    }

    /**
     * For a shutdown hook (Ctrl-C): stops the worker threads and the node daemons and removes the run's
     * directories, but neither frees the blocks one by one nor closes the pool. The process is exiting, so the
     * pool's memory goes with it, and freeing remote blocks on nodes that are stopping at the same moment (their
     * {@link io.tierpool.node.NodeProcess} hooks stop them too) would wait out a timeout per block. Idempotent
     * and thread-safe; after {@link #close()} it does nothing.
     */
    public void abort()
    {
        for (final Resource resource : takeResources())
        {
            if (resource.neededOnAbort())
            {
                CloseHelper.quietClose(resource.closeable());
            }
        }
    }

    /**
     * @return true once {@link #close()} or {@link #abort()} has started.
     */
    public synchronized boolean isClosed()
    {
        return closed;
    }

    private synchronized List<Resource> takeResources()
    {
        if (closed)
        {
            return List.of();
        }
        closed = true;
        final List<Resource> taken = new ArrayList<>(resources);
        resources.clear();
        return taken;
    }

    private <T extends AutoCloseable> T register(final T resource, final boolean neededOnAbort)
    {
        synchronized (this)
        {
            if (!closed)
            {
                resources.addFirst(new Resource(resource, neededOnAbort));
                return resource;
            }
        }
        CloseHelper.quietClose(resource);
        throw new CancellationException("the demo was stopped");
    }

    /**
     * Something the run made and must release.
     *
     * @param closeable     what to close.
     * @param neededOnAbort whether {@link #abort()} closes it too: processes, threads and files outlive the JVM
     *                      or hold it up; memory does not.
     */
    private record Resource(AutoCloseable closeable, boolean neededOnAbort)
    {
    }

    private ProgressBar progress(final String label, final long totalTiles)
    {
        return ProgressBar.start(ctx.progressOut(), label, "tiles", totalTiles, ctx.progressMode());
    }

    private long endPhase(final String phase, final long phaseStartNs)
    {
        final long nowNs = clock.nanoTime();
        phaseNs.put(phase, nowNs - phaseStartNs);
        return nowNs;
    }

    /**
     * Settings of a demo run, with the defaults of {@code tierpool demo}. Sizes are in bytes. Not thread-safe.
     */
    public static final class Context
    {
        /**
         * Default matrix side: 4096 (three matrices of 64 MiB).
         */
        public static final int N_DEFAULT = 4096;

        /**
         * Default tile side: 512 (1 MiB blocks).
         */
        public static final int TILE_DEFAULT = 512;

        /**
         * Default client RAM tier: 16 MiB.
         */
        public static final long RAM_DEFAULT = 16L << 20;

        /**
         * Default client VVRAM tier: 16 MiB.
         */
        public static final long VVRAM_DEFAULT = 16L << 20;

        /**
         * Default client VSSD tier: 32 MiB.
         */
        public static final long VSSD_DEFAULT = 32L << 20;

        /**
         * Default node daemons: 2.
         */
        public static final int NODES_DEFAULT = 2;

        /**
         * Default node RAM tier: 64 MiB.
         */
        public static final long NODE_RAM_DEFAULT = 64L << 20;

        /**
         * Default node VVRAM tier: 64 MiB.
         */
        public static final long NODE_VVRAM_DEFAULT = 64L << 20;

        /**
         * Default node VSSD tier: 256 MiB.
         */
        public static final long NODE_VSSD_DEFAULT = 256L << 20;

        /**
         * Default node JVM heap: 256m (blocks live off-heap).
         */
        public static final String NODE_HEAP_DEFAULT = "256m";

        /**
         * Default seed of the matrices.
         */
        public static final long SEED_DEFAULT = 42;

        private int n = N_DEFAULT;
        private int tile = TILE_DEFAULT;
        private long ramBytes = RAM_DEFAULT;
        private long vvramBytes = VVRAM_DEFAULT;
        private long vssdBytes = VSSD_DEFAULT;
        private int nodes = NODES_DEFAULT;
        private long nodeRamBytes = NODE_RAM_DEFAULT;
        private long nodeVvramBytes = NODE_VVRAM_DEFAULT;
        private long nodeVssdBytes = NODE_VSSD_DEFAULT;
        private String nodeHeap = NODE_HEAP_DEFAULT;
        private int threads = Runtime.getRuntime().availableProcessors();
        private long seed = SEED_DEFAULT;
        private int basePort = DemoPorts.DEFAULT_BASE_PORT;
        private int verifyVectors = Freivalds.DEFAULT_VECTORS;
        private Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
        private Path vvramDir;
        private List<String> joinNodes = List.of();
        private String host = "127.0.0.1";
        private ProgressBar.Mode progressMode = ProgressBar.Mode.LINES;
        private PrintStream progressOut = System.err;
        private PrintStream status = System.err;
        private GpuInfo gpu;
        private final List<String> warnings = new ArrayList<>();
        private boolean concluded;

        /**
         * Checks the settings and fills in the defaults that depend on others.
         *
         * @return this.
         * @throws ConfigurationException naming the first bad flag and its value.
         */
        public Context conclude()
        {
            if (concluded)
            {
                return this;
            }
            if (n <= 0)
            {
                throw new ConfigurationException("--n=" + n + " must be positive");
            }
            if (tile <= 0 || tile > 8192)
            {
                throw new ConfigurationException("--tile=" + tile + " must be in 1..8192");
            }
            if (n % tile != 0)
            {
                final long nearest = Math.max(tile, Math.round((double)n / tile) * tile);
                throw new ConfigurationException("--n=" + n + " is not a multiple of --tile=" + tile +
                    ": use n = k * " + tile + " (e.g. " + nearest + ") or a tile that divides " + n);
            }
            if ((long)(n / tile) * (n / tile) > 1 << 20)
            {
                throw new ConfigurationException("--n=" + n + " with --tile=" + tile + " makes " +
                    (long)(n / tile) * (n / tile) + " tiles per matrix; use a larger tile (at most 2^20 tiles)");
            }
            if (threads < 1)
            {
                throw new ConfigurationException("--threads=" + threads + " must be >= 1");
            }
            if (null != gpu && !gpu.available())
            {
                throw new ConfigurationException("--gpu: no CUDA device: " + gpu.reason());
            }
            if (null == nodeHeap || !nodeHeap.matches("\\d+[kKmMgG]?"))
            {
                throw new ConfigurationException("--node-heap=" + nodeHeap + " is not a heap size: use a number with " +
                    "an optional k, m or g suffix, e.g. 256m");
            }
            if (verifyVectors < 1 || verifyVectors > 64)
            {
                throw new ConfigurationException("--verify-vectors=" + verifyVectors + " must be in 1..64");
            }
            requireNonNegative("--ram", ramBytes);
            requireNonNegative("--vvram", vvramBytes);
            requireNonNegative("--vssd", vssdBytes);
            requireNonNegative("--node-ram", nodeRamBytes);
            requireNonNegative("--node-vvram", nodeVvramBytes);
            requireNonNegative("--node-vssd", nodeVssdBytes);
            new DemoPorts(basePort, nodes);

            final long tileBytes = TiledMatrix.tileBytes(tile);
            if (ramBytes < tileBytes)
            {
                throw new ConfigurationException("--ram=" + ramBytes + " bytes holds less than one tile of " +
                    tileBytes + " bytes (--tile=" + tile + "); every access brings a tile into RAM: give RAM at " +
                    "least " + 2 * tileBytes * threads + " bytes or use a smaller tile");
            }
            if (!joinNodes.isEmpty() && nodes < 1)
            {
                throw new ConfigurationException("--nodes=" + nodes + " with --join=" +
                    String.join(",", joinNodes) + " must be 1 or more: the demo waits for that many of " +
                    "the running cluster's nodes");
            }
            if (null == host || host.isBlank() || "0.0.0.0".equals(host.trim()))
            {
                throw new ConfigurationException("--host=" + host + " must be an address of this machine that the " +
                    "nodes can reach, e.g. 127.0.0.1 or the container's host name");
            }
            final boolean startsNodes = joinNodes.isEmpty();
            if (startsNodes && nodes > 0 && nodeRamBytes < tileBytes)
            {
                throw new ConfigurationException("--node-ram=" + nodeRamBytes + " bytes holds less than one tile of " +
                    tileBytes + " bytes (--tile=" + tile + "); give nodes more RAM or use a smaller tile");
            }
            final long capacity = localCapacityBytes() + nodes * nodeCapacityBytes();
            if (startsNodes && capacity < dataBytes())
            {
                throw new ConfigurationException("the job needs " + dataBytes() + " bytes (3 matrices of n=" + n +
                    ") but the local tiers (--ram + --vvram + --vssd) and " + nodes + " node(s) (--node-ram + " +
                    "--node-vvram + --node-vssd each) hold only " + capacity + " bytes: raise the sizes or lower --n");
            }
            if (localCapacityBytes() * 3 > dataBytes())
            {
                warnings.add(String.format("the local tiers (%s) hold more than a third of the data (%s): less of " +
                    "it will live on the remote nodes", DemoReport.formatBytes(localCapacityBytes()),
                    DemoReport.formatBytes(dataBytes())));
            }
            if (ramBytes < 3 * tileBytes * threads)
            {
                warnings.add(String.format("--ram=%s holds fewer than 3 tiles per thread (%d threads, %s tiles); " +
                    "threads will wait on each other's spills", DemoReport.formatBytes(ramBytes), threads,
                    DemoReport.formatBytes(tileBytes)));
            }
            if (null == vvramDir)
            {
                final Path shm = Path.of("/dev/shm");
                vvramDir = Files.isDirectory(shm) ? shm : workDir;
            }
            concluded = true;
            return this;
        }

        private static void requireNonNegative(final String flag, final long bytes)
        {
            if (bytes < 0)
            {
                throw new ConfigurationException(flag + "=" + bytes + " must not be negative");
            }
        }

        /**
         * @return warnings found by {@link #conclude()}: settings that work but not as the demo intends.
         */
        public List<String> warnings()
        {
            return List.copyOf(warnings);
        }

        /**
         * @return bytes of the three matrices, {@code 3 * 4 * n^2}.
         */
        public long dataBytes()
        {
            return 3 * TiledMatrix.matrixBytes(n);
        }

        /**
         * @return tiles in one matrix, {@code (n / tile)^2}.
         */
        public int tilesPerMatrix()
        {
            final int side = n / tile;
            return side * side;
        }

        /**
         * @return the client's local tiers together, bytes.
         */
        public long localCapacityBytes()
        {
            return ramBytes + vvramBytes + vssdBytes;
        }

        /**
         * @return one node's tiers together, bytes.
         */
        public long nodeCapacityBytes()
        {
            return nodeRamBytes + nodeVvramBytes + nodeVssdBytes;
        }

        /**
         * @param n the matrix side in floats, a multiple of the tile (default {@link #N_DEFAULT}).
         * @return this.
         */
        public Context n(final int n)
        {
            this.n = n;
            return this;
        }

        /**
         * @return the matrix side in floats.
         */
        public int n()
        {
            return n;
        }

        /**
         * @param tile the tile side in floats (default {@link #TILE_DEFAULT}); a block holds {@code 4 * tile^2}
         *             bytes.
         * @return this.
         */
        public Context tile(final int tile)
        {
            this.tile = tile;
            return this;
        }

        /**
         * @return the tile side in floats.
         */
        public int tile()
        {
            return tile;
        }

        /**
         * @param bytes the client's RAM tier (default {@link #RAM_DEFAULT}).
         * @return this.
         */
        public Context ramBytes(final long bytes)
        {
            this.ramBytes = bytes;
            return this;
        }

        /**
         * @return the client's RAM tier, bytes.
         */
        public long ramBytes()
        {
            return ramBytes;
        }

        /**
         * @param bytes the client's VVRAM tier (default {@link #VVRAM_DEFAULT}); 0 disables it.
         * @return this.
         */
        public Context vvramBytes(final long bytes)
        {
            this.vvramBytes = bytes;
            return this;
        }

        /**
         * @return the client's VVRAM tier, bytes.
         */
        public long vvramBytes()
        {
            return vvramBytes;
        }

        /**
         * @param bytes the client's VSSD tier (default {@link #VSSD_DEFAULT}); 0 disables it.
         * @return this.
         */
        public Context vssdBytes(final long bytes)
        {
            this.vssdBytes = bytes;
            return this;
        }

        /**
         * @return the client's VSSD tier, bytes.
         */
        public long vssdBytes()
        {
            return vssdBytes;
        }

        /**
         * @param nodes node daemons to start, 0 to {@link DemoPorts#MAX_NODES} (default {@link #NODES_DEFAULT});
         *              0 runs local only.
         * @return this.
         */
        public Context nodes(final int nodes)
        {
            this.nodes = nodes;
            return this;
        }

        /**
         * @return node daemons to start.
         */
        public int nodes()
        {
            return nodes;
        }

        /**
         * @param bytes each node's RAM tier (default {@link #NODE_RAM_DEFAULT}).
         * @return this.
         */
        public Context nodeRamBytes(final long bytes)
        {
            this.nodeRamBytes = bytes;
            return this;
        }

        /**
         * @return each node's RAM tier, bytes.
         */
        public long nodeRamBytes()
        {
            return nodeRamBytes;
        }

        /**
         * @param bytes each node's VVRAM tier (default {@link #NODE_VVRAM_DEFAULT}).
         * @return this.
         */
        public Context nodeVvramBytes(final long bytes)
        {
            this.nodeVvramBytes = bytes;
            return this;
        }

        /**
         * @return each node's VVRAM tier, bytes.
         */
        public long nodeVvramBytes()
        {
            return nodeVvramBytes;
        }

        /**
         * @param bytes each node's VSSD tier (default {@link #NODE_VSSD_DEFAULT}).
         * @return this.
         */
        public Context nodeVssdBytes(final long bytes)
        {
            this.nodeVssdBytes = bytes;
            return this;
        }

        /**
         * @return each node's VSSD tier, bytes.
         */
        public long nodeVssdBytes()
        {
            return nodeVssdBytes;
        }

        /**
         * @param maxHeap each node JVM's {@code -Xmx} value (default {@link #NODE_HEAP_DEFAULT}).
         * @return this.
         */
        public Context nodeHeap(final String maxHeap)
        {
            this.nodeHeap = maxHeap;
            return this;
        }

        /**
         * @return each node JVM's {@code -Xmx} value.
         */
        public String nodeHeap()
        {
            return nodeHeap;
        }

        /**
         * @param threads multiply worker threads (default: available processors).
         * @return this.
         */
        public Context threads(final int threads)
        {
            this.threads = threads;
            return this;
        }

        /**
         * @param gpu a usable GPU to multiply on with cuBLAS ({@link GpuGemm}) instead of the CPU workers, or null
         *            for the CPU (the default). Probe it first with {@link io.tierpool.node.gpu.GpuProbe}.
         * @return this.
         */
        public Context gpu(final GpuInfo gpu)
        {
            this.gpu = gpu;
            return this;
        }

        /**
         * @return the GPU to multiply on, or null for the CPU.
         */
        public GpuInfo gpu()
        {
            return gpu;
        }

        /**
         * @return multiply worker threads.
         */
        public int threads()
        {
            return threads;
        }

        /**
         * @param seed seed of the matrices (default {@link #SEED_DEFAULT}); the check's vectors derive from it.
         * @return this.
         */
        public Context seed(final long seed)
        {
            this.seed = seed;
            return this;
        }

        /**
         * @return seed of the matrices.
         */
        public long seed()
        {
            return seed;
        }

        /**
         * @param port first of the run's {@link DemoPorts#RANGE} loopback ports (default
         *             {@link DemoPorts#DEFAULT_BASE_PORT}).
         * @return this.
         */
        public Context basePort(final int port)
        {
            this.basePort = port;
            return this;
        }

        /**
         * @return first of the run's loopback ports.
         */
        public int basePort()
        {
            return basePort;
        }

        /**
         * @param vectors Freivalds vectors, 1 to 64 (default {@link Freivalds#DEFAULT_VECTORS}).
         * @return this.
         */
        public Context verifyVectors(final int vectors)
        {
            this.verifyVectors = vectors;
            return this;
        }

        /**
         * @return Freivalds vectors.
         */
        public int verifyVectors()
        {
            return verifyVectors;
        }

        /**
         * @param dir existing directory in which the run makes (and removes) its disk directory (default
         *            {@code java.io.tmpdir}).
         * @return this.
         */
        public Context workDir(final Path dir)
        {
            this.workDir = dir;
            return this;
        }

        /**
         * @return directory in which the run makes its disk directory.
         */
        public Path workDir()
        {
            return workDir;
        }

        /**
         * @param dir existing tmpfs directory in which the run makes (and removes) its VVRAM directory (default
         *            {@code /dev/shm}, or the work directory where there is none).
         * @return this.
         */
        public Context vvramDir(final Path dir)
        {
            this.vvramDir = dir;
            return this;
        }

        /**
         * @return tmpfs directory in which the run makes its VVRAM directory.
         */
        public Path vvramDir()
        {
            return vvramDir;
        }

        /**
         * @param endpoints Aeron endpoints ({@code host:port}) of node daemons of a running cluster; when given,
         *                  the demo starts no node daemons, uses that cluster and waits for {@link #nodes(int)} of
         *                  its nodes, whose tier sizes are theirs (the {@code --node-*} settings do not apply). Empty
         *                  (the default) starts node daemons on loopback.
         * @return this.
         */
        public Context joinNodes(final List<String> endpoints)
        {
            this.joinNodes = List.copyOf(endpoints);
            return this;
        }

        /**
         * @return node daemons of a running cluster to use; empty when the demo starts its own nodes.
         */
        public List<String> joinNodes()
        {
            return joinNodes;
        }

        /**
         * @param host this client's address, which node daemons connect back to for Ignite and send Aeron
         *             responses to (default {@code 127.0.0.1}; in a container, its host name).
         * @return this.
         */
        public Context host(final String host)
        {
            this.host = host;
            return this;
        }

        /**
         * @return this client's address for Ignite and Aeron responses.
         */
        public String host()
        {
            return host;
        }

        /**
         * @param mode how progress is shown (default {@link ProgressBar.Mode#LINES}).
         * @return this.
         */
        public Context progressMode(final ProgressBar.Mode mode)
        {
            this.progressMode = mode;
            return this;
        }

        /**
         * @return how progress is shown.
         */
        public ProgressBar.Mode progressMode()
        {
            return progressMode;
        }

        /**
         * @param out where progress is drawn (default {@code System.err}).
         * @return this.
         */
        public Context progressOut(final PrintStream out)
        {
            this.progressOut = out;
            return this;
        }

        /**
         * @return where progress is drawn.
         */
        public PrintStream progressOut()
        {
            return progressOut;
        }

        /**
         * @param out where status lines go (default {@code System.err}).
         * @return this.
         */
        public Context status(final PrintStream out)
        {
            this.status = out;
            return this;
        }

        /**
         * @return where status lines go.
         */
        public PrintStream status()
        {
            return status;
        }
    }
}
