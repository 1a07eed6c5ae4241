/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

/**
 * The order in which the blocks of one tier and one demotion class (COLD, then WARM and PREFER_FAST, then HOT; see
 * {@link BlockStore}) are chosen for demotion.
 */
public enum EvictionPolicy
{
    /**
     * The default. Least recently used first: every read, write, pin or prefetch of a block moves it to the most
     * recently used end of its tier's list (one O(1) unlink and append under the engine lock).
     */
    LRU,

    /**
     * CLOCK (second chance; Corbató 1968, as in most operating-system page caches): blocks sit in the order they
     * arrived in the tier; an access only sets the block's reference bit. The demotion hand starts at the oldest
     * block: a block whose bit is set has the bit cleared and goes to the back (a second chance), the first block
     * found with the bit clear is demoted. Cheaper per access than LRU; approximates it.
     */
    CLOCK
}
