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

/**
 * Block get/put with Zipf-distributed keys over a working set {@code dataMultiple} times the RAM tier: TierPool
 * (RAM + VVRAM + VSSD) against Ehcache 3 (heap + off-heap + disk) with tiers of the same sizes: heap entries =
 * RAM bytes / block bytes, off-heap = VVRAM, disk = VSSD. Both see the same key sequence (ranks drawn by
 * {@link ZipfGenerator}, mapped to keys through a fixed random permutation so that hot keys are spread out), the
 * same mix of gets and puts and the same number of operations, from one thread.
 * <p>
 * Both systems are open at once. Each is populated with every key (not timed) and runs one warm-up round (not
 * timed); then their {@code rounds} timed rounds of {@code ops} operations alternate (TierPool round 1, Ehcache
 * round 1, ...), so that a change in the machine's load affects both alike, and the ratio is taken round by round. Every value carries its key and a version in its first 16 bytes and a
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
     * @param ratio    TierPool throughput / Ehcache throughput of each pair of alternating rounds.
     */
    public record Result(Settings settings, Run tierPool, Run ehcache, Samples ratio)
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
            final TextTable table = new TextTable("zipf", "ops/s median (min–max)", "gets", "puts",
                "verified", "wrong", "missing");
            for (final Run run : new Run[]{ ehcache, tierPool })
            {
                table.row(run.system(), run.opsPerSecond().format("%.0f"), Long.toString(run.gets()), Long.toString(run.puts()), Long.toString(run.verified()),
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
                String.format("TierPool / Ehcache, round by round = %s (goal >= 1.50)%n", ratio.format("%.2f"));
        }
    }

    private ZipfWorkload()
    {
    }

    /**
     * Opens and populates both systems, then runs their rounds alternately.
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
        final int[] opKeys = new int[settings.ops()];
        final boolean[] opIsGet = new boolean[settings.ops()];
        final double[] ratios = new double[settings.rounds()];
        log.printf("zipf: %d keys; TierPool and Ehcache 3 populated, then %d alternating rounds of %d ops%n",
            settings.keys(), settings.rounds(), settings.ops());
        try (BenchDirectories dirs = BenchDirectories.create(settings.tmpfsParent(), settings.diskParent());
            Driver tierPool = new Driver(settings, new TierPoolBlockCache(settings.keys(), settings.blockBytes(),
                settings.ramBytes(), settings.vvramBytes(), settings.vssdBytes(), dirs.tmpfs(),
                dirs.disk()));
            Driver ehcache = new Driver(settings, new EhcacheBlockCache(settings.ramBytes() / settings.blockBytes(),
                settings.vvramBytes() >> 20, settings.vssdBytes() >> 20, dirs.disk().resolve("ehcache"))))
        {
            sequence(settings, permutation, 0, opKeys, opIsGet);
            tierPool.round(opKeys, opIsGet, -1);
            ehcache.round(opKeys, opIsGet, -1);
            for (int round = 0; round < settings.rounds(); round++)
            {
                sequence(settings, permutation, round + 1, opKeys, opIsGet);
                final double tierPoolRate = tierPool.round(opKeys, opIsGet, round);
                ratios[round] = tierPoolRate / ehcache.round(opKeys, opIsGet, round);
            }
            return new Result(settings, tierPool.result(), ehcache.result(), Samples.of(ratios));
        }
    }

    /**
     * Drives one system: its cache, the last version put of each key, and its counters. Owns the cache.
     */
    private static final class Driver implements AutoCloseable
    {
        private final BlockCache cache;
        private final long[] versions;
        private final byte[] value;
        private final UnsafeBuffer valueView;
        private final byte[] scratch;
        private final UnsafeBuffer checkView;
        private final double[] opsPerSecond;
        private final long[] counts = new long[5]; // gets, puts, verified, mismatches, missing

        Driver(final Settings settings, final BlockCache cache)
        {
            this.cache = cache;
            final int blockBytes = settings.blockBytes();
            versions = new long[settings.keys()];
            value = new byte[blockBytes];
            new SplittableRandom(settings.seed()).nextBytes(value);
            valueView = new UnsafeBuffer(value);
            scratch = new byte[blockBytes];
            checkView = new UnsafeBuffer(scratch);
            opsPerSecond = new double[settings.rounds()];
            for (int key = 0; key < versions.length; key++)
            {
                put(key);
            }
        }

        /**
         * Runs one round of operations.
         *
         * @param opKeys  the key of each operation.
         * @param opIsGet whether each operation is a get (else a put).
         * @param round   the timed round's number from 0, or -1 for the warm-up (not counted in gets/puts).
         * @return the round's throughput in operations per second.
         */
        double round(final int[] opKeys, final boolean[] opIsGet, final int round)
        {
            final long gets = counts[0];
            final long puts = counts[1];
            final long startNs = System.nanoTime();
            for (int i = 0; i < opKeys.length; i++)
            {
                final int key = opKeys[i];
                if (opIsGet[i])
                {
                    check(key);
                }
                else
                {
                    put(key);
                    counts[1]++;
                }
            }
            final double rate = opKeys.length / ((System.nanoTime() - startNs) / 1e9);
            if (round < 0)
            {
                counts[0] = gets;
                counts[1] = puts;
            }
            else
            {
                opsPerSecond[round] = rate;
            }
            return rate;
        }

        private void put(final int key)
        {
            final long version = ++versions[key];
            valueView.putLong(0, key);
            valueView.putLong(8, version);
            valueView.putLong(value.length - 8, (key ^ version) * CHECK_MULTIPLIER);
            cache.put(key, value);
        }

        private void check(final int key)
        {
            counts[0]++;
            final byte[] found = cache.get(key, scratch);
            if (found == null)
            {
                counts[4]++;
                return;
            }
            final long version = versions[key];
            checkView.wrap(found);
            if (checkView.getLong(0) == key && checkView.getLong(8) == version &&
                checkView.getLong(found.length - 8) == (key ^ version) * CHECK_MULTIPLIER)
            {
                counts[2]++;
            }
            else
            {
                counts[3]++;
            }
        }

        Run result()
        {
            return new Run(cache.name(), Samples.of(opsPerSecond), counts[0], counts[1], counts[2], counts[3],
                counts[4]);
        }

        public void close()
        {
            cache.close();
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
