/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

/**
 * Root of every exception that TierPool throws to an application.
 * <p>
 * All TierPool exceptions are unchecked. Each subtype documents when it is thrown, and each message names the
 * block, the tier and the node involved (where there is one) and says what the caller can do about it.
 * Programming errors that Java code conventionally reports with {@link IllegalArgumentException},
 * {@link IndexOutOfBoundsException} or {@link IllegalStateException} (a negative size, an offset past the end
 * of a block) are reported with those types, not with this hierarchy.
 */
public class TierPoolException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong and what to do about it.
     */
    public TierPoolException(final String message)
    {
        super(message);
    }

    /**
     * @param message what went wrong and what to do about it.
     * @param cause   the underlying failure.
     */
    public TierPoolException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
