/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import io.tierpool.client.ConfigurationException;
import org.agrona.SystemUtil;
import org.apache.ignite.spi.discovery.DiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;
import org.apache.ignite.spi.discovery.zk.ZookeeperDiscoverySpi;
import org.apache.zookeeper.common.PathUtils;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which Ignite discovery SPI the members of a TierPool cluster use to find each other, and its settings; one
 * instance per {@link ClusterContext} ({@link ClusterContext#discovery()}).
 * <ul>
 *     <li>{@link Kind#RING} (the default): Ignite's {@link TcpDiscoverySpi}, a ring of TCP connections between
 *     the members, bootstrapped from {@link ClusterContext#discoveryAddresses()}. Ignite recommends it up to 100 to
 *     200 server nodes: every membership message travels round the whole ring.</li>
 *     <li>{@link Kind#ZOOKEEPER}: Ignite's {@link ZookeeperDiscoverySpi} ({@code ignite-zookeeper}), for larger
 *     clusters: members register under {@link #zookeeperRootPath()} in the ZooKeeper ensemble at
 *     {@link #zookeeperConnect()}, and learn of each other's joins and failures from it; no member connects to
 *     another for discovery, and {@link ClusterContext#discoveryAddresses()}, {@link ClusterContext#discoveryPort()}
 *     and its range are not used. A member whose ZooKeeper session expires (it stopped answering ZooKeeper for
 *     {@link #zookeeperSessionTimeoutMs()}, for instance because it was killed) is reported failed to the others.
 *     The ensemble must be run by the operator; the members only connect to it.</li>
 * </ul>
 * Every setting has a default that can be overridden by the system property named by its {@code *_PROP_NAME}
 * constant, and then by the fluent setter (the node daemon sets them from its configuration keys
 * {@code discovery.kind}, {@code discovery.zookeeper.connect}, {@code discovery.zookeeper.session.timeout} and
 * {@code discovery.zookeeper.root}). The ZooKeeper settings are checked by {@link #conclude()} whatever the kind,
 * so that a typo shows before the day the kind is switched.
 * <p>
 * Not thread-safe: configure it on one thread before the member starts.
 * <pre>{@code
 * ClusterContext ctx = new ClusterContext();
 * ctx.discovery()
 *     .kind(DiscoveryFactory.Kind.ZOOKEEPER)
 *     .zookeeperConnect("zk1:2181,zk2:2181,zk3:2181")
 *     .zookeeperSessionTimeoutMs(10_000)
 *     .zookeeperRootPath("/tierpool/prod");
 * }</pre>
 */
public final class DiscoveryFactory
{
    /**
     * The discovery SPIs a TierPool cluster can use.
     */
    public enum Kind
    {
        /** Ignite's TCP ring, {@link TcpDiscoverySpi}: every member connects to its neighbours. */
        RING("ring"),

        /** Ignite's ZooKeeper discovery, {@link ZookeeperDiscoverySpi}: members meet in a ZooKeeper ensemble. */
        ZOOKEEPER("zookeeper");

        private final String text;

        Kind(final String text)
        {
            this.text = text;
        }

        /**
         * @return the kind as written in configuration: {@code ring} or {@code zookeeper}.
         */
        public String text()
        {
            return text;
        }

        /**
         * @param text {@code ring} or {@code zookeeper}, in any case, blanks around it ignored.
         * @return the kind.
         * @throws IllegalArgumentException if the text names no kind; the message says which are accepted.
         */
        public static Kind forText(final String text)
        {
            final String wanted = null == text ? "" : text.strip().toLowerCase(Locale.ROOT);
            for (final Kind kind : values())
            {
                if (kind.text.equals(wanted))
                {
                    return kind;
                }
            }
            throw new IllegalArgumentException("is not a discovery kind");
        }
    }

    /** Property for {@link #kind(Kind)}: {@code ring} or {@code zookeeper}. */
    public static final String KIND_PROP_NAME = "tierpool.cluster.discoveryKind";

    /** Default discovery: Ignite's TCP ring. */
    public static final Kind KIND_DEFAULT = Kind.RING;

    /** Property for {@link #zookeeperConnect(String)}. */
    public static final String ZOOKEEPER_CONNECT_PROP_NAME = "tierpool.cluster.zookeeperConnect";

    /** Default ZooKeeper connect string: one server on this machine, on ZooKeeper's usual client port. */
    public static final String ZOOKEEPER_CONNECT_DEFAULT = "127.0.0.1:2181";

    /** Property for {@link #zookeeperSessionTimeoutMs(long)}, a duration such as {@code 10s}. */
    public static final String ZOOKEEPER_SESSION_TIMEOUT_PROP_NAME = "tierpool.cluster.zookeeperSessionTimeout";

    /** Default ZooKeeper session timeout: 10 s. */
    public static final long ZOOKEEPER_SESSION_TIMEOUT_MS_DEFAULT = 10_000;

    /** Shortest ZooKeeper session timeout accepted: 1 s. */
    public static final long ZOOKEEPER_SESSION_TIMEOUT_MS_MIN = 1_000;

    /** Longest ZooKeeper session timeout accepted: 10 min. */
    public static final long ZOOKEEPER_SESSION_TIMEOUT_MS_MAX = 600_000;

    /** Property for {@link #zookeeperRootPath(String)}. */
    public static final String ZOOKEEPER_ROOT_PATH_PROP_NAME = "tierpool.cluster.zookeeperRootPath";

    /** Default znode under which the members register: {@code /tierpool}. */
    public static final String ZOOKEEPER_ROOT_PATH_DEFAULT = "/tierpool";

    private static final Pattern SERVER_PATTERN = Pattern.compile("([^:/,\\s]+):(\\d{1,5})");

    private Kind kind = kindProperty();
    private String zookeeperConnect = System.getProperty(ZOOKEEPER_CONNECT_PROP_NAME, ZOOKEEPER_CONNECT_DEFAULT);
    private long zookeeperSessionTimeoutMs = sessionTimeoutProperty();
    private String zookeeperRootPath = System.getProperty(ZOOKEEPER_ROOT_PATH_PROP_NAME, ZOOKEEPER_ROOT_PATH_DEFAULT);

    /**
     * Check every setting, the ZooKeeper ones whatever the kind.
     *
     * @return this, for chaining.
     * @throws ConfigurationException naming the setting, its system property, the value and what is accepted.
     */
    public DiscoveryFactory conclude()
    {
        if (null == kind)
        {
            throw new ConfigurationException("the discovery kind must be set (" + KIND_PROP_NAME + "): use ring " +
                "(the default) or zookeeper");
        }
        rethrow(ZOOKEEPER_CONNECT_PROP_NAME, zookeeperConnect, () -> checkConnect(zookeeperConnect),
            "host:port of each ZooKeeper server, comma separated, e.g. zk1:2181,zk2:2181,zk3:2181");
        if (zookeeperSessionTimeoutMs < ZOOKEEPER_SESSION_TIMEOUT_MS_MIN ||
            zookeeperSessionTimeoutMs > ZOOKEEPER_SESSION_TIMEOUT_MS_MAX)
        {
            throw new ConfigurationException("zookeeperSessionTimeoutMs must be from " +
                ZOOKEEPER_SESSION_TIMEOUT_MS_MIN + " to " + ZOOKEEPER_SESSION_TIMEOUT_MS_MAX + " ms (" +
                ZOOKEEPER_SESSION_TIMEOUT_PROP_NAME + "), was " + zookeeperSessionTimeoutMs + ": a member that stops " +
                "answering ZooKeeper for this long is reported failed, so keep it above the longest GC pause");
        }
        rethrow(ZOOKEEPER_ROOT_PATH_PROP_NAME, zookeeperRootPath, () -> checkRootPath(zookeeperRootPath),
            "an absolute znode path below /, e.g. /tierpool or /tierpool/prod");
        return this;
    }

    /**
     * @param kind which discovery SPI the members use; default {@link #KIND_DEFAULT}.
     * @return this, for chaining.
     */
    public DiscoveryFactory kind(final Kind kind)
    {
        this.kind = kind;
        return this;
    }

    /**
     * @return which discovery SPI the members use.
     */
    public Kind kind()
    {
        return kind;
    }

    /**
     * @param zookeeperConnect the ZooKeeper ensemble, {@code host:port} of each server, comma separated (ZooKeeper's
     *                         connect string without a chroot suffix: give the path as
     *                         {@link #zookeeperRootPath(String)}); default {@value #ZOOKEEPER_CONNECT_DEFAULT}. Used
     *                         only by {@link Kind#ZOOKEEPER}.
     * @return this, for chaining.
     */
    public DiscoveryFactory zookeeperConnect(final String zookeeperConnect)
    {
        this.zookeeperConnect = zookeeperConnect;
        return this;
    }

    /**
     * @return the ZooKeeper connect string.
     */
    public String zookeeperConnect()
    {
        return zookeeperConnect;
    }

    /**
     * @param zookeeperSessionTimeoutMs the ZooKeeper session timeout each member asks for, in milliseconds, from
     *                                  {@value #ZOOKEEPER_SESSION_TIMEOUT_MS_MIN} to
     *                                  {@value #ZOOKEEPER_SESSION_TIMEOUT_MS_MAX}; default
     *                                  {@value #ZOOKEEPER_SESSION_TIMEOUT_MS_DEFAULT}. A member that stops answering
     *                                  ZooKeeper for this long (killed, frozen, cut off) is reported failed, and a
     *                                  member that cannot reach any ZooKeeper server for this long stops. The
     *                                  servers clamp it to their own bounds (by default 2 to 20 ticks of
     *                                  {@code tickTime}, 4 s to 40 s). Used only by {@link Kind#ZOOKEEPER}.
     * @return this, for chaining.
     */
    public DiscoveryFactory zookeeperSessionTimeoutMs(final long zookeeperSessionTimeoutMs)
    {
        this.zookeeperSessionTimeoutMs = zookeeperSessionTimeoutMs;
        return this;
    }

    /**
     * @return the ZooKeeper session timeout in milliseconds.
     */
    public long zookeeperSessionTimeoutMs()
    {
        return zookeeperSessionTimeoutMs;
    }

    /**
     * @param zookeeperRootPath the znode under which the members register, an absolute path below {@code /}
     *                          without a trailing {@code /}; default {@value #ZOOKEEPER_ROOT_PATH_DEFAULT}. Members
     *                          with the same ensemble and root path form one cluster; give each cluster that
     *                          shares an ensemble its own. Used only by {@link Kind#ZOOKEEPER}.
     * @return this, for chaining.
     */
    public DiscoveryFactory zookeeperRootPath(final String zookeeperRootPath)
    {
        this.zookeeperRootPath = zookeeperRootPath;
        return this;
    }

    /**
     * @return the znode under which the members register.
     */
    public String zookeeperRootPath()
    {
        return zookeeperRootPath;
    }

    /**
     * Checks a ZooKeeper connect string as TierPool accepts it: {@code host:port} items, comma separated, ports
     * from 1 to 65535, no chroot suffix.
     *
     * @param connect the connect string.
     * @throws IllegalArgumentException saying what is wrong with it (a phrase to follow the value).
     */
    public static void checkConnect(final String connect)
    {
        if (null == connect || connect.isBlank())
        {
            throw new IllegalArgumentException("is empty");
        }
        if (connect.indexOf('/') >= 0)
        {
            throw new IllegalArgumentException("has a chroot path, which TierPool takes from its own root path " +
                "setting (discovery.zookeeper.root) instead");
        }
        for (final String server : connect.split(",", -1))
        {
            final Matcher matcher = SERVER_PATTERN.matcher(server.strip());
            if (!matcher.matches())
            {
                throw new IllegalArgumentException("has '" + server.strip() + "', which is not host:port");
            }
            final int port = Integer.parseInt(matcher.group(2));
            if (port < 1 || port > 65535)
            {
                throw new IllegalArgumentException("has '" + server.strip() + "', whose port is outside 1..65535");
            }
        }
    }

    /**
     * Checks a ZooKeeper root path: ZooKeeper's own path rules ({@link PathUtils#validatePath(String)}), and not
     * {@code /} itself.
     *
     * @param rootPath the path.
     * @throws IllegalArgumentException saying what is wrong with it (a phrase to follow the value).
     */
    public static void checkRootPath(final String rootPath)
    {
        if (null == rootPath || rootPath.isBlank())
        {
            throw new IllegalArgumentException("is empty");
        }
        if ("/".equals(rootPath))
        {
            throw new IllegalArgumentException("is ZooKeeper's root itself, which other users of the ensemble share");
        }
        try
        {
            PathUtils.validatePath(rootPath);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("is not a ZooKeeper path (" + ex.getMessage() + ")");
        }
    }

    /**
     * Builds the discovery SPI of one member. Call after {@link ClusterContext#conclude()}.
     *
     * @param ctx        the member's cluster configuration: local address, ports, timeouts.
     * @param clientMode {@code true} for an Ignite client node.
     * @return a new, unstarted SPI: a {@link TcpDiscoverySpi} or a {@link ZookeeperDiscoverySpi}.
     */
    DiscoverySpi newDiscoverySpi(final ClusterContext ctx, final boolean clientMode)
    {
        if (kind == Kind.ZOOKEEPER)
        {
            final ZookeeperDiscoverySpi spi = new ZookeeperDiscoverySpi()
                .setZkConnectionString(zookeeperConnect)
                .setSessionTimeout(zookeeperSessionTimeoutMs)
                .setZkRootPath(zookeeperRootPath);
            if (clientMode)
            {
                spi.setJoinTimeout(ctx.clientJoinTimeoutMs());
                // A client that rejoined would get a new node id while nodes reclaim the blocks of its old one.
                spi.setClientReconnectDisabled(true);
            }
            return spi;
        }

        final TcpDiscoveryVmIpFinder ipFinder = new TcpDiscoveryVmIpFinder();
        ipFinder.setAddresses(ctx.discoveryAddresses());

        final TcpDiscoverySpi spi = new TcpDiscoverySpi();
        spi.setIpFinder(ipFinder);
        spi.setLocalAddress(ctx.localAddress());
        spi.setLocalPort(ctx.discoveryPort());
        spi.setLocalPortRange(ctx.discoveryPortRange());
        if (clientMode)
        {
            spi.setJoinTimeout(ctx.clientJoinTimeoutMs());
            // A client that rejoined would get a new node id while nodes reclaim the blocks of its old one.
            spi.setClientReconnectDisabled(true);
        }
        return spi;
    }

    /**
     * @return where a member looks for the others, for start failure messages: the ZooKeeper ensemble, root path and
     * session timeout, or {@code null} for the ring (whose addresses and ports {@link ClusterContext} names).
     */
    String zookeeperDescription()
    {
        return kind != Kind.ZOOKEEPER ? null : "ZooKeeper discovery at " + zookeeperConnect + " under " +
            zookeeperRootPath + " (session timeout " + zookeeperSessionTimeoutMs + " ms)";
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "DiscoveryFactory{" +
            "kind=" + (null == kind ? null : kind.text()) +
            ", zookeeperConnect=" + zookeeperConnect +
            ", zookeeperSessionTimeoutMs=" + zookeeperSessionTimeoutMs +
            ", zookeeperRootPath=" + zookeeperRootPath +
            '}';
    }

    private static void rethrow(final String propName, final String value, final Runnable check, final String use)
    {
        try
        {
            check.run();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigurationException(propName + " = '" + value + "' " + ex.getMessage() + ": use " + use);
        }
    }

    private static Kind kindProperty()
    {
        final String value = System.getProperty(KIND_PROP_NAME);
        if (null == value)
        {
            return KIND_DEFAULT;
        }
        try
        {
            return Kind.forText(value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigurationException(KIND_PROP_NAME + " = '" + value + "' " + ex.getMessage() + ": use ring " +
                "(Ignite's TCP ring, the default) or zookeeper (Ignite's ZooKeeper discovery)", ex);
        }
    }

    private static long sessionTimeoutProperty()
    {
        final String value = System.getProperty(ZOOKEEPER_SESSION_TIMEOUT_PROP_NAME);
        if (null == value)
        {
            return ZOOKEEPER_SESSION_TIMEOUT_MS_DEFAULT;
        }
        try
        {
            return TimeUnit.NANOSECONDS.toMillis(
                SystemUtil.parseDuration(ZOOKEEPER_SESSION_TIMEOUT_PROP_NAME, value.trim()));
        }
        catch (final RuntimeException ex)
        {
            throw new ConfigurationException(ZOOKEEPER_SESSION_TIMEOUT_PROP_NAME + " must be a duration such as " +
                "10s or 4000ms, was '" + value + "'", ex);
        }
    }
}
