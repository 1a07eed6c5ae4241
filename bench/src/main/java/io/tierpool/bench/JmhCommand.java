/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench;

import io.tierpool.bench.jmh.RatioReport;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tierpool bench jmh [JMH options] [regexp]}: runs the JMH benchmarks of this jar through JMH's
 * {@link Runner} with the given JMH command-line options (for example {@code -f 1 -wi 3 -w 2s -i 5 -r 2s
 * AllocateFree}), then prints {@link RatioReport}'s tables: every TierPool figure as a ratio against the
 * baselines measured in the same run. Forked JVMs inherit this JVM's options.
 */
@Command(name = "jmh", mixinStandardHelpOptions = false,
    description = "Runs the JMH benchmarks (JMH options pass through, e.g. -f 1 -wi 3 -w 2s -i 5 -r 2s " +
        "AllocateFree) and prints ratio tables against the baselines of the same run.")
public final class JmhCommand implements Callable<Integer>
{
    @Option(names = "--ratios-json", paramLabel = "FILE", description = "Also write the ratio rows as JSON to FILE.")
    Path ratiosJson;

    @Unmatched
    List<String> jmhArgs = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * @return 0 on success.
     * @throws CommandLine.ParameterException if JMH rejects its options.
     * @throws IllegalStateException          if JMH fails to run a benchmark.
     */
    public Integer call()
    {
        final CommandLineOptions options;
        try
        {
            options = new CommandLineOptions(jmhArgs.toArray(new String[0]));
        }
        catch (final CommandLineOptionException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "JMH options rejected: " + ex.getMessage());
        }
        final Collection<RunResult> results;
        try
        {
            results = new Runner(options).run();
        }
        catch (final RunnerException ex)
        {
            throw new IllegalStateException("JMH failed: " + ex.getMessage(), ex);
        }
        final List<RatioReport.Row> rows = RatioReport.rows(results);
        System.out.println();
        System.out.print(RatioReport.format(rows));
        if (ratiosJson != null)
        {
            try
            {
                Files.writeString(ratiosJson, CommonOptions.toJson(rows));
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot write " + ratiosJson + ": " + ex.getMessage(), ex);
            }
        }
        return 0;
    }
}
