/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.scan;

import io.tierpool.bench.BenchDirectories;
import io.tierpool.bench.report.Samples;
import io.tierpool.bench.report.TextTable;
import io.tierpool.bench.report.Units;
import io.tierpool.client.Block;
import io.tierpool.client.PoolStats;
import io.tierpool.client.TierPool;
import io.tierpool.node.Hint;
import io.tierpool.node.tier.TierKind;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Sequential out-of-core scan: {@code dataMultiple x ramBytes} of blocks are written once, then read front to
 * back {@code passes} times, each block into one application buffer whose longs are summed and checked against
 * the sum computed when the block was written (every byte of every pass is verified). Run twice in one process:
 * out of core (RAM tier of {@code ramBytes}, the rest spilling to VVRAM and VSSD) and with everything in RAM (a
 * RAM tier large enough for all of it, no other tiers). Both configurations are open at once and their passes
 * alternate (in-RAM pass 1, out-of-core pass 1, in-RAM pass 2, ...), so that a change in the machine's load
 * affects both alike; the ratio out-of-core / in-RAM of each pair of passes is the figure the issue 4 goal (0.8
 * or more) is about, quoted as median with min–max.
 * <p>
 * <b>RAM hits.</b> Before each read the scan asks the block's tier ({@link Block#tier()}): a block already in RAM
 * is a hit. With a prefetcher that detects sequential access ahead of the scan, hits approach 100%; without one,
 * a scan over data larger than RAM in LRU order misses every block. The engine in this build exposes no
 * prefetch counters and runs no prefetcher, so the report gives this RAM hit rate instead of a prefetch hit rate.
 * <p>
 * Single-threaded. Files live under the given parents and are removed when the run ends.
 */
public final class ScanWorkload
{
    /**
     * Settings of a scan run.
     *
     * @param ramBytes     RAM tier of the out-of-core run, in bytes; a positive multiple of {@code blockBytes}.
     * @param dataMultiple data size as a multiple of {@code ramBytes}, at least 1 (default 4).
     * @param blockBytes   bytes per block, a positive multiple of 8.
     * @param passes       timed passes per run, at least 1.
     * @param tmpfsParent  where the VVRAM tier's directory is made (tmpfs).
     * @param diskParent   where the VSSD tier's directory is made (local disk).
     */
    public record Settings(
        long ramBytes, int dataMultiple, int blockBytes, int passes, Path tmpfsParent, Path diskParent)
    {
        /**
         * Default: 64 MiB of RAM, data 4x that (256 MiB), 1 MiB blocks, 5 passes.
         *
         * @return the default settings.
         */
        public static Settings defaults()
        {
            return new Settings(64L << 20, 4, 1 << 20, 5, BenchDirectories.TMPFS_DEFAULT,
                BenchDirectories.DISK_DEFAULT);
        }

        /**
         * @param tmpfs parent of the VVRAM tier's directory.
         * @param disk  parent of the VSSD tier's directory.
         * @return these settings with other directories.
         */
        public Settings withDirectories(final Path tmpfs, final Path disk)
        {
            return new Settings(ramBytes, dataMultiple, blockBytes, passes, tmpfs, disk);
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
            if (dataMultiple < 1 || passes < 1)
            {
                throw new IllegalArgumentException("--data-multiple=" + dataMultiple + " and --passes=" + passes +
                    " must be at least 1");
            }
            if (dataBytes() / blockBytes > Integer.MAX_VALUE)
            {
                throw new IllegalArgumentException("too many blocks: use larger blocks");
            }
        }
    }

    /**
     * One configuration's measurements.
     *
     * @param name             {@code "out-of-core"} or {@code "in-RAM"}.
     * @param ramBytes         RAM tier, in bytes.
     * @param vvramBytes       VVRAM tier, in bytes (0 when disabled).
     * @param vssdBytes        VSSD tier, in bytes (0 when disabled).
     * @param gibPerSecond     scan bandwidth per pass.
     * @param ramHitRate       fraction of block reads that found the block in RAM already, over all passes.
     * @param promotionsPerPass blocks promoted to RAM per pass (median).
     * @param demotionsPerPass blocks demoted per pass (median).
     * @param blocksVerified   block reads whose sum matched, over all passes.
     * @param mismatches       block reads whose sum did not match (must be 0).
     */
    public record Run(
        String name,
        long ramBytes,
        long vvramBytes,
        long vssdBytes,
        Samples gibPerSecond,
        double ramHitRate,
        double promotionsPerPass,
        double demotionsPerPass,
        long blocksVerified,
        long mismatches)
    {
    }

    /**
     * The outcome of a scan workload.
     *
     * @param settings   what was run.
     * @param outOfCore  the run with data {@code dataMultiple x} RAM.
     * @param inRam      the run with everything in RAM.
     * @param ratio      out-of-core bandwidth / in-RAM bandwidth of each pair of alternating passes.
     * @param prefetch   what the engine says about prefetching (in this build: that it exposes no counters).
     */
    public record Result(Settings settings, Run outOfCore, Run inRam, Samples ratio, String prefetch)
    {
        /**
         * @return true when every block read of both runs was verified.
         */
        public boolean verified()
        {
            return outOfCore.mismatches() == 0 && inRam.mismatches() == 0 && outOfCore.blocksVerified() > 0 &&
                inRam.blocksVerified() > 0;
        }

        /**
         * @return a readable table with the settings.
         */
        public String toTable()
        {
            final TextTable table = new TextTable("scan", "RAM", "VVRAM", "VSSD", "GiB/s median (min–max)",
                "RAM hits", "promotions/pass", "demotions/pass", "verified");
            for (final Run run : new Run[]{ inRam, outOfCore })
            {
                table.row(run.name(), Units.bytes(run.ramBytes()), Units.bytes(run.vvramBytes()),
                    Units.bytes(run.vssdBytes()), run.gibPerSecond().format("%.2f"),
                    String.format("%.1f%%", 100 * run.ramHitRate()), String.format("%.0f", run.promotionsPerPass()),
                    String.format("%.0f", run.demotionsPerPass()),
                    run.mismatches() == 0 ? run.blocksVerified() + " blocks" : run.mismatches() + " MISMATCHES");
            }
            return String.format("sequential scan: %s of data in %s blocks, %d passes per run, data = %dx RAM%n",
                Units.bytes(settings.dataBytes()), Units.bytes(settings.blockBytes()), settings.passes(),
                settings.dataMultiple()) + table + String.format("out-of-core / in-RAM, pass by pass = %s (goal >= 0.80)%n" +
                "prefetch: %s%n", ratio.format("%.2f"), prefetch);
        }
    }

    private ScanWorkload()
    {
    }

    /**
     * Opens both configurations, then runs their passes alternately.
     *
     * @param settings the run's settings.
     * @param log      progress lines.
     * @return both runs' measurements.
     * @throws IllegalArgumentException if a setting is invalid.
     */
    public static Result run(final Settings settings, final PrintStream log)
    {
        settings.validate();
        final long data = settings.dataBytes();
        // In RAM: room for every block below the mover's default high watermark (0.9), no other tier.
        final long inRamBytes = roundUp((long)(data / 0.85), settings.blockBytes());
        final long vvram = settings.ramBytes();
        final long vssd = data + settings.ramBytes();
        log.printf("scan: in-RAM with RAM %s; out-of-core with RAM %s, VVRAM %s, VSSD %s; %d alternating passes%n",
            Units.bytes(inRamBytes), Units.bytes(settings.ramBytes()), Units.bytes(vvram), Units.bytes(vssd),
            settings.passes());
        final double[] ratios = new double[settings.passes()];
        try (Configuration inRam = new Configuration("in-RAM", settings, inRamBytes, 0, 0);
            Configuration outOfCore = new Configuration("out-of-core", settings, settings.ramBytes(), vvram, vssd))
        {
            for (int pass = 0; pass < settings.passes(); pass++)
            {
                final double inRamRate = inRam.pass(pass);
                ratios[pass] = outOfCore.pass(pass) / inRamRate;
            }
            return new Result(settings, outOfCore.result(), inRam.result(), Samples.of(ratios),
                "not measured: this build's engine exposes no prefetch counters and runs no prefetcher, so the " +
                "scan runs without prefetch; 'RAM hits' counts reads that found their block in RAM");
        }
    }

    /**
     * One configuration: its directories, pool and blocks (written at open), and its measurements so far.
     */
    private static final class Configuration implements AutoCloseable
    {
        private final String name;
        private final Settings settings;
        private final long ramBytes;
        private final long vvramBytes;
        private final long vssdBytes;
        private final BenchDirectories dirs;
        private final TierPool pool;
        private final ByteBuffer buffer;
        private final UnsafeBuffer view;
        private final Block[] blocks;
        private final long[] sums;
        private final double[] gibPerSecond;
        private final double[] promotions;
        private final double[] demotions;
        private long hits;
        private long verified;
        private long mismatches;

        Configuration(
            final String name, final Settings settings, final long ramBytes, final long vvramBytes,
            final long vssdBytes)
        {
            this.name = name;
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
                opened = TierPool.open(new TierPool.Context()
                    .ramCapacityBytes(ramBytes)
                    .vvramCapacityBytes(vvramBytes)
                    .vssdCapacityBytes(vssdBytes)
                    .vvramDir(dirs.tmpfs())
                    .vssdDir(dirs.disk())
                    .maxBlockBytes(blockBytes));
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
        }

        /**
         * Scans every block once, verifying each.
         *
         * @param pass the pass number, from 0.
         * @return the pass's bandwidth in GiB/s.
         */
        double pass(final int pass)
        {
            final int blockBytes = settings.blockBytes();
            final PoolStats before = pool.stats();
            final long startNs = System.nanoTime();
            for (int i = 0; i < blocks.length; i++)
            {
                if (blocks[i].tier() == TierKind.RAM)
                {
                    hits++;
                }
                blocks[i].read(0, view, 0, blockBytes);
                if (sum(view, blockBytes) == sums[i])
                {
                    verified++;
                }
                else
                {
                    mismatches++;
                }
            }
            final long ns = System.nanoTime() - startNs;
            final PoolStats after = pool.stats();
            gibPerSecond[pass] = Units.gibPerSecond(settings.dataBytes(), ns);
            promotions[pass] = after.promotions() - before.promotions();
            demotions[pass] = after.demotions() - before.demotions();
            return gibPerSecond[pass];
        }

        Run result()
        {
            return new Run(name, ramBytes, vvramBytes, vssdBytes, Samples.of(gibPerSecond),
                (double)hits / ((long)blocks.length * settings.passes()), Samples.of(promotions).median(),
                Samples.of(demotions).median(), verified, mismatches);
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
