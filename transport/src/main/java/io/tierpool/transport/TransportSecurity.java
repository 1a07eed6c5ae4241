/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import java.util.Objects;

/**
 * Data-path security settings, shared by a {@link BlockClient.Context} and a {@link BlockServer.Context}: with one
 * set, the client authenticates to every node in a handshake and seals every request, and the node refuses any
 * request that does not come on an authenticated session (docs/SECURITY.md). Without one (the default, null) the
 * data path is open, as before protocol version 3.
 * <p>
 * Thread-safety: immutable.
 */
public final class TransportSecurity
{
    /**
     * How many sequence numbers behind the highest seen a message may arrive and still be taken (once), per
     * session and direction: more than the threads that send on one session at once.
     */
    public static final int REPLAY_WINDOW = 1024;

    private final ClusterSecret secret;
    private final ClusterSecret previousSecret;
    private final boolean encryption;
    private final long secretId;
    private final long previousSecretId;
    private final boolean clientCredential;
    private final boolean credentialsRequired;

    /**
     * @param secret     the cluster secret.
     * @param encryption true to encrypt block bytes on the wire with AES-GCM (both ways). A session is encrypted
     *                   when either side asks for it.
     */
    public TransportSecurity(final ClusterSecret secret, final boolean encryption)
    {
        this(secret, null, encryption);
    }

    /**
     * A node's settings during a rotation: clients holding either secret authenticate (docs/SECURITY.md).
     *
     * @param secret         the cluster secret; clients use this one.
     * @param previousSecret the secret being retired, still accepted from clients by a node; null for none.
     * @param encryption     as in {@link #TransportSecurity(ClusterSecret, boolean)}.
     */
    public TransportSecurity(
        final ClusterSecret secret, final ClusterSecret previousSecret, final boolean encryption)
    {
        this(secret, previousSecret, encryption, false, false);
    }

    /**
     * A node's settings that accept only clients with per-client credentials, or also holders of the cluster
     * secret.
     *
     * @param secret              the cluster secret.
     * @param previousSecret      the secret being retired, or null.
     * @param encryption          as in {@link #TransportSecurity(ClusterSecret, boolean)}.
     * @param credentialsRequired true to refuse clients that authenticate with the cluster secret itself: only
     *                            per-client credentials ({@link ClusterSecret#clientCredential(long)}) are taken.
     */
    public TransportSecurity(
        final ClusterSecret secret,
        final ClusterSecret previousSecret,
        final boolean encryption,
        final boolean credentialsRequired)
    {
        this(secret, previousSecret, encryption, false, credentialsRequired);
    }

    private TransportSecurity(
        final ClusterSecret secret,
        final ClusterSecret previousSecret,
        final boolean encryption,
        final boolean clientCredential,
        final boolean credentialsRequired)
    {
        this.clientCredential = clientCredential;
        this.credentialsRequired = credentialsRequired;
        this.secret = Objects.requireNonNull(secret, "secret");
        this.previousSecret = previousSecret;
        this.encryption = encryption;
        this.secretId = secret.id();
        this.previousSecretId = null == previousSecret ? secretId : previousSecret.id();
    }

    /**
     * A client's settings with its own credential instead of the cluster secret: it can authenticate only under
     * the client id the credential was made for, which its {@link BlockClient.Context#clientId(long)} must be.
     *
     * @param credential the client's credential ({@link ClusterSecret#clientCredential(long)}, written by
     *                   {@code tierpool secret --client-id ID --from FILE --out FILE}).
     * @param encryption as in {@link #TransportSecurity(ClusterSecret, boolean)}.
     * @return the settings.
     */
    public static TransportSecurity clientCredential(final ClusterSecret credential, final boolean encryption)
    {
        return new TransportSecurity(credential, null, encryption, true, false);
    }

    /**
     * @return true on a client whose secret is its own per-client credential.
     */
    public boolean isClientCredential()
    {
        return clientCredential;
    }

    /**
     * @return true on a node that takes only per-client credentials.
     */
    public boolean credentialsRequired()
    {
        return credentialsRequired;
    }

    /**
     * @param secretId a client's {@link ClusterSecret#id()} of the credential it holds.
     * @param clientId the client id it claims.
     * @return the credential the client must hold: derived from the previous secret when the id is that one's,
     * else from the current one.
     */
    ClusterSecret credentialFor(final long secretId, final long clientId)
    {
        final ClusterSecret current = secret.clientCredential(clientId);
        if (null != previousSecret && current.id() != secretId)
        {
            final ClusterSecret previous = previousSecret.clientCredential(clientId);
            if (previous.id() == secretId)
            {
                return previous;
            }
        }
        return current;
    }

    /**
     * @return the secret being retired that a node still accepts, or null.
     */
    public ClusterSecret previousSecret()
    {
        return previousSecret;
    }

    /**
     * @param secretId a client's {@link ClusterSecret#id()}.
     * @return the previous secret when the id is its, else the current one.
     */
    ClusterSecret secretFor(final long secretId)
    {
        return secretId == previousSecretId && secretId != this.secretId ? previousSecret : secret;
    }

    /**
     * @return the cluster secret.
     */
    public ClusterSecret secret()
    {
        return secret;
    }

    /**
     * @return true when this side asks for encrypted block bytes.
     */
    public boolean encryption()
    {
        return encryption;
    }

    /**
     * @return a description without the secret.
     */
    public String toString()
    {
        return "TransportSecurity{secret from " + secret.source() + (null == previousSecret ? "" :
            ", previous secret from " + previousSecret.source()) + ", encryption=" + encryption + "}";
    }
}
