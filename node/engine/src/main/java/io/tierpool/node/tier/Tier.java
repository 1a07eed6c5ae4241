/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier;

import io.tierpool.client.TierKind;

import io.tierpool.client.AllocatorStats;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.LongArrayList;

import java.util.List;
import java.util.function.LongBinaryOperator;

/**
 * One level of the storage hierarchy, as the block engine and its mover see it: a place that stores whole
 * copies of blocks and hands back an opaque location for each.
 * <p>
 * The engine owns the block table; a tier only stores bytes. The engine calls {@link #write} to store a copy,
 * {@link #read} to fetch it back and {@link #free} once the copy is no longer needed (after it moved elsewhere,
 * or when the block was freed). A block is only ever written whole, and read back whole or in part from offset
 * 0 of the block.
 * <p>
 * <b>Threading:</b> unless the tier says {@link #concurrentIo()} (see the contract there), the engine calls it from
 * one thread at a time, so an implementation need not be thread-safe against the engine; one shared with other
 * users must guard itself.
 * <p>
 * <b>Ownership:</b> whoever opens a tier closes it. The block store closes the local tiers it opens itself and
 * never closes tiers handed to it as extra tiers.
 */
public interface Tier extends AutoCloseable
{
    /**
     * Returned by {@link #write} when the tier has no room for the block (it is full, too fragmented, or its
     * backing device is out of space). The caller then tries another tier or makes room; nothing was stored.
     */
    long NO_SPACE = -1;

    /**
     * Alignment of the blocks of a batch in the source buffer given to {@link #writeBatch}: 64 bytes.
     */
    int BATCH_ALIGNMENT = 64;

    /**
     * @return the kind of tier, which fixes its place in the hierarchy.
     */
    TierKind kind();

    /**
     * @return a short name for statistics and error messages, e.g. {@code "RAM"}, {@code "VVRAM"},
     * {@code "REMOTE"}.
     */
    String name();

    /**
     * @return how many bytes of blocks the tier can hold at most.
     */
    long capacityBytes();

    /**
     * @return bytes held by blocks now (allocated extents, including any alignment padding).
     */
    long usedBytes();

    /**
     * @return how many blocks the tier holds now.
     */
    long blockCount();

    /**
     * Stores a copy of {@code length} bytes for {@code blockId}.
     *
     * @param blockId   the block the bytes belong to (positive); used to check later calls and in messages.
     * @param src       buffer holding the bytes; not retained after the call.
     * @param srcOffset offset of the first byte in {@code src}.
     * @param length    number of bytes, 1 or more.
     * @param crc32c    the block's CRC32C checksum, computed by the engine; a remote tier forwards it so that
     *                  the far end can verify it.
     * @return an opaque location, 0 or more, to pass to {@link #read} and {@link #free}; or {@link #NO_SPACE}
     * if the tier cannot hold the block now (nothing was stored).
     * @throws io.tierpool.client.TierPoolException if the tier failed for another reason; nothing was stored.
     * @throws IllegalStateException         if the tier is closed.
     */
    long write(long blockId, DirectBuffer src, int srcOffset, int length, int crc32c);

    /**
     * Stores copies of several blocks in one call, so that a tier on a device with a high cost per I/O (a spill
     * file) can write many small blocks in one large I/O. The engine's mover batches the small blocks it demotes
     * this way.
     * <p>
     * <b>Layout.</b> The blocks lie in {@code src} in order: block {@code k} at {@code srcOffsets[k]}, a multiple
     * of {@link #BATCH_ALIGNMENT}, and block {@code k + 1} at the first multiple of {@link #BATCH_ALIGNMENT} at or
     * after {@code srcOffsets[k] + lengths[k]}. A tier that places the batch in one contiguous extent with the same
     * layout may therefore write the whole range {@code srcOffsets[0] .. end of the last block}, padding included,
     * in one I/O; each block still gets its own location, read and freed on its own.
     * <p>
     * <b>Outcome.</b> Each block is stored or not on its own: {@code locations[k]} receives the block's location, or
     * {@link #NO_SPACE} when the tier has no room for it (nothing of it was stored). If the tier fails for another
     * reason it throws, and then <em>none</em> of the batch is stored (copies already made are freed first).
     * <p>
     * The default writes the blocks one by one with {@link #write}.
     *
     * @param count      number of blocks, 1 or more, at most the length of every array.
     * @param blockIds   the blocks' ids (positive).
     * @param src        the buffer holding the blocks' bytes; not retained after the call.
     * @param srcOffsets offset of each block in {@code src} (see the layout above).
     * @param lengths    each block's length in bytes, 1 or more.
     * @param crc32cs    each block's CRC32C, as for {@link #write}.
     * @param locations  receives each block's location or {@link #NO_SPACE}.
     * @return how many of the blocks were stored, 0 to {@code count}.
     * @throws io.tierpool.client.TierPoolException if the tier failed for a reason other than lack of room; nothing of
     *                                       the batch is stored.
     * @throws IllegalStateException         if the tier is closed.
     */
    default int writeBatch(
        final int count,
        final long[] blockIds,
        final DirectBuffer src,
        final int[] srcOffsets,
        final int[] lengths,
        final int[] crc32cs,
        final long[] locations)
    {
        int stored = 0;
        int k = 0;
        try
        {
            for (; k < count; k++)
            {
                locations[k] = write(blockIds[k], src, srcOffsets[k], lengths[k], crc32cs[k]);
                if (locations[k] != NO_SPACE)
                {
                    stored++;
                }
            }
        }
        catch (final RuntimeException ex)
        {
            for (int j = 0; j < k; j++)
            {
                if (locations[j] != NO_SPACE)
                {
                    try
                    {
                        free(blockIds[j], locations[j]);
                    }
                    catch (final RuntimeException suppressed)
                    {
                        ex.addSuppressed(suppressed);
                    }
                    locations[j] = NO_SPACE;
                }
            }
            throw ex;
        }
        return stored;
    }

    /**
     * Whether the tier takes {@link #write}, {@link #writeBatch}, {@link #read} and {@link #free} from many threads
     * at once. A tier that returns true promises all of the following, and the engine then calls it with no lock
     * of its own held (its I/O workers, the prefetcher and application threads copy blocks in and out side by side):
     * <ul>
     *     <li><b>Thread-safe:</b> any mix of those four calls may run at once from any threads, on the same block
     *     or different ones; the tier guards its own allocator, tables and connections.</li>
     *     <li><b>Fresh locations:</b> every successful write returns a location that no other live copy has, and a
     *     location is never handed out again while the copy stored there lives (until its {@link #free} was
     *     called).</li>
     *     <li><b>Copies apart by location:</b> several copies of one block id may coexist (a retained clean copy
     *     and a new one, or a copy written by a move that is then abandoned); a read or free names one copy by its
     *     location and never touches another copy of the same block.</li>
     *     <li><b>Frees may complete later:</b> {@link #free} may return before the space is released (a far-memory
     *     tier sends it and goes on); it must never lose or corrupt another copy, and a failure to free is the
     *     tier's to report, not the caller's.</li>
     * </ul>
     * A tier that returns false is called by one thread at a time: the engine serialises its calls on a lock of the
     * tier's own (its slot's I/O lock), not on the engine lock, so other blocks are read, written and moved while
     * such a call runs. If it is an extra tier it may key copies by block id (one copy per block: a write stores
     * "the" copy of the block, a read or free finds it by id and may only check the location), because the engine
     * never has two copies of one block in it at once:
     * <ul>
     *     <li>it writes a block into the tier only while it holds the block marked as moving (or the block is new,
     *     in no table yet), so no other copy of that block is being made anywhere meanwhile, and only while the
     *     tier holds no live copy of it: a block that lies in the tier and is rewritten where it lies gets its new
     *     copy in another tier, never a second one here; no retained clean copies are kept in such a tier;</li>
     *     <li>a copy the engine no longer refers to (the source of a move out of the tier, the new copy of an
     *     abandoned move, the copy of a freed block) is freed after the engine lock is released, and before any
     *     new copy of the same block is written to the tier: a write of the block frees the waiting copy first
     *     (under the same I/O lock) and the late free then skips it, so a late free never deletes a newer copy
     *     stored under the same id. A freed block's id is never used again.</li>
     * </ul>
     *
     * @return false by default.
     */
    default boolean concurrentIo()
    {
        return false;
    }

    /**
     * Copies the first {@code length} bytes of the block stored at {@code location} into {@code dst}.
     *
     * @param blockId   the block, as given to {@link #write}.
     * @param location  the location {@link #write} returned.
     * @param dst       the buffer to copy into.
     * @param dstOffset offset in {@code dst} of the first byte.
     * @param length    number of bytes, at most the length written.
     * @throws io.tierpool.client.TierPoolException if the bytes cannot be read (I/O error, node lost).
     * @throws IllegalStateException         if the tier holds no such block at that location, or is closed.
     */
    void read(long blockId, long location, MutableDirectBuffer dst, int dstOffset, int length);

    /**
     * Whether {@link #read} itself checks every whole block it delivers against the CRC32C given to {@link #write}
     * for that copy, and throws rather than deliver other bytes: {@link io.tierpool.client.ChecksumMismatchException}
     * when every copy it could read was damaged, or another {@link io.tierpool.client.TierPoolException} (naming
     * the block) when it could read none. The engine then skips its own checksum pass over the bytes of a promotion
     * or prefetch out of this tier (one pass over a block fewer per far read); moves and in-place accesses still
     * verify. Far memory does: the checksum is compared in the same pass as the transfer's own check.
     *
     * @return false by default (the engine verifies).
     */
    default boolean verifiesReads()
    {
        return false;
    }

    /**
     * Releases the copy of the block stored at {@code location}.
     *
     * @param blockId  the block, as given to {@link #write}.
     * @param location the location {@link #write} returned.
     * @throws IllegalStateException if the tier holds no such block at that location, or is closed.
     */
    void free(long blockId, long location);

    /**
     * @return the largest number of contiguous free bytes a single block could use now, or -1 where the tier
     * does not know (a remote tier).
     */
    default long largestFreeExtentBytes()
    {
        return -1;
    }

    /**
     * @return {@code 1 - largestFree / totalFree}, from 0 (all free space in one piece) towards 1 (free space
     * shattered into small pieces), or -1 where the tier does not know.
     */
    default double fragmentationRatio()
    {
        return -1;
    }

    /**
     * A snapshot of the tier's allocator: used and peak bytes, allocations, frees, fragmentation, file length and
     * per size class counts where the tier has them. Safe to call from any thread while the tier is open.
     *
     * @return the snapshot; by default what {@link Tier} itself tells (capacity, used bytes and blocks, largest free
     * extent, fragmentation) and -1 for the rest.
     */
    default AllocatorStats allocatorStats()
    {
        return new AllocatorStats(capacityBytes(), usedBytes(), -1, blockCount(), -1, -1, -1,
            largestFreeExtentBytes(), fragmentationRatio(), -1, List.of());
    }

    /**
     * Releases the tier's memory and removes its files. Idempotent. Blocks still stored are lost; the engine
     * frees or moves them first.
     */
    void close();

    /**
     * Returned by {@link #roomFor} where the tier cannot say which blocks to move (the default).
     */
    int ROOM_UNKNOWN = -1;

    /**
     * Returned by {@link #roomFor} when every place a block could go holds a block that cannot move.
     */
    int NO_ROOM = -2;

    /**
     * Says which blocks to move out of the tier so that a block of {@code length} bytes fits, for a tier that has
     * the free bytes but no free extent large enough: the window (the extent the block would take) whose occupants
     * can all move and cost least to move, or, with {@code low}, the cheapest such window of the lowest part of the
     * tier that has one (where a block that will never move belongs, packed with the others at the tier's low end;
     * nothing to move where that part has a free window). Nothing is moved: the engine moves the blocks named
     * through its ordinary demotion path, then allocates again.
     *
     * @param length      bytes the block needs, 1 or more.
     * @param low         true for a window at the tier's low end (a block that will never move), false for the
     *                    cheapest window anywhere.
     * @param costOf      {@code (blockId, location) -> cost}: the cost of moving that block out, 0 or more (bytes
     *                    to copy, say), or negative where it cannot move (pinned, being moved, unknown). The tier
     *                    calls it under its own locks: it must not call back into the tier.
     * @param blockIdsOut cleared, then receives the ids of the blocks to move.
     * @return how many blocks to move, 0 if the block fits already; {@link #NO_ROOM} if every window holds a block
     * that cannot move; {@link #ROOM_UNKNOWN} where the tier cannot say (the default).
     * @throws IllegalStateException if the tier is closed.
     */
    default int roomFor(
        final int length,
        final boolean low,
        final LongBinaryOperator costOf,
        final LongArrayList blockIdsOut)
    {
        blockIdsOut.clear();
        return ROOM_UNKNOWN;
    }
}
