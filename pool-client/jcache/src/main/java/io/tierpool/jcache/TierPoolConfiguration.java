/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;

/**
 * A {@link MutableConfiguration} with TierPool's own settings: the key and value {@link Serializer}s. Pass it to
 * {@link javax.cache.CacheManager#createCache} where the defaults ({@link DefaultSerializer}) do not fit; any
 * other {@link javax.cache.configuration.Configuration} gets the defaults.
 * <p>
 * Store-by-reference is not supported ({@code setStoreByValue(false)} makes {@code createCache} throw
 * {@link UnsupportedOperationException}): values live off heap in TierPool blocks, so they are always copies.
 * <p>
 * <b>Threads.</b> Not thread-safe, as {@link MutableConfiguration} is not; the cache keeps its own copy.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
public class TierPoolConfiguration<K, V> extends MutableConfiguration<K, V>
{
    private static final long serialVersionUID = 1L;

    // Not part of the serialized form: a configuration read back uses the default serializers.
    private transient Serializer<K> keySerializer;
    private transient Serializer<V> valueSerializer;

    /**
     * A configuration with JCache's defaults and TierPool's default serializers.
     */
    public TierPoolConfiguration()
    {
    }

    /**
     * A copy of another configuration, its serializers included when it is a {@code TierPoolConfiguration}.
     *
     * @param configuration the configuration to copy; not null.
     */
    public TierPoolConfiguration(final CompleteConfiguration<K, V> configuration)
    {
        super(configuration);
        if (configuration instanceof TierPoolConfiguration)
        {
            final TierPoolConfiguration<K, V> other = (TierPoolConfiguration<K, V>)configuration;
            keySerializer = other.keySerializer;
            valueSerializer = other.valueSerializer;
        }
    }

    /**
     * @param serializer how keys are copied (serialized and read back) when stored; null for
     *                   {@link DefaultSerializer}. Must be thread-safe.
     * @return this for a fluent API.
     */
    public TierPoolConfiguration<K, V> setKeySerializer(final Serializer<K> serializer)
    {
        this.keySerializer = serializer;
        return this;
    }

    /**
     * @return the key serializer set, or null for the default.
     */
    public Serializer<K> getKeySerializer()
    {
        return keySerializer;
    }

    /**
     * @param serializer how values become the bytes of their TierPool blocks and back; null for
     *                   {@link DefaultSerializer}. Must be thread-safe.
     * @return this for a fluent API.
     */
    public TierPoolConfiguration<K, V> setValueSerializer(final Serializer<V> serializer)
    {
        this.valueSerializer = serializer;
        return this;
    }

    /**
     * @return the value serializer set, or null for the default.
     */
    public Serializer<V> getValueSerializer()
    {
        return valueSerializer;
    }
}
