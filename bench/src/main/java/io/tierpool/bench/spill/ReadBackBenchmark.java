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
 * Read-back bandwidth: the time to read {@code dataMiB} of blocks that all lie in the VVRAM or VSSD tier, in
 * order, into one application buffer ({@code BlockStore.read}: promotion to RAM with its CRC32C check, then the
 * copy out), against {@code baselineFileChannelRead}, a plain sequential {@link java.nio.channels.FileChannel}
 * read of the same bytes from a file in the same directory into a direct buffer. RAM has room for every block, so
 * nothing is demoted while reading. Milliseconds per {@code dataMiB}. Before each {@code readBack} invocation (not
 * timed) every block is demoted to the spill tier. See {@link SpillFixture}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ReadBackBenchmark
{
    /**
     * The spill tier: {@code VVRAM} (tmpfs) or {@code VSSD} (local disk).
     */
    @Param({ "VVRAM", "VSSD" })
    public String tier;

    /**
     * MiB read per invocation.
     */
    @Param({ "64" })
    public int dataMiB;

    /**
     * Bytes per block.
     */
    @Param({ "1048576" })
    public int blockBytes;

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
     * Demotes every block to the spill tier before each read-back (not timed).
     */
    @Setup(Level.Invocation)
    public void demote()
    {
        fixture.demoteAll();
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
     * @return a byte of the last block.
     */
    @Benchmark
    public long readBack()
    {
        return fixture.readAll();
    }

    /**
     * @return bytes read.
     */
    @Benchmark
    public long baselineFileChannelRead()
    {
        return fixture.fileRead();
    }
}
