/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.config;

import io.tierpool.client.ConfigurationException;
import io.tierpool.node.cluster.DiscoveryFactory;
import io.tierpool.node.tier.local.TierSpace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node daemon's settings, merged from four layers and validated as a whole. Immutable and thread-safe once
 * loaded.
 * <p>
 * <b>Precedence</b>, lowest first: {@code default < file < environment < flag}.
 * <ol>
 *     <li>the built-in default of each {@link ConfigKey};</li>
 *     <li>the configuration file named by {@value #CONFIG_FLAG}{@code  FILE} or, when that flag is absent, by the
 *     environment variable {@value #CONFIG_ENV} (see {@link ConfigFile} for the format; no file is read when
 *     neither is set);</li>
 *     <li>the environment variable of each key ({@link ConfigKey#env()}); a variable set to an empty string
 *     counts as unset;</li>
 *     <li>the command-line flag of each key ({@link ConfigKey#flag()}).</li>
 * </ol>
 * Every value given in any layer is parsed and checked, even one a higher layer overrides, so that a typo never
 * hides until the day the override goes away. {@link #load} rejects with a {@link ConfigurationException} whose
 * message names the key, the value, where it came from (file and line, variable or flag) and what is accepted:
 * a missing or malformed file, an unknown key in the file (with the nearest known key as a hint), a key given
 * twice in the file, an empty value, a bad size ({@code 12Q}), a negative size, a non-numeric port or one outside
 * its range, a watermark outside (0, 1], a low watermark not below the high one, a malformed discovery address,
 * a discovery kind other than {@code ring} or {@code zookeeper}, a malformed ZooKeeper connect string or root path, a
 * ZooKeeper session timeout outside 1 s to 10 min,
 * a directory setting that names a file, and a VVRAM or VSSD capacity larger than the usable space of the
 * filesystem under its directory (both together when they share one filesystem; for VVRAM that is the tmpfs).
 * <pre>{@code
 * NodeConfiguration config = NodeConfiguration.load(System.getenv(), "/etc/tierpool/node.conf",
 *     Map.of(ConfigKey.RAM_CAPACITY, "2g"));
 * long ram = config.ramCapacityBytes();            // 2 GiB, from the flag
 * ConfigSource from = config.source(ConfigKey.VSSD_CAPACITY);   // file, environment or default
 * }</pre>
 */
public final class NodeConfiguration
{
    /** Command-line flag that names the configuration file. */
    public static final String CONFIG_FLAG = "--config";

    /** Environment variable that names the configuration file when {@value #CONFIG_FLAG} is not given. */
    public static final String CONFIG_ENV = "TIERPOOL_CONFIG";

    /** The precedence rule in one line, as {@code --help} and the example file print it. */
    public static final String PRECEDENCE =
        "default < file (" + CONFIG_FLAG + " FILE or " + CONFIG_ENV + ") < environment variable < flag";

    private static final Pattern NODE_NAME_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern ADDRESS_PATTERN = Pattern.compile("([^:\\s]+):(\\d{1,5})(?:\\.\\.(\\d{1,5}))?");

    private final Path configFile;
    private final Map<ConfigKey, Object> values;
    private final Map<ConfigKey, String> texts;
    private final Map<ConfigKey, ConfigSource> sources;

    private NodeConfiguration(
        final Path configFile,
        final Map<ConfigKey, Object> values,
        final Map<ConfigKey, String> texts,
        final Map<ConfigKey, ConfigSource> sources)
    {
        this.configFile = configFile;
        this.values = Collections.unmodifiableMap(values);
        this.texts = Collections.unmodifiableMap(texts);
        this.sources = Collections.unmodifiableMap(sources);
    }

    /**
     * Merges and validates the layers.
     *
     * @param environment    the process environment ({@code System.getenv()}, or a map in tests); only the
     *                       variables of {@link ConfigKey} and {@value #CONFIG_ENV} are read.
     * @param configFileFlag the value of {@value #CONFIG_FLAG}, or {@code null} when the flag was not given.
     * @param flags          the value of each flag given on the command line, as written; absent keys (or null
     *                       values) were not given.
     * @return the validated configuration.
     * @throws ConfigurationException if any value in any layer is invalid, or the values together are impossible;
     *                                the message names the key, the value, its source and what is accepted.
     */
    public static NodeConfiguration load(
        final Map<String, String> environment,
        final String configFileFlag,
        final Map<ConfigKey, String> flags)
    {
        final Path configFile = configFilePath(environment, configFileFlag);
        final Map<ConfigKey, ConfigFile.Entry> fileEntries = null == configFile ?
            Map.of() : ConfigFile.read(configFile, null != configFileFlag ?
            ConfigSource.flag(CONFIG_FLAG) : ConfigSource.environment(CONFIG_ENV));

        final Map<ConfigKey, Object> values = new EnumMap<>(ConfigKey.class);
        final Map<ConfigKey, String> texts = new EnumMap<>(ConfigKey.class);
        final Map<ConfigKey, ConfigSource> sources = new EnumMap<>(ConfigKey.class);
        for (final ConfigKey key : ConfigKey.values())
        {
            String text = key.defaultValue();
            ConfigSource source = ConfigSource.DEFAULT;
            Object value = parse(key, text, source);

            final ConfigFile.Entry entry = fileEntries.get(key);
            if (null != entry)
            {
                text = entry.text();
                source = entry.source();
                value = parse(key, text, source);
            }

            final String envText = null == environment ? null : environment.get(key.env());
            if (null != envText && !envText.isBlank())
            {
                text = envText.strip();
                source = ConfigSource.environment(key.env());
                value = parse(key, text, source);
            }

            final String flagText = null == flags ? null : flags.get(key);
            if (null != flagText)
            {
                text = flagText.strip();
                source = ConfigSource.flag(key.flag());
                if (text.isEmpty())
                {
                    throw new ConfigurationException(key.key() + " (" + source + ") has no value: give " +
                        key.accepted() + ", or leave the flag out to use the default " + key.defaultText());
                }
                value = parse(key, text, source);
            }

            values.put(key, value);
            texts.put(key, text);
            sources.put(key, source);
        }

        final NodeConfiguration configuration = new NodeConfiguration(configFile, values, texts, sources);
        configuration.checkWatermarks();
        configuration.checkDirectories();
        configuration.checkCapacities();
        return configuration;
    }

    /**
     * @return the configuration file that was read, if one was named.
     */
    public Optional<Path> configFile()
    {
        return Optional.ofNullable(configFile);
    }

    /**
     * @param key a setting.
     * @return its typed value: {@link Long} for sizes and ints, {@link Integer} for ports, {@link Double},
     * {@link Path}, {@link String} or an unmodifiable {@code List<String>}.
     */
    public Object value(final ConfigKey key)
    {
        return values.get(key);
    }

    /**
     * @param key a setting.
     * @return the winning value's text as written (trimmed), e.g. {@code 1g}.
     */
    public String text(final ConfigKey key)
    {
        return texts.get(key);
    }

    /**
     * @param key a setting.
     * @return where its winning value came from.
     */
    public ConfigSource source(final ConfigKey key)
    {
        return sources.get(key);
    }

    /**
     * @return one line per key, {@code key = value (source)}, in table order, for the start-up log.
     */
    public List<String> describe()
    {
        final List<String> lines = new ArrayList<>();
        for (final ConfigKey key : ConfigKey.values())
        {
            lines.add(key.key() + " = " + texts.get(key) + " (" + sources.get(key) + ")");
        }
        return lines;
    }

    /**
     * @return {@link ConfigKey#NODE_NAME}.
     */
    public String nodeName()
    {
        return (String)values.get(ConfigKey.NODE_NAME);
    }

    /**
     * @return {@link ConfigKey#NODE_HOST}.
     */
    public String host()
    {
        return (String)values.get(ConfigKey.NODE_HOST);
    }

    /**
     * @return {@link ConfigKey#NODE_PORT}, 0 for any free port.
     */
    public int port()
    {
        return (Integer)values.get(ConfigKey.NODE_PORT);
    }

    /**
     * @return {@link ConfigKey#DISCOVERY_ADDRESSES}, each {@code host:port} or {@code host:first..last};
     * unmodifiable.
     */
    @SuppressWarnings("unchecked")
    public List<String> discoveryAddresses()
    {
        return (List<String>)values.get(ConfigKey.DISCOVERY_ADDRESSES);
    }

    /**
     * @return {@link ConfigKey#DISCOVERY_PORT}.
     */
    public int discoveryPort()
    {
        return (Integer)values.get(ConfigKey.DISCOVERY_PORT);
    }

    /**
     * @return {@link ConfigKey#DISCOVERY_KIND}: the TCP ring or ZooKeeper.
     */
    public DiscoveryFactory.Kind discoveryKind()
    {
        return DiscoveryFactory.Kind.forText((String)values.get(ConfigKey.DISCOVERY_KIND));
    }

    /**
     * @return {@link ConfigKey#ZOOKEEPER_CONNECT}, {@code host:port} items, comma separated.
     */
    public String zookeeperConnect()
    {
        return (String)values.get(ConfigKey.ZOOKEEPER_CONNECT);
    }

    /**
     * @return {@link ConfigKey#CAPACITY_PUBLISH_THRESHOLD}, a fraction of the node's capacity in [0, 1].
     */
    public double capacityPublishThreshold()
    {
        return (Double)values.get(ConfigKey.CAPACITY_PUBLISH_THRESHOLD);
    }

    /**
     * @return {@link ConfigKey#CAPACITY_PUBLISH_REFRESH} in milliseconds.
     */
    public long capacityPublishRefreshMs()
    {
        return (Long)values.get(ConfigKey.CAPACITY_PUBLISH_REFRESH);
    }

    /**
     * @return {@link ConfigKey#ZOOKEEPER_SESSION_TIMEOUT} in milliseconds.
     */
    public long zookeeperSessionTimeoutMs()
    {
        return (Long)values.get(ConfigKey.ZOOKEEPER_SESSION_TIMEOUT);
    }

    /**
     * @return {@link ConfigKey#ZOOKEEPER_ROOT}, an absolute znode path.
     */
    public String zookeeperRootPath()
    {
        return (String)values.get(ConfigKey.ZOOKEEPER_ROOT);
    }

    /**
     * @return {@link ConfigKey#COMMUNICATION_PORT}.
     */
    public int communicationPort()
    {
        return (Integer)values.get(ConfigKey.COMMUNICATION_PORT);
    }

    /**
     * @return {@link ConfigKey#RAM_CAPACITY} in bytes.
     */
    public long ramCapacityBytes()
    {
        return (Long)values.get(ConfigKey.RAM_CAPACITY);
    }

    /**
     * @return {@link ConfigKey#VVRAM_CAPACITY} in bytes, 0 when the tier is disabled.
     */
    public long vvramCapacityBytes()
    {
        return (Long)values.get(ConfigKey.VVRAM_CAPACITY);
    }

    /**
     * @return {@link ConfigKey#VVRAM_DIR}.
     */
    public Path vvramDir()
    {
        return (Path)values.get(ConfigKey.VVRAM_DIR);
    }

    /**
     * @return {@link ConfigKey#VSSD_CAPACITY} in bytes, 0 when the tier is disabled.
     */
    public long vssdCapacityBytes()
    {
        return (Long)values.get(ConfigKey.VSSD_CAPACITY);
    }

    /**
     * @return {@link ConfigKey#VSSD_DIR}.
     */
    public Path vssdDir()
    {
        return (Path)values.get(ConfigKey.VSSD_DIR);
    }

    /**
     * @return {@link ConfigKey#HIGH_WATERMARK}, in (0, 1].
     */
    public double highWatermark()
    {
        return (Double)values.get(ConfigKey.HIGH_WATERMARK);
    }

    /**
     * @return {@link ConfigKey#LOW_WATERMARK}, in (0, {@link #highWatermark()}).
     */
    public double lowWatermark()
    {
        return (Double)values.get(ConfigKey.LOW_WATERMARK);
    }

    /**
     * @return {@link ConfigKey#MAX_BLOCK_SIZE} in bytes.
     */
    public long maxBlockBytes()
    {
        return (Long)values.get(ConfigKey.MAX_BLOCK_SIZE);
    }

    /**
     * @return {@link ConfigKey#AERON_DIR}.
     */
    public Path aeronDir()
    {
        return (Path)values.get(ConfigKey.AERON_DIR);
    }

    /**
     * @return {@link ConfigKey#METRICS_PORT}: 0 for any free port, -1 when metrics are disabled.
     */
    public int metricsPort()
    {
        return (Integer)values.get(ConfigKey.METRICS_PORT);
    }

    /**
     * @return {@link ConfigKey#SECURITY_MODE}: "on", "off" or "auto".
     * @throws ConfigurationException when the setting is none of those.
     */
    public String securityMode()
    {
        final String mode = ((String)values.get(ConfigKey.SECURITY_MODE)).toLowerCase(java.util.Locale.ROOT);
        if (!mode.equals("on") && !mode.equals("off") && !mode.equals("auto"))
        {
            throw new ConfigurationException(ConfigKey.SECURITY_MODE.key() + " = '" + text(ConfigKey.SECURITY_MODE) +
                "' (" + source(ConfigKey.SECURITY_MODE) + ") is not on, off or auto");
        }
        return mode;
    }

    /**
     * @return {@link ConfigKey#SECURITY_SECRET_FILE}, or null for none.
     */
    public Path securitySecretFile()
    {
        final String file = (String)values.get(ConfigKey.SECURITY_SECRET_FILE);
        return "none".equalsIgnoreCase(file) ? null : Path.of(file);
    }

    /**
     * @return {@link ConfigKey#SECURITY_PREVIOUS_SECRET_FILE}, or null for none.
     */
    public Path securityPreviousSecretFile()
    {
        final String file = (String)values.get(ConfigKey.SECURITY_PREVIOUS_SECRET_FILE);
        return "none".equalsIgnoreCase(file) ? null : Path.of(file);
    }

    /**
     * @return {@link ConfigKey#SECURITY_CREDENTIALS_REQUIRED}.
     */
    public boolean securityCredentialsRequired()
    {
        return (Boolean)values.get(ConfigKey.SECURITY_CREDENTIALS_REQUIRED);
    }

    /**
     * @return {@link ConfigKey#SECURITY_ENCRYPTION}.
     */
    public boolean securityEncryption()
    {
        return (Boolean)values.get(ConfigKey.SECURITY_ENCRYPTION);
    }

    /**
     * @return {@link ConfigKey#GPU_ENABLED}: false when the node must not probe for or use a GPU.
     */
    public boolean gpuEnabled()
    {
        return (Boolean)values.get(ConfigKey.GPU_ENABLED);
    }

    /**
     * @return {@link ConfigKey#GPU_POOL_FRACTION}, in (0, 1].
     */
    public double gpuPoolFraction()
    {
        return (Double)values.get(ConfigKey.GPU_POOL_FRACTION);
    }

    private static Path configFilePath(final Map<String, String> environment, final String configFileFlag)
    {
        final String text;
        final ConfigSource source;
        if (null != configFileFlag)
        {
            text = configFileFlag.strip();
            source = ConfigSource.flag(CONFIG_FLAG);
        }
        else
        {
            final String envText = null == environment ? null : environment.get(CONFIG_ENV);
            if (null == envText || envText.isBlank())
            {
                return null;
            }
            text = envText.strip();
            source = ConfigSource.environment(CONFIG_ENV);
        }
        if (text.isEmpty())
        {
            throw new ConfigurationException("the configuration file (" + source + ") is empty: give the path of " +
                "a properties file, or leave " + CONFIG_FLAG + " out to run without one");
        }
        try
        {
            return Path.of(text);
        }
        catch (final RuntimeException ex)
        {
            throw new ConfigurationException("the configuration file '" + text + "' (" + source + ") is not a " +
                "valid path: give the path of a properties file", ex);
        }
    }

    private static Object parse(final ConfigKey key, final String text, final ConfigSource source)
    {
        try
        {
            final Object value = key.type().parse(text, key);
            checkValue(key, value);
            return value;
        }
        catch (final IllegalArgumentException ex)
        {
            final boolean inlineComment = source.layer() == ConfigSource.Layer.FILE && text.contains("#");
            throw new ConfigurationException(key.key() + " = '" + text + "' (" + source + ") " + ex.getMessage() +
                ": use " + accepted(key) + (inlineComment ? " (a # comment must be on a line of its own)" : ""));
        }
    }

    private static String accepted(final ConfigKey key)
    {
        return switch (key)
        {
            case NODE_NAME -> "letters, digits, '.', '_' or '-', starting with a letter or digit, e.g. node-1";
            case NODE_HOST -> "a host name or IP address without blanks, e.g. 10.0.0.1";
            case DISCOVERY_ADDRESSES -> "host:port or host:firstPort..lastPort items with ports from 1 to 65535, " +
                "comma separated, e.g. 10.0.0.1:47500..47509,10.0.0.2:47500";
            case HIGH_WATERMARK, LOW_WATERMARK -> "a fraction of the tier's capacity, more than 0 and at most 1, " +
                "e.g. 0.9";
            case GPU_POOL_FRACTION -> "a fraction of the GPU's memory, more than 0 and at most 1, e.g. 0.8";
            case DISCOVERY_KIND -> "ring (Ignite's TCP ring, the default) or zookeeper (Ignite's ZooKeeper " +
                "discovery; set discovery.zookeeper.connect too)";
            case ZOOKEEPER_CONNECT -> "host:port of each ZooKeeper server, comma separated, ports from 1 to 65535, " +
                "e.g. zk1:2181,zk2:2181,zk3:2181";
            case ZOOKEEPER_SESSION_TIMEOUT -> "a whole number of milliseconds from " + key.min() + " to " +
                key.max() + ", e.g. 10000";
            case ZOOKEEPER_ROOT -> "an absolute znode path below /, without a trailing /, e.g. /tierpool/prod";
            case CAPACITY_PUBLISH_THRESHOLD -> "a fraction of the node's capacity from 0 to 1, e.g. 0.01 (1%; 0 " +
                "publishes every second)";
            case CAPACITY_PUBLISH_REFRESH -> "a whole number of milliseconds from " + key.min() + " to " +
                key.max() + ", e.g. 30000";
            default -> key.accepted();
        };
    }

    private static void checkValue(final ConfigKey key, final Object value)
    {
        switch (key)
        {
            case NODE_NAME ->
            {
                if (!NODE_NAME_PATTERN.matcher((String)value).matches())
                {
                    throw new IllegalArgumentException("is not a valid node name");
                }
            }
            case NODE_HOST ->
            {
                if (((String)value).chars().anyMatch(Character::isWhitespace))
                {
                    throw new IllegalArgumentException("is not a host name or address");
                }
            }
            case DISCOVERY_ADDRESSES ->
            {
                @SuppressWarnings("unchecked") final List<String> addresses = (List<String>)value;
                for (final String address : addresses)
                {
                    checkDiscoveryAddress(address);
                }
            }
            case DISCOVERY_KIND -> DiscoveryFactory.Kind.forText((String)value);
            case ZOOKEEPER_CONNECT -> DiscoveryFactory.checkConnect((String)value);
            case ZOOKEEPER_ROOT -> DiscoveryFactory.checkRootPath((String)value);
            case CAPACITY_PUBLISH_THRESHOLD ->
            {
                final double fraction = (Double)value;
                if (!(fraction >= 0 && fraction <= 1))
                {
                    throw new IllegalArgumentException("is outside [0, 1]");
                }
            }
            case HIGH_WATERMARK, LOW_WATERMARK, GPU_POOL_FRACTION ->
            {
                final double fraction = (Double)value;
                if (!(fraction > 0 && fraction <= 1))
                {
                    throw new IllegalArgumentException("is outside (0, 1]");
                }
            }
            default ->
            {
            }
        }
    }

    private static void checkDiscoveryAddress(final String address)
    {
        final Matcher matcher = ADDRESS_PATTERN.matcher(address);
        if (!matcher.matches())
        {
            throw new IllegalArgumentException("has '" + address + "', which is not host:port or host:first..last");
        }
        final int first = Integer.parseInt(matcher.group(2));
        final int last = null == matcher.group(3) ? first : Integer.parseInt(matcher.group(3));
        if (first < 1 || last > 65535 || last < first)
        {
            throw new IllegalArgumentException("has '" + address + "', whose ports are outside 1..65535 or " +
                "end before they start");
        }
    }

    private void checkWatermarks()
    {
        if (lowWatermark() >= highWatermark())
        {
            throw new ConfigurationException(ConfigKey.LOW_WATERMARK.key() + " = '" + text(ConfigKey.LOW_WATERMARK) +
                "' (" + source(ConfigKey.LOW_WATERMARK) + ") is not below " + ConfigKey.HIGH_WATERMARK.key() +
                " = '" + text(ConfigKey.HIGH_WATERMARK) + "' (" + source(ConfigKey.HIGH_WATERMARK) + "): the mover " +
                "demotes from the high watermark down to the low one, so use 0 < low < high <= 1, e.g. 0.75 and 0.9");
        }
    }

    private void checkDirectories()
    {
        for (final ConfigKey key : ConfigKey.values())
        {
            if (key.type() == ValueType.PATH)
            {
                final Path dir = (Path)values.get(key);
                if (Files.exists(dir) && !Files.isDirectory(dir))
                {
                    throw new ConfigurationException(key.key() + " = '" + text(key) + "' (" + source(key) + ") is " +
                        "not a directory: give a directory (one that does not exist yet is created)");
                }
            }
        }
    }

    /**
     * The engine's check ({@link TierSpace#check}), with the settings named as they were given.
     */
    private void checkCapacities()
    {
        TierSpace.check(
            tierSetting("VVRAM", vvramCapacityBytes(), ConfigKey.VVRAM_CAPACITY, ConfigKey.VVRAM_DIR),
            tierSetting("VSSD", vssdCapacityBytes(), ConfigKey.VSSD_CAPACITY, ConfigKey.VSSD_DIR));
    }

    private TierSpace.Setting tierSetting(
        final String tier, final long capacityBytes, final ConfigKey capacityKey, final ConfigKey dirKey)
    {
        return new TierSpace.Setting(
            tier,
            capacityBytes,
            (Path)values.get(dirKey),
            capacityKey.key(),
            capacityKey.key() + " = '" + text(capacityKey) + "' (" + source(capacityKey) + ")",
            dirKey.key(),
            dirKey.key() + " = " + values.get(dirKey) + " (" + source(dirKey) + ")");
    }
}
