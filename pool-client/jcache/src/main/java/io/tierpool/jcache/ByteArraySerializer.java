/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

/**
 * {@code byte[]} values stored as they are, with no type tag: a value of n bytes takes a block of exactly n bytes
 * (at least 1), so values sized to the pool's size classes fill them. For caches whose value type is
 * {@code byte[]}: {@code new TierPoolConfiguration<K, byte[]>().setValueSerializer(ByteArraySerializer.INSTANCE)}.
 * <p>
 * <b>Threads.</b> Stateless, thread-safe.
 */
public final class ByteArraySerializer implements Serializer<byte[]>
{
    /** The one instance. */
    public static final ByteArraySerializer INSTANCE = new ByteArraySerializer();

    private ByteArraySerializer()
    {
    }

    /**
     * @return {@code value} itself: the cache copies it into a block at once.
     */
    public byte[] serialize(final byte[] value)
    {
        return value;
    }

    /**
     * @return {@code bytes} itself when the range is all of it (the cache hands the array over), else a copy.
     */
    public byte[] deserialize(final byte[] bytes, final int offset, final int length)
    {
        if (offset == 0 && length == bytes.length)
        {
            return bytes;
        }
        final byte[] copy = new byte[length];
        System.arraycopy(bytes, offset, copy, 0, length);
        return copy;
    }

    /**
     * @return a copy of {@code value}.
     */
    public byte[] copy(final byte[] value)
    {
        return value.clone();
    }
}
