/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

/**
 * What {@link BlockStore#allocate} does when the tier a block's hint asks for cannot take the block under its hard
 * cap ({@link StoreContext#hardCapBytes(io.tierpool.client.TierKind, long)}). Modelled on TierAlloc's
 * {@code TA_ON_HARDCAP} ({@code route_slow}, the default, or {@code fail}). The policy applies to allocations
 * only: a read, write or pin of a block below RAM always promotes it, making room by demoting others, and a
 * promotion or demotion never exceeds a hard cap either.
 */
public enum OverflowPolicy
{
    /**
     * The default. Make room in the tier by demoting its coldest movable blocks where the hint allows it (HOT,
     * WARM, PIN_FAST), then route the block to the next slower tier that has room under its own hard cap. The
     * allocation fails with {@link io.tierpool.client.OutOfTierMemoryException} only when no tier can take it.
     */
    SPILL_TO_NEXT,

    /**
     * Never demote other blocks or route to another tier to make room for an allocation: if the tier the hint
     * asks for (RAM; for {@link io.tierpool.client.Hint#COLD} the first tier below RAM large enough;
     * {@link io.tierpool.client.Hint#PREFER_FAST} keeps its own fallback to the tiers below RAM) cannot take the
     * block under its hard cap now, the allocation fails with {@link io.tierpool.client.OutOfTierMemoryException}
     * naming the block size, the tier, its hard cap and its usage. The mover still demotes in the background
     * when a tier passes its soft cap, so a later attempt may succeed.
     */
    FAIL
}
