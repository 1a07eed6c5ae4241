/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

/**
 * A node and this client could not authenticate each other: the node's handshake proof did not verify (the two
 * hold different cluster secrets), the node refused the client's proof, or the node requires a secret this client
 * was not given. Nothing was stored, read or freed by the request that met it. Fix the configuration (the same
 * secret on the client, {@code TIERPOOL_SECRET_FILE}, and on every node, {@code security.secret.file}) and retry;
 * see docs/SECURITY.md.
 */
public class AuthenticationException extends TransportException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message      what failed and what to do, naming the node.
     * @param nodeEndpoint the node's {@code host:port}.
     * @param blockId      the block of the request that met it, or {@link TransportConfiguration#NULL_BLOCK_ID}.
     */
    public AuthenticationException(final String message, final String nodeEndpoint, final long blockId)
    {
        super(message, nodeEndpoint, blockId);
    }
}
