/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node;

import io.tierpool.TierPoolException;
import io.tierpool.node.cluster.ClusterContext;
import io.tierpool.node.engine.BlockStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;

/**
 * The node daemon's command line. Every option has an environment variable of the same meaning; a flag wins over
 * the variable, which wins over the default. Sizes take {@code k}, {@code m} or {@code g} suffixes
 * ({@code 512m}); watermarks are fractions of a tier's capacity.
 */
@Command(
    name = "tierpool-node",
    mixinStandardHelpOptions = true,
    version = "tierpool-node 0.1.0",
    sortOptions = false,
    description = "Runs a TierPool node daemon: stores blocks that clients spill to it over Aeron, in its own " +
        "RAM, VVRAM (tmpfs) and VSSD (disk) tiers, and joins the cluster through Apache Ignite discovery.%n" +
        "Each option shows its environment variable; a flag wins over the variable.")
public final class NodeDaemonCommand implements Callable<Integer>
{
    @Option(names = "--name", description = "Node name, unique in the cluster (env TIERPOOL_NODE_NAME).",
        defaultValue = "${env:TIERPOOL_NODE_NAME:-node}")
    String name;

    @Option(names = "--host", description = "Address the Aeron data endpoint binds (env TIERPOOL_HOST, default ${DEFAULT-VALUE}).",
        defaultValue = "${env:TIERPOOL_HOST:-127.0.0.1}")
    String host;

    @Option(names = "--port", description = "UDP port of the Aeron data endpoint, 0 for any free one (env TIERPOOL_PORT, default ${DEFAULT-VALUE}).",
        defaultValue = "${env:TIERPOOL_PORT:-40500}")
    int port;

    @Option(names = "--discovery", split = ",", description = "Ignite discovery addresses of the cluster, host:port or host:port..port, comma separated (env TIERPOOL_DISCOVERY, default ${DEFAULT-VALUE}).",
        defaultValue = "${env:TIERPOOL_DISCOVERY:-127.0.0.1:47500..47509}")
    List<String> discovery;

    @Option(names = "--discovery-port", description = "Local Ignite discovery port (env TIERPOOL_DISCOVERY_PORT, default ${DEFAULT-VALUE}).",
        defaultValue = "${env:TIERPOOL_DISCOVERY_PORT:-47500}")
    int discoveryPort;

    @Option(names = "--communication-port", description = "Local Ignite communication port (env TIERPOOL_COMMUNICATION_PORT, default ${DEFAULT-VALUE}).",
        defaultValue = "${env:TIERPOOL_COMMUNICATION_PORT:-47100}")
    int communicationPort;

    @Option(names = "--ram", converter = SizeConverter.class, description = "RAM tier capacity (env TIERPOOL_RAM, default ${DEFAULT-VALUE}).",
        defaultValue = "${env:TIERPOOL_RAM:-256m}")
    long ramBytes;

    @Option(names = "--vvram", converter = SizeConverter.class, description = "VVRAM (tmpfs) tier capacity, 0 to disable (env TIERPOOL_VVRAM, default ${DEFAULT-VALUE}).",
        defaultValue = "${env:TIERPOOL_VVRAM:-256m}")
    long vvramBytes;

    @Option(names = "--vssd", converter = SizeConverter.class, description = "VSSD (disk) tier capacity, 0 to disable (env TIERPOOL_VSSD, default ${DEFAULT-VALUE}).",
        defaultValue = "${env:TIERPOOL_VSSD:-1g}")
    long vssdBytes;

    @Option(names = "--vvram-dir", description = "tmpfs directory for VVRAM files (env TIERPOOL_VVRAM_DIR, default ${DEFAULT-VALUE}).",
        defaultValue = "${env:TIERPOOL_VVRAM_DIR:-/dev/shm}")
    Path vvramDir;

    @Option(names = "--vssd-dir", description = "Directory for the VSSD spill file (env TIERPOOL_VSSD_DIR, default ${DEFAULT-VALUE}).",
        defaultValue = "${env:TIERPOOL_VSSD_DIR:-${sys:java.io.tmpdir}}")
    Path vssdDir;

    @Option(names = "--aeron-dir", description = "Where the embedded Aeron media driver makes its directory (env TIERPOOL_AERON_DIR, default ${DEFAULT-VALUE}).",
        defaultValue = "${env:TIERPOOL_AERON_DIR:-/dev/shm}")
    Path aeronDir;

    @Option(names = "--high-watermark", description = "Fraction of a tier's capacity above which it demotes (env TIERPOOL_HIGH_WATERMARK, default ${DEFAULT-VALUE}).",
        defaultValue = "${env:TIERPOOL_HIGH_WATERMARK:-0.90}")
    double highWatermark;

    @Option(names = "--low-watermark", description = "Fraction of a tier's capacity it demotes down to (env TIERPOOL_LOW_WATERMARK, default ${DEFAULT-VALUE}).",
        defaultValue = "${env:TIERPOOL_LOW_WATERMARK:-0.75}")
    double lowWatermark;

    @Option(names = "--max-block", converter = SizeConverter.class, description = "Largest block accepted (env TIERPOOL_MAX_BLOCK, default ${DEFAULT-VALUE}).",
        defaultValue = "${env:TIERPOOL_MAX_BLOCK:-256m}")
    long maxBlockBytes;

    @Option(names = "--metrics-port", description = "HTTP port of the Prometheus /metrics and JSON /stats endpoints, 0 for any free one, -1 to disable (env TIERPOOL_METRICS_PORT, default ${DEFAULT-VALUE}).",
        defaultValue = "${env:TIERPOOL_METRICS_PORT:-9400}")
    int metricsPort;

    private ToIntFunction<NodeDaemonCommand> action;

    /**
     * Parses the command line and runs {@code action} with the settings, printing usage errors and
     * configuration errors as one clear line.
     *
     * @param args   the command line.
     * @param action what to do with the parsed settings; returns the exit code.
     * @return the exit code: the action's, 2 for bad input, 1 for a failure to start.
     */
    public static int run(final String[] args, final ToIntFunction<NodeDaemonCommand> action)
    {
        final NodeDaemonCommand command = new NodeDaemonCommand();
        command.action = action;
        return new CommandLine(command)
            .setExecutionExceptionHandler((ex, cmd, parseResult) ->
            {
                cmd.getErr().println("tierpool-node: " + (ex instanceof TierPoolException ? "" : ex.getClass().getSimpleName() + ": ") + ex.getMessage());
                return ex instanceof io.tierpool.ConfigurationException ? 2 : 1;
            })
            .execute(args);
    }

    /**
     * Parses a command line into settings without running anything.
     *
     * @param args the command line.
     * @return the settings.
     * @throws CommandLine.ParameterException if the command line is invalid.
     */
    public static NodeDaemonCommand parse(final String... args)
    {
        final NodeDaemonCommand command = new NodeDaemonCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    /**
     * {@inheritDoc}
     */
    public Integer call()
    {
        return action.applyAsInt(this);
    }

    /**
     * @return the local tiers' configuration these settings describe.
     */
    public BlockStore.Context storeContext()
    {
        return new BlockStore.Context()
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
            .communicationPort(communicationPort);
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
     * @return the node's name.
     */
    public String name()
    {
        return name;
    }
}
