/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

/**
 * Thrown by a {@code conclude()} method or a command line when a setting is missing, malformed or impossible.
 * The message names the setting (its property or flag name) and the offending value.
 */
public class ConfigurationException extends TierPoolException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message names the setting and the bad value, and says what values are accepted.
     */
    public ConfigurationException(final String message)
    {
        super(message);
    }

    /**
     * @param message names the setting and the bad value, and says what values are accepted.
     * @param cause   the parse failure behind it.
     */
    public ConfigurationException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
