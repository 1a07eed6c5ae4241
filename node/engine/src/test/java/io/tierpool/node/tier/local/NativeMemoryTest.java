/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link NativeMemory#view(long, int)} is a real direct buffer over the memory: reads and writes go through to it,
 * the JDK's CRC32C and FileChannel see exactly its bytes, and it stays within its length.
 */
class NativeMemoryTest
{
    private static final int LENGTH = 3 * 4096 + 17;

    private long address;

    @BeforeEach
    void allocate()
    {
        address = NativeMemory.allocate(LENGTH);
    }

    @AfterEach
    void free()
    {
        NativeMemory.free(address);
    }

    @Test
    void shouldViewTheMemoryItself()
    {
        final UnsafeBuffer memory = new UnsafeBuffer(address, LENGTH);
        for (int i = 0; i < LENGTH; i++)
        {
            memory.putByte(i, (byte)(i * 31));
        }

        final ByteBuffer view = NativeMemory.view(address, LENGTH);

        assertTrue(view.isDirect());
        assertEquals(0, view.position());
        assertEquals(LENGTH, view.limit());
        assertEquals(LENGTH, view.capacity());
        assertEquals(ByteOrder.BIG_ENDIAN, view.order());
        assertEquals(memory.getByte(LENGTH - 1), view.get(LENGTH - 1));
        assertEquals(memory.getLong(8, ByteOrder.BIG_ENDIAN), view.getLong(8));

        view.putLong(100, 0x0102030405060708L);
        assertEquals(0x0102030405060708L, memory.getLong(100, ByteOrder.BIG_ENDIAN), "writes reach the memory");
        assertEquals(address + 200, new UnsafeBuffer(view.slice(200, 10)).addressOffset(), "a slice is in place");
    }

    @Test
    void shouldGiveTheJdkTheBytesOfTheMemory(@TempDir final Path dir) throws IOException
    {
        final byte[] bytes = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++)
        {
            bytes[i] = (byte)(i * 7 + 3);
        }
        new UnsafeBuffer(address, LENGTH).putBytes(0, bytes);

        final CRC32C expected = new CRC32C();
        expected.update(bytes, 0, bytes.length);
        final CRC32C actual = new CRC32C();
        actual.update(NativeMemory.view(address, LENGTH));
        assertEquals(expected.getValue(), actual.getValue());

        final Path file = dir.resolve("view.bin");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.READ))
        {
            final ByteBuffer out = NativeMemory.view(address, LENGTH);
            while (out.hasRemaining())
            {
                channel.write(out, out.position());
            }
            new UnsafeBuffer(address, LENGTH).setMemory(0, LENGTH, (byte)0);
            final ByteBuffer in = NativeMemory.view(address, LENGTH);
            while (in.hasRemaining())
            {
                assertTrue(channel.read(in, in.position()) > 0);
            }
        }
        final byte[] back = new byte[LENGTH];
        new UnsafeBuffer(address, LENGTH).getBytes(0, back);
        assertArrayEquals(bytes, back);
    }

    @Test
    void shouldStayWithinItsLength()
    {
        final ByteBuffer view = NativeMemory.view(address, 16);

        assertThrows(IndexOutOfBoundsException.class, () -> view.get(16));
        assertThrows(IndexOutOfBoundsException.class, () -> view.putLong(9, 1L));
        assertEquals(0, NativeMemory.view(address, 0).capacity());
        assertThrows(IllegalArgumentException.class, () -> NativeMemory.view(address, -1));
    }

    @Test
    void shouldViewARegionOfAnOffHeapAgronaBuffer()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(address, LENGTH);
        buffer.putInt(64, 0x11223344, ByteOrder.BIG_ENDIAN);

        final ByteBuffer view = NativeMemory.view(buffer, 64, 8);

        assertEquals(0x11223344, view.getInt(view.position()));
        assertEquals(8, view.remaining());
    }
}
