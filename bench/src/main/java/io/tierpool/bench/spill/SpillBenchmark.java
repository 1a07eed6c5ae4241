/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.spill;

import io.tierpool.client.TierKind;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Spill bandwidth: the time to demote {@code dataMiB} of blocks from RAM to the VVRAM or VSSD tier (the mover's
 * work: CRC32C of each block, copy into the tier, free in RAM), against {@code baselineFileChannelWrite}, a plain
 * sequential {@link java.nio.channels.FileChannel} write of the same bytes, in calls of one block each, to a file
 * in the same directory. Milliseconds per {@code dataMiB}; bandwidth is {@code dataMiB / score}. Before each
 * {@code spill} invocation (not timed) every block is promoted back to RAM. See {@link SpillFixture}.
 * Goal of issue 4: spill at 80% or more of the raw file bandwidth.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class SpillBenchmark
{
    /**
     * The spill tier: {@code VVRAM} (tmpfs) or {@code VSSD} (local disk).
     */
    @Param({ "VVRAM", "VSSD" })
    public String tier;

    /**
     * MiB moved per invocation.
     */
    @Param({ "64" })
    public int dataMiB;

    /**
     * Bytes per block.
     */
    @Param({ "1048576" })
    public int blockBytes;

    /**
     * Whether each block is written (8 bytes) after it comes back to RAM, so that its spill must take its checksum
     * afresh ({@code true}); a block that was only read leaves RAM with the checksum verified when it came up
     * ({@code false}).
     */
    @Param({ "false", "true" })
    public boolean written;

    private SpillFixture fixture;

    /**
     * Opens the fixture.
     */
    @Setup(Level.Trial)
    public void open()
    {
        fixture = new SpillFixture(TierKind.valueOf(tier), (long)dataMiB << 20, blockBytes);
    }

    /**
     * Brings every block back to RAM before each spill (not timed).
     */
    @Setup(Level.Invocation)
    public void promote()
    {
        fixture.promoteAll();
        if (written)
        {
            fixture.touchAll();
        }
    }

    /**
     * Closes the fixture and removes its files.
     */
    @TearDown(Level.Trial)
    public void close()
    {
        fixture.close();
    }

    /**
     * @return blocks demoted (all of them).
     */
    @Benchmark
    public int spill()
    {
        return fixture.demoteAll();
    }

    /**
     * @return bytes written.
     */
    @Benchmark
    public long baselineFileChannelWrite()
    {
        return fixture.fileWrite();
    }
}
