/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.AllocatorStats;
import io.tierpool.client.BlockFreedException;
import io.tierpool.client.ChecksumMismatchException;
import io.tierpool.client.ConfigurationException;
import io.tierpool.client.EngineTierStats;
import io.tierpool.client.EvictionPolicy;
import io.tierpool.client.Hint;
import io.tierpool.client.OutOfTierMemoryException;
import io.tierpool.client.OverflowPolicy;
import io.tierpool.client.PressureLevel;
import io.tierpool.client.PressureListener;
import io.tierpool.client.StoreStats;
import io.tierpool.client.TierKind;
import io.tierpool.client.TierStats;
import io.tierpool.node.tier.DeviceResidentTier;
import io.tierpool.node.tier.Tier;
import io.tierpool.node.tier.local.RamTier;
import io.tierpool.node.tier.local.TierSpace;
import io.tierpool.node.tier.local.VssdTier;
import io.tierpool.node.tier.local.VvramTier;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.LongArrayQueue;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The per-node block engine: a table of blocks spread over a hierarchy of tiers, RAM first, then VVRAM (tmpfs),
 * VSSD (local disk) and any extra tiers (far memory), with a {@link Mover} that demotes cold blocks, a
 * {@link Prefetcher} that promotes blocks ahead of use, and promotion back to RAM on access.
 * <p>
 * <b>Blocks.</b> {@link #allocate(long, Hint)} returns a positive id for a zero-filled block of a fixed size.
 * {@link #read}/{@link #write} copy bytes in and out; {@link #pin(long)} hands out a zero-copy view in RAM;
 * {@link #free(long)} deletes the block. Reading, writing or pinning a block that is not in RAM promotes it to
 * RAM first, room being made there by demoting movable blocks in the demotion order below (by the mover when it
 * runs, see threading; else by the caller, and if the tier below is full, blocks from it, and so on down); a block that cannot be brought into RAM (larger than RAM's hard cap, or
 * RAM holds only pinned blocks) is read and written through a staging buffer where it lies.
 * {@link #moveTo(long, TierKind)} moves a block to a named tier (TierAlloc's {@code ta_move}).
 * <p>
 * <b>DEVICE tier</b> (optional, {@link StoreContext#deviceTier(DeviceResidentTier)}): GPU memory, placed above RAM
 * (it is then the first tier of the hierarchy and of the statistics). {@link Hint#DEVICE} places a block there
 * when the tier takes it under its hard cap, else like HOT (counted, {@link StoreStats#deviceFallbacks()}).
 * {@link #pinOnDevice(long)} returns a {@link StoreDevicePinnedBlock} with the block's device address, moving the
 * block into the DEVICE tier first if it is elsewhere (demoting the tier's coldest movable blocks to make room):
 * this is how a device access brings a demoted block back. While pinned on the device a block does not move.
 * Host access to a DEVICE block does not move it: reads copy it out of the tier through the staging buffer, writes
 * rewrite it there through the staging buffer (a new copy, then the old one is freed; refused while the block is
 * pinned on the device); {@link #pin(long)} and {@code moveTo(RAM)} bring it to RAM. Above its soft cap the mover
 * demotes the DEVICE tier's coldest unpinned blocks to RAM (or the first tier below with room) like any tier's.
 * Device memory can be changed by kernels, so the checksum of a block pinned on the device is taken afresh when its
 * bytes next leave the device, not verified. Without a DEVICE tier {@link Hint#DEVICE} is HOT and
 * {@link #pinOnDevice(long)} throws {@link IllegalStateException} quoting
 * {@link StoreContext#deviceUnavailableReason(String)}.
 * <p>
 * <b>Caps and overflow</b> (TierAlloc's soft and hard limits). Each tier has a <em>hard cap</em>
 * ({@link StoreContext#hardCapBytes(TierKind, long)}, default its capacity): its used bytes, alignment padding
 * included, never pass it, whatever moves a block there (allocation, promotion, demotion, {@code moveTo}). Each
 * tier has a <em>soft cap</em> ({@link StoreContext#softCapBytes(TierKind, long)}, default {@code highWatermark *
 * hardCap}): at or above it the mover demotes the tier's coldest blocks down to the <em>drain target</em>
 * ({@code lowWatermark * hardCap} with the default soft cap, else {@code softCap * lowWatermark / highWatermark}). When an allocation's tier cannot take the block under its hard
 * cap, the {@link OverflowPolicy} decides: {@link OverflowPolicy#SPILL_TO_NEXT} (default) makes room by demoting
 * (where the hint allows) and otherwise routes the block to the next tier with room;
 * {@link OverflowPolicy#FAIL} throws {@link OutOfTierMemoryException} naming the size, tier, cap and remedy.
 * <p>
 * <b>Placement</b> ({@link Hint}, after TierAlloc). DEVICE: the DEVICE tier if it has room now, else as HOT.
 * HOT, WARM, PIN_FAST: RAM, demoting others to make room;
 * PREFER_FAST: RAM if it has room now, else the first tier below with room, never demoting others; COLD: the
 * first tier below RAM with room, RAM only if none. A block larger than a tier's hard cap skips that tier.
 * <p>
 * <b>Demotion order.</b> Within a tier the mover (and making room) takes, in this order: COLD blocks, then WARM
 * and PREFER_FAST blocks, then HOT blocks; never pinned blocks or PIN_FAST blocks. Within each of the three
 * classes the {@link EvictionPolicy} orders them: {@link EvictionPolicy#LRU} (default) least recently used
 * first; {@link EvictionPolicy#CLOCK} oldest arrival in the tier first, skipping (and clearing the bit of)
 * blocks referenced since the hand last passed them. At most four candidates that a lower tier could hold are
 * tried per demotion.
 * <p>
 * <b>Pressure levels</b> (RingKernel). Each tier's level grades its used bytes {@code u} against its hard cap
 * {@code H}, soft cap {@code S} and drain target {@code D}, as {@link PressureLevel} defines them (the one
 * definition): NORMAL {@code u < D}; ELEVATED {@code D <= u < S}; WARNING {@code S <= u < 0.95 H}; CRITICAL
 * {@code max(S, 0.95 H) <= u < H}; OUT_OF_MEMORY {@code u >= H}. Levels are re-evaluated after every operation
 * that allocates or frees tier space; {@link #addPressureListener(PressureListener) listeners} hear of each change (threading in
 * {@link PressureListener}).
 * <p>
 * <b>Prefetch.</b> {@link #prefetchAsync(long)} queues a block for the {@link Prefetcher} agent (own thread
 * {@value Prefetcher#ROLE_NAME}); {@link #prefetch(long)} promotes synchronously. After
 * {@link #SEQUENTIAL_RUN_TRIGGER} + 1 reads, writes or pins of consecutive block ids (n, n+1, n+2) the store
 * queues the next {@link StoreContext#prefetchDepth(int)} ids itself (requests the scan has passed before their turn
 * are dropped). An access that finds a prefetched block still in RAM counts as a prefetch hit; an access to a
 * block the prefetcher is reading at that moment waits for that read instead of reading the block again, and
 * counts as a hit too. When RAM has no room for the next prefetch, the prefetcher first demotes one block out of
 * RAM itself, writing it without the engine lock as the mover does. The detector follows one sequence per store: interleaved scans by several
 * threads break it.
 * <p>
 * <b>Retained clean copies</b> ({@link StoreContext#retainCleanCopies(boolean)}, default on; the inclusive caching of
 * CPU caches and of ZFS's ARC/L2ARC for clean data). A block promoted to RAM from VVRAM, VSSD or any
 * {@link Tier#concurrentIo() concurrent} extra tier (far memory) keeps its copy there while it is unchanged; demoting it again (mover, making room, {@code moveTo} that tier) switches it back to that
 * copy with no checksum pass and no write ({@link StoreStats#copyReturns()}), so a block that is only read moves
 * down for free. The copy is dropped when the block is written or pinned, moves anywhere else or is freed, and
 * first of all when its tier needs room: the mover drains retained copies before it demotes anything, and a write
 * into a tier that does not fit drops them and tries again, so copies never stop a block from being placed. They
 * count in their tier's used bytes, blocks and pressure level ({@link StoreStats#retainedCopies()}).
 * <p>
 * <b>Statistics.</b> {@link #stats()}: per tier capacity, caps, used, peak, blocks, counters.allocations, counters.frees, blocks
 * and bytes demoted and promoted, prefetches issued and hit, pinned blocks, pressure level and HdrHistogram
 * latencies (ns, lock wait included) of allocate, read and write ({@link EngineTierStats}).
 * <p>
 * <b>Integrity.</b> When a block leaves RAM its CRC32C is computed (over the RAM bytes, without copying) and kept
 * in the block table; when its bytes come back into RAM, or are staged for access, they are verified (by a tier
 * that checks its own reads against that checksum, {@link Tier#verifiesReads()}, as far memory does in the
 * transport's pass over the bytes, for promotions and prefetches; by the engine otherwise). A mismatch
 * throws {@link ChecksumMismatchException}, is counted, and leaves the block where it was; wrong bytes are never
 * returned. A move writes the destination first and frees the source only after the write succeeded.
 * <p>
 * <b>Threading.</b> Thread-safe. One engine lock guards the blocks' entries ({@link BlockEntry}: tier, location,
 * version, state, lists), the tiers' bookkeeping ({@link TierSlot}) and the prefetch queue; it is held for a few
 * field updates and memory copies, never across the I/O of a tier below RAM or of the DEVICE tier (a tier that is not
 * {@link Tier#concurrentIo() concurrent} is called under its slot's I/O lock instead). The block table
 * ({@link BlockTable}) is striped by id ({@link StoreContext#blockTableStripes(int)}, default 64), each stripe with
 * its own map and small lock; lock order: engine lock, then a stripe lock, held for a few instructions. A stripe
 * lock guards its map (changed under both locks) and the fields the RAM fast path shares: every change of an
 * entry's state, tier, location or version is made under it too. Who holds what:
 * <ul>
 *     <li><b>The RAM fast path</b> ({@link FastAccess}): a read or write of a block settled in RAM takes its stripe
 *     lock only to register the access (a write bumps the version), copies with no lock held and ends it under the
 *     stripe lock: threads on different blocks never wait for each other, nor for the engine lock. A RAM extent a
 *     block leaves while fast accesses are in it is freed by the last of them; a move commits only with no fast
 *     write in flight and the version it staged; a locked move out of RAM fences the block first. Accesses reach
 *     the LRU/CLOCK lists through lossy per-stripe buffers applied under the engine lock (BP-Wrapper). A block not
 *     settled in RAM (moving, promoting, just prefetched, below RAM, DEVICE), or a write to one with a retained
 *     copy below, takes the locked path, whose copies in RAM register with the fast path the same way.</li>
 *     <li><b>Application threads</b> otherwise hold it to look a block up, to copy bytes in or out and to commit. A
 *     promotion on access (read, write, pin, {@code moveTo(RAM)}, {@link #prefetch(long)}) reserves RAM under it,
 *     marks the block {@link BlockEntry.State#PROMOTING} and releases it while it reads and verifies the copy; a
 *     second accessor of that block waits on the settle condition (the lock released), threads on other blocks do
 *     not wait. An access to a block that cannot come to RAM, a host read or write of a DEVICE block, reads (and
 *     for a write, rewrites) it where it lies through a staging copy of its own, the same way. A new block placed
 *     below RAM is written before it is inserted, without the lock. {@link #free(long)} unlinks under the lock and
 *     frees tier copies below RAM after releasing it (as does every drop of a retained copy). With the mover
 *     running, an application thread never demotes: when RAM has no room it asks the mover and waits on a condition
 *     up to {@link StoreContext#ramRoomWaitNs()} (the lock released), or places the block below as its hint says.
 *     With the mover not started, the caller drives it: it makes the room itself with the move protocol (its
 *     demotions out of RAM, the cascade out of a full tier below and {@link RoomMaker}'s window demotions write
 *     their copies without the lock, {@link Relocator#demoteOne(int, boolean)}).</li>
 *     <li><b>The mover</b> ({@link Mover}) and its {@link StoreContext#ioWorkers(int) I/O workers} (default 2)
 *     demote with the move protocol: under the lock choose a block (or a batch of small ones,
 *     {@link StoreContext#demotionBatchBytes(int)}), mark it {@link BlockEntry.State#DEMOTING} and stage it (from
 *     RAM: memory copies); without the lock take missing checksums and write it to the slower tier in one call
 *     ({@link Tier#writeBatch}); under the lock commit each block whose entry, state, tier, location and version are
 *     unchanged, else free the new copy ({@link StoreStats#movesAbandoned()}). A cascade when the tier below is
 *     full, and a window emptied by {@link RoomMaker}, use the same protocol one block at a time, and so do the
 *     DEVICE tier's demotions (read from the device through its I/O lock).</li>
 *     <li><b>The prefetcher</b> ({@link Prefetcher}) promotes with the same protocol as an access: reserve RAM
 *     under the lock, read and verify without it, commit if unchanged.</li>
 *     <li><b>Statistics</b> ({@link #stats()}, {@link #tierStats()}) take no engine lock: counters are written
 *     under it and read without it, per tier pinned counts are kept as blocks change, latency histograms have
 *     their own monitors.</li>
 * </ul>
 * <b>DEVICE.</b> The DEVICE tier keeps copies apart by location (a copy's location is its device address), so
 * {@code moveTo(DEVICE)}, {@link #pinOnDevice(long)} and the demotions that make room there
 * ({@link DeviceSupport#promoteToDevice}), promotions from it to RAM ({@link #pin(long)}, {@code moveTo(RAM)}),
 * {@link Hint#DEVICE} placement and host reads and writes of its blocks ({@link BlockAccess#accessInPlace}; a write
 * makes room next to the old copy with {@link DeviceSupport#writeWithRoom}) follow the move protocol too; the
 * device is called under its slot's I/O lock. <b>Extra tiers that are not concurrent</b> may key copies by block
 * id: they are called under their slot's I/O lock too, the block marked moving, and their late frees go through
 * {@link KeyedCopies} (the contract in {@link Tier#concurrentIo()}). At most one move of a block is in flight.
 * <p>
 * <b>Tier calls still made under the engine lock</b> (since 2026-12-07 only these): frees of RAM and DEVICE copies
 * (bookkeeping: an extent back to the allocator or the device pool); and moves made by a caller that holds the lock
 * re-entrantly, by {@code moveTo} after {@link Relocator#MAX_UNLOCKED_MOVE_ATTEMPTS} abandoned tries (a writer that
 * never pauses) and by the cascades these start: they write under it (a non-concurrent tier's I/O lock taken
 * inside it), free the source of a cascaded move at once for its room, and cannot use the room of retained copies
 * they drop (freed once the lock is released). Everything else, retained-copy drops for room included, frees
 * below RAM after the lock is released. {@link #close()} marks the store closed under it and closes its own tiers
 * after releasing it, once the agents and every unlocked call stopped. Lock order: engine lock, then I/O lock. A
 * block leaves RAM without a checksum pass when it was not written or pinned since its checksum was last taken or
 * verified. {@link StorePinnedBlock} views are used without the lock. Pressure listeners run, and queued tier frees
 * are made, after the lock is released.
 * <p>
 * <b>Parts.</b> This class is the public API façade, construction and close; it keeps the state the parts share
 * (the engine lock and its conditions, the block table, the tier slots, the counters, the closed flag, the deferred
 * frees and {@code unlockAndNotify}) and hands the work to package-private parts with one job each, every one
 * holding a final reference to the store (no lambdas or allocation per call):
 * <ul>
 *     <li>{@link Placement}: where a new block goes, filling it, reserving or waiting for room in RAM;</li>
 *     <li>{@link BlockAccess}: copying bytes in and out, in RAM or in place through a staging copy;</li>
 *     <li>{@link Promoter}: bringing a block back to RAM, one waiter per block being promoted;</li>
 *     <li>{@link MoveProtocol}: the mover's half of the move protocol (choose, stage, write unlocked, commit);</li>
 *     <li>{@link Relocator}: moving one block between tiers outside the mover's batches ({@code moveTo}, making
 *     room, cascades, DEVICE moves) and the switch-over every move ends with;</li>
 *     <li>{@link Staging}: the staging buffer of moves and accesses made under the lock, checksums, verification;</li>
 *     <li>{@link Pins}: pinning in RAM and on the device, unpinning, the open views;</li>
 *     <li>{@link RetainedCopies}: clean copies kept below RAM and switched back to;</li>
 *     <li>{@link DeviceSupport}: the DEVICE tier (placement, moving a block there, pin checks);</li>
 *     <li>{@link PrefetchScheduler}: sequence detection, the prefetch queue's requests, prefetch steps;</li>
 *     <li>{@link StoreStatistics}: the statistics snapshots; {@link FastAccess}: the RAM fast path;</li>
 *     <li>and apart already: {@link StoreContext}/{@link StoreConfiguration} (configuration), {@link Mover},
 *     {@link Prefetcher}, {@link IoWorkers}, {@link IoScratch}, {@link ScratchPool}, {@link StoreCounters}, {@link
 *     DeferredFrees}, {@link TierSlot}, {@link BlockTable}, {@link BlockEntry}, {@link RoomMaker}, {@link PressureMonitor}.</li>
 * </ul>
 * <b>Size.</b> This class is still over the ~800 lines the project aims for, for one reason: it is the public API,
 * documented line for line as the project's style asks. About 190 lines are this comment (the engine's contract in
 * one place: placement, caps, demotion order, pressure, prefetch, retained copies, integrity, threading) and about
 * 500 the javadoc of the public methods; the code is the argument checks, the lock, the lookup and the hand-over to
 * a part for each public method, construction, close, and the state the parts share. Splitting the public methods'
 * bodies further would move only those few lines each.
 * <p>
 * <b>Ownership.</b> The store opens, owns and closes its RAM, VVRAM and VSSD tiers, the per-process directories
 * of their files and its mover and prefetcher threads. Tiers passed with {@link StoreContext#extraTiers(List)} and
 * the DEVICE tier passed with {@link StoreContext#deviceTier(DeviceResidentTier)} are owned by the caller: the store
 * frees the blocks it placed in them when it closes, but does not close them.
 * <pre>{@code
 * try (BlockStore store = new BlockStore(new StoreContext()
 *     .ramCapacityBytes(64L << 20)
 *     .hardCapBytes(TierKind.RAM, 48L << 20)
 *     .overflowPolicy(OverflowPolicy.SPILL_TO_NEXT)))
 * {
 *     final long id = store.allocate(4096, Hint.WARM);
 *     store.write(id, 0, new byte[]{ 1, 2, 3 }, 0, 3);
 *     store.prefetchAsync(id);
 * }
 * }</pre>
 */
public final class BlockStore implements AutoCloseable
{
    // Slot indices: the DEVICE tier (if any) is slot 0 and RAM follows it; without one RAM is slot 0.
    static final int DEMOTE_DONE = 0;
    static final int DEMOTE_MOVED = 1;
    static final int DEMOTE_STUCK = -1;
    static final int PREFETCH_QUEUE_EMPTY = -1;
    static final int PREFETCH_SKIPPED = 0;
    static final int PREFETCH_DONE = 1;

    /**
     * Consecutive block ids accessed one after the other (beyond the first) after which the store prefetches
     * ahead: 2, i.e. on the third of ids {@code n, n+1, n+2}.
     */
    public static final int SEQUENTIAL_RUN_TRIGGER = 2;

    /** {@link Placement#allocateInRam}: take RAM only if it has room now. */
    static final int ROOM_NONE = 0;
    /** {@link Placement#allocateInRam}: make room by demoting under the lock (the mover's and prefetcher's threads). */
    static final int ROOM_CASCADE = 1;
    /** {@link Placement#allocateInRam}: an application thread; waits for the mover to make room (see ramRoomWaitNs). */
    static final int ROOM_WAIT = 2;

    final StoreContext ctx;
    final String nodeName;
    final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a block leaves {@link BlockEntry.State#PROMOTING}: its accessors wait on it. */
    final Condition settled = lock.newCondition();
    /** Tier copies unlinked under the lock, freed by the next thread that releases it (guarded by the lock). */
    DeferredFrees pendingFrees = new DeferredFrees();
    private final ThreadLocal<DeferredFrees> spareFrees = ThreadLocal.withInitial(DeferredFrees::new);
    final ScratchPool scratchPool = new ScratchPool();
    /** Signalled when RAM may have room for threads waiting for it ({@link Placement#awaitRoom}). */
    final Condition roomMade = lock.newCondition();
    /** Bytes and number of threads waiting for room in RAM (guarded by the lock); the mover makes room for them. */
    long roomWantedBytes;
    int roomWaiters;
    /** Tier I/O in flight without the lock that close waits for (promotions, moves, accesses, placements; lock). */
    int promotionsInFlight;
    final BlockTable blocks;
    final FastAccess fastAccess;
    final Staging staging = new Staging(this);
    final Relocator relocator = new Relocator(this);
    final RoomMaker roomMaker;
    final TierSlot[] slots;
    /** The tiers' allocator statistics as they were when the store closed (guarded by the lock); null while open. */
    AllocatorStats[] closedAllocatorStats;
    final int ramIndex;
    final int deviceIndex;
    final RamTier ram;
    final NanoClock nanoClock;
    final PressureMonitor pressure;
    private final Prefetcher prefetcher;
    private final AgentRunner prefetcherRunner;
    final LongArrayQueue prefetchQueue = new LongArrayQueue(-1L);
    final AtomicLong prefetchErrors = new AtomicLong();
    final UnsafeBuffer accessView = new UnsafeBuffer(new byte[0]);
    final UnsafeBuffer victimView = new UnsafeBuffer(new byte[0]);
    private final IoScratch moverScratch = new IoScratch();
    private final IoScratch prefetchScratch = new IoScratch();
    private final Mover mover;
    final IoWorkers ioWorkers;
    final AgentRunner moverRunner;
    final AtomicLong moverErrors = new AtomicLong();
    final AtomicLong moverStuck = new AtomicLong();

    private long nextBlockId = 1;
    /** Store-wide counters: written under the lock, read by stats() without it. */
    final StoreCounters counters = new StoreCounters();
    boolean usageChanged;
    /**
     * The initial bytes of the block being allocated (at most one of buffer and array; guarded by the lock). They
     * belong to whichever allocation holds the lock: a placement that releases it (an unlocked write below RAM, a
     * wait for room in RAM) keeps its own and puts them back when it holds the lock again.
     */
    DirectBuffer initialBuffer;
    byte[] initialArray;
    int initialOffset;
    int initialLength;
    volatile Runnable unlockedWriteHook;
    volatile boolean closed;
    final StoreStatistics statistics = new StoreStatistics(this);
    final PrefetchScheduler prefetchScheduler = new PrefetchScheduler(this);
    final DeviceSupport deviceSupport = new DeviceSupport(this);
    final RetainedCopies retainedCopies = new RetainedCopies(this);
    final Promoter promoter = new Promoter(this);
    final Placement placement = new Placement(this);
    final BlockAccess access = new BlockAccess(this);
    final MoveProtocol moveProtocol = new MoveProtocol(this);
    final Pins pins = new Pins(this);

    /**
     * Opens a store: validates the context ({@link StoreContext#conclude()}), opens the local tiers (allocating and
     * pre-touching RAM, reserving VVRAM on its tmpfs, creating the VSSD spill file; removing stale directories
     * of dead processes on the way) and starts the mover unless told not to.
     *
     * @param ctx the configuration; concluded here and not to be reused.
     * @throws ConfigurationException if a setting is invalid or a tier cannot be opened as configured: the VVRAM or
     *                                VSSD capacity is more than the usable space of the filesystem under its
     *                                directory, or the two together more than the filesystem they share
     *                                ({@link TierSpace#check}, the node daemon's check too), checked before any
     *                                tier opens.
     */
    public BlockStore(final StoreContext ctx)
    {
        ctx.conclude();
        TierSpace.check(
            TierSpace.Setting.of("VVRAM", ctx.vvramCapacityBytes(), ctx.vvramDir(),
                "vvramCapacityBytes (" + StoreConfiguration.VVRAM_CAPACITY_PROP_NAME + ")",
                "vvramDir (" + StoreConfiguration.VVRAM_DIR_PROP_NAME + ")"),
            TierSpace.Setting.of("VSSD", ctx.vssdCapacityBytes(), ctx.vssdDir(),
                "vssdCapacityBytes (" + StoreConfiguration.VSSD_CAPACITY_PROP_NAME + ")",
                "vssdDir (" + StoreConfiguration.VSSD_DIR_PROP_NAME + ")"));
        this.ctx = ctx;
        this.nodeName = ctx.nodeName();
        this.blocks = new BlockTable(ctx.blockTableStripes());
        this.roomMaker = new RoomMaker(blocks, relocator::demoteFromRam);
        this.nanoClock = ctx.nanoClock();
        this.pressure = new PressureMonitor(ctx.errorHandler());

        final List<TierSlot> opened = new ArrayList<>();
        try
        {
            if (ctx.deviceTier() != null)
            {
                opened.add(newSlot(opened.size(), ctx.deviceTier(), false));
            }
            ram = new RamTier(ctx.ramCapacityBytes());
            opened.add(newSlot(opened.size(), ram, true));
            final long startMillis = ctx.epochClock().time();
            if (ctx.vvramCapacityBytes() > 0)
            {
                opened.add(newSlot(
                    opened.size(), new VvramTier(ctx.vvramDir(), ctx.vvramCapacityBytes(), startMillis), true));
            }
            if (ctx.vssdCapacityBytes() > 0)
            {
                opened.add(newSlot(
                    opened.size(), new VssdTier(ctx.vssdDir(), ctx.vssdCapacityBytes(), startMillis), true));
            }
            for (final Tier tier : ctx.extraTiers())
            {
                opened.add(newSlot(opened.size(), tier, false));
            }
        }
        catch (final RuntimeException | Error ex)
        {
            closeOwnedQuietly(opened);
            throw ex;
        }

        slots = opened.toArray(new TierSlot[0]);
        deviceIndex = ctx.deviceTier() != null ? 0 : -1;
        ramIndex = deviceIndex + 1;
        fastAccess = new FastAccess(this, blocks, ramIndex);
        // Only the DEVICE tier's demotions write into RAM without the engine lock; without one, every call into
        // RAM is made under the engine lock and needs no I/O lock of its own.
        slots[ramIndex].engineLockOnly = deviceIndex < 0;
        for (final TierSlot slot : slots)
        {
            slot.pressureLevel = slot.computePressure();
        }

        ioWorkers = ctx.ioWorkers() > 0 && (ctx.startMover() || ctx.startPrefetcher()) ?
            new IoWorkers(ctx.ioWorkers(), 2 * ctx.ioWorkers(), ctx.errorHandler(), nodeName) : null;
        prefetcher = new Prefetcher(this, prefetchScratch, ctx.startPrefetcher() ? ioWorkers : null);
        mover = new Mover(this, ctx.nanoClock(), ctx.moverStuckBackoffNs(), slots.length, moverScratch,
            ctx.startMover() ? ioWorkers : null);
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
        if (ctx.startPrefetcher())
        {
            prefetcherRunner = new AgentRunner(ctx.prefetcherIdleStrategy(), ctx.errorHandler(), null, prefetcher);
            AgentRunner.startOnThread(prefetcherRunner, (runnable) ->
            {
                final Thread thread = new Thread(runnable);
                thread.setDaemon(true);
                return thread;
            });
        }
        else
        {
            prefetcherRunner = null;
        }
    }

    private TierSlot newSlot(final int index, final Tier tier, final boolean owned)
    {
        final TierKind kind = tier.kind();
        final long hardCap = ctx.hardCapBytes(kind);
        final long softCap = ctx.softCapBytes(kind);
        if (owned && hardCap > tier.capacityBytes())
        {
            tier.close();
            throw new ConfigurationException("hardCapBytes(" + kind + ")=" + hardCap + " exceeds the tier's " +
                "capacity of " + tier.capacityBytes() + " bytes on node " + nodeName + "; use at most the capacity " +
                "or 0 for the capacity");
        }
        if (softCap > 0 && softCap > (hardCap == 0 ? tier.capacityBytes() : hardCap))
        {
            if (owned)
            {
                tier.close();
            }
            throw new ConfigurationException("softCapBytes(" + kind + ")=" + softCap + " exceeds the tier's hard " +
                "cap of " + (hardCap == 0 ? tier.capacityBytes() : hardCap) + " bytes on node " + nodeName +
                "; the soft cap (where demotion starts) must not pass the hard cap");
        }
        return new TierSlot(
            index, tier, owned, softCap, hardCap, ctx.lowWatermark(), ctx.highWatermark(), ctx.evictionPolicy());
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
     * Allocates a zero-filled block (its bytes undefined where {@link StoreContext#zeroFill(boolean)} is off), placed
     * as the hint says (see {@link Hint}).
     *
     * @param sizeBytes the block's size in bytes, from 1 to {@link StoreContext#maxBlockBytes()}.
     * @param hint      where the block should live; not null.
     * @return the block's id, a positive number never reused by this store.
     * @throws IllegalArgumentException  if the size is out of range or the hint is null.
     * @throws OutOfTierMemoryException if no tier can hold the block under its hard cap even after demoting
     *                                   others (or, for {@link Hint#PIN_FAST}, RAM cannot); with
     *                                   {@link OverflowPolicy#FAIL}, if the tier the hint asks for cannot take
     *                                   it under its hard cap now. The message names the size, the tiers, their
     *                                   caps and usage, and what to do.
     * @throws IllegalStateException     if the store is closed.
     */
    public long allocate(final long sizeBytes, final Hint hint)
    {
        return allocateBlock(sizeBytes, hint, null, null, 0, 0);
    }

    /**
     * Allocates a block whose first {@code length} bytes are copied from {@code src} and whose other bytes are
     * zero-filled (left undefined where {@link StoreContext#zeroFill(boolean)} is off), placed as the hint says (see
     * {@link Hint}). The same result as {@link #allocate(long, Hint)} followed by
     * {@link #write(long, long, DirectBuffer, int, int)} at offset 0, in one step and without the fill of the
     * bytes the copy then overwrites. The arguments are checked before the engine is touched: on an
     * {@link IllegalArgumentException} or {@link IndexOutOfBoundsException} no block was created or moved. As
     * with {@link #allocate(long, Hint)}, an {@link OutOfTierMemoryException} creates no block but may leave
     * other blocks demoted by the attempt to make room (their bytes unchanged). {@code src} is read under the
     * engine lock and not kept.
     *
     * @param sizeBytes the block's size in bytes, from 1 to {@link StoreContext#maxBlockBytes()}.
     * @param hint      where the block should live; not null.
     * @param src       the block's initial bytes; not null.
     * @param srcOffset offset in {@code src} of the first byte.
     * @param length    bytes to copy, from 0 to {@code sizeBytes}.
     * @return the block's id, a positive number never reused by this store.
     * @throws IllegalArgumentException  if the size is out of range, the hint or source is null, or
     *                                   {@code length} is negative or larger than {@code sizeBytes}.
     * @throws IndexOutOfBoundsException if {@code [srcOffset, srcOffset + length)} lies outside {@code src}.
     * @throws OutOfTierMemoryException if no tier can hold the block; see {@link #allocate(long, Hint)}.
     * @throws IllegalStateException     if the store is closed.
     */
    public long allocate(
        final long sizeBytes, final Hint hint, final DirectBuffer src, final int srcOffset, final int length)
    {
        if (src == null)
        {
            throw new IllegalArgumentException("source buffer must not be null for a block of " + sizeBytes +
                " bytes on node " + nodeName);
        }
        checkInitialLength(sizeBytes, length);
        src.boundsCheck(srcOffset, length);
        return allocateBlock(sizeBytes, hint, src, null, srcOffset, length);
    }

    /**
     * Allocates a block whose first {@code length} bytes are copied from an array; see
     * {@link #allocate(long, Hint, DirectBuffer, int, int)}.
     *
     * @param sizeBytes the block's size in bytes, from 1 to {@link StoreContext#maxBlockBytes()}.
     * @param hint      where the block should live; not null.
     * @param src       the block's initial bytes; not null.
     * @param srcOffset offset in {@code src} of the first byte.
     * @param length    bytes to copy, from 0 to {@code sizeBytes}.
     * @return the block's id, a positive number never reused by this store.
     * @throws IllegalArgumentException  if the size is out of range, the hint or source is null, or
     *                                   {@code length} is negative or larger than {@code sizeBytes}.
     * @throws IndexOutOfBoundsException if {@code [srcOffset, srcOffset + length)} lies outside {@code src}.
     * @throws OutOfTierMemoryException if no tier can hold the block; see {@link #allocate(long, Hint)}.
     * @throws IllegalStateException     if the store is closed.
     */
    public long allocate(final long sizeBytes, final Hint hint, final byte[] src, final int srcOffset, final int length)
    {
        if (src == null)
        {
            throw new IllegalArgumentException("source array must not be null for a block of " + sizeBytes +
                " bytes on node " + nodeName);
        }
        checkInitialLength(sizeBytes, length);
        if (srcOffset < 0 || srcOffset > src.length - length)
        {
            throw new IndexOutOfBoundsException("source range [" + srcOffset + ", " + ((long)srcOffset + length) +
                ") is outside the source array of " + src.length + " bytes for a new block of " + sizeBytes +
                " bytes on node " + nodeName);
        }
        return allocateBlock(sizeBytes, hint, null, src, srcOffset, length);
    }

    private IllegalArgumentException nullBuffer(final long blockId, final String what, final String purpose)
    {
        return new IllegalArgumentException(what + " must not be null for block " + blockId + " on node " +
            nodeName + ": pass the bytes " + purpose);
    }

    private void checkInitialLength(final long sizeBytes, final int length)
    {
        if (length < 0 || length > sizeBytes)
        {
            throw new IllegalArgumentException("initial length " + length + " bytes must be from 0 to the size " +
                "of the new block, " + sizeBytes + " bytes, on node " + nodeName);
        }
    }

    private long allocateBlock(
        final long sizeBytes,
        final Hint hint,
        final DirectBuffer srcBuffer,
        final byte[] srcArray,
        final int srcOffset,
        final int length)
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

        final long startNs = nanoClock.nanoTime();
        lock.lock();
        try
        {
            ensureOpen();
            // The id is taken now: placing the block below RAM releases the lock while it writes the block.
            final BlockEntry entry = new BlockEntry(nextBlockId++, (int)sizeBytes, hint);
            initialBuffer = srcBuffer;
            initialArray = srcArray;
            initialOffset = srcOffset;
            initialLength = length;
            final boolean placed;
            try
            {
                placed = placement.place(entry);
            }
            finally
            {
                initialBuffer = null;
                initialArray = null;
                initialLength = 0;
            }
            if (!placed)
            {
                throw outOfMemory(entry, "no tier can hold block of " + sizeBytes + " bytes (hint " + hint + ")");
            }
            blocks.put(entry);
            if (!entry.isMovable())
            {
                slots[entry.tier].pinnedBlocks++;
            }
            counters.allocations++;
            counters.logicalBytes += entry.size;
            final TierSlot slot = slots[entry.tier];
            slot.allocations++;
            slot.recordLatency(slot.allocateLatency, nanoClock.nanoTime() - startNs);
            return entry.id;
        }
        finally
        {
            unlockAndNotify();
        }
    }

    /**
     * Copies bytes from a buffer into a block, promoting the block to RAM first if it is in a lower tier. A block
     * in the DEVICE tier is rewritten there through a staging copy (making room for the new copy by demoting the
     * tier's coldest other blocks; if it still has none, the rewritten copy goes to RAM or below).
     *
     * @param blockId     the block.
     * @param blockOffset offset in the block of the first byte to write.
     * @param src         the source buffer; not null.
     * @param srcOffset   offset in {@code src} of the first byte.
     * @param length      number of bytes, 0 or more.
     * @throws IllegalArgumentException   if {@code src} is null.
     * @throws BlockFreedException        if the block was freed or never allocated here.
     * @throws IndexOutOfBoundsException  if the range lies outside the block or the source.
     * @throws ChecksumMismatchException  if the block's bytes came back from a lower tier damaged.
     * @throws OutOfTierMemoryException   if the block cannot be brought into RAM and no tier has room for the
     *                                    rewritten copy.
     * @throws IllegalStateException      if the block is pinned on the device ({@link #pinOnDevice(long)}), or
     *                                    the store is closed.
     */
    public void write(final long blockId, final long blockOffset, final DirectBuffer src, final int srcOffset, final int length)
    {
        if (null == src)
        {
            throw nullBuffer(blockId, "source buffer", "to copy from");
        }
        access.write(blockId, blockOffset, src, null, srcOffset, length);
    }

    /**
     * Copies bytes from an array into a block; see {@link #write(long, long, DirectBuffer, int, int)}.
     *
     * @param blockId     the block.
     * @param blockOffset offset in the block of the first byte to write.
     * @param src         the source array; not null.
     * @param srcOffset   offset in {@code src} of the first byte.
     * @param length      number of bytes, 0 or more.
     * @throws IllegalArgumentException if {@code src} is null.
     */
    public void write(final long blockId, final long blockOffset, final byte[] src, final int srcOffset, final int length)
    {
        if (null == src)
        {
            throw nullBuffer(blockId, "source array", "to copy from");
        }
        access.write(blockId, blockOffset, null, src, srcOffset, length);
    }

    /**
     * Copies bytes from a block into a buffer, promoting the block to RAM first if it is in a lower tier. A block
     * in the DEVICE tier stays there and is copied out through a staging copy.
     *
     * @param blockId     the block.
     * @param blockOffset offset in the block of the first byte to read.
     * @param dst         the destination buffer; not null.
     * @param dstOffset   offset in {@code dst} of the first byte.
     * @param length      number of bytes, 0 or more.
     * @throws IllegalArgumentException  if {@code dst} is null.
     * @throws BlockFreedException       if the block was freed or never allocated here.
     * @throws IndexOutOfBoundsException if the range lies outside the block or the destination.
     * @throws ChecksumMismatchException if the block's bytes came back from a lower tier damaged; {@code dst} may
     *                                   then hold partial bytes of the damaged copy (only when the block had to
     *                                   be staged) but the call never returns normally with wrong data.
     * @throws IllegalStateException     if the store is closed.
     */
    public void read(final long blockId, final long blockOffset, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        if (null == dst)
        {
            throw nullBuffer(blockId, "destination buffer", "to copy into");
        }
        access.read(blockId, blockOffset, dst, null, dstOffset, length);
    }

    /**
     * Copies bytes from a block into an array; see {@link #read(long, long, MutableDirectBuffer, int, int)}.
     *
     * @param blockId     the block.
     * @param blockOffset offset in the block of the first byte to read.
     * @param dst         the destination array; not null.
     * @param dstOffset   offset in {@code dst} of the first byte.
     * @param length      number of bytes, 0 or more.
     * @throws IllegalArgumentException if {@code dst} is null.
     */
    public void read(final long blockId, final long blockOffset, final byte[] dst, final int dstOffset, final int length)
    {
        if (null == dst)
        {
            throw nullBuffer(blockId, "destination array", "to copy into");
        }
        access.read(blockId, blockOffset, null, dst, dstOffset, length);
    }

    /**
     * Pins a block in RAM and returns a zero-copy view of it. The block is promoted to RAM first if needed (from
     * the DEVICE tier too); while any view is open it is not demoted and cannot be freed. Pins nest: each call
     * needs its own close.
     *
     * @param blockId the block.
     * @return a view whose buffer covers the whole block; close it to unpin.
     * @throws BlockFreedException       if the block was freed or never allocated here.
     * @throws ChecksumMismatchException if the block's bytes came back from a lower tier damaged.
     * @throws OutOfTierMemoryException  if RAM cannot hold the block (larger than RAM, or RAM is full of pinned
     *                                   blocks and nothing can be demoted).
     * @throws IllegalStateException     if the block is pinned on the device ({@link #pinOnDevice(long)}), or the
     *                                   store is closed.
     */
    public StorePinnedBlock pin(final long blockId)
    {
        lock.lock();
        try
        {
            return pins.pin(entry(blockId));
        }
        finally
        {
            unlockAndNotify();
        }
    }

    /**
     * Pins a block in the DEVICE tier (GPU memory) and returns its device address for kernels. A block that is
     * elsewhere (placed in RAM because the DEVICE tier was full, or demoted from it by the mover) is moved into
     * the DEVICE tier first, demoting the DEVICE tier's coldest movable blocks to RAM if it has no room: this is
     * how an access from the device brings a block back. While any device view is open the block stays at its
     * device address: the mover does not demote it, it cannot be freed, moved or pinned in RAM, and host writes
     * to it are refused; host reads copy from the device. Pins nest: each call needs its own close. Kernels may
     * change the block in place; its checksum is taken afresh when its bytes next leave the device.
     *
     * @param blockId the block.
     * @return a view holding the device address; close it to unpin.
     * @throws IllegalStateException     if the store has no DEVICE tier (the message carries
     *                                   {@link StoreContext#deviceUnavailableReason(String) why}), the block is pinned
     *                                   in RAM ({@link #pin(long)}: close those views first) or was allocated with
     *                                   {@link Hint#PIN_FAST}, or the store is closed.
     * @throws BlockFreedException       if the block was freed or never allocated here.
     * @throws OutOfTierMemoryException  if the DEVICE tier cannot take the block under its hard cap even after
     *                                   demoting its movable blocks (larger than the tier, or full of pinned
     *                                   blocks); the block is unchanged where it was.
     * @throws ChecksumMismatchException if the block's bytes came back from a lower tier damaged.
     */
    public StoreDevicePinnedBlock pinOnDevice(final long blockId)
    {
        lock.lock();
        try
        {
            return pins.pinOnDevice(blockId);
        }
        finally
        {
            unlockAndNotify();
        }
    }

    /**
     * @return true if the store has a DEVICE tier ({@link StoreContext#deviceTier(DeviceResidentTier)}).
     */
    public boolean hasDeviceTier()
    {
        return deviceIndex >= 0;
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
            final BlockEntry entry = entry(blockId);
            return entry.tier < ramIndex || promoter.promote(entry);
        }
        finally
        {
            unlockAndNotify();
        }
    }

    /**
     * Asks the {@link Prefetcher} to bring a block into RAM in the background and returns at once. The request
     * goes on a bounded queue ({@link StoreContext#prefetchQueueCapacity(int)}); the prefetcher promotes the block if
     * it is still below RAM when its turn comes, demoting the coldest movable blocks of RAM to make room. A later
     * read, write or pin that finds the block still in RAM counts as a prefetch hit
     * ({@link StoreStats#prefetchHits()}).
     *
     * @param blockId the block.
     * @return true if the request was queued; false if the block is in RAM already, is queued already, or the
     * queue is full (counted in {@link StoreStats#prefetchDropped()}). With
     * {@link StoreContext#startPrefetcher(boolean) startPrefetcher(false)} queued requests wait for
     * {@link #runPrefetcher()}.
     * @throws BlockFreedException   if the block was freed or never allocated here.
     * @throws IllegalStateException if the store is closed.
     */
    public boolean prefetchAsync(final long blockId)
    {
        lock.lock();
        try
        {
            return prefetchScheduler.enqueuePrefetch(entry(blockId), false);
        }
        finally
        {
            unlockAndNotify();
        }
    }

    /**
     * Moves a block to the first tier of the given kind now (TierAlloc's {@code ta_move}), synchronously. Moving
     * to RAM promotes the block as a read would. Moving to a slower tier writes the copy there first (demoting
     * that tier's coldest blocks further down if it is full), then frees the old copy; it counts as a demotion.
     * Moving between tiers below RAM goes through a staging copy. The block stays where it was put until it is
     * accessed (which promotes it to RAM) or the mover demotes it further.
     * <p>
     * A move to a tier below RAM other than DEVICE (VVRAM, VSSD, far memory) follows the move protocol: the copy
     * is read, checksummed and written without the engine lock, so other threads' access to other blocks (and
     * {@link #stats()}) never waits for it, and is switched over under the lock only if the block is unchanged.
     * The block stays readable, writable and freeable meanwhile: a write or pin of it abandons the move (its new
     * copy is freed, the block keeps its new bytes where it is) and this call tries again, under the lock after
     * eight abandoned tries in a row; a free of it makes this call throw
     * {@link BlockFreedException}, a pin that stays open {@link IllegalStateException}, as below. A move to DEVICE
     * follows the same protocol (so do the demotions that make room there). Moves into or out of an extra tier
     * that does not keep the {@link Tier#concurrentIo()} contract are made under the lock.
     *
     * @param blockId the block.
     * @param kind    the kind of tier to move it to; the store must have a tier of that kind.
     * @throws BlockFreedException       if the block was freed or never allocated here.
     * @throws IllegalArgumentException  if {@code kind} is null or the store has no tier of that kind.
     * @throws IllegalStateException     if the block is pinned or was allocated with {@link Hint#PIN_FAST} and
     *                                   {@code kind} is not RAM, or the store is closed.
     * @throws OutOfTierMemoryException  if the tier cannot take the block under its hard cap even after demoting
     *                                   its movable blocks; the block is unchanged where it was.
     * @throws ChecksumMismatchException if the block's bytes came back from a lower tier damaged.
     */
    public void moveTo(final long blockId, final TierKind kind)
    {
        if (kind == null)
        {
            throw new IllegalArgumentException("tier kind must not be null; use one of the store's tiers");
        }
        lock.lock();
        try
        {
            int changedMoves = 0;
            while (true)
            {
                final int result = relocator.moveToOnce(
                    entry(blockId), kind, changedMoves < Relocator.MAX_UNLOCKED_MOVE_ATTEMPTS);
                if (result == Relocator.MOVE_DONE)
                {
                    return;
                }
                if (result == Relocator.MOVE_CHANGED)
                {
                    changedMoves++;
                }
            }
        }
        finally
        {
            unlockAndNotify();
        }
    }

    /**
     * Registers a listener of pressure-level changes of every tier (see {@link PressureListener} for the thread
     * it is called on). A listener added twice is called twice.
     *
     * @param listener the listener; not null.
     * @throws IllegalArgumentException if the listener is null.
     */
    public void addPressureListener(final PressureListener listener)
    {
        if (listener == null)
        {
            throw new IllegalArgumentException("pressure listener must not be null");
        }
        pressure.add(listener);
    }

    /**
     * @param listener a listener added before.
     * @return true if it was registered (one registration is removed).
     */
    public boolean removePressureListener(final PressureListener listener)
    {
        return pressure.remove(listener);
    }

    /**
     * @param kind a kind of tier.
     * @return the first tier of that kind's pressure level now, or null if the store has no such tier.
     * @throws IllegalStateException if the store is closed.
     */
    public PressureLevel pressureLevel(final TierKind kind)
    {
        lock.lock();
        try
        {
            ensureOpen();
            for (final TierSlot slot : slots)
            {
                if (slot.tier.kind() == kind)
                {
                    return slot.pressureLevel;
                }
            }
            return null;
        }
        finally
        {
            unlockAndNotify();
        }
    }

    /**
     * @return the prefetcher agent; with {@link StoreContext#startPrefetcher(boolean) startPrefetcher(false)} the
     * caller drives it with {@link #runPrefetcher()}.
     */
    public Prefetcher prefetcher()
    {
        return prefetcher;
    }

    /**
     * Prefetches queued blocks on the calling thread ({@link Prefetcher#runInline()}), whether or not the store
     * runs the prefetcher itself.
     *
     * @return the number of queued requests handled.
     */
    public int runPrefetcher()
    {
        return prefetcher.runInline();
    }

    int prefetchQueueSize()
    {
        lock.lock();
        try
        {
            if (closed)
            {
                return 0;
            }
            fastAccess.drain(); // prefetches the RAM fast path's sequential accesses asked for
            return prefetchQueue.size();
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
            promoter.awaitSettled(entry);
            if (entry.pinCount > 0)
            {
                throw new IllegalStateException("block " + blockId + " on node " + nodeName + " is pinned (" +
                    entry.pinCount + " open views); close its " + (entry.tier == deviceIndex ? "StoreDevicePinnedBlock" :
                    "StorePinnedBlock") + " views before freeing it");
            }
            final TierSlot slot = slots[entry.tier];
            slot.unlink(entry);
            retainedCopies.dropCopy(entry);
            usageChanged = true;
            if (!entry.isMovable())
            {
                slot.pinnedBlocks--;
            }
            counters.frees++;
            slot.frees++;
            counters.logicalBytes -= entry.size;
            fastAccess.removeAndReleaseCopy(entry); // RAM: freed once no fast access is in flight on it
        }
        finally
        {
            unlockAndNotify();
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
            unlockAndNotify();
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
            unlockAndNotify();
        }
    }

    /**
     * @param blockId the block.
     * @return how many {@link StorePinnedBlock} views of the block are open.
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
            unlockAndNotify();
        }
    }

    /**
     * A snapshot of the store's and every tier's statistics, including each tier's
     * {@link Tier#allocatorStats() allocator statistics} (which take the tier's arena locks and walk its thread
     * caches: call this for a snapshot, not per operation).
     *
     * Taken without the engine lock (operations go on meanwhile): each counter is read whole, but counters
     * changed by operations in flight may disagree by those operations.
     *
     * @return a snapshot of the store's and every tier's statistics; after close, the final counters with the
     * tiers' usage as left.
     */
    public StoreStats stats()
    {
        if (!closed)
        {
            try
            {
                return statistics.statsSnapshot();
            }
            catch (final RuntimeException ex)
            {
                if (!closed)
                {
                    throw ex;
                }
                // A tier closed under the snapshot: take the final one below.
            }
        }
        lock.lock();
        try
        {
            return statistics.statsSnapshot();
        }
        finally
        {
            unlockAndNotify();
        }
    }

    /**
     * Each tier's capacity, use, block count and movement counters, in hierarchy order: the cheap part of
     * {@link #stats()}, without its walk over every block, latency percentiles and allocator statistics. For
     * callers polling often, such as a node publishing its free capacity every second.
     *
     * @return one entry per tier; after close, the tiers' final counters with nothing used.
     */
    public List<TierStats> tierStats()
    {
        if (!closed)
        {
            try
            {
                return List.copyOf(statistics.tierSnapshot());
            }
            catch (final RuntimeException ex)
            {
                if (!closed)
                {
                    throw ex;
                }
            }
        }
        lock.lock();
        try
        {
            return List.copyOf(statistics.tierSnapshot());
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @return the mover agent; with {@link StoreContext#startMover(boolean) startMover(false)} the caller drives it
     * by calling {@link Mover#doWork()} or {@link #runMover()} (then the agent does its own I/O).
     */
    public Mover mover()
    {
        return mover;
    }

    /**
     * Demotes blocks out of tiers above their soft cap on the calling thread ({@link Mover#runInline()}), whether
     * or not the store runs the mover itself; returns when every tier is at its drain target or stuck, or after
     * {@link Mover#MAX_MOVES_PER_DUTY_CYCLE} blocks.
     *
     * @return the number of blocks moved.
     */
    public int runMover()
    {
        return mover.runInline();
    }

    /**
     * @return the configuration the store was opened with.
     */
    public StoreContext context()
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
     * Stops the mover, frees every block (in extra tiers too), detaches open {@link StorePinnedBlock} views, closes
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
        CloseHelper.close(ctx.errorHandler(), prefetcherRunner);
        CloseHelper.close(ctx.errorHandler(), ioWorkers);

        lock.lock();
        try
        {
            if (closed)
            {
                return;
            }
            closed = true;
            // Promotions by application threads read into RAM without the lock: RAM outlives them.
            while (promotionsInFlight > 0)
            {
                settled.awaitUninterruptibly();
            }
            fastAccess.awaitQuiescent(); // RAM reads and writes without the engine lock: RAM outlives them too

            pins.detachAll();

            blocks.clear((entry) ->
            {
                if (!slots[entry.tier].owned)
                {
                    pendingFrees.add(entry.tier, entry.id, entry.location);
                }
                if (entry.copyTier != BlockEntry.NO_TIER && !slots[entry.copyTier].owned)
                {
                    pendingFrees.add(entry.copyTier, entry.id, entry.copyLocation);
                }
            });
            settled.signalAll();

            final AllocatorStats[] finalAllocatorStats = new AllocatorStats[slots.length];
            for (int i = 0; i < slots.length; i++)
            {
                finalAllocatorStats[i] = slots[i].tier.allocatorStats();
            }
            closedAllocatorStats = finalAllocatorStats;
            staging.release();
            moverScratch.release();
            prefetchScratch.release();
        }
        finally
        {
            unlockAndNotify();
        }
        // Without the lock: nothing calls the owned tiers any more (closed is set, the agents stopped, the unlocked
        // moves, accesses and placements finished, queued frees skip them).
        for (final TierSlot slot : slots)
        {
            if (slot.owned)
            {
                CloseHelper.close(ctx.errorHandler(), slot.tier);
            }
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
            final TierSlot slot = slots[tierIndex];
            // At the soft cap, as the WARNING pressure level starts there (PressureLevel: S <= u); or threads wait
            // for room in it.
            return !closed && (slot.tier.usedBytes() >= slot.softCapBytes() || placement.roomWanted(tierIndex));
        }
        finally
        {
            unlockAndNotify();
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

    /**
     * @param hook run by the mover just before it writes a demoted block to a tier without the engine lock, or
     *             null; lets a test hold that write up.
     */
    void unlockedWriteHook(final Runnable hook)
    {
        this.unlockedWriteHook = hook;
    }

    long locationOf(final long blockId)
    {
        lock.lock();
        try
        {
            return entry(blockId).location;
        }
        finally
        {
            unlockAndNotify();
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
            promoter.awaitSettled(entry);
            return entry.isMovable() && relocator.moveDown(entry, entry.tier, false);
        }
        finally
        {
            unlockAndNotify();
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

    /**
     * Re-evaluates the tiers' pressure levels if the operation may have changed a tier's usage (it allocated or
     * freed tier space), releases the engine lock and, once this thread no longer holds it, tells the pressure
     * listeners of any change.
     */
    void unlockAndNotify()
    {
        DeferredFrees queued = null;
        try
        {
            if (!closed)
            {
                fastAccess.drain(); // accesses and sequence steps the RAM fast path buffered
            }
            if (usageChanged && !closed)
            {
                usageChanged = false;
                pressure.evaluate(slots);
            }
            if (roomWaiters > 0)
            {
                roomMade.signalAll();
            }
            if (!pendingFrees.isEmpty() && lock.getHoldCount() == 1)
            {
                // Take the queued frees with us: they are made once the lock is released.
                queued = pendingFrees;
                pendingFrees = spareFrees.get();
            }
        }
        finally
        {
            lock.unlock();
        }
        if (!lock.isHeldByCurrentThread())
        {
            if (queued != null)
            {
                runFrees(queued);
            }
            pressure.dispatch();
        }
    }

    /**
     * Frees the tier copies queued under the lock, without it; then re-evaluates the pressure levels, which the
     * frees lowered.
     */
    private void runFrees(final DeferredFrees queued)
    {
        for (int k = 0, n = queued.count(); k < n; k++)
        {
            final TierSlot slot = slots[queued.tier(k)];
            if (closed && slot.owned)
            {
                continue; // closed with everything in it
            }
            try
            {
                slot.freeQueued(queued.blockId(k), queued.location(k));
            }
            catch (final RuntimeException ex)
            {
                ctx.errorHandler().onError(ex);
            }
        }
        queued.clear();
        spareFrees.set(queued);
        lock.lock();
        usageChanged = true;
        unlockAndNotify();
    }

    /**
     * Frees a copy of a block in a tier: after the engine lock is released where the tier lies below RAM (a late free
     * never touches another copy of the block: see {@link KeyedCopies} for a tier that may key copies by block id);
     * at once in RAM and DEVICE (bookkeeping). Called under the lock.
     */
    void freeCopy(final int tierIndex, final long blockId, final long location)
    {
        final TierSlot slot = slots[tierIndex];
        usageChanged = true;
        if (tierIndex > ramIndex)
        {
            slot.queuedFree(blockId, location);
            pendingFrees.add(tierIndex, blockId, location);
        }
        else
        {
            slot.free(blockId, location);
        }
    }

    String tierNames()
    {
        return statistics.tierNames();
    }

    void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("the block store of node " + nodeName + " is closed");
        }
    }

    BlockEntry entry(final long blockId)
    {
        ensureOpen();
        final BlockEntry entry = blocks.get(blockId);
        if (entry == null)
        {
            throw new BlockFreedException(blockId, nodeName);
        }
        return entry;
    }

    OutOfTierMemoryException outOfMemory(final BlockEntry entry, final String what)
    {
        return statistics.outOfMemory(entry, what);
    }
}
