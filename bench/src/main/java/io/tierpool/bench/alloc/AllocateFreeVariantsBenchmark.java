/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.alloc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tierpool.bench.alloc.AllocateFreeBenchmark.NettyState;
import io.tierpool.bench.alloc.AllocateFreeBenchmark.Size;
import io.tierpool.bench.alloc.AllocateFreeBenchmark.StoreState;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Allocate-then-free variants of {@link AllocateFreeBenchmark} (same sizes, same RAM-only store, one thread, ns per
 * pair) for the options that avoid the zero-fill:
 * <ul>
 *     <li>{@code tierPoolStoreUnfilled}: {@link BlockStore#allocate(long, Hint)} + {@link BlockStore#free(long)} on
 *     a store with {@link StoreContext#zeroFill(boolean) zeroFill(false)} (contents undefined, as
 *     Netty's);</li>
 *     <li>with the block's bytes written, as every real use does: {@code tierPoolStoreAllocateWrite}
 *     ({@code allocate} + {@code write} of the whole block + {@code free}, zero-fill on),
 *     {@code tierPoolStoreWithContents} ({@link BlockStore#allocate(long, Hint, org.agrona.DirectBuffer, int, int)}
 *     with the whole block's bytes + {@code free}, zero-fill on) and {@code baselineNettyPooledDirectWrite}
 *     (Netty's pair with {@code writeBytes} of the same bytes in between), all copying from one direct source
 *     buffer that stays in the cache;</li>
 *     <li>{@code baselineNettyPooledDirect}: Netty's plain pair again, so that the ratios of this class have it.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "-Dio.netty.tryReflectionSetAccessible=true", "-Dio.netty.leakDetection.level=disabled" })
public class AllocateFreeVariantsBenchmark
{
    /**
     * {@link StoreState} with {@link StoreContext#zeroFill(boolean) zeroFill(false)}: new blocks are not
     * zero-filled.
     */
    @State(Scope.Benchmark)
    public static class UnfilledStoreState extends StoreState
    {
        /**
         * {@inheritDoc}
         */
        protected StoreContext newContext()
        {
            return super.newContext().zeroFill(false);
        }
    }

    /**
     * The bytes written into each block by the benchmarks that fill their blocks: 1 MiB of random bytes in a
     * direct buffer, with a Netty view of it.
     */
    @State(Scope.Benchmark)
    public static class SourceState
    {
        /**
         * The direct buffer, allocated for the whole trial.
         */
        public ByteBuffer buffer;

        /**
         * An Agrona view of {@link #buffer}.
         */
        public UnsafeBuffer view;

        /**
         * A Netty view of {@link #buffer}.
         */
        public ByteBuf nettyView;

        /**
         * Allocates and fills the buffer.
         */
        @Setup(Level.Trial)
        public void open()
        {
            buffer = ByteBuffer.allocateDirect(1 << 20);
            view = new UnsafeBuffer(buffer);
            final byte[] bytes = new byte[1 << 20];
            new Random(42).nextBytes(bytes);
            view.putBytes(0, bytes);
            nettyView = Unpooled.wrappedBuffer(buffer);
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
     * Netty's pair without writing, as in {@link AllocateFreeBenchmark#baselineNettyPooledDirect}, so that this
     * class's ratios have it in the same run.
     *
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
     * @param size  the block size.
     * @param state the store, with zero-fill off.
     * @return the freed block's id (consumed by JMH).
     */
    @Benchmark
    public long tierPoolStoreUnfilled(final Size size, final UnfilledStoreState state)
    {
        final long id = state.store.allocate(size.bytes, Hint.WARM);
        state.store.free(id);
        return id;
    }

    /**
     * @param size   the block size.
     * @param state  the store.
     * @param source the bytes to write.
     * @return the freed block's id (consumed by JMH).
     */
    @Benchmark
    public long tierPoolStoreAllocateWrite(final Size size, final StoreState state, final SourceState source)
    {
        final long id = state.store.allocate(size.bytes, Hint.WARM);
        state.store.write(id, 0, source.view, 0, size.bytes);
        state.store.free(id);
        return id;
    }

    /**
     * @param size   the block size.
     * @param state  the store.
     * @param source the block's bytes.
     * @return the freed block's id (consumed by JMH).
     */
    @Benchmark
    public long tierPoolStoreWithContents(final Size size, final StoreState state, final SourceState source)
    {
        final long id = state.store.allocate(size.bytes, Hint.WARM, source.view, 0, size.bytes);
        state.store.free(id);
        return id;
    }

    /**
     * @param size   the block size.
     * @param state  the allocator.
     * @param source the bytes to write.
     * @return the released buffer (consumed by JMH).
     */
    @Benchmark
    public ByteBuf baselineNettyPooledDirectWrite(final Size size, final NettyState state, final SourceState source)
    {
        final ByteBuf buffer = state.allocator.directBuffer(size.bytes, size.bytes);
        buffer.writeBytes(source.nettyView, 0, size.bytes);
        buffer.release();
        return buffer;
    }
}
