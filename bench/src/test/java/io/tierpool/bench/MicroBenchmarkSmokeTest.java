/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench;

import io.tierpool.bench.access.RamAccessBenchmark;
import io.tierpool.bench.alloc.AllocateFreeBenchmark;
import io.tierpool.bench.spill.SpillFixture;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls the JMH benchmarks' methods once each, outside JMH, so that they keep compiling and doing what their
 * names say: allocations are freed, and the spill fixture really moves every block down and back up.
 */
class MicroBenchmarkSmokeTest
{
    @Test
    void allocateFreeMethodsFreeWhatTheyAllocate()
    {
        final AllocateFreeBenchmark benchmark = new AllocateFreeBenchmark();
        final AllocateFreeBenchmark.Size size = new AllocateFreeBenchmark.Size();
        size.bytes = 4096;

        final AllocateFreeBenchmark.StoreState store = new AllocateFreeBenchmark.StoreState();
        store.open();
        try
        {
            benchmark.tierPoolStore(size, store);
            benchmark.tierPoolStore(size, store);
            assertEquals(0, store.store.stats().blocks());
            assertEquals(2, store.store.stats().frees());
        }
        finally
        {
            store.close();
        }

        final AllocateFreeBenchmark.PoolState pool = new AllocateFreeBenchmark.PoolState();
        pool.open();
        try
        {
            assertTrue(benchmark.tierPoolBlock(size, pool).isFreed());
            assertEquals(0, pool.pool.stats().blocks());
        }
        finally
        {
            pool.close();
        }

        final AllocateFreeBenchmark.NettyState netty = new AllocateFreeBenchmark.NettyState();
        netty.open();
        assertEquals(0, benchmark.baselineNettyPooledDirect(size, netty).refCnt());
        assertEquals(4096, benchmark.baselineAllocateDirect(size).capacity());

        final AllocateFreeBenchmark.ZeroFillState zeroFill = new AllocateFreeBenchmark.ZeroFillState();
        zeroFill.open();
        try
        {
            zeroFill.view.setMemory(0, 1 << 20, (byte)0x5A);
            benchmark.zeroFillOnly(size, zeroFill);
            assertEquals(0, zeroFill.view.getByte(0));
            assertEquals(0, zeroFill.view.getByte(4095));
            assertEquals(0x5A, zeroFill.view.getByte(4096), "only the block's size is zero-filled");
        }
        finally
        {
            zeroFill.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TierKind.class, names = { "VVRAM", "VSSD" })
    void spillFixtureMovesEveryBlockDownAndBackUp(final TierKind tier)
    {
        try (SpillFixture fixture = new SpillFixture(tier, 8L << 16, 1 << 16))
        {
            final long[] blocks = fixture.blocks();
            assertEquals(8, blocks.length);

            assertEquals(8, fixture.demoteAll());
            for (final long id : blocks)
            {
                assertEquals(tier, fixture.store().tierOf(id));
            }
            final long demotionsBefore = fixture.store().stats().demotions();
            fixture.readAll();
            for (final long id : blocks)
            {
                assertEquals(TierKind.RAM, fixture.store().tierOf(id));
            }
            assertEquals(demotionsBefore, fixture.store().stats().demotions(), "read-back must not demote");
            assertEquals(0, fixture.store().stats().checksumFailures());

            fixture.demoteAll();
            assertEquals(8, fixture.promoteAll());
            fixture.touchAll();
            assertEquals(8, fixture.demoteAll(), "written blocks spill too");
            fixture.readAll();
            assertEquals(0, fixture.store().stats().checksumFailures(), "written blocks spill with a new checksum");
            fixture.demoteAll();
            assertEquals(8, fixture.promoteAll());
            assertEquals(8L << 16, fixture.fileWrite());
            assertEquals(8L << 16, fixture.fileRead());
        }
    }

    @Test
    void spillFixtureRejectsRamAsSpillTier()
    {
        assertThrows(IllegalArgumentException.class, () -> new SpillFixture(TierKind.RAM, 1 << 20, 1 << 16));
    }

    @Test
    void rejectsUnevenSizes()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new SpillFixture(TierKind.VVRAM, 100_000, 1 << 16));
        assertFalse(ex.getMessage().isEmpty());
    }

    @Test
    void ramAccessMethodsReadAndWriteTheirThreadsBlocks()
    {
        final RamAccessBenchmark benchmark = new RamAccessBenchmark();
        final RamAccessBenchmark.StoreState store = new RamAccessBenchmark.StoreState();
        store.open();
        try
        {
            final RamAccessBenchmark.ThreadState first = new RamAccessBenchmark.ThreadState();
            first.open(store);
            final RamAccessBenchmark.ThreadState second = new RamAccessBenchmark.ThreadState();
            second.open(store);
            assertEquals(RamAccessBenchmark.BLOCKS_PER_THREAD, second.first - first.first, "threads use other blocks");
            assertEquals(0, benchmark.read(store, first), "block 0 starts with byte 0");
            for (int i = 0; i < 10; i++)
            {
                benchmark.readWrite90(store, second);
            }
            assertEquals(11, first.op + second.op);
            assertEquals(RamAccessBenchmark.MAX_THREADS * RamAccessBenchmark.BLOCKS_PER_THREAD,
                store.store.stats().blocks());
            assertEquals(0, store.store.stats().demotions(), "every block stays in RAM");
        }
        finally
        {
            store.close();
        }
    }
}
