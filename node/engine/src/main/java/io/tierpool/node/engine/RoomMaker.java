/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.Hint;
import io.tierpool.node.tier.Tier;
import org.agrona.collections.LongArrayList;

import java.util.function.LongBinaryOperator;

/**
 * Room where there is room: makes a tier that has the free bytes for a block, but no free extent large enough,
 * take it by demoting exactly the movable blocks around the best extent, instead of demoting the coldest blocks
 * wherever they lie (which frees bytes, not extents) or placing the block below.
 * <p>
 * <b>How.</b> The tier names the blocks in the window to empty ({@link Tier#roomFor}): the cheapest window whose
 * blocks can all move or, for a block that never moves ({@link Hint#PIN_FAST}), a window at the tier's low end (the
 * cheapest of the lowest chunk that has one; none to empty where that chunk has a free one), so that such blocks
 * gather at the tier's low end instead of wherever the last demotion left a hole (the RAM tier keeps
 * them apart from movable blocks, as the Linux page allocator groups pages by mobility so that compaction can
 * empty ranges). The cost of moving a block is its size, {@value #HOT_COST_FACTOR} times that for a
 * {@link Hint#HOT} block, and 1 for a block whose copy below is retained (switching back to the copy writes
 * nothing). A block cannot move if it is pinned or {@link Hint#PIN_FAST}, being moved or prefetched without the
 * engine lock, larger than every tier below, or not where the tier says. The blocks named then go through the
 * engine's ordinary demotion path (the demoter given at construction), so checksums, retained copies and versions
 * stay right, and the caller allocates again.
 * <p>
 * <b>Threading:</b> owned by the block store and called under its engine lock. Where the caller allows it, the
 * demoter moves a block with the move protocol, releasing the lock while the copy is written; each block named is
 * looked up and checked afresh before it is demoted, and a second caller that comes in meanwhile finds the maker
 * busy and gets {@link #NOTHING} (it then demotes the coldest blocks instead).
 */
final class RoomMaker
{
    /**
     * {@link #makeRoom}: the blocks of a window were demoted; allocate again.
     */
    static final int DEMOTED = 1;

    /**
     * {@link #makeRoom}: nothing was demoted: the block fits already, the tier cannot say, or a block of the window
     * would not move.
     */
    static final int NOTHING = 0;

    /**
     * {@link #makeRoom}: every window of the tier holds a block that cannot move: demoting others cannot help.
     */
    static final int NO_ROOM = -1;

    /**
     * How many times more a HOT block costs to move than a block of another hint of the same size.
     */
    static final int HOT_COST_FACTOR = 4;

    private final BlockTable blocks;
    private final Demoter demoter;
    private final LongArrayList occupants = new LongArrayList();
    private final LongBinaryOperator costOf = this::cost;
    private int tierIndex;
    private long fitLimit;
    private long windowsEmptied;
    private long blocksDemoted;
    private boolean busy;

    /**
     * Demotes one block out of the tier room is made in through the engine's ordinary path.
     */
    @FunctionalInterface
    interface Demoter
    {
        /**
         * @param entry     the block, movable and resident in the tier.
         * @param mayUnlock the move may release the engine lock while it writes the copy.
         * @return true if it moved.
         */
        boolean demote(BlockEntry entry, boolean mayUnlock);
    }

    /**
     * @param blocks  the engine's block table, read under the engine lock (no stripe lock needed).
     * @param demoter demotes a block out of the tier room is made in through the engine's ordinary path.
     */
    RoomMaker(final BlockTable blocks, final Demoter demoter)
    {
        this.blocks = blocks;
        this.demoter = demoter;
    }

    /**
     * Demotes the blocks of the best window of a tier for a block of {@code size} bytes (see the class comment).
     * Call it only when the tier has the free bytes under its hard cap.
     *
     * @param tier      the tier.
     * @param tierIndex the tier's index in the store.
     * @param size      bytes of the block to place.
     * @param low       true for a block that never moves (a window at the low end), false for the cheapest.
     * @param fitLimit  the largest hard cap of the tiers below: larger blocks cannot be demoted.
     * @param mayUnlock the caller holds the lock once and looks at the block table afresh afterwards: the demotions
     *                  may release it while they write ({@link Relocator#demoteOne(int, boolean)}).
     * @return {@link #DEMOTED}, {@link #NOTHING} or {@link #NO_ROOM}.
     */
    int makeRoom(
        final Tier tier, final int tierIndex, final int size, final boolean low, final long fitLimit,
        final boolean mayUnlock)
    {
        if (busy)
        {
            return NOTHING; // another thread's window is being emptied, the lock released while it writes
        }
        this.tierIndex = tierIndex;
        this.fitLimit = fitLimit;
        final int count = tier.roomFor(size, low, costOf, occupants);
        if (count == Tier.NO_ROOM)
        {
            return NO_ROOM;
        }
        int demoted = 0;
        busy = true;
        try
        {
            for (int i = 0; i < count; i++)
            {
                final BlockEntry entry = blocks.get(occupants.getLong(i));
                // cost() again for each: a demotion before it may have released the lock.
                if (entry == null || cost(entry.id, entry.location) < 0 || !demoter.demote(entry, mayUnlock))
                {
                    break;
                }
                demoted++;
            }
        }
        finally
        {
            busy = false;
            occupants.clear();
        }
        blocksDemoted += demoted;
        if (demoted == 0)
        {
            return NOTHING;
        }
        windowsEmptied++;
        return DEMOTED;
    }

    /**
     * @return windows emptied (or partly emptied) since the store opened.
     */
    long windowsEmptied()
    {
        return windowsEmptied;
    }

    /**
     * @return blocks demoted to make room since the store opened.
     */
    long blocksDemoted()
    {
        return blocksDemoted;
    }

    private long cost(final long blockId, final long location)
    {
        final BlockEntry entry = blocks.get(blockId);
        if (entry == null || entry.tier != tierIndex || entry.location != location || !entry.isMovable() ||
            entry.state != BlockEntry.State.RESIDENT || (entry.size > fitLimit && entry.copyTier == BlockEntry.NO_TIER))
        {
            return -1;
        }
        final long cost = entry.copyTier != BlockEntry.NO_TIER ? 1 : entry.size;
        return entry.hint == Hint.HOT ? cost * HOT_COST_FACTOR : cost;
    }
}
