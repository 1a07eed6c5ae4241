/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Options every workload command takes: where its files go and whether to print JSON.
 */
public final class CommonOptions
{
    @Option(names = "--json", description = "Print the result as JSON on standard output instead of a table " +
        "(progress still goes to standard error).")
    boolean json;

    @Option(names = "--tmpfs-dir", paramLabel = "DIR", description = "Parent of the VVRAM tier's directory, on " +
        "tmpfs (default: ${DEFAULT-VALUE}).")
    Path tmpfsDir = BenchDirectories.TMPFS_DEFAULT;

    @Option(names = "--disk-dir", paramLabel = "DIR", description = "Parent of the VSSD tier's (and Ehcache's) " +
        "directory, on local disk (default: ${DEFAULT-VALUE}).")
    Path diskDir = BenchDirectories.DISK_DEFAULT;

    /**
     * Prints a result as a table or as JSON.
     *
     * @param out    standard output.
     * @param table  the table form.
     * @param result the result record, for JSON.
     * @throws UncheckedIOException if the result cannot be written as JSON.
     */
    void print(final PrintStream out, final String table, final Object result)
    {
        if (json)
        {
            out.println(toJson(result));
        }
        else
        {
            out.print(table);
        }
        out.flush();
    }

    /**
     * @param result a record.
     * @return it as indented JSON.
     * @throws UncheckedIOException if Jackson cannot write it.
     */
    static String toJson(final Object result)
    {
        try
        {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result);
        }
        catch (final JsonProcessingException ex)
        {
            throw new UncheckedIOException("cannot write the result as JSON: " + ex.getMessage(), ex);
        }
    }
}
