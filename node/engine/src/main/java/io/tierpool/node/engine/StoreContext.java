/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.OverflowPolicy;

import io.tierpool.client.EvictionPolicy;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.Hint;
import io.tierpool.node.tier.DeviceResidentTier;
import io.tierpool.node.tier.Tier;
import io.tierpool.client.TierKind;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Configuration of a {@link BlockStore}: fluent setters, documented defaults (overridable by the system
 * properties in {@link StoreConfiguration}), validated by {@link #conclude()}. Not thread-safe; one context per
 * store ({@link #clone()} gives a copy for another).
 * <p>
 * <b>Size:</b> over the ~800 lines the project aims for because it is one {@code Context} per entry point, as
 * Aeron's {@code MediaDriver.Context} is: over 30 settings, each a fluent setter and a getter documented line for
 * line (units, range, default and its system property), and {@link #conclude()} validating them all. The property
 * names and defaults live apart in {@link StoreConfiguration}; splitting the settings over several classes would
 * break the one-context style the rest of the project (and its users' code) follows, for no code shared.
 */
public final class StoreContext implements Cloneable
{
    private static final Logger LOG = LoggerFactory.getLogger(BlockStore.class);

    private boolean concluded;
    private String nodeName = StoreConfiguration.nodeName();
    private long ramCapacityBytes = StoreConfiguration.ramCapacityBytes();
    private long vvramCapacityBytes = StoreConfiguration.vvramCapacityBytes();
    private Path vvramDir = StoreConfiguration.vvramDir();
    private long vssdCapacityBytes = StoreConfiguration.vssdCapacityBytes();
    private Path vssdDir = StoreConfiguration.vssdDir();
    private double highWatermark = StoreConfiguration.highWatermark();
    private double lowWatermark = StoreConfiguration.lowWatermark();
    private long maxBlockBytes = StoreConfiguration.maxBlockBytes();
    private List<Tier> extraTiers = new ArrayList<>();
    private DeviceResidentTier deviceTier;
    private String deviceUnavailableReason = "none was configured: StoreContext.deviceTier was not set";
    private IdleStrategy moverIdleStrategy;
    private long moverStuckBackoffNs = StoreConfiguration.MOVER_STUCK_BACKOFF_NS_DEFAULT;
    private long ramRoomWaitNs = StoreConfiguration.ramRoomWaitNs();
    private ErrorHandler errorHandler;
    private boolean startMover = true;
    private EpochClock epochClock = SystemEpochClock.INSTANCE;
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private EnumMap<TierKind, Long> softCaps = new EnumMap<>(TierKind.class);
    private EnumMap<TierKind, Long> hardCaps = new EnumMap<>(TierKind.class);
    private OverflowPolicy overflowPolicy = StoreConfiguration.overflowPolicy();
    private EvictionPolicy evictionPolicy = StoreConfiguration.evictionPolicy();
    private int prefetchDepth = StoreConfiguration.prefetchDepth();
    private int prefetchQueueCapacity = StoreConfiguration.PREFETCH_QUEUE_CAPACITY_DEFAULT;
    private boolean startPrefetcher = true;
    private IdleStrategy prefetcherIdleStrategy;
    private int ioWorkers = StoreConfiguration.ioWorkers();
    private int blockTableStripes = StoreConfiguration.blockTableStripes();
    private int demotionBatchBytes = StoreConfiguration.demotionBatchBytes();
    private int demotionBatchBlockBytes = StoreConfiguration.DEMOTION_BATCH_BLOCK_BYTES_DEFAULT;
    private boolean zeroFill = true;
    private boolean retainCleanCopies = StoreConfiguration.retainCleanCopies();

    /**
     * Validates the settings and fills in defaults that are objects. Called by the {@link BlockStore}
     * constructor.
     *
     * @return this for a fluent API.
     * @throws ConfigurationException if a setting is invalid; the message names it and its value.
     * @throws IllegalStateException  if the context was already used by a store.
     */
    public StoreContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("this StoreContext was already used by a store; " +
                "create a new StoreContext for each store");
        }
        if (nodeName == null || nodeName.isEmpty())
        {
            throw new ConfigurationException("nodeName must not be empty");
        }
        if (ramCapacityBytes < 64)
        {
            throw new ConfigurationException("ramCapacityBytes=" + ramCapacityBytes + " must be at least 64 " +
                "bytes (" + StoreConfiguration.RAM_CAPACITY_PROP_NAME + ")");
        }
        if (vvramCapacityBytes != 0 && vvramCapacityBytes < 64)
        {
            throw new ConfigurationException("vvramCapacityBytes=" + vvramCapacityBytes + " must be 0 " +
                "(disabled) or at least 64 bytes (" + StoreConfiguration.VVRAM_CAPACITY_PROP_NAME + ")");
        }
        if (vssdCapacityBytes != 0 && vssdCapacityBytes < 64)
        {
            throw new ConfigurationException("vssdCapacityBytes=" + vssdCapacityBytes + " must be 0 " +
                "(disabled) or at least 64 bytes (" + StoreConfiguration.VSSD_CAPACITY_PROP_NAME + ")");
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
        if (maxBlockBytes < 1 || maxBlockBytes > StoreConfiguration.MAX_BLOCK_BYTES_LIMIT)
        {
            throw new ConfigurationException("maxBlockBytes=" + maxBlockBytes + " must be from 1 to " +
                StoreConfiguration.MAX_BLOCK_BYTES_LIMIT + " (1 GiB) (" + StoreConfiguration.MAX_BLOCK_BYTES_PROP_NAME + ")");
        }
        if (extraTiers == null)
        {
            throw new ConfigurationException("extraTiers must not be null; use an empty list for none");
        }
        if (deviceTier != null && extraTiers.contains(deviceTier))
        {
            throw new ConfigurationException("the DEVICE tier " + deviceTier.name() + " was passed both as " +
                "deviceTier and in extraTiers; pass it once, with deviceTier(...)");
        }
        for (final Tier tier : extraTiers)
        {
            if (tier == null)
            {
                throw new ConfigurationException("extraTiers must not contain null, was " + extraTiers);
            }
            if (tier.kind() == TierKind.DEVICE || tier.kind() == TierKind.RAM)
            {
                throw new ConfigurationException("extraTiers must hold tiers below the local ones, not " +
                    tier.kind() + " (" + tier.name() + "); pass a DEVICE tier with deviceTier(...)");
            }
        }
        if (deviceTier != null && deviceTier.kind() != TierKind.DEVICE)
        {
            throw new ConfigurationException("deviceTier must be of kind DEVICE, was " + deviceTier.kind() +
                " (" + deviceTier.name() + "); pass other tiers with extraTiers(...)");
        }
        if (ramRoomWaitNs < 0)
        {
            throw new ConfigurationException("ramRoomWaitNs=" + ramRoomWaitNs + " must be >= 0 (" +
                StoreConfiguration.RAM_ROOM_WAIT_PROP_NAME + ")");
        }
        if (moverStuckBackoffNs < 0)
        {
            throw new ConfigurationException("moverStuckBackoffNs=" + moverStuckBackoffNs + " must be >= 0");
        }
        if (epochClock == null || nanoClock == null)
        {
            throw new ConfigurationException("epochClock and nanoClock must not be null");
        }
        for (final Map.Entry<TierKind, Long> cap : hardCaps.entrySet())
        {
            final long soft = softCaps.getOrDefault(cap.getKey(), 0L);
            if (soft > 0 && cap.getValue() > 0 && soft > cap.getValue())
            {
                throw new ConfigurationException("softCapBytes(" + cap.getKey() + ")=" + soft + " must not " +
                    "exceed hardCapBytes(" + cap.getKey() + ")=" + cap.getValue() + "; demotion starts at the " +
                    "soft cap, the hard cap is never passed");
            }
        }
        if (overflowPolicy == null || evictionPolicy == null)
        {
            throw new ConfigurationException("overflowPolicy and evictionPolicy must not be null; defaults are " +
                "SPILL_TO_NEXT and LRU");
        }
        if (prefetchDepth < 0 || prefetchDepth > StoreConfiguration.PREFETCH_DEPTH_LIMIT)
        {
            throw new ConfigurationException("prefetchDepth=" + prefetchDepth + " must be from 0 (no " +
                "sequential prefetch) to " + StoreConfiguration.PREFETCH_DEPTH_LIMIT + " blocks (" +
                StoreConfiguration.PREFETCH_DEPTH_PROP_NAME + ")");
        }
        if (prefetchQueueCapacity < 1 || prefetchQueueCapacity > StoreConfiguration.PREFETCH_QUEUE_CAPACITY_LIMIT)
        {
            throw new ConfigurationException("prefetchQueueCapacity=" + prefetchQueueCapacity + " must be " +
                "from 1 to " + StoreConfiguration.PREFETCH_QUEUE_CAPACITY_LIMIT + " requests");
        }
        if (ioWorkers < 0 || ioWorkers > StoreConfiguration.IO_WORKERS_LIMIT)
        {
            throw new ConfigurationException("ioWorkers=" + ioWorkers + " must be from 0 (the mover and the " +
                "prefetcher do their own I/O) to " + StoreConfiguration.IO_WORKERS_LIMIT + " threads (" +
                StoreConfiguration.IO_WORKERS_PROP_NAME + ")");
        }
        if (blockTableStripes < 1 || blockTableStripes > StoreConfiguration.BLOCK_TABLE_STRIPES_LIMIT ||
            Integer.bitCount(blockTableStripes) != 1)
        {
            throw new ConfigurationException("blockTableStripes=" + blockTableStripes + " must be a power of two " +
                "from 1 to " + StoreConfiguration.BLOCK_TABLE_STRIPES_LIMIT + " (" +
                StoreConfiguration.BLOCK_TABLE_STRIPES_PROP_NAME + "); use " +
                StoreConfiguration.BLOCK_TABLE_STRIPES_DEFAULT + " when in doubt");
        }
        if (demotionBatchBytes < 0 || demotionBatchBytes > StoreConfiguration.DEMOTION_BATCH_BYTES_LIMIT)
        {
            throw new ConfigurationException("demotionBatchBytes=" + demotionBatchBytes + " must be from 0 " +
                "(no batching) to " + StoreConfiguration.DEMOTION_BATCH_BYTES_LIMIT + " bytes (" +
                StoreConfiguration.DEMOTION_BATCH_BYTES_PROP_NAME + ")");
        }
        if (demotionBatchBlockBytes < 1 || demotionBatchBlockBytes > StoreConfiguration.DEMOTION_BATCH_BYTES_LIMIT)
        {
            throw new ConfigurationException("demotionBatchBlockBytes=" + demotionBatchBlockBytes + " must be " +
                "from 1 to " + StoreConfiguration.DEMOTION_BATCH_BYTES_LIMIT + " bytes");
        }
        if (prefetcherIdleStrategy == null)
        {
            prefetcherIdleStrategy = new BackoffIdleStrategy(
                10, 5, TimeUnit.MICROSECONDS.toNanos(1), StoreConfiguration.PREFETCHER_MAX_PARK_NS_DEFAULT);
        }
        if (moverIdleStrategy == null)
        {
            moverIdleStrategy = new BackoffIdleStrategy(
                10, 5, TimeUnit.MICROSECONDS.toNanos(1), StoreConfiguration.MOVER_MAX_PARK_NS_DEFAULT);
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
     * A copy of these settings, not concluded, for another store: the caps and the list of extra tiers are
     * copied; the objects set here (tiers, clocks, idle strategies, error handler) are shared, not copied, so a
     * copy of a concluded context shares the idle strategies {@link #conclude()} filled in.
     *
     * @return the copy.
     */
    public StoreContext clone()
    {
        try
        {
            final StoreContext copy = (StoreContext)super.clone();
            copy.concluded = false;
            copy.softCaps = new EnumMap<>(softCaps);
            copy.hardCaps = new EnumMap<>(hardCaps);
            copy.extraTiers = null == extraTiers ? null : new ArrayList<>(extraTiers);
            return copy;
        }
        catch (final CloneNotSupportedException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @param nodeName the node (or pool) named in error messages; default {@code "local"}
     *                 ({@value StoreConfiguration#NODE_NAME_PROP_NAME}).
     * @return this for a fluent API.
     */
    public StoreContext nodeName(final String nodeName)
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
     *              ({@value StoreConfiguration#RAM_CAPACITY_PROP_NAME}).
     * @return this for a fluent API.
     */
    public StoreContext ramCapacityBytes(final long bytes)
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
     *              open; 0 disables the tier; default 256 MiB ({@value StoreConfiguration#VVRAM_CAPACITY_PROP_NAME}).
     * @return this for a fluent API.
     */
    public StoreContext vvramCapacityBytes(final long bytes)
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
     *            {@code /dev/shm} ({@value StoreConfiguration#VVRAM_DIR_PROP_NAME}).
     * @return this for a fluent API.
     */
    public StoreContext vvramDir(final Path dir)
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
     *              disables the tier; default 1 GiB ({@value StoreConfiguration#VSSD_CAPACITY_PROP_NAME}).
     * @return this for a fluent API.
     */
    public StoreContext vssdCapacityBytes(final long bytes)
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
     *            default {@code java.io.tmpdir} ({@value StoreConfiguration#VSSD_DIR_PROP_NAME}).
     * @return this for a fluent API.
     */
    public StoreContext vssdDir(final Path dir)
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
     * @param fraction fraction of a tier's hard cap above which the mover starts demoting from it (the default
     *                 soft cap; a soft cap set per tier replaces it); {@code lowWatermark < fraction <= 1};
     *                 default 0.90
     *                 ({@value StoreConfiguration#HIGH_WATERMARK_PROP_NAME}).
     * @return this for a fluent API.
     */
    public StoreContext highWatermark(final double fraction)
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
     * @param fraction fraction of a tier's hard cap the mover demotes down to (with a soft cap set per tier:
     *                 {@code softCap * lowWatermark / highWatermark}); {@code 0 < fraction < highWatermark};
     *                 default 0.75 ({@value StoreConfiguration#LOW_WATERMARK_PROP_NAME}).
     * @return this for a fluent API.
     */
    public StoreContext lowWatermark(final double fraction)
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
     *              ({@value StoreConfiguration#MAX_BLOCK_BYTES_PROP_NAME}). A block larger than a tier skips that
     *              tier.
     * @return this for a fluent API.
     */
    public StoreContext maxBlockBytes(final long bytes)
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
     * @param tier the DEVICE tier (GPU memory, e.g. {@code io.tierpool.node.gpu.DeviceTier}) to place above
     *             RAM, or null (the default) for none. With one, {@link Hint#DEVICE} places blocks in it and
     *             {@link BlockStore#pinOnDevice(long)} works; its soft and hard caps
     *             ({@link #softCapBytes(TierKind, long)} with {@link TierKind#DEVICE}) and the watermarks
     *             govern demotion from it to RAM as for the other tiers. <b>Owned by the caller</b>: the
     *             store frees its blocks in it when it closes but never closes it (close the store first,
     *             then the tier, then its device pool).
     * @return this for a fluent API.
     */
    public StoreContext deviceTier(final DeviceResidentTier tier)
    {
        this.deviceTier = tier;
        return this;
    }

    /**
     * @return the DEVICE tier, or null for none.
     */
    public DeviceResidentTier deviceTier()
    {
        return deviceTier;
    }

    /**
     * @param reason why the store has no DEVICE tier (for example the GPU probe's reason "no NVIDIA driver",
     *               or "gpu.enabled=false"); quoted by {@link BlockStore#pinOnDevice(long)}'s exception.
     *               Default "none was configured: StoreContext.deviceTier was not set". Ignored with a
     *               DEVICE tier; null restores the default.
     * @return this for a fluent API.
     */
    public StoreContext deviceUnavailableReason(final String reason)
    {
        this.deviceUnavailableReason = reason == null ?
            "none was configured: StoreContext.deviceTier was not set" : reason;
        return this;
    }

    /**
     * @return why the store has no DEVICE tier, as set (or the default).
     */
    public String deviceUnavailableReason()
    {
        return deviceUnavailableReason;
    }

    /**
     * @param tiers tiers to place below the local ones, slowest last (for example the far-memory tier);
     *              default none. <b>Owned by the caller</b>: the store frees its blocks in them when it
     *              closes but never closes them.
     * @return this for a fluent API.
     */
    public StoreContext extraTiers(final List<Tier> tiers)
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
    public StoreContext moverIdleStrategy(final IdleStrategy idleStrategy)
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
    public StoreContext moverStuckBackoffNs(final long ns)
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
     * How long an application thread (allocate, or an access promoting a block) waits for the mover to make room
     * in RAM when RAM has none under its hard cap, with the mover running ({@link #startMover(boolean)}): the
     * thread wakes the mover, which demotes RAM's coldest blocks without the engine lock, and waits until the block
     * fits or this deadline passes. Then a HOT or WARM block is placed below RAM, an access goes through a staging
     * copy where the block lies, and {@link io.tierpool.client.Hint#PIN_FAST} fails with
     * {@link io.tierpool.client.OutOfTierMemoryException}. COLD and PREFER_FAST blocks never wait: they go below
     * at once. With the mover not started the thread makes the room itself, as the mover would.
     *
     * @param ns the wait in nanoseconds, 0 or more (0: no wait); default 100 ms
     *           ({@value StoreConfiguration#RAM_ROOM_WAIT_PROP_NAME}).
     * @return this for a fluent API.
     */
    public StoreContext ramRoomWaitNs(final long ns)
    {
        this.ramRoomWaitNs = ns;
        return this;
    }

    /**
     * @return how long an application thread waits for room in RAM, in nanoseconds.
     */
    public long ramRoomWaitNs()
    {
        return ramRoomWaitNs;
    }

    /**
     * @param errorHandler receives errors of the mover and of close; default logs them at warn level.
     * @return this for a fluent API.
     */
    public StoreContext errorHandler(final ErrorHandler errorHandler)
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
    public StoreContext startMover(final boolean start)
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
    public StoreContext epochClock(final EpochClock clock)
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
    public StoreContext nanoClock(final NanoClock clock)
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

    /**
     * Sets the soft cap of the tiers of a kind (TierAlloc's {@code TA_*_SOFT}): above this many used bytes the
     * mover demotes the tier's coldest blocks until it is down to {@code softCap * lowWatermark /
     * highWatermark}.
     *
     * @param kind  the kind of tier; not null.
     * @param bytes the soft cap in bytes, 1 to the hard cap; 0 (the default) means {@code highWatermark *
     *              hardCap}, the high watermark.
     * @return this for a fluent API.
     * @throws ConfigurationException if {@code kind} is null or {@code bytes} is negative.
     */
    public StoreContext softCapBytes(final TierKind kind, final long bytes)
    {
        capSetting(softCaps, "softCapBytes", kind, bytes);
        return this;
    }

    /**
     * @param kind the kind of tier.
     * @return the soft cap set for that kind in bytes, 0 if none (the default applies).
     */
    public long softCapBytes(final TierKind kind)
    {
        return softCaps.getOrDefault(kind, 0L);
    }

    /**
     * Sets the hard cap of the tiers of a kind (TierAlloc's {@code TA_*_HARD}): the engine never lets the
     * tier's used bytes (alignment padding included) pass it, for allocations, promotions and demotions
     * alike. What an allocation does when its tier is at the hard cap is the {@link #overflowPolicy}.
     *
     * @param kind  the kind of tier; not null.
     * @param bytes the hard cap in bytes, at most the capacity of the store's own tiers (a larger value is
     *              rejected when the store opens; for extra tiers the smaller of the two applies); 0 (the
     *              default) means the tier's capacity.
     * @return this for a fluent API.
     * @throws ConfigurationException if {@code kind} is null or {@code bytes} is negative.
     */
    public StoreContext hardCapBytes(final TierKind kind, final long bytes)
    {
        capSetting(hardCaps, "hardCapBytes", kind, bytes);
        return this;
    }

    /**
     * @param kind the kind of tier.
     * @return the hard cap set for that kind in bytes, 0 if none (the tier's capacity).
     */
    public long hardCapBytes(final TierKind kind)
    {
        return hardCaps.getOrDefault(kind, 0L);
    }

    private static void capSetting(
        final Map<TierKind, Long> caps, final String name, final TierKind kind, final long bytes)
    {
        if (kind == null)
        {
            throw new ConfigurationException(name + ": the tier kind must not be null");
        }
        if (bytes < 0)
        {
            throw new ConfigurationException(name + "(" + kind + ")=" + bytes + " must be >= 0 (0 = default)");
        }
        caps.put(kind, bytes);
    }

    /**
     * @param policy what an allocation does when its tier is at its hard cap; default
     *               {@link OverflowPolicy#SPILL_TO_NEXT} ({@value StoreConfiguration#OVERFLOW_POLICY_PROP_NAME}).
     * @return this for a fluent API.
     */
    public StoreContext overflowPolicy(final OverflowPolicy policy)
    {
        this.overflowPolicy = policy;
        return this;
    }

    /**
     * @return the overflow policy.
     */
    public OverflowPolicy overflowPolicy()
    {
        return overflowPolicy;
    }

    /**
     * @param policy the order in which blocks of one demotion class leave a tier; default
     *               {@link EvictionPolicy#LRU} ({@value StoreConfiguration#EVICTION_POLICY_PROP_NAME}).
     * @return this for a fluent API.
     */
    public StoreContext evictionPolicy(final EvictionPolicy policy)
    {
        this.evictionPolicy = policy;
        return this;
    }

    /**
     * @return the eviction policy.
     */
    public EvictionPolicy evictionPolicy()
    {
        return evictionPolicy;
    }

    /**
     * @param blocks how many blocks ahead the store prefetches once it sees sequential access across
     *               consecutive block ids (see {@link BlockStore#SEQUENTIAL_RUN_TRIGGER}); 0 disables
     *               sequential prefetch; 0 to 1024; default 4 ({@value StoreConfiguration#PREFETCH_DEPTH_PROP_NAME}).
     * @return this for a fluent API.
     */
    public StoreContext prefetchDepth(final int blocks)
    {
        this.prefetchDepth = blocks;
        return this;
    }

    /**
     * @return how many blocks ahead sequential access is prefetched, 0 if disabled.
     */
    public int prefetchDepth()
    {
        return prefetchDepth;
    }

    /**
     * @param requests most prefetch requests waiting at once, 1 to 65536; default 1024. Requests beyond it
     *                 are dropped and counted.
     * @return this for a fluent API.
     */
    public StoreContext prefetchQueueCapacity(final int requests)
    {
        this.prefetchQueueCapacity = requests;
        return this;
    }

    /**
     * @return the prefetch queue's capacity, in requests.
     */
    public int prefetchQueueCapacity()
    {
        return prefetchQueueCapacity;
    }

    /**
     * @param start whether the store starts the prefetcher on its own daemon thread
     *              ({@value Prefetcher#ROLE_NAME}); default true. With false, call
     *              {@link BlockStore#runPrefetcher()}.
     * @return this for a fluent API.
     */
    public StoreContext startPrefetcher(final boolean start)
    {
        this.startPrefetcher = start;
        return this;
    }

    /**
     * @return whether the store starts the prefetcher thread.
     */
    public boolean startPrefetcher()
    {
        return startPrefetcher;
    }

    /**
     * @param idleStrategy how the prefetcher thread waits when its queue is empty; default a
     *                     {@link BackoffIdleStrategy} parking up to 1 ms.
     * @return this for a fluent API.
     */
    public StoreContext prefetcherIdleStrategy(final IdleStrategy idleStrategy)
    {
        this.prefetcherIdleStrategy = idleStrategy;
        return this;
    }

    /**
     * @return how the prefetcher thread waits when idle.
     */
    public IdleStrategy prefetcherIdleStrategy()
    {
        return prefetcherIdleStrategy;
    }

    /**
     * @param workers number of I/O worker threads ({@value IoWorkers#THREAD_NAME_PREFIX}n) that do the tier I/O
     *                of the mover's demotions and the prefetcher's promotions, so that several blocks move at
     *                once and the two agents' duty cycles never wait on a device: 0 to 64; default
     *                {@value StoreConfiguration#IO_WORKERS_DEFAULT} ({@value StoreConfiguration#IO_WORKERS_PROP_NAME}).
     *                0 makes the mover and the prefetcher do their I/O on their own threads, one block at a
     *                time. Not used when neither agent is started.
     * @return this for a fluent API.
     */
    public StoreContext ioWorkers(final int workers)
    {
        this.ioWorkers = workers;
        return this;
    }

    /**
     * @return the number of I/O worker threads.
     */
    public int ioWorkers()
    {
        return ioWorkers;
    }

    /**
     * @param stripes number of stripes of the block table ({@link BlockTable}): a power of two from 1 to
     *                {@value StoreConfiguration#BLOCK_TABLE_STRIPES_LIMIT}; default
     *                {@value StoreConfiguration#BLOCK_TABLE_STRIPES_DEFAULT}
     *                ({@value StoreConfiguration#BLOCK_TABLE_STRIPES_PROP_NAME}). Each stripe has its own map and lock:
     *                reads and writes of RAM blocks in different stripes never wait for each other.
     * @return this for a fluent API.
     */
    public StoreContext blockTableStripes(final int stripes)
    {
        this.blockTableStripes = stripes;
        return this;
    }

    /**
     * @return the number of stripes of the block table.
     */
    public int blockTableStripes()
    {
        return blockTableStripes;
    }

    /**
     * @param bytes most bytes of small blocks the mover writes to a slower tier in one batch (one call of
     *              {@link Tier#writeBatch}: one I/O for a spill file), 0 to 64 MiB; default
     *              {@value StoreConfiguration#DEMOTION_BATCH_BYTES_DEFAULT} bytes
     *              ({@value StoreConfiguration#DEMOTION_BATCH_BYTES_PROP_NAME}); 0 demotes one block at a time.
     * @return this for a fluent API.
     */
    public StoreContext demotionBatchBytes(final int bytes)
    {
        this.demotionBatchBytes = bytes;
        return this;
    }

    /**
     * @return most bytes in one demotion batch.
     */
    public int demotionBatchBytes()
    {
        return demotionBatchBytes;
    }

    /**
     * @param bytes largest block the mover batches with others, 1 byte to 64 MiB; default
     *              {@value StoreConfiguration#DEMOTION_BATCH_BLOCK_BYTES_DEFAULT} bytes. Larger blocks are
     *              written one per call, which costs them nothing extra.
     * @return this for a fluent API.
     */
    public StoreContext demotionBatchBlockBytes(final int bytes)
    {
        this.demotionBatchBlockBytes = bytes;
        return this;
    }

    /**
     * @return largest block the mover batches.
     */
    public int demotionBatchBlockBytes()
    {
        return demotionBatchBlockBytes;
    }

    /**
     * Whether a block promoted to RAM from VVRAM or VSSD keeps its copy there while it stays unchanged, so that
     * demoting it again is a switch back to that copy instead of a checksum and a write (the inclusive caching
     * of CPU caches and of ZFS's ARC/L2ARC for clean data). The copy is dropped as soon as the block is written
     * or pinned, moved elsewhere or freed, and before anything else when its tier needs room (the mover drains
     * retained copies first, and a write that does not fit drops them): it never stops a block from being
     * placed, but it does count in the tier's used bytes, blocks and pressure level. Default true
     * ({@value StoreConfiguration#RETAIN_CLEAN_COPIES_PROP_NAME}).
     *
     * @param retain true (default) to keep clean copies; false to free a block's lower copy when it comes up.
     * @return this for a fluent API.
     */
    public StoreContext retainCleanCopies(final boolean retain)
    {
        this.retainCleanCopies = retain;
        return this;
    }

    /**
     * @return whether clean copies are retained; see {@link #retainCleanCopies(boolean)}.
     */
    public boolean retainCleanCopies()
    {
        return retainCleanCopies;
    }

    /**
     * Whether {@link BlockStore#allocate(long, Hint)} zero-fills a new block placed in RAM (calloc) or leaves
     * its bytes as the memory held them (malloc).
     * <p>
     * With {@code true}, the default, a new block reads as zeros, whatever tier it is placed in. With
     * {@code false}, the bytes of a new block placed in RAM (the usual place) are <b>undefined</b> until
     * written: they may be bytes of blocks of this store freed earlier, that is data written by any user of
     * this process (the node and every client of it), so turn it off only where every block is written
     * in full before it is read, or read only up to where it was written. A block placed below RAM (hint
     * {@link Hint#COLD}, or RAM full) or in the DEVICE tier still reads as zeros. Skipping the fill saves a
     * memset of the block's size per allocation (about 1 µs per 64 KiB, 16 µs per 1 MiB on a hot cache).
     * {@link BlockStore#allocate(long, Hint, DirectBuffer, int, int)} fills only what its source does not
     * cover, and with {@code false} not even that.
     *
     * @param zeroFill true (default) to zero-fill new blocks; false to leave their bytes undefined.
     * @return this for a fluent API.
     */
    public StoreContext zeroFill(final boolean zeroFill)
    {
        this.zeroFill = zeroFill;
        return this;
    }

    /**
     * @return whether new blocks are zero-filled; see {@link #zeroFill(boolean)}.
     */
    public boolean zeroFill()
    {
        return zeroFill;
    }
}
