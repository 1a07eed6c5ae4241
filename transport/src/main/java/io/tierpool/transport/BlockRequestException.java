/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.client.TierPoolException;

import java.util.Objects;

/**
 * Thrown by a {@link BlockRequestHandler} to refuse a request with a specific {@link ErrorCode}; the
 * {@link BlockServer} sends the code and the message to the client, where it becomes a
 * {@link RemoteErrorException}. The message should name the block, the tier and the node.
 */
public class BlockRequestException extends TierPoolException
{
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    /**
     * @param code    why the request is refused.
     * @param message what went wrong, naming the block, the tier and the node.
     */
    public BlockRequestException(final ErrorCode code, final String message)
    {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * @param code    why the request is refused.
     * @param message what went wrong, naming the block, the tier and the node.
     * @param cause   the failure behind it.
     */
    public BlockRequestException(final ErrorCode code, final String message, final Throwable cause)
    {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * @return why the request is refused.
     */
    public ErrorCode code()
    {
        return code;
    }
}
