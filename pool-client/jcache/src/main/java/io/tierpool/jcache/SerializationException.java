/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import javax.cache.CacheException;

/**
 * A key or value could not be turned into bytes or back: thrown by {@link Serializer}s and, through them, by every
 * cache operation that stores or returns the object. The message names the class involved.
 */
public class SerializationException extends CacheException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, naming the class.
     * @param cause   the underlying exception, or null.
     */
    public SerializationException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
