/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

/**
 * An intrusive doubly-linked list of {@link BlockEntry}s in least-recently-used order: the head is the coldest
 * block (the next to demote), the tail the most recently used. Every operation is O(1) and allocates nothing.
 * Guarded by the engine lock.
 */
final class LruList
{
    private BlockEntry head;
    private BlockEntry tail;
    private int size;

    /**
     * @return the least recently used entry, or null if the list is empty.
     */
    BlockEntry head()
    {
        return head;
    }

    /**
     * @return the number of entries.
     */
    int size()
    {
        return size;
    }

    /**
     * Appends an entry that is in no list as the most recently used.
     *
     * @param entry the entry.
     */
    void addLast(final BlockEntry entry)
    {
        if (entry.list != null)
        {
            throw new IllegalStateException("block " + entry.id + " is already in an LRU list");
        }
        entry.list = this;
        entry.prev = tail;
        entry.next = null;
        if (tail == null)
        {
            head = entry;
        }
        else
        {
            tail.next = entry;
        }
        tail = entry;
        size++;
    }

    /**
     * Removes an entry of this list.
     *
     * @param entry the entry.
     */
    void remove(final BlockEntry entry)
    {
        if (entry.list != this)
        {
            throw new IllegalStateException("block " + entry.id + " is not in this LRU list");
        }
        if (entry.prev == null)
        {
            head = entry.next;
        }
        else
        {
            entry.prev.next = entry.next;
        }
        if (entry.next == null)
        {
            tail = entry.prev;
        }
        else
        {
            entry.next.prev = entry.prev;
        }
        entry.prev = null;
        entry.next = null;
        entry.list = null;
        size--;
    }

    /**
     * Marks an entry of this list as the most recently used.
     *
     * @param entry the entry.
     */
    void moveToLast(final BlockEntry entry)
    {
        if (tail != entry)
        {
            remove(entry);
            addLast(entry);
        }
    }
}
