/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.ConfigurationException;
import io.tierpool.node.BlockFreedException;
import io.tierpool.node.ChecksumMismatchException;
import io.tierpool.node.Hint;
import io.tierpool.node.OutOfTierMemoryException;
import io.tierpool.node.tier.Tier;
import io.tierpool.node.tier.TierKind;
import io.tierpool.node.tier.TierStats;
import io.tierpool.node.tier.local.NativeMemory;
import io.tierpool.node.tier.local.RamTier;
import io.tierpool.node.tier.local.VssdTier;
import io.tierpool.node.tier.local.VvramTier;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.SystemUtil;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * The per-node block engine: a table of blocks spread over a hierarchy of tiers, RAM first, then VVRAM (tmpfs),
 * VSSD (local disk) and any extra tiers (far memory), with a {@link Mover} that demotes cold blocks and
 * promotion back to RAM on access.
 * <p>
 * <b>Blocks.</b> {@link #allocate(long, Hint)} returns a positive id for a zero-filled block of a fixed size.
 * {@link #read}/{@link #write} copy bytes in and out; {@link #pin(long)} hands out a zero-copy view in RAM;
 * {@link #free(long)} deletes the block. Reading, writing or pinning a block that is not in RAM promotes it to
 * RAM first, making room there by demoting the least recently used movable blocks (and, if the tier below is
 * full, blocks from it, and so on down); a block that cannot be brought into RAM (larger than RAM, or RAM holds
 * only pinned blocks) is read and written through a staging buffer where it lies. Allocation and promotion
 * never fail "store full" while a lower tier has room.
 * <p>
 * <b>Placement.</b> See {@link Hint}. HOT blocks of a tier are demoted only after all its other movable blocks;
 * pinned and {@link Hint#PIN_FAST} blocks never leave RAM. A block larger than a tier's capacity skips that
 * tier.
 * <p>
 * <b>Integrity.</b> When a block leaves RAM its CRC32C is computed (over the RAM bytes, without copying) and kept
 * in the block table; when its bytes come back into RAM, or are staged for access, they are verified. A mismatch
 * throws {@link ChecksumMismatchException}, is counted, and leaves the block where it was; wrong bytes are never
 * returned. A move writes the destination first and frees the source only after the write succeeded.
 * <p>
 * <b>Threading.</b> Thread-safe. This version serialises every operation, and each single block move of the mover,
 * on one engine lock; a read or write of a block in RAM holds it for one memory copy, a promotion or demotion for
 * the I/O of one block (plus cascading moves). {@link PinnedBlock} views are used without the lock.
 * <p>
 * <b>Ownership.</b> The store opens, owns and closes its RAM, VVRAM and VSSD tiers and the per-process
 * directories of their files. Tiers passed with {@link Context#extraTiers(List)} are owned by the caller: the
 * store frees the blocks it placed in them when it closes, but does not close them.
 * <pre>{@code
 * try (BlockStore store = new BlockStore(new BlockStore.Context().ramCapacityBytes(64L << 20)))
 * {
 *     final long id = store.allocate(4096, Hint.WARM);
 *     store.write(id, 0, new byte[]{ 1, 2, 3 }, 0, 3);
 * }
 * }</pre>
 */
public final class BlockStore implements AutoCloseable
{
    static final int RAM = 0;
    static final int DEMOTE_DONE = 0;
    static final int DEMOTE_MOVED = 1;
    static final int DEMOTE_STUCK = -1;

    private static final Logger LOG = LoggerFactory.getLogger(BlockStore.class);
    private static final int MIN_STAGING_BYTES = 64 * 1024;
    private static final int MAX_VICTIM_ATTEMPTS = 4;
    private static final int MAX_RETAINED_STAGING_BYTES = 64 * 1024 * 1024;

    private final Context ctx;
    private final String nodeName;
    private final ReentrantLock lock = new ReentrantLock();
    private final Long2ObjectHashMap<BlockEntry> blocks = new Long2ObjectHashMap<>();
    private final TierSlot[] slots;
    private final long[] largestCapacityBelow;
    private final RamTier ram;
    private final UnsafeBuffer accessView = new UnsafeBuffer(new byte[0]);
    private final UnsafeBuffer victimView = new UnsafeBuffer(new byte[0]);
    private final UnsafeBuffer stagingView = new UnsafeBuffer(new byte[0]);
    private final CRC32C crc32c = new CRC32C();
    private final Set<PinnedBlock> openPins = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Mover mover;
    private final AgentRunner moverRunner;
    private final AtomicLong moverErrors = new AtomicLong();
    private final AtomicLong moverStuck = new AtomicLong();

    private long stagingAddress;
    private int stagingCapacity;
    private long nextBlockId = 1;
    private long logicalBytes;
    private long allocations;
    private long frees;
    private long demotions;
    private long promotions;
    private long checksumFailures;
    private volatile boolean closed;

    /**
     * Opens a store: validates the context ({@link Context#conclude()}), opens the local tiers (allocating and
     * pre-touching RAM, reserving VVRAM on its tmpfs, creating the VSSD spill file; removing stale directories
     * of dead processes on the way) and starts the mover unless told not to.
     *
     * @param ctx the configuration; concluded here and not to be reused.
     * @throws ConfigurationException if a setting is invalid or a tier cannot be opened as configured (for
     *                                example the tmpfs cannot hold the VVRAM capacity).
     */
    public BlockStore(final Context ctx)
    {
        ctx.conclude();
        this.ctx = ctx;
        this.nodeName = ctx.nodeName();

        final List<TierSlot> opened = new ArrayList<>();
        try
        {
            ram = new RamTier(ctx.ramCapacityBytes());
            opened.add(new TierSlot(opened.size(), ram, true));
            final long startMillis = ctx.epochClock().time();
            if (ctx.vvramCapacityBytes() > 0)
            {
                opened.add(new TierSlot(
                    opened.size(), new VvramTier(ctx.vvramDir(), ctx.vvramCapacityBytes(), startMillis), true));
            }
            if (ctx.vssdCapacityBytes() > 0)
            {
                opened.add(new TierSlot(
                    opened.size(), new VssdTier(ctx.vssdDir(), ctx.vssdCapacityBytes(), startMillis), true));
            }
            for (final Tier tier : ctx.extraTiers())
            {
                opened.add(new TierSlot(opened.size(), tier, false));
            }
        }
        catch (final RuntimeException | Error ex)
        {
            closeOwnedQuietly(opened);
            throw ex;
        }

        slots = opened.toArray(new TierSlot[0]);
        largestCapacityBelow = new long[slots.length];
        long largest = 0;
        for (int i = slots.length - 1; i >= 0; i--)
        {
            largestCapacityBelow[i] = largest;
            largest = Math.max(largest, slots[i].tier.capacityBytes());
        }

        mover = new Mover(this, ctx.nanoClock(), ctx.moverStuckBackoffNs(), slots.length);
        if (ctx.startMover())
        {
            moverRunner = new AgentRunner(ctx.moverIdleStrategy(), ctx.errorHandler(), null, mover);
            AgentRunner.startOnThread(moverRunner, (runnable) ->
            {
                final Thread thread = new Thread(runnable);
                thread.setDaemon(true);
                return thread;
            });
        }
        else
        {
            moverRunner = null;
        }
    }

    private static void closeOwnedQuietly(final List<TierSlot> opened)
    {
        for (final TierSlot slot : opened)
        {
            if (slot.owned)
            {
                CloseHelper.quietClose(slot.tier);
            }
        }
    }

    /**
     * Allocates a zero-filled block, placed as the hint says (see {@link Hint}).
     *
     * @param sizeBytes the block's size in bytes, from 1 to {@link Context#maxBlockBytes()}.
     * @param hint      where the block should live; not null.
     * @return the block's id, a positive number never reused by this store.
     * @throws IllegalArgumentException  if the size is out of range or the hint is null.
     * @throws OutOfTierMemoryException if no tier can hold the block even after demoting others (or, for
     *                                   {@link Hint#PIN_FAST}, RAM cannot); the message lists every tier's usage.
     * @throws IllegalStateException     if the store is closed.
     */
    public long allocate(final long sizeBytes, final Hint hint)
    {
        if (sizeBytes < 1 || sizeBytes > ctx.maxBlockBytes())
        {
            throw new IllegalArgumentException("block size " + sizeBytes + " bytes is out of range on node " +
                nodeName + ": a block holds 1 to " + ctx.maxBlockBytes() + " bytes (maxBlockBytes); split larger " +
                "data over several blocks");
        }
        if (hint == null)
        {
            throw new IllegalArgumentException("hint must not be null; use Hint.WARM when in doubt");
        }

        lock.lock();
        try
        {
            ensureOpen();
            final BlockEntry entry = new BlockEntry(nextBlockId, (int)sizeBytes, hint);
            if (!place(entry))
            {
                throw outOfMemory(entry, "no tier can hold block of " + sizeBytes + " bytes (hint " + hint + ")");
            }
            nextBlockId++;
            blocks.put(entry.id, entry);
            allocations++;
            logicalBytes += entry.size;
            return entry.id;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Copies bytes from a buffer into a block, promoting the block to RAM first if it is in a lower tier.
     *
     * @param blockId     the block.
     * @param blockOffset offset in the block of the first byte to write.
     * @param src         the source buffer.
     * @param srcOffset   offset in {@code src} of the first byte.
     * @param length      number of bytes, 0 or more.
     * @throws BlockFreedException        if the block was freed or never allocated here.
     * @throws IndexOutOfBoundsException  if the range lies outside the block or the source.
     * @throws ChecksumMismatchException  if the block's bytes came back from a lower tier damaged.
     * @throws OutOfTierMemoryException   if the block cannot be brought into RAM and no tier has room for the
     *                                    rewritten copy.
     * @throws IllegalStateException      if the store is closed.
     */
    public void write(final long blockId, final long blockOffset, final DirectBuffer src, final int srcOffset, final int length)
    {
        lock.lock();
        try
        {
            final BlockEntry entry = entry(blockId);
            checkRange(entry, blockOffset, length);
            src.boundsCheck(srcOffset, length);
            copyIn(entry, (int)blockOffset, src, null, srcOffset, length);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Copies bytes from an array into a block; see {@link #write(long, long, DirectBuffer, int, int)}.
     *
     * @param blockId     the block.
     * @param blockOffset offset in the block of the first byte to write.
     * @param src         the source array.
     * @param srcOffset   offset in {@code src} of the first byte.
     * @param length      number of bytes, 0 or more.
     */
    public void write(final long blockId, final long blockOffset, final byte[] src, final int srcOffset, final int length)
    {
        lock.lock();
        try
        {
            final BlockEntry entry = entry(blockId);
            checkRange(entry, blockOffset, length);
            checkArray(entry, "source", src.length, srcOffset, length);
            copyIn(entry, (int)blockOffset, null, src, srcOffset, length);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Copies bytes from a block into a buffer, promoting the block to RAM first if it is in a lower tier.
     *
     * @param blockId     the block.
     * @param blockOffset offset in the block of the first byte to read.
     * @param dst         the destination buffer.
     * @param dstOffset   offset in {@code dst} of the first byte.
     * @param length      number of bytes, 0 or more.
     * @throws BlockFreedException       if the block was freed or never allocated here.
     * @throws IndexOutOfBoundsException if the range lies outside the block or the destination.
     * @throws ChecksumMismatchException if the block's bytes came back from a lower tier damaged; {@code dst} may
     *                                   then hold partial bytes of the damaged copy (only when the block had to
     *                                   be staged) but the call never returns normally with wrong data.
     * @throws IllegalStateException     if the store is closed.
     */
    public void read(final long blockId, final long blockOffset, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        lock.lock();
        try
        {
            final BlockEntry entry = entry(blockId);
            checkRange(entry, blockOffset, length);
            dst.boundsCheck(dstOffset, length);
            copyOut(entry, (int)blockOffset, dst, null, dstOffset, length);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Copies bytes from a block into an array; see {@link #read(long, long, MutableDirectBuffer, int, int)}.
     *
     * @param blockId     the block.
     * @param blockOffset offset in the block of the first byte to read.
     * @param dst         the destination array.
     * @param dstOffset   offset in {@code dst} of the first byte.
     * @param length      number of bytes, 0 or more.
     */
    public void read(final long blockId, final long blockOffset, final byte[] dst, final int dstOffset, final int length)
    {
        lock.lock();
        try
        {
            final BlockEntry entry = entry(blockId);
            checkRange(entry, blockOffset, length);
            checkArray(entry, "destination", dst.length, dstOffset, length);
            copyOut(entry, (int)blockOffset, null, dst, dstOffset, length);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Pins a block in RAM and returns a zero-copy view of it. The block is promoted to RAM first if needed; while
     * any view is open it is not demoted and cannot be freed. Pins nest: each call needs its own close.
     *
     * @param blockId the block.
     * @return a view whose buffer covers the whole block; close it to unpin.
     * @throws BlockFreedException       if the block was freed or never allocated here.
     * @throws ChecksumMismatchException if the block's bytes came back from a lower tier damaged.
     * @throws OutOfTierMemoryException  if RAM cannot hold the block (larger than RAM, or RAM is full of pinned
     *                                   blocks and nothing can be demoted).
     * @throws IllegalStateException     if the store is closed.
     */
    public PinnedBlock pin(final long blockId)
    {
        lock.lock();
        try
        {
            final BlockEntry entry = entry(blockId);
            if (!promote(entry))
            {
                throw outOfMemory(entry, "cannot pin block " + entry.id + " of " + entry.size + " bytes in RAM");
            }
            if (entry.pinCount++ == 0)
            {
                slots[RAM].unlink(entry);
            }
            final PinnedBlock view = new PinnedBlock(this, entry.id);
            ram.wrap(entry.location, entry.size, view.unsafeBuffer());
            openPins.add(view);
            return view;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Brings a block into RAM now, ahead of an access, making room as a read would.
     *
     * @param blockId the block.
     * @return true if the block is in RAM afterwards; false if RAM cannot hold it (larger than RAM, or full of
     * pinned blocks with nothing demotable), in which case accesses go through a staging copy.
     * @throws BlockFreedException       if the block was freed or never allocated here.
     * @throws ChecksumMismatchException if the block's bytes came back from a lower tier damaged.
     * @throws IllegalStateException     if the store is closed.
     */
    public boolean prefetch(final long blockId)
    {
        lock.lock();
        try
        {
            return promote(entry(blockId));
        }
        finally
        {
            lock.unlock();
        }
    }

    void unpin(final PinnedBlock view)
    {
        lock.lock();
        try
        {
            if (view.isClosed() || !openPins.remove(view))
            {
                return;
            }
            view.detach();
            final BlockEntry entry = blocks.get(view.blockId());
            if (entry != null && --entry.pinCount == 0)
            {
                slots[RAM].link(entry);
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Frees a block, in whatever tier it is. Its id is never valid again.
     *
     * @param blockId the block.
     * @throws BlockFreedException   if the block was already freed or never allocated here.
     * @throws IllegalStateException if the block is pinned (close its views first) or the store is closed.
     */
    public void free(final long blockId)
    {
        lock.lock();
        try
        {
            final BlockEntry entry = entry(blockId);
            if (entry.pinCount > 0)
            {
                throw new IllegalStateException("block " + blockId + " on node " + nodeName + " is pinned (" +
                    entry.pinCount + " open views); close its PinnedBlock views before freeing it");
            }
            final TierSlot slot = slots[entry.tier];
            slot.unlink(entry);
            blocks.remove(blockId);
            frees++;
            logicalBytes -= entry.size;
            slot.tier.free(entry.id, entry.location);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @param blockId the block.
     * @return the block's size in bytes.
     * @throws BlockFreedException   if the block was freed or never allocated here.
     * @throws IllegalStateException if the store is closed.
     */
    public long sizeOf(final long blockId)
    {
        lock.lock();
        try
        {
            return entry(blockId).size;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @param blockId the block.
     * @return the kind of tier the block is in now (it may move at any time unless pinned).
     * @throws BlockFreedException   if the block was freed or never allocated here.
     * @throws IllegalStateException if the store is closed.
     */
    public TierKind tierOf(final long blockId)
    {
        lock.lock();
        try
        {
            return slots[entry(blockId).tier].tier.kind();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @param blockId the block.
     * @return how many {@link PinnedBlock} views of the block are open.
     * @throws BlockFreedException   if the block was freed or never allocated here.
     * @throws IllegalStateException if the store is closed.
     */
    public int pinCount(final long blockId)
    {
        lock.lock();
        try
        {
            return entry(blockId).pinCount;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @return a consistent snapshot of the store's and every tier's statistics; after close, the final
     * counters with the tiers' usage as left.
     */
    public StoreStats stats()
    {
        lock.lock();
        try
        {
            final List<TierStats> tiers = new ArrayList<>(slots.length);
            for (final TierSlot slot : slots)
            {
                tiers.add(closed ? closedStats(slot) : slot.stats());
            }
            long pinned = 0;
            for (final BlockEntry entry : blocks.values())
            {
                if (!entry.isMovable())
                {
                    pinned++;
                }
            }
            return new StoreStats(
                List.copyOf(tiers),
                blocks.size(),
                logicalBytes,
                pinned,
                allocations,
                frees,
                demotions,
                promotions,
                checksumFailures,
                moverErrors.get(),
                moverStuck.get());
        }
        finally
        {
            lock.unlock();
        }
    }

    private static TierStats closedStats(final TierSlot slot)
    {
        return new TierStats(slot.tier.kind(), slot.tier.name(), slot.owned ? 0 : slot.tier.capacityBytes(), 0,
            slot.peakUsedBytes, 0, slot.demotedBlocks, slot.demotedBytes, slot.promotedBlocks, slot.promotedBytes,
            slot.checksumFailures, -1, -1);
    }

    /**
     * @return the mover agent; with {@link Context#startMover(boolean) startMover(false)} the caller drives it
     * by calling {@link Mover#doWork()}.
     */
    public Mover mover()
    {
        return mover;
    }

    /**
     * Runs one duty cycle of the mover on the calling thread.
     *
     * @return the number of blocks moved.
     */
    public int runMover()
    {
        return mover.doWork();
    }

    /**
     * @return the configuration the store was opened with.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * @return true once {@link #close()} has been called.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Stops the mover, frees every block (in extra tiers too), detaches open {@link PinnedBlock} views, closes
     * the tiers the store opened and removes their files and per-process directories. Idempotent. Extra tiers
     * are left open for their owner to close.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        CloseHelper.close(ctx.errorHandler(), moverRunner);

        lock.lock();
        try
        {
            if (closed)
            {
                return;
            }
            closed = true;

            for (final PinnedBlock view : openPins)
            {
                view.detach();
            }
            openPins.clear();

            for (final BlockEntry entry : blocks.values())
            {
                final TierSlot slot = slots[entry.tier];
                if (!slot.owned)
                {
                    try
                    {
                        slot.tier.free(entry.id, entry.location);
                    }
                    catch (final RuntimeException ex)
                    {
                        ctx.errorHandler().onError(ex);
                    }
                }
            }
            blocks.clear();

            for (final TierSlot slot : slots)
            {
                if (slot.owned)
                {
                    CloseHelper.close(ctx.errorHandler(), slot.tier);
                }
            }
            releaseStaging();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "BlockStore{node=" + nodeName + ", closed=" + closed + '}';
    }

    // ------------------------------------------------------------------------------------------------------------
    // Mover support: each call takes the lock for one step.

    int tierCount()
    {
        return slots.length;
    }

    boolean isAboveHighWatermark(final int tierIndex)
    {
        lock.lock();
        try
        {
            final Tier tier = slots[tierIndex].tier;
            return !closed && tier.usedBytes() > ctx.highWatermark() * tier.capacityBytes();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Moves the coldest movable block out of a tier if the tier is above its low watermark.
     *
     * @param tierIndex the tier.
     * @return {@link #DEMOTE_MOVED}, {@link #DEMOTE_DONE} (at or below the low watermark, or store closed) or
     * {@link #DEMOTE_STUCK} (nothing could move).
     */
    int demoteStep(final int tierIndex)
    {
        lock.lock();
        try
        {
            final Tier tier = slots[tierIndex].tier;
            if (closed || tier.usedBytes() <= ctx.lowWatermark() * tier.capacityBytes())
            {
                return DEMOTE_DONE;
            }
            return demoteOne(tierIndex) ? DEMOTE_MOVED : DEMOTE_STUCK;
        }
        finally
        {
            lock.unlock();
        }
    }

    void onMoverStuck()
    {
        moverStuck.incrementAndGet();
    }

    void onMoverError(final Throwable ex)
    {
        moverErrors.incrementAndGet();
        ctx.errorHandler().onError(ex);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Test support.

    long locationOf(final long blockId)
    {
        lock.lock();
        try
        {
            return entry(blockId).location;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Moves one movable block to the next tier that takes it (cascading), as the mover would.
     *
     * @return true if it moved.
     */
    boolean demote(final long blockId)
    {
        lock.lock();
        try
        {
            final BlockEntry entry = entry(blockId);
            return entry.isMovable() && moveDown(entry, entry.tier);
        }
        finally
        {
            lock.unlock();
        }
    }

    Tier tier(final TierKind kind)
    {
        for (final TierSlot slot : slots)
        {
            if (slot.tier.kind() == kind)
            {
                return slot.tier;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internals; the lock is held.

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("the block store of node " + nodeName + " is closed");
        }
    }

    private BlockEntry entry(final long blockId)
    {
        ensureOpen();
        final BlockEntry entry = blocks.get(blockId);
        if (entry == null)
        {
            throw new BlockFreedException(blockId, nodeName);
        }
        return entry;
    }

    private void checkRange(final BlockEntry entry, final long blockOffset, final int length)
    {
        if (blockOffset < 0 || length < 0 || blockOffset > entry.size - length)
        {
            throw new IndexOutOfBoundsException("block " + entry.id + " on node " + nodeName + ": offset " +
                blockOffset + ", length " + length + " lies outside the block of " + entry.size + " bytes");
        }
    }

    private void checkArray(
        final BlockEntry entry, final String what, final int arrayLength, final int offset, final int length)
    {
        if (offset < 0 || length < 0 || offset > arrayLength - length)
        {
            throw new IndexOutOfBoundsException("block " + entry.id + " on node " + nodeName + ": " + what +
                " offset " + offset + ", length " + length + " lies outside the " + what + " array of " +
                arrayLength + " bytes");
        }
    }

    private void copyIn(
        final BlockEntry entry,
        final int blockOffset,
        final DirectBuffer srcBuffer,
        final byte[] srcArray,
        final int srcOffset,
        final int length)
    {
        if (promote(entry))
        {
            ram.wrap(entry.location, entry.size, accessView);
            put(accessView, blockOffset, srcBuffer, srcArray, srcOffset, length);
            return;
        }

        stageVerified(entry);
        put(stagingView, blockOffset, srcBuffer, srcArray, srcOffset, length);
        final int crc = checksum(stagingView, entry.size);
        final int from = entry.tier;
        long location = slots[from].tier.write(entry.id, stagingView, 0, entry.size, crc);
        int to = from;
        for (int i = RAM + 1; location == Tier.NO_SPACE && i < slots.length; i++)
        {
            if (i != from && entry.size <= slots[i].tier.capacityBytes())
            {
                location = slots[i].tier.write(entry.id, stagingView, 0, entry.size, crc);
                to = i;
            }
        }
        if (location == Tier.NO_SPACE)
        {
            releaseLargeStaging();
            throw outOfMemory(entry, "cannot write block " + entry.id + " of " + entry.size + " bytes: RAM cannot " +
                "take it and no tier has room for its rewritten copy (the block is unchanged)");
        }
        final TierSlot source = slots[from];
        source.unlink(entry);
        source.tier.free(entry.id, entry.location);
        entry.tier = to;
        entry.location = location;
        entry.crc32c = crc;
        slots[to].link(entry);
        slots[to].updatePeak();
        releaseLargeStaging();
    }

    private static void put(
        final UnsafeBuffer block,
        final int blockOffset,
        final DirectBuffer srcBuffer,
        final byte[] srcArray,
        final int srcOffset,
        final int length)
    {
        if (srcArray != null)
        {
            block.putBytes(blockOffset, srcArray, srcOffset, length);
        }
        else
        {
            block.putBytes(blockOffset, srcBuffer, srcOffset, length);
        }
    }

    private void copyOut(
        final BlockEntry entry,
        final int blockOffset,
        final MutableDirectBuffer dstBuffer,
        final byte[] dstArray,
        final int dstOffset,
        final int length)
    {
        final UnsafeBuffer block;
        if (promote(entry))
        {
            ram.wrap(entry.location, entry.size, accessView);
            block = accessView;
        }
        else
        {
            stageVerified(entry);
            block = stagingView;
        }

        if (dstArray != null)
        {
            block.getBytes(blockOffset, dstArray, dstOffset, length);
        }
        else
        {
            block.getBytes(blockOffset, dstBuffer, dstOffset, length);
        }
        if (block == stagingView)
        {
            releaseLargeStaging();
        }
    }

    private boolean place(final BlockEntry entry)
    {
        final long demotionsBefore = demotions;
        final boolean placed;
        switch (entry.hint)
        {
            case COLD:
                placed = placeBelowRam(entry) || placeInRam(entry, true);
                break;

            case PREFER_FAST:
                placed = placeInRam(entry, false) || placeBelowRam(entry) || placeInRam(entry, true);
                break;

            case PIN_FAST:
                return placeInRam(entry, true);

            case HOT:
            case WARM:
            default:
                return placeInRam(entry, true) || placeBelowRam(entry);
        }

        // Demotions made while failing to make room in RAM may have cascaded and freed space below it.
        return placed || (demotions != demotionsBefore && placeBelowRam(entry));
    }

    private boolean placeInRam(final BlockEntry entry, final boolean demoteOthers)
    {
        final long location = allocateInRam(entry, demoteOthers);
        if (location == Tier.NO_SPACE)
        {
            return false;
        }
        ram.wrap(location, entry.size, accessView);
        accessView.setMemory(0, entry.size, (byte)0);
        entry.tier = RAM;
        entry.location = location;
        slots[RAM].link(entry);
        slots[RAM].updatePeak();
        return true;
    }

    private boolean placeBelowRam(final BlockEntry entry)
    {
        boolean zeroed = false;
        int crc = 0;
        for (int i = RAM + 1; i < slots.length; i++)
        {
            final TierSlot slot = slots[i];
            if (entry.size > slot.tier.capacityBytes())
            {
                continue;
            }
            if (!zeroed)
            {
                ensureStaging(entry.size);
                stagingView.setMemory(0, entry.size, (byte)0);
                crc = checksum(stagingView, entry.size);
                zeroed = true;
            }
            final long location = slot.tier.write(entry.id, stagingView, 0, entry.size, crc);
            if (location != Tier.NO_SPACE)
            {
                entry.tier = i;
                entry.location = location;
                entry.crc32c = crc;
                slot.link(entry);
                slot.updatePeak();
                releaseLargeStaging();
                return true;
            }
        }
        releaseLargeStaging();
        return false;
    }

    /**
     * Allocates room in RAM for a block, demoting the coldest movable blocks (cascading down) until it fits.
     */
    private long allocateInRam(final BlockEntry entry, final boolean demoteOthers)
    {
        if (entry.size > ram.capacityBytes())
        {
            return Tier.NO_SPACE;
        }
        long location = ram.allocate(entry.id, entry.size);
        while (location == Tier.NO_SPACE && demoteOthers && demoteOne(RAM))
        {
            location = ram.allocate(entry.id, entry.size);
        }
        return location;
    }

    /**
     * Brings a block into RAM if it is not there. Returns false, leaving the block where it is, if RAM cannot
     * hold it.
     */
    private boolean promote(final BlockEntry entry)
    {
        if (entry.tier == RAM)
        {
            slots[RAM].touch(entry);
            return true;
        }

        final long location = allocateInRam(entry, true);
        if (location == Tier.NO_SPACE)
        {
            return false;
        }

        final TierSlot source = slots[entry.tier];
        try
        {
            ram.wrap(location, entry.size, accessView);
            source.tier.read(entry.id, entry.location, accessView, 0, entry.size);
            verify(entry, source, accessView);
        }
        catch (final RuntimeException | Error ex)
        {
            ram.free(entry.id, location);
            throw ex;
        }

        source.unlink(entry);
        source.tier.free(entry.id, entry.location);
        entry.tier = RAM;
        entry.location = location;
        slots[RAM].link(entry);
        slots[RAM].updatePeak();
        source.promotedBlocks++;
        source.promotedBytes += entry.size;
        promotions++;
        return true;
    }

    /**
     * Moves one block out of a tier: the coldest movable block (non-HOT first) that a tier below has room for,
     * trying at most {@link #MAX_VICTIM_ATTEMPTS} candidates (blocks larger than every tier below are skipped).
     *
     * @return false if no block could move (all pinned, or no room below even after cascading).
     */
    private boolean demoteOne(final int from)
    {
        final TierSlot slot = slots[from];
        final long fitLimit = largestCapacityBelow[from];
        int attempts = 0;
        for (LruList list = slot.warm; list != null; list = list == slot.warm ? slot.hot : null)
        {
            BlockEntry victim = list.head();
            while (victim != null)
            {
                final BlockEntry next = victim.next;
                if (victim.size <= fitLimit)
                {
                    if (moveDown(victim, from))
                    {
                        return true;
                    }
                    if (++attempts == MAX_VICTIM_ATTEMPTS)
                    {
                        return false;
                    }
                }
                victim = next;
            }
        }
        return false;
    }

    private boolean moveDown(final BlockEntry entry, final int from)
    {
        final int crc;
        if (from == RAM)
        {
            ram.wrap(entry.location, entry.size, victimView);
            crc = checksum(victimView, entry.size);
        }
        else
        {
            crc = entry.crc32c;
        }

        for (int to = from + 1; to < slots.length; to++)
        {
            if (entry.size > slots[to].tier.capacityBytes())
            {
                continue;
            }
            long location = writeCopy(entry, from, to, crc);
            while (location == Tier.NO_SPACE && to + 1 < slots.length && demoteOne(to))
            {
                location = writeCopy(entry, from, to, crc);
            }
            if (location != Tier.NO_SPACE)
            {
                final TierSlot source = slots[from];
                try
                {
                    source.tier.free(entry.id, entry.location);
                }
                catch (final RuntimeException ex)
                {
                    slots[to].tier.free(entry.id, location);
                    throw ex;
                }
                source.unlink(entry);
                entry.tier = to;
                entry.location = location;
                entry.crc32c = crc;
                slots[to].link(entry);
                slots[to].updatePeak();
                source.demotedBlocks++;
                source.demotedBytes += entry.size;
                demotions++;
                if (from != RAM)
                {
                    releaseLargeStaging();
                }
                return true;
            }
        }
        if (from != RAM)
        {
            releaseLargeStaging();
        }
        return false;
    }

    /**
     * Writes a copy of a block into tier {@code to}. From RAM the bytes are written in place; from a lower tier
     * they are staged first (again on every attempt, since cascading moves reuse the staging buffer).
     */
    private long writeCopy(final BlockEntry entry, final int from, final int to, final int crc)
    {
        final DirectBuffer src;
        if (from == RAM)
        {
            ram.wrap(entry.location, entry.size, victimView);
            src = victimView;
        }
        else
        {
            stage(entry);
            src = stagingView;
        }
        return slots[to].tier.write(entry.id, src, 0, entry.size, crc);
    }

    private void stage(final BlockEntry entry)
    {
        ensureStaging(entry.size);
        slots[entry.tier].tier.read(entry.id, entry.location, stagingView, 0, entry.size);
    }

    private void stageVerified(final BlockEntry entry)
    {
        stage(entry);
        try
        {
            verify(entry, slots[entry.tier], stagingView);
        }
        catch (final ChecksumMismatchException ex)
        {
            releaseLargeStaging();
            throw ex;
        }
    }

    private void verify(final BlockEntry entry, final TierSlot source, final UnsafeBuffer bytes)
    {
        final int actual = checksum(bytes, entry.size);
        if (actual != entry.crc32c)
        {
            source.checksumFailures++;
            checksumFailures++;
            throw new ChecksumMismatchException(entry.id, source.tier.name(), nodeName, entry.crc32c, actual);
        }
    }

    private int checksum(final UnsafeBuffer buffer, final int length)
    {
        crc32c.reset();
        crc32c.update(NativeMemory.view(buffer, 0, length));
        return (int)crc32c.getValue();
    }

    private void ensureStaging(final int length)
    {
        if (stagingCapacity < length)
        {
            releaseStaging();
            final int capacity = Math.max(length, MIN_STAGING_BYTES);
            stagingAddress = NativeMemory.allocate(capacity);
            stagingCapacity = capacity;
        }
        stagingView.wrap(stagingAddress, length);
    }

    private void releaseLargeStaging()
    {
        if (stagingCapacity > MAX_RETAINED_STAGING_BYTES)
        {
            releaseStaging();
        }
    }

    private void releaseStaging()
    {
        stagingView.wrap(new byte[0]);
        NativeMemory.free(stagingAddress);
        stagingAddress = 0;
        stagingCapacity = 0;
    }

    private OutOfTierMemoryException outOfMemory(final BlockEntry entry, final String what)
    {
        final StringBuilder sb = new StringBuilder(256);
        sb.append(what).append(" on node ").append(nodeName).append(": ");
        for (int i = 0; i < slots.length; i++)
        {
            if (i > 0)
            {
                sb.append("; ");
            }
            sb.append(slots[i].describe());
            if (entry.size > slots[i].tier.capacityBytes())
            {
                sb.append(" (block larger than the tier)");
            }
        }
        long pinned = 0;
        for (final BlockEntry other : blocks.values())
        {
            if (other.tier == RAM && !other.isMovable())
            {
                pinned++;
            }
        }
        sb.append("; ").append(pinned).append(" blocks pinned in RAM. Raise the tiers' capacities, free blocks " +
            "that are no longer needed, or close pinned views");
        return new OutOfTierMemoryException(entry.id, entry.size, sb.toString());
    }

    /**
     * Configuration of a {@link BlockStore}: fluent setters, documented defaults (overridable by the system
     * properties in {@link Configuration}), validated by {@link #conclude()}. Not thread-safe; one context per
     * store.
     */
    public static final class Context
    {
        private boolean concluded;
        private String nodeName = Configuration.nodeName();
        private long ramCapacityBytes = Configuration.ramCapacityBytes();
        private long vvramCapacityBytes = Configuration.vvramCapacityBytes();
        private Path vvramDir = Configuration.vvramDir();
        private long vssdCapacityBytes = Configuration.vssdCapacityBytes();
        private Path vssdDir = Configuration.vssdDir();
        private double highWatermark = Configuration.highWatermark();
        private double lowWatermark = Configuration.lowWatermark();
        private long maxBlockBytes = Configuration.maxBlockBytes();
        private List<Tier> extraTiers = new ArrayList<>();
        private IdleStrategy moverIdleStrategy;
        private long moverStuckBackoffNs = Configuration.MOVER_STUCK_BACKOFF_NS_DEFAULT;
        private ErrorHandler errorHandler;
        private boolean startMover = true;
        private EpochClock epochClock = SystemEpochClock.INSTANCE;
        private NanoClock nanoClock = SystemNanoClock.INSTANCE;

        /**
         * Validates the settings and fills in defaults that are objects. Called by the {@link BlockStore}
         * constructor.
         *
         * @return this for a fluent API.
         * @throws ConfigurationException if a setting is invalid; the message names it and its value.
         * @throws IllegalStateException  if the context was already used by a store.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("this BlockStore.Context was already used by a store; " +
                    "create a new Context for each store");
            }
            if (nodeName == null || nodeName.isEmpty())
            {
                throw new ConfigurationException("nodeName must not be empty");
            }
            if (ramCapacityBytes < 64)
            {
                throw new ConfigurationException("ramCapacityBytes=" + ramCapacityBytes + " must be at least 64 " +
                    "bytes (" + Configuration.RAM_CAPACITY_PROP_NAME + ")");
            }
            if (vvramCapacityBytes != 0 && vvramCapacityBytes < 64)
            {
                throw new ConfigurationException("vvramCapacityBytes=" + vvramCapacityBytes + " must be 0 " +
                    "(disabled) or at least 64 bytes (" + Configuration.VVRAM_CAPACITY_PROP_NAME + ")");
            }
            if (vssdCapacityBytes != 0 && vssdCapacityBytes < 64)
            {
                throw new ConfigurationException("vssdCapacityBytes=" + vssdCapacityBytes + " must be 0 " +
                    "(disabled) or at least 64 bytes (" + Configuration.VSSD_CAPACITY_PROP_NAME + ")");
            }
            if (vvramCapacityBytes > 0 && vvramDir == null)
            {
                throw new ConfigurationException("vvramDir must be set when vvramCapacityBytes=" +
                    vvramCapacityBytes + " (or set vvramCapacityBytes=0 to disable the VVRAM tier)");
            }
            if (vssdCapacityBytes > 0 && vssdDir == null)
            {
                throw new ConfigurationException("vssdDir must be set when vssdCapacityBytes=" +
                    vssdCapacityBytes + " (or set vssdCapacityBytes=0 to disable the VSSD tier)");
            }
            if (!(lowWatermark > 0 && lowWatermark < highWatermark && highWatermark <= 1))
            {
                throw new ConfigurationException("watermarks lowWatermark=" + lowWatermark + ", highWatermark=" +
                    highWatermark + " must satisfy 0 < lowWatermark < highWatermark <= 1");
            }
            if (maxBlockBytes < 1 || maxBlockBytes > Configuration.MAX_BLOCK_BYTES_LIMIT)
            {
                throw new ConfigurationException("maxBlockBytes=" + maxBlockBytes + " must be from 1 to " +
                    Configuration.MAX_BLOCK_BYTES_LIMIT + " (1 GiB) (" + Configuration.MAX_BLOCK_BYTES_PROP_NAME + ")");
            }
            if (extraTiers == null)
            {
                throw new ConfigurationException("extraTiers must not be null; use an empty list for none");
            }
            for (final Tier tier : extraTiers)
            {
                if (tier == null)
                {
                    throw new ConfigurationException("extraTiers must not contain null, was " + extraTiers);
                }
            }
            if (moverStuckBackoffNs < 0)
            {
                throw new ConfigurationException("moverStuckBackoffNs=" + moverStuckBackoffNs + " must be >= 0");
            }
            if (epochClock == null || nanoClock == null)
            {
                throw new ConfigurationException("epochClock and nanoClock must not be null");
            }
            if (moverIdleStrategy == null)
            {
                moverIdleStrategy = new BackoffIdleStrategy(
                    10, 5, TimeUnit.MICROSECONDS.toNanos(1), Configuration.MOVER_MAX_PARK_NS_DEFAULT);
            }
            if (errorHandler == null)
            {
                final String name = nodeName;
                errorHandler = (ex) -> LOG.warn("block store of node {}: {}", name, ex.toString(), ex);
            }
            concluded = true;
            return this;
        }

        /**
         * @param nodeName the node (or pool) named in error messages; default {@code "local"}
         *                 ({@value Configuration#NODE_NAME_PROP_NAME}).
         * @return this for a fluent API.
         */
        public Context nodeName(final String nodeName)
        {
            this.nodeName = nodeName;
            return this;
        }

        /**
         * @return the node (or pool) named in error messages.
         */
        public String nodeName()
        {
            return nodeName;
        }

        /**
         * @param bytes capacity of the RAM tier in bytes, allocated off-heap (outside the Java heap and
         *              {@code MaxDirectMemorySize}) and pre-touched at open; at least 64; default 256 MiB
         *              ({@value Configuration#RAM_CAPACITY_PROP_NAME}).
         * @return this for a fluent API.
         */
        public Context ramCapacityBytes(final long bytes)
        {
            this.ramCapacityBytes = bytes;
            return this;
        }

        /**
         * @return capacity of the RAM tier in bytes.
         */
        public long ramCapacityBytes()
        {
            return ramCapacityBytes;
        }

        /**
         * @param bytes capacity of the VVRAM tier (memory-mapped files on tmpfs) in bytes, reserved for real at
         *              open; 0 disables the tier; default 256 MiB ({@value Configuration#VVRAM_CAPACITY_PROP_NAME}).
         * @return this for a fluent API.
         */
        public Context vvramCapacityBytes(final long bytes)
        {
            this.vvramCapacityBytes = bytes;
            return this;
        }

        /**
         * @return capacity of the VVRAM tier in bytes, 0 if disabled.
         */
        public long vvramCapacityBytes()
        {
            return vvramCapacityBytes;
        }

        /**
         * @param dir the tmpfs directory in which the VVRAM tier makes its per-process directory; default
         *            {@code /dev/shm} ({@value Configuration#VVRAM_DIR_PROP_NAME}).
         * @return this for a fluent API.
         */
        public Context vvramDir(final Path dir)
        {
            this.vvramDir = dir;
            return this;
        }

        /**
         * @return the tmpfs directory of the VVRAM tier.
         */
        public Path vvramDir()
        {
            return vvramDir;
        }

        /**
         * @param bytes capacity of the VSSD tier (a spill file on local disk, grown on demand) in bytes; 0
         *              disables the tier; default 1 GiB ({@value Configuration#VSSD_CAPACITY_PROP_NAME}).
         * @return this for a fluent API.
         */
        public Context vssdCapacityBytes(final long bytes)
        {
            this.vssdCapacityBytes = bytes;
            return this;
        }

        /**
         * @return capacity of the VSSD tier in bytes, 0 if disabled.
         */
        public long vssdCapacityBytes()
        {
            return vssdCapacityBytes;
        }

        /**
         * @param dir the directory in which the VSSD tier makes its per-process directory and spill file;
         *            default {@code java.io.tmpdir} ({@value Configuration#VSSD_DIR_PROP_NAME}).
         * @return this for a fluent API.
         */
        public Context vssdDir(final Path dir)
        {
            this.vssdDir = dir;
            return this;
        }

        /**
         * @return the directory of the VSSD tier.
         */
        public Path vssdDir()
        {
            return vssdDir;
        }

        /**
         * @param fraction fraction of a tier's capacity above which the mover starts demoting from it;
         *                 {@code lowWatermark < fraction <= 1}; default 0.90
         *                 ({@value Configuration#HIGH_WATERMARK_PROP_NAME}).
         * @return this for a fluent API.
         */
        public Context highWatermark(final double fraction)
        {
            this.highWatermark = fraction;
            return this;
        }

        /**
         * @return the high watermark, a fraction of capacity.
         */
        public double highWatermark()
        {
            return highWatermark;
        }

        /**
         * @param fraction fraction of a tier's capacity the mover demotes down to; {@code 0 < fraction <
         *                 highWatermark}; default 0.75 ({@value Configuration#LOW_WATERMARK_PROP_NAME}).
         * @return this for a fluent API.
         */
        public Context lowWatermark(final double fraction)
        {
            this.lowWatermark = fraction;
            return this;
        }

        /**
         * @return the low watermark, a fraction of capacity.
         */
        public double lowWatermark()
        {
            return lowWatermark;
        }

        /**
         * @param bytes the largest block {@link BlockStore#allocate} accepts, from 1 to 1 GiB; default 256 MiB
         *              ({@value Configuration#MAX_BLOCK_BYTES_PROP_NAME}). A block larger than a tier skips that
         *              tier.
         * @return this for a fluent API.
         */
        public Context maxBlockBytes(final long bytes)
        {
            this.maxBlockBytes = bytes;
            return this;
        }

        /**
         * @return the largest block accepted, in bytes.
         */
        public long maxBlockBytes()
        {
            return maxBlockBytes;
        }

        /**
         * @param tiers tiers to place below the local ones, slowest last (for example the far-memory tier);
         *              default none. <b>Owned by the caller</b>: the store frees its blocks in them when it
         *              closes but never closes them.
         * @return this for a fluent API.
         */
        public Context extraTiers(final List<Tier> tiers)
        {
            this.extraTiers = tiers == null ? null : new ArrayList<>(tiers);
            return this;
        }

        /**
         * @return the extra tiers, slowest last.
         */
        public List<Tier> extraTiers()
        {
            return extraTiers;
        }

        /**
         * @param idleStrategy how the mover thread waits when it has nothing to do; default a
         *                     {@link BackoffIdleStrategy} parking up to 10 ms.
         * @return this for a fluent API.
         */
        public Context moverIdleStrategy(final IdleStrategy idleStrategy)
        {
            this.moverIdleStrategy = idleStrategy;
            return this;
        }

        /**
         * @return how the mover thread waits when idle.
         */
        public IdleStrategy moverIdleStrategy()
        {
            return moverIdleStrategy;
        }

        /**
         * @param ns how long the mover leaves a tier alone after finding nothing it can move out of it, in
         *           nanoseconds; default 100 ms.
         * @return this for a fluent API.
         */
        public Context moverStuckBackoffNs(final long ns)
        {
            this.moverStuckBackoffNs = ns;
            return this;
        }

        /**
         * @return the mover's back-off after getting stuck, in nanoseconds.
         */
        public long moverStuckBackoffNs()
        {
            return moverStuckBackoffNs;
        }

        /**
         * @param errorHandler receives errors of the mover and of close; default logs them at warn level.
         * @return this for a fluent API.
         */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        /**
         * @return the error handler.
         */
        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }

        /**
         * @param start whether the store starts the mover on its own daemon thread ({@value Mover#ROLE_NAME});
         *              default true. With false, call {@link BlockStore#runMover()} or {@link Mover#doWork()}.
         * @return this for a fluent API.
         */
        public Context startMover(final boolean start)
        {
            this.startMover = start;
            return this;
        }

        /**
         * @return whether the store starts the mover thread.
         */
        public boolean startMover()
        {
            return startMover;
        }

        /**
         * @param clock wall clock, used to name per-process directories; default the system clock.
         * @return this for a fluent API.
         */
        public Context epochClock(final EpochClock clock)
        {
            this.epochClock = clock;
            return this;
        }

        /**
         * @return the wall clock.
         */
        public EpochClock epochClock()
        {
            return epochClock;
        }

        /**
         * @param clock monotonic clock, used by the mover's back-off; default the system clock.
         * @return this for a fluent API.
         */
        public Context nanoClock(final NanoClock clock)
        {
            this.nanoClock = clock;
            return this;
        }

        /**
         * @return the monotonic clock.
         */
        public NanoClock nanoClock()
        {
            return nanoClock;
        }
    }

    /**
     * Defaults of {@link Context} and the system properties that override them. Sizes accept {@code k/m/g}
     * suffixes.
     */
    public static final class Configuration
    {
        /**
         * Node name in messages.
         */
        public static final String NODE_NAME_PROP_NAME = "tierpool.node.name";

        /**
         * Default node name.
         */
        public static final String NODE_NAME_DEFAULT = "local";

        /**
         * RAM tier capacity.
         */
        public static final String RAM_CAPACITY_PROP_NAME = "tierpool.ram.capacity";

        /**
         * Default RAM tier capacity: 256 MiB.
         */
        public static final long RAM_CAPACITY_DEFAULT = 256L * 1024 * 1024;

        /**
         * VVRAM tier capacity; 0 disables.
         */
        public static final String VVRAM_CAPACITY_PROP_NAME = "tierpool.vvram.capacity";

        /**
         * Default VVRAM tier capacity: 256 MiB.
         */
        public static final long VVRAM_CAPACITY_DEFAULT = 256L * 1024 * 1024;

        /**
         * VVRAM directory.
         */
        public static final String VVRAM_DIR_PROP_NAME = "tierpool.vvram.dir";

        /**
         * VSSD tier capacity; 0 disables.
         */
        public static final String VSSD_CAPACITY_PROP_NAME = "tierpool.vssd.capacity";

        /**
         * Default VSSD tier capacity: 1 GiB.
         */
        public static final long VSSD_CAPACITY_DEFAULT = 1024L * 1024 * 1024;

        /**
         * VSSD directory.
         */
        public static final String VSSD_DIR_PROP_NAME = "tierpool.vssd.dir";

        /**
         * High watermark fraction.
         */
        public static final String HIGH_WATERMARK_PROP_NAME = "tierpool.high.watermark";

        /**
         * Default high watermark: 0.90.
         */
        public static final double HIGH_WATERMARK_DEFAULT = 0.90;

        /**
         * Low watermark fraction.
         */
        public static final String LOW_WATERMARK_PROP_NAME = "tierpool.low.watermark";

        /**
         * Default low watermark: 0.75.
         */
        public static final double LOW_WATERMARK_DEFAULT = 0.75;

        /**
         * Largest block.
         */
        public static final String MAX_BLOCK_BYTES_PROP_NAME = "tierpool.max.block";

        /**
         * Default largest block: 256 MiB.
         */
        public static final long MAX_BLOCK_BYTES_DEFAULT = 256L * 1024 * 1024;

        /**
         * Hard limit of the largest block: 1 GiB.
         */
        public static final long MAX_BLOCK_BYTES_LIMIT = 1024L * 1024 * 1024;

        /**
         * Default back-off of the mover after getting stuck: 100 ms.
         */
        public static final long MOVER_STUCK_BACKOFF_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(100);

        /**
         * Default longest park of the mover's idle strategy: 10 ms.
         */
        public static final long MOVER_MAX_PARK_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(10);

        private Configuration()
        {
        }

        static String nodeName()
        {
            return System.getProperty(NODE_NAME_PROP_NAME, NODE_NAME_DEFAULT);
        }

        static long ramCapacityBytes()
        {
            return SystemUtil.getSizeAsLong(RAM_CAPACITY_PROP_NAME, RAM_CAPACITY_DEFAULT);
        }

        static long vvramCapacityBytes()
        {
            return SystemUtil.getSizeAsLong(VVRAM_CAPACITY_PROP_NAME, VVRAM_CAPACITY_DEFAULT);
        }

        static Path vvramDir()
        {
            final String dir = System.getProperty(VVRAM_DIR_PROP_NAME);
            return dir == null ? VvramTier.DEFAULT_DIR : Paths.get(dir);
        }

        static long vssdCapacityBytes()
        {
            return SystemUtil.getSizeAsLong(VSSD_CAPACITY_PROP_NAME, VSSD_CAPACITY_DEFAULT);
        }

        static Path vssdDir()
        {
            final String dir = System.getProperty(VSSD_DIR_PROP_NAME);
            return dir == null ? VssdTier.DEFAULT_DIR : Paths.get(dir);
        }

        static double highWatermark()
        {
            return doubleProperty(HIGH_WATERMARK_PROP_NAME, HIGH_WATERMARK_DEFAULT);
        }

        static double lowWatermark()
        {
            return doubleProperty(LOW_WATERMARK_PROP_NAME, LOW_WATERMARK_DEFAULT);
        }

        static long maxBlockBytes()
        {
            return SystemUtil.getSizeAsLong(MAX_BLOCK_BYTES_PROP_NAME, MAX_BLOCK_BYTES_DEFAULT);
        }

        private static double doubleProperty(final String name, final double defaultValue)
        {
            final String value = System.getProperty(name);
            if (value == null)
            {
                return defaultValue;
            }
            try
            {
                return Double.parseDouble(value);
            }
            catch (final NumberFormatException ex)
            {
                throw new ConfigurationException(name + "=" + value + " is not a number; use a fraction such as 0.9");
            }
        }
    }
}
