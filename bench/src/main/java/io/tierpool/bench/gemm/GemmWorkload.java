/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.gemm;

import io.tierpool.bench.BenchDirectories;
import io.tierpool.bench.report.Samples;
import io.tierpool.bench.report.TextTable;
import io.tierpool.bench.report.Units;
import io.tierpool.client.PoolStats;
import io.tierpool.client.TierPool;
import io.tierpool.client.demo.Freivalds;
import io.tierpool.client.demo.OutOfCoreGemm;
import io.tierpool.client.demo.ProgressBar;
import io.tierpool.client.demo.TileBuffers;
import io.tierpool.client.demo.TiledMatrix;
import io.tierpool.client.Hint;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SystemNanoClock;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The demo's out-of-core matrix multiply ({@link OutOfCoreGemm}, {@code C = A x B} over tiles that live in a
 * {@link TierPool}, one block per tile) on local tiers only (no node daemons): once with the RAM tier a quarter of
 * the data ({@code dataMultiple} = 4; the rest spills to VVRAM and VSSD), once with everything in RAM. Each run
 * multiplies {@code repeats} times and checks the product with Freivalds' test (the demo's verification). Both
 * configurations are open at once and their multiplies alternate, so that a change in the machine's load affects
 * both alike; the ratio out-of-core / in-RAM of each pair is the figure the issue 4 goal (0.8 or more) is about.
 * <p>
 * <b>RAM hits.</b> A multiply reads {@code 2 T^3} tiles and writes {@code T^2} ({@code T = n / tile}); every
 * access of a tile not in RAM promotes it, so {@code 1 - promotions / accesses} is the share of tile accesses
 * served from RAM. No prefetcher runs in this build.
 */
public final class GemmWorkload
{
    /**
     * Settings of a multiply run.
     *
     * @param n            the matrix side in floats, a positive multiple of {@code tile}.
     * @param tile         the tile side in floats (a tile's block holds {@code 4 tile^2} bytes).
     * @param dataMultiple data of the three matrices as a multiple of the out-of-core RAM tier, at least 1.
     * @param threads      worker threads of the multiply, at least 1.
     * @param repeats      timed multiplies per run, at least 1.
     * @param tmpfsParent  where the VVRAM tier's directory is made (tmpfs).
     * @param diskParent   where the VSSD tier's directory is made (local disk).
     */
    public record Settings(
        int n, int tile, int dataMultiple, int threads, int repeats, Path tmpfsParent, Path diskParent)
    {
        /**
         * Default: n = 2048, tile = 256 (256 KiB tiles, 48 MiB of data), data 4x RAM, one thread per core, 3
         * repeats.
         *
         * @return the default settings.
         */
        public static Settings defaults()
        {
            return new Settings(2048, 256, 4, Runtime.getRuntime().availableProcessors(), 3,
                BenchDirectories.TMPFS_DEFAULT, BenchDirectories.DISK_DEFAULT);
        }

        /**
         * @param tmpfs parent of the VVRAM tier's directory.
         * @param disk  parent of the VSSD tier's directory.
         * @return these settings with other directories.
         */
        public Settings withDirectories(final Path tmpfs, final Path disk)
        {
            return new Settings(n, tile, dataMultiple, threads, repeats, tmpfs, disk);
        }

        /**
         * @return bytes of the three matrices.
         */
        public long dataBytes()
        {
            return 3 * TiledMatrix.matrixBytes(n);
        }

        /**
         * @throws IllegalArgumentException naming the bad setting.
         */
        public void validate()
        {
            if (tile <= 0 || n <= 0 || n % tile != 0)
            {
                throw new IllegalArgumentException("--n=" + n + " must be a positive multiple of --tile=" + tile);
            }
            if (dataMultiple < 1 || threads < 1 || repeats < 1)
            {
                throw new IllegalArgumentException("--data-multiple=" + dataMultiple + ", --threads=" + threads +
                    " and --repeats=" + repeats + " must be at least 1");
            }
            final long tiles = 3L * (n / tile) * (n / tile);
            if (tiles < 2L * dataMultiple)
            {
                throw new IllegalArgumentException("n=" + n + " with tile=" + tile + " gives only " + tiles +
                    " tiles; use a smaller tile so that RAM holds at least two");
            }
        }
    }

    /**
     * One configuration's measurements.
     *
     * @param name                {@code "out-of-core"} or {@code "in-RAM"}.
     * @param ramBytes            RAM tier, in bytes.
     * @param vvramBytes          VVRAM tier, in bytes (0 when disabled).
     * @param vssdBytes           VSSD tier, in bytes (0 when disabled).
     * @param gflops              GFLOP/s per multiply.
     * @param ramHitRate          {@code 1 - promotions / tile accesses}, over all multiplies.
     * @param promotionsPerRepeat blocks promoted per multiply (median).
     * @param demotionsPerRepeat  blocks demoted per multiply (median).
     * @param verification        Freivalds' verdict on the last product.
     */
    public record Run(
        String name,
        long ramBytes,
        long vvramBytes,
        long vssdBytes,
        Samples gflops,
        double ramHitRate,
        double promotionsPerRepeat,
        double demotionsPerRepeat,
        Freivalds.Result verification)
    {
    }

    /**
     * The outcome of the workload.
     *
     * @param settings  what was run.
     * @param outOfCore the run with RAM a {@code dataMultiple}-th of the data.
     * @param inRam     the run with everything in RAM.
     * @param ratio     out-of-core GFLOP/s / in-RAM GFLOP/s of each pair of alternating multiplies.
     */
    public record Result(Settings settings, Run outOfCore, Run inRam, Samples ratio)
    {
        /**
         * @return true when both products passed verification.
         */
        public boolean verified()
        {
            return outOfCore.verification().passed() && inRam.verification().passed();
        }

        /**
         * @return a readable table with the settings.
         */
        public String toTable()
        {
            final TextTable table = new TextTable("gemm", "RAM", "VVRAM", "VSSD", "GFLOP/s median (min–max)",
                "RAM hits", "promotions/multiply", "demotions/multiply", "verification");
            for (final Run run : new Run[]{ inRam, outOfCore })
            {
                table.row(run.name(), Units.bytes(run.ramBytes()), Units.bytes(run.vvramBytes()),
                    Units.bytes(run.vssdBytes()), run.gflops().format("%.2f"),
                    String.format("%.1f%%", 100 * run.ramHitRate()),
                    String.format("%.0f", run.promotionsPerRepeat()), String.format("%.0f", run.demotionsPerRepeat()),
                    String.format("%s (%.2e)", run.verification().verdict(), run.verification().maxRelativeError()));
            }
            return String.format("matrix multiply: n=%d, tile=%d (%s per tile), %s of data, %d thread(s), " +
                "%d multiplies per run, data = %dx RAM%n", settings.n(), settings.tile(),
                Units.bytes(TiledMatrix.tileBytes(settings.tile())), Units.bytes(settings.dataBytes()),
                settings.threads(), settings.repeats(), settings.dataMultiple()) + table +
                String.format("out-of-core / in-RAM, multiply by multiply = %s (goal >= 0.80)%n", ratio.format("%.2f"));
        }
    }

    private GemmWorkload()
    {
    }

    /**
     * Opens both configurations, then runs their multiplies alternately and verifies both products.
     *
     * @param settings the run's settings.
     * @param log      progress lines.
     * @return both runs' measurements.
     * @throws IllegalArgumentException if a setting is invalid.
     */
    public static Result run(final Settings settings, final PrintStream log)
    {
        settings.validate();
        final long tileBytes = TiledMatrix.tileBytes(settings.tile());
        final long data = settings.dataBytes();
        final long inRamBytes = roundUp((long)(data / 0.85), tileBytes);
        final long ram = roundUp(data / settings.dataMultiple(), tileBytes);
        final long vvram = ram;
        final long vssd = data + ram;
        log.printf("gemm: in-RAM with RAM %s; out-of-core with RAM %s, VVRAM %s, VSSD %s; %d alternating " +
            "multiplies%n", Units.bytes(inRamBytes), Units.bytes(ram), Units.bytes(vvram), Units.bytes(vssd),
            settings.repeats());
        final double[] ratios = new double[settings.repeats()];
        try (OutOfCoreGemm gemm = new OutOfCoreGemm(settings.threads());
            Configuration inRam = new Configuration("in-RAM", settings, inRamBytes, 0, 0);
            Configuration outOfCore = new Configuration("out-of-core", settings, ram, vvram, vssd))
        {
            for (int r = 0; r < settings.repeats(); r++)
            {
                final double inRamRate = inRam.multiply(gemm, r);
                ratios[r] = outOfCore.multiply(gemm, r) / inRamRate;
            }
            return new Result(settings, outOfCore.result(), inRam.result(), Samples.of(ratios));
        }
    }

    /**
     * One configuration: its directories, pool and matrices (A and B filled at open), and its measurements.
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
        private final TiledMatrix a;
        private final TiledMatrix b;
        private final TiledMatrix c;
        private final double[] gflops;
        private final double[] promotions;
        private final double[] demotions;
        private long totalPromotions;

        Configuration(
            final String name, final Settings settings, final long ramBytes, final long vvramBytes,
            final long vssdBytes)
        {
            this.name = name;
            this.settings = settings;
            this.ramBytes = ramBytes;
            this.vvramBytes = vvramBytes;
            this.vssdBytes = vssdBytes;
            gflops = new double[settings.repeats()];
            promotions = new double[settings.repeats()];
            demotions = new double[settings.repeats()];
            final int n = settings.n();
            final int tile = settings.tile();
            dirs = BenchDirectories.create(settings.tmpfsParent(), settings.diskParent());
            TierPool opened = null;
            TiledMatrix matrixA = null;
            TiledMatrix matrixB = null;
            try
            {
                opened = TierPool.open(new TierPool.Context()
                    .ramCapacityBytes(ramBytes)
                    .vvramCapacityBytes(vvramBytes)
                    .vssdCapacityBytes(vssdBytes)
                    .vvramDir(dirs.tmpfs())
                    .vssdDir(dirs.disk())
                    .maxBlockBytes(TiledMatrix.tileBytes(tile)));
                matrixA = TiledMatrix.allocate(opened, "A", n, tile, Hint.WARM);
                matrixB = TiledMatrix.allocate(opened, "B", n, tile, Hint.WARM);
                c = TiledMatrix.allocate(opened, "C", n, tile, Hint.WARM);
                final SplittableRandom random = new SplittableRandom(42);
                final TileBuffers scratch = new TileBuffers(tile);
                final float[] values = new float[tile * tile];
                matrixA.fillUniform(random, values, scratch, () -> {});
                matrixB.fillUniform(random, values, scratch, () -> {});
            }
            catch (final RuntimeException ex)
            {
                CloseHelper.quietCloseAll(matrixA, matrixB, opened, dirs);
                throw ex;
            }
            pool = opened;
            a = matrixA;
            b = matrixB;
        }

        /**
         * Computes {@code C = A x B} once.
         *
         * @param gemm   the multiply's workers.
         * @param repeat the repeat number, from 0.
         * @return GFLOP/s of this multiply.
         */
        double multiply(final OutOfCoreGemm gemm, final int repeat)
        {
            final PoolStats before = pool.stats();
            final OutOfCoreGemm.Result product = gemm.multiply(a, b, c, new ProgressBar(System.err, "multiply",
                "tiles", (long)a.tilesPerSide() * a.tilesPerSide(), ProgressBar.Mode.SILENT,
                SystemNanoClock.INSTANCE));
            final PoolStats after = pool.stats();
            gflops[repeat] = product.gflopsPerSecond();
            promotions[repeat] = after.promotions() - before.promotions();
            demotions[repeat] = after.demotions() - before.demotions();
            totalPromotions += after.promotions() - before.promotions();
            return gflops[repeat];
        }

        /**
         * Verifies the last product and summarises the measurements.
         *
         * @return this configuration's run.
         */
        Run result()
        {
            final long tilesPerSide = a.tilesPerSide();
            final long accessesPerRepeat =
                2 * tilesPerSide * tilesPerSide * tilesPerSide + tilesPerSide * tilesPerSide;
            final Freivalds.Result verification = Freivalds.verify(a, b, c, Freivalds.DEFAULT_VECTORS, 7, () -> {});
            return new Run(name, ramBytes, vvramBytes, vssdBytes, Samples.of(gflops),
                1.0 - (double)totalPromotions / (accessesPerRepeat * settings.repeats()),
                Samples.of(promotions).median(), Samples.of(demotions).median(), verification);
        }

        public void close()
        {
            CloseHelper.closeAll(a, b, c);
            CloseHelper.closeAll(pool, dirs);
        }
    }

    private static long roundUp(final long value, final long multiple)
    {
        return (value + multiple - 1) / multiple * multiple;
    }
}
