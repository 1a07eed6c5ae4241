/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table with a header row, columns padded to their widest cell: text left-aligned in the first
 * column, everything else right-aligned (numbers). Not thread-safe.
 * <pre>{@code
 * final TextTable table = new TextTable("run", "GiB/s", "ratio");
 * table.row("in RAM", "2.10", "1.00");
 * System.out.print(table);
 * }</pre>
 */
public final class TextTable
{
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    /**
     * @param header the column titles; at least one.
     * @throws IllegalArgumentException if there are no columns.
     */
    public TextTable(final String... header)
    {
        if (header.length == 0)
        {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        this.header = header.clone();
    }

    /**
     * Adds a row.
     *
     * @param cells one cell per column; missing cells are blank.
     * @return this for a fluent API.
     * @throws IllegalArgumentException if there are more cells than columns.
     */
    public TextTable row(final String... cells)
    {
        if (cells.length > header.length)
        {
            throw new IllegalArgumentException("row has " + cells.length + " cells but the table has " +
                header.length + " columns: " + Arrays.toString(cells));
        }
        final String[] row = new String[header.length];
        Arrays.fill(row, "");
        System.arraycopy(cells, 0, row, 0, cells.length);
        rows.add(row);
        return this;
    }

    /**
     * @return the table, one line per row after the header and a rule, each line ending in a newline.
     */
    public String toString()
    {
        final int[] widths = new int[header.length];
        for (int c = 0; c < header.length; c++)
        {
            widths[c] = header[c].length();
            for (final String[] row : rows)
            {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        final StringBuilder out = new StringBuilder();
        appendRow(out, header, widths);
        for (int c = 0; c < header.length; c++)
        {
            out.append(c == 0 ? "" : "  ").append("-".repeat(widths[c]));
        }
        out.append('\n');
        for (final String[] row : rows)
        {
            appendRow(out, row, widths);
        }
        return out.toString();
    }

    private static void appendRow(final StringBuilder out, final String[] row, final int[] widths)
    {
        for (int c = 0; c < row.length; c++)
        {
            if (c > 0)
            {
                out.append("  ");
            }
            final String pad = " ".repeat(widths[c] - row[c].length());
            if (c == 0)
            {
                out.append(row[c]).append(pad);
            }
            else
            {
                out.append(pad).append(row[c]);
            }
        }
        int end = out.length();
        while (end > 0 && out.charAt(end - 1) == ' ')
        {
            end--;
        }
        out.setLength(end);
        out.append('\n');
    }
}
