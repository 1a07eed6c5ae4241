/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;

import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * Off-heap memory outside the Java heap and outside {@code -XX:MaxDirectMemorySize}, freed deterministically,
 * and {@link ByteBuffer} views over it for the JDK APIs that only take buffers ({@code FileChannel},
 * {@code CRC32C}).
 * <p>
 * Memory comes from the JDK's {@code Unsafe.allocateMemory} through Agrona's {@link UnsafeApi}; it is not zeroed
 * and must be released with {@link #free(long)} exactly once. A view is a duplicate of a small direct buffer of
 * this class whose address and capacity are then set, through {@link UnsafeApi}, to the memory viewed (the
 * fields Agrona's {@link BufferUtil#address(ByteBuffer)} reads): it needs no JVM flag beyond the one Agrona itself
 * needs ({@code --add-opens java.base/jdk.internal.misc=ALL-UNNAMED}), where the JDK's private address constructor
 * would need {@code --add-opens java.base/java.nio=ALL-UNNAMED} too. A view owns nothing: it must not be used
 * after the memory is freed.
 * <p>
 * Thread-safe: every method may be called from any thread; a view, like any {@link ByteBuffer}, is for one
 * thread at a time.
 */
public final class NativeMemory
{
    private static final long ADDRESS_FIELD_OFFSET;
    private static final long CAPACITY_FIELD_OFFSET;
    private static final ByteBuffer TEMPLATE = ByteBuffer.allocateDirect(1);
    private static final Throwable VIEW_FAILURE;

    static
    {
        long addressOffset = -1;
        long capacityOffset = -1;
        Throwable failure = null;
        try
        {
            addressOffset = UnsafeApi.objectFieldOffset(Buffer.class.getDeclaredField("address"));
            capacityOffset = UnsafeApi.objectFieldOffset(Buffer.class.getDeclaredField("capacity"));
        }
        catch (final NoSuchFieldException | RuntimeException ex)
        {
            failure = ex;
        }
        ADDRESS_FIELD_OFFSET = addressOffset;
        CAPACITY_FIELD_OFFSET = capacityOffset;
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
     * @throws IllegalArgumentException if {@code length} is negative.
     * @throws IllegalStateException    if this JDK's {@code java.nio.Buffer} has no {@code address} or
     *                                  {@code capacity} field (never seen on JDK 17 to 25).
     */
    public static ByteBuffer view(final long address, final int length)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException("length=" + length + " must be >= 0");
        }
        if (VIEW_FAILURE != null)
        {
            throw new IllegalStateException("cannot make a ByteBuffer view of off-heap memory on this JDK (" +
                System.getProperty("java.version") + "): java.nio.Buffer has no address or capacity field",
                VIEW_FAILURE);
        }
        final ByteBuffer view = TEMPLATE.duplicate();
        UnsafeApi.putLong(view, ADDRESS_FIELD_OFFSET, address);
        UnsafeApi.putInt(view, CAPACITY_FIELD_OFFSET, length);
        view.limit(length);
        return view;
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
