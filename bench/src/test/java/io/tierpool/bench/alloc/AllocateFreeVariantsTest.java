/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.alloc;

import io.tierpool.client.Hint;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The {@link AllocateFreeVariantsBenchmark} variants for zero-fill off and for blocks written with their bytes free
 * what they allocate, and the blocks they make hold the source's bytes.
 */
class AllocateFreeVariantsTest
{
    @Test
    void variantsFreeWhatTheyAllocateAndWriteTheSourceBytes()
    {
        final AllocateFreeVariantsBenchmark benchmark = new AllocateFreeVariantsBenchmark();
        final AllocateFreeBenchmark.Size size = new AllocateFreeBenchmark.Size();
        size.bytes = 4096;
        final AllocateFreeVariantsBenchmark.SourceState source = new AllocateFreeVariantsBenchmark.SourceState();
        source.open();
        final AllocateFreeVariantsBenchmark.UnfilledStoreState unfilled =
            new AllocateFreeVariantsBenchmark.UnfilledStoreState();
        unfilled.open();
        final AllocateFreeBenchmark.StoreState store = new AllocateFreeBenchmark.StoreState();
        store.open();
        final AllocateFreeBenchmark.NettyState netty = new AllocateFreeBenchmark.NettyState();
        netty.open();
        try
        {
            assertFalse(unfilled.store.stats().tiers().isEmpty());
            benchmark.tierPoolStoreUnfilled(size, unfilled);
            assertEquals(0, unfilled.store.stats().blocks());
            assertEquals(1, unfilled.store.stats().frees());

            benchmark.tierPoolStoreAllocateWrite(size, store, source);
            benchmark.tierPoolStoreWithContents(size, store, source);
            assertEquals(0, store.store.stats().blocks());
            assertEquals(2, store.store.stats().frees());

            final byte[] expected = new byte[size.bytes];
            source.view.getBytes(0, expected);
            final long id = store.store.allocate(size.bytes, Hint.WARM, source.view, 0, size.bytes);
            final byte[] actual = new byte[size.bytes];
            store.store.read(id, 0, actual, 0, actual.length);
            assertArrayEquals(expected, actual);
            store.store.free(id);

            assertEquals(0, benchmark.baselineNettyPooledDirectWrite(size, netty, source).refCnt());
        }
        finally
        {
            store.close();
            unfilled.close();
            source.close();
        }
    }
}
