/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.processor.MutableEntry;

/**
 * The entry an {@link javax.cache.processor.EntryProcessor} sees. It records what the processor did as one
 * {@link Operation}; the cache applies that operation once the processor returns, under the key's lock:
 * <pre>
 *   NONE    nothing seen or changed          ACCESS  existing value read (access expiry applies)
 *   LOAD    value read through the loader    CREATE  value set where none was
 *   UPDATE  existing value replaced          REMOVE  existing value removed
 * </pre>
 * A value set or loaded then removed within one call leaves an absent entry absent ({@code NONE}); removing an
 * absent entry is a {@code REMOVE} (the writer is told) that changes nothing in the cache.
 * <p>
 * <b>Threads.</b> Confined to the invoking thread.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
final class ProcessorEntry<K, V> implements MutableEntry<K, V>
{
    enum Operation
    {
        NONE, ACCESS, LOAD, CREATE, UPDATE, REMOVE
    }

    private final K key;
    private final boolean existed;
    private final CacheLoader<K, V> loader;
    private V value;
    private boolean valueRead;
    private Operation operation = Operation.NONE;

    /**
     * @param key      the key.
     * @param existing the entry's current value, or null when absent or expired.
     * @param loader   the loader when read-through is on, else null.
     */
    ProcessorEntry(final K key, final V existing, final CacheLoader<K, V> loader)
    {
        this.key = key;
        this.existed = existing != null;
        this.value = existing;
        this.loader = loader;
    }

    Operation operation()
    {
        return operation;
    }

    public K getKey()
    {
        return key;
    }

    public V getValue()
    {
        if (operation == Operation.NONE)
        {
            if (value != null)
            {
                operation = Operation.ACCESS;
            }
            else if (loader != null && !valueRead)
            {
                valueRead = true;
                try
                {
                    value = loader.load(key);
                }
                catch (final CacheLoaderException ex)
                {
                    throw ex;
                }
                catch (final RuntimeException ex)
                {
                    throw new CacheLoaderException("loader failed for key " + key + ": " + ex, ex);
                }
                if (value != null)
                {
                    operation = Operation.LOAD;
                }
            }
        }
        return value;
    }

    public boolean exists()
    {
        return value != null;
    }

    public void remove()
    {
        operation = operation == Operation.CREATE || operation == Operation.LOAD ? Operation.NONE :
            Operation.REMOVE;
        value = null;
    }

    public void setValue(final V newValue)
    {
        if (newValue == null)
        {
            throw new NullPointerException("an entry processor set a null value for key " + key);
        }
        operation = existed ? Operation.UPDATE : Operation.CREATE;
        value = newValue;
    }

    V value()
    {
        return value;
    }

    public <T> T unwrap(final Class<T> clazz)
    {
        if (clazz.isInstance(this))
        {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException("a TierPool processor entry cannot be unwrapped to " + clazz.getName());
    }
}
