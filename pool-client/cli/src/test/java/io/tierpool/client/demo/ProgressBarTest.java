/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.demo;

import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest
{
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final CachedNanoClock clock = new CachedNanoClock();

    @Test
    void shouldRedrawBarInPlaceWithCountsPercentElapsedAndEta()
    {
        final ProgressBar bar = new ProgressBar(out, "multiply", "tiles", 64, ProgressBar.Mode.BAR, clock);
        clock.update(TimeUnit.SECONDS.toNanos(20));
        bar.update(16);

        final String text = text();
        assertTrue(text.startsWith("\rmultiply [#######.......................] 16/64 tiles   25.0%"), text);
        assertTrue(text.contains("elapsed 0:20  ETA 1:00"), text);

        clock.update(TimeUnit.SECONDS.toNanos(80));
        bar.finish(64);
        assertTrue(text().endsWith("64/64 tiles  100.0%  elapsed 1:20  ETA 0:00" + System.lineSeparator()), text());
    }

    @Test
    void shouldNotRedrawBarMoreOftenThanInterval()
    {
        final ProgressBar bar = new ProgressBar(out, "generate", "tiles", 100, ProgressBar.Mode.BAR, clock);
        bar.update(1);
        bar.update(2);
        bar.update(3);
        clock.advance(ProgressBar.BAR_REDRAW_INTERVAL_NS);
        bar.update(4);

        assertEquals(2, text().chars().filter((ch) -> ch == '\r').count(), text());
    }

    @Test
    void shouldWritePlainLineForEachTenthWithoutCarriageReturns()
    {
        final ProgressBar bar = new ProgressBar(out, "verify", "tiles", 20, ProgressBar.Mode.LINES, clock);
        for (int done = 0; done <= 20; done++)
        {
            clock.advance(TimeUnit.SECONDS.toNanos(1));
            bar.update(done);
        }
        bar.finish(20);

        final String[] lines = text().split(System.lineSeparator());
        assertEquals(11, lines.length, text());
        assertEquals("verify: 0/20 tiles    0.0%  elapsed 0:01  ETA --:--", lines[0]);
        assertTrue(lines[10].startsWith("verify: 20/20 tiles  100.0%  elapsed 0:21"), lines[10]);
        assertTrue(text().indexOf('\r') < 0, text());
    }

    @Test
    void shouldFormatDurationsWithHoursFromAnHourUp()
    {
        assertEquals("0:05", ProgressBar.formatDuration(TimeUnit.SECONDS.toNanos(5)));
        assertEquals("12:34", ProgressBar.formatDuration(TimeUnit.SECONDS.toNanos(754)));
        assertEquals("1:00:01", ProgressBar.formatDuration(TimeUnit.SECONDS.toNanos(3601)));
    }

    private String text()
    {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
