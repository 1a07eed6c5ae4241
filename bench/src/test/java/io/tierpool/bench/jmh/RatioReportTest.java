/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.jmh;

import io.tierpool.bench.alloc.AllocateFreeBenchmark;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the allocation benchmark through JMH for a moment (in this JVM, no forks; the figures mean nothing) and
 * checks that the ratio report pairs every TierPool method with both baselines of the same size, and divides the
 * right way round.
 */
class RatioReportTest
{
    @Test
    void ratiosAreBaselineOverTierPoolPerSize() throws RunnerException
    {
        final Collection<RunResult> results = new Runner(new OptionsBuilder()
            .include(AllocateFreeBenchmark.class.getName())
            .param("bytes", "64", "4096")
            .forks(0)
            .warmupIterations(0)
            .measurementIterations(2)
            .measurementTime(TimeValue.milliseconds(20))
            .verbosity(VerboseMode.SILENT)
            .build()).run();

        final List<RatioReport.Row> rows = RatioReport.rows(results);
        assertEquals(10, rows.size());
        final Map<String, RatioReport.Row> byKey = new HashMap<>();
        for (final RatioReport.Row row : rows)
        {
            assertEquals("AllocateFreeBenchmark", row.benchmark());
            assertEquals("ns/op", row.unit());
            assertTrue(row.score().median() > 0);
            assertTrue(Double.isNaN(row.gibPerSecond()));
            byKey.put(row.params() + "/" + row.method(), row);
        }
        for (final String size : new String[]{ "bytes=64", "bytes=4096" })
        {
            final RatioReport.Row netty = byKey.get(size + "/baselineNettyPooledDirect");
            final RatioReport.Row direct = byKey.get(size + "/baselineAllocateDirect");
            assertTrue(netty.ratios().isEmpty() && direct.ratios().isEmpty(), "baselines carry no ratios");
            for (final String method : new String[]{ "tierPoolStore", "tierPoolBlock", "zeroFillOnly" })
            {
                final RatioReport.Row row = byKey.get(size + "/" + method);
                assertEquals(2, row.ratios().size(), row.toString());
                assertEquals(netty.score().median() / row.score().median(),
                    row.ratios().get("baselineNettyPooledDirect"), 1e-9);
                assertEquals(direct.score().median() / row.score().median(),
                    row.ratios().get("baselineAllocateDirect"), 1e-9);
            }
        }
        final String table = RatioReport.format(rows);
        assertTrue(table.contains("x vs NettyPooledDirect") && table.contains("x vs AllocateDirect"), table);
        assertTrue(table.indexOf("bytes=64 ") < table.indexOf("bytes=4096"), "sizes in numeric order:\n" + table);
    }
}
