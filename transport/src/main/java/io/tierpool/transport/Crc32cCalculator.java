/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import org.agrona.DirectBuffer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC-32C ({@link CRC32C}, hardware accelerated) of a range of any {@link DirectBuffer}: heap arrays and
 * {@link ByteBuffer}s are read in place, raw off-heap addresses through a 64 KiB scratch array.
 * Not thread-safe: one per owning thread.
 */
final class Crc32cCalculator
{
    private static final int SCRATCH_LENGTH = 64 * 1024;

    private final CRC32C crc32c = new CRC32C();
    private byte[] scratch;

    /**
     * @param buffer holding the bytes.
     * @param offset first byte.
     * @param length number of bytes, at least 0.
     * @return the CRC-32C of the range as an int.
     */
    int compute(final DirectBuffer buffer, final int offset, final int length)
    {
        buffer.boundsCheck(offset, length);
        crc32c.reset();

        final byte[] array = buffer.byteArray();
        final ByteBuffer byteBuffer = buffer.byteBuffer();
        if (null != array)
        {
            crc32c.update(array, buffer.wrapAdjustment() + offset, length);
        }
        else if (null != byteBuffer)
        {
            final int start = buffer.wrapAdjustment() + offset;
            final ByteBuffer view = byteBuffer.duplicate();
            view.limit(start + length).position(start);
            crc32c.update(view);
        }
        else
        {
            if (null == scratch)
            {
                scratch = new byte[SCRATCH_LENGTH];
            }

            int position = offset;
            final int end = offset + length;
            while (position < end)
            {
                final int n = Math.min(SCRATCH_LENGTH, end - position);
                buffer.getBytes(position, scratch, 0, n);
                crc32c.update(scratch, 0, n);
                position += n;
            }
        }

        return (int)crc32c.getValue();
    }
}
