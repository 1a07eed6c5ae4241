/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.config;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Documentation generated from the {@link ConfigKey} table, so that it cannot drift from the code:
 * {@code deploy/node.example.conf} ({@link #exampleFile()}) and the README's configuration reference
 * ({@link #markdownTable()}). Tests fail when either file is out of date; regenerate with
 * <pre>
 * java -cp node/daemon/target/classes io.tierpool.node.config.ConfigReference example &gt; deploy/node.example.conf
 * java -cp node/daemon/target/classes io.tierpool.node.config.ConfigReference table    # paste into README.md
 * </pre>
 */
public final class ConfigReference
{
    /** Path of the example configuration file, relative to the repository root. */
    public static final String EXAMPLE_FILE = "deploy/node.example.conf";

    /**
     * The value the example file gives {@link ConfigKey#VSSD_DIR}, whose default ({@code java.io.tmpdir}) differs
     * between machines: {@value}, the usual temporary directory on Linux.
     */
    public static final String EXAMPLE_VSSD_DIR = "/tmp";

    private static final int WIDTH = 110;

    private ConfigReference()
    {
    }

    /**
     * The text of {@code deploy/node.example.conf}: a header with the format and the precedence rule, then every
     * key with its meaning, type, default, environment variable and flag, set to its default (the VSSD directory
     * to {@value #EXAMPLE_VSSD_DIR}).
     *
     * @return the file's content, lines ending in {@code \n}.
     */
    public static String exampleFile()
    {
        final StringBuilder out = new StringBuilder();
        wrapComment(out, "TierPool node daemon configuration: every key, set to its default.");
        out.append("#\n");
        wrapComment(out, "Format: Java properties, one \"key = value\" per line. Lines starting with # are " +
            "comments (a comment must be on a line of its own); a line ending in \\ continues on the next. Sizes " +
            "are bytes with an optional k, m or g suffix (powers of 1024); watermarks are fractions of a tier's " +
            "capacity.");
        out.append("#\n");
        out.append("# Use:  deploy/run-node.sh ").append(NodeConfiguration.CONFIG_FLAG).append(' ')
            .append(EXAMPLE_FILE).append('\n')
            .append("#   or: ").append(NodeConfiguration.CONFIG_ENV).append('=').append(EXAMPLE_FILE)
            .append(" deploy/run-node.sh\n")
            .append("#\n");
        wrapComment(out, "Precedence, lowest first: " + NodeConfiguration.PRECEDENCE + ". Each key below names " +
            "its environment variable and flag. An unknown key or a bad value stops the daemon at start-up with a " +
            "message naming the key, the value and the line of this file.");
        out.append("#\n")
            .append("# Generated from io.tierpool.node.config.ConfigKey; regenerate with\n")
            .append("#   java -cp node/daemon/target/classes io.tierpool.node.config.ConfigReference example > ")
            .append(EXAMPLE_FILE).append('\n');

        for (final ConfigKey key : ConfigKey.values())
        {
            out.append('\n');
            wrapComment(out, key.description());
            wrapComment(out, "type " + key.type().label() + ", default " + key.defaultText() + ", env " + key.env() +
                ", flag " + (null == key.flag() ? "none" : key.flag()));
            if (key == ConfigKey.VSSD_DIR)
            {
                wrapComment(out, "(this file writes " + EXAMPLE_VSSD_DIR + ", the usual java.io.tmpdir on Linux)");
            }
            out.append(key.key()).append(" = ").append(exampleValue(key)).append('\n');
        }
        return out.toString();
    }

    /**
     * The README's configuration reference: a Markdown table with one row for the configuration file itself and
     * one per key, columns key, flag, env, default and meaning.
     *
     * @return the table, lines ending in {@code \n}.
     */
    public static String markdownTable()
    {
        final StringBuilder out = new StringBuilder();
        out.append("| key | flag | env | default | meaning |\n")
            .append("|---|---|---|---|---|\n")
            .append("| (the file itself) | `").append(NodeConfiguration.CONFIG_FLAG).append(" FILE` | `")
            .append(NodeConfiguration.CONFIG_ENV).append("` | none | Configuration file to read (Java properties). |\n");
        for (final ConfigKey key : ConfigKey.values())
        {
            out.append("| `").append(key.key()).append("` | ").append(null == key.flag() ? "none" : "`" + key.flag() + "`")
                .append(" | `").append(key.env())
                .append("` | `").append(key.defaultText()).append("` | ").append(key.description())
                .append(" Type: ").append(key.type().label()).append(". |\n");
        }
        return out.toString();
    }

    /**
     * Prints {@link #exampleFile()} ({@code example}) or {@link #markdownTable()} ({@code table}) to standard out.
     *
     * @param args {@code example} or {@code table}.
     */
    public static void main(final String[] args)
    {
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (args.length == 1 && "example".equals(args[0]))
        {
            out.print(exampleFile());
        }
        else if (args.length == 1 && "table".equals(args[0]))
        {
            out.print(markdownTable());
        }
        else
        {
            System.err.println("usage: ConfigReference example|table");
            System.exit(2);
        }
    }

    static String exampleValue(final ConfigKey key)
    {
        return key == ConfigKey.VSSD_DIR ? EXAMPLE_VSSD_DIR : key.defaultText();
    }

    private static void wrapComment(final StringBuilder out, final String text)
    {
        final StringBuilder line = new StringBuilder("#");
        for (final String word : text.split(" "))
        {
            if (line.length() + 1 + word.length() > WIDTH && line.length() > 1)
            {
                out.append(line).append('\n');
                line.setLength(0);
                line.append('#');
            }
            line.append(' ').append(word);
        }
        out.append(line).append('\n');
    }
}
