/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import io.tierpool.client.ClusterUnavailableException;

import io.tierpool.client.ConfigurationException;
import org.agrona.ErrorHandler;
import org.agrona.SystemUtil;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.configuration.SystemDataRegionConfiguration;
import org.apache.ignite.configuration.WALMode;
import org.apache.ignite.events.Event;
import org.apache.ignite.events.EventType;
import org.apache.ignite.failure.FailureHandler;
import org.apache.ignite.lang.IgnitePredicate;
import org.apache.ignite.plugin.segmentation.SegmentationPolicy;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.DiscoverySpi;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Configuration of cluster membership: how a {@link NodeMembership} (node daemon, Ignite server node) or a
 * {@link ClusterView} (application, Ignite client node) finds the other members on the network: through Ignite's
 * TCP ring (the default) or a ZooKeeper ensemble, as {@link #discovery()} chooses ({@link DiscoveryFactory}).
 * <p>
 * Membership is all TierPool asks of Ignite: the configuration this context builds has a tiny data region
 * (16 MiB initial, 64 MiB maximum, no persistence), a 10 to 20 MiB system region, {@link WALMode#NONE}, no REST or
 * thin-client connector, no peer class loading, no metrics log, small thread pools, and a logger that passes only
 * Ignite's warnings and errors to SLF4J (see {@link #verboseIgniteLogging(boolean)}).
 * <p>
 * Every setting has a default that can be overridden by the system property named by its {@code *_PROP_NAME}
 * constant, and then by the fluent setter. Durations given as properties take a unit suffix ({@code 3s},
 * {@code 500ms}); a bare number is read as nanoseconds, as Agrona's {@link SystemUtil#parseDuration} does.
 * <p>
 * Not thread-safe: configure it on one thread, then hand it to {@link NodeMembership#start} or
 * {@link ClusterView#connect}, which call {@link #conclude()}. A context may be used for more than one member;
 * when {@link #instanceName()} is left unset each member gets its own generated name.
 * <pre>{@code
 * ClusterContext ctx = new ClusterContext()
 *     .discoveryAddresses(List.of("10.0.0.1:47500..47509", "10.0.0.2:47500..47509"))
 *     .localAddress("10.0.0.1");
 * }</pre>
 */
public final class ClusterContext
{
    /** Property for {@link #instanceName(String)}. */
    public static final String INSTANCE_NAME_PROP_NAME = "tierpool.cluster.instanceName";

    /** Property for {@link #discoveryAddresses(List)}: addresses separated by commas. */
    public static final String DISCOVERY_ADDRESSES_PROP_NAME = "tierpool.cluster.discoveryAddresses";

    /** Default discovery address list: one host, ten ports. */
    public static final String DISCOVERY_ADDRESSES_DEFAULT = "127.0.0.1:47500..47509";

    /** Property for {@link #localAddress(String)}. */
    public static final String LOCAL_ADDRESS_PROP_NAME = "tierpool.cluster.localAddress";

    /** Default address discovery and communication bind to: loopback. */
    public static final String LOCAL_ADDRESS_DEFAULT = "127.0.0.1";

    /** Property for {@link #discoveryPort(int)}. */
    public static final String DISCOVERY_PORT_PROP_NAME = "tierpool.cluster.discoveryPort";

    /** Default first discovery port. */
    public static final int DISCOVERY_PORT_DEFAULT = 47500;

    /** Property for {@link #discoveryPortRange(int)}. */
    public static final String DISCOVERY_PORT_RANGE_PROP_NAME = "tierpool.cluster.discoveryPortRange";

    /** Default number of further discovery ports tried when the first is taken. */
    public static final int DISCOVERY_PORT_RANGE_DEFAULT = 10;

    /** Property for {@link #communicationPort(int)}. */
    public static final String COMMUNICATION_PORT_PROP_NAME = "tierpool.cluster.communicationPort";

    /** Default first communication port. */
    public static final int COMMUNICATION_PORT_DEFAULT = 47100;

    /** Property for {@link #communicationPortRange(int)}. */
    public static final String COMMUNICATION_PORT_RANGE_PROP_NAME = "tierpool.cluster.communicationPortRange";

    /** Default number of further communication ports tried when the first is taken. */
    public static final int COMMUNICATION_PORT_RANGE_DEFAULT = 100;

    /** Property for {@link #failureDetectionTimeoutMs(long)}, a duration such as {@code 3s}. */
    public static final String FAILURE_DETECTION_TIMEOUT_PROP_NAME = "tierpool.cluster.failureDetectionTimeout";

    /** Default time in which a server node that stops answering is declared failed: 3 s. */
    public static final long FAILURE_DETECTION_TIMEOUT_MS_DEFAULT = 3_000;

    /** Property for {@link #clientFailureDetectionTimeoutMs(long)}, a duration such as {@code 30s}. */
    public static final String CLIENT_FAILURE_DETECTION_TIMEOUT_PROP_NAME =
        "tierpool.cluster.clientFailureDetectionTimeout";

    /** Default time in which a client that stops answering is declared failed: 30 s. */
    public static final long CLIENT_FAILURE_DETECTION_TIMEOUT_MS_DEFAULT = 30_000;

    /** Property for {@link #clientJoinTimeoutMs(long)}, a duration such as {@code 10s}. */
    public static final String CLIENT_JOIN_TIMEOUT_PROP_NAME = "tierpool.cluster.clientJoinTimeout";

    /** Default time a client waits for a server node to accept it: 10 s. */
    public static final long CLIENT_JOIN_TIMEOUT_MS_DEFAULT = 10_000;

    /** Property for {@link #workDirectory(Path)}. */
    public static final String WORK_DIRECTORY_PROP_NAME = "tierpool.cluster.workDirectory";

    /** Property for {@link #verboseIgniteLogging(boolean)}: {@code true} or {@code false}. */
    public static final String VERBOSE_IGNITE_LOGGING_PROP_NAME = "tierpool.cluster.verboseIgniteLogging";

    /** Initial size of the default data region: 16 MiB. */
    public static final long DATA_REGION_INITIAL_BYTES = 16L << 20;

    /** Maximum size of the default data region: 64 MiB. */
    public static final long DATA_REGION_MAX_BYTES = 64L << 20;

    /** Initial size of the system data region: 10 MiB. */
    public static final long SYSTEM_REGION_INITIAL_BYTES = 10L << 20;

    /** Maximum size of the system data region: 20 MiB. */
    public static final long SYSTEM_REGION_MAX_BYTES = 20L << 20;

    /** Communication message queue limit (Ignite warns at start-up when it is unlimited). */
    public static final int MESSAGE_QUEUE_LIMIT = 1024;

    /** Discovery events every member listens to from start-up. */
    static final int[] EVENT_TYPES =
    {
        EventType.EVT_NODE_JOINED,
        EventType.EVT_NODE_LEFT,
        EventType.EVT_NODE_FAILED,
        EventType.EVT_NODE_SEGMENTED,
        EventType.EVT_CLIENT_NODE_DISCONNECTED,
    };

    private static final Pattern ADDRESS_PATTERN = Pattern.compile("([^:\\s]+):(\\d{1,5})(?:\\.\\.(\\d{1,5}))?");

    private String instanceName = System.getProperty(INSTANCE_NAME_PROP_NAME);
    private List<String> discoveryAddresses =
        splitAddresses(System.getProperty(DISCOVERY_ADDRESSES_PROP_NAME, DISCOVERY_ADDRESSES_DEFAULT));
    private String localAddress = System.getProperty(LOCAL_ADDRESS_PROP_NAME, LOCAL_ADDRESS_DEFAULT);
    private int discoveryPort = intProperty(DISCOVERY_PORT_PROP_NAME, DISCOVERY_PORT_DEFAULT);
    private int discoveryPortRange = intProperty(DISCOVERY_PORT_RANGE_PROP_NAME, DISCOVERY_PORT_RANGE_DEFAULT);
    private int communicationPort = intProperty(COMMUNICATION_PORT_PROP_NAME, COMMUNICATION_PORT_DEFAULT);
    private int communicationPortRange =
        intProperty(COMMUNICATION_PORT_RANGE_PROP_NAME, COMMUNICATION_PORT_RANGE_DEFAULT);
    private long failureDetectionTimeoutMs =
        durationMsProperty(FAILURE_DETECTION_TIMEOUT_PROP_NAME, FAILURE_DETECTION_TIMEOUT_MS_DEFAULT);
    private long clientFailureDetectionTimeoutMs =
        durationMsProperty(CLIENT_FAILURE_DETECTION_TIMEOUT_PROP_NAME, CLIENT_FAILURE_DETECTION_TIMEOUT_MS_DEFAULT);
    private long clientJoinTimeoutMs = durationMsProperty(CLIENT_JOIN_TIMEOUT_PROP_NAME, CLIENT_JOIN_TIMEOUT_MS_DEFAULT);
    private Path workDirectory = Paths.get(
        System.getProperty(WORK_DIRECTORY_PROP_NAME, System.getProperty("java.io.tmpdir")));
    private boolean verboseIgniteLogging = Boolean.getBoolean(VERBOSE_IGNITE_LOGGING_PROP_NAME);
    private ErrorHandler errorHandler = ClusterContext::logError;
    private DiscoveryFactory discovery = new DiscoveryFactory();
    private MembershipSecurity membershipSecurity = MembershipSecurity.off("the default");

    /**
     * Check every setting.
     *
     * @return this, for chaining.
     * @throws ConfigurationException naming the first setting whose value is missing, malformed or out of range,
     *                                or a work directory that cannot be created or written.
     */
    public ClusterContext conclude()
    {
        if (null != instanceName && instanceName.isBlank())
        {
            throw new ConfigurationException(
                "instanceName must not be blank (" + INSTANCE_NAME_PROP_NAME + "); leave it unset to generate one");
        }

        if (null == discoveryAddresses || discoveryAddresses.isEmpty())
        {
            throw new ConfigurationException("discoveryAddresses must name at least one host:port or " +
                "host:port..port (" + DISCOVERY_ADDRESSES_PROP_NAME + "), was " + discoveryAddresses);
        }

        for (final String address : discoveryAddresses)
        {
            validateAddress(address);
        }

        if (null == localAddress || localAddress.isBlank())
        {
            throw new ConfigurationException("localAddress must be a host name or IP address of this machine (" +
                LOCAL_ADDRESS_PROP_NAME + "), was '" + localAddress + "'");
        }

        validatePortRange("discoveryPort", DISCOVERY_PORT_PROP_NAME, discoveryPort, discoveryPortRange);
        validatePortRange("communicationPort", COMMUNICATION_PORT_PROP_NAME, communicationPort, communicationPortRange);

        if (failureDetectionTimeoutMs < 100)
        {
            throw new ConfigurationException("failureDetectionTimeoutMs must be at least 100 (" +
                FAILURE_DETECTION_TIMEOUT_PROP_NAME + "), was " + failureDetectionTimeoutMs);
        }

        if (clientFailureDetectionTimeoutMs < failureDetectionTimeoutMs)
        {
            throw new ConfigurationException("clientFailureDetectionTimeoutMs must be at least failureDetectionTimeoutMs " +
                failureDetectionTimeoutMs + " (" + CLIENT_FAILURE_DETECTION_TIMEOUT_PROP_NAME + "), was " +
                clientFailureDetectionTimeoutMs);
        }

        if (clientJoinTimeoutMs <= 0)
        {
            throw new ConfigurationException("clientJoinTimeoutMs must be positive (" + CLIENT_JOIN_TIMEOUT_PROP_NAME +
                "), was " + clientJoinTimeoutMs);
        }

        if (null == workDirectory)
        {
            throw new ConfigurationException("workDirectory must be set (" + WORK_DIRECTORY_PROP_NAME + ")");
        }

        try
        {
            Files.createDirectories(workDirectory);
        }
        catch (final Exception ex)
        {
            throw new ConfigurationException("workDirectory " + workDirectory + " cannot be created (" +
                WORK_DIRECTORY_PROP_NAME + "): " + ex, ex);
        }

        if (!Files.isWritable(workDirectory))
        {
            throw new ConfigurationException("workDirectory " + workDirectory + " is not writable (" +
                WORK_DIRECTORY_PROP_NAME + ")");
        }

        if (null == errorHandler)
        {
            throw new ConfigurationException("errorHandler must not be null");
        }

        if (null == discovery)
        {
            throw new ConfigurationException("discovery must not be null: leave it unset for the ring");
        }
        discovery.conclude();
        if (null == membershipSecurity)
        {
            throw new ConfigurationException("membershipSecurity must not be null: use MembershipSecurity.off(...)");
        }

        return this;
    }

    /**
     * @param instanceName the Ignite instance name, unique within one JVM; {@code null} (default) generates
     *                     {@code tierpool-<role>-<random hex>} for each member.
     * @return this, for chaining.
     */
    public ClusterContext instanceName(final String instanceName)
    {
        this.instanceName = instanceName;
        return this;
    }

    /**
     * @return the Ignite instance name, or {@code null} when each member generates its own.
     */
    public String instanceName()
    {
        return instanceName;
    }

    /**
     * @param discoveryAddresses where to look for other members, each {@code host:port} or
     *                           {@code host:firstPort..lastPort}; default {@value #DISCOVERY_ADDRESSES_DEFAULT}.
     *                           IPv6 literals are not accepted.
     * @return this, for chaining.
     */
    public ClusterContext discoveryAddresses(final List<String> discoveryAddresses)
    {
        this.discoveryAddresses = null == discoveryAddresses ? null : List.copyOf(discoveryAddresses);
        return this;
    }

    /**
     * @return the discovery addresses, unmodifiable.
     */
    public List<String> discoveryAddresses()
    {
        return discoveryAddresses;
    }

    /**
     * @param localAddress host name or IP address that discovery and communication bind to; default
     *                     {@value #LOCAL_ADDRESS_DEFAULT}. Use the machine's cluster-facing address on a real network.
     * @return this, for chaining.
     */
    public ClusterContext localAddress(final String localAddress)
    {
        this.localAddress = localAddress;
        return this;
    }

    /**
     * @return the address discovery and communication bind to.
     */
    public String localAddress()
    {
        return localAddress;
    }

    /**
     * @param discoveryPort first TCP port a server node's discovery listens on, 1 to 65535; default
     *                      {@value #DISCOVERY_PORT_DEFAULT}. Client members do not listen for discovery.
     * @return this, for chaining.
     */
    public ClusterContext discoveryPort(final int discoveryPort)
    {
        this.discoveryPort = discoveryPort;
        return this;
    }

    /**
     * @return first discovery port.
     */
    public int discoveryPort()
    {
        return discoveryPort;
    }

    /**
     * @param discoveryPortRange how many ports after {@link #discoveryPort()} are tried when it is taken
     *                           (Ignite tries {@code discoveryPort} up to {@code discoveryPort + discoveryPortRange});
     *                           0 or more; default {@value #DISCOVERY_PORT_RANGE_DEFAULT}.
     * @return this, for chaining.
     */
    public ClusterContext discoveryPortRange(final int discoveryPortRange)
    {
        this.discoveryPortRange = discoveryPortRange;
        return this;
    }

    /**
     * @return how many further discovery ports are tried.
     */
    public int discoveryPortRange()
    {
        return discoveryPortRange;
    }

    /**
     * @param communicationPort first TCP port Ignite's communication listens on, 1 to 65535; default
     *                          {@value #COMMUNICATION_PORT_DEFAULT}.
     * @return this, for chaining.
     */
    public ClusterContext communicationPort(final int communicationPort)
    {
        this.communicationPort = communicationPort;
        return this;
    }

    /**
     * @return first communication port.
     */
    public int communicationPort()
    {
        return communicationPort;
    }

    /**
     * @param communicationPortRange how many ports after {@link #communicationPort()} are tried when it is taken;
     *                               0 or more; default {@value #COMMUNICATION_PORT_RANGE_DEFAULT}.
     * @return this, for chaining.
     */
    public ClusterContext communicationPortRange(final int communicationPortRange)
    {
        this.communicationPortRange = communicationPortRange;
        return this;
    }

    /**
     * @return how many further communication ports are tried.
     */
    public int communicationPortRange()
    {
        return communicationPortRange;
    }

    /**
     * @param failureDetectionTimeoutMs milliseconds after which a server node that stopped answering (killed,
     *                                  frozen, cut off) is declared failed; at least 100; default
     *                                  {@value #FAILURE_DETECTION_TIMEOUT_MS_DEFAULT}. A killed process on the same
     *                                  network is usually noticed well within this, as its sockets close.
     * @return this, for chaining.
     */
    public ClusterContext failureDetectionTimeoutMs(final long failureDetectionTimeoutMs)
    {
        this.failureDetectionTimeoutMs = failureDetectionTimeoutMs;
        return this;
    }

    /**
     * @return server failure detection timeout in milliseconds.
     */
    public long failureDetectionTimeoutMs()
    {
        return failureDetectionTimeoutMs;
    }

    /**
     * @param clientFailureDetectionTimeoutMs milliseconds after which a client that stopped answering is declared
     *                                        failed, and nodes reclaim its blocks; at least
     *                                        {@link #failureDetectionTimeoutMs()}; default
     *                                        {@value #CLIENT_FAILURE_DETECTION_TIMEOUT_MS_DEFAULT}. Keep it longer
     *                                        than the application's longest GC pause.
     * @return this, for chaining.
     */
    public ClusterContext clientFailureDetectionTimeoutMs(final long clientFailureDetectionTimeoutMs)
    {
        this.clientFailureDetectionTimeoutMs = clientFailureDetectionTimeoutMs;
        return this;
    }

    /**
     * @return client failure detection timeout in milliseconds.
     */
    public long clientFailureDetectionTimeoutMs()
    {
        return clientFailureDetectionTimeoutMs;
    }

    /**
     * @param clientJoinTimeoutMs milliseconds a {@link ClusterView} waits for a server node to accept it before
     *                            {@link ClusterView#connect} throws {@link ClusterUnavailableException}; positive;
     *                            default {@value #CLIENT_JOIN_TIMEOUT_MS_DEFAULT}.
     * @return this, for chaining.
     */
    public ClusterContext clientJoinTimeoutMs(final long clientJoinTimeoutMs)
    {
        this.clientJoinTimeoutMs = clientJoinTimeoutMs;
        return this;
    }

    /**
     * @return client join timeout in milliseconds.
     */
    public long clientJoinTimeoutMs()
    {
        return clientJoinTimeoutMs;
    }

    /**
     * @param workDirectory the directory under which each member creates its own Ignite work directory,
     *                      {@code tierpool-ignite-<pid>-<random>}, removed when the member closes; directories
     *                      of that form left by processes that no longer run are removed at start-up. Default
     *                      {@code java.io.tmpdir}. Created if missing.
     * @return this, for chaining.
     */
    public ClusterContext workDirectory(final Path workDirectory)
    {
        this.workDirectory = workDirectory;
        return this;
    }

    /**
     * @return the parent of each member's Ignite work directory.
     */
    public Path workDirectory()
    {
        return workDirectory;
    }

    /**
     * @param verboseIgniteLogging {@code true} to pass Ignite's info, debug and trace messages on to SLF4J too;
     *                             default {@code false}: only Ignite's warnings and errors reach SLF4J, under
     *                             Ignite's own logger names.
     * @return this, for chaining.
     */
    public ClusterContext verboseIgniteLogging(final boolean verboseIgniteLogging)
    {
        this.verboseIgniteLogging = verboseIgniteLogging;
        return this;
    }

    /**
     * @return whether Ignite's info and debug messages are logged.
     */
    public boolean verboseIgniteLogging()
    {
        return verboseIgniteLogging;
    }

    /**
     * @param errorHandler receives exceptions thrown by {@link MembershipListener}s and failures to remove a work
     *                     directory; called on Ignite's threads; default logs them through SLF4J at error level.
     * @return this, for chaining.
     */
    public ClusterContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * @return the handler for listener and clean-up errors.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * @param discovery which Ignite discovery SPI the members use, with its settings; default a new
     *                  {@link DiscoveryFactory}: the TCP ring, unless its system properties say otherwise. Configured
     *                  in place through {@link #discovery()}.
     * @return this, for chaining.
     */
    public ClusterContext discovery(final DiscoveryFactory discovery)
    {
        this.discovery = discovery;
        return this;
    }

    /**
     * @param membershipSecurity who may join: TLS with the cluster's credentials, or off (the default, logged as a
     *                           warning by each member at start-up); see {@link MembershipSecurity}.
     * @return this, for chaining.
     */
    public ClusterContext membershipSecurity(final MembershipSecurity membershipSecurity)
    {
        this.membershipSecurity = membershipSecurity;
        return this;
    }

    /**
     * @return the discovery choice and its settings, owned by this context and changed in place.
     */
    public DiscoveryFactory discovery()
    {
        return discovery;
    }

    /**
     * @return who may join the cluster.
     */
    public MembershipSecurity membershipSecurity()
    {
        return membershipSecurity;
    }

    /**
     * @param role {@link NodeInfo#ROLE_NODE} or {@link NodeInfo#ROLE_CLIENT}.
     * @return the configured instance name, or a new generated one.
     */
    String resolveInstanceName(final String role)
    {
        if (null != instanceName)
        {
            return instanceName;
        }

        return "tierpool-" + role + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    }

    /**
     * Build the Ignite configuration for one member. Call after {@link #conclude()}.
     *
     * @param igniteInstanceName unique instance name.
     * @param clientMode         {@code true} for an Ignite client node.
     * @param attributes         user attributes published to the other members.
     * @param workDir            this member's own work directory.
     * @param listener           discovery event listener, registered before start so no event is missed.
     * @param failureHandler     what Ignite does on a critical failure.
     * @return a new configuration.
     */
    IgniteConfiguration igniteConfiguration(
        final String igniteInstanceName,
        final boolean clientMode,
        final Map<String, Object> attributes,
        final Path workDir,
        final IgnitePredicate<Event> listener,
        final FailureHandler failureHandler)
    {
        final DiscoverySpi discoverySpi = discovery.newDiscoverySpi(this, clientMode);

        final TcpCommunicationSpi communicationSpi = new TcpCommunicationSpi();
        communicationSpi.setLocalAddress(localAddress);
        communicationSpi.setLocalPort(communicationPort);
        communicationSpi.setLocalPortRange(communicationPortRange);
        communicationSpi.setMessageQueueLimit(MESSAGE_QUEUE_LIMIT);

        final DataStorageConfiguration storage = new DataStorageConfiguration()
            .setDefaultDataRegionConfiguration(new DataRegionConfiguration()
                .setName("default")
                .setInitialSize(DATA_REGION_INITIAL_BYTES)
                .setMaxSize(DATA_REGION_MAX_BYTES)
                .setPersistenceEnabled(false))
            .setSystemDataRegionConfiguration(new SystemDataRegionConfiguration()
                .setInitialSize(SYSTEM_REGION_INITIAL_BYTES)
                .setMaxSize(SYSTEM_REGION_MAX_BYTES))
            .setWalMode(WALMode.NONE);

        final String workPath = workDir.toAbsolutePath().toString();

        final IgniteConfiguration cfg = new IgniteConfiguration();
        membershipSecurity.apply(cfg, igniteInstanceName);
        return cfg
            .setIgniteInstanceName(igniteInstanceName)
            .setClientMode(clientMode)
            .setUserAttributes(attributes)
            .setWorkDirectory(workPath)
            .setGridLogger(new IgniteSlf4jLogger(verboseIgniteLogging))
            .setDiscoverySpi(discoverySpi)
            .setCommunicationSpi(communicationSpi)
            .setDataStorageConfiguration(storage)
            .setFailureDetectionTimeout(failureDetectionTimeoutMs)
            .setClientFailureDetectionTimeout(clientFailureDetectionTimeoutMs)
            .setFailureHandler(failureHandler)
            .setSegmentationPolicy(SegmentationPolicy.STOP)
            .setIncludeEventTypes(EVENT_TYPES)
            .setLocalEventListeners(Collections.singletonMap(listener, EVENT_TYPES))
            .setMetricsLogFrequency(0)
            .setPeerClassLoadingEnabled(false)
            .setConnectorConfiguration(null)
            .setClientConnectorConfiguration(null)
            .setPublicThreadPoolSize(2)
            .setSystemThreadPoolSize(2)
            .setRebalanceThreadPoolSize(1)
            .setStripedPoolSize(2)
            .setServiceThreadPoolSize(1)
            .setAsyncCallbackPoolSize(1)
            .setManagementThreadPoolSize(1)
            .setPeerClassLoadingThreadPoolSize(1)
            .setDataStreamerThreadPoolSize(1)
            .setUtilityCachePoolSize(1)
            .setQueryThreadPoolSize(1)
            .setBuildIndexThreadPoolSize(1)
            .setSnapshotThreadPoolSize(1);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "ClusterContext{" +
            "instanceName=" + instanceName +
            ", discoveryAddresses=" + discoveryAddresses +
            ", localAddress=" + localAddress +
            ", discoveryPort=" + discoveryPort + "+" + discoveryPortRange +
            ", communicationPort=" + communicationPort + "+" + communicationPortRange +
            ", failureDetectionTimeoutMs=" + failureDetectionTimeoutMs +
            ", clientFailureDetectionTimeoutMs=" + clientFailureDetectionTimeoutMs +
            ", clientJoinTimeoutMs=" + clientJoinTimeoutMs +
            ", workDirectory=" + workDirectory +
            ", verboseIgniteLogging=" + verboseIgniteLogging +
            ", discovery=" + discovery +
            ", membershipSecurity=" + membershipSecurity +
            '}';
    }

    private static void validateAddress(final String address)
    {
        final Matcher matcher = null == address ? null : ADDRESS_PATTERN.matcher(address.trim());
        if (null == matcher || !matcher.matches())
        {
            throw new ConfigurationException("discovery address '" + address + "' is not host:port or " +
                "host:firstPort..lastPort (" + DISCOVERY_ADDRESSES_PROP_NAME + ")");
        }

        final int first = Integer.parseInt(matcher.group(2));
        final int last = null == matcher.group(3) ? first : Integer.parseInt(matcher.group(3));
        if (first < 1 || last > 65535 || last < first)
        {
            throw new ConfigurationException("discovery address '" + address + "' has ports outside 1..65535 or a " +
                "last port before the first (" + DISCOVERY_ADDRESSES_PROP_NAME + ")");
        }
    }

    private static void validatePortRange(final String name, final String propName, final int port, final int range)
    {
        if (port < 1 || port > 65535)
        {
            throw new ConfigurationException(name + " must be in 1..65535 (" + propName + "), was " + port);
        }

        if (range < 0 || port + range > 65535)
        {
            throw new ConfigurationException(name + "Range must be 0 or more and end at or below port 65535 (" +
                propName + "Range), was " + range + " from port " + port);
        }
    }

    private static List<String> splitAddresses(final String value)
    {
        final List<String> addresses = new ArrayList<>();
        for (final String address : value.split(","))
        {
            if (!address.isBlank())
            {
                addresses.add(address.trim());
            }
        }

        return Collections.unmodifiableList(addresses);
    }

    private static int intProperty(final String propName, final int defaultValue)
    {
        final String value = System.getProperty(propName);
        if (null == value)
        {
            return defaultValue;
        }

        try
        {
            return Integer.parseInt(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException(propName + " must be an integer, was '" + value + "'", ex);
        }
    }

    /**
     * @return the system property as a duration in milliseconds (Agrona's units: 500ms, 3s, ...), or the default
     * when it is not set; shared by the cluster package's agents.
     * @throws ConfigurationException naming the property when it does not parse.
     */
    static long durationMsProperty(final String propName, final long defaultMs)
    {
        final String value = System.getProperty(propName);
        if (null == value)
        {
            return defaultMs;
        }

        try
        {
            return TimeUnit.NANOSECONDS.toMillis(SystemUtil.parseDuration(propName, value.trim()));
        }
        catch (final RuntimeException ex)
        {
            throw new ConfigurationException(propName + " must be a duration such as 3s or 500ms, was '" +
                value + "'", ex);
        }
    }

    private static void logError(final Throwable error)
    {
        LoggerFactory.getLogger(ClusterContext.class).error("cluster membership error", error);
    }
}
