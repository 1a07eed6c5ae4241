/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.TierPoolException;
import io.tierpool.node.cluster.ClusterContext;
import io.tierpool.node.cluster.DiscoveryFactory;
import io.tierpool.node.cluster.MembershipSecurity;
import io.tierpool.node.config.ConfigKey;
import io.tierpool.node.config.NodeConfiguration;
import io.tierpool.node.config.ValueType;
import io.tierpool.node.engine.BlockStore;
import io.tierpool.node.engine.StoreContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;

/**
 * The node daemon's settings and command line. Every setting has a key in the configuration file, an
 * environment variable and a flag, all listed in one table, {@link ConfigKey}; {@link NodeConfiguration} merges
 * and validates them. picocli parses the flags; their options are built from that table.
 * <p>
 * <b>Precedence</b>, lowest first: {@code default < file < environment < flag}. The built-in default of each key
 * is overridden by the configuration file ({@code --config FILE}, or the file named by {@code TIERPOOL_CONFIG} when
 * the flag is absent; no file when neither is set), which is overridden by the key's environment variable (an
 * empty variable counts as unset), which is overridden by the key's flag. Sizes take {@code k}, {@code m} or
 * {@code g} suffixes ({@code 512m}); watermarks are fractions of a tier's capacity.
 * <p>
 * Bad settings are rejected before anything starts, with an {@link ConfigurationException} that names the key,
 * the value, where it came from and what is accepted; {@link #run} prints it as one line and exits with 2.
 * Instances are filled by {@link #parse(Map, String...)} or {@link #run}; not thread-safe while parsing,
 * read-only afterwards.
 */
@Command(
    name = "tierpool-node",
    mixinStandardHelpOptions = true,
    version = "tierpool-node 0.1.0",
    sortOptions = false,
    description = "Runs a TierPool node daemon: stores blocks that clients spill to it over Aeron, in its own " +
        "RAM, VVRAM (tmpfs) and VSSD (disk) tiers, and joins the cluster through Apache Ignite discovery.%n" +
        "Every setting has a configuration file key, an environment variable and a flag, listed with each option.")
public final class NodeDaemonCommand implements Callable<Integer>
{
    private static final String PROGRAM = "tierpool-node";
    private static final int USAGE_WIDTH = 100;

    String name;
    String host;
    int port;
    List<String> discovery;
    int discoveryPort;
    DiscoveryFactory.Kind discoveryKind;
    String zookeeperConnect;
    long zookeeperSessionTimeoutMs;
    String zookeeperRootPath;
    int communicationPort;
    long ramBytes;
    long vvramBytes;
    long vssdBytes;
    Path vvramDir;
    Path vssdDir;
    Path aeronDir;
    double highWatermark;
    double lowWatermark;
    long maxBlockBytes;
    int metricsPort;

    private final Map<String, String> environment;
    private CommandLine commandLine;
    private ToIntFunction<NodeDaemonCommand> action;
    private NodeConfiguration configuration;

    private NodeDaemonCommand(final Map<String, String> environment)
    {
        this.environment = environment;
    }

    /**
     * Parses the command line with the process environment and runs {@code action} with the settings, printing
     * usage errors and configuration errors as one clear line on standard error.
     *
     * @param args   the command line.
     * @param action what to do with the parsed settings; returns the exit code.
     * @return the exit code: the action's, 0 after {@code --help} or {@code --version}, 2 for a bad command line
     * or a bad setting, 1 for a failure to start.
     */
    public static int run(final String[] args, final ToIntFunction<NodeDaemonCommand> action)
    {
        return run(System.getenv(), args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), action);
    }

    /**
     * Parses the command line with the given environment and runs {@code action} with the settings.
     *
     * @param environment the environment variables to read ({@code System.getenv()} in the daemon).
     * @param args        the command line.
     * @param out         where {@code --help} and {@code --version} print.
     * @param err         where errors print, one line each ({@code tierpool-node: <message>}), no stack trace.
     * @param action      what to do with the parsed settings; returns the exit code.
     * @return the exit code: the action's, 0 after {@code --help} or {@code --version}, 2 for a bad command line
     * or a bad setting ({@link ConfigurationException}), 1 for any other failure.
     */
    public static int run(
        final Map<String, String> environment,
        final String[] args,
        final PrintWriter out,
        final PrintWriter err,
        final ToIntFunction<NodeDaemonCommand> action)
    {
        final NodeDaemonCommand command = new NodeDaemonCommand(environment);
        command.action = action;
        final int exitCode = newCommandLine(command)
            .setOut(out)
            .setErr(err)
            .setParameterExceptionHandler((ex, badArgs) ->
            {
                err.println(PROGRAM + ": " + ex.getMessage() + " (" + PROGRAM + " --help lists every option)");
                CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
                return 2;
            })
            .setExecutionExceptionHandler((ex, cmd, parseResult) ->
            {
                err.println(PROGRAM + ": " +
                    (ex instanceof TierPoolException ? "" : ex.getClass().getSimpleName() + ": ") + ex.getMessage());
                return ex instanceof ConfigurationException ? 2 : 1;
            })
            .execute(args);
        out.flush();
        err.flush();
        return exitCode;
    }

    /**
     * Parses a command line with the process environment into settings without running anything.
     *
     * @param args the command line.
     * @return the validated settings.
     * @throws CommandLine.ParameterException if the command line is malformed (an unknown flag, a missing value).
     * @throws ConfigurationException         if a setting from any layer is invalid.
     * @see #parse(Map, String...)
     */
    public static NodeDaemonCommand parse(final String... args)
    {
        return parse(System.getenv(), args);
    }

    /**
     * Parses a command line with the given environment into settings without running anything: reads the
     * configuration file if one is named, merges the layers and validates them.
     *
     * @param environment the environment variables to read instead of {@code System.getenv()}.
     * @param args        the command line.
     * @return the validated settings.
     * @throws CommandLine.ParameterException if the command line is malformed (an unknown flag, a missing value).
     * @throws ConfigurationException         if a setting from any layer is invalid.
     */
    public static NodeDaemonCommand parse(final Map<String, String> environment, final String... args)
    {
        final NodeDaemonCommand command = new NodeDaemonCommand(environment);
        newCommandLine(command).parseArgs(args);
        command.resolve();
        return command;
    }

    /**
     * @return the full {@code --help} text: every option with its key, environment variable and default, and the
     * precedence rule.
     */
    public static String usage()
    {
        return newCommandLine(new NodeDaemonCommand(Map.of())).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /**
     * Resolves the settings and runs the action given to {@link #run}.
     *
     * @return the action's exit code.
     * @throws ConfigurationException if a setting is invalid.
     */
    public Integer call()
    {
        resolve();
        return action.applyAsInt(this);
    }

    /**
     * @return the merged configuration, with the source of every value.
     */
    public NodeConfiguration configuration()
    {
        return configuration;
    }

    /**
     * @return the local tiers' configuration these settings describe.
     */
    public StoreContext storeContext()
    {
        return new StoreContext()
            .nodeName(name)
            .ramCapacityBytes(ramBytes)
            .vvramCapacityBytes(vvramBytes)
            .vssdCapacityBytes(vssdBytes)
            .vvramDir(vvramDir)
            .vssdDir(vssdDir)
            .highWatermark(highWatermark)
            .lowWatermark(lowWatermark)
            .maxBlockBytes(maxBlockBytes);
    }

    /**
     * @return the cluster membership configuration these settings describe.
     */
    public ClusterContext clusterContext()
    {
        return new ClusterContext()
            .instanceName("tierpool-node-" + name)
            .discoveryAddresses(discovery)
            .localAddress(host)
            .discoveryPort(discoveryPort)
            .communicationPort(communicationPort)
            .discovery(new DiscoveryFactory()
                .kind(discoveryKind)
                .zookeeperConnect(zookeeperConnect)
                .zookeeperSessionTimeoutMs(zookeeperSessionTimeoutMs)
                .zookeeperRootPath(zookeeperRootPath))
            .membershipSecurity(MembershipSecurity.from(configuration, environment));
    }

    /**
     * @return the capacity the node advertises to clients: the sum of its tiers' capacities, in bytes.
     */
    public long capacityBytes()
    {
        return ramBytes + vvramBytes + vssdBytes;
    }

    /**
     * @return the HTTP port for metrics and stats; 0 for any free port, -1 when disabled.
     */
    public int metricsPort()
    {
        return metricsPort;
    }

    /**
     * @return the address the node's endpoints bind.
     */
    public String host()
    {
        return host;
    }

    /**
     * @return the UDP port of the Aeron data endpoint; 0 for any free port.
     */
    public int port()
    {
        return port;
    }

    /**
     * @return the directory in which the embedded Aeron media driver makes its directory.
     */
    public Path aeronDir()
    {
        return aeronDir;
    }

    /**
     * @return the node's name.
     */
    public String name()
    {
        return name;
    }

    private static CommandLine newCommandLine(final NodeDaemonCommand command)
    {
        final CommandLine commandLine = new CommandLine(command);
        final CommandSpec spec = commandLine.getCommandSpec();
        spec.addOption(OptionSpec.builder(NodeConfiguration.CONFIG_FLAG)
            .paramLabel("FILE")
            .type(String.class)
            .description("Configuration file: Java properties, one key = value per line, keys as listed with " +
                "each option below (deploy/node.example.conf has them all).", "env " + NodeConfiguration.CONFIG_ENV,
                "default none")
            .build());
        for (final ConfigKey key : ConfigKey.values())
        {
            if (null == key.flag())
            {
                continue;
            }
            final OptionSpec.Builder option = OptionSpec.builder(key.flag())
                .paramLabel(key.type().label().toUpperCase(Locale.ROOT))
                .description(key.description(), "key " + key.key() + ", env " + key.env(),
                    "default " + key.defaultText());
            if (key.type() == ValueType.LIST)
            {
                option.type(List.class).auxiliaryTypes(String.class).splitRegex(",");
            }
            else
            {
                option.type(String.class);
            }
            spec.addOption(option.build());
        }
        final List<String> footer = new ArrayList<>();
        footer.add("  " + NodeConfiguration.PRECEDENCE);
        footer.add("Each setting takes the value of the highest layer that sets it: a flag wins over its environment " +
            "variable, which wins over the configuration file, which wins over the built-in default. " +
            "Sizes are bytes with an optional k, m or g suffix (powers of 1024). A bad value in any layer " +
            "stops the daemon at start-up with a message naming the key, the value and where it came from.%n");
        footer.add("Settings with no flag (credentials, never on a command line): set them in the file or the " +
            "environment.");
        for (final ConfigKey key : ConfigKey.values())
        {
            if (null == key.flag())
            {
                footer.add("  " + key.key() + ": " + key.description());
                footer.add("      key " + key.key() + ", env " + key.env());
                footer.add("      default " + key.defaultText());
            }
        }
        spec.usageMessage()
            .width(USAGE_WIDTH)
            .footerHeading("%nPrecedence, lowest first:%n")
            .footer(footer.toArray(new String[0]));
        command.commandLine = commandLine;
        return commandLine;
    }

    private void resolve()
    {
        final CommandLine.ParseResult parsed = commandLine.getParseResult();
        final Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
        for (final ConfigKey key : ConfigKey.values())
        {
            if (null != key.flag() && parsed.hasMatchedOption(key.flag()))
            {
                final Object value = parsed.matchedOptionValue(key.flag(), null);
                flags.put(key, value instanceof List<?> list ?
                    String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(value));
            }
        }
        final String configFile = parsed.hasMatchedOption(NodeConfiguration.CONFIG_FLAG) ?
            parsed.matchedOptionValue(NodeConfiguration.CONFIG_FLAG, null) : null;

        final NodeConfiguration config = NodeConfiguration.load(environment, configFile, flags);
        name = config.nodeName();
        host = config.host();
        port = config.port();
        discovery = config.discoveryAddresses();
        discoveryPort = config.discoveryPort();
        discoveryKind = config.discoveryKind();
        zookeeperConnect = config.zookeeperConnect();
        zookeeperSessionTimeoutMs = config.zookeeperSessionTimeoutMs();
        zookeeperRootPath = config.zookeeperRootPath();
        communicationPort = config.communicationPort();
        ramBytes = config.ramCapacityBytes();
        vvramBytes = config.vvramCapacityBytes();
        vssdBytes = config.vssdCapacityBytes();
        vvramDir = config.vvramDir();
        vssdDir = config.vssdDir();
        aeronDir = config.aeronDir();
        highWatermark = config.highWatermark();
        lowWatermark = config.lowWatermark();
        maxBlockBytes = config.maxBlockBytes();
        metricsPort = config.metricsPort();
        configuration = config;
    }
}
