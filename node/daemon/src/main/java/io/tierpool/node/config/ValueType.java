/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kinds of value a {@link ConfigKey} takes, each with its parser and a sentence saying what it accepts.
 * <p>
 * A parser gets the text as written (trimmed) and either returns the typed value or throws
 * {@link IllegalArgumentException} with a short reason ({@code "is not a size"}); {@link NodeConfiguration}
 * turns that into a {@link io.tierpool.client.ConfigurationException} naming the key, the value and where it came from.
 * Numeric bounds come from the key ({@link ConfigKey#min()}, {@link ConfigKey#max()}), not from the type.
 */
public enum ValueType
{
    /**
     * A number of bytes with an optional {@code k}, {@code m} or {@code g} suffix, powers of 1024 in either case
     * ({@code 64m} = 67,108,864 bytes), as Agrona's {@code SystemUtil.parseSize} reads them. Parsed to {@link Long}.
     */
    SIZE("size", "bytes with an optional k, m or g suffix (powers of 1024), e.g. 512k, 64m, 1g")
    {
        Object parse(final String text, final ConfigKey key)
        {
            final Matcher matcher = SIZE_PATTERN.matcher(text);
            if (!matcher.matches())
            {
                throw new IllegalArgumentException("is not a size");
            }
            if (!matcher.group(1).isEmpty())
            {
                throw new IllegalArgumentException("is negative");
            }
            final long number;
            try
            {
                number = Long.parseLong(matcher.group(2));
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("is too large");
            }
            final int shift = switch (matcher.group(3).toLowerCase())
            {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                default -> 0;
            };
            if (number > (Long.MAX_VALUE >> shift))
            {
                throw new IllegalArgumentException("is too large");
            }
            return checkBounds(number << shift, key);
        }
    },

    /**
     * A whole number in decimal. Parsed to {@link Long}.
     */
    INT("int", "a whole number, e.g. 2")
    {
        Object parse(final String text, final ConfigKey key)
        {
            return checkBounds(parseWholeNumber(text, "is not a whole number"), key);
        }
    },

    /**
     * A TCP or UDP port number. Parsed to {@link Integer}.
     */
    PORT("port", "a port number")
    {
        Object parse(final String text, final ConfigKey key)
        {
            return (int)checkBounds(parseWholeNumber(text, "is not a port number"), key);
        }
    },

    /**
     * A decimal number such as {@code 0.75} (no {@code NaN}, infinities, hexadecimal or type suffixes). Parsed to
     * {@link Double}.
     */
    DOUBLE("double", "a decimal number, e.g. 0.75")
    {
        Object parse(final String text, final ConfigKey key)
        {
            if (!DECIMAL_PATTERN.matcher(text).matches())
            {
                throw new IllegalArgumentException("is not a decimal number");
            }
            return Double.parseDouble(text);
        }
    },

    /**
     * {@code true} or {@code false}, in any case. Parsed to {@link Boolean}.
     */
    BOOLEAN("boolean", "true or false")
    {
        Object parse(final String text, final ConfigKey key)
        {
            if ("true".equalsIgnoreCase(text))
            {
                return Boolean.TRUE;
            }
            if ("false".equalsIgnoreCase(text))
            {
                return Boolean.FALSE;
            }
            throw new IllegalArgumentException("is not true or false");
        }
    },

    /**
     * A file-system path; relative paths are relative to the daemon's working directory. Parsed to {@link Path}.
     */
    PATH("path", "a directory path")
    {
        Object parse(final String text, final ConfigKey key)
        {
            try
            {
                return Path.of(text);
            }
            catch (final InvalidPathException ex)
            {
                throw new IllegalArgumentException("is not a valid path (" + ex.getReason() + ")");
            }
        }
    },

    /**
     * Non-empty text. Parsed to {@link String}.
     */
    STRING("string", "non-empty text")
    {
        Object parse(final String text, final ConfigKey key)
        {
            return text;
        }
    },

    /**
     * Comma-separated items, at least one; blanks around items are dropped. Parsed to an unmodifiable
     * {@code List<String>}.
     */
    LIST("list", "comma-separated items, at least one")
    {
        Object parse(final String text, final ConfigKey key)
        {
            final List<String> items = new ArrayList<>();
            for (final String item : text.split(","))
            {
                if (!item.isBlank())
                {
                    items.add(item.trim());
                }
            }
            if (items.isEmpty())
            {
                throw new IllegalArgumentException("has no items");
            }
            return Collections.unmodifiableList(items);
        }
    };

    private static final Pattern SIZE_PATTERN = Pattern.compile("(-?)(\\d+)([kKmMgG]?)");
    private static final Pattern WHOLE_NUMBER_PATTERN = Pattern.compile("[+-]?\\d+");
    private static final Pattern DECIMAL_PATTERN = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private final String label;
    private final String accepted;

    ValueType(final String label, final String accepted)
    {
        this.label = label;
        this.accepted = accepted;
    }

    /**
     * @return the short name used in tables and {@code --help}: {@code size}, {@code int}, {@code port},
     * {@code double}, {@code boolean}, {@code path}, {@code string} or {@code list}.
     */
    public String label()
    {
        return label;
    }

    /**
     * @return a phrase saying what this type accepts, for error messages and documentation.
     */
    public String accepted()
    {
        return accepted;
    }

    /**
     * Parses one value.
     *
     * @param text the value as written, trimmed and not empty.
     * @param key  the key it is for, whose bounds apply.
     * @return the typed value: {@link Long} for sizes and ints, {@link Integer} for ports, {@link Double}, {@link Boolean},
     * {@link Path}, {@link String} or {@code List<String>}.
     * @throws IllegalArgumentException with a short reason ({@code "is not a size"}, {@code "is out of range"})
     *                                  when the text is not a value of this type within the key's bounds.
     */
    abstract Object parse(String text, ConfigKey key);

    private static long parseWholeNumber(final String text, final String reason)
    {
        if (!WHOLE_NUMBER_PATTERN.matcher(text).matches())
        {
            throw new IllegalArgumentException(reason);
        }
        try
        {
            return Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("is out of range");
        }
    }

    private static long checkBounds(final long value, final ConfigKey key)
    {
        if (value < key.min() || value > key.max())
        {
            throw new IllegalArgumentException(value < 0 && key.min() >= 0 ? "is negative" : "is out of range");
        }
        return value;
    }
}
