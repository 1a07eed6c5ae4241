/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.access;

import io.tierpool.client.Hint;
import io.tierpool.node.engine.BlockStore;
import io.tierpool.node.engine.StoreContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads (and writes) of different RAM-resident 64 KiB blocks of one {@link BlockStore} by several threads, in
 * operations per second: how far RAM accesses of different blocks scale with threads (issue 12, point 1: threads
 * working on different blocks never wait for each other). Run it with {@code -t 1}, {@code -t 2} and {@code -t 4}
 * and divide the N-thread score by the 1-thread score; against an engine that copies RAM bytes under one engine
 * lock the ratio stays near 1.
 * <ul>
 *     <li>{@code read}: each thread reads whole 64 KiB blocks of its own, round robin over
 *     {@value #BLOCKS_PER_THREAD} blocks;</li>
 *     <li>{@code readWrite90}: the same with every tenth operation a whole-block write instead of a read.</li>
 * </ul>
 * RAM holds every block (64 MiB, at most {@value #MAX_THREADS} threads x {@value #BLOCKS_PER_THREAD} x 64 KiB), the
 * mover and prefetcher run as in a real pool, nothing moves.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RamAccessBenchmark
{
    /**
     * Bytes per block: 64 KiB.
     */
    public static final int BLOCK_BYTES = 64 * 1024;

    /**
     * Blocks each thread reads, round robin.
     */
    public static final int BLOCKS_PER_THREAD = 16;

    /**
     * Most threads the store has blocks for.
     */
    public static final int MAX_THREADS = 32;

    /**
     * The store, its blocks allocated and written once, shared by every thread of the trial.
     */
    @State(Scope.Benchmark)
    public static class StoreState
    {
        /**
         * The store.
         */
        public BlockStore store;

        /**
         * Block ids, {@value #BLOCKS_PER_THREAD} per thread slot.
         */
        public long[] ids;

        private final AtomicInteger nextThread = new AtomicInteger();

        /**
         * Opens the store and allocates every thread's blocks in RAM.
         */
        @Setup(Level.Trial)
        public void open()
        {
            store = new BlockStore(new StoreContext()
                .nodeName("bench")
                .ramCapacityBytes(64L << 20)
                .vvramCapacityBytes(0)
                .vssdCapacityBytes(0));
            ids = new long[MAX_THREADS * BLOCKS_PER_THREAD];
            final byte[] bytes = new byte[BLOCK_BYTES];
            for (int i = 0; i < ids.length; i++)
            {
                bytes[0] = (byte)i;
                ids[i] = store.allocate(BLOCK_BYTES, Hint.WARM, bytes, 0, BLOCK_BYTES);
            }
        }

        /**
         * Closes the store.
         */
        @TearDown(Level.Trial)
        public void close()
        {
            store.close();
        }

        int threadSlot()
        {
            return nextThread.getAndIncrement() % MAX_THREADS;
        }
    }

    /**
     * One thread's blocks, its buffer and its position.
     */
    @State(Scope.Thread)
    public static class ThreadState
    {
        /**
         * Where the bytes go or come from.
         */
        public final byte[] buffer = new byte[BLOCK_BYTES];

        /**
         * This thread's first block in {@link StoreState#ids}.
         */
        public int first;

        /**
         * Operations so far.
         */
        public int op;

        /**
         * Takes a slot of {@value #BLOCKS_PER_THREAD} blocks no other thread uses.
         *
         * @param store the shared store.
         */
        @Setup(Level.Trial)
        public void open(final StoreState store)
        {
            first = store.threadSlot() * BLOCKS_PER_THREAD;
        }
    }

    /**
     * Reads one whole block of this thread's.
     *
     * @param store  the store.
     * @param thread this thread's blocks.
     * @return the first byte read, so that the copy is not elided.
     */
    @Benchmark
    public byte read(final StoreState store, final ThreadState thread)
    {
        final long id = store.ids[thread.first + (thread.op++ & (BLOCKS_PER_THREAD - 1))];
        store.store.read(id, 0, thread.buffer, 0, BLOCK_BYTES);
        return thread.buffer[0];
    }

    /**
     * Reads one whole block of this thread's, or every tenth operation writes one.
     *
     * @param store  the store.
     * @param thread this thread's blocks.
     * @return the first byte of the buffer.
     */
    @Benchmark
    public byte readWrite90(final StoreState store, final ThreadState thread)
    {
        final int op = thread.op++;
        final long id = store.ids[thread.first + (op & (BLOCKS_PER_THREAD - 1))];
        if (op % 10 == 9)
        {
            store.store.write(id, 0, thread.buffer, 0, BLOCK_BYTES);
        }
        else
        {
            store.store.read(id, 0, thread.buffer, 0, BLOCK_BYTES);
        }
        return thread.buffer[0];
    }
}
