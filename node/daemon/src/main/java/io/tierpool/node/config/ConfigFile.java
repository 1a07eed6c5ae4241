/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.config;

import io.tierpool.client.ConfigurationException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a node configuration file: UTF-8 text in Java properties style, strictly.
 * <ul>
 *     <li>one {@code key = value} per line ({@code key: value} also works); blanks around key and value are
 *     dropped;</li>
 *     <li>lines whose first non-blank character is {@code #} or {@code !} are comments, blank lines are
 *     ignored; a comment must be on its own line;</li>
 *     <li>a line ending in a single {@code \} continues on the next line (for long discovery lists);</li>
 *     <li>no escapes: a value is taken as written.</li>
 * </ul>
 * Rejected with a {@link ConfigurationException} naming the file and line: a missing or unreadable file, a line
 * that is not {@code key = value}, an unknown key (with the nearest known key as a hint), a key given twice and
 * an empty value. Values are not parsed here; {@link NodeConfiguration} does that.
 */
final class ConfigFile
{
    /**
     * One value read from the file, as written.
     *
     * @param text   the value, trimmed, not empty.
     * @param source the file and line it is on.
     */
    record Entry(String text, ConfigSource source)
    {
    }

    private ConfigFile()
    {
    }

    /**
     * Reads a configuration file.
     *
     * @param file   the file.
     * @param origin where the file's name came from ({@code --config} or {@code TIERPOOL_CONFIG}), for messages.
     * @return the values by key, in key order; unmodifiable.
     * @throws ConfigurationException if the file cannot be read or has a line that is not a known
     *                                {@code key = value} given once.
     */
    static Map<ConfigKey, Entry> read(final Path file, final ConfigSource origin)
    {
        if (!Files.exists(file))
        {
            throw new ConfigurationException("configuration file " + file + " (from " + origin + ") does not exist: " +
                "give the path of a readable properties file (deploy/node.example.conf shows every key)");
        }
        if (!Files.isRegularFile(file))
        {
            throw new ConfigurationException("configuration file " + file + " (from " + origin + ") is not a " +
                "regular file: give the path of a readable properties file");
        }

        final List<String> lines;
        try
        {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (final CharacterCodingException ex)
        {
            throw new ConfigurationException("configuration file " + file + " (from " + origin + ") is not UTF-8 " +
                "text: save it as UTF-8", ex);
        }
        catch (final IOException ex)
        {
            throw new ConfigurationException("configuration file " + file + " (from " + origin + ") cannot be read (" +
                ex + "): make it readable by the daemon's user", ex);
        }

        final Map<ConfigKey, Entry> entries = new EnumMap<>(ConfigKey.class);
        int index = 0;
        while (index < lines.size())
        {
            final int lineNumber = index + 1;
            String logical = lines.get(index++).strip();
            if (logical.isEmpty() || logical.startsWith("#") || logical.startsWith("!"))
            {
                continue;
            }
            while (endsWithContinuation(logical) && index < lines.size())
            {
                logical = logical.substring(0, logical.length() - 1) + lines.get(index++).strip();
            }
            if (endsWithContinuation(logical))
            {
                logical = logical.substring(0, logical.length() - 1);
            }
            parseLine(file, lineNumber, logical, entries);
        }
        return Collections.unmodifiableMap(entries);
    }

    private static void parseLine(final Path file, final int lineNumber, final String line, final Map<ConfigKey, Entry> entries)
    {
        final ConfigSource source = ConfigSource.file(file, lineNumber);
        int separator = -1;
        for (int i = 0; i < line.length(); i++)
        {
            final char c = line.charAt(i);
            if (c == '=' || c == ':')
            {
                separator = i;
                break;
            }
        }
        final String name = separator < 0 ? line : line.substring(0, separator).strip();
        if (separator < 0 || name.isEmpty() || name.chars().anyMatch(Character::isWhitespace))
        {
            throw new ConfigurationException("'" + line + "' (" + source + ") is not a setting: write one " +
                "key = value per line, e.g. tier.ram.capacity = 1g; comments start with #");
        }

        final ConfigKey key = ConfigKey.forKey(name);
        if (null == key)
        {
            final ConfigKey closest = ConfigKey.closest(name);
            throw new ConfigurationException("unknown key '" + name + "' (" + source + "): " +
                (null == closest ? "" : "did you mean '" + closest.key() + "'? ") +
                "known keys are those in deploy/node.example.conf and in tierpool-node --help");
        }

        final String value = line.substring(separator + 1).strip();
        if (value.isEmpty())
        {
            throw new ConfigurationException(key.key() + " (" + source + ") has no value: give " + key.accepted() +
                ", or remove the line to use the default " + key.defaultText());
        }

        final Entry previous = entries.get(key);
        if (null != previous)
        {
            throw new ConfigurationException(key.key() + " = " + value + " (" + source + ") is given twice, also " +
                "as " + key.key() + " = " + previous.text() + " on line " + previous.source().line() +
                ": keep one of them");
        }
        entries.put(key, new Entry(value, source));
    }

    private static boolean endsWithContinuation(final String line)
    {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--)
        {
            backslashes++;
        }
        return (backslashes & 1) == 1;
    }
}
