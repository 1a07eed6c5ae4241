/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.far;

/**
 * Weighted rendezvous (highest random weight) hashing: every (block, node) pair gets a pseudo-random score, and a
 * block goes to the node with the highest score; the next highest are the fall-backs. Adding or removing a node
 * moves only the blocks that scored highest on it.
 * <p>
 * The weighted form follows Schindelhauer and Schomaker, "Weighted Distributed Hash Tables" (SPAA 2005), as used
 * by e.g. Apache Ignite's rendezvous affinity and the "logarithmic method": score = -weight / ln(u) where u is a
 * uniform hash of the pair in (0, 1). A node with twice the weight receives twice the share of blocks.
 * <p>
 * Stateless and thread-safe.
 */
public final class RendezvousHash
{
    private RendezvousHash()
    {
    }

    /**
     * Scores a block on a node.
     *
     * @param blockId the block's id.
     * @param nodeKey a stable key of the node (a hash of its id).
     * @param weight  the node's weight, for example its capacity in bytes; must be positive.
     * @return the score; higher wins.
     */
    public static double score(final long blockId, final long nodeKey, final double weight)
    {
        final long h = mix(blockId * 0x9E3779B97F4A7C15L ^ nodeKey);
        final double u = ((h >>> 11) + 0.5) / (double)(1L << 53);
        return -weight / Math.log(u);
    }

    /**
     * A 64-bit finaliser (the one from SplitMix64) that spreads nearby inputs over the whole range.
     *
     * @param value to mix.
     * @return the mixed value.
     */
    public static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
