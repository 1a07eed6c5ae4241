/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.node.tier.Tier;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.LongHashSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.function.LongBinaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class RoomAndPlacementTest
{
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final int CHUNK = 256 * KIB;
    private static final int PAGE = 8 * KIB;

    /** A 1 MiB RAM tier: four chunks of 32 pages of 8 KiB, one arena. */
    private static RamTier newTier()
    {
        return new RamTier(MIB, new SizeClassAllocator.Context().arenas(1).threadCacheEntriesPerClass(0));
    }

    private static long offset(final long location)
    {
        return SizeClassAllocator.offset(location);
    }

    @Test
    void shouldPlaceSubpagesAtTheLowEndAndLargeRunsAtTheHighEndOfAChunk()
    {
        try (RamTier tier = newTier())
        {
            final long large = tier.allocate(1, 64 * KIB);
            final long small = tier.allocate(2, 448);
            final long larger = tier.allocate(3, 40 * KIB);
            final long smallRun = tier.allocate(4, 20 * KIB);
            assertEquals(CHUNK - 64 * KIB, offset(large) % CHUNK, "a large run at the chunk's end: " + tier);
            assertEquals(0, offset(small) % CHUNK, "a subpage at the chunk's start");
            assertEquals(CHUNK - 64 * KIB - 40 * KIB, offset(larger) % CHUNK, "the next large run below it");
            assertEquals(PAGE, offset(smallRun) % CHUNK, "the next subpage above the first");
            assertEquals(offset(large) / CHUNK, offset(small) / CHUNK, "both in the first chunk");
        }
    }

    @Test
    void shouldSpendOnePageOnTheSubpageOfASmallClass()
    {
        try (RamTier tier = newTier())
        {
            for (final int size : new int[]{ 80, 112, 224, 448, 1000 })
            {
                tier.allocate(size, size);
            }
            final String layout = tier.allocator().drawLayout();
            assertTrue(layout.contains(": SSSSS" + ".".repeat(CHUNK / PAGE - 5) + "\n"),
                "five classes on five pages, not 5 + 7 + 7 + 7 + 7 pages: " + layout);
        }
    }

    @Test
    void shouldPackBlocksThatNeverMoveAtTheLowestAddressWithRoomApartFromMovableOnes()
    {
        try (RamTier tier = newTier())
        {
            final long[] large = new long[16];
            for (int i = 0; i < large.length; i++)
            {
                large[i] = tier.allocate(100 + i, 64 * KIB);
                assertNotEquals(Tier.NO_SPACE, large[i]);
            }
            // Free a large block in the last chunk and one in the second: the unmovable block takes the lower hole.
            long second = -1;
            long last = -1;
            for (final long location : large)
            {
                if (offset(location) / CHUNK == 1 && second < 0)
                {
                    second = location;
                }
                if (offset(location) / CHUNK == 3 && last < 0)
                {
                    last = location;
                }
            }
            tier.free(idAt(large, last), last);
            tier.free(idAt(large, second), second);
            final long pinned = tier.allocate(1, 300, false);
            assertEquals(offset(second), offset(pinned), "lowest hole: " + tier.allocator().drawLayout());

            final long movable = tier.allocate(2, 300, true);
            assertNotEquals(offset(pinned) / PAGE, offset(movable) / PAGE,
                "a movable block of the same class does not share the unmovable subpage");
            final long pinnedToo = tier.allocate(3, 300, false);
            assertEquals(offset(pinned) / PAGE, offset(pinnedToo) / PAGE, "unmovable blocks share their subpage");
        }
    }

    private static long idAt(final long[] locations, final long location)
    {
        for (int i = 0; i < locations.length; i++)
        {
            if (locations[i] == location)
            {
                return 100 + i;
            }
        }
        throw new AssertionError("no block at " + location);
    }

    @Test
    void shouldNameTheBlocksOfTheCheapestWindowWhoseBlocksCanAllMove()
    {
        try (RamTier tier = newTier())
        {
            // Every chunk: 16 runs of 16 KiB, movable; chunk k holds one unmovable block at page 8k + 4.
            final LongHashSet immovable = new LongHashSet();
            final LongArrayList ids = new LongArrayList();
            final LongArrayList locations = new LongArrayList();
            long id = 1;
            for (int i = 0; i < 64; i++)
            {
                final long location = tier.allocate(id, 16 * KIB);
                assertNotEquals(Tier.NO_SPACE, location);
                ids.addLong(id);
                locations.addLong(location);
                id++;
            }
            assertEquals(Tier.NO_SPACE, tier.allocate(id, 200_000));
            for (int i = 0; i < 64; i++)
            {
                final long page = (offset(locations.getLong(i)) % CHUNK) / PAGE;
                final long chunk = offset(locations.getLong(i)) / CHUNK;
                if (page == 8 * chunk + 4)
                {
                    immovable.add(ids.getLong(i));
                }
            }
            assertEquals(4, immovable.size(), tier.allocator().drawLayout());

            final LongBinaryOperator costOf = (blockId, location) -> immovable.contains(blockId) ? -1 : blockId;
            final LongArrayList toMove = new LongArrayList();
            final int count = tier.roomFor(200_000, false, costOf, toMove);
            assertEquals(14, count, "28 pages of 16 KiB runs: " + tier.allocator().drawLayout());
            for (int i = 0; i < toMove.size(); i++)
            {
                final long blockId = toMove.getLong(i);
                assertTrue(!immovable.contains(blockId), "block " + blockId + " cannot move");
                tier.free(blockId, locations.getLong(ids.indexOf(blockId)));
            }
            final long big = tier.allocate(id, 200_000);
            assertNotEquals(Tier.NO_SPACE, big, "the emptied window holds the block: " + tier.allocator().drawLayout());
        }
    }

    @Test
    void shouldReportNoRoomWhenABlockThatCannotMoveLiesInEveryWindow()
    {
        try (RamTier tier = newTier())
        {
            final LongArrayList locations = new LongArrayList();
            for (int i = 0; i < 16; i++)
            {
                locations.addLong(tier.allocate(i + 1, 64 * KIB));
            }
            // The second of each chunk's four runs cannot move: every 28-page window overlaps one.
            final LongHashSet immovable = new LongHashSet();
            for (int i = 0; i < 16; i++)
            {
                if ((offset(locations.getLong(i)) % CHUNK) / PAGE == 16)
                {
                    immovable.add(i + 1);
                }
            }
            assertEquals(4, immovable.size(), tier.allocator().drawLayout());
            final LongArrayList toMove = new LongArrayList();
            assertEquals(Tier.NO_ROOM, tier.roomFor(200_000, false,
                (blockId, location) -> immovable.contains(blockId) ? -1 : 1, toMove));
            assertEquals(0, toMove.size());
            assertEquals(Tier.ROOM_UNKNOWN, tier.roomFor(CHUNK + 1, false, (blockId, location) -> 1, toMove),
                "blocks above the chunk size come from the region, which is not searched");
        }
    }

    @Test
    void shouldNameTheCheapestWindowOfTheLowestChunkForABlockThatNeverMoves()
    {
        try (RamTier tier = newTier())
        {
            final LongArrayList locations = new LongArrayList();
            for (int i = 0; i < 16; i++)
            {
                locations.addLong(tier.allocate(i + 1, 64 * KIB));
            }
            final LongArrayList toMove = new LongArrayList();
            final int count = tier.roomFor(300, true, (blockId, location) -> 1000 - blockId, toMove);
            assertEquals(1, count, "one 64 KiB run to move for a one-page subpage");
            final long blockId = toMove.getLong(0);
            final long location = locations.getLong((int)blockId - 1);
            assertEquals(0, offset(location) / CHUNK, "in the lowest chunk");
            for (int i = 0; i < 16; i++)
            {
                if (offset(locations.getLong(i)) / CHUNK == 0)
                {
                    assertTrue(i + 1 <= blockId, "the cheapest there: block " + blockId + " over block " + (i + 1));
                }
            }
            tier.free(blockId, location);
            final long pinned = tier.allocate(100, 300, false);
            assertEquals(offset(location), offset(pinned), "the unmovable block takes the emptied window's first page");
            assertEquals(0, tier.roomFor(300, true, (id, loc) -> 1, toMove),
                "a second one of the class goes to the same subpage: nothing to move");
        }
    }

    @Test
    void shouldKeepTheLargestFreeExtentAndFragmentationRatioRight()
    {
        try (RamTier tier = newTier())
        {
            tier.allocate(1, 300, false);
            tier.allocate(2, 200_000);
            // Chunk 0: one page of subpage, 28 pages of the 224 KiB run, 3 pages free; the region: three chunks.
            final long regionFree = 3L * CHUNK;
            final long chunkFree = 3L * PAGE;
            assertEquals(regionFree, tier.largestFreeExtentBytes(), tier.allocator().drawLayout());
            assertEquals(1.0 - (double)regionFree / (regionFree + chunkFree), tier.fragmentationRatio(), 1e-9);
            final String layout = tier.allocator().drawLayout();
            assertTrue(layout.contains(": P...R" + "r".repeat(27) + "\n"), layout);
        }
    }
}
