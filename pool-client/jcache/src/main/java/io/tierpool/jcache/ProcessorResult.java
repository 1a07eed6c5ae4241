/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * One key's outcome of {@link javax.cache.Cache#invokeAll}: the processor's result, or the exception it threw.
 *
 * @param <T> the result type.
 */
final class ProcessorResult<T> implements EntryProcessorResult<T>
{
    private final T result;
    private final RuntimeException failure;

    ProcessorResult(final T result, final RuntimeException failure)
    {
        this.result = result;
        this.failure = failure;
    }

    public T get()
    {
        if (failure != null)
        {
            throw failure instanceof EntryProcessorException ? (EntryProcessorException)failure :
                new EntryProcessorException(failure);
        }
        return result;
    }
}
