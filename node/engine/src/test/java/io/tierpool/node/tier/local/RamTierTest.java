/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.client.ConfigurationException;
import io.tierpool.node.tier.Tier;
import io.tierpool.client.TierKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class RamTierTest
{
    @Test
    void shouldRoundTripRandomBlocksOfOddSizes()
    {
        try (RamTier tier = new RamTier(1024 * 1024))
        {
            assertEquals(TierKind.RAM, tier.kind());
            assertEquals("RAM", tier.name());
            TierTestSupport.shouldRoundTripRandomBlocks(tier, 42);
        }
    }

    @Test
    void shouldGiveZeroCopyViewOfAllocatedBlock()
    {
        try (RamTier tier = new RamTier(64 * 1024))
        {
            final long location = tier.allocate(7, 1000);
            final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
            tier.wrap(location, 1000, view);
            view.putLong(992, 0x1122334455667788L);
            assertEquals(0, view.addressOffset() % ExtentAllocator.ALIGNMENT, "blocks start on a cache line");

            final byte[] back = new byte[1000];
            tier.read(7, location, new UnsafeBuffer(back), 0, 1000);
            assertEquals(0x1122334455667788L, new UnsafeBuffer(back).getLong(992));
            assertThrows(IndexOutOfBoundsException.class, () -> tier.wrap(64 * 1024 - 8, 16, view));
        }
    }

    @Test
    void shouldReportNoSpaceWhenFullAndReuseFreedSpace()
    {
        try (RamTier tier = new RamTier(4096))
        {
            final long a = tier.allocate(1, 2048);
            final long b = tier.allocate(2, 2048);
            assertNotEquals(Tier.NO_SPACE, a);
            assertNotEquals(Tier.NO_SPACE, b);
            assertEquals(Tier.NO_SPACE, tier.allocate(3, 1));
            assertEquals(Tier.NO_SPACE, tier.write(3, new UnsafeBuffer(new byte[10]), 0, 10, 0));

            tier.free(1, a);
            final long c = tier.allocate(3, 100);
            assertNotEquals(Tier.NO_SPACE, c);
            assertTrue(SizeClassAllocator.offset(c) < 2048, "the 100-byte block reuses the space of the freed one");
            assertEquals(1024, tier.largestFreeExtentBytes(), "a 1 KiB chunk took the start of the freed space");
        }
    }

    @Test
    void shouldRejectReadOrFreeOfWrongBlock()
    {
        try (RamTier tier = new RamTier(4096))
        {
            final long location = tier.allocate(1, 100);
            assertThrows(IllegalStateException.class, () -> tier.free(2, location));
            assertThrows(IllegalStateException.class, () -> tier.read(1, location + 16, new UnsafeBuffer(new byte[1]), 0, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> tier.read(1, location, new UnsafeBuffer(new byte[200]), 0, 200));
            tier.free(1, location);
            assertThrows(IllegalStateException.class, () -> tier.free(1, location));
        }
    }

    @Test
    void shouldCloseIdempotentlyAndRefuseUseAfterClose()
    {
        final RamTier tier = new RamTier(4096);
        final long location = tier.allocate(1, 64);
        tier.close();
        tier.close();

        assertTrue(tier.isClosed());
        assertThrows(IllegalStateException.class, () -> tier.allocate(2, 64));
        assertThrows(IllegalStateException.class, () -> tier.free(1, location));
    }

    @Test
    void shouldRejectTinyCapacity()
    {
        assertThrows(ConfigurationException.class, () -> new RamTier(10));
    }
}
