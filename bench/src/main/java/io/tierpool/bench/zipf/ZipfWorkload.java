/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.zipf;

import io.tierpool.bench.BenchDirectories;
import io.tierpool.bench.report.Samples;
import io.tierpool.bench.report.TextTable;
import io.tierpool.bench.report.Units;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Block get/put with Zipf-distributed keys over a working set {@code dataMultiple} times the RAM tier: TierPool
 * (RAM + VVRAM + VSSD) against Ehcache 3 (heap + off-heap + disk) with tiers of the same sizes: heap entries =
 * RAM bytes / block bytes, off-heap = VVRAM, disk = VSSD. Both see the same key sequence (ranks drawn by
 * {@link ZipfGenerator}, mapped to keys through a fixed random permutation so that hot keys are spread out), the
 * same mix of gets and puts and the same number of operations, from one thread.
 * <p>
 * Each system is populated with every key (not timed), runs one warm-up round (not timed), then {@code rounds}
 * timed rounds of {@code ops} operations. Every value carries its key and a version in its first 16 bytes and a
 * check word in its last 8; every get checks them against the last version put, so stale, lost or mixed-up
 * values are counted (and must be 0).
 */
public final class ZipfWorkload
{
    private static final long CHECK_MULTIPLIER = 0x9E3779B97F4A7C15L;

    /**
     * Settings of a Zipf run.
     *
     * @param blockBytes   bytes per value, at least 24.
     * @param ramBytes     the RAM tier (and Ehcache heap tier) in bytes, a multiple of {@code blockBytes}.
     * @param dataMultiple working set (all keys' values) as a multiple of {@code ramBytes}, at least 1.
     * @param ops          operations per timed round, at least 1.
     * @param rounds       timed rounds, at least 1.
     * @param readFraction share of gets in the mix, 0 to 1 (the rest are puts).
     * @param skew         Zipf skew theta, {@code 0 < skew < 1}.
     * @param seed         seed of the key sequence.
     * @param tmpfsParent  where the VVRAM tier's directory is made (tmpfs).
     * @param diskParent   where the VSSD tier's and Ehcache's disk directories are made (local disk).
     */
    public record Settings(
        int blockBytes,
        long ramBytes,
        int dataMultiple,
        int ops,
        int rounds,
        double readFraction,
        double skew,
        long seed,
        Path tmpfsParent,
        Path diskParent)
    {
        /**
         * Default: 64 KiB values, 32 MiB of RAM, working set 128 MiB (2048 keys), 100,000 operations per round,
         * 5 rounds, 90% gets, skew 0.99.
         *
         * @return the default settings.
         */
        public static Settings defaults()
        {
            return new Settings(64 << 10, 32L << 20, 4, 100_000, 5, 0.9, 0.99, 42,
                BenchDirectories.TMPFS_DEFAULT, BenchDirectories.DISK_DEFAULT);
        }

        /**
         * @param tmpfs parent of the VVRAM tier's directory.
         * @param disk  parent of the VSSD tier's and Ehcache's directories.
         * @return these settings with other directories.
         */
        public Settings withDirectories(final Path tmpfs, final Path disk)
        {
            return new Settings(blockBytes, ramBytes, dataMultiple, ops, rounds, readFraction, skew, seed, tmpfs, disk);
        }

        /**
         * @return how many keys: working set / block bytes.
         */
        public int keys()
        {
            return (int)(ramBytes * dataMultiple / blockBytes);
        }

        /**
         * @return bytes of all keys' values.
         */
        public long workingSetBytes()
        {
            return (long)keys() * blockBytes;
        }

        /**
         * @throws IllegalArgumentException naming the bad setting.
         */
        public void validate()
        {
            if (blockBytes < 24)
            {
                throw new IllegalArgumentException("--block=" + blockBytes + " must be at least 24 bytes");
            }
            if (ramBytes < (1L << 20) || ramBytes % blockBytes != 0)
            {
                throw new IllegalArgumentException("--ram=" + ramBytes + " must be at least 1 MiB (Ehcache sizes " +
                    "its off-heap tier in MiB) and a multiple of --block=" + blockBytes);
            }
            if (dataMultiple < 1 || ops < 1 || rounds < 1)
            {
                throw new IllegalArgumentException("--data-multiple, --ops and --rounds must be at least 1");
            }
            if (!(readFraction >= 0 && readFraction <= 1))
            {
                throw new IllegalArgumentException("--read-fraction=" + readFraction + " must be from 0 to 1");
            }
            if (!(skew > 0 && skew < 1))
            {
                throw new IllegalArgumentException("--skew=" + skew + " must lie strictly between 0 and 1");
            }
            if ((long)ramBytes * dataMultiple / blockBytes > Integer.MAX_VALUE || keys() < 2)
            {
                throw new IllegalArgumentException("the working set must hold 2 to 2^31 - 1 blocks");
            }
        }

        long vvramBytes()
        {
            return ramBytes;
        }

        long vssdBytes()
        {
            return 2 * workingSetBytes();
        }
    }

    /**
     * One system's measurements.
     *
     * @param system        {@code "TierPool"} or {@code "Ehcache 3"}.
     * @param opsPerSecond  throughput per timed round.
     * @param gets          gets in the timed rounds.
     * @param puts          puts in the timed rounds.
     * @param verified      gets whose value matched the last put, over all rounds (warm-up included).
     * @param mismatches    gets that returned a wrong or stale value (must be 0).
     * @param missing       gets that found no value (a cache may drop entries; must be 0 for TierPool).
     */
    public record Run(
        String system, Samples opsPerSecond, long gets, long puts, long verified, long mismatches, long missing)
    {
    }

    /**
     * The outcome of the workload.
     *
     * @param settings what was run.
     * @param tierPool TierPool's run.
     * @param ehcache  Ehcache's run.
     * @param ratio    median TierPool throughput / median Ehcache throughput.
     */
    public record Result(Settings settings, Run tierPool, Run ehcache, double ratio)
    {
        /**
         * @return true when both systems returned only correct values and TierPool lost none.
         */
        public boolean verified()
        {
            return tierPool.mismatches() == 0 && ehcache.mismatches() == 0 && tierPool.missing() == 0 &&
                tierPool.verified() > 0 && ehcache.verified() > 0;
        }

        /**
         * @return a readable table with the settings.
         */
        public String toTable()
        {
            final TextTable table = new TextTable("zipf", "ops/s median (min–max)", "ratio", "gets", "puts",
                "verified", "wrong", "missing");
            for (final Run run : new Run[]{ ehcache, tierPool })
            {
                table.row(run.system(), run.opsPerSecond().format("%.0f"),
                    String.format("%.2f", run.opsPerSecond().median() / ehcache.opsPerSecond().median()),
                    Long.toString(run.gets()), Long.toString(run.puts()), Long.toString(run.verified()),
                    Long.toString(run.mismatches()), Long.toString(run.missing()));
            }
            return String.format("zipf get/put: %d keys of %s (working set %s = %dx RAM), skew %.2f, %.0f%% gets, " +
                "%d rounds of %d ops, 1 thread%n  TierPool RAM %s + VVRAM %s + VSSD %s; Ehcache heap %d entries + " +
                "off-heap %s + disk %s%n", settings.keys(), Units.bytes(settings.blockBytes()),
                Units.bytes(settings.workingSetBytes()), settings.dataMultiple(), settings.skew(),
                100 * settings.readFraction(), settings.rounds(), settings.ops(), Units.bytes(settings.ramBytes()),
                Units.bytes(settings.vvramBytes()), Units.bytes(settings.vssdBytes()),
                settings.ramBytes() / settings.blockBytes(), Units.bytes(settings.vvramBytes()),
                Units.bytes(settings.vssdBytes())) + table +
                String.format("TierPool / Ehcache = %.2f (goal >= 1.50)%n", ratio);
        }
    }

    private ZipfWorkload()
    {
    }

    /**
     * Runs TierPool, then Ehcache.
     *
     * @param settings the run's settings.
     * @param log      progress lines.
     * @return both systems' measurements.
     * @throws IllegalArgumentException if a setting is invalid.
     */
    public static Result run(final Settings settings, final PrintStream log)
    {
        settings.validate();
        final int[] permutation = permutation(settings.keys(), settings.seed());
        log.printf("zipf: TierPool, %d keys%n", settings.keys());
        final Run tierPool = runOne(settings, permutation, (dirs) -> new TierPoolBlockCache(settings.keys(),
            settings.blockBytes(), settings.ramBytes(), settings.vvramBytes(), settings.vssdBytes(), dirs.tmpfs(),
            dirs.disk()));
        log.printf("zipf: Ehcache 3, %d keys%n", settings.keys());
        final Run ehcache = runOne(settings, permutation, (dirs) -> new EhcacheBlockCache(
            settings.ramBytes() / settings.blockBytes(), settings.vvramBytes() >> 20, settings.vssdBytes() >> 20,
            dirs.disk()));
        return new Result(settings, tierPool, ehcache,
            tierPool.opsPerSecond().median() / ehcache.opsPerSecond().median());
    }

    private static Run runOne(
        final Settings settings, final int[] permutation, final Function<BenchDirectories, BlockCache> factory)
    {
        final int keys = settings.keys();
        final int blockBytes = settings.blockBytes();
        final long[] versions = new long[keys];
        final byte[] value = new byte[blockBytes];
        new SplittableRandom(settings.seed()).nextBytes(value);
        final UnsafeBuffer valueView = new UnsafeBuffer(value);
        final byte[] scratch = new byte[blockBytes];
        final UnsafeBuffer checkView = new UnsafeBuffer(scratch);
        final int[] opKeys = new int[settings.ops()];
        final boolean[] opIsGet = new boolean[settings.ops()];
        final double[] opsPerSecond = new double[settings.rounds()];
        final long[] counts = new long[5]; // gets, puts, verified, mismatches, missing

        String system = "";
        try (BenchDirectories dirs = BenchDirectories.create(settings.tmpfsParent(), settings.diskParent());
            BlockCache cache = factory.apply(dirs))
        {
            system = cache.name();
            for (int key = 0; key < keys; key++)
            {
                put(cache, key, ++versions[key], valueView, value);
            }
            for (int round = -1; round < settings.rounds(); round++)
            {
                sequence(settings, permutation, round + 1, opKeys, opIsGet);
                final long startNs = System.nanoTime();
                for (int i = 0; i < opKeys.length; i++)
                {
                    final int key = opKeys[i];
                    if (opIsGet[i])
                    {
                        check(cache.get(key, scratch), key, versions[key], checkView, counts);
                    }
                    else
                    {
                        put(cache, key, ++versions[key], valueView, value);
                        counts[1]++;
                    }
                }
                final long ns = System.nanoTime() - startNs;
                if (round < 0)
                {
                    counts[0] = 0;
                    counts[1] = 0;
                }
                else
                {
                    opsPerSecond[round] = opKeys.length / (ns / 1e9);
                }
            }
        }
        return new Run(system, Samples.of(opsPerSecond), counts[0], counts[1], counts[2], counts[3], counts[4]);
    }

    private static void put(
        final BlockCache cache, final long key, final long version, final UnsafeBuffer view, final byte[] value)
    {
        view.putLong(0, key);
        view.putLong(8, version);
        view.putLong(value.length - 8, (key ^ version) * CHECK_MULTIPLIER);
        cache.put(key, value);
    }

    private static void check(
        final byte[] found, final long key, final long version, final UnsafeBuffer view, final long[] counts)
    {
        counts[0]++;
        if (found == null)
        {
            counts[4]++;
            return;
        }
        view.wrap(found);
        if (view.getLong(0) == key && view.getLong(8) == version &&
            view.getLong(found.length - 8) == (key ^ version) * CHECK_MULTIPLIER)
        {
            counts[2]++;
        }
        else
        {
            counts[3]++;
        }
    }

    private static void sequence(
        final Settings settings, final int[] permutation, final int round, final int[] keys, final boolean[] isGet)
    {
        final ZipfGenerator zipf = new ZipfGenerator(permutation.length, settings.skew(), settings.seed() + round);
        final SplittableRandom mix = new SplittableRandom(settings.seed() * 31 + round);
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = permutation[zipf.next()];
            isGet[i] = mix.nextDouble() < settings.readFraction();
        }
    }

    private static int[] permutation(final int n, final long seed)
    {
        final int[] permutation = new int[n];
        for (int i = 0; i < n; i++)
        {
            permutation[i] = i;
        }
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int swap = permutation[i];
            permutation[i] = permutation[j];
            permutation[j] = swap;
        }
        return permutation;
    }
}
