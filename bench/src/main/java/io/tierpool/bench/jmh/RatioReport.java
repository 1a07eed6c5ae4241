/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.jmh;

import io.tierpool.bench.report.Samples;
import io.tierpool.bench.report.TextTable;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns JMH results into ratios against the baselines measured in the same run. Results are grouped by benchmark
 * class and parameter values; in each group every method whose name starts with {@value #BASELINE_PREFIX} is a
 * baseline, and every other method gets one ratio per baseline: {@code baseline / method} for time-per-operation
 * modes and {@code method / baseline} for throughput, so that a ratio above 1 always means TierPool is faster.
 * Ratios are taken between medians of the measurement iterations; each score is quoted as median with min–max.
 * Where the parameters include {@code dataMiB} and the score is a time, a bandwidth in GiB/s is added.
 */
public final class RatioReport
{
    /**
     * Methods whose names start with this are baselines.
     */
    public static final String BASELINE_PREFIX = "baseline";

    /**
     * One benchmark method at one set of parameter values.
     *
     * @param benchmark      the class's simple name.
     * @param method         the method.
     * @param params         parameter values, {@code name=value} joined by commas (empty if none).
     * @param unit           the score's unit, e.g. {@code ns/op}.
     * @param score          median and min–max of the measurement iterations.
     * @param gibPerSecond   bandwidth from the median, or NaN where the benchmark moves no {@code dataMiB}.
     * @param ratios         per baseline method: the ratio described in the class comment (empty for a baseline).
     */
    public record Row(
        String benchmark,
        String method,
        String params,
        String unit,
        Samples score,
        double gibPerSecond,
        Map<String, Double> ratios)
    {
    }

    private RatioReport()
    {
    }

    /**
     * @param results what {@link org.openjdk.jmh.runner.Runner#run()} returned.
     * @return one row per result, grouped by class and parameters, baselines first in each group.
     */
    public static List<Row> rows(final Collection<RunResult> results)
    {
        final List<RunResult> sorted = new ArrayList<>(results);
        sorted.sort(RatioReport::compare);
        final Map<String, List<RunResult>> groups = new LinkedHashMap<>();
        for (final RunResult result : sorted)
        {
            final BenchmarkParams params = result.getParams();
            groups.computeIfAbsent(className(params) + '|' + paramsText(params), (key) -> new ArrayList<>())
                .add(result);
        }

        final List<Row> rows = new ArrayList<>();
        for (final List<RunResult> group : groups.values())
        {
            final Map<String, Double> baselines = new LinkedHashMap<>();
            for (final RunResult result : group)
            {
                final String method = methodName(result.getParams());
                if (method.startsWith(BASELINE_PREFIX))
                {
                    baselines.put(method, median(result));
                }
            }
            for (final boolean baselineRows : new boolean[]{ true, false })
            {
                for (final RunResult result : group)
                {
                    final BenchmarkParams params = result.getParams();
                    final String method = methodName(params);
                    if (method.startsWith(BASELINE_PREFIX) != baselineRows)
                    {
                        continue;
                    }
                    final Map<String, Double> ratios = new LinkedHashMap<>();
                    if (!baselineRows)
                    {
                        final double value = median(result);
                        final boolean throughput = params.getMode() == Mode.Throughput;
                        baselines.forEach((name, base) -> ratios.put(name, throughput ? value / base : base / value));
                    }
                    final Statistics stats = result.getPrimaryResult().getStatistics();
                    final Samples score = new Samples(stats.getPercentile(50), stats.getMin(), stats.getMax(),
                        (int)stats.getN());
                    rows.add(new Row(className(params), method, paramsText(params),
                        result.getPrimaryResult().getScoreUnit(), score, bandwidth(params, score.median()), ratios));
                }
            }
        }
        return rows;
    }

    /**
     * @param rows what {@link #rows(Collection)} returned.
     * @return one table per benchmark class, with a heading line each.
     */
    public static String format(final List<Row> rows)
    {
        final StringBuilder out = new StringBuilder();
        final Map<String, List<Row>> byClass = new LinkedHashMap<>();
        for (final Row row : rows)
        {
            byClass.computeIfAbsent(row.benchmark(), (key) -> new ArrayList<>()).add(row);
        }
        byClass.forEach((benchmark, classRows) ->
        {
            final List<String> baselineNames = new ArrayList<>();
            boolean anyBandwidth = false;
            for (final Row row : classRows)
            {
                for (final String name : row.ratios().keySet())
                {
                    if (!baselineNames.contains(name))
                    {
                        baselineNames.add(name);
                    }
                }
                anyBandwidth |= !Double.isNaN(row.gibPerSecond());
            }
            final List<String> header = new ArrayList<>(List.of("params", "method", "score median (min–max)"));
            if (anyBandwidth)
            {
                header.add("GiB/s");
            }
            for (final String name : baselineNames)
            {
                header.add("x vs " + name.substring(BASELINE_PREFIX.length()));
            }
            final TextTable table = new TextTable(header.toArray(new String[0]));
            for (final Row row : classRows)
            {
                final List<String> cells = new ArrayList<>();
                cells.add(row.params());
                cells.add(row.method());
                cells.add(row.score().format(row.score().median() < 100 ? "%.2f" : "%.0f") + " " + row.unit());
                if (anyBandwidth)
                {
                    cells.add(Double.isNaN(row.gibPerSecond()) ? "" : String.format("%.2f", row.gibPerSecond()));
                }
                for (final String name : baselineNames)
                {
                    final Double ratio = row.ratios().get(name);
                    cells.add(ratio == null ? "" : String.format("%.2f", ratio));
                }
                table.row(cells.toArray(new String[0]));
            }
            out.append(benchmark).append(" (ratio > 1: TierPool faster than the baseline)\n").append(table).append('\n');
        });
        return out.toString();
    }

    private static int compare(final RunResult left, final RunResult right)
    {
        final BenchmarkParams a = left.getParams();
        final BenchmarkParams b = right.getParams();
        int order = className(a).compareTo(className(b));
        for (final String key : a.getParamsKeys())
        {
            if (order != 0)
            {
                break;
            }
            final String x = a.getParam(key);
            final String y = b.getParam(key);
            if (x == null || y == null)
            {
                continue;
            }
            try
            {
                order = Long.compare(Long.parseLong(x), Long.parseLong(y));
            }
            catch (final NumberFormatException ex)
            {
                order = x.compareTo(y);
            }
        }
        return order;
    }

    private static double median(final RunResult result)
    {
        return result.getPrimaryResult().getStatistics().getPercentile(50);
    }

    private static double bandwidth(final BenchmarkParams params, final double score)
    {
        if (!params.getParamsKeys().contains("dataMiB") || params.getMode() == Mode.Throughput)
        {
            return Double.NaN;
        }
        final double seconds = score * params.getTimeUnit().toNanos(1) / 1e9;
        return Double.parseDouble(params.getParam("dataMiB")) / 1024.0 / seconds;
    }

    private static String className(final BenchmarkParams params)
    {
        final String benchmark = params.getBenchmark();
        final String type = benchmark.substring(0, benchmark.lastIndexOf('.'));
        return type.substring(type.lastIndexOf('.') + 1);
    }

    private static String methodName(final BenchmarkParams params)
    {
        final String benchmark = params.getBenchmark();
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    private static String paramsText(final BenchmarkParams params)
    {
        final StringBuilder text = new StringBuilder();
        for (final String key : params.getParamsKeys())
        {
            text.append(text.length() == 0 ? "" : ",").append(key).append('=').append(params.getParam(key));
        }
        return text.toString();
    }
}
