/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.client.ConfigurationException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * The cluster's shared secret: 32 random bytes (at least 16 accepted) that clients and node daemons prove they
 * hold in the data-path handshake ({@link TransportSecurity}). It travels nowhere: it is read from a file or an
 * environment variable, never from a command-line argument, and {@link #toString()} never shows it.
 * <p>
 * Text form: the bytes in hexadecimal on one line (what {@code tierpool secret} writes); surrounding white space is
 * ignored. A file holding it should be readable by its owner only; {@link #writeNew(Path)} creates it so.
 * <p>
 * Thread-safety: immutable; {@link #bytes()} returns a copy.
 */
public final class ClusterSecret
{
    /**
     * Environment variable naming a file that holds the secret.
     */
    public static final String SECRET_FILE_ENV = "TIERPOOL_SECRET_FILE";

    /**
     * Environment variable holding the secret itself, in hexadecimal (prefer {@link #SECRET_FILE_ENV}: a process's
     * environment is visible to its owner and to root through /proc).
     */
    public static final String SECRET_ENV = "TIERPOOL_SECRET";

    /**
     * Length of a generated secret, bytes.
     */
    public static final int GENERATED_LENGTH = 32;

    /**
     * The shortest secret accepted, bytes.
     */
    public static final int MIN_LENGTH = 16;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final byte[] secret;
    private final String source;

    private ClusterSecret(final byte[] secret, final String source)
    {
        this.secret = secret;
        this.source = source;
    }

    /**
     * @return a new secret of {@link #GENERATED_LENGTH} bytes from {@link SecureRandom}.
     */
    public static ClusterSecret generate()
    {
        final byte[] bytes = new byte[GENERATED_LENGTH];
        RANDOM.nextBytes(bytes);
        return new ClusterSecret(bytes, "generated");
    }

    /**
     * @param hex    the secret in hexadecimal; white space around it is ignored.
     * @param source where it came from, for error messages (never the secret itself).
     * @return the secret.
     * @throws ConfigurationException when the text is not hexadecimal or is shorter than {@link #MIN_LENGTH} bytes.
     */
    public static ClusterSecret parse(final String hex, final String source)
    {
        final String text = hex.strip();
        final byte[] bytes;
        try
        {
            bytes = HexFormat.of().parseHex(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigurationException("the cluster secret from " + source + " is not hexadecimal text; " +
                "write a new one with `tierpool secret --out FILE`");
        }
        if (bytes.length < MIN_LENGTH)
        {
            throw new ConfigurationException("the cluster secret from " + source + " is " + bytes.length +
                " bytes; at least " + MIN_LENGTH + " are needed: write a new one with `tierpool secret --out FILE`");
        }
        return new ClusterSecret(bytes, source);
    }

    /**
     * @param file a file holding the secret in hexadecimal.
     * @return the secret.
     * @throws ConfigurationException when the file cannot be read or does not hold a valid secret.
     */
    public static ClusterSecret fromFile(final Path file)
    {
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new ConfigurationException("cannot read the cluster secret file " + file + ": " + ex +
                " (create one with `tierpool secret --out " + file + "`)");
        }
        return parse(text, "file " + file);
    }

    /**
     * The secret named by the environment: the file in {@link #SECRET_FILE_ENV} when set, else the text in
     * {@link #SECRET_ENV}, else none.
     *
     * @param env the environment, usually {@link System#getenv()}.
     * @return the secret, or null when neither variable is set (or both are empty).
     * @throws ConfigurationException when the variable is set but does not give a valid secret.
     */
    public static ClusterSecret fromEnvironment(final Map<String, String> env)
    {
        final String file = env.get(SECRET_FILE_ENV);
        if (null != file && !file.isBlank())
        {
            return fromFile(Path.of(file.strip()));
        }
        final String inline = env.get(SECRET_ENV);
        if (null != inline && !inline.isBlank())
        {
            return parse(inline, "environment variable " + SECRET_ENV);
        }
        return null;
    }

    /**
     * Write a new secret to a file that must not exist yet, readable and writable by its owner only (created
     * with those permissions, so it is never readable by others, even for an instant).
     *
     * @param file where to write it.
     * @return the secret written.
     * @throws ConfigurationException when the file exists or cannot be written.
     */
    public static ClusterSecret writeNew(final Path file)
    {
        final ClusterSecret secret = generate();
        write(file, secret);
        return new ClusterSecret(secret.secret, "file " + file);
    }

    private static void write(final Path file, final ClusterSecret secret)
    {
        final byte[] text = (secret.toHex() + "\n").getBytes(StandardCharsets.US_ASCII);
        try
        {
            try
            {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            catch (final UnsupportedOperationException ex)
            {
                Files.createFile(file);
                file.toFile().setReadable(false, false);
                file.toFile().setReadable(true, true);
                file.toFile().setWritable(false, false);
                file.toFile().setWritable(true, true);
            }
            Files.write(file, text, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw new ConfigurationException("the secret file " + file + " exists already; remove it first or " +
                "choose another path (a secret is never overwritten by accident)");
        }
        catch (final IOException ex)
        {
            throw new ConfigurationException("cannot write the secret file " + file + ": " + ex);
        }
        finally
        {
            Arrays.fill(text, (byte)0);
        }
    }

    /**
     * @return the secret's fingerprint: the first 8 bytes of HMAC-SHA-256 keyed with the secret over a fixed label.
     * It reveals nothing of the secret and may be logged, so that operators can see which secret each side holds;
     * the handshake sends it so that a node holding two secrets during a rotation picks the client's.
     */
    public long id()
    {
        try
        {
            final javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
            final byte[] digest = mac.doFinal("tierpool-secret-id".getBytes(StandardCharsets.US_ASCII));
            return java.nio.ByteBuffer.wrap(digest).getLong();
        }
        catch (final java.security.GeneralSecurityException ex)
        {
            throw new IllegalStateException("this JVM lacks HmacSHA256, which every Java SE runtime has: " + ex, ex);
        }
    }

    /**
     * A client's own credential, derived from this cluster secret and the client's id: what an administrator
     * hands to one client instead of the cluster secret, so that the client can authenticate under that id only
     * (nodes derive the same key from the cluster secret; docs/SECURITY.md, "Per-client credentials").
     *
     * @param clientId the client's id ({@code BlockClient.Context.clientId}).
     * @return the credential, a secret of 32 bytes.
     */
    public ClusterSecret clientCredential(final long clientId)
    {
        try
        {
            final javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
            mac.update("tierpool-client-credential".getBytes(StandardCharsets.US_ASCII));
            mac.update(java.nio.ByteBuffer.allocate(8).putLong(clientId).array());
            return new ClusterSecret(mac.doFinal(), "credential of client " + Long.toHexString(clientId) +
                " derived from " + source);
        }
        catch (final java.security.GeneralSecurityException ex)
        {
            throw new IllegalStateException("this JVM lacks HmacSHA256, which every Java SE runtime has: " + ex, ex);
        }
    }

    /**
     * Write a client's credential ({@link #clientCredential(long)}) to a new owner-only file, as
     * {@link #writeNew(Path)} writes a secret.
     *
     * @param file     where to write it; it must not exist.
     * @param clientId the client's id.
     * @return the credential written.
     * @throws ConfigurationException when the file exists or cannot be written.
     */
    public ClusterSecret writeClientCredential(final Path file, final long clientId)
    {
        final ClusterSecret credential = clientCredential(clientId);
        write(file, credential);
        return new ClusterSecret(credential.secret, "file " + file);
    }

    /**
     * @return the secret in hexadecimal: handle with care, never log it.
     */
    public String toHex()
    {
        return HexFormat.of().formatHex(secret);
    }

    /**
     * @return a copy of the secret's bytes.
     */
    public byte[] bytes()
    {
        return secret.clone();
    }

    /**
     * @return where the secret came from (a file's path, an environment variable's name), never the secret.
     */
    public String source()
    {
        return source;
    }

    /**
     * @return a description without the secret.
     */
    public String toString()
    {
        return "ClusterSecret{" + secret.length + " bytes from " + source + ", id " + Long.toHexString(id()) + "}";
    }
}
