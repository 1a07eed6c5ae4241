/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.config;

import io.tierpool.node.engine.BlockStore;
import io.tierpool.node.engine.StoreConfiguration;

import java.util.Locale;

/**
 * Every setting of a node daemon: its key in the configuration file, its command-line flag, its environment
 * variable, its default, its type and what it means. This table is the one source for parsing and validation
 * ({@link NodeConfiguration}), the daemon's {@code --help}, the README's configuration reference and
 * {@code deploy/node.example.conf} ({@link ConfigReference}).
 * <p>
 * The configuration file itself is named by {@link NodeConfiguration#CONFIG_FLAG} or
 * {@link NodeConfiguration#CONFIG_ENV}; it is not a key.
 */
public enum ConfigKey
{
    /** Node name, unique in the cluster. */
    NODE_NAME("node.name", "--name", "TIERPOOL_NODE_NAME", ValueType.STRING, "node",
        "Node name, unique in the cluster: letters, digits, '.', '_' or '-'."),

    /** Address the node binds and advertises. */
    NODE_HOST("node.host", "--host", "TIERPOOL_HOST", ValueType.STRING, "127.0.0.1",
        "Address (host name or IP) the Aeron data endpoint and Ignite bind, and that other nodes and clients use."),

    /** UDP port of the Aeron data endpoint. */
    NODE_PORT("node.port", "--port", "TIERPOOL_PORT", ValueType.PORT, "40500",
        "UDP port of the Aeron data endpoint that clients send blocks to; 0 for any free port.", 0, 65535),

    /** Ignite discovery addresses. */
    DISCOVERY_ADDRESSES("discovery.addresses", "--discovery", "TIERPOOL_DISCOVERY", ValueType.LIST,
        "127.0.0.1:47500..47509",
        "Ignite discovery addresses of the cluster, each host:port or host:firstPort..lastPort, comma separated."),

    /** Local Ignite discovery port. */
    DISCOVERY_PORT("discovery.port", "--discovery-port", "TIERPOOL_DISCOVERY_PORT", ValueType.PORT, "47500",
        "Local Ignite discovery port (TCP); must be covered by some node's discovery.addresses.", 1, 65535),

    /** Which Ignite discovery SPI the node uses. */
    DISCOVERY_KIND("discovery.kind", "--discovery-kind", "TIERPOOL_DISCOVERY_KIND", ValueType.STRING, "ring",
        "How nodes find each other: ring (Ignite's TCP ring through discovery.addresses, for up to 100-200 nodes) " +
        "or zookeeper (Ignite's ZooKeeper discovery through the ensemble at discovery.zookeeper.connect, for " +
        "larger clusters; discovery.addresses and discovery.port are then unused)."),

    /** ZooKeeper ensemble of ZooKeeper discovery. */
    ZOOKEEPER_CONNECT("discovery.zookeeper.connect", "--zookeeper-connect", "TIERPOOL_ZOOKEEPER_CONNECT",
        ValueType.STRING, "127.0.0.1:2181",
        "With discovery.kind = zookeeper: the ZooKeeper servers, each host:port, comma separated (no chroot " +
        "suffix: see discovery.zookeeper.root)."),

    /** ZooKeeper session timeout of ZooKeeper discovery, in milliseconds. */
    ZOOKEEPER_SESSION_TIMEOUT("discovery.zookeeper.session.timeout", "--zookeeper-session-timeout",
        "TIERPOOL_ZOOKEEPER_SESSION_TIMEOUT", ValueType.INT, "10000",
        "With discovery.kind = zookeeper: the ZooKeeper session timeout in milliseconds. A node that stops " +
        "answering ZooKeeper this long (killed, frozen) is reported failed; one that reaches no ZooKeeper server " +
        "this long loses its Ignite node, keeps serving its blocks and rejoins once ZooKeeper answers. ZooKeeper servers clamp it to 2-20 ticks (4-40 s by default).", 1_000, 600_000),

    /** Root znode of ZooKeeper discovery. */
    ZOOKEEPER_ROOT("discovery.zookeeper.root", "--zookeeper-root", "TIERPOOL_ZOOKEEPER_ROOT", ValueType.STRING,
        "/tierpool",
        "With discovery.kind = zookeeper: the znode under which the nodes register; nodes with the same ensemble " +
        "and root form one cluster, so give each cluster sharing an ensemble its own."),

    /** Local Ignite communication port. */
    COMMUNICATION_PORT("communication.port", "--communication-port", "TIERPOOL_COMMUNICATION_PORT", ValueType.PORT,
        "47100", "Local Ignite communication port (TCP).", 1, 65535),

    /** Change of free bytes, as a fraction of capacity, that makes the node publish its free capacity. */
    CAPACITY_PUBLISH_THRESHOLD("capacity.publish.threshold", "--capacity-publish-threshold",
        "TIERPOOL_CAPACITY_PUBLISH_THRESHOLD", ValueType.DOUBLE, "0.01",
        "Fraction of the node's capacity by which its free bytes must move before it publishes them to the " +
        "cluster (checked every second; also published on becoming full or no longer full); in [0, 1]. 0 " +
        "publishes every second (every node then receives one message per node per second: see docs/SCALE.md)."),

    /** Longest time between two publications of the node's free capacity, in milliseconds. */
    CAPACITY_PUBLISH_REFRESH("capacity.publish.refresh", "--capacity-publish-refresh",
        "TIERPOOL_CAPACITY_PUBLISH_REFRESH", ValueType.INT, "30000",
        "Longest time in milliseconds between two publications of the node's free capacity, even unchanged " +
        "(Ignite messaging does not retry: this bounds how long a lost publication matters); from 1000 (every " +
        "second) to 3600000.", 1_000, 3_600_000),

    /** RAM tier capacity. */
    RAM_CAPACITY("tier.ram.capacity", "--ram", "TIERPOOL_RAM", ValueType.SIZE, "256m",
        "Capacity of the RAM tier (off-heap memory of the daemon), at least 64 bytes.", 64, Long.MAX_VALUE),

    /** VVRAM tier capacity. */
    VVRAM_CAPACITY("tier.vvram.capacity", "--vvram", "TIERPOOL_VVRAM", ValueType.SIZE, "256m",
        "Capacity of the VVRAM tier (memory-mapped files on tmpfs), reserved at start-up; 0 disables the tier. " +
        "Must fit in the free space of the filesystem of tier.vvram.dir.", 0, Long.MAX_VALUE),

    /** VVRAM directory. */
    VVRAM_DIR("tier.vvram.dir", "--vvram-dir", "TIERPOOL_VVRAM_DIR", ValueType.PATH, "/dev/shm",
        "tmpfs directory for the VVRAM files; the daemon works in its own subdirectory and removes it on exit."),

    /** VSSD tier capacity. */
    VSSD_CAPACITY("tier.vssd.capacity", "--vssd", "TIERPOOL_VSSD", ValueType.SIZE, "1g",
        "Capacity of the VSSD tier (a spill file on local disk); 0 disables the tier. " +
        "Must fit in the free space of the filesystem of tier.vssd.dir.", 0, Long.MAX_VALUE),

    /** VSSD directory; its default is the JVM's temporary directory. */
    VSSD_DIR("tier.vssd.dir", "--vssd-dir", "TIERPOOL_VSSD_DIR", ValueType.PATH, null,
        "Directory for the VSSD spill file; the daemon works in its own subdirectory and removes it on exit."),

    /** High watermark of every tier. */
    HIGH_WATERMARK("tier.high.watermark", "--high-watermark", "TIERPOOL_HIGH_WATERMARK", ValueType.DOUBLE, "0.90",
        "Fraction of a tier's capacity above which the mover demotes blocks to the next tier; in (0, 1]."),

    /** Low watermark of every tier. */
    LOW_WATERMARK("tier.low.watermark", "--low-watermark", "TIERPOOL_LOW_WATERMARK", ValueType.DOUBLE, "0.75",
        "Fraction of a tier's capacity the mover demotes down to; in (0, 1] and below tier.high.watermark."),

    /** Largest block accepted. */
    MAX_BLOCK_SIZE("block.max.size", "--max-block", "TIERPOOL_MAX_BLOCK", ValueType.SIZE, "256m",
        "Largest block the node accepts, from 1 byte to 1g.", 1, StoreConfiguration.MAX_BLOCK_BYTES_LIMIT),

    /** Aeron media driver directory. */
    AERON_DIR("aeron.dir", "--aeron-dir", "TIERPOOL_AERON_DIR", ValueType.PATH, "/dev/shm",
        "Directory in which the embedded Aeron media driver makes its own directory (tmpfs is best)."),

    /** HTTP port of the metrics and stats endpoints. */
    METRICS_PORT("metrics.port", "--metrics-port", "TIERPOOL_METRICS_PORT", ValueType.PORT, "9400",
        "HTTP port of the Prometheus /metrics and JSON /stats endpoints; 0 for any free port, -1 to disable.",
        -1, 65535),

    /** Data-path security: on, off or auto. */
    SECURITY_MODE("security.mode", "--security", "TIERPOOL_SECURITY", ValueType.STRING, "auto",
        "Data-path security (docs/SECURITY.md): on (every client must authenticate with the cluster secret; " +
        "start-up fails without a secret), off (anyone who reaches the Aeron port may read, overwrite or free any " +
        "block; logged as a warning), or auto (on when a secret is configured, else off with the warning)."),

    /** File holding the cluster secret. */
    SECURITY_SECRET_FILE("security.secret.file", "--secret-file", "TIERPOOL_SECRET_FILE", ValueType.STRING, "none",
        "File holding the cluster secret in hexadecimal (write one with `tierpool secret --out FILE`; keep it " +
        "owner-only); none to read it from the environment variable TIERPOOL_SECRET, or to have no secret. The " +
        "secret itself is never a flag or a setting."),

    /** File holding the secret being retired, still accepted during a rotation. */
    SECURITY_PREVIOUS_SECRET_FILE("security.secret.previous.file", "--previous-secret-file",
        "TIERPOOL_PREVIOUS_SECRET_FILE", ValueType.STRING, "none",
        "During a rotation of the cluster secret: the file of the secret being retired, which the node still " +
        "accepts from clients (they authenticate with either); none outside a rotation (docs/SECURITY.md)."),

    /** Whether clients must authenticate with per-client credentials. */
    SECURITY_CREDENTIALS_REQUIRED("security.client.credentials.required", "--client-credentials-required",
        "TIERPOOL_CLIENT_CREDENTIALS_REQUIRED", ValueType.BOOLEAN, "false",
        "Take only clients that authenticate with their own credential (tierpool secret --client-id ID --from " +
        "FILE), each then able to act under its own client id only; false also takes holders of the cluster " +
        "secret, who may claim any client id."),

    /** AES-GCM encryption of block bytes on the wire. */
    SECURITY_ENCRYPTION("security.encryption", "--encryption", "TIERPOOL_ENCRYPTION", ValueType.BOOLEAN, "false",
        "Encrypt block bytes on the wire with AES-GCM on every session with this node (a client may ask for it " +
        "too); needs security on."),

    /** Whether the node probes for and uses a CUDA GPU. */
    GPU_ENABLED("gpu.enabled", "--gpu-enabled", "TIERPOOL_GPU_ENABLED", ValueType.BOOLEAN, "true",
        "Probe for a CUDA GPU at start-up and log what was found, once; false never loads CUDA. Without a " +
        "usable GPU the node logs why and runs without GPU memory."),

    /** Largest share of the GPU's memory the device pool may hold. */
    GPU_POOL_FRACTION("gpu.pool.fraction", "--gpu-pool-fraction", "TIERPOOL_GPU_POOL_FRACTION", ValueType.DOUBLE,
        "0.8", "Largest fraction of the GPU's total memory the device pool may hold, in use and cached; in (0, 1]."),

    /** Whether node daemons prove cluster membership to each other with TLS; no flag, file or environment only. */
    SECURITY_MEMBERSHIP("security.membership", null, "TIERPOOL_SECURITY_MEMBERSHIP", ValueType.STRING, "off",
        "Membership credentials on Ignite discovery and communication: tls (mutual TLS with the keystore and " +
        "truststore in security.membership.dir; a process without them cannot join) or off (anyone who reaches the " +
        "discovery port can join; logged as a warning at start-up). No flag: set it in the file or the environment " +
        "(docs/SECURITY.md)."),

    /** Where the membership credentials are; no flag, file or environment only. */
    SECURITY_MEMBERSHIP_DIR("security.membership.dir", null, "TIERPOOL_SECURITY_MEMBERSHIP_DIR", ValueType.PATH,
        "/etc/tierpool/membership",
        "Directory of the membership credentials, read when security.membership = tls: keystore.p12, " +
        "truststore.p12 and the file password (or the variable TIERPOOL_MEMBERSHIP_PASSWORD); make them with " +
        "java -cp tierpool-node.jar io.tierpool.node.cluster.MembershipCredentials DIR. No flag.");

    /**
     * System property whose value is the default of {@link #VSSD_DIR}.
     */
    public static final String VSSD_DIR_DEFAULT_PROPERTY = "java.io.tmpdir";

    private final String key;
    private final String flag;
    private final String env;
    private final ValueType type;
    private final String defaultValue;
    private final String description;
    private final long min;
    private final long max;

    ConfigKey(
        final String key,
        final String flag,
        final String env,
        final ValueType type,
        final String defaultValue,
        final String description)
    {
        this(key, flag, env, type, defaultValue, description, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    ConfigKey(
        final String key,
        final String flag,
        final String env,
        final ValueType type,
        final String defaultValue,
        final String description,
        final long min,
        final long max)
    {
        this.key = key;
        this.flag = flag;
        this.env = env;
        this.type = type;
        this.defaultValue = defaultValue;
        this.description = description;
        this.min = min;
        this.max = max;
    }

    /**
     * @return the key as written in the configuration file, e.g. {@code tier.ram.capacity}.
     */
    public String key()
    {
        return key;
    }

    /**
     * @return the command-line flag, e.g. {@code --ram}, or {@code null} for a key that must not be given on the
     * command line (where any user of the machine can read it): set those in the file or the environment.
     */
    public String flag()
    {
        return flag;
    }

    /**
     * @return the environment variable, e.g. {@code TIERPOOL_RAM}.
     */
    public String env()
    {
        return env;
    }

    /**
     * @return the type of the value.
     */
    public ValueType type()
    {
        return type;
    }

    /**
     * @return what the setting means, one or two sentences.
     */
    public String description()
    {
        return description;
    }

    /**
     * @return the smallest accepted value of a size, int or port; {@link Long#MIN_VALUE} when unbounded or not
     * numeric.
     */
    public long min()
    {
        return min;
    }

    /**
     * @return the largest accepted value of a size, int or port; {@link Long#MAX_VALUE} when unbounded or not
     * numeric.
     */
    public long max()
    {
        return max;
    }

    /**
     * @return the default as documented: the literal value, or {@code java.io.tmpdir} for {@link #VSSD_DIR}.
     */
    public String defaultText()
    {
        return null == defaultValue ? VSSD_DIR_DEFAULT_PROPERTY : defaultValue;
    }

    /**
     * @return the default value's text in this JVM: the literal value, or the value of the
     * {@code java.io.tmpdir} system property for {@link #VSSD_DIR}.
     */
    public String defaultValue()
    {
        return null == defaultValue ? System.getProperty(VSSD_DIR_DEFAULT_PROPERTY) : defaultValue;
    }

    /**
     * @return a phrase saying which values are accepted, including bounds, for error messages.
     */
    public String accepted()
    {
        final StringBuilder text = new StringBuilder(type.accepted());
        if (type == ValueType.PORT || type == ValueType.INT)
        {
            text.append(", from ").append(min).append(" to ").append(max);
        }
        else if (type == ValueType.SIZE)
        {
            if (min > 0)
            {
                text.append(", at least ").append(min).append(min == 1 ? " byte" : " bytes");
            }
            else
            {
                text.append(", 0 or more");
            }
            if (max < Long.MAX_VALUE)
            {
                text.append(", at most ").append(max).append(" bytes");
            }
        }
        return text.toString();
    }

    /**
     * Finds the key of a configuration file line.
     *
     * @param key the key as written, e.g. {@code tier.ram.capacity} (case sensitive).
     * @return the matching key, or {@code null} when there is none.
     */
    public static ConfigKey forKey(final String key)
    {
        for (final ConfigKey configKey : values())
        {
            if (configKey.key.equals(key))
            {
                return configKey;
            }
        }
        return null;
    }

    /**
     * The known key nearest to an unknown one, for "did you mean" hints: a key whose flag or environment variable
     * was written instead of the key, a key that differs only in case, or the key at the smallest edit distance
     * when that distance is small for the word's length.
     *
     * @param unknown the unknown key as written.
     * @return the nearest key, or {@code null} when none is close.
     */
    public static ConfigKey closest(final String unknown)
    {
        final String lower = unknown.toLowerCase(Locale.ROOT);
        for (final ConfigKey configKey : values())
        {
            if (configKey.key.equalsIgnoreCase(unknown) || configKey.env.equalsIgnoreCase(unknown) ||
                null != configKey.flag && (configKey.flag.equalsIgnoreCase(unknown) ||
                configKey.flag.substring(2).equalsIgnoreCase(unknown)))
            {
                return configKey;
            }
        }
        ConfigKey best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (final ConfigKey configKey : values())
        {
            final int distance = editDistance(lower, configKey.key);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = configKey;
            }
        }
        return bestDistance <= Math.max(2, unknown.length() / 3) ? best : null;
    }

    static int editDistance(final String a, final String b)
    {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++)
            {
                final int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            final int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
