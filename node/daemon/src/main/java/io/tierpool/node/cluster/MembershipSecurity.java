/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import io.tierpool.client.ConfigurationException;
import io.tierpool.node.config.ConfigKey;
import io.tierpool.node.config.NodeConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Who may join the cluster: with {@link Mode#TLS}, Ignite's discovery and communication run over mutual TLS, each
 * member presenting the key of the cluster's keystore and trusting only the certificates of its truststore
 * ({@link MembershipCredentials} makes both); a process without them cannot complete a handshake with any member,
 * so it cannot join, and both sides log the refusal. With {@link Mode#OFF} any process that reaches a discovery
 * port can join as a node daemon; that choice is logged as a warning whenever a member starts.
 * <p>
 * Refusals are logged by this class as well as by Ignite, on logger {@code io.tierpool.node.cluster.MembershipSecurity}:
 * a member that is shown a certificate its truststore does not hold logs {@code membership refused ...} with the
 * peer's address and certificate subject, at error level. A peer that speaks no TLS at all is reported by Ignite
 * itself ("Failed to initialize connection (missing SSL configuration on remote node?)", a warning on the member it
 * reached; the peer logs that it could not join).
 * <p>
 * The stores and the password are read and checked when an instance is made, so a missing file or a wrong
 * password stops the daemon at start-up with a message that names the file. Passwords are held in memory only and
 * never logged; {@link #toString()} names the files, not the password. Thread-safe; immutable but for an
 * {@link SSLContext} made on first use by the partition probe.
 */
public final class MembershipSecurity
{
    /** How members prove their membership. */
    public enum Mode
    {
        /** Mutual TLS on discovery and communication with the cluster's keystore and truststore. */
        TLS,
        /** No proof: anyone who reaches a discovery port can join. */
        OFF
    }

    /** Store type of both stores. */
    public static final String STORE_TYPE = "PKCS12";

    private static final Logger LOG = LoggerFactory.getLogger(MembershipSecurity.class);
    private static final String IGNITE_HANDSHAKE_FAILURE = "Failed to initialize connection (missing SSL configuration";

    private final Mode mode;
    private final String origin;
    private final Path keystore;
    private final Path truststore;
    private final char[] password;
    private volatile SSLContext probeContext;

    private MembershipSecurity(
        final Mode mode, final String origin, final Path keystore, final Path truststore, final char[] password)
    {
        this.mode = mode;
        this.origin = origin;
        this.keystore = keystore;
        this.truststore = truststore;
        this.password = password;
    }

    /**
     * @param origin where the choice was made, for the warning each member logs, e.g. {@code "the default"}.
     * @return no membership security.
     */
    public static MembershipSecurity off(final String origin)
    {
        return new MembershipSecurity(Mode.OFF, Objects.requireNonNull(origin, "origin"), null, null, null);
    }

    /**
     * TLS with the credentials in {@code dir} ({@link MembershipCredentials#KEYSTORE_FILE},
     * {@link MembershipCredentials#TRUSTSTORE_FILE}), their password from the environment variable
     * {@value MembershipCredentials#PASSWORD_ENV} when set, else from {@link MembershipCredentials#PASSWORD_FILE}.
     *
     * @param dir         the credentials directory.
     * @param environment the process environment ({@code System.getenv()}); may be {@code null}.
     * @return TLS membership security, its stores checked.
     * @throws ConfigurationException if a file is missing or unreadable, the password is wrong, or the keystore
     *                                holds no key or the truststore no certificate; the message names the file.
     */
    public static MembershipSecurity tls(final Path dir, final Map<String, String> environment)
    {
        Objects.requireNonNull(dir, "dir");
        final Path keystore = dir.resolve(MembershipCredentials.KEYSTORE_FILE);
        final Path truststore = dir.resolve(MembershipCredentials.TRUSTSTORE_FILE);
        final String fromEnv = null == environment ? null : environment.get(MembershipCredentials.PASSWORD_ENV);
        final char[] password;
        if (null != fromEnv && !fromEnv.isBlank())
        {
            password = fromEnv.strip().toCharArray();
        }
        else
        {
            final Path file = dir.resolve(MembershipCredentials.PASSWORD_FILE);
            try
            {
                password = Files.readString(file, StandardCharsets.UTF_8).strip().toCharArray();
            }
            catch (final IOException ex)
            {
                throw new ConfigurationException("security.membership = tls but the membership password cannot be " +
                    "read from " + file + " (" + ex + ") and " + MembershipCredentials.PASSWORD_ENV + " is not set: " +
                    "make credentials with java -cp tierpool-node.jar " + MembershipCredentials.class.getName() +
                    " DIR and set security.membership.dir to DIR", ex);
            }
        }

        final KeyStore keys = load(keystore, password);
        final KeyStore trusted = load(truststore, password);
        try
        {
            boolean hasKey = false;
            for (final String alias : java.util.Collections.list(keys.aliases()))
            {
                hasKey |= keys.isKeyEntry(alias);
            }
            if (!hasKey)
            {
                throw new ConfigurationException("membership keystore " + keystore + " holds no private key");
            }
            if (0 == trusted.size())
            {
                throw new ConfigurationException("membership truststore " + truststore + " holds no certificate");
            }
        }
        catch (final GeneralSecurityException ex)
        {
            throw new ConfigurationException("cannot read membership stores " + keystore + ", " + truststore + ": " +
                ex, ex);
        }

        return new MembershipSecurity(Mode.TLS, "security.membership.dir " + dir, keystore, truststore, password);
    }

    /**
     * The membership security a node daemon's configuration asks for: {@link ConfigKey#SECURITY_MEMBERSHIP} and
     * {@link ConfigKey#SECURITY_MEMBERSHIP_DIR}.
     *
     * @param configuration the daemon's merged configuration.
     * @param environment   the process environment, for {@value MembershipCredentials#PASSWORD_ENV}.
     * @return the membership security to give {@link ClusterContext#membershipSecurity(MembershipSecurity)}.
     * @throws ConfigurationException if the mode is neither {@code tls} nor {@code off}, or as {@link #tls}.
     */
    public static MembershipSecurity from(final NodeConfiguration configuration, final Map<String, String> environment)
    {
        final String text = configuration.text(ConfigKey.SECURITY_MEMBERSHIP).strip().toLowerCase(Locale.ROOT);
        final String origin = ConfigKey.SECURITY_MEMBERSHIP.key() + " = " + text + " (" +
            configuration.source(ConfigKey.SECURITY_MEMBERSHIP) + ")";
        switch (text)
        {
            case "off":
                return off(origin);
            case "tls":
                return tls((Path)configuration.value(ConfigKey.SECURITY_MEMBERSHIP_DIR), environment);
            default:
                throw new ConfigurationException(origin + " is not a membership mode: give tls (node daemons " +
                    "prove membership with the credentials in " + ConfigKey.SECURITY_MEMBERSHIP_DIR.key() + ") or " +
                    "off (anyone who reaches the discovery port can join)");
        }
    }

    /**
     * @return how members prove their membership.
     */
    public Mode mode()
    {
        return mode;
    }

    /**
     * Set up TLS (or nothing) on a member's Ignite configuration and log the choice: at info level for TLS, as a
     * warning for off.
     *
     * @param cfg    the configuration to change.
     * @param member the member's instance name, for the log.
     */
    void apply(final IgniteConfiguration cfg, final String member)
    {
        if (Mode.OFF == mode)
        {
            LOG.warn("membership security is OFF for {} ({}): any process that reaches this node's discovery port " +
                "can join the cluster; set security.membership = tls (docs/SECURITY.md)", member, origin);
            return;
        }

        final SslContextFactory factory = new SslContextFactory();
        factory.setKeyStoreType(STORE_TYPE);
        factory.setKeyStoreFilePath(keystore.toString());
        factory.setKeyStorePassword(password.clone());
        factory.setTrustManagers(new RefusalLoggingTrustManager(trustManager(), member, truststore));
        cfg.setSslContextFactory(factory);
        LOG.info("membership security is TLS for {}: key {}, trusting {}", member, keystore, truststore);
    }

    /**
     * Ignite reports a peer that failed the TLS handshake on a discovery port in words that do not say what it means
     * for membership ("Failed to initialize connection (missing SSL configuration on remote node?)"); this adds the
     * clear line. Called by the member's Ignite logger for each warning it passes on (Ignite throttles repeats of
     * the same warning).
     *
     * @param igniteWarning the warning's message.
     */
    static void onIgniteWarning(final String igniteWarning)
    {
        if (null != igniteWarning && igniteWarning.startsWith(IGNITE_HANDSHAKE_FAILURE))
        {
            final int at = igniteWarning.indexOf("rmtAddr=");
            LOG.error("membership refused: a process at {} failed the TLS handshake on this member's discovery port: " +
                "it has no membership credentials or other ones, so it cannot join", at < 0 ? "an unknown address" :
                igniteWarning.substring(at + "rmtAddr=".length()).replace("]", ""));
        }
    }

    /**
     * @param startFailure why Ignite could not start a member.
     * @return what the failure means for membership when the cause is a failed TLS handshake, logged as an error
     * too; {@code null} otherwise.
     */
    String joinRefusal(final Throwable startFailure)
    {
        boolean tls = false;
        for (Throwable cause = startFailure; null != cause && !tls; cause = cause.getCause())
        {
            final String message = String.valueOf(cause.getMessage());
            tls = cause instanceof SSLException || message.contains("SSL") || message.contains("secure connection");
            if (cause.getCause() == cause)
            {
                break;
            }
        }
        if (!tls)
        {
            return null;
        }
        final String refusal = Mode.OFF == mode ?
            "membership refused: the cluster requires membership credentials (TLS) and this node daemon has none (" +
            origin + "): set security.membership = tls and security.membership.dir to a copy of the cluster's " +
            "credentials" :
            "membership refused: the TLS handshake with the cluster failed: this node daemon's credentials (" +
            keystore + ") are not the cluster's, or the cluster runs without membership security; give every node " +
            "daemon the same credentials";
        LOG.error(refusal);
        return refusal;
    }

    /**
     * Whether a member of this cluster listens at {@code address}: a TCP connection is accepted there and, with
     * {@link Mode#TLS}, the TLS handshake with this cluster's credentials succeeds (so the peer holds them, and
     * it logs no refusal). Blocks for at most about twice {@code timeoutMs}.
     *
     * @param address   a discovery address.
     * @param timeoutMs connect and handshake timeout in milliseconds, 1 or more.
     * @return {@code true} if a member answered.
     */
    boolean probe(final InetSocketAddress address, final int timeoutMs)
    {
        if (Mode.OFF == mode)
        {
            try (Socket socket = new Socket())
            {
                socket.connect(address, timeoutMs);
                return true;
            }
            catch (final IOException ex)
            {
                return false;
            }
        }

        final SSLContext context = probeContext();
        try (Socket plain = new Socket())
        {
            plain.connect(address, timeoutMs);
            plain.setSoTimeout(timeoutMs);
            try (SSLSocket socket = (SSLSocket)context.getSocketFactory().createSocket(
                plain, address.getHostString(), address.getPort(), false))
            {
                socket.setSoTimeout(timeoutMs);
                socket.startHandshake();
                return true;
            }
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private SSLContext probeContext()
    {
        SSLContext context = probeContext;
        if (null == context)
        {
            try
            {
                final KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(load(keystore, password), password);
                context = SSLContext.getInstance("TLS");
                context.init(keys.getKeyManagers(), new TrustManager[]{ trustManager() }, null);
                probeContext = context;
            }
            catch (final GeneralSecurityException ex)
            {
                throw new ConfigurationException("cannot use membership keystore " + keystore + ": " + ex, ex);
            }
        }
        return context;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return Mode.OFF == mode ? "MembershipSecurity{OFF, " + origin + '}' :
            "MembershipSecurity{TLS, keystore=" + keystore + ", truststore=" + truststore + '}';
    }

    private X509ExtendedTrustManager trustManager()
    {
        try
        {
            final TrustManagerFactory factory = TrustManagerFactory.getInstance(
                TrustManagerFactory.getDefaultAlgorithm());
            factory.init(load(truststore, password));
            for (final TrustManager manager : factory.getTrustManagers())
            {
                if (manager instanceof X509ExtendedTrustManager x509)
                {
                    return x509;
                }
            }
        }
        catch (final GeneralSecurityException ex)
        {
            throw new ConfigurationException("cannot use membership truststore " + truststore + ": " + ex, ex);
        }
        throw new ConfigurationException("no X.509 trust manager for membership truststore " + truststore);
    }

    private static KeyStore load(final Path file, final char[] password)
    {
        try (InputStream in = Files.newInputStream(file))
        {
            final KeyStore store = KeyStore.getInstance(STORE_TYPE);
            store.load(in, password);
            return store;
        }
        catch (final IOException | GeneralSecurityException ex)
        {
            throw new ConfigurationException("cannot open membership store " + file + " (" + ex.getMessage() +
                "): check security.membership.dir and the password (" + MembershipCredentials.PASSWORD_FILE +
                " or " + MembershipCredentials.PASSWORD_ENV + ")", ex);
        }
    }

    /**
     * Checks peers' certificates with the truststore's trust manager, and logs each refusal clearly before
     * Ignite reports the failed handshake in its own words.
     */
    static final class RefusalLoggingTrustManager extends X509ExtendedTrustManager
    {
        private final X509ExtendedTrustManager delegate;
        private final String member;
        private final Path truststore;

        RefusalLoggingTrustManager(final X509ExtendedTrustManager delegate, final String member, final Path truststore)
        {
            this.delegate = delegate;
            this.member = member;
            this.truststore = truststore;
        }

        public void checkClientTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
            throws CertificateException
        {
            try
            {
                delegate.checkClientTrusted(chain, authType, socket);
            }
            catch (final CertificateException ex)
            {
                refused("a peer that connected from " + address(socket), chain, ex);
                throw ex;
            }
        }

        public void checkServerTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
            throws CertificateException
        {
            try
            {
                delegate.checkServerTrusted(chain, authType, socket);
            }
            catch (final CertificateException ex)
            {
                refused("the member it reached at " + address(socket), chain, ex);
                throw ex;
            }
        }

        public void checkClientTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
            throws CertificateException
        {
            try
            {
                delegate.checkClientTrusted(chain, authType, engine);
            }
            catch (final CertificateException ex)
            {
                refused("a peer that connected from " + address(engine), chain, ex);
                throw ex;
            }
        }

        public void checkServerTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
            throws CertificateException
        {
            try
            {
                delegate.checkServerTrusted(chain, authType, engine);
            }
            catch (final CertificateException ex)
            {
                refused("the member it reached at " + address(engine), chain, ex);
                throw ex;
            }
        }

        public void checkClientTrusted(final X509Certificate[] chain, final String authType)
            throws CertificateException
        {
            try
            {
                ((X509TrustManager)delegate).checkClientTrusted(chain, authType);
            }
            catch (final CertificateException ex)
            {
                refused("a peer", chain, ex);
                throw ex;
            }
        }

        public void checkServerTrusted(final X509Certificate[] chain, final String authType)
            throws CertificateException
        {
            try
            {
                ((X509TrustManager)delegate).checkServerTrusted(chain, authType);
            }
            catch (final CertificateException ex)
            {
                refused("a member", chain, ex);
                throw ex;
            }
        }

        public X509Certificate[] getAcceptedIssuers()
        {
            return delegate.getAcceptedIssuers();
        }

        private void refused(final String peer, final X509Certificate[] chain, final CertificateException ex)
        {
            final String subject = null == chain || 0 == chain.length ? "no certificate" :
                chain[0].getSubjectX500Principal().getName();
            LOG.error("membership refused: {} refused {}, whose certificate ({}) is not trusted by {}: it does not " +
                "hold this cluster's membership credentials, so it cannot join ({}). Give every node daemon the " +
                "same credentials (docs/SECURITY.md).", member, peer, subject, truststore, ex.getMessage());
        }

        private static String address(final Socket socket)
        {
            return null == socket ? "an unknown address" : String.valueOf(socket.getRemoteSocketAddress());
        }

        private static String address(final SSLEngine engine)
        {
            return null == engine || null == engine.getPeerHost() ? "an unknown address" :
                engine.getPeerHost() + ":" + engine.getPeerPort();
        }
    }
}
