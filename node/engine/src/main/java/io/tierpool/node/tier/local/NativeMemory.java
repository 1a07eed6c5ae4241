/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;

/**
 * Off-heap memory outside the Java heap and outside {@code -XX:MaxDirectMemorySize}, freed deterministically,
 * and {@link ByteBuffer} views over it for the JDK APIs that only take buffers ({@code FileChannel},
 * {@code CRC32C}).
 * <p>
 * Memory comes from the JDK's {@code Unsafe.allocateMemory} through Agrona's {@link UnsafeApi}; it is not zeroed
 * and must be released with {@link #free(long)} exactly once. Views are {@code java.nio.DirectByteBuffer}s made
 * with the JDK's private address constructor (the one JNI's {@code NewDirectByteBuffer} uses), which needs
 * {@code --add-opens java.base/java.nio=ALL-UNNAMED} (in {@code io/tierpool/node/jvm.options}). A view owns
 * nothing: it must not be used after the memory is freed.
 */
public final class NativeMemory
{
    private static final MethodHandle VIEW_CONSTRUCTOR;
    private static final Throwable VIEW_FAILURE;

    static
    {
        MethodHandle constructor = null;
        Throwable failure = null;
        try
        {
            final Class<?> type = Class.forName("java.nio.DirectByteBuffer");
            Constructor<?> reflected;
            boolean longCapacity = false;
            try
            {
                reflected = type.getDeclaredConstructor(long.class, int.class);
            }
            catch (final NoSuchMethodException ex)
            {
                reflected = type.getDeclaredConstructor(long.class, long.class);
                longCapacity = true;
            }
            reflected.setAccessible(true);
            MethodHandle handle = MethodHandles.lookup().unreflectConstructor(reflected);
            if (longCapacity)
            {
                handle = MethodHandles.explicitCastArguments(
                    handle, MethodType.methodType(type, long.class, int.class));
            }
            constructor = handle.asType(MethodType.methodType(ByteBuffer.class, long.class, int.class));
        }
        catch (final Throwable ex)
        {
            failure = ex;
        }
        VIEW_CONSTRUCTOR = constructor;
        VIEW_FAILURE = failure;
    }

    private NativeMemory()
    {
    }

    /**
     * Allocates {@code length} bytes off-heap. The memory is not zeroed.
     *
     * @param length bytes wanted, 1 or more.
     * @return the address of the first byte, aligned to at least 8 bytes.
     * @throws OutOfMemoryError if the operating system refuses the memory.
     */
    public static long allocate(final long length)
    {
        if (length <= 0)
        {
            throw new IllegalArgumentException("length=" + length + " must be > 0");
        }
        return UnsafeApi.allocateMemory(length);
    }

    /**
     * Releases memory from {@link #allocate(long)}.
     *
     * @param address the address {@link #allocate(long)} returned; 0 is ignored.
     */
    public static void free(final long address)
    {
        if (address != 0)
        {
            UnsafeApi.freeMemory(address);
        }
    }

    /**
     * Fills memory with a byte value, touching every page.
     *
     * @param address first byte.
     * @param length  number of bytes.
     * @param value   the value to store.
     */
    public static void fill(final long address, final long length, final byte value)
    {
        UnsafeApi.setMemory(address, length, value);
    }

    /**
     * Makes a direct {@link ByteBuffer} over existing memory without copying. Position 0, limit and capacity
     * {@code length}, native memory order is not set (big-endian, the {@code ByteBuffer} default).
     *
     * @param address first byte of the memory.
     * @param length  number of bytes, 0 or more.
     * @return a view that owns nothing.
     * @throws IllegalStateException if the JVM was started without {@code --add-opens java.base/java.nio=ALL-UNNAMED}.
     */
    public static ByteBuffer view(final long address, final int length)
    {
        if (VIEW_CONSTRUCTOR == null)
        {
            throw new IllegalStateException("cannot make a ByteBuffer view of off-heap memory: start the JVM with " +
                "--add-opens java.base/java.nio=ALL-UNNAMED (see io/tierpool/node/jvm.options)", VIEW_FAILURE);
        }
        try
        {
            return (ByteBuffer)VIEW_CONSTRUCTOR.invokeExact(address, length);
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Makes a {@link ByteBuffer} over a region of an Agrona buffer without copying: a wrapped array for a heap
     * buffer, a direct view for an off-heap one.
     *
     * @param buffer the buffer; not retained beyond the view's use.
     * @param offset first byte within {@code buffer}.
     * @param length number of bytes.
     * @return a buffer whose position is the region's start and whose remaining bytes are the region.
     * @throws IndexOutOfBoundsException if the region does not lie within {@code buffer}.
     */
    public static ByteBuffer view(final DirectBuffer buffer, final int offset, final int length)
    {
        buffer.boundsCheck(offset, length);
        final byte[] array = buffer.byteArray();
        if (array != null)
        {
            final int arrayOffset = (int)(buffer.addressOffset() - BufferUtil.ARRAY_BASE_OFFSET);
            return ByteBuffer.wrap(array, arrayOffset + offset, length);
        }
        return view(buffer.addressOffset() + offset, length);
    }
}
