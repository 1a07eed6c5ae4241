/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DefaultSerializerTest
{
    private final DefaultSerializer<Object> serializer = new DefaultSerializer<>(getClass().getClassLoader());

    @Test
    void shouldRoundTripFastPathTypesWithOneTagByte()
    {
        final Object[] values = {"héllo", 42L, 7, (short)3, (byte)-1, 'x', true, 1.5f, 2.25d};
        for (final Object value : values)
        {
            final byte[] bytes = serializer.serialize(value);
            assertEquals(value, serializer.deserialize(bytes, 0, bytes.length), value.getClass().getName());
        }
        assertEquals(9, serializer.serialize(42L).length);
        assertEquals(1 + "abc".length(), serializer.serialize("abc").length);
    }

    @Test
    void shouldRoundTripByteArraysAndBuffersAsCopies()
    {
        final byte[] array = {1, 2, 3};
        final byte[] bytes = serializer.serialize(array);
        final byte[] back = (byte[])serializer.deserialize(bytes, 0, bytes.length);
        assertArrayEquals(array, back);
        assertNotSame(array, back);

        final ByteBuffer buffer = ByteBuffer.wrap(new byte[] {9, 8, 7, 6});
        buffer.position(1);
        final byte[] bufferBytes = serializer.serialize(buffer);
        assertEquals(ByteBuffer.wrap(new byte[] {8, 7, 6}), serializer.deserialize(bufferBytes, 0, bufferBytes.length));
        assertEquals(1, buffer.position(), "the caller's buffer position is left alone");
    }

    @Test
    void shouldFallBackToJavaSerializationAndCopyMutableKeys()
    {
        final List<Date> list = new ArrayList<>(List.of(new Date(1), new Date(2)));
        final byte[] bytes = serializer.serialize(list);
        assertEquals(list, serializer.deserialize(bytes, 0, bytes.length));
        final Object copy = serializer.copy(list);
        assertEquals(list, copy);
        assertNotSame(list, copy);
        final String text = "immutable";
        assertSame(text, serializer.copy(text));
    }

    @Test
    void shouldNameTheClassThatCannotBeSerialized()
    {
        final SerializationException ex = assertThrows(SerializationException.class,
            () -> serializer.serialize(new Object()));
        assertEquals(true, ex.getMessage().contains("java.lang.Object"), ex.getMessage());
    }
}
