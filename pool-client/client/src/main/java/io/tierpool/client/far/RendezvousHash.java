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
 * <b>The pair's hash.</b> The block id is mixed once ({@link #blockHash}, SplitMix64's finaliser, made odd), the
 * node's key is a mixed value already ({@code RendezvousPlacement.key}), and the pair's hash is the two 64-bit
 * halves of their 128-bit product folded together ({@link #pairHash}: high half xor low half, the "mum" step of
 * wyhash): one 64x64-bit multiplication per node instead of a full finaliser (two multiplications and three
 * shift-xors) per pair. The top 53 bits make {@code u}. Its quality was checked where rendezvous hashing needs it:
 * which node ranks first and which pair ranks first and second over 2 million blocks (chi-square within noise,
 * {@code RendezvousPlacementTest}), the balance of copies over weighted nodes, and the chance that of two keys
 * differing in one bit the first wins (within 0.003 of one half for every bit, as for the previous finaliser).
 * <p>
 * <b>Compatibility.</b> Versions before this one hashed the pair as {@code mix(blockId * 0x9E3779B97F4A7C15L ^
 * nodeKey)}; the ranking of a given block differs between the two. Data already written is unaffected: the
 * far-memory tier records the nodes that hold each copy ({@code ReplicaSet}) and reads, frees and repairs go to
 * those, never to a recomputed ranking; and each client places only its own blocks.
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
        final long h = pairHash(blockHash(blockId), nodeKey);
        final double u = ((h >>> 11) + 0.5) / (double)(1L << 53);
        return -weight / Math.log(u);
    }

    /**
     * The block's side of the pair's hash, computed once per block: {@link #mix} of the id, with its lowest bit set
     * so that it is never 0 (a block hash of 0 would score every node alike).
     *
     * @param blockId the block's id.
     * @return an odd 64-bit value.
     */
    public static long blockHash(final long blockId)
    {
        return mix(blockId) | 1;
    }

    /**
     * The hash of a (block, node) pair: the high and the low 64 bits of the 128-bit (signed) product of the two
     * hashes, xor-ed. {@link #score} takes its top 53 bits as {@code u}.
     *
     * @param blockHash the block's {@link #blockHash}.
     * @param nodeKey   the node's key (a mixed value: {@code RendezvousPlacement.key}).
     * @return the pair's 64-bit hash.
     */
    public static long pairHash(final long blockHash, final long nodeKey)
    {
        return Math.multiplyHigh(blockHash, nodeKey) ^ (blockHash * nodeKey);
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
