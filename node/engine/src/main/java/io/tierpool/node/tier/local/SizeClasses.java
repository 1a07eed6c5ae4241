/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import java.util.Arrays;

/**
 * The size classes of a {@link SizeClassAllocator}: every request of 1 to {@code chunkBytes} bytes is served
 * with a block of the smallest class that fits it.
 * <p>
 * <b>Spacing</b> (the scheme of jemalloc and of Netty's {@code SizeClasses}): 16, 32, 48 and 64 bytes, then four
 * classes per doubling, {@code 2^k + j * 2^(k-2)} for {@code j = 1..4}: 80, 96, 112, 128, 160, 192, 224, 256,
 * 320, ... up to {@code chunkBytes}. Rounding a request up to its class wastes less than 20% of the block (at
 * most 15 bytes below 64 bytes). Every class of 256 bytes or more is a multiple of 64, so those blocks start on a
 * cache line.
 * <p>
 * <b>Small classes</b> are those below {@code 4 * pageBytes} (16 B .. 28 KiB with 8 KiB pages): their blocks are
 * elements of a subpage, a run of {@link #runPages(int)} pages: the fewest pages that hold at least one element
 * and leave at most an eighth of the run unused after the last whole element. One page for every class up to
 * {@code pageBytes / 8} (1 KiB with 8 KiB pages), at most 5 pages for any small class. (Netty and jemalloc size a
 * subpage's run so that it divides into whole elements, {@code size / gcd(size, pageBytes)} pages: up to 7 pages
 * for classes such as 112, 448 or 28 KiB. A run lives as long as its longest-lived element, so one pinned 448-byte
 * block then holds 56 KiB where a large block could go; the eighth of waste bought back is worth the room.)
 * Thread caches hold small classes only. <b>Run
 * classes</b> (from {@code 4 * pageBytes} up to {@code chunkBytes}) are all multiples of the page and are served
 * as runs of whole pages.
 * <p>
 * Immutable and thread-safe.
 */
public final class SizeClasses
{
    /**
     * The smallest class and the spacing of the first four classes, in bytes.
     */
    public static final int QUANTUM = 16;

    private static final int LOG2_QUANTUM = 4;

    private final int pageBytes;
    private final int pageShift;
    private final int chunkBytes;
    private final int[] sizes;
    private final int[] runPages;
    private final int smallCount;
    private final byte[] smallIndex;

    /**
     * @param pageBytes  the page, a power of two from 64 to {@code chunkBytes / 8}.
     * @param chunkBytes the chunk and the largest class, a power of two up to 1 GiB.
     * @throws IllegalArgumentException if either size is out of range or not a power of two.
     */
    public SizeClasses(final int pageBytes, final int chunkBytes)
    {
        if (Integer.bitCount(pageBytes) != 1 || pageBytes < 64 || Integer.bitCount(chunkBytes) != 1 ||
            chunkBytes < 8 * pageBytes || chunkBytes > (1 << 30))
        {
            throw new IllegalArgumentException("pageBytes=" + pageBytes + " and chunkBytes=" + chunkBytes +
                " must be powers of two with 64 <= pageBytes <= chunkBytes / 8 and chunkBytes <= 1 GiB");
        }
        this.pageBytes = pageBytes;
        this.pageShift = Integer.numberOfTrailingZeros(pageBytes);
        this.chunkBytes = chunkBytes;

        final int[] table = new int[128];
        int count = 0;
        for (int size = QUANTUM; size <= 64; size += QUANTUM)
        {
            table[count++] = size;
        }
        for (int base = 64; base < chunkBytes; base <<= 1)
        {
            final int step = base >>> 2;
            for (int j = 1; j <= 4; j++)
            {
                table[count++] = base + j * step;
            }
        }
        sizes = Arrays.copyOf(table, count);

        int small = 0;
        runPages = new int[count];
        for (int i = 0; i < count; i++)
        {
            final int size = sizes[i];
            if (size < 4 * pageBytes)
            {
                small++;
                runPages[i] = subpageRunPages(size, pageBytes);
            }
            else
            {
                runPages[i] = size >>> pageShift;
            }
        }
        smallCount = small;

        final int smallMax = sizes[smallCount - 1];
        smallIndex = new byte[smallMax >>> LOG2_QUANTUM];
        int index = 0;
        for (int slot = 0; slot < smallIndex.length; slot++)
        {
            final int size = (slot + 1) << LOG2_QUANTUM;
            while (sizes[index] < size)
            {
                index++;
            }
            smallIndex[slot] = (byte)index;
        }
    }

    private static int subpageRunPages(final int size, final int pageBytes)
    {
        int pages = (size + pageBytes - 1) / pageBytes;
        while (((long)pages * pageBytes) % size > ((long)pages * pageBytes) >>> 3)
        {
            pages++;
        }
        return pages;
    }

    /**
     * Maps a request to its class.
     *
     * @param size bytes wanted.
     * @return the index of the smallest class of at least {@code size} bytes, or -1 if {@code size} is above
     * {@link #chunkBytes()} (or not positive).
     */
    public int index(final long size)
    {
        if (size <= 0 || size > chunkBytes)
        {
            return -1;
        }
        final int slot = (int)((size - 1) >>> LOG2_QUANTUM);
        if (slot < smallIndex.length)
        {
            return smallIndex[slot];
        }
        int low = smallCount;
        int high = sizes.length - 1;
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (sizes[mid] < size)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }

    /**
     * @param index a class index, 0 to {@link #count()} - 1.
     * @return the class's block size in bytes.
     */
    public int size(final int index)
    {
        return sizes[index];
    }

    /**
     * @param index a class index.
     * @return true for a small class, served from subpages and thread caches.
     */
    public boolean isSmall(final int index)
    {
        return index < smallCount;
    }

    /**
     * @param index a class index.
     * @return pages in one subpage of a small class, or pages in one block of a run class.
     */
    public int runPages(final int index)
    {
        return runPages[index];
    }

    /**
     * @param index a class index.
     * @return elements in one subpage of a small class; 1 for a run class.
     */
    public int elementsPerRun(final int index)
    {
        return isSmall(index) ? (runPages[index] << pageShift) / sizes[index] : 1;
    }

    /**
     * @return how many classes there are.
     */
    public int count()
    {
        return sizes.length;
    }

    /**
     * @return how many small classes there are; they are indexes 0 to this - 1.
     */
    public int smallCount()
    {
        return smallCount;
    }

    /**
     * @return the page in bytes.
     */
    public int pageBytes()
    {
        return pageBytes;
    }

    /**
     * @return log2 of the page.
     */
    public int pageShift()
    {
        return pageShift;
    }

    /**
     * @return the chunk in bytes, also the largest class.
     */
    public int chunkBytes()
    {
        return chunkBytes;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "SizeClasses{page=" + pageBytes + ", chunk=" + chunkBytes + ", classes=" + sizes.length +
            ", small=" + smallCount + " up to " + sizes[smallCount - 1] + " bytes}";
    }
}
