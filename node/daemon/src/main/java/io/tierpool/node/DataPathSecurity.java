/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node;

import io.tierpool.client.ConfigurationException;
import io.tierpool.node.config.ConfigKey;
import io.tierpool.node.config.NodeConfiguration;
import io.tierpool.transport.ClusterSecret;
import io.tierpool.transport.TransportSecurity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Map;

/**
 * Turns a node's security settings ({@link ConfigKey#SECURITY_MODE}, {@link ConfigKey#SECURITY_SECRET_FILE},
 * {@link ConfigKey#SECURITY_ENCRYPTION}, and the {@value ClusterSecret#SECRET_ENV} environment variable) into its
 * block server's {@link TransportSecurity}, and logs the choice once: on (where the secret came from, never the
 * secret) or off (a warning saying what that exposes).
 * <p>
 * Thread-safety: stateless.
 */
final class DataPathSecurity
{
    private static final Logger LOG = LoggerFactory.getLogger(DataPathSecurity.class);

    private DataPathSecurity()
    {
    }

    /**
     * @param configuration the node's settings.
     * @param environment   the process environment, for {@value ClusterSecret#SECRET_ENV}.
     * @param nodeName      for the log line.
     * @param endpoint      the data endpoint, for the log line.
     * @return the security settings, or null when security is off.
     * @throws ConfigurationException when security.mode is on without a secret, or the secret cannot be read.
     */
    static TransportSecurity resolve(
        final NodeConfiguration configuration,
        final Map<String, String> environment,
        final String nodeName,
        final String endpoint)
    {
        final String mode = configuration.securityMode();
        final boolean encryption = configuration.securityEncryption();
        if ("off".equals(mode))
        {
            warnOpen(nodeName, endpoint, ConfigKey.SECURITY_MODE.key() + "=off");
            return null;
        }

        final Path file = configuration.securitySecretFile();
        final ClusterSecret secret = null != file ? ClusterSecret.fromFile(file) :
            ClusterSecret.fromEnvironment(Map.of(ClusterSecret.SECRET_ENV,
            environment.getOrDefault(ClusterSecret.SECRET_ENV, "")));
        if (null == secret)
        {
            if ("on".equals(mode))
            {
                throw new ConfigurationException(ConfigKey.SECURITY_MODE.key() + "=on but node " + nodeName +
                    " has no cluster secret: set " + ConfigKey.SECURITY_SECRET_FILE.key() + " (or " +
                    ClusterSecret.SECRET_FILE_ENV + ") to a file written by `tierpool secret --out FILE`");
            }
            if (encryption)
            {
                throw new ConfigurationException(ConfigKey.SECURITY_ENCRYPTION.key() + "=true needs security on, " +
                    "but node " + nodeName + " has no cluster secret: set " + ConfigKey.SECURITY_SECRET_FILE.key());
            }
            warnOpen(nodeName, endpoint, ConfigKey.SECURITY_MODE.key() + "=auto found no secret");
            return null;
        }

        final Path previousFile = configuration.securityPreviousSecretFile();
        final ClusterSecret previous = null == previousFile ? null : ClusterSecret.fromFile(previousFile);
        final boolean credentialsRequired = configuration.securityCredentialsRequired();
        LOG.info("node {}: data-path security ON at {} (cluster secret id {} from {}{}, block encryption {}, {})",
            nodeName, endpoint, Long.toHexString(secret.id()), secret.source(), null == previous ? "" :
            "; also accepting the previous secret id " + Long.toHexString(previous.id()) + " from " +
            previous.source(), encryption ? "on" : "off", credentialsRequired ? "per-client credentials only" :
            "the cluster secret or per-client credentials");
        return new TransportSecurity(secret, previous, encryption, credentialsRequired);
    }

    private static void warnOpen(final String nodeName, final String endpoint, final String why)
    {
        LOG.warn("node {}: data-path security OFF ({}): anyone who can send UDP to {} can read, overwrite or free " +
            "any client's blocks; set {} and {}=on for a shared network (docs/SECURITY.md)", nodeName, why, endpoint,
            ConfigKey.SECURITY_SECRET_FILE.key(), ConfigKey.SECURITY_MODE.key());
    }
}
