/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;


/**
 * Thrown when no node daemon, or too few, could be found: a client could not join the cluster within
 * {@link ClusterContext#clientJoinTimeoutMs()}, {@link ClusterView#awaitNodes(int, long)} timed out, or a member could
 * not start. The message names the discovery addresses that were tried and how to start node daemons.
 */
public class ClusterUnavailableException extends TierPoolException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message which addresses were tried, what was found, and what to do.
     */
    public ClusterUnavailableException(final String message)
    {
        super(message);
    }

    /**
     * @param message which addresses were tried, what was found, and what to do.
     * @param cause   the failure reported by Ignite.
     */
    public ClusterUnavailableException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
