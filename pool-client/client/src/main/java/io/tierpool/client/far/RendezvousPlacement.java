/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.far;

import java.util.Arrays;

/**
 * The far-memory tier's placement: the nodes a block goes to, as weighted rendezvous hashing
 * ({@link RendezvousHash#score}) ranks them, computed over a table of node slots held as primitive arrays. It is
 * the code {@link RemoteTier} places, re-places and repairs blocks with, and the code the scale simulator
 * ({@code tierpool bench scale}) drives.
 * <p>
 * <b>Ranking.</b> Every slot has a key (a hash of the node's id), a weight ({@link #weight(long, long)}: the free
 * bytes the node last published, else its capacity) and a class. Nodes are ordered by class first
 * ({@link #PREFERRED}, then {@link #FULL}, then {@link #SUSPECT}, then {@link #SUSPECT_FULL}; slots of class
 * {@link #OUT} are not ranked), then by rendezvous score, highest first, then by slot, lowest first. This is the
 * order {@link RemoteTier} always used (a full sort of every live node by score, full nodes after the others,
 * suspects moved to the end): the answer is the same for every cluster size.
 * <p>
 * <b>Cost.</b> Plain rendezvous hashing computes a score (a hash and a logarithm) for every node for every block
 * and sorts them. {@link #rank} keeps only the best {@code k} seen so far and skips a node without its logarithm
 * when a cheap bound proves it cannot enter them: a node's score {@code -w / ln(u)} beats the k-th best score
 * {@code T} only if {@code -ln(u) < w / T}, and since {@code -ln(u) >= 1 - u}, only if {@code (1 - u) * T < w}
 * (tested with {@code 1 - u} rounded down and {@code w} raised by 1e-9, so that rounding never skips a winner).
 * That test is made in two steps. The first is on integers and the same for every node: with {@code W} the
 * largest (raised) weight of the nodes ranked, no node can pass while {@code (1 - u) * T >= W}, which for the
 * pair's 64-bit hash {@code x} ({@link RendezvousHash#pairHash}) reads {@code x <= X} as unsigned numbers, with
 * {@code X} computed again only when {@code T} changes. Only a node past it (about {@code k W / (n w_mean)} of
 * the {@code n} once {@code T} has settled) takes the second step, the test above with its own weight, and only
 * a node past that its logarithm and the insertion (about {@code k * ln(n / k)} of {@code n} in all). So nearly
 * every node costs a load, one 64x64-bit multiplication (its two halves xor-ed), an xor and a compare. The
 * result is exactly the plain ranking's top k with the same hash ({@link RendezvousHash#score}), so balance and
 * minimal movement on join and leave are those of rendezvous hashing.
 * <p>
 * <b>Threads.</b> Not thread-safe: {@link RemoteTier} uses one under its lock; the simulator gives each thread
 * its own copy ({@link #copy()}). {@link #rank} allocates nothing.
 */
public final class RendezvousPlacement
{
    /** Class of a slot that is not ranked: a node that left, or one excluded for a call. */
    public static final byte OUT = -1;

    /** Class of a live node with room: ranked first. */
    public static final byte PREFERRED = 0;

    /** Class of a live node that published 0 free bytes: ranked after every {@link #PREFERRED} node. */
    public static final byte FULL = 1;

    /** Bit of a class that marks a suspect node (a request to it timed out lately): ranked after the others. */
    public static final byte SUSPECT = 2;

    /** Class of a suspect node that also published 0 free bytes: ranked last. */
    public static final byte SUSPECT_FULL = SUSPECT | FULL;

    /** Class mask of the normal order: suspects after the others. */
    public static final int ALL_CLASS_BITS = 3;

    /** Class mask that ignores suspicion: the order a node would have if it were not suspect. */
    public static final int IGNORE_SUSPICION = FULL;

    private static final double INV_2_53 = 1.0 / (double)(1L << 53);
    private static final double TWO_53 = 1L << 53;
    private static final double BOUND_MARGIN = 1.0 + 1e-9;
    /** A {@code limit} no hash is below (as unsigned): skip nothing. */
    private static final long SKIP_NONE = Long.MIN_VALUE;

    private long[] keys;
    private double[] weights;
    private double[] boundWeights;
    private byte[] classes;
    private int size;
    private double[] topScores = new double[4];
    private byte[] saved = new byte[4];
    // the PREFERRED slots, compacted, rebuilt when a class or weight changed: the common ranking runs over them
    private boolean compactDirty = true;
    private int compactCount;
    private int[] compactSlots = new int[0];
    private long[] compactKeys = new long[0];
    private double[] compactWeights = new double[0];
    private double[] compactBounds = new double[0];
    private double compactMaxBound;
    // the largest raised weight over every slot, for the other classes' rankings; recomputed when a weight changed
    private boolean maxBoundDirty = true;
    private double maxBound;

    /**
     * An empty table.
     *
     * @param initialSlots slots to allocate room for, 1 or more (the table grows as nodes are added).
     * @throws IllegalArgumentException if initialSlots is below 1.
     */
    public RendezvousPlacement(final int initialSlots)
    {
        if (initialSlots < 1)
        {
            throw new IllegalArgumentException("initialSlots must be 1 or more, was " + initialSlots);
        }
        keys = new long[initialSlots];
        weights = new double[initialSlots];
        boundWeights = new double[initialSlots];
        classes = new byte[initialSlots];
    }

    /**
     * The rendezvous weight of a node, as {@link RemoteTier} weights nodes: the free bytes it last published when
     * more than 0, else the capacity it advertised at join; at least 1.
     *
     * @param freeBytes     free bytes last published, or -1 while none is known; 0 means full (see {@link #FULL}).
     * @param capacityBytes the capacity the node advertised at join, bytes.
     * @return the weight, 1 or more.
     */
    public static double weight(final long freeBytes, final long capacityBytes)
    {
        return Math.max(1, freeBytes > 0 ? freeBytes : capacityBytes);
    }

    /**
     * The stable rendezvous key of a node id (the same on every client).
     *
     * @param mostSignificantBits  of the node's UUID.
     * @param leastSignificantBits of the node's UUID.
     * @return the key.
     */
    public static long key(final long mostSignificantBits, final long leastSignificantBits)
    {
        return RendezvousHash.mix(mostSignificantBits ^ leastSignificantBits);
    }

    /**
     * Adds a node in the next slot.
     *
     * @param key       the node's key ({@link #key}).
     * @param weight    its weight, more than 0.
     * @param nodeClass its class ({@link #PREFERRED}, {@link #FULL}, {@link #SUSPECT}, {@link #SUSPECT_FULL} or
     *                  {@link #OUT}).
     * @return the slot, which is the number of slots before this call.
     * @throws IllegalArgumentException if weight is not positive or nodeClass is not a class.
     */
    public int add(final long key, final double weight, final byte nodeClass)
    {
        checkWeightAndClass(size, weight, nodeClass);
        if (size == keys.length)
        {
            final int grown = Math.max(4, size * 2);
            keys = Arrays.copyOf(keys, grown);
            weights = Arrays.copyOf(weights, grown);
            boundWeights = Arrays.copyOf(boundWeights, grown);
            classes = Arrays.copyOf(classes, grown);
        }
        final int slot = size++;
        keys[slot] = key;
        set(slot, weight, nodeClass);
        return slot;
    }

    /**
     * Sets a slot's weight and class.
     *
     * @param slot      a slot {@link #add} returned.
     * @param weight    more than 0.
     * @param nodeClass its class.
     * @throws IllegalArgumentException if weight is not positive or nodeClass is not a class.
     * @throws IndexOutOfBoundsException if slot is not a slot of this table.
     */
    public void set(final int slot, final double weight, final byte nodeClass)
    {
        checkWeightAndClass(slot, weight, nodeClass);
        weights[checkSlot(slot)] = weight;
        boundWeights[slot] = weight * BOUND_MARGIN;
        compactDirty = true;
        maxBoundDirty = true;
        nodeClass(slot, nodeClass);
    }

    /**
     * Sets a slot's class.
     *
     * @param slot      a slot {@link #add} returned.
     * @param nodeClass its class.
     * @throws IllegalArgumentException  if nodeClass is not a class.
     * @throws IndexOutOfBoundsException if slot is not a slot of this table.
     */
    public void nodeClass(final int slot, final byte nodeClass)
    {
        if (nodeClass < OUT || nodeClass > SUSPECT_FULL)
        {
            throw new IllegalArgumentException("nodeClass must be OUT, PREFERRED, FULL, SUSPECT or SUSPECT_FULL, " +
                "was " + nodeClass + " for slot " + slot);
        }
        if (classes[checkSlot(slot)] != nodeClass)
        {
            classes[slot] = nodeClass;
            compactDirty = true;
        }
    }

    /**
     * @param slot a slot of this table.
     * @return its class.
     * @throws IndexOutOfBoundsException if slot is not a slot of this table.
     */
    public byte nodeClass(final int slot)
    {
        return classes[checkSlot(slot)];
    }

    /**
     * @param slot a slot of this table.
     * @return its weight.
     * @throws IndexOutOfBoundsException if slot is not a slot of this table.
     */
    public double weight(final int slot)
    {
        return weights[checkSlot(slot)];
    }

    /**
     * @param slot a slot of this table.
     * @return its key.
     * @throws IndexOutOfBoundsException if slot is not a slot of this table.
     */
    public long key(final int slot)
    {
        return keys[checkSlot(slot)];
    }

    /**
     * @return slots in the table, of every class.
     */
    public int size()
    {
        return size;
    }

    /**
     * @return slots not {@link #OUT}.
     */
    public int rankedCount()
    {
        int count = 0;
        for (int i = 0; i < size; i++)
        {
            count += classes[i] == OUT ? 0 : 1;
        }
        return count;
    }

    /**
     * @return an independent copy, for another thread.
     */
    public RendezvousPlacement copy()
    {
        final RendezvousPlacement copy = new RendezvousPlacement(Math.max(1, size));
        System.arraycopy(keys, 0, copy.keys, 0, size);
        System.arraycopy(weights, 0, copy.weights, 0, size);
        System.arraycopy(boundWeights, 0, copy.boundWeights, 0, size);
        System.arraycopy(classes, 0, copy.classes, 0, size);
        copy.size = size;
        return copy;
    }

    /**
     * The best {@code k} slots for a block, in the order described in the class comment.
     *
     * @param blockId the block's id.
     * @param k       how many slots at most, 1 or more.
     * @param out     receives the slots, best first; at least {@code k} long.
     * @return the number of slots written: {@code min(k, }{@link #rankedCount()}{@code )}.
     * @throws IllegalArgumentException if k is below 1 or out is shorter than k.
     */
    public int rank(final long blockId, final int k, final int[] out)
    {
        return rank(blockId, k, out, ALL_CLASS_BITS);
    }

    /**
     * As {@link #rank(long, int, int[])}, with the class of each slot masked first: {@link #IGNORE_SUSPICION}
     * ranks suspects where they would be if they were not suspect.
     *
     * @param blockId   the block's id.
     * @param k         how many slots at most, 1 or more.
     * @param out       receives the slots, best first; at least {@code k} long.
     * @param classMask {@link #ALL_CLASS_BITS} or {@link #IGNORE_SUSPICION}.
     * @return the number of slots written.
     * @throws IllegalArgumentException if k is below 1 or out is shorter than k.
     */
    public int rank(final long blockId, final int k, final int[] out, final int classMask)
    {
        if (k < 1 || out.length < k)
        {
            throw new IllegalArgumentException("k must be 1 or more and out at least k long, was k=" + k +
                ", out.length=" + out.length);
        }
        if (topScores.length < k)
        {
            topScores = new double[Math.max(k, topScores.length * 2)];
        }
        int filled = 0;
        for (int c = 0; c <= classMask && filled < k; c++)
        {
            if (c == PREFERRED && classMask == ALL_CLASS_BITS)
            {
                filled += topOfPreferred(blockId, k, out);
            }
            else if ((c & classMask) == c)
            {
                filled += topOfClass(blockId, c, classMask, k - filled, out, filled);
            }
        }
        return filled;
    }

    /**
     * The best {@code k} slots for a block leaving out some: the repair targets of a block whose holders are the
     * excluded slots ({@code RemoteTier.repairCandidates} and the scale simulator plan repairs with it). The
     * excluded slots' classes are restored before this returns.
     *
     * @param blockId       the block's id.
     * @param excluded      slots not to rank (the block's holders), any order.
     * @param excludedCount how many of {@code excluded} to use.
     * @param k             how many slots at most, 1 or more.
     * @param out           receives the slots, best first; at least {@code k} long.
     * @return the number of slots written.
     * @throws IllegalArgumentException  if k is below 1 or out is shorter than k.
     * @throws IndexOutOfBoundsException if an excluded slot is not a slot of this table.
     */
    public int rankExcluding(
        final long blockId, final int[] excluded, final int excludedCount, final int k, final int[] out)
    {
        if (excludedCount > saved.length)
        {
            saved = new byte[Math.max(excludedCount, saved.length * 2)];
        }
        for (int i = 0; i < excludedCount; i++)
        {
            saved[i] = nodeClass(excluded[i]);
        }
        try
        {
            for (int i = 0; i < excludedCount; i++)
            {
                nodeClass(excluded[i], OUT);
            }
            return rank(blockId, k, out);
        }
        finally
        {
            for (int i = excludedCount - 1; i >= 0; i--)
            {
                nodeClass(excluded[i], saved[i]);
            }
        }
    }

    /**
     * Best {@code m} {@link #PREFERRED} slots, written to {@code out} from 0: {@link #topOfClass} over the compacted
     * arrays, without a class test per slot.
     */
    private int topOfPreferred(final long blockId, final int m, final int[] out)
    {
        if (compactDirty)
        {
            compact();
        }
        final long blockHash = RendezvousHash.blockHash(blockId);
        final long[] keys = compactKeys;
        final double[] boundWeights = compactBounds;
        final double maxBound = compactMaxBound;
        int count = 0;
        double scaledThreshold = 0;
        long limit = SKIP_NONE;
        for (int i = 0, size = compactCount; i < size; i++)
        {
            final long x = RendezvousHash.pairHash(blockHash, keys[i]);
            // x <= X unsigned: (1 - u) * T >= the largest weight, so no node with this hash can enter
            if ((x ^ Long.MIN_VALUE) < limit ||
                (double)(~x >>> 11) * scaledThreshold >= boundWeights[i])
            {
                continue;
            }
            count = offer(x >>> 11, compactWeights[i], i, out, 0, m, count);
            if (count == m)
            {
                scaledThreshold = topScores[m - 1] * INV_2_53;
                limit = limit(maxBound, scaledThreshold);
            }
        }
        for (int i = 0; i < count; i++)
        {
            out[i] = compactSlots[out[i]];
        }
        return count;
    }

    /**
     * Offers a node that passed the bound to the best {@code m} kept in {@code out} and {@link #topScores} from
     * {@code base}: its score, and an insertion if it beats the m-th (a tie goes to the lower slot, seen first).
     *
     * @return the number kept now.
     */
    private int offer(
        final long h, final double weight, final int slot, final int[] out, final int base, final int m, final int count)
    {
        final double[] topScores = this.topScores;
        final int last = base + m - 1;
        final double score = -weight / Math.log((h + 0.5) * INV_2_53);
        int j;
        int kept = count;
        if (count < m)
        {
            j = base + kept++ - 1;
        }
        else if (score > topScores[last])
        {
            j = last - 1;
        }
        else
        {
            return count;
        }
        while (j >= base && topScores[j] < score)
        {
            topScores[j + 1] = topScores[j];
            out[j + 1] = out[j];
            j--;
        }
        topScores[j + 1] = score;
        out[j + 1] = slot;
        return kept;
    }

    /**
     * The limit of the first, integer step of the bound: a pair hash {@code x} with {@code (x ^ Long.MIN_VALUE) <
     * limit} has {@code g = ~x >>> 11 >= G = ceil(maxBound / scaledThreshold)}, hence {@code g * scaledThreshold >=
     * maxBound} (to within a rounding of the division, which the bound's 1e-9 margin covers) and {@code (1 - u) * T
     * >= w} for every node. {@code g >= G} is {@code ~x >= G << 11}, that is {@code x < -(G << 11)} unsigned.
     */
    private static long limit(final double maxBound, final double scaledThreshold)
    {
        final double g = Math.ceil(maxBound / scaledThreshold);
        return g >= TWO_53 ? SKIP_NONE : -((long)g << 11) ^ Long.MIN_VALUE;
    }

    private void compact()
    {
        if (compactSlots.length < size)
        {
            final int length = Math.max(size, compactSlots.length * 2);
            compactSlots = new int[length];
            compactKeys = new long[length];
            compactWeights = new double[length];
            compactBounds = new double[length];
        }
        int count = 0;
        double max = 0;
        for (int i = 0; i < size; i++)
        {
            if (classes[i] == PREFERRED)
            {
                compactSlots[count] = i;
                compactKeys[count] = keys[i];
                compactWeights[count] = weights[i];
                compactBounds[count] = boundWeights[i];
                max = Math.max(max, boundWeights[i]);
                count++;
            }
        }
        compactMaxBound = max;
        compactCount = count;
        compactDirty = false;
    }

    /**
     * Best {@code m} slots of one (masked) class, written to {@code out} from {@code base}; scores kept in
     * {@link #topScores} from {@code base}.
     */
    private int topOfClass(
        final long blockId, final int nodeClass, final int classMask, final int m, final int[] out, final int base)
    {
        if (maxBoundDirty)
        {
            double max = 0;
            for (int i = 0; i < size; i++)
            {
                max = Math.max(max, boundWeights[i]);
            }
            maxBound = max;
            maxBoundDirty = false;
        }
        final long blockHash = RendezvousHash.blockHash(blockId);
        final long[] keys = this.keys;
        final double[] boundWeights = this.boundWeights;
        final byte[] classes = this.classes;
        final double maxBound = this.maxBound;
        int count = 0;
        double scaledThreshold = 0;
        long limit = SKIP_NONE;
        for (int i = 0, size = this.size; i < size; i++)
        {
            final byte slotClass = classes[i];
            if ((slotClass & classMask) != nodeClass || slotClass == OUT)
            {
                continue;
            }
            final long x = RendezvousHash.pairHash(blockHash, keys[i]);
            // (2^53 - h - 1) / 2^53 <= 1 - u <= -ln(u): no score above the threshold when this reaches w
            if ((x ^ Long.MIN_VALUE) < limit ||
                (double)(~x >>> 11) * scaledThreshold >= boundWeights[i])
            {
                continue;
            }
            count = offer(x >>> 11, weights[i], i, out, base, m, count);
            if (count == m)
            {
                scaledThreshold = topScores[base + m - 1] * INV_2_53;
                limit = limit(maxBound, scaledThreshold);
            }
        }
        return count;
    }

    private static void checkWeightAndClass(final int slot, final double weight, final byte nodeClass)
    {
        if (!(weight > 0) || Double.isInfinite(weight))
        {
            throw new IllegalArgumentException(
                "weight must be positive and finite, was " + weight + " for slot " + slot);
        }
        if (nodeClass < OUT || nodeClass > SUSPECT_FULL)
        {
            throw new IllegalArgumentException("nodeClass must be OUT, PREFERRED, FULL, SUSPECT or SUSPECT_FULL, " +
                "was " + nodeClass + " for slot " + slot);
        }
    }

    private int checkSlot(final int slot)
    {
        if (slot < 0 || slot >= size)
        {
            throw new IndexOutOfBoundsException("slot " + slot + " is not in this placement table of " + size +
                " slots");
        }
        return slot;
    }
}
