/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The keys and proofs of one data-path session, derived from the cluster secret and both sides' nonces with
 * HMAC-SHA-256 from {@code javax.crypto} in the HKDF construction (RFC 5869): extract with the two nonces as salt,
 * then expand with an info string that binds the session id, the client id and the session's flags.
 * <pre>
 *   prk       = HMAC(salt = clientNonce || nodeNonce, secret)
 *   info      = "tierpool-session-v3" || sessionId || clientId || flags
 *   macKey    = T1 = HMAC(prk, info || 0x01)
 *   encKey    = T2 = HMAC(prk, T1 || info || 0x02)          (AES-256 for block data)
 *   proofKey  = T3 = HMAC(prk, T2 || info || 0x03)
 *   nodeProof = HMAC(proofKey, "node"),  clientProof = HMAC(proofKey, "client")
 * </pre>
 * Each side proves it holds the secret by sending its proof over fresh nonces; neither proof can be reflected,
 * replayed in another session, or used to learn the secret, and flipping the flags (a downgrade from encryption)
 * changes every key and proof.
 * <p>
 * Thread-safety: instances are immutable after construction; the static methods may be called from any thread.
 */
final class SessionKeys
{
    static final int NONCE_LENGTH = 32;
    static final int PROOF_LENGTH = 32;
    private static final String HMAC = "HmacSHA256";
    private static final byte[] INFO_LABEL = "tierpool-session-v3".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NODE_LABEL = "node".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLIENT_LABEL = "client".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    final byte[] macKey;
    final byte[] encKey;
    final byte[] nodeProof;
    final byte[] clientProof;

    private SessionKeys(final byte[] macKey, final byte[] encKey, final byte[] nodeProof, final byte[] clientProof)
    {
        this.macKey = macKey;
        this.encKey = encKey;
        this.nodeProof = nodeProof;
        this.clientProof = clientProof;
    }

    static byte[] nonce()
    {
        final byte[] nonce = new byte[NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    static long sessionId()
    {
        long id;
        do
        {
            id = RANDOM.nextLong();
        }
        while (0 == id);
        return id;
    }

    static SessionKeys derive(
        final byte[] secret,
        final byte[] clientNonce,
        final byte[] nodeNonce,
        final long sessionId,
        final long clientId,
        final int flags)
    {
        try
        {
            final Mac mac = Mac.getInstance(HMAC);
            final byte[] salt = new byte[clientNonce.length + nodeNonce.length];
            System.arraycopy(clientNonce, 0, salt, 0, clientNonce.length);
            System.arraycopy(nodeNonce, 0, salt, clientNonce.length, nodeNonce.length);
            mac.init(new SecretKeySpec(salt, HMAC));
            final byte[] prk = mac.doFinal(secret);

            final byte[] info = ByteBuffer.allocate(INFO_LABEL.length + 20).order(ByteOrder.LITTLE_ENDIAN)
                .put(INFO_LABEL).putLong(sessionId).putLong(clientId).putInt(flags).array();
            mac.init(new SecretKeySpec(prk, HMAC));
            final byte[] t1 = expand(mac, new byte[0], info, 1);
            final byte[] t2 = expand(mac, t1, info, 2);
            final byte[] t3 = expand(mac, t2, info, 3);

            mac.init(new SecretKeySpec(t3, HMAC));
            final byte[] nodeProof = mac.doFinal(NODE_LABEL);
            final byte[] clientProof = mac.doFinal(CLIENT_LABEL);
            Arrays.fill(prk, (byte)0);
            Arrays.fill(t3, (byte)0);
            return new SessionKeys(t1, t2, nodeProof, clientProof);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("this JVM lacks HmacSHA256, which every Java SE runtime has: " + ex, ex);
        }
    }

    /**
     * @return true when the two proofs are equal, compared in time independent of their contents.
     */
    static boolean proofsMatch(final byte[] expected, final byte[] actual)
    {
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] expand(final Mac mac, final byte[] previous, final byte[] info, final int counter)
    {
        mac.update(previous);
        mac.update(info);
        mac.update((byte)counter);
        return mac.doFinal();
    }
}
