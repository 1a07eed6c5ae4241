/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.demo;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * Progress of one phase of the demo (units done out of a known total), drawn on a terminal or written as lines.
 * <ul>
 *     <li>{@link Mode#BAR}: one line redrawn in place with {@code \r}, at most every
 *     {@link #BAR_REDRAW_INTERVAL_NS}: {@code multiply [#######......]  40/64 tiles  62.5%  0:21 ETA 0:13}.</li>
 *     <li>{@link Mode#LINES}: a plain line each time another tenth of the work is done (for logs and pipes,
 *     where {@code System.console()} is null, or with {@code --no-progress}).</li>
 *     <li>{@link Mode#SILENT}: nothing.</li>
 * </ul>
 * The ETA assumes the remaining units take as long on average as those done so far.
 * <p>
 * <b>Threads.</b> Not thread-safe: one thread (the demo's main thread) calls {@link #update(long)} and
 * {@link #finish()}; workers publish their count elsewhere (an atomic) for it to read.
 */
public final class ProgressBar
{
    /**
     * How a progress bar is shown.
     */
    public enum Mode
    {
        /**
         * One line redrawn in place with a carriage return, for a terminal.
         */
        BAR,

        /**
         * One plain line per tenth of the work, for logs and pipes.
         */
        LINES,

        /**
         * Nothing is written.
         */
        SILENT
    }

    /**
     * Shortest time between two redraws of a {@link Mode#BAR} line, in ns: 100 ms.
     */
    public static final long BAR_REDRAW_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Characters of the bar between the brackets.
     */
    public static final int BAR_WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final String unit;
    private final long total;
    private final Mode mode;
    private final NanoClock clock;
    private final long startNs;
    private final StringBuilder line = new StringBuilder(128);
    private long lastDrawNs;
    private long lastDone = -1;
    private int lastTenth;
    private int lastLineLength;
    private boolean finished;

    /**
     * @param out   where to draw, usually {@code System.err}.
     * @param label the phase, e.g. {@code "multiply"}.
     * @param unit  what is counted, plural, e.g. {@code "tiles"}.
     * @param total units in the phase, positive.
     * @param mode  how to show it.
     * @param clock the time source for elapsed time and the ETA.
     * @throws IllegalArgumentException if {@code total} is not positive.
     */
    public ProgressBar(
        final PrintStream out,
        final String label,
        final String unit,
        final long total,
        final Mode mode,
        final NanoClock clock)
    {
        if (total <= 0)
        {
            throw new IllegalArgumentException("progress '" + label + "': total=" + total + " must be > 0");
        }
        this.out = out;
        this.label = label;
        this.unit = unit;
        this.total = total;
        this.mode = mode;
        this.clock = clock;
        this.startNs = clock.nanoTime();
        this.lastDrawNs = startNs - BAR_REDRAW_INTERVAL_NS;
    }

    /**
     * @param out   where to draw.
     * @param label the phase.
     * @param unit  what is counted.
     * @param total units in the phase.
     * @param mode  how to show it.
     * @return a progress bar on the system clock.
     */
    public static ProgressBar start(
        final PrintStream out, final String label, final String unit, final long total, final Mode mode)
    {
        return new ProgressBar(out, label, unit, total, mode, SystemNanoClock.INSTANCE);
    }

    /**
     * @param noProgress true when the user asked for plain lines ({@code --no-progress}).
     * @return {@link Mode#BAR} on an interactive console, {@link Mode#LINES} otherwise.
     */
    public static Mode defaultMode(final boolean noProgress)
    {
        return noProgress || null == System.console() ? Mode.LINES : Mode.BAR;
    }

    /**
     * Shows that {@code done} units are complete, if enough has changed since the last time.
     *
     * @param done units complete, {@code 0 <= done <= total}; larger values are shown as {@code total}.
     */
    public void update(final long done)
    {
        if (finished || mode == Mode.SILENT)
        {
            return;
        }
        final long clamped = Math.max(0, Math.min(done, total));
        final long nowNs = clock.nanoTime();
        if (mode == Mode.BAR)
        {
            if (clamped != lastDone && nowNs - lastDrawNs >= BAR_REDRAW_INTERVAL_NS)
            {
                drawBar(clamped, nowNs);
            }
        }
        else
        {
            final int tenth = (int)(clamped * 10 / total);
            if (tenth > lastTenth || lastDone < 0)
            {
                lastTenth = tenth;
                writeLine(clamped, nowNs);
            }
        }
        lastDone = clamped;
    }

    /**
     * Shows the final count and ends the line. Idempotent.
     *
     * @param done units complete when the phase ended (less than total when it failed).
     */
    public void finish(final long done)
    {
        if (finished || mode == Mode.SILENT)
        {
            finished = true;
            return;
        }
        final long clamped = Math.max(0, Math.min(done, total));
        final long nowNs = clock.nanoTime();
        if (mode == Mode.BAR)
        {
            drawBar(clamped, nowNs);
            out.println();
        }
        else if (clamped != lastDone || clamped < total)
        {
            writeLine(clamped, nowNs);
        }
        out.flush();
        finished = true;
    }

    /**
     * @return ns since the bar was made.
     */
    public long elapsedNs()
    {
        return clock.nanoTime() - startNs;
    }

    private void drawBar(final long done, final long nowNs)
    {
        final int filled = (int)(done * BAR_WIDTH / total);
        line.setLength(0);
        line.append('\r').append(label).append(" [");
        for (int i = 0; i < BAR_WIDTH; i++)
        {
            line.append(i < filled ? '#' : '.');
        }
        line.append("] ");
        appendCounts(done, nowNs);
        final int length = line.length();
        for (int i = length; i < lastLineLength; i++)
        {
            line.append(' ');
        }
        lastLineLength = length;
        out.print(line);
        out.flush();
        lastDrawNs = nowNs;
    }

    private void writeLine(final long done, final long nowNs)
    {
        line.setLength(0);
        line.append(label).append(": ");
        appendCounts(done, nowNs);
        out.println(line);
        out.flush();
    }

    private void appendCounts(final long done, final long nowNs)
    {
        final long elapsedNs = nowNs - startNs;
        line.append(done).append('/').append(total).append(' ').append(unit).append("  ")
            .append(String.format("%5.1f%%", 100.0 * done / total))
            .append("  elapsed ").append(formatDuration(elapsedNs))
            .append("  ETA ");
        if (done == 0)
        {
            line.append("--:--");
        }
        else
        {
            final double perUnitNs = (double)elapsedNs / done;
            line.append(formatDuration((long)(perUnitNs * (total - done))));
        }
    }

    /**
     * @param ns a duration in ns, not negative.
     * @return {@code m:ss}, or {@code h:mm:ss} from an hour up.
     */
    public static String formatDuration(final long ns)
    {
        final long seconds = Math.max(0, TimeUnit.NANOSECONDS.toSeconds(ns));
        final long hours = seconds / 3600;
        final long minutes = (seconds / 60) % 60;
        final long secs = seconds % 60;
        return hours > 0 ?
            String.format("%d:%02d:%02d", hours, minutes, secs) :
            String.format("%d:%02d", minutes, secs);
    }
}
