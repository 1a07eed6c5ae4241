/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.cli;

import io.tierpool.transport.ClusterSecret;
import io.tierpool.transport.TransportSecurity;

/**
 * The data-path security of the {@code tierpool} commands that talk to node daemons ({@code stats}, {@code top}):
 * the cluster secret named by the environment ({@value ClusterSecret#SECRET_FILE_ENV}, else
 * {@value ClusterSecret#SECRET_ENV}), never a flag.
 */
final class CliSecurity
{
    private CliSecurity()
    {
    }

    /**
     * @return the security settings from the environment, or null when it names no secret.
     * @throws io.tierpool.client.ConfigurationException when the variable is set but gives no valid secret.
     */
    static TransportSecurity fromEnvironment()
    {
        final ClusterSecret secret = ClusterSecret.fromEnvironment(System.getenv());
        return null == secret ? null : new TransportSecurity(secret, false);
    }
}
