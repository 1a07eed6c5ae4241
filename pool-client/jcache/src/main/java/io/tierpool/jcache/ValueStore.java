/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import io.tierpool.client.Block;
import io.tierpool.client.Hint;
import io.tierpool.client.TierPool;
import io.tierpool.client.TierPoolException;

import javax.cache.CacheException;

/**
 * Where a cache's values live: each value is serialized and copied into a TierPool block of its own, sized to
 * the bytes (at least one byte), allocated {@link Hint#WARM} so the pool's mover may demote it to VVRAM, VSSD or
 * a node daemon's memory when RAM fills and promote it back on the next read. One block per value keeps the
 * pool's accounting exact and lets every value move on its own; values much smaller than the pool's smallest size
 * class waste the difference.
 * <p>
 * <b>Threads.</b> Thread-safe (the pool is); callers order stores and frees of one entry under its key lock.
 *
 * @param <V> the value type.
 */
final class ValueStore<V>
{
    private final TierPool pool;
    private final Serializer<V> serializer;
    private final String cacheName;

    ValueStore(final TierPool pool, final Serializer<V> serializer, final String cacheName)
    {
        this.pool = pool;
        this.serializer = serializer;
        this.cacheName = cacheName;
    }

    /**
     * @param value        the value to store; not null.
     * @param expiryTimeMs when the entry expires, epoch milliseconds.
     * @return the stored value, owning a new block.
     * @throws SerializationException if the value cannot be serialized.
     * @throws CacheException         if the pool has no room for it (the message has the pool's usage).
     */
    StoredValue store(final V value, final long expiryTimeMs)
    {
        return store(serializer.serialize(value), expiryTimeMs);
    }

    private StoredValue store(final byte[] bytes, final long expiryTimeMs)
    {
        try
        {
            final Block block = pool.allocate(Math.max(1, bytes.length), Hint.WARM, bytes, 0, bytes.length);
            return new StoredValue(block, bytes.length, expiryTimeMs);
        }
        catch (final TierPoolException | IllegalStateException ex)
        {
            throw new CacheException("cache " + cacheName + " cannot store a value of " + bytes.length +
                " bytes in its TierPool: " + ex.getMessage(), ex);
        }
    }

    /**
     * Replaces a stored value: in place when the new bytes fit the old block and fill at least half of it (no
     * allocation, the common case of same-size updates), else in a new block, the old one freed. The caller holds
     * the entry's key lock, so no reader sees the block half written.
     *
     * @param existing     the entry's stored value, not freed.
     * @param value        the new value; not null.
     * @param expiryTimeMs when the entry expires, epoch milliseconds.
     * @return the entry's new stored value; {@code existing} must no longer be used.
     * @throws SerializationException if the value cannot be serialized.
     * @throws CacheException         if the pool has no room for it.
     */
    StoredValue replace(final StoredValue existing, final V value, final long expiryTimeMs)
    {
        final byte[] bytes = serializer.serialize(value);
        final long capacity = existing.block.sizeBytes();
        if (bytes.length <= capacity && bytes.length >= capacity / 2)
        {
            try
            {
                existing.block.write(0, bytes, 0, bytes.length);
                return new StoredValue(existing.block, bytes.length, expiryTimeMs);
            }
            catch (final TierPoolException | IllegalStateException ex)
            {
                throw new CacheException("cache " + cacheName + " cannot write block " + existing.block.id() +
                    ": " + ex.getMessage(), ex);
            }
        }
        final StoredValue replacement = store(bytes, expiryTimeMs);
        free(existing);
        return replacement;
    }

    /**
     * @param stored a value stored by this store and not freed.
     * @return a new copy of the value.
     */
    V load(final StoredValue stored)
    {
        final byte[] bytes = new byte[stored.length];
        try
        {
            stored.block.read(0, bytes, 0, bytes.length);
        }
        catch (final TierPoolException | IllegalStateException ex)
        {
            throw new CacheException("cache " + cacheName + " cannot read back block " + stored.block.id() +
                ": " + ex.getMessage(), ex);
        }
        return serializer.deserialize(bytes, 0, bytes.length);
    }

    /**
     * Frees the value's block; safe to call twice and after the pool closed.
     *
     * @param stored the value; null is ignored.
     */
    void free(final StoredValue stored)
    {
        if (stored != null && !pool.isClosed())
        {
            stored.block.close();
        }
    }
}
