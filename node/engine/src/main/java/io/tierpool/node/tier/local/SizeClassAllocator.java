/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.SizeClassStats;
import io.tierpool.node.tier.Tier;
import org.agrona.collections.LongArrayList;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongUnaryOperator;

/**
 * A pooled allocator over one region of memory, built like Netty's {@code PooledByteBufAllocator}: per-thread
 * caches in front of arenas, arenas made of chunks, chunks split into runs of pages, runs split into subpages
 * for small size classes. The RAM tier uses it over its pre-touched region; it is also usable on its own
 * ({@link #allocate(long)}, {@link #address(long)}, {@link #free(long)}).
 * <p>
 * <b>Layers.</b>
 * <ol>
 * <li>{@link SizeClasses}: a request maps to the smallest class that fits (16 B up to the chunk).</li>
 * <li>{@link PoolThreadCache}: small classes freed by a thread are kept (bounded) for that thread's next
 * allocation of the class, without a lock.</li>
 * <li>{@link PoolArena}: a thread's arena (assigned round-robin) serves the class from a subpage or a run of one
 * of its {@link PoolChunk}s, behind the arena's lock. Should its chunks be full it takes a new chunk; should the
 * region have none left, it borrows from the other arenas' chunks.</li>
 * <li>The region: an {@link ExtentAllocator} (best fit, splitting, coalescing) over the whole region hands out
 * chunk-aligned chunks on demand and takes them back when they empty. Requests above the chunk size, and
 * requests no chunk can serve any more, get an extent of the region directly ("direct" blocks, 64-byte
 * aligned, not pooled).</li>
 * </ol>
 * <b>Placement</b> keeps apart what would shatter the space: within a chunk and across an arena's chunks, the runs
 * of subpages grow from the low end and large runs from the high end (see {@link PoolChunk}, {@link PoolArena});
 * blocks that will never move ({@link #allocate(long, boolean) movable = false}, the engine's pinned blocks) get
 * subpages of their own, packed at the lowest address of the whole region with room. This is the grouping of
 * allocations by mobility of the Linux page allocator (Mel Gorman's anti-fragmentation work: unmovable pages in
 * pageblocks of their own, so that compaction can empty the others): {@link #roomFor} can then empty a window by
 * moving out only movable blocks, as compaction migrates movable pages.
 * <p>
 * So the space is shared: an arena keeps its emptied chunks for reuse only until the region runs short (a request
 * that cannot be placed first makes every arena give back its empty chunks and unused subpages, and the calling
 * thread its cache); a request fails only when neither a chunk of any arena nor the region can hold it, and the
 * region's capacity is never exceeded.
 * <p>
 * <b>Handles</b> identify a block to {@link #free(long)} and {@link #address(long)}:
 * <pre>
 *   63 62 61      48 47        40 39                                    0
 *  +--+--+----------+------------+---------------------------------------+
 *  |0 |D |    0     | class + 1  |     byte offset of the block in the    |
 *  |  |  |          | (0 if D)   |     region (so regions up to 1 TiB)    |
 *  +--+--+----------+------------+---------------------------------------+
 *  D: a direct block (an extent of the region, not pooled)
 * </pre>
 * Handles are 0 or more, never {@link #NO_SPACE}.
 * <p>
 * <b>Statistics</b>: used and peak bytes (blocks counted at their class size, direct blocks at their 64-byte
 * aligned length; blocks in thread caches are not in use), per class allocations, frees, cache hits and blocks
 * in use ({@link #sizeClassStats()}), the largest block that could be allocated now and the fragmentation ratio
 * of the free space.
 * <p>
 * <b>Threading:</b> thread-safe. Thread caches are only touched by their thread; arenas and the region are
 * locked (lock order: arena, then region). A thread's cached blocks go back to the arenas when the thread is found
 * dead (checked when a thread first allocates and when an allocation fails), when a failed allocation asks every
 * thread to flush (each does on its next call), and on {@link #trim()} for the calling thread.
 * <p>
 * <b>Ownership:</b> the allocator does not own the region's memory; whoever made it frees the memory after
 * {@link #close()}, which must not run concurrently with other calls.
 * <p>
 * <b>Length:</b> over 800 lines because it holds its {@link Context} (about 240 lines of settings with documented
 * defaults) and its statistics besides the allocation chain; the algorithms live in {@link PoolArena},
 * {@link PoolChunk}, {@link PoolSubpage}, {@link PoolThreadCache} and {@link RoomFinder}.
 */
public final class SizeClassAllocator implements AutoCloseable
{
    /**
     * Returned by {@link #allocate(long)} when no space can hold the request.
     */
    public static final long NO_SPACE = -1;

    /**
     * The largest region: offsets take the low 40 bits of a handle.
     */
    public static final long MAX_CAPACITY_BYTES = 1L << 40;

    private static final long OFFSET_MASK = MAX_CAPACITY_BYTES - 1;
    private static final int CLASS_SHIFT = 40;
    private static final long DIRECT_FLAG = 1L << 62;

    private final long baseAddress;
    private final long capacityBytes;
    private final SizeClasses classes;
    private final int chunkShift;
    private final PoolArena[] arenas;
    private final ExtentAllocator region;
    private final AtomicReferenceArray<PoolChunk> chunkBySlot;
    private final int[] cacheLimits;
    private final int trimIntervalAllocations;
    private final ThreadLocal<PoolThreadCache> threadCache = new ThreadLocal<>();
    private final ArrayList<PoolThreadCache> caches = new ArrayList<>();
    private final AtomicInteger nextArena = new AtomicInteger();
    private final AtomicLong usedBytes = new AtomicLong();
    private final AtomicLong peakUsedBytes = new AtomicLong();
    private final AtomicLong failedAllocations = new AtomicLong();
    private final long[] retiredAllocations;
    private final long[] retiredFrees;
    private final long[] retiredHits;
    private long directAllocations;
    private long directFrees;
    private long directUsedBytes;
    private volatile int flushEpoch;
    private volatile boolean closed;

    /**
     * Makes an allocator over {@code [baseAddress, baseAddress + capacityBytes)}.
     *
     * @param baseAddress   the region's first byte, 64-byte aligned.
     * @param capacityBytes the region's size, from 64 bytes to {@link #MAX_CAPACITY_BYTES}; rounded down to 64.
     * @param ctx           the configuration; {@link Context#conclude()} is called on it.
     * @throws ConfigurationException if an argument or a setting is out of range.
     */
    public SizeClassAllocator(final long baseAddress, final long capacityBytes, final Context ctx)
    {
        if (capacityBytes < ExtentAllocator.ALIGNMENT || capacityBytes > MAX_CAPACITY_BYTES)
        {
            throw new ConfigurationException("capacityBytes=" + capacityBytes + " must be from " +
                ExtentAllocator.ALIGNMENT + " to " + MAX_CAPACITY_BYTES + " bytes");
        }
        if ((baseAddress & (ExtentAllocator.ALIGNMENT - 1)) != 0)
        {
            throw new ConfigurationException("baseAddress=" + baseAddress + " must be 64-byte aligned");
        }
        ctx.conclude();
        this.baseAddress = baseAddress;
        this.region = new ExtentAllocator(capacityBytes);
        this.capacityBytes = region.capacityBytes();
        final int chunkBytes = chunkBytes(this.capacityBytes, ctx.chunkBytes());
        final int pageBytes = Math.max(64, Math.min(ctx.pageBytes(), chunkBytes >>> 4));
        this.classes = new SizeClasses(pageBytes, chunkBytes);
        this.chunkShift = Integer.numberOfTrailingZeros(chunkBytes);
        this.chunkBySlot = new AtomicReferenceArray<>((int)(this.capacityBytes >>> chunkShift) + 1);

        this.arenas = new PoolArena[ctx.arenas()];
        for (int i = 0; i < arenas.length; i++)
        {
            arenas[i] = new PoolArena(this, i, classes);
        }

        final long cacheBytesPerClass = Math.min(ctx.threadCacheBytesPerClass(), this.capacityBytes >>> 10);
        cacheLimits = new int[classes.smallCount()];
        for (int i = 0; i < cacheLimits.length; i++)
        {
            cacheLimits[i] = (int)Math.min(ctx.threadCacheEntriesPerClass(), cacheBytesPerClass / classes.size(i));
        }
        trimIntervalAllocations = ctx.threadCacheTrimIntervalAllocations();
        retiredAllocations = new long[classes.count()];
        retiredFrees = new long[classes.count()];
        retiredHits = new long[classes.count()];
    }

    /**
     * The chunk size for a region: the configured one, but at most a quarter of the region (so that several
     * arenas get a chunk and blocks that do not fit a chunk still fit the region), and at least 1 KiB.
     */
    static int chunkBytes(final long capacityBytes, final int configuredChunkBytes)
    {
        final long quarter = Long.highestOneBit(Math.max(1, capacityBytes >>> 2));
        return (int)Math.max(1024, Math.min(configuredChunkBytes, quarter));
    }

    /**
     * Allocates a block.
     *
     * @param size bytes wanted, 1 or more.
     * @return a handle for the block (0 or more; see the class comment), or {@link #NO_SPACE} if no chunk and no
     * extent of the region can hold it now. The block's bytes are whatever the memory held before.
     * @throws IllegalArgumentException if {@code size} is not positive.
     * @throws IllegalStateException    if the allocator is closed.
     */
    public long allocate(final long size)
    {
        if (size <= 0)
        {
            throw new IllegalArgumentException("size=" + size + " must be > 0");
        }
        ensureOpen();
        final int sizeIndex = classes.index(size);
        if (sizeIndex < 0)
        {
            return allocateDirect(size);
        }

        final PoolThreadCache cache = threadCache();
        long offset = -1;
        if (classes.isSmall(sizeIndex))
        {
            offset = cache.take(sizeIndex);
        }
        if (offset < 0)
        {
            offset = allocatePooled(cache.arena, sizeIndex);
            if (offset < 0)
            {
                cache.releaseAll(this);
                reapDeadThreads();
                offset = allocatePooled(cache.arena, sizeIndex);
            }
            if (offset < 0)
            {
                final long direct = allocateDirect(size);
                if (direct == NO_SPACE)
                {
                    flushEpoch++;
                }
                return direct;
            }
        }
        cache.countAllocation(sizeIndex, this);
        addUsed(classes.size(sizeIndex));
        return handle(offset, sizeIndex);
    }

    /**
     * Allocates a block, saying whether it may move later (see the class comment). A block that will never move
     * goes to a subpage of unmovable blocks of its class or, where none has room, to a new run at the lowest
     * address with room (a new chunk if no chunk has any), after the calling thread's cache, unused subpages and
     * empty chunks were given back ({@link #trim()}); it bypasses the thread cache. Should that find no room,
     * it is allocated as a movable block would be. Costs O(chunks) locks for a new run: meant for blocks pinned for
     * long, not for a data path.
     *
     * @param size    bytes wanted, 1 or more.
     * @param movable true for an ordinary block (as {@link #allocate(long)}), false for one that will never move.
     * @return a handle for the block, or {@link #NO_SPACE}.
     * @throws IllegalArgumentException if {@code size} is not positive.
     * @throws IllegalStateException    if the allocator is closed.
     */
    public long allocate(final long size, final boolean movable)
    {
        if (movable || size <= 0 || size > classes.chunkBytes())
        {
            return allocate(size);
        }
        ensureOpen();
        final int sizeIndex = classes.index(size);
        final PoolThreadCache cache = threadCache();
        final long offset = allocateUnmovable(cache.arena, sizeIndex);
        if (offset < 0)
        {
            return allocate(size);
        }
        cache.countAllocation(sizeIndex, this);
        addUsed(classes.size(sizeIndex));
        return handle(offset, sizeIndex);
    }

    /**
     * Finds the blocks to move out so that a block of {@code size} bytes fits: the window of a chunk (the run the
     * block needs) whose blocks can all move and cost least to move, or with {@code low} the cheapest such window
     * of the lowest chunk that has one (where {@link #allocate(long, boolean) an unmovable block} then goes; none
     * to move if that chunk has a free window).
     * See {@link RoomFinder} for the search. The calling thread's cached blocks, unused subpages and empty chunks
     * are given back first ({@link #trim()}). Where the region has room for the block (the cheapest window), nothing
     * needs to move; a low window is looked for in the chunks even then, so that unmovable blocks stay packed. Walks every chunk under its arena's lock: meant for the slow path
     * of an allocation that failed, not for a data path.
     *
     * @param size    bytes the block needs, 1 or more.
     * @param low     true for the cheapest window of the lowest chunk with one, false for the cheapest of all.
     * @param costOf  the cost of moving the block with a given handle out, 0 or more, or negative where it cannot
     *                move; called under an arena's lock, so it must not call back into this allocator.
     * @param handles cleared; receives the handles of the blocks to move, in address order.
     * @return how many blocks to move (0 when the block fits already, or a small block will go to a subpage with
     * room); {@link Tier#NO_ROOM} if every window holds a block that cannot move; {@link Tier#ROOM_UNKNOWN} for
     * blocks above the chunk size (served straight from the region, which is not searched).
     * @throws IllegalArgumentException if {@code size} is not positive.
     * @throws IllegalStateException    if the allocator is closed.
     */
    public int roomFor(final long size, final boolean low, final LongUnaryOperator costOf, final LongArrayList handles)
    {
        if (size <= 0)
        {
            throw new IllegalArgumentException("size=" + size + " must be > 0");
        }
        handles.clear();
        final int sizeIndex = classes.index(size);
        if (sizeIndex < 0)
        {
            return Tier.ROOM_UNKNOWN;
        }
        if (low && classes.isSmall(sizeIndex))
        {
            for (final PoolArena arena : arenas)
            {
                if (arena.hasUnmovableRoom(sizeIndex))
                {
                    return 0;
                }
            }
        }
        trim();
        if (!low && regionHolds(ExtentAllocator.align(size)))
        {
            return 0;
        }
        final int runPages = classes.isSmall(sizeIndex) ?
            (low ? classes.runPages(sizeIndex) : ceilPages(classes.size(sizeIndex))) : classes.runPages(sizeIndex);
        final RoomFinder finder = new RoomFinder(runPages, low, costOf, handles);
        for (int slot = 0, n = chunkBySlot.length(); slot < n && !finder.done(); slot++)
        {
            final PoolChunk chunk = chunkBySlot.get(slot);
            if (chunk != null)
            {
                chunk.arena.scanForRoom(chunk, finder);
            }
        }
        return finder.found() ? handles.size() : Tier.NO_ROOM;
    }

    private boolean regionHolds(final long bytes)
    {
        synchronized (region)
        {
            return region.largestFreeExtentBytes() >= bytes;
        }
    }

    /**
     * Frees a block.
     *
     * @param handle a handle {@link #allocate(long)} returned and not yet freed. A small block freed twice while
     *               it sits in a thread cache is not detected: callers that cannot rule that out check first (the
     *               RAM tier does, against its block table).
     * @throws IllegalStateException if the handle names no block in use (detected for direct blocks, runs and
     *                               subpage elements that reached their arena) or the allocator is closed.
     */
    public void free(final long handle)
    {
        ensureOpen();
        final long offset = handle & OFFSET_MASK;
        if ((handle & DIRECT_FLAG) != 0)
        {
            freeDirect(offset, handle);
            return;
        }
        final int sizeIndex = sizeIndex(handle);
        final PoolChunk chunk = chunkAt(offset);
        if (chunk == null)
        {
            throw new IllegalStateException("handle " + handle + " names no block in use: no chunk holds offset " +
                offset);
        }
        final PoolThreadCache cache = threadCache();
        if (classes.isSmall(sizeIndex) && cache.offer(sizeIndex, offset))
        {
            cache.countFree(sizeIndex);
            addUsed(-classes.size(sizeIndex));
            return;
        }
        chunk.arena.free(chunk, offset, sizeIndex);
        cache.countFree(sizeIndex);
        addUsed(-classes.size(sizeIndex));
    }

    /**
     * @param offset    a block's offset in the region.
     * @param sizeIndex its size class.
     * @return the handle of a pooled block.
     */
    static long handle(final long offset, final int sizeIndex)
    {
        return offset | ((long)(sizeIndex + 1) << CLASS_SHIFT);
    }

    /**
     * @param handle a handle of a block in use.
     * @return the address of the block's first byte.
     */
    public long address(final long handle)
    {
        return baseAddress + (handle & OFFSET_MASK);
    }

    /**
     * @param handle a handle of a block in use.
     * @return the block's first byte as an offset in the region.
     */
    public static long offset(final long handle)
    {
        return handle & OFFSET_MASK;
    }

    /**
     * @param handle a handle.
     * @return the block's size class, or -1 for a direct block.
     */
    public int sizeIndex(final long handle)
    {
        if ((handle & DIRECT_FLAG) != 0)
        {
            return -1;
        }
        final int sizeIndex = (int)((handle >>> CLASS_SHIFT) & 0x3F_FFFF) - 1;
        if (handle < 0 || sizeIndex < 0 || sizeIndex >= classes.count())
        {
            throw new IllegalStateException("handle " + handle + " was not made by this allocator");
        }
        return sizeIndex;
    }

    /**
     * @param handle a handle.
     * @return the block's size class, or -1 for a direct block or a value that is no handle of this allocator.
     */
    int sizeIndexOrMinusOne(final long handle)
    {
        if (handle < 0 || (handle & DIRECT_FLAG) != 0)
        {
            return -1;
        }
        final int sizeIndex = (int)((handle >>> CLASS_SHIFT) & 0x3F_FFFF) - 1;
        return sizeIndex < classes.count() ? sizeIndex : -1;
    }

    /**
     * @param handle a handle of a block in use.
     * @return bytes usable in the block: its class size, or a direct block's 64-byte aligned length.
     * @throws IllegalStateException if the handle is a direct block not in use.
     */
    public long allocatedBytes(final long handle)
    {
        final int sizeIndex = sizeIndex(handle);
        if (sizeIndex >= 0)
        {
            return classes.size(sizeIndex);
        }
        synchronized (region)
        {
            final long length = region.allocatedLength(handle & OFFSET_MASK);
            if (length < 0)
            {
                throw new IllegalStateException("handle " + handle + " names no direct block in use");
            }
            return length;
        }
    }

    /**
     * Gives the calling thread's cached blocks back to the arenas, then every unused subpage and every empty
     * chunk back to the region. After everything was freed and every thread that allocated trimmed (or died),
     * the region is one free extent again.
     */
    public void trim()
    {
        ensureOpen();
        final PoolThreadCache cache = threadCache.get();
        if (cache != null)
        {
            cache.releaseAll(this);
        }
        reapDeadThreads();
        releaseUnusedChunks();
    }

    /**
     * Stops the allocator: caches are dropped and every later call but the statistics fails. Idempotent. Does
     * not free the region's memory (its owner does, after this).
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            synchronized (caches)
            {
                for (final PoolThreadCache cache : caches)
                {
                    foldCounters(cache);
                    cache.discard();
                }
                caches.clear();
            }
        }
    }

    /**
     * @return true once {@link #close()} was called.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * @return the size classes (page and chunk sizes too).
     */
    public SizeClasses sizeClasses()
    {
        return classes;
    }

    /**
     * @return the region's size in bytes.
     */
    public long capacityBytes()
    {
        return capacityBytes;
    }

    /**
     * @return bytes in blocks in use now (class sizes; direct blocks' aligned lengths).
     */
    public long usedBytes()
    {
        return usedBytes.get();
    }

    /**
     * @return blocks in use now. Sums every thread's counts: meant for statistics, not for a data path.
     */
    public long usedBlocks()
    {
        long blocks;
        synchronized (region)
        {
            blocks = directAllocations - directFrees;
        }
        for (final SizeClassStats stats : sizeClassStats())
        {
            blocks += stats.usedBlocks();
        }
        return blocks;
    }

    /**
     * @return the most bytes in use at once since the allocator was made.
     */
    public long peakUsedBytes()
    {
        return peakUsedBytes.get();
    }

    /**
     * @return allocations refused with {@link #NO_SPACE}.
     */
    public long failedAllocations()
    {
        return failedAllocations.get();
    }

    /**
     * @return allocations that succeeded: pooled (all classes) and direct.
     */
    public long allocations()
    {
        long total;
        synchronized (region)
        {
            total = directAllocations;
        }
        for (final SizeClassStats stats : sizeClassStats())
        {
            total += stats.allocations();
        }
        return total;
    }

    /**
     * @return frees: pooled (all classes) and direct.
     */
    public long frees()
    {
        long total;
        synchronized (region)
        {
            total = directFrees;
        }
        for (final SizeClassStats stats : sizeClassStats())
        {
            total += stats.frees();
        }
        return total;
    }

    /**
     * @return direct blocks (above the chunk size, or that no chunk could hold) in use now.
     */
    public long directUsedBytes()
    {
        synchronized (region)
        {
            return directUsedBytes;
        }
    }

    /**
     * @return chunks held by the arenas now.
     */
    public int chunkCount()
    {
        int count = 0;
        for (final PoolArena arena : arenas)
        {
            count += arena.chunkCount();
        }
        return count;
    }

    /**
     * @return the arenas.
     */
    public int arenaCount()
    {
        return arenas.length;
    }

    /**
     * @return free extents of the region (chunks in use are not free): 1 when nothing but empty space is left.
     */
    public int regionFreeExtentCount()
    {
        synchronized (region)
        {
            return region.freeExtentCount();
        }
    }

    /**
     * @return the largest block that can surely be allocated now, in bytes: the largest free extent of the region,
     * or the largest size class that fits the longest free run of a chunk, whichever is larger.
     */
    public long largestFreeExtentBytes()
    {
        final long[] usage = chunkUsage();
        final int fitting = usage[2] == 0 ? -1 : classIndexAtMost(usage[2]);
        final long inChunks = fitting < 0 ? 0 : classes.size(fitting);
        synchronized (region)
        {
            return Math.max(region.largestFreeExtentBytes(), inChunks);
        }
    }

    /**
     * @return {@code 1 - largestFree / totalFree} over the free space of the region and the free pages of chunks
     * (partly used subpages do not count as free): 0 when the free space is one piece, towards 1 as it shatters.
     */
    public double fragmentationRatio()
    {
        final long[] usage = chunkUsage();
        final long free;
        final long largest;
        synchronized (region)
        {
            free = region.freeBytes() + usage[1];
            largest = Math.max(region.largestFreeExtentBytes(), usage[2]);
        }
        return free == 0 ? 0.0 : 1.0 - (double)largest / free;
    }

    /**
     * Draws where blocks lie, for diagnostics of fragmentation: every chunk of every arena, one character per page
     * ({@code .} free, {@code S}/{@code s} a subpage's run, {@code P}/{@code p} one of blocks that never move,
     * {@code R}/{@code r} a large block's run), then the
     * region's free extents. Takes every arena's lock in turn, then the region's.
     *
     * @return a multi-line drawing.
     */
    public String drawLayout()
    {
        final StringBuilder out = new StringBuilder(256);
        out.append("page=").append(classes.pageBytes()).append(" chunk=").append(classes.chunkBytes()).append('\n');
        for (final PoolArena arena : arenas)
        {
            arena.drawChunks(out);
        }
        synchronized (region)
        {
            out.append("  region: ").append(region).append('\n');
        }
        return out.toString();
    }

    /**
     * @return per size class counts, smallest class first; an immutable list. Cheap enough for a statistics
     * poll, not for a data path (it walks every thread's cache).
     */
    public List<SizeClassStats> sizeClassStats()
    {
        final int count = classes.count();
        final long[] allocations = new long[count];
        final long[] frees = new long[count];
        final long[] hits = new long[count];
        synchronized (caches)
        {
            System.arraycopy(retiredAllocations, 0, allocations, 0, count);
            System.arraycopy(retiredFrees, 0, frees, 0, count);
            System.arraycopy(retiredHits, 0, hits, 0, count);
            for (final PoolThreadCache cache : caches)
            {
                for (int i = 0; i < count; i++)
                {
                    allocations[i] += cache.allocations.get(i);
                    frees[i] += cache.frees.get(i);
                    hits[i] += cache.cacheHits.get(i);
                }
            }
        }
        final SizeClassStats[] stats = new SizeClassStats[count];
        for (int i = 0; i < count; i++)
        {
            final long blocks = allocations[i] - frees[i];
            stats[i] = new SizeClassStats(classes.size(i), allocations[i], frees[i], hits[i], blocks,
                blocks * classes.size(i));
        }
        return List.of(stats);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "SizeClassAllocator{capacity=" + capacityBytes + ", used=" + usedBytes.get() + ", arenas=" +
            arenas.length + ", " + classes + '}';
    }

    PoolChunk newChunk(final PoolArena arena)
    {
        final int chunkBytes = classes.chunkBytes();
        final long offset;
        synchronized (region)
        {
            offset = region.allocateAligned(chunkBytes, chunkBytes);
        }
        if (offset == ExtentAllocator.NO_SPACE)
        {
            return null;
        }
        final PoolChunk chunk = new PoolChunk(arena, offset, chunkBytes >>> classes.pageShift(), classes.pageShift());
        chunkBySlot.set((int)(offset >>> chunkShift), chunk);
        return chunk;
    }

    void releaseChunk(final PoolChunk chunk)
    {
        chunkBySlot.set((int)(chunk.offset >>> chunkShift), null);
        synchronized (region)
        {
            region.free(chunk.offset);
        }
    }

    void freeToArena(final long offset, final int sizeIndex)
    {
        final PoolChunk chunk = chunkAt(offset);
        chunk.arena.free(chunk, offset, sizeIndex);
    }

    private PoolChunk chunkAt(final long offset)
    {
        final int slot = (int)(offset >>> chunkShift);
        return slot < chunkBySlot.length() ? chunkBySlot.get(slot) : null;
    }

    private long allocatePooled(final PoolArena home, final int sizeIndex)
    {
        for (int attempt = 0; attempt < 2; attempt++)
        {
            long offset = home.allocate(sizeIndex, true);
            if (offset >= 0)
            {
                return offset;
            }
            for (final PoolArena arena : arenas)
            {
                if (arena != home)
                {
                    offset = arena.allocate(sizeIndex, false);
                    if (offset >= 0)
                    {
                        return offset;
                    }
                }
            }
            if (attempt == 0 && releaseUnusedChunks() == 0)
            {
                break;
            }
        }
        return -1;
    }

    private long allocateUnmovable(final PoolArena home, final int sizeIndex)
    {
        if (classes.isSmall(sizeIndex))
        {
            long offset = home.allocateUnmovableListed(sizeIndex);
            for (int i = 0; offset < 0 && i < arenas.length; i++)
            {
                offset = arenas[i] == home ? -1 : arenas[i].allocateUnmovableListed(sizeIndex);
            }
            if (offset >= 0)
            {
                return offset;
            }
        }
        // A new run: first give back what the calling thread caches and every unused subpage, so that room just
        // made (blocks moved out of the lowest window, their small elements cached) is seen free.
        trim();
        for (int slot = 0, n = chunkBySlot.length(); slot < n; slot++)
        {
            final PoolChunk chunk = chunkBySlot.get(slot);
            if (chunk != null)
            {
                final long offset = chunk.arena.allocateUnmovableIn(chunk, sizeIndex);
                if (offset >= 0)
                {
                    return offset;
                }
            }
        }
        return home.allocateUnmovableInNewChunk(sizeIndex);
    }

    private int ceilPages(final int bytes)
    {
        return (bytes + classes.pageBytes() - 1) >>> classes.pageShift();
    }

    private int releaseUnusedChunks()
    {
        int released = 0;
        for (final PoolArena arena : arenas)
        {
            released += arena.releaseUnused();
        }
        return released;
    }

    private long allocateDirect(final long size)
    {
        for (int attempt = 0; attempt < 2; attempt++)
        {
            synchronized (region)
            {
                final long offset = region.allocate(size);
                if (offset != ExtentAllocator.NO_SPACE)
                {
                    final long length = region.allocatedLength(offset);
                    directAllocations++;
                    directUsedBytes += length;
                    addUsed(length);
                    return offset | DIRECT_FLAG;
                }
            }
            if (attempt == 0 && releaseUnusedChunks() == 0)
            {
                break;
            }
        }
        failedAllocations.incrementAndGet();
        return NO_SPACE;
    }

    private void freeDirect(final long offset, final long handle)
    {
        final long length;
        synchronized (region)
        {
            final long allocated = region.allocatedLength(offset);
            if (allocated < 0 || chunkAt(offset) != null && chunkAt(offset).offset == offset)
            {
                throw new IllegalStateException("handle " + handle + " names no direct block in use at offset " +
                    offset + " (already freed, or never allocated)");
            }
            length = region.free(offset);
            directFrees++;
            directUsedBytes -= length;
        }
        addUsed(-length);
    }

    private void addUsed(final long bytes)
    {
        final long now = usedBytes.addAndGet(bytes);
        if (bytes > 0)
        {
            long peak = peakUsedBytes.get();
            while (now > peak && !peakUsedBytes.compareAndSet(peak, now))
            {
                peak = peakUsedBytes.get();
            }
        }
    }

    private PoolThreadCache threadCache()
    {
        PoolThreadCache cache = threadCache.get();
        if (cache == null)
        {
            reapDeadThreads();
            final PoolArena arena = arenas[Math.floorMod(nextArena.getAndIncrement(), arenas.length)];
            cache = new PoolThreadCache(Thread.currentThread(), arena, classes.count(), cacheLimits,
                trimIntervalAllocations, flushEpoch);
            synchronized (caches)
            {
                caches.add(cache);
            }
            threadCache.set(cache);
        }
        else if (cache.seenFlushEpoch != flushEpoch)
        {
            cache.seenFlushEpoch = flushEpoch;
            cache.releaseAll(this);
        }
        return cache;
    }

    private void reapDeadThreads()
    {
        final ArrayList<PoolThreadCache> dead = new ArrayList<>();
        synchronized (caches)
        {
            for (int i = caches.size() - 1; i >= 0; i--)
            {
                final PoolThreadCache cache = caches.get(i);
                if (!cache.owner.isAlive())
                {
                    caches.remove(i);
                    foldCounters(cache);
                    dead.add(cache);
                }
            }
        }
        for (final PoolThreadCache cache : dead)
        {
            cache.releaseAll(this);
        }
    }

    private void foldCounters(final PoolThreadCache cache)
    {
        for (int i = 0; i < retiredAllocations.length; i++)
        {
            retiredAllocations[i] += cache.allocations.get(i);
            retiredFrees[i] += cache.frees.get(i);
            retiredHits[i] += cache.cacheHits.get(i);
        }
    }

    private long[] chunkUsage()
    {
        final long[] usage = new long[3];
        for (final PoolArena arena : arenas)
        {
            arena.addUsage(usage);
        }
        return usage;
    }

    private int classIndexAtMost(final long bytes)
    {
        final int index = classes.index(Math.min(bytes, classes.chunkBytes()));
        return classes.size(index) <= bytes ? index : index - 1;
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("the size-class allocator is closed");
        }
    }

    /**
     * Configuration of a {@link SizeClassAllocator}, with documented defaults.
     */
    public static final class Context
    {
        /**
         * Default page: 8 KiB.
         */
        public static final int PAGE_BYTES_DEFAULT = 8 * 1024;

        /**
         * Default chunk: 4 MiB (capped at a quarter of the region, see {@link SizeClassAllocator}).
         */
        public static final int CHUNK_BYTES_DEFAULT = 4 * 1024 * 1024;

        /**
         * Default arena count: twice the available processors, at most 16.
         */
        public static final int ARENAS_DEFAULT = Math.min(16, 2 * Runtime.getRuntime().availableProcessors());

        /**
         * Default most blocks a thread cache holds per small class: 256.
         */
        public static final int THREAD_CACHE_ENTRIES_PER_CLASS_DEFAULT = 256;

        /**
         * Default most bytes a thread cache holds per small class: 256 KiB (capped at 1/1024 of the region).
         */
        public static final int THREAD_CACHE_BYTES_PER_CLASS_DEFAULT = 256 * 1024;

        /**
         * Default allocations by a thread between trims of its cache: 8192.
         */
        public static final int THREAD_CACHE_TRIM_INTERVAL_ALLOCATIONS_DEFAULT = 8192;

        private int pageBytes = PAGE_BYTES_DEFAULT;
        private int chunkBytes = CHUNK_BYTES_DEFAULT;
        private int arenas = ARENAS_DEFAULT;
        private int threadCacheEntriesPerClass = THREAD_CACHE_ENTRIES_PER_CLASS_DEFAULT;
        private int threadCacheBytesPerClass = THREAD_CACHE_BYTES_PER_CLASS_DEFAULT;
        private int threadCacheTrimIntervalAllocations = THREAD_CACHE_TRIM_INTERVAL_ALLOCATIONS_DEFAULT;

        /**
         * Checks the settings.
         *
         * @return this.
         * @throws ConfigurationException naming the bad setting.
         */
        public Context conclude()
        {
            if (Integer.bitCount(pageBytes) != 1 || pageBytes < 64 || pageBytes > 1024 * 1024)
            {
                throw new ConfigurationException("pageBytes=" + pageBytes + " must be a power of two from 64 to 1 MiB");
            }
            if (Integer.bitCount(chunkBytes) != 1 || chunkBytes < 16 * pageBytes || chunkBytes > (1 << 30))
            {
                throw new ConfigurationException("chunkBytes=" + chunkBytes + " must be a power of two from 16 pages (" +
                    16 * pageBytes + ") to 1 GiB");
            }
            if (arenas < 1 || arenas > 1024)
            {
                throw new ConfigurationException("arenas=" + arenas + " must be from 1 to 1024");
            }
            if (threadCacheEntriesPerClass < 0 || threadCacheBytesPerClass < 0)
            {
                throw new ConfigurationException("threadCacheEntriesPerClass=" + threadCacheEntriesPerClass +
                    " and threadCacheBytesPerClass=" + threadCacheBytesPerClass + " must be 0 (no cache) or more");
            }
            if (threadCacheTrimIntervalAllocations < 1)
            {
                throw new ConfigurationException("threadCacheTrimIntervalAllocations=" +
                    threadCacheTrimIntervalAllocations + " must be 1 or more");
            }
            return this;
        }

        /**
         * @param pageBytes the page in bytes, a power of two from 64 to 1 MiB; smaller on small regions.
         * @return this.
         */
        public Context pageBytes(final int pageBytes)
        {
            this.pageBytes = pageBytes;
            return this;
        }

        /**
         * @return the page in bytes.
         */
        public int pageBytes()
        {
            return pageBytes;
        }

        /**
         * @param chunkBytes the chunk in bytes, a power of two from 16 pages to 1 GiB; the largest pooled block.
         * @return this.
         */
        public Context chunkBytes(final int chunkBytes)
        {
            this.chunkBytes = chunkBytes;
            return this;
        }

        /**
         * @return the chunk in bytes.
         */
        public int chunkBytes()
        {
            return chunkBytes;
        }

        /**
         * @param arenas how many arenas, 1 to 1024.
         * @return this.
         */
        public Context arenas(final int arenas)
        {
            this.arenas = arenas;
            return this;
        }

        /**
         * @return how many arenas.
         */
        public int arenas()
        {
            return arenas;
        }

        /**
         * @param entries the most blocks a thread cache holds per small class; 0 disables thread caches.
         * @return this.
         */
        public Context threadCacheEntriesPerClass(final int entries)
        {
            this.threadCacheEntriesPerClass = entries;
            return this;
        }

        /**
         * @return the most blocks a thread cache holds per small class.
         */
        public int threadCacheEntriesPerClass()
        {
            return threadCacheEntriesPerClass;
        }

        /**
         * @param bytes the most bytes a thread cache holds per small class; 0 disables thread caches.
         * @return this.
         */
        public Context threadCacheBytesPerClass(final int bytes)
        {
            this.threadCacheBytesPerClass = bytes;
            return this;
        }

        /**
         * @return the most bytes a thread cache holds per small class.
         */
        public int threadCacheBytesPerClass()
        {
            return threadCacheBytesPerClass;
        }

        /**
         * @param allocations allocations by a thread between trims of its cache, 1 or more.
         * @return this.
         */
        public Context threadCacheTrimIntervalAllocations(final int allocations)
        {
            this.threadCacheTrimIntervalAllocations = allocations;
            return this;
        }

        /**
         * @return allocations by a thread between trims of its cache.
         */
        public int threadCacheTrimIntervalAllocations()
        {
            return threadCacheTrimIntervalAllocations;
        }
    }
}
