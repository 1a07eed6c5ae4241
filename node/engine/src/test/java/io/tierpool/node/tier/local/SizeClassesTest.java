/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SizeClassesTest
{
    @Test
    void shouldMapEverySizeToTheSmallestClassThatFits()
    {
        final SizeClasses classes = new SizeClasses(8192, 4 * 1024 * 1024);
        for (long size = 1; size <= classes.chunkBytes(); size += size < 70_000 ? 1 : 61)
        {
            final int index = classes.index(size);
            assertTrue(classes.size(index) >= size, "class of " + size);
            assertTrue(index == 0 || classes.size(index - 1) < size, "smallest class of " + size);
        }
        assertEquals(-1, classes.index(classes.chunkBytes() + 1L));
        assertEquals(-1, classes.index(0));
    }

    @Test
    void shouldSpaceClassesFinelyAndSplitSmallFromRunClassesAtFourPages()
    {
        final SizeClasses classes = new SizeClasses(8192, 4 * 1024 * 1024);
        assertEquals(16, classes.size(0));
        assertEquals(0, classes.index(16));
        assertEquals(1, classes.index(17));
        assertEquals(80, classes.size(classes.index(65)));
        assertEquals(28 * 1024, classes.size(classes.smallCount() - 1), "largest small class");
        assertEquals(32 * 1024, classes.size(classes.smallCount()), "smallest run class");
        assertEquals(4 * 1024 * 1024, classes.size(classes.count() - 1));
        for (int i = 1; i < classes.count(); i++)
        {
            assertTrue(classes.size(i) <= classes.size(i - 1) * 1.25 + 16, "spacing at " + classes.size(i));
            if (classes.size(i) >= 256)
            {
                assertEquals(0, classes.size(i) % 64, "cache-line multiple " + classes.size(i));
            }
        }
        for (int i = 0; i < classes.smallCount(); i++)
        {
            final long runBytes = (long)classes.runPages(i) * classes.pageBytes();
            assertTrue(runBytes % classes.size(i) <= runBytes / 8,
                "subpage of class " + classes.size(i) + " wastes at most an eighth of its run");
            assertTrue(classes.runPages(i) == 1 || classes.runPages(i) * classes.pageBytes() - classes.pageBytes() <
                classes.size(i) || (runBytes - classes.pageBytes()) % classes.size(i) > (runBytes - classes.pageBytes()) / 8,
                "subpage of class " + classes.size(i) + " takes the fewest pages that do");
            assertTrue(classes.runPages(i) <= 5, "subpage of class " + classes.size(i) + " spans at most 5 pages");
            if (classes.size(i) <= classes.pageBytes() / 8)
            {
                assertEquals(1, classes.runPages(i), "one page for class " + classes.size(i));
            }
            assertEquals(runBytes / classes.size(i), classes.elementsPerRun(i));
        }
        for (int i = classes.smallCount(); i < classes.count(); i++)
        {
            assertEquals(classes.size(i), classes.runPages(i) * classes.pageBytes());
        }
    }

    @Test
    void shouldRejectBadGeometry()
    {
        assertThrows(IllegalArgumentException.class, () -> new SizeClasses(8192, 8192 * 4));
        assertThrows(IllegalArgumentException.class, () -> new SizeClasses(1000, 1 << 20));
        assertThrows(IllegalArgumentException.class, () -> new SizeClasses(32, 1 << 20));
    }
}
