/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node;

import org.agrona.SystemUtil;
import picocli.CommandLine;

/**
 * Reads a size flag in bytes, with an optional {@code k}, {@code m} or {@code g} suffix (powers of 1024, either
 * case), as Agrona's {@link SystemUtil#parseSize(String, String)} does: {@code 16m} is 16,777,216 bytes.
 */
public final class SizeConverter implements CommandLine.ITypeConverter<Long>
{
    /**
     * @param value the flag's text, e.g. {@code "64m"}.
     * @return the size in bytes.
     * @throws CommandLine.TypeConversionException if the text is not a size or is negative.
     */
    public Long convert(final String value)
    {
        final long bytes;
        try
        {
            bytes = SystemUtil.parseSize("size", value.trim());
        }
        catch (final RuntimeException ex)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size: use bytes with an " +
                "optional k, m or g suffix, e.g. 512k, 64m, 1g");
        }
        if (bytes < 0)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is negative: sizes are >= 0");
        }
        return bytes;
    }
}
