/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import io.tierpool.client.ConfigurationException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes a cluster's membership credentials: the files {@link MembershipSecurity} reads when
 * {@code security.membership = tls}.
 * <p>
 * One directory, readable by its owner only, holds:
 * <ul>
 *     <li>{@value #KEYSTORE_FILE}: a PKCS#12 keystore with one EC P-256 key pair and its self-signed certificate
 *     (alias {@value #KEY_ALIAS}, valid {@value #VALIDITY_DAYS} days), the key every node daemon presents;</li>
 *     <li>{@value #TRUSTSTORE_FILE}: a PKCS#12 truststore with that certificate alone, so a daemon trusts exactly
 *     the holders of this cluster's key;</li>
 *     <li>{@value #PASSWORD_FILE}: the password of both stores, 43 characters of base64url from 256 random bits.</li>
 * </ul>
 * Every node daemon of a cluster gets a copy of the same directory. The keys are made by the JDK's own
 * {@code keytool} ({@code $JAVA_HOME/bin/keytool}), which reads the password from its environment
 * ({@code -storepass:env}), never from its command line, so no other user of the machine sees it in the process
 * list. A real PKI works as well: put a keystore with each node's own CA-signed key, and a truststore with the CA,
 * under these names.
 * <pre>
 *   java -cp tierpool-node.jar io.tierpool.node.cluster.MembershipCredentials /etc/tierpool/membership
 * </pre>
 * Stateless; thread-safe.
 */
public final class MembershipCredentials
{
    /** File name of the keystore in the credentials directory. */
    public static final String KEYSTORE_FILE = "keystore.p12";

    /** File name of the truststore in the credentials directory. */
    public static final String TRUSTSTORE_FILE = "truststore.p12";

    /** File name of the stores' password in the credentials directory. */
    public static final String PASSWORD_FILE = "password";

    /** Environment variable that, when set, gives the stores' password instead of {@value #PASSWORD_FILE}. */
    public static final String PASSWORD_ENV = "TIERPOOL_MEMBERSHIP_PASSWORD";

    /** Alias of the key pair in the keystore. */
    public static final String KEY_ALIAS = "tierpool-member";

    /** Days the generated certificate is valid. */
    public static final int VALIDITY_DAYS = 3650;

    /** How long keytool may take for each step, in seconds. */
    static final long KEYTOOL_TIMEOUT_S = 60;

    private static final String PASSWORD_VARIABLE = "TIERPOOL_KEYTOOL_STOREPASS";

    private MembershipCredentials()
    {
    }

    /**
     * Make fresh credentials in {@code dir}: a new key pair, its certificate in a truststore, and a new password.
     *
     * @param dir the directory to write, created (owner-only) if missing; must not already hold credentials.
     * @return {@code dir}.
     * @throws ConfigurationException if the directory already holds credentials (remove them first: nodes that
     *                                still use the old ones could no longer join), cannot be written, or
     *                                keytool fails (its output is quoted).
     */
    public static Path generate(final Path dir)
    {
        final Path keystore = dir.resolve(KEYSTORE_FILE);
        final Path truststore = dir.resolve(TRUSTSTORE_FILE);
        final Path passwordFile = dir.resolve(PASSWORD_FILE);
        if (Files.exists(keystore) || Files.exists(truststore) || Files.exists(passwordFile))
        {
            throw new ConfigurationException("membership credentials already exist in " + dir + ": remove " +
                KEYSTORE_FILE + ", " + TRUSTSTORE_FILE + " and " + PASSWORD_FILE + " first to replace them (every " +
                "node daemon then needs the new ones)");
        }

        final byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        final String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        final Path certificate = dir.resolve("member.crt");
        try
        {
            createPrivateDirectory(dir);
            Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passwordFile, password + "\n", StandardCharsets.US_ASCII);

            final byte[] name = new byte[8];
            new SecureRandom().nextBytes(name);
            keytool(password, "-genkeypair", "-alias", KEY_ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
                "-sigalg", "SHA256withECDSA", "-validity", String.valueOf(VALIDITY_DAYS),
                "-dname", "CN=tierpool-cluster-" + hex(name), "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass:env", PASSWORD_VARIABLE,
                "-keypass:env", PASSWORD_VARIABLE);
            keytool(password, "-exportcert", "-alias", KEY_ALIAS, "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass:env", PASSWORD_VARIABLE, "-rfc", "-file", certificate.toString());
            keytool(password, "-importcert", "-noprompt", "-alias", "tierpool-cluster", "-file",
                certificate.toString(), "-storetype", "PKCS12", "-keystore", truststore.toString(),
                "-storepass:env", PASSWORD_VARIABLE);
            Files.setPosixFilePermissions(keystore, PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(truststore, PosixFilePermissions.fromString("rw-------"));
            return dir;
        }
        catch (final IOException ex)
        {
            throw new ConfigurationException("cannot write membership credentials to " + dir + ": " + ex, ex);
        }
        finally
        {
            try
            {
                Files.deleteIfExists(certificate);
            }
            catch (final IOException ignore)
            {
                // A public certificate left behind discloses nothing.
            }
        }
    }

    /**
     * Remove the credentials files that {@link #generate(Path)} writes from {@code dir}, and {@code dir} itself
     * when it is then empty. Idempotent.
     *
     * @param dir the credentials directory.
     * @throws IOException if a file exists and cannot be removed.
     */
    public static void delete(final Path dir) throws IOException
    {
        Files.deleteIfExists(dir.resolve(KEYSTORE_FILE));
        Files.deleteIfExists(dir.resolve(TRUSTSTORE_FILE));
        Files.deleteIfExists(dir.resolve(PASSWORD_FILE));
        Files.deleteIfExists(dir.resolve("member.crt"));
        if (Files.isDirectory(dir))
        {
            try (var left = Files.list(dir))
            {
                if (left.findAny().isEmpty())
                {
                    Files.delete(dir);
                }
            }
        }
    }

    /**
     * Makes credentials in the directory named by the last argument and prints where; exits with 1 when that fails
     * and 2 for a bad command line.
     *
     * @param args {@code [--if-missing] DIR}; with {@code --if-missing} credentials already in DIR are kept.
     */
    public static void main(final String[] args)
    {
        final boolean ifMissing = args.length == 2 && "--if-missing".equals(args[0]);
        final String targetText = args.length == 0 ? null : args[args.length - 1];
        if (!(args.length == 1 || ifMissing) || targetText.startsWith("-"))
        {
            System.err.println("usage: java -cp tierpool-node.jar " + MembershipCredentials.class.getName() +
                " [--if-missing] DIR   (makes " + KEYSTORE_FILE + ", " + TRUSTSTORE_FILE + " and " + PASSWORD_FILE +
                " in DIR; --if-missing: keep those already there)");
            System.exit(2);
        }
        final Path target = Paths.get(targetText);
        if (ifMissing && Files.exists(target.resolve(KEYSTORE_FILE)) && Files.exists(target.resolve(TRUSTSTORE_FILE)) &&
            Files.exists(target.resolve(PASSWORD_FILE)))
        {
            System.out.println("membership credentials kept in " + target.toAbsolutePath());
            return;
        }
        try
        {
            final Path dir = generate(target);
            System.out.println("membership credentials written to " + dir.toAbsolutePath() + " (" + KEYSTORE_FILE +
                ", " + TRUSTSTORE_FILE + ", " + PASSWORD_FILE + "); give every node daemon a copy and set " +
                "security.membership = tls, security.membership.dir = that directory");
        }
        catch (final ConfigurationException ex)
        {
            System.err.println("MembershipCredentials: " + ex.getMessage());
            System.exit(1);
        }
    }

    private static void createPrivateDirectory(final Path dir) throws IOException
    {
        if (!Files.isDirectory(dir))
        {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        }
    }

    private static void keytool(final String password, final String... arguments) throws IOException
    {
        final Path keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool");
        final List<String> command = new ArrayList<>();
        command.add(Files.isExecutable(keytool) ? keytool.toString() : "keytool");
        command.addAll(List.of(arguments));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(PASSWORD_VARIABLE, password);
        final Process process = builder.start();
        final String output;
        try
        {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(KEYTOOL_TIMEOUT_S, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new ConfigurationException("keytool " + arguments[0] + " did not finish in " +
                    KEYTOOL_TIMEOUT_S + " s");
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ConfigurationException("interrupted while keytool " + arguments[0] + " ran", ex);
        }
        if (0 != process.exitValue())
        {
            throw new ConfigurationException("keytool " + arguments[0] + " failed with exit code " +
                process.exitValue() + " (" + command.get(0) + "): " + output);
        }
    }

    private static String hex(final byte[] bytes)
    {
        final StringBuilder sb = new StringBuilder();
        for (final byte b : bytes)
        {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }
}
