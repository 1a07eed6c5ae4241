/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The default {@link Serializer}: one tag byte, then the payload. Tags:
 * <pre>
 *   0  Java serialization (ObjectOutputStream), read back with the cache manager's class loader
 *   1  byte[]       the bytes as they are
 *   2  String       UTF-8
 *   3  ByteBuffer   its remaining bytes (read back as a heap buffer, position 0)
 *   4  Long  5 Integer  6 Short  7 Byte  8 Character  9 Boolean  10 Float  11 Double   big-endian
 * </pre>
 * The fast path avoids Java serialization's stream header and class descriptors: a {@code Long} takes 9 bytes,
 * a {@code String} its UTF-8 length plus one. {@link #copy(Object)} returns immutable types (String and the
 * boxes) as they are.
 * <p>
 * <b>Threads.</b> Thread-safe and stateless apart from the class loader.
 *
 * @param <T> the type serialized.
 */
public final class DefaultSerializer<T> implements Serializer<T>
{
    private static final byte JAVA = 0;
    private static final byte BYTES = 1;
    private static final byte STRING = 2;
    private static final byte BYTE_BUFFER = 3;
    private static final byte LONG = 4;
    private static final byte INT = 5;
    private static final byte SHORT = 6;
    private static final byte BYTE = 7;
    private static final byte CHAR = 8;
    private static final byte BOOLEAN = 9;
    private static final byte FLOAT = 10;
    private static final byte DOUBLE = 11;

    private final ClassLoader classLoader;

    /**
     * @param classLoader the loader Java-serialized classes are resolved with; not null.
     */
    public DefaultSerializer(final ClassLoader classLoader)
    {
        if (classLoader == null)
        {
            throw new NullPointerException("classLoader must not be null");
        }
        this.classLoader = classLoader;
    }

    /**
     * {@inheritDoc}
     */
    public byte[] serialize(final T value)
    {
        if (value instanceof byte[])
        {
            final byte[] src = (byte[])value;
            final byte[] out = new byte[src.length + 1];
            out[0] = BYTES;
            System.arraycopy(src, 0, out, 1, src.length);
            return out;
        }
        if (value instanceof String)
        {
            final byte[] utf8 = ((String)value).getBytes(StandardCharsets.UTF_8);
            final byte[] out = new byte[utf8.length + 1];
            out[0] = STRING;
            System.arraycopy(utf8, 0, out, 1, utf8.length);
            return out;
        }
        if (value instanceof ByteBuffer)
        {
            final ByteBuffer src = ((ByteBuffer)value).duplicate();
            final byte[] out = new byte[src.remaining() + 1];
            out[0] = BYTE_BUFFER;
            src.get(out, 1, out.length - 1);
            return out;
        }
        if (value instanceof Long)
        {
            return ByteBuffer.allocate(9).put(LONG).putLong((Long)value).array();
        }
        if (value instanceof Integer)
        {
            return ByteBuffer.allocate(5).put(INT).putInt((Integer)value).array();
        }
        if (value instanceof Short)
        {
            return ByteBuffer.allocate(3).put(SHORT).putShort((Short)value).array();
        }
        if (value instanceof Byte)
        {
            return new byte[] {BYTE, (Byte)value};
        }
        if (value instanceof Character)
        {
            return ByteBuffer.allocate(3).put(CHAR).putChar((Character)value).array();
        }
        if (value instanceof Boolean)
        {
            return new byte[] {BOOLEAN, (byte)((Boolean)value ? 1 : 0)};
        }
        if (value instanceof Float)
        {
            return ByteBuffer.allocate(5).put(FLOAT).putFloat((Float)value).array();
        }
        if (value instanceof Double)
        {
            return ByteBuffer.allocate(9).put(DOUBLE).putDouble((Double)value).array();
        }
        return javaSerialize(value);
    }

    /**
     * {@inheritDoc}
     */
    @SuppressWarnings("unchecked")
    public T deserialize(final byte[] bytes, final int offset, final int length)
    {
        if (length < 1)
        {
            throw new SerializationException("cannot deserialize an empty byte range: no type tag", null);
        }
        final ByteBuffer in = ByteBuffer.wrap(bytes, offset + 1, length - 1);
        final Object value;
        switch (bytes[offset])
        {
            case JAVA:
                value = javaDeserialize(new ByteArrayInputStream(bytes, offset + 1, length - 1));
                break;
            case BYTES:
                final byte[] copy = new byte[length - 1];
                System.arraycopy(bytes, offset + 1, copy, 0, copy.length);
                value = copy;
                break;
            case STRING:
                value = new String(bytes, offset + 1, length - 1, StandardCharsets.UTF_8);
                break;
            case BYTE_BUFFER:
                final byte[] content = new byte[length - 1];
                in.get(content);
                value = ByteBuffer.wrap(content);
                break;
            case LONG:
                value = in.getLong();
                break;
            case INT:
                value = in.getInt();
                break;
            case SHORT:
                value = in.getShort();
                break;
            case BYTE:
                value = in.get();
                break;
            case CHAR:
                value = in.getChar();
                break;
            case BOOLEAN:
                value = in.get() != 0;
                break;
            case FLOAT:
                value = in.getFloat();
                break;
            case DOUBLE:
                value = in.getDouble();
                break;
            default:
                throw new SerializationException("unknown type tag " + bytes[offset] + " at offset " + offset +
                    ": the bytes were not written by DefaultSerializer", null);
        }
        return (T)value;
    }

    /**
     * {@inheritDoc}
     */
    public T copy(final T value)
    {
        if (value instanceof String || value instanceof Number && value.getClass().getName().startsWith("java.lang.") ||
            value instanceof Character || value instanceof Boolean)
        {
            return value;
        }
        return Serializer.super.copy(value);
    }

    private static byte[] javaSerialize(final Object value)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        bytes.write(JAVA);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes))
        {
            out.writeObject(value);
        }
        catch (final IOException ex)
        {
            throw new SerializationException("cannot serialize an instance of " + value.getClass().getName() +
                " (it must implement java.io.Serializable, or set a Serializer on the cache's TierPoolConfiguration)",
                ex);
        }
        return bytes.toByteArray();
    }

    private Object javaDeserialize(final InputStream bytes)
    {
        try (ObjectInputStream in = new LoaderObjectInputStream(bytes, classLoader))
        {
            return in.readObject();
        }
        catch (final IOException | ClassNotFoundException ex)
        {
            throw new SerializationException("cannot deserialize a value with class loader " + classLoader + ": " + ex,
                ex);
        }
    }

    private static final class LoaderObjectInputStream extends ObjectInputStream
    {
        private final ClassLoader loader;

        LoaderObjectInputStream(final InputStream in, final ClassLoader loader) throws IOException
        {
            super(in);
            this.loader = loader;
        }

        protected Class<?> resolveClass(final ObjectStreamClass desc) throws IOException, ClassNotFoundException
        {
            try
            {
                return Class.forName(desc.getName(), false, loader);
            }
            catch (final ClassNotFoundException ex)
            {
                if (desc.getName().indexOf('.') < 0)
                {
                    return super.resolveClass(desc); // primitive types: int, long, ...
                }
                throw ex;
            }
        }
    }
}
