/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a setting's value came from, for error messages and the daemon's start-up log: the built-in default, a
 * line of the configuration file, an environment variable or a command-line flag. Immutable.
 *
 * @param layer the layer the value came from.
 * @param where the file path, the variable's name or the flag; empty for {@link Layer#DEFAULT}.
 * @param line  the 1-based line in the file for {@link Layer#FILE}, otherwise 0.
 */
public record ConfigSource(Layer layer, String where, int line)
{
    /**
     * The layers of a configuration, lowest precedence first: a later layer overrides an earlier one.
     */
    public enum Layer
    {
        /** The built-in default of the key ({@link ConfigKey#defaultValue()}). */
        DEFAULT,
        /** A {@code key = value} line of the configuration file. */
        FILE,
        /** An environment variable ({@link ConfigKey#env()}). */
        ENVIRONMENT,
        /** A command-line flag ({@link ConfigKey#flag()}). */
        FLAG
    }

    /** The source of every value nobody set. */
    public static final ConfigSource DEFAULT = new ConfigSource(Layer.DEFAULT, "", 0);

    /**
     * @param layer the layer; not null.
     * @param where the file path, variable or flag; not null.
     * @param line  the 1-based file line, or 0.
     */
    public ConfigSource
    {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(where, "where");
    }

    /**
     * @param file the configuration file.
     * @param line the 1-based line the value is on.
     * @return the source of a value read from that line.
     */
    public static ConfigSource file(final Path file, final int line)
    {
        return new ConfigSource(Layer.FILE, file.toString(), line);
    }

    /**
     * @param variable the environment variable's name.
     * @return the source of a value read from that variable.
     */
    public static ConfigSource environment(final String variable)
    {
        return new ConfigSource(Layer.ENVIRONMENT, variable, 0);
    }

    /**
     * @param flag the flag, e.g. {@code --ram}.
     * @return the source of a value given with that flag.
     */
    public static ConfigSource flag(final String flag)
    {
        return new ConfigSource(Layer.FLAG, flag, 0);
    }

    /**
     * @return {@code default}, {@code file /etc/tierpool/node.conf line 3}, {@code environment TIERPOOL_RAM}
     * or {@code flag --ram}.
     */
    public String toString()
    {
        return switch (layer)
        {
            case DEFAULT -> "default";
            case FILE -> "file " + where + " line " + line;
            case ENVIRONMENT -> "environment " + where;
            case FLAG -> "flag " + where;
        };
    }
}
