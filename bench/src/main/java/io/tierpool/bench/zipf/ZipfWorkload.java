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
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

/**
 * Block get/put with Zipf-distributed keys over a working set {@code dataMultiple} times the RAM tier: TierPool
 * (RAM + VVRAM + VSSD) against Ehcache 3 (heap + off-heap + disk) with tiers of the same sizes: heap entries =
 * RAM bytes / block bytes, off-heap = VVRAM, disk = VSSD. Both see the same key sequence (ranks drawn by
 * {@link ZipfGenerator}, mapped to keys through a fixed random permutation so that hot keys are spread out), the
 * same mix of gets and puts and the same number of operations, from one thread or from each of several thread
 * counts ({@link Settings#threads()}).
 * <p>
 * Both systems are open at once. Each is populated with every key (not timed) and runs
 * {@link Settings#warmupRounds()} warm-up rounds (not timed; default {@value Settings#WARMUP_ROUNDS_DEFAULT}, so that
 * the JIT has compiled the engine's paths before the timing starts: on 2 cores the compiler thread takes one core for
 * the first seconds of a run, and a single warm-up round of 50,000 operations left the first timed rounds measuring
 * compilation rather than the store); then their {@code rounds} timed rounds of {@code ops} operations alternate (TierPool round 1, Ehcache
 * round 1, ...), so that a change in the machine's load affects both alike, and the ratio is taken round by round. Every value carries its key and a version in its first 16 bytes and a
 * check word in its last 8; every get checks them against the last version put, so stale, lost or mixed-up
 * values are counted (and must be 0).
 * <p>
 * <b>Threads.</b> With {@code n} threads, thread {@code t} works on the keys at positions {@code t, t + n, ...} of
 * the permutation, drawing its own Zipf ranks over them (so the hottest keys are spread over the threads, and each
 * key has one writer and needs no lock in the benchmark); a round's operations are shared out among the threads
 * and the round is timed from their common start until the last one finishes. One thread draws exactly the key
 * sequence this workload always drew. Each thread count runs its own warm-up round and timed rounds, alternating
 * between the systems as above, on the same two populated systems.
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
     * @param threads      thread counts to run, each at least 1 and at most half the keys; the first is the one
     *                     whose figures the single-system table shows.
     * @param warmupRounds untimed rounds of {@code ops} operations per system before the first thread count's timed
     *                     rounds, at least 1 (each later thread count runs one of its own).
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
        Path diskParent,
        List<Integer> threads,
        int warmupRounds)
    {
        /**
         * Default number of warm-up rounds before the first thread count's timed rounds.
         */
        public static final int WARMUP_ROUNDS_DEFAULT = 5;

        /**
         * Settings with one thread.
         *
         * @param blockBytes   bytes per value.
         * @param ramBytes     the RAM tier in bytes.
         * @param dataMultiple working set as a multiple of {@code ramBytes}.
         * @param ops          operations per timed round.
         * @param rounds       timed rounds.
         * @param readFraction share of gets.
         * @param skew         Zipf skew theta.
         * @param seed         seed of the key sequence.
         * @param tmpfsParent  where the VVRAM tier's directory is made.
         * @param diskParent   where the VSSD tier's and Ehcache's disk directories are made.
         */
        public Settings(
            final int blockBytes,
            final long ramBytes,
            final int dataMultiple,
            final int ops,
            final int rounds,
            final double readFraction,
            final double skew,
            final long seed,
            final Path tmpfsParent,
            final Path diskParent)
        {
            this(blockBytes, ramBytes, dataMultiple, ops, rounds, readFraction, skew, seed, tmpfsParent, diskParent,
                List.of(1));
        }

        /**
         * Settings with {@value #WARMUP_ROUNDS_DEFAULT} warm-up rounds.
         *
         * @param blockBytes   bytes per value.
         * @param ramBytes     the RAM tier in bytes.
         * @param dataMultiple working set as a multiple of {@code ramBytes}.
         * @param ops          operations per timed round.
         * @param rounds       timed rounds.
         * @param readFraction share of gets.
         * @param skew         Zipf skew theta.
         * @param seed         seed of the key sequence.
         * @param tmpfsParent  where the VVRAM tier's directory is made.
         * @param diskParent   where the VSSD tier's and Ehcache's disk directories are made.
         * @param threads      thread counts to run.
         */
        public Settings(
            final int blockBytes,
            final long ramBytes,
            final int dataMultiple,
            final int ops,
            final int rounds,
            final double readFraction,
            final double skew,
            final long seed,
            final Path tmpfsParent,
            final Path diskParent,
            final List<Integer> threads)
        {
            this(blockBytes, ramBytes, dataMultiple, ops, rounds, readFraction, skew, seed, tmpfsParent, diskParent,
                threads, WARMUP_ROUNDS_DEFAULT);
        }

        /**
         * @param threads compact canonical form: copies the thread counts.
         */
        public Settings
        {
            threads = List.copyOf(threads);
        }

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
            return new Settings(blockBytes, ramBytes, dataMultiple, ops, rounds, readFraction, skew, seed, tmpfs, disk,
                threads, warmupRounds);
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
            if (dataMultiple < 1 || ops < 1 || rounds < 1 || warmupRounds < 1)
            {
                throw new IllegalArgumentException("--data-multiple, --ops, --rounds and --warmup-rounds must be at " +
                    "least 1");
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
            if (threads.isEmpty())
            {
                throw new IllegalArgumentException("--threads needs at least one thread count");
            }
            for (final int count : threads)
            {
                if (count < 1 || count > keys() / 2 || count > ops)
                {
                    throw new IllegalArgumentException("--threads value " + count + " must be from 1 to half the " +
                        keys() + " keys and at most --ops=" + ops);
                }
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
     * One thread count's measurements.
     *
     * @param threads  application threads.
     * @param tierPool TierPool's rounds with that many threads.
     * @param ehcache  Ehcache's rounds with that many threads.
     * @param ratio    TierPool throughput / Ehcache throughput of each pair of alternating rounds.
     */
    public record ThreadsRun(int threads, Run tierPool, Run ehcache, Samples ratio)
    {
        /**
         * @return true when both systems returned only correct values and TierPool lost none.
         */
        public boolean verified()
        {
            return tierPool.mismatches() == 0 && ehcache.mismatches() == 0 && tierPool.missing() == 0 &&
                tierPool.verified() > 0 && ehcache.verified() > 0;
        }
    }

    /**
     * The outcome of the workload.
     *
     * @param settings what was run.
     * @param tierPool TierPool's run with the first thread count (one thread by default).
     * @param ehcache  Ehcache's run with the first thread count.
     * @param ratio    TierPool throughput / Ehcache throughput of each pair of alternating rounds, first thread
     *                 count.
     * @param runs     every thread count's runs, in the order of {@link Settings#threads()} (the first is the one
     *                 above).
     */
    public record Result(Settings settings, Run tierPool, Run ehcache, Samples ratio, List<ThreadsRun> runs)
    {
        /**
         * Goal of issue 12: TierPool at least this many times Ehcache's throughput at 2 and 4 threads (and, since
         * issue 4, at 1 thread).
         */
        public static final double GOAL_RATIO = 1.5;

        /**
         * @return true when both systems returned only correct values and TierPool lost none, at every thread
         * count.
         */
        public boolean verified()
        {
            for (final ThreadsRun run : runs)
            {
                if (!run.verified())
                {
                    return false;
                }
            }
            return true;
        }

        /**
         * @return a readable table with the settings; with several thread counts, a second table of each thread
         * count's throughput and ratio.
         */
        public String toTable()
        {
            final TextTable table = new TextTable("zipf", "ops/s median (min–max)", "gets", "puts",
                "verified", "wrong", "missing");
            for (final Run run : new Run[]{ ehcache, tierPool })
            {
                table.row(run.system(), run.opsPerSecond().format("%.0f"), Long.toString(run.gets()),
                    Long.toString(run.puts()), Long.toString(run.verified()), Long.toString(run.mismatches()),
                    Long.toString(run.missing()));
            }
            final int firstThreads = runs.get(0).threads();
            final String out = String.format("zipf get/put: %d keys of %s (working set %s = %dx RAM), skew %.2f, " +
                "%.0f%% gets, %d rounds of %d ops after %d warm-up rounds, %d thread%s%n  TierPool RAM %s + VVRAM %s + VSSD %s; Ehcache heap " +
                "%d entries + off-heap %s + disk %s%n", settings.keys(), Units.bytes(settings.blockBytes()),
                Units.bytes(settings.workingSetBytes()), settings.dataMultiple(), settings.skew(),
                100 * settings.readFraction(), settings.rounds(), settings.ops(), settings.warmupRounds(), firstThreads,
                firstThreads == 1 ? "" : "s", Units.bytes(settings.ramBytes()),
                Units.bytes(settings.vvramBytes()), Units.bytes(settings.vssdBytes()),
                settings.ramBytes() / settings.blockBytes(), Units.bytes(settings.vvramBytes()),
                Units.bytes(settings.vssdBytes())) + table +
                String.format("TierPool / Ehcache, round by round = %s (goal >= %.2f)%n", ratio.format("%.2f"),
                GOAL_RATIO);
            if (runs.size() == 1)
            {
                return out;
            }
            final TextTable byThreads = new TextTable("threads", "TierPool ops/s median (min–max)",
                "Ehcache 3 ops/s median (min–max)", "TierPool / Ehcache", "goal", "wrong", "missing");
            for (final ThreadsRun run : runs)
            {
                final boolean goal = run.threads() == 2 || run.threads() == 4;
                byThreads.row(Integer.toString(run.threads()), run.tierPool().opsPerSecond().format("%.0f"),
                    run.ehcache().opsPerSecond().format("%.0f"), run.ratio().format("%.2f"),
                    goal ? String.format(">= %.2f %s", GOAL_RATIO, run.ratio().median() >= GOAL_RATIO ? "met" :
                    "MISSED") : "",
                    Long.toString(run.tierPool().mismatches() + run.ehcache().mismatches()),
                    run.tierPool().missing() + " / " + run.ehcache().missing());
            }
            return out + "by thread count (same systems, each count with its own warm-up round; wrong = both " +
                "systems, missing = TierPool / Ehcache):\n" + byThreads;
        }
    }

    private ZipfWorkload()
    {
    }

    /**
     * Opens and populates both systems, then for each thread count runs their rounds alternately.
     *
     * @param settings the run's settings.
     * @param log      progress lines.
     * @return both systems' measurements.
     * @throws IllegalArgumentException if a setting is invalid.
     * @throws IllegalStateException    if an operation failed on a worker thread (the cause is its exception).
     */
    public static Result run(final Settings settings, final PrintStream log)
    {
        return run(settings, log, false);
    }

    /**
     * As {@link #run(Settings, PrintStream)}, through the JCache API when {@code jcache} is set: TierPool's JCache
     * provider against Ehcache 3's, with the same tier sizes ({@link JCacheBlockCache}).
     *
     * @param settings the run's settings.
     * @param log      progress lines.
     * @param jcache   whether both systems are driven through {@code javax.cache.Cache}.
     * @return both systems' measurements.
     */
    public static Result run(final Settings settings, final PrintStream log, final boolean jcache)
    {
        settings.validate();
        final int[] permutation = permutation(settings.keys(), settings.seed());
        log.printf("zipf: %d keys; TierPool and Ehcache 3 populated, then %d alternating rounds of %d ops with " +
            "%s thread(s)%n", settings.keys(), settings.rounds(), settings.ops(), settings.threads());
        try (BenchDirectories dirs = BenchDirectories.create(settings.tmpfsParent(), settings.diskParent());
            Driver tierPool = new Driver(settings, jcache ?
                JCacheBlockCache.tierPool(settings.blockBytes(), settings.ramBytes(), settings.vvramBytes(),
                    settings.vssdBytes(), dirs.tmpfs(), dirs.disk()) :
                new TierPoolBlockCache(settings.keys(), settings.blockBytes(),
                settings.ramBytes(), settings.vvramBytes(), settings.vssdBytes(), dirs.tmpfs(),
                dirs.disk()));
            Driver ehcache = new Driver(settings, jcache ?
                JCacheBlockCache.ehcache(settings.ramBytes() / settings.blockBytes(), settings.vvramBytes() >> 20,
                    settings.vssdBytes() >> 20, dirs.disk().resolve("ehcache")) :
                new EhcacheBlockCache(settings.ramBytes() / settings.blockBytes(),
                settings.vvramBytes() >> 20, settings.vssdBytes() >> 20, dirs.disk().resolve("ehcache"))))
        {
            final List<ThreadsRun> runs = new ArrayList<>();
            for (final int threads : settings.threads())
            {
                final Sequences sequences = new Sequences(settings, permutation, threads);
                final double[] tierPoolRates = new double[settings.rounds()];
                final double[] ehcacheRates = new double[settings.rounds()];
                final double[] ratios = new double[settings.rounds()];
                final long[] tierPoolCounts = tierPool.counts();
                final long[] ehcacheCounts = ehcache.counts();
                final int warmups = runs.isEmpty() ? settings.warmupRounds() : 1;
                for (int warmup = 0; warmup < warmups; warmup++)
                {
                    sequences.draw(-warmup); // round 0 first, the sequence the one warm-up round always drew
                    tierPool.round(sequences, false);
                    ehcache.round(sequences, false);
                }
                for (int round = 0; round < settings.rounds(); round++)
                {
                    sequences.draw(round + 1);
                    tierPoolRates[round] = tierPool.round(sequences, true);
                    ehcacheRates[round] = ehcache.round(sequences, true);
                    ratios[round] = tierPoolRates[round] / ehcacheRates[round];
                }
                final ThreadsRun run = new ThreadsRun(threads, tierPool.result(tierPoolRates, tierPoolCounts),
                    ehcache.result(ehcacheRates, ehcacheCounts), Samples.of(ratios));
                log.printf("zipf: %d thread(s): TierPool %s ops/s, Ehcache %s ops/s, ratio %s%n", threads,
                    run.tierPool().opsPerSecond().format("%.0f"), run.ehcache().opsPerSecond().format("%.0f"),
                    run.ratio().format("%.2f"));
                runs.add(run);
            }
            if (jcache)
            {
                log.printf("zipf --jcache: the goal through JCache is TierPool's provider at least as fast as " +
                    "Ehcache's (ratio >= 1.00); the table's goal column is the raw-block goal (>= %.2f)%n",
                    Result.GOAL_RATIO);
            }
            final ThreadsRun first = runs.get(0);
            return new Result(settings, first.tierPool(), first.ehcache(), first.ratio(), List.copyOf(runs));
        }
    }

    /**
     * The operations of one round for each thread: keys and whether each is a get. Thread {@code t} of {@code n}
     * draws Zipf ranks over its share of the permutation (positions {@code t, t + n, ...}); one thread draws the
     * sequence over the whole permutation with the seeds this workload has always used. Owned by the thread
     * running the workload; workers only read their own arrays.
     */
    private static final class Sequences
    {
        private final Settings settings;
        private final int[][] shares;
        private final int[][] keys;
        private final boolean[][] isGet;

        Sequences(final Settings settings, final int[] permutation, final int threads)
        {
            this.settings = settings;
            shares = new int[threads][];
            keys = new int[threads][];
            isGet = new boolean[threads][];
            for (int t = 0; t < threads; t++)
            {
                final int[] share = new int[(permutation.length - t + threads - 1) / threads];
                for (int i = 0; i < share.length; i++)
                {
                    share[i] = permutation[t + i * threads];
                }
                shares[t] = share;
                final int ops = settings.ops() / threads + (t < settings.ops() % threads ? 1 : 0);
                keys[t] = new int[ops];
                isGet[t] = new boolean[ops];
            }
        }

        int threads()
        {
            return shares.length;
        }

        void draw(final int round)
        {
            final int threads = threads();
            for (int t = 0; t < threads; t++)
            {
                final long zipfSeed = threads == 1 ? settings.seed() + round :
                    (settings.seed() + round) * 1_000_003L + threads * 64L + t;
                final long mixSeed = threads == 1 ? settings.seed() * 31 + round : zipfSeed * 31 + 17;
                final ZipfGenerator zipf = new ZipfGenerator(shares[t].length, settings.skew(), zipfSeed);
                final SplittableRandom mix = new SplittableRandom(mixSeed);
                for (int i = 0; i < keys[t].length; i++)
                {
                    keys[t][i] = shares[t][zipf.next()];
                    isGet[t][i] = mix.nextDouble() < settings.readFraction();
                }
            }
        }
    }

    /**
     * Drives one system: its cache, the last version put of each key, and one {@link Lane} per thread. Owns the
     * cache. Each key is put and checked by one lane only (see {@link Sequences}), so {@code versions} needs no
     * lock: lanes touch disjoint elements, and the workload thread reads it only after joining them.
     */
    private static final class Driver implements AutoCloseable
    {
        private final BlockCache cache;
        private final long[] versions;
        private final byte[] template;
        private final List<Lane> lanes = new ArrayList<>();
        private long warmupGets;
        private long warmupPuts;

        Driver(final Settings settings, final BlockCache cache)
        {
            this.cache = cache;
            versions = new long[settings.keys()];
            template = new byte[settings.blockBytes()];
            new SplittableRandom(settings.seed()).nextBytes(template);
            final Lane populate = lane(0);
            for (int key = 0; key < versions.length; key++)
            {
                populate.put(key);
            }
        }

        private Lane lane(final int index)
        {
            while (lanes.size() <= index)
            {
                lanes.add(new Lane());
            }
            return lanes.get(index);
        }

        /**
         * @return the counters summed over the lanes: gets and puts of timed rounds, and verified, mismatches and
         * missing of all rounds.
         */
        long[] counts()
        {
            final long[] sum = new long[5];
            for (final Lane lane : lanes)
            {
                for (int i = 0; i < sum.length; i++)
                {
                    sum[i] += lane.counts[i];
                }
            }
            sum[0] -= warmupGets;
            sum[1] -= warmupPuts;
            return sum;
        }

        /**
         * Runs one round: each thread its own operations; one thread runs on the caller's thread.
         *
         * @param sequences the round's operations per thread.
         * @param timed     false for a warm-up round, whose gets and puts are not counted (its checks are).
         * @return the round's throughput in operations per second.
         */
        double round(final Sequences sequences, final boolean timed)
        {
            final int threads = sequences.threads();
            final long[] before = counts();
            final long elapsedNs;
            if (threads == 1)
            {
                final long startNs = System.nanoTime();
                lane(0).run(sequences.keys[0], sequences.isGet[0]);
                elapsedNs = System.nanoTime() - startNs;
            }
            else
            {
                elapsedNs = runThreads(sequences);
            }
            if (!timed)
            {
                final long[] after = counts();
                warmupGets += after[0] - before[0];
                warmupPuts += after[1] - before[1];
            }
            return sequences.settings.ops() / (elapsedNs / 1e9);
        }

        private long runThreads(final Sequences sequences)
        {
            final int threads = sequences.threads();
            final CountDownLatch start = new CountDownLatch(1);
            final Throwable[] failures = new Throwable[threads];
            final Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                final int thread = t;
                final Lane lane = lane(t);
                workers[t] = new Thread(() ->
                {
                    try
                    {
                        start.await();
                        lane.run(sequences.keys[thread], sequences.isGet[thread]);
                    }
                    catch (final Throwable ex)
                    {
                        failures[thread] = ex;
                    }
                }, "zipf-" + cache.name() + "-" + t);
                workers[t].setDaemon(true);
                workers[t].start();
            }
            final long startNs = System.nanoTime();
            start.countDown();
            try
            {
                for (final Thread worker : workers)
                {
                    worker.join();
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the zipf threads", ex);
            }
            final long elapsedNs = System.nanoTime() - startNs;
            for (int t = 0; t < threads; t++)
            {
                if (failures[t] != null)
                {
                    throw new IllegalStateException(cache.name() + " failed on zipf thread " + t + " of " + threads +
                        ": " + failures[t], failures[t]);
                }
            }
            return elapsedNs;
        }

        Run result(final double[] opsPerSecond, final long[] countsBefore)
        {
            final long[] counts = counts();
            return new Run(cache.name(), Samples.of(opsPerSecond), counts[0] - countsBefore[0],
                counts[1] - countsBefore[1], counts[2] - countsBefore[2], counts[3] - countsBefore[3],
                counts[4] - countsBefore[4]);
        }

        public void close()
        {
            cache.close();
        }

        /**
         * One thread's buffers and counters; used by one thread at a time.
         */
        private final class Lane
        {
            private final byte[] value = template.clone();
            private final UnsafeBuffer valueView = new UnsafeBuffer(value);
            private final byte[] scratch = new byte[template.length];
            private final UnsafeBuffer checkView = new UnsafeBuffer(scratch);
            private final long[] counts = new long[5]; // gets, puts, verified, mismatches, missing

            void run(final int[] opKeys, final boolean[] opIsGet)
            {
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
            }

            void put(final int key)
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
