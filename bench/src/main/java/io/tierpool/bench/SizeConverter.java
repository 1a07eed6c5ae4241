/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench;

import org.agrona.SystemUtil;
import picocli.CommandLine;

/**
 * Parses sizes on the command line: a number of bytes with an optional {@code k}, {@code m} or {@code g} suffix
 * (powers of 1024), e.g. {@code 64m}.
 */
public final class SizeConverter implements CommandLine.ITypeConverter<Long>
{
    /**
     * @param value the text.
     * @return bytes.
     * @throws CommandLine.TypeConversionException if the text is not a size.
     */
    public Long convert(final String value)
    {
        try
        {
            return SystemUtil.parseSize("size", value);
        }
        catch (final RuntimeException ex)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size: use bytes with an " +
                "optional k, m or g suffix, e.g. 64m");
        }
    }
}
