/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

/**
 * A snapshot of one size class of a pooled tier allocator (the RAM tier's), since the tier opened.
 * <p>
 * Counts are summed over the threads that used the class; a thread's counts are read without stopping it, so a
 * snapshot taken while threads allocate may be a few operations behind.
 *
 * @param sizeBytes   the class's block size in bytes; every request up to this (and above the class below) is
 *                    served with a block of this size.
 * @param allocations blocks of the class handed out (cache hits included).
 * @param frees       blocks of the class given back.
 * @param cacheHits   allocations served from the allocating thread's cache without taking a lock.
 * @param usedBlocks  blocks of the class in use now: {@code allocations - frees}.
 * @param usedBytes   bytes of the class in use now: {@code usedBlocks * sizeBytes}.
 */
public record SizeClassStats(int sizeBytes, long allocations, long frees, long cacheHits, long usedBlocks, long usedBytes)
{
    /**
     * @return the fraction of allocations served from thread caches, from 0 to 1 (0 when nothing was allocated).
     */
    public double cacheHitRatio()
    {
        return allocations == 0 ? 0.0 : (double)cacheHits / allocations;
    }
}
