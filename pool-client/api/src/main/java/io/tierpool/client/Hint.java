/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

/**
 * Where a new block should live, given at allocation (the meanings follow TierAlloc's hints). RAM is the fastest
 * tier; "below RAM" means the next tiers in order (VVRAM, VSSD, REMOTE) that are enabled and whose hard cap is
 * large enough for the block. Whatever the hint, a block read, written or pinned later is promoted to RAM first,
 * and a block that does not fit in a tier at all skips that tier.
 * <p>
 * <b>Demotion order</b> within a tier: COLD blocks first, then WARM and PREFER_FAST blocks, then HOT blocks; PIN_FAST
 * (and pinned) blocks never. Within each class the store's eviction policy (LRU or CLOCK) decides. Where a tier
 * is at its hard cap, the store's overflow policy decides what an allocation does (see
 * {@code io.tierpool.client.OverflowPolicy}).
 */
public enum Hint
{
    /**
     * Start in RAM, making room by demoting least recently used blocks if needed, and stay there longest:
     * HOT blocks of a tier are demoted only after all of its WARM and COLD blocks.
     */
    HOT,

    /**
     * The default. Start in RAM, making room by demoting least recently used blocks if needed; demoted in
     * least-recently-used order with the other non-HOT blocks.
     */
    WARM,

    /**
     * Data that is written once and rarely read: start in the first tier below RAM that has room, leaving RAM to
     * hotter blocks (RAM only when no tier below it has room). Once in a tier (for example promoted to RAM by a
     * read) COLD blocks are demoted before any WARM or HOT block of that tier.
     */
    COLD,

    /**
     * Start in RAM and never leave it: the block is never demoted, as if pinned for its whole life. Allocation
     * fails with {@link OutOfTierMemoryException} if RAM cannot hold it even after demoting other blocks.
     */
    PIN_FAST,

    /**
     * Start in RAM if it has room now; otherwise start in the next tier that has room, instead of demoting other
     * blocks to make room. Demoted with the WARM blocks.
     */
    PREFER_FAST,

    /**
     * Place in the DEVICE tier (GPU memory) where the store has one, else like HOT. Where the DEVICE tier cannot
     * take the block under its hard cap now, the block is placed like HOT instead (counted in
     * {@code StoreStats.deviceFallbacks}); other blocks are not demoted out of the DEVICE tier to make room. A
     * DEVICE block that the DEVICE tier demotes (past its soft cap) goes to RAM and then down the usual
     * hierarchy, and is kept as long as HOT blocks there; {@code BlockStore.pinOnDevice} brings it back.
     */
    DEVICE
}
