/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

/**
 * Turns keys or values into bytes and back, for a cache that stores by value. The bytes of a value are what its
 * TierPool block holds; keys are copied through a serializer (serialize then deserialize) so that the cache's copy
 * cannot be changed by the caller.
 * <p>
 * Set one per cache with {@link TierPoolConfiguration#setValueSerializer(Serializer)} and
 * {@link TierPoolConfiguration#setKeySerializer(Serializer)}; the default is {@link DefaultSerializer}, with a
 * fast path for {@code byte[]}, {@code String}, {@code ByteBuffer} and primitives' boxes and Java serialization for
 * the rest.
 * <p>
 * <b>Threads.</b> Implementations must be thread-safe: one instance serves every thread using the cache.
 *
 * @param <T> the type serialized.
 */
public interface Serializer<T>
{
    /**
     * @param value the object to serialize; not null.
     * @return its bytes. The cache copies them into a block at once and never changes them, so an implementation
     *         may return an array it shares (even {@code value} itself, for {@code byte[]}).
     * @throws SerializationException if the object cannot be serialized (the message names its class).
     */
    byte[] serialize(T value);

    /**
     * @param bytes  the bytes {@link #serialize} produced, possibly inside a larger array. The cache hands the array
     *               over: it never uses it again, so an implementation may keep it in the object it returns.
     * @param offset offset of the first byte in {@code bytes}.
     * @param length number of bytes.
     * @return a new object equal to the one serialized.
     * @throws SerializationException if the bytes cannot be read back (a class is missing, the bytes are corrupt).
     */
    T deserialize(byte[] bytes, int offset, int length);

    /**
     * A copy of {@code value} independent of the caller: the default serializes then deserializes; immutable
     * types may return {@code value} itself.
     *
     * @param value the object to copy; not null.
     * @return an equal object the caller cannot change through {@code value}.
     * @throws SerializationException as {@link #serialize} and {@link #deserialize} do.
     */
    default T copy(final T value)
    {
        final byte[] bytes = serialize(value);
        return deserialize(bytes, 0, bytes.length);
    }
}
