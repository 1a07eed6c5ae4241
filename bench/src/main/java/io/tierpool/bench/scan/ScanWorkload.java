/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.scan;

import io.tierpool.node.engine.StoreContext;
import io.tierpool.bench.BenchDirectories;
import io.tierpool.bench.report.Samples;
import io.tierpool.bench.report.TextTable;
import io.tierpool.bench.report.Units;
import io.tierpool.client.Block;
import io.tierpool.client.PoolStats;
import io.tierpool.client.TierPool;
import io.tierpool.client.Hint;
import io.tierpool.client.TierKind;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Sequential out-of-core scan: {@code dataMultiple x ramBytes} of blocks are written once, then read front to
 * back {@code passes} times, each block into one application buffer whose longs are summed and checked against
 * the sum computed when the block was written (every byte of every pass is verified).
 * <p>
 * <b>Configurations.</b> Four pools are open at once, each holding its own copy of the data:
 * <ul>
 *     <li><b>in-RAM</b>: a RAM tier large enough for all of it, no other tiers (the baseline);</li>
 *     <li><b>no prefetch</b>: RAM of {@code ramBytes}, the rest spilling to VVRAM and VSSD, the engine's
 *     prefetcher off ({@code prefetchDepth(0)}): every read that misses RAM promotes its block synchronously;</li>
 *     <li><b>auto prefetch</b>: the same tiers with the engine's defaults, i.e. its sequential-access detection
 *     ({@link io.tierpool.node.engine.StoreContext#prefetchDepth(int)}, default 4 blocks ahead) and nothing
 *     in the application: what a user gets without writing any prefetch code;</li>
 *     <li><b>explicit prefetch</b>: the same tiers, detection off, and the application asking for the block
 *     {@code prefetchAhead} places ahead of the one it reads ({@link Block#prefetch()}; the first
 *     {@code prefetchAhead} blocks of a pass with {@link TierPool#prefetch(java.util.Collection)} before it
 *     starts).</li>
 * </ul>
 * Their passes alternate (in-RAM pass 1, no-prefetch pass 1, auto pass 1, explicit pass 1, in-RAM pass 2, ...),
 * so that a change in the machine's load affects all alike; the ratio out-of-core / in-RAM of each pair of passes
 * is the figure the issue 4 goal (0.8 or more) is about, quoted as median with min–max.
 * <p>
 * <b>Hit rates.</b> Before each read the scan asks the block's tier ({@link Block#tier()}): a block already in RAM
 * is a <em>RAM hit</em> (a block whose prefetch is still in flight is not, although the engine counts its read,
 * which waits for that prefetch, as a prefetch hit). From the pool's statistics over all passes: the
 * <em>prefetch hit rate</em> ({@link PoolStats#prefetchHitRate()}: prefetched blocks that were accessed while still
 * in RAM / blocks prefetched) and the <em>prefetch coverage</em> (prefetch hits / block reads: the share of reads
 * served by the prefetcher).
 * <p>
 * Single-threaded reader (each pool's prefetcher and mover run on their own threads). Files live under the given
 * parents and are removed when the run ends.
 */
public final class ScanWorkload
{
    /**
     * How a configuration prefetches.
     */
    public enum Prefetch
    {
        /**
         * The engine's prefetcher off ({@code prefetchDepth(0)}), no requests from the application.
         */
        NONE,

        /**
         * The engine's default sequential-access detection, no requests from the application.
         */
        AUTO,

        /**
         * Detection off; the application asks for the block {@code prefetchAhead} places ahead of the one it reads.
         */
        EXPLICIT
    }

    /**
     * Settings of a scan run.
     *
     * @param ramBytes      RAM tier of the out-of-core runs, in bytes; a positive multiple of {@code blockBytes}.
     * @param dataMultiple  data size as a multiple of {@code ramBytes}, at least 1 (default 4).
     * @param blockBytes    bytes per block, a positive multiple of 8.
     * @param passes        timed passes per run, at least 1.
     * @param warmupPasses  untimed passes per run before the timed ones, 0 or more (default 1): the first pass
     *                      after the data was written also pays for JIT compilation and for demoting blocks that
     *                      were just written (they have no retained copies yet); its ratio is reported on its own
     *                      ({@link Run#warmupRatio()}), and its reads are verified too.
     * @param prefetchAhead how many blocks ahead of the reader the explicit-prefetch run asks for, from 1 to a
     *                      quarter of the blocks that fit in {@code ramBytes} (default 8).
     * @param tmpfsParent   where the VVRAM tier's directory is made (tmpfs).
     * @param diskParent    where the VSSD tier's directory is made (local disk).
     */
    public record Settings(
        long ramBytes, int dataMultiple, int blockBytes, int passes, int warmupPasses, int prefetchAhead,
        Path tmpfsParent, Path diskParent)
    {
        /**
         * Default: 64 MiB of RAM, data 4x that (256 MiB), 1 MiB blocks, 1 warm-up pass then 5 timed passes,
         * explicit prefetch 8 blocks ahead.
         *
         * @return the default settings.
         */
        public static Settings defaults()
        {
            return new Settings(64L << 20, 4, 1 << 20, 5, 1, 8, BenchDirectories.TMPFS_DEFAULT,
                BenchDirectories.DISK_DEFAULT);
        }

        /**
         * @param tmpfs parent of the VVRAM tier's directory.
         * @param disk  parent of the VSSD tier's directory.
         * @return these settings with other directories.
         */
        public Settings withDirectories(final Path tmpfs, final Path disk)
        {
            return new Settings(ramBytes, dataMultiple, blockBytes, passes, warmupPasses, prefetchAhead, tmpfs, disk);
        }

        /**
         * @return total bytes scanned per pass.
         */
        public long dataBytes()
        {
            return ramBytes * dataMultiple;
        }

        /**
         * @throws IllegalArgumentException naming the bad setting.
         */
        public void validate()
        {
            if (blockBytes <= 0 || blockBytes % 8 != 0)
            {
                throw new IllegalArgumentException("--block=" + blockBytes + " must be a positive multiple of 8");
            }
            if (ramBytes < blockBytes || ramBytes % blockBytes != 0)
            {
                throw new IllegalArgumentException("--ram=" + ramBytes + " must be a positive multiple of the " +
                    "block size " + blockBytes);
            }
            if (warmupPasses < 0)
            {
                throw new IllegalArgumentException("--warmup-passes=" + warmupPasses + " must be 0 or more");
            }
            if (dataMultiple < 1 || passes < 1)
            {
                throw new IllegalArgumentException("--data-multiple=" + dataMultiple + " and --passes=" + passes +
                    " must be at least 1");
            }
            if (dataBytes() / blockBytes > Integer.MAX_VALUE)
            {
                throw new IllegalArgumentException("too many blocks: use larger blocks");
            }
            final long ramBlocks = ramBytes / blockBytes;
            if (prefetchAhead < 1 || prefetchAhead > Math.max(1, ramBlocks / 4))
            {
                throw new IllegalArgumentException("--prefetch-ahead=" + prefetchAhead + " must be from 1 to " +
                    Math.max(1, ramBlocks / 4) + " (a quarter of the " + ramBlocks + " blocks RAM holds), so that " +
                    "prefetched blocks are not demoted again before the scan reaches them");
            }
        }
    }

    /**
     * One configuration's measurements.
     *
     * @param name              {@code "in-RAM"}, {@code "no prefetch"}, {@code "auto prefetch"} or
     *                          {@code "explicit prefetch"}.
     * @param prefetch          how it prefetches.
     * @param ramBytes          RAM tier, in bytes.
     * @param vvramBytes        VVRAM tier, in bytes (0 when disabled).
     * @param vssdBytes         VSSD tier, in bytes (0 when disabled).
     * @param gibPerSecond      scan bandwidth per pass.
     * @param ratio             this configuration's bandwidth / the in-RAM bandwidth, pass by pass (1 for in-RAM).
     * @param ramHitRate        fraction of block reads that found the block in RAM already, over all passes.
     * @param promotionsPerPass blocks promoted to RAM per pass (median; prefetches included).
     * @param demotionsPerPass  blocks demoted per pass (median).
     * @param prefetchRequests  prefetch requests queued over all passes (by the application or the detector).
     * @param prefetchesIssued  blocks the prefetcher brought into RAM over all passes.
     * @param prefetchHits      of those, blocks accessed while still in RAM (or while their prefetch was in flight).
     * @param prefetchDropped   requests dropped because the prefetch queue was full.
     * @param prefetchHitRate   {@code prefetchHits / prefetchesIssued} ({@link PoolStats#prefetchHitRate()}), 0 to 1.
     * @param prefetchCoverage  {@code prefetchHits} / block reads, 0 to 1: the share of reads the prefetcher served.
     * @param blocksVerified    block reads whose sum matched, over all passes.
     * @param mismatches        block reads whose sum did not match (must be 0), warm-up passes included.
     * @param warmupRatio       this configuration's bandwidth / the in-RAM bandwidth in the first (untimed) warm-up
     *                          pass, or NaN without warm-up passes.
     */
    public record Run(
        String name,
        Prefetch prefetch,
        long ramBytes,
        long vvramBytes,
        long vssdBytes,
        Samples gibPerSecond,
        Samples ratio,
        double ramHitRate,
        double promotionsPerPass,
        double demotionsPerPass,
        long prefetchRequests,
        long prefetchesIssued,
        long prefetchHits,
        long prefetchDropped,
        double prefetchHitRate,
        double prefetchCoverage,
        long blocksVerified,
        long mismatches,
        double warmupRatio)
    {
    }

    /**
     * The outcome of a scan workload.
     *
     * @param settings         what was run.
     * @param inRam            the run with everything in RAM.
     * @param noPrefetch       data {@code dataMultiple x} RAM, prefetcher off.
     * @param autoPrefetch     data {@code dataMultiple x} RAM, the engine's sequential detection (its default).
     * @param explicitPrefetch data {@code dataMultiple x} RAM, the application prefetching {@code prefetchAhead}
     *                         blocks ahead.
     */
    public record Result(Settings settings, Run inRam, Run noPrefetch, Run autoPrefetch, Run explicitPrefetch)
    {
        /**
         * @return the out-of-core runs: no prefetch, auto prefetch, explicit prefetch.
         */
        public List<Run> outOfCoreRuns()
        {
            return List.of(noPrefetch, autoPrefetch, explicitPrefetch);
        }

        /**
         * @return true when every block read of every run was verified.
         */
        public boolean verified()
        {
            for (final Run run : List.of(inRam, noPrefetch, autoPrefetch, explicitPrefetch))
            {
                if (run.mismatches() != 0 || run.blocksVerified() == 0)
                {
                    return false;
                }
            }
            return true;
        }

        /**
         * @return a readable table with the settings.
         */
        public String toTable()
        {
            final TextTable table = new TextTable("scan", "RAM", "VVRAM", "VSSD", "GiB/s median (min–max)",
                "vs in-RAM", "RAM hits", "prefetched", "prefetch hit rate", "reads served by prefetch",
                "promotions/pass", "demotions/pass", "verified");
            for (final Run run : List.of(inRam, noPrefetch, autoPrefetch, explicitPrefetch))
            {
                table.row(run.name(), Units.bytes(run.ramBytes()), Units.bytes(run.vvramBytes()),
                    Units.bytes(run.vssdBytes()), run.gibPerSecond().format("%.2f"), run.ratio().format("%.2f"),
                    String.format("%.1f%%", 100 * run.ramHitRate()), Long.toString(run.prefetchesIssued()),
                    String.format("%.1f%%", 100 * run.prefetchHitRate()),
                    String.format("%.1f%%", 100 * run.prefetchCoverage()),
                    String.format("%.0f", run.promotionsPerPass()), String.format("%.0f", run.demotionsPerPass()),
                    run.mismatches() == 0 ? run.blocksVerified() + " blocks" : run.mismatches() + " MISMATCHES");
            }
            return String.format("sequential scan: %s of data in %s blocks, %d untimed warm-up and %d timed passes " +
                "per run, data = %dx RAM; explicit prefetch %d blocks ahead, auto = engine default depth%n",
                Units.bytes(settings.dataBytes()), Units.bytes(settings.blockBytes()), settings.warmupPasses(),
                settings.passes(), settings.dataMultiple(), settings.prefetchAhead()) + table +
                String.format("out-of-core / in-RAM, pass by pass (goal >= 0.80): no prefetch %s, auto prefetch %s, " +
                "explicit prefetch %s%n", noPrefetch.ratio().format("%.2f"), autoPrefetch.ratio().format("%.2f"),
                explicitPrefetch.ratio().format("%.2f")) +
                (settings.warmupPasses() == 0 ? "" : String.format("first (untimed warm-up) pass, out-of-core / " +
                "in-RAM: no prefetch %.2f, auto prefetch %.2f, explicit prefetch %.2f%n", noPrefetch.warmupRatio(),
                autoPrefetch.warmupRatio(), explicitPrefetch.warmupRatio()));
        }
    }

    private ScanWorkload()
    {
    }

    /**
     * Opens all four configurations, then runs their passes alternately.
     *
     * @param settings the run's settings.
     * @param log      progress lines.
     * @return every run's measurements.
     * @throws IllegalArgumentException if a setting is invalid.
     */
    public static Result run(final Settings settings, final PrintStream log)
    {
        settings.validate();
        final long data = settings.dataBytes();
        // In RAM: room for every block below the mover's default high watermark (0.9), no other tier.
        final long inRamBytes = roundUp((long)(data / 0.85), settings.blockBytes());
        final long ram = settings.ramBytes();
        final long vvram = settings.ramBytes();
        final long vssd = data + settings.ramBytes();
        log.printf("scan: in-RAM with RAM %s; out-of-core (no / auto / explicit prefetch) with RAM %s, VVRAM %s, " +
            "VSSD %s; %d alternating passes%n", Units.bytes(inRamBytes), Units.bytes(ram), Units.bytes(vvram),
            Units.bytes(vssd), settings.passes());
        final int passes = settings.passes();
        try (Configuration inRam = new Configuration("in-RAM", Prefetch.AUTO, settings, inRamBytes, 0, 0);
            Configuration none = new Configuration("no prefetch", Prefetch.NONE, settings, ram, vvram, vssd);
            Configuration auto = new Configuration("auto prefetch", Prefetch.AUTO, settings, ram, vvram, vssd);
            Configuration explicit = new Configuration("explicit prefetch", Prefetch.EXPLICIT, settings, ram, vvram,
                vssd))
        {
            final double[] ones = new double[passes];
            Arrays.fill(ones, 1.0);
            final double[] noneRatios = new double[passes];
            final double[] autoRatios = new double[passes];
            final double[] explicitRatios = new double[passes];
            for (int warmup = 0; warmup < settings.warmupPasses(); warmup++)
            {
                final double inRamRate = inRam.warmUp();
                final double noneRate = none.warmUp();
                final double autoRate = auto.warmUp();
                final double explicitRate = explicit.warmUp();
                if (warmup == 0)
                {
                    inRam.warmupRatio = 1.0;
                    none.warmupRatio = noneRate / inRamRate;
                    auto.warmupRatio = autoRate / inRamRate;
                    explicit.warmupRatio = explicitRate / inRamRate;
                }
            }
            for (int pass = 0; pass < passes; pass++)
            {
                final double inRamRate = inRam.pass(pass);
                noneRatios[pass] = none.pass(pass) / inRamRate;
                autoRatios[pass] = auto.pass(pass) / inRamRate;
                explicitRatios[pass] = explicit.pass(pass) / inRamRate;
            }
            return new Result(settings, inRam.result(ones), none.result(noneRatios), auto.result(autoRatios),
                explicit.result(explicitRatios));
        }
    }

    /**
     * One configuration: its directories, pool and blocks (written at open), and its measurements so far.
     */
    private static final class Configuration implements AutoCloseable
    {
        private final String name;
        private final Prefetch prefetch;
        private final Settings settings;
        private final long ramBytes;
        private final long vvramBytes;
        private final long vssdBytes;
        private final BenchDirectories dirs;
        private final TierPool pool;
        private final ByteBuffer buffer;
        private final UnsafeBuffer view;
        private final Block[] blocks;
        private final List<Block> firstBlocks;
        private final long[] sums;
        private final double[] gibPerSecond;
        private final double[] promotions;
        private final double[] demotions;
        private PoolStats baseline;
        private PoolStats last;
        private double warmupRatio = Double.NaN;
        private long hits;
        private long verified;
        private long mismatches;

        Configuration(
            final String name, final Prefetch prefetch, final Settings settings, final long ramBytes,
            final long vvramBytes, final long vssdBytes)
        {
            this.name = name;
            this.prefetch = prefetch;
            this.settings = settings;
            this.ramBytes = ramBytes;
            this.vvramBytes = vvramBytes;
            this.vssdBytes = vssdBytes;
            final int blockBytes = settings.blockBytes();
            final int blockCount = (int)(settings.dataBytes() / blockBytes);
            blocks = new Block[blockCount];
            sums = new long[blockCount];
            gibPerSecond = new double[settings.passes()];
            promotions = new double[settings.passes()];
            demotions = new double[settings.passes()];
            dirs = BenchDirectories.create(settings.tmpfsParent(), settings.diskParent());
            TierPool opened = null;
            try
            {
                final TierPool.Context context = new TierPool.Context()
                    .ramCapacityBytes(ramBytes)
                    .vvramCapacityBytes(vvramBytes)
                    .vssdCapacityBytes(vssdBytes)
                    .vvramDir(dirs.tmpfs())
                    .vssdDir(dirs.disk())
                    .maxBlockBytes(blockBytes);
                if (prefetch != Prefetch.AUTO)
                {
                    context.prefetchDepth(0);
                }
                opened = TierPool.open(context);
                buffer = ByteBuffer.allocateDirect(blockBytes);
                view = new UnsafeBuffer(buffer);
                for (int i = 0; i < blockCount; i++)
                {
                    sums[i] = fill(view, blockBytes, i);
                    blocks[i] = opened.allocate(blockBytes, Hint.WARM);
                    blocks[i].write(0, view, 0, blockBytes);
                }
            }
            catch (final RuntimeException ex)
            {
                CloseHelper.quietCloseAll(opened, dirs);
                throw ex;
            }
            pool = opened;
            firstBlocks = List.of(blocks).subList(0, Math.min(blockCount, settings.prefetchAhead()));
        }

        /**
         * Scans every block once, verifying each.
         *
         * @param pass the pass number, from 0.
         * @return the pass's bandwidth in GiB/s.
         */
        double pass(final int pass)
        {
            final PoolStats before = pool.stats();
            if (baseline == null)
            {
                baseline = before;
            }
            final long startNs = System.nanoTime();
            scan(true);
            final long ns = System.nanoTime() - startNs;
            last = pool.stats();
            gibPerSecond[pass] = Units.gibPerSecond(settings.dataBytes(), ns);
            promotions[pass] = last.promotions() - before.promotions();
            demotions[pass] = last.demotions() - before.demotions();
            return gibPerSecond[pass];
        }

        /**
         * An untimed pass before the timed ones: reads and verifies every block (a mismatch still counts), counts
         * nothing else.
         *
         * @return its bandwidth in GiB/s.
         */
        double warmUp()
        {
            final long startNs = System.nanoTime();
            scan(false);
            return Units.gibPerSecond(settings.dataBytes(), System.nanoTime() - startNs);
        }

        private void scan(final boolean count)
        {
            final int blockBytes = settings.blockBytes();
            final boolean explicit = prefetch == Prefetch.EXPLICIT;
            final int ahead = settings.prefetchAhead();
            if (explicit)
            {
                pool.prefetch(firstBlocks);
            }
            for (int i = 0; i < blocks.length; i++)
            {
                if (explicit && i + ahead < blocks.length)
                {
                    blocks[i + ahead].prefetch();
                }
                if (count && blocks[i].tier() == TierKind.RAM)
                {
                    hits++;
                }
                blocks[i].read(0, view, 0, blockBytes);
                if (sum(view, blockBytes) != sums[i])
                {
                    mismatches++;
                }
                else if (count)
                {
                    verified++;
                }
            }
        }

        Run result(final double[] ratios)
        {
            final long reads = (long)blocks.length * settings.passes();
            final long issued = last.prefetchesIssued() - baseline.prefetchesIssued();
            final long prefetchHits = last.prefetchHits() - baseline.prefetchHits();
            return new Run(name, prefetch, ramBytes, vvramBytes, vssdBytes, Samples.of(gibPerSecond),
                Samples.of(ratios), (double)hits / reads, Samples.of(promotions).median(),
                Samples.of(demotions).median(), last.prefetchRequests() - baseline.prefetchRequests(), issued,
                prefetchHits, last.prefetchDropped() - baseline.prefetchDropped(),
                issued == 0 ? 0 : (double)prefetchHits / issued, (double)prefetchHits / reads, verified, mismatches,
                warmupRatio);
        }

        public void close()
        {
            try
            {
                CloseHelper.closeAll(blocks);
                CloseHelper.closeAll(pool, dirs);
            }
            finally
            {
                BufferUtil.free(buffer);
            }
        }
    }

    /**
     * Fills a buffer with block {@code index}'s pattern (a SplitMix64 sequence seeded by the index).
     *
     * @param buffer the buffer, at least {@code bytes} long.
     * @param bytes  bytes to fill, a multiple of 8.
     * @param index  the block's index.
     * @return the sum of the longs written, as {@link #sum(UnsafeBuffer, int)} computes it.
     */
    static long fill(final UnsafeBuffer buffer, final int bytes, final long index)
    {
        long state = index * 0x9E3779B97F4A7C15L;
        long sum = 0;
        for (int offset = 0; offset < bytes; offset += 8)
        {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            buffer.putLong(offset, z);
            sum += z * (offset + 1L);
        }
        return sum;
    }

    /**
     * @param buffer the block's bytes.
     * @param bytes  bytes to sum, a multiple of 8.
     * @return the position-weighted sum of its longs (so that swapped longs are caught too).
     */
    static long sum(final UnsafeBuffer buffer, final int bytes)
    {
        long sum = 0;
        for (int offset = 0; offset < bytes; offset += 8)
        {
            sum += buffer.getLong(offset) * (offset + 1L);
        }
        return sum;
    }

    private static long roundUp(final long value, final long multiple)
    {
        return (value + multiple - 1) / multiple * multiple;
    }
}
