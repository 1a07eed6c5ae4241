/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.remote;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.tierpool.bench.report.Latency;
import io.tierpool.bench.report.TextTable;
import io.tierpool.bench.report.Units;

import java.util.ArrayList;
import java.util.List;

/**
 * The figures of a {@code bench remote} run, each beside its raw Aeron baseline from the same run and the ratio,
 * with the goals of issue 12 marked met or missed:
 * <ul>
 *     <li>large-block far write and read at least {@value #MIN_THROUGHPUT_RATIO}x the raw one-way stream (a
 *     write with replicas 2 or more counted by the bytes it sends, all copies);</li>
 *     <li>small far read p50 at most {@value #MAX_P50_RATIO}x and p99 at most {@value #MAX_P99_RATIO}x the raw
 *     ping-pong with the same idle strategy;</li>
 *     <li>4 threads of the mix at least {@value #MIN_SCALING_4}x one thread.</li>
 * </ul>
 * Immutable.
 *
 * @param settings what was run.
 * @param machine  the machine's cores and load, and how long the run took.
 * @param baseline raw Aeron.
 * @param spills   large blocks, one per replica setting.
 * @param transport the large blocks through the transport alone, one at a time (no engine), or null when no large
 *                 blocks were run.
 * @param latency  small far reads.
 * @param mix      the mix, one per thread count.
 */
public record RemoteReport(
    RemoteWorkload.Settings settings,
    RemoteWorkload.Machine machine,
    RemoteWorkload.Baseline baseline,
    List<SpillRun.Result> spills,
    TransportReference.Result transport,
    FarReadLatency.Result latency,
    List<MixRun.Result> mix)
{
    /**
     * Goal: far large-block throughput / raw one-way stream.
     */
    public static final double MIN_THROUGHPUT_RATIO = 0.7;

    /**
     * Goal: small far read p50 / raw ping-pong p50.
     */
    public static final double MAX_P50_RATIO = 2.0;

    /**
     * Goal: small far read p99 / raw ping-pong p99.
     */
    public static final double MAX_P99_RATIO = 3.0;

    /**
     * Goal: mix ops/s with 4 threads / with 1 thread.
     */
    public static final double MIN_SCALING_4 = 2.5;

    /**
     * One goal of the issue.
     *
     * @param goal   what is compared, e.g. {@code "write 1 MiB, replicas 1 / raw stream"}.
     * @param ratio  the ratio measured.
     * @param atLeast true when the ratio must be at least {@code target}, false when at most.
     * @param target the bound.
     * @param met    whether the ratio is within the bound.
     */
    public record Goal(String goal, double ratio, boolean atLeast, double target, boolean met)
    {
        static Goal atLeast(final String goal, final double ratio, final double target)
        {
            return new Goal(goal, ratio, true, target, ratio >= target);
        }

        static Goal atMost(final String goal, final double ratio, final double target)
        {
            return new Goal(goal, ratio, false, target, ratio <= target);
        }

        /**
         * @return e.g. {@code ">= 0.70 missed"}.
         */
        public String describe()
        {
            return String.format("%s %.2f %s", atLeast ? ">=" : "<=", target, met ? "met" : "MISSED");
        }
    }

    /**
     * @return true when every byte read back was right, every block was read back, every timed small read was a
     * real fetch, and the mix read something.
     */
    @JsonProperty("verified")
    public boolean verified()
    {
        for (final SpillRun.Result spill : spills)
        {
            if (spill.mismatches() != 0 || spill.verified() != spill.expectedVerified())
            {
                return false;
            }
        }
        if (transport != null && (transport.mismatches() != 0 || transport.verified() == 0))
        {
            return false;
        }
        long mixVerified = 0;
        for (final MixRun.Result run : mix)
        {
            if (run.mismatches() != 0)
            {
                return false;
            }
            mixVerified += run.verified();
        }
        return latency != null && latency.mismatches() == 0 && latency.everyReadFetched() &&
            (mix.isEmpty() || mixVerified > 0);
    }

    /**
     * @return the goals of the issue with their ratios, in report order.
     */
    @JsonProperty("goals")
    public List<Goal> goals()
    {
        final List<Goal> goals = new ArrayList<>();
        final double raw = baseline.streamMibPerSecond().median();
        final String size = Units.bytes(settings.blockBytes());
        for (final SpillRun.Result spill : spills)
        {
            final boolean sent = spill.replicas() > 1;
            goals.add(Goal.atLeast("write " + size + ", replicas " + spill.replicas() +
                (sent ? " (bytes sent)" : "") + " / raw stream",
                (sent ? spill.writeSentMibPerSecond() : spill.writeMibPerSecond()) / raw, MIN_THROUGHPUT_RATIO));
        }
        for (final SpillRun.Result spill : spills)
        {
            goals.add(Goal.atLeast("read " + size + ", replicas " + spill.replicas() + " / raw stream",
                spill.readMibPerSecond() / raw, MIN_THROUGHPUT_RATIO));
            goals.add(Goal.atLeast("read " + size + " in order written / random order, replicas " + spill.replicas(),
                spill.sequentialReadMibPerSecond() / spill.readMibPerSecond(), 1.0));
        }
        if (latency != null)
        {
            final Latency rtt = baseline.pingPongBackoff();
            final String small = Units.bytes(latency.blockBytes());
            goals.add(Goal.atMost("far read " + small + " p50 / raw ping-pong p50 (back-off)",
                latency.latency().p50Us() / rtt.p50Us(), MAX_P50_RATIO));
            goals.add(Goal.atMost("far read " + small + " p99 / raw ping-pong p99 (back-off)",
                latency.latency().p99Us() / rtt.p99Us(), MAX_P99_RATIO));
        }
        final MixRun.Result one = mixRun(1);
        final MixRun.Result four = mixRun(4);
        if (one != null && four != null)
        {
            goals.add(Goal.atLeast("mix 4 threads / 1 thread", four.opsPerSecond() / one.opsPerSecond(),
                MIN_SCALING_4));
        }
        return goals;
    }

    /**
     * @param threads a thread count.
     * @return the mix run with that many threads, or null if there was none.
     */
    public MixRun.Result mixRun(final int threads)
    {
        for (final MixRun.Result run : mix)
        {
            if (run.threads() == threads)
            {
                return run;
            }
        }
        return null;
    }

    /**
     * @return the report: settings, the table of figures against the baseline, the checks, the goals.
     */
    public String toTable()
    {
        final double raw = baseline.streamMibPerSecond().median();
        final String rawStream = baseline.streamMibPerSecond().format("%,.0f") + " MiB/s";
        final String size = Units.bytes(settings.blockBytes());
        final TextTable table = new TextTable("figure", "TierPool", "raw Aeron, same run", "ratio");
        for (final SpillRun.Result spill : spills)
        {
            final String sent = spill.replicas() > 1 ?
                String.format(" (%,.0f sent)", spill.writeSentMibPerSecond()) : "";
            final String ratio = spill.replicas() > 1 ?
                String.format("%.2f (%.2f sent)", spill.writeMibPerSecond() / raw,
                    spill.writeSentMibPerSecond() / raw) :
                String.format("%.2f", spill.writeMibPerSecond() / raw);
            table.row(String.format("write %d x %s until spilled, replicas %d", spill.blocks(), size,
                spill.replicas()), String.format("%,.0f MiB/s%s", spill.writeMibPerSecond(), sent), rawStream, ratio);
        }
        for (final SpillRun.Result spill : spills)
        {
            table.row(String.format("read them back, random order, replicas %d", spill.replicas()),
                String.format("%,.0f MiB/s", spill.readMibPerSecond()), rawStream,
                String.format("%.2f", spill.readMibPerSecond() / raw));
            table.row(String.format("read again in the order written (prefetch), replicas %d", spill.replicas()),
                String.format("%,.0f MiB/s", spill.sequentialReadMibPerSecond()), rawStream,
                String.format("%.2f", spill.sequentialReadMibPerSecond() / raw));
        }
        if (!spills.isEmpty() && baseline.oneAtATimeMibPerSecond() != null)
        {
            table.row("  (reference) raw " + size + " one message at a time (send, await its ack)", "",
                baseline.oneAtATimeMibPerSecond().format("%,.0f") + " MiB/s",
                String.format("%.2f of stream", baseline.oneAtATimeMibPerSecond().median() / raw));
        }
        if (transport != null)
        {
            table.row("  (reference) TierPool transport alone, " + size + " get one at a time (no engine)",
                transport.getMibPerSecond().format("%,.0f") + " MiB/s", rawStream,
                String.format("%.2f", transport.getMibPerSecond().median() / raw));
            table.row("  (reference) TierPool transport alone, " + size + " put one at a time (no engine)",
                transport.putMibPerSecond().format("%,.0f") + " MiB/s", rawStream,
                String.format("%.2f", transport.putMibPerSecond().median() / raw));
        }
        if (latency != null)
        {
            final Latency far = latency.latency();
            final Latency rtt = baseline.pingPongBackoff();
            final String small = Units.bytes(latency.blockBytes());
            final String replicas = spills.isEmpty() ? "" : ", replicas " + spills.get(0).replicas();
            table.row("far read " + small + " p50" + replicas, us(far.p50Us()),
                us(rtt.p50Us()) + " ping-pong (back-off)", String.format("%.2f", far.p50Us() / rtt.p50Us()));
            table.row("far read " + small + " p99" + replicas, us(far.p99Us()),
                us(rtt.p99Us()) + " ping-pong (back-off)", String.format("%.2f", far.p99Us() / rtt.p99Us()));
            table.row("far read " + small + " p99.9" + replicas, us(far.p999Us()),
                us(rtt.p999Us()) + " ping-pong (back-off)", String.format("%.2f", far.p999Us() / rtt.p999Us()));
            final Latency yield = baseline.pingPongYield();
            if (yield != null)
            {
                table.row("  (reference) raw ping-pong p50 / p99 / p99.9, yield", "",
                    String.format("%s / %s / %s", us(yield.p50Us()), us(yield.p99Us()), us(yield.p999Us())), "");
            }
        }
        final MixRun.Result one = mixRun(1);
        for (final MixRun.Result run : mix)
        {
            table.row(String.format("%.0f/%.0f read/overwrite %s, %dx local tiers, %d thread%s",
                100 * settings.mixReadFraction(), 100 * (1 - settings.mixReadFraction()),
                Units.bytes(settings.mixBlockBytes()), settings.mixMultiple(), run.threads(),
                run.threads() == 1 ? "" : "s"), String.format("%,.0f ops/s", run.opsPerSecond()), "—",
                one == null ? "" : String.format("%.2fx 1 thread", run.opsPerSecond() / one.opsPerSecond()));
        }

        final StringBuilder out = new StringBuilder();
        out.append(String.format("bench remote: %d node daemon(s) on loopback (RAM %s each, no VVRAM/VSSD); " +
            "pool RAM %s, no VVRAM/VSSD; raw Aeron: %s messages one way, %s ping-pong, transport settings%n",
            settings.nodes(), Units.bytes(settings.nodeRamBytes()), Units.bytes(settings.ramBytes()),
            Units.bytes(baseline.messageBytes()), Units.bytes(baseline.pingPongBytes())));
        out.append(String.format("  %d cores, load average %.1f at the start and %.1f at the end, %.0f s%n",
            machine.cores(), machine.loadAverageStart(), machine.loadAverageEnd(), machine.seconds()));
        out.append(table);
        out.append(checks());
        out.append("goals (issue 12):\n");
        for (final Goal goal : goals())
        {
            out.append(String.format("  %-55s %6.2f  %s%n", goal.goal(), goal.ratio(), goal.describe()));
        }
        out.append(verified() ? "verification: passed\n" : "verification: FAILED\n");
        return out.toString();
    }

    private String checks()
    {
        final StringBuilder out = new StringBuilder("checks:\n");
        for (final SpillRun.Result spill : spills)
        {
            out.append(String.format("  replicas %d: medians of %d timed rounds after an untimed one (that one: " +
                "write %,.0f MiB/s, random read %,.0f MiB/s); last round: %d of %d blocks in far memory after the " +
                "writes; writes put %d copies; reads fetched %d and put %d copies (%,.0f MiB/s on the wire); %d " +
                "blocks verified, %d wrong%n", spill.replicas(), spill.rounds(), spill.coldWriteMibPerSecond(),
                spill.coldReadMibPerSecond(), spill.farAfterWrite(), spill.blocks(), spill.write().copiesPut(),
                spill.read().copiesFetched(), spill.read().copiesPut(), spill.readWireMibPerSecond(),
                spill.verified(), spill.mismatches()));
        }
        if (transport != null)
        {
            out.append(String.format("  transport alone: %d x %s blocks per round, %d got back and verified, %d " +
                "wrong%n", transport.blocks(), Units.bytes(transport.blockBytes()), transport.verified(),
                transport.mismatches()));
        }
        if (latency != null)
        {
            out.append(String.format("  far reads: %d timed, %d remote gets (%s), %d copies put by the untimed " +
                "moves; %d reads verified, %d wrong%n", latency.reads(), latency.far().remoteGets(),
                latency.everyReadFetched() ? "one per read" : "NOT one per read, or a block was not far: " +
                latency.notFar(), latency.far().copiesPut(), latency.verified(), latency.mismatches()));
        }
        for (final MixRun.Result run : mix)
        {
            out.append(String.format("  mix, %d thread%s: %d reads verified, %d wrong, %d overwrites; %d remote " +
                "gets, %d copies put%n", run.threads(), run.threads() == 1 ? "" : "s", run.verified(),
                run.mismatches(), run.writes(), run.far().remoteGets(), run.far().copiesPut()));
        }
        return out.toString();
    }

    private static String us(final double micros)
    {
        return String.format("%,.0f µs", micros);
    }
}
