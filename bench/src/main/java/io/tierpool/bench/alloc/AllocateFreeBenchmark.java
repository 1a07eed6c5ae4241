/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.alloc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.tierpool.client.Block;
import io.tierpool.client.TierPool;
import io.tierpool.client.Hint;
import io.tierpool.node.engine.BlockStore;
import io.tierpool.node.engine.StoreContext;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
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

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Allocate-then-free of one block of 64 B, 4 KiB, 64 KiB and 1 MiB, single-threaded, in ns per pair:
 * <ul>
 *     <li>{@code tierPoolStore}: {@link BlockStore#allocate(long, Hint)} + {@link BlockStore#free(long)} on a
 *     RAM-only store (the engine's own API, no {@code Block} object);</li>
 *     <li>{@code tierPoolBlock}: {@link TierPool#allocate(long)} + {@link Block#free()} on a local RAM-only pool
 *     (the public client API, one {@code Block} object per allocation);</li>
 *     <li>{@code baselineNettyPooledDirect}: {@link PooledByteBufAllocator} direct buffer + {@code release()}
 *     (thread cache, arenas, chunks; the memory is <em>not</em> zeroed);</li>
 *     <li>{@code baselineAllocateDirect}: {@link ByteBuffer#allocateDirect(int)} (zeroed) freed at once through
 *     its cleaner ({@link BufferUtil#free(ByteBuffer)}), so that no garbage waits for GC;</li>
 *     <li>{@code zeroFillOnly}: not an allocator, only the memset of {@code size} bytes that a TierPool allocation
 *     does, so that the table shows how much of TierPool's time zero-filling explains.</li>
 * </ul>
 * TierPool blocks are zero-filled at allocation (the default, {@link StoreContext#zeroFill(boolean)}), so
 * for the large sizes the TierPool figures include a memset that Netty's do not; {@link AllocateFreeVariantsBenchmark}
 * measures zero-fill off and blocks allocated with their bytes. {@link io.tierpool.bench.jmh.RatioReport} divides
 * each baseline by each TierPool figure (above 1 means TierPool is faster). The goal of issue 4: allocation no
 * slower than Netty's pooled allocator.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "-Dio.netty.tryReflectionSetAccessible=true", "-Dio.netty.leakDetection.level=disabled" })
public class AllocateFreeBenchmark
{
    /**
     * RAM of the TierPool store and pool: 64 MiB, plenty for one block of any size measured.
     */
    public static final long RAM_BYTES = 64L << 20;

    /**
     * The block size in bytes.
     */
    @State(Scope.Benchmark)
    public static class Size
    {
        /**
         * Bytes per allocation.
         */
        @Param({ "64", "4096", "65536", "1048576" })
        public int bytes;
    }

    /**
     * A RAM-only {@link BlockStore} with its mover running, as in a real pool.
     */
    @State(Scope.Benchmark)
    public static class StoreState
    {
        /**
         * The store, open for the whole trial.
         */
        public BlockStore store;

        /**
         * Opens the store.
         */
        @Setup(Level.Trial)
        public void open()
        {
            store = new BlockStore(newContext());
        }

        /**
         * @return the store's configuration: RAM only, default zero-fill.
         */
        protected StoreContext newContext()
        {
            return new StoreContext()
                .nodeName("bench")
                .ramCapacityBytes(RAM_BYTES)
                .vvramCapacityBytes(0)
                .vssdCapacityBytes(0);
        }

        /**
         * Closes the store.
         */
        @TearDown(Level.Trial)
        public void close()
        {
            store.close();
        }
    }

    /**
     * A local, RAM-only {@link TierPool}.
     */
    @State(Scope.Benchmark)
    public static class PoolState
    {
        /**
         * The pool, open for the whole trial.
         */
        public TierPool pool;

        /**
         * Opens the pool.
         */
        @Setup(Level.Trial)
        public void open()
        {
            pool = TierPool.open(new TierPool.Context()
                .ramCapacityBytes(RAM_BYTES)
                .vvramCapacityBytes(0)
                .vssdCapacityBytes(0));
        }

        /**
         * Closes the pool.
         */
        @TearDown(Level.Trial)
        public void close()
        {
            pool.close();
        }
    }

    /**
     * Netty's pooled allocator, preferring direct buffers, with its default arenas and thread caches.
     */
    @State(Scope.Benchmark)
    public static class NettyState
    {
        /**
         * The allocator.
         */
        public PooledByteBufAllocator allocator;

        /**
         * Creates the allocator.
         */
        @Setup(Level.Trial)
        public void open()
        {
            allocator = new PooledByteBufAllocator(true);
        }
    }

    /**
     * One direct buffer of the largest size measured, for {@link #zeroFillOnly}.
     */
    @State(Scope.Benchmark)
    public static class ZeroFillState
    {
        /**
         * The buffer, 1 MiB, allocated for the whole trial.
         */
        public ByteBuffer buffer;

        /**
         * A view of {@link #buffer}.
         */
        public UnsafeBuffer view;

        /**
         * Allocates the buffer.
         */
        @Setup(Level.Trial)
        public void open()
        {
            buffer = ByteBuffer.allocateDirect(1 << 20);
            view = new UnsafeBuffer(buffer);
        }

        /**
         * Frees the buffer.
         */
        @TearDown(Level.Trial)
        public void close()
        {
            BufferUtil.free(buffer);
        }
    }

    /**
     * Not an allocator: only the zero-filling a TierPool allocation does ({@code UnsafeBuffer.setMemory} over the
     * block's bytes, as {@code BlockStore.allocate} does in RAM), on one buffer that stays in the cache as the
     * allocators' recycled blocks do. Its time is the part of {@link #tierPoolStore} that zero-filling explains;
     * the rest is the engine's bookkeeping (lock, block table, size-class allocator).
     *
     * @param size  the block size.
     * @param state the buffer.
     * @return the buffer's view (consumed by JMH).
     */
    @Benchmark
    public UnsafeBuffer zeroFillOnly(final Size size, final ZeroFillState state)
    {
        state.view.setMemory(0, size.bytes, (byte)0);
        return state.view;
    }

    /**
     * @param size  the block size.
     * @param state the store.
     * @return the freed block's id (consumed by JMH).
     */
    @Benchmark
    public long tierPoolStore(final Size size, final StoreState state)
    {
        final long id = state.store.allocate(size.bytes, Hint.WARM);
        state.store.free(id);
        return id;
    }

    /**
     * @param size  the block size.
     * @param state the pool.
     * @return the freed block (consumed by JMH).
     */
    @Benchmark
    public Block tierPoolBlock(final Size size, final PoolState state)
    {
        final Block block = state.pool.allocate(size.bytes);
        block.free();
        return block;
    }

    /**
     * @param size  the block size.
     * @param state the allocator.
     * @return the released buffer (consumed by JMH).
     */
    @Benchmark
    public ByteBuf baselineNettyPooledDirect(final Size size, final NettyState state)
    {
        final ByteBuf buffer = state.allocator.directBuffer(size.bytes, size.bytes);
        buffer.release();
        return buffer;
    }

    /**
     * @param size the block size.
     * @return the freed buffer (consumed by JMH).
     */
    @Benchmark
    public ByteBuffer baselineAllocateDirect(final Size size)
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(size.bytes);
        BufferUtil.free(buffer);
        return buffer;
    }
}
