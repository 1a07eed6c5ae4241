/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.Hint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BlockTable}: insertions take no stripe lock (a seqlock per stripe), so a lookup made by a thread without the
 * engine lock waits out an insertion under way in its stripe, and, while insertions grow the same stripe's map, still
 * finds every entry that was in the table before it began and never returns another block's entry.
 */
class BlockTableTest
{
    @Test
    @Timeout(60)
    void shouldFindEveryEntryWhileInsertionsResizeTheSameStripe() throws Exception
    {
        final BlockTable table = new BlockTable(1); // one stripe: every insertion grows the map the reader reads
        final int residents = 64;
        final BlockEntry[] resident = new BlockEntry[residents];
        for (int i = 0; i < residents; i++)
        {
            resident[i] = new BlockEntry(i + 1, 64, Hint.WARM);
            table.put(resident[i]);
        }

        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<String> wrong = new AtomicReference<>();
        final AtomicLong lookups = new AtomicLong();
        final CountDownLatch started = new CountDownLatch(1);
        final Thread reader = new Thread(() ->
        {
            final BlockTable.Stripe stripe = table.stripe(1);
            long n = 0;
            started.countDown();
            while (!stop.get() && wrong.get() == null)
            {
                final BlockEntry expected = resident[(int)(n % residents)];
                final BlockEntry found;
                synchronized (stripe) // as the RAM fast path looks up: under the stripe lock, not the engine lock
                {
                    found = BlockTable.lookup(stripe, expected.id);
                }
                if (found != expected)
                {
                    wrong.set("lookup of block " + expected.id + " returned " + found + " after " + n + " lookups");
                }
                n++;
            }
            lookups.set(n);
        }, "block-table-reader");
        reader.start();
        started.await();

        // The writer (as the engine does, one thread at a time) inserts enough entries to resize the map many times.
        long nextId = residents + 1;
        for (int round = 0; round < 20 && wrong.get() == null; round++)
        {
            final long first = nextId;
            for (int i = 0; i < 20_000; i++)
            {
                table.put(new BlockEntry(nextId++, 64, Hint.WARM));
            }
            for (long id = first; id < nextId; id++)
            {
                table.remove(table.get(id));
            }
        }
        stop.set(true);
        reader.join();

        assertNull(wrong.get(), wrong.get());
        assertTrue(lookups.get() > 0, "the reader made no lookup");
        assertEquals(residents, table.size());
        for (final BlockEntry entry : resident)
        {
            assertSame(entry, table.get(entry.id));
            assertTrue(entry.published, "block " + entry.id + " is in the table");
        }
    }

    @Test
    @Timeout(30)
    void shouldHoldALookupBackWhileAnInsertionIntoItsStripeIsUnderWay() throws Exception
    {
        final BlockTable table = new BlockTable(1);
        final BlockEntry entry = new BlockEntry(5, 64, Hint.WARM);
        table.put(entry);
        final BlockTable.Stripe stripe = table.stripe(5);
        final int settled = stripe.putSequence;
        assertEquals(0, settled & 1, "no insertion under way after put");

        stripe.putSequence = settled + 1; // an insertion has begun and not ended: the map may be half changed
        final AtomicReference<BlockEntry> found = new AtomicReference<>();
        final CountDownLatch done = new CountDownLatch(1);
        final Thread reader = new Thread(() ->
        {
            found.set(BlockTable.lookup(stripe, 5));
            done.countDown();
        }, "block-table-reader");
        reader.start();
        assertFalse(done.await(200, TimeUnit.MILLISECONDS), "a lookup must not read a map an insertion is changing");

        stripe.putSequence = settled + 2; // the insertion ended
        assertTrue(done.await(10, TimeUnit.SECONDS), "the lookup must go on once the insertion ended");
        reader.join();
        assertSame(entry, found.get());
    }

    @Test
    void shouldMarkARemovedEntryFreedAndUnpublished()
    {
        final BlockTable table = new BlockTable(4);
        final BlockEntry entry = new BlockEntry(7, 128, Hint.WARM);
        entry.placeUnpublished(0, 4096, true, 0x1234);
        assertEquals(1, entry.version, "placing bumps the version");
        assertEquals(0x1234, entry.crc32c);
        assertFalse(entry.crcStale, "a clean placement records the checksum as current");
        table.put(entry);
        assertTrue(entry.published);
        assertSame(entry, BlockTable.lookup(table.stripe(7), 7));

        table.remove(entry);
        assertEquals(BlockEntry.State.FREED, entry.state);
        assertFalse(entry.published);
        assertNull(BlockTable.lookup(table.stripe(7), 7));
        assertEquals(0, table.size());
    }

    @Test
    void shouldRefuseAStripeCountThatIsNotAPowerOfTwo()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new BlockTable(3));
        assertTrue(ex.getMessage().contains("power of two"), ex.getMessage());
    }
}
