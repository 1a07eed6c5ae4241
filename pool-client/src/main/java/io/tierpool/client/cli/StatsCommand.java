/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tierpool.TierPoolException;
import io.tierpool.client.demo.DemoReport;
import io.tierpool.transport.BlockClient;
import io.tierpool.transport.NodeUsage;
import io.tierpool.transport.TierUsage;
import io.tierpool.transport.TransportDriver;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tierpool stats --node host:port}: asks a node daemon over Aeron how full its tiers are and prints a
 * table (or JSON). Starts an embedded media driver for the request and stops it after.
 * <p>
 * Exit codes: 0 printed, 2 bad flags or the node did not answer.
 */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = "Shows a node daemon's tiers (capacity, bytes used, blocks), asked over Aeron.")
public final class StatsCommand implements Callable<Integer>
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--node", required = true, paramLabel = "HOST:PORT",
        description = "The node daemon's Aeron data endpoint, e.g. 127.0.0.1:40501.")
    private String node;

    @Option(names = "--json", description = "Print the usage as JSON: nodeName and tiers (tier, " +
        "capacityBytes, usedBytes, blockCount).")
    private boolean json;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "This client's " +
        "address, where the node sends its answer (default ${DEFAULT-VALUE}; in a container, its host name).")
    private String host;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    private boolean verbose;

    /**
     * Asks the node and prints its tiers.
     *
     * @return 0 when the node answered, 2 otherwise.
     * @throws CommandLine.ParameterException if {@code --node} is not {@code host:port}.
     */
    public Integer call()
    {
        checkEndpoint();
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final NodeUsage usage;
        try (TransportDriver driver = TransportDriver.launch(new TransportDriver.Context());
            BlockClient client = BlockClient.connect(new BlockClient.Context()
                .aeron(driver.aeron())
                .responseEndpoint(host + ":0")))
        {
            usage = client.usage(node);
        }
        catch (final TierPoolException ex)
        {
            err.println("tierpool stats: error: node " + node + " did not answer: " + DemoCommand.describe(ex));
            if (verbose)
            {
                ex.printStackTrace(err);
            }
            err.flush();
            return TierPoolCli.EXIT_ERROR;
        }

        if (json)
        {
            try
            {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(usage));
            }
            catch (final JsonProcessingException ex)
            {
                err.println("tierpool stats: error: cannot write JSON: " + ex.getMessage());
                err.flush();
                return TierPoolCli.EXIT_ERROR;
            }
        }
        else
        {
            out.print(format(node, usage));
        }
        out.flush();
        return 0;
    }

    /**
     * @param endpoint the endpoint asked.
     * @param usage    the node's answer.
     * @return an aligned table of the node's tiers and their total, ending in a newline.
     */
    static String format(final String endpoint, final NodeUsage usage)
    {
        final StringBuilder out = new StringBuilder(512);
        out.append("node ").append(usage.nodeName()).append(" at ").append(endpoint).append('\n');
        final String row = "  %-8s %12s %12s %12s %9s%n";
        out.append(String.format(Locale.ROOT, row, "tier", "capacity", "used", "free", "blocks"));
        for (final TierUsage tier : usage.tiers())
        {
            out.append(String.format(Locale.ROOT, row, tier.tier(), DemoReport.formatBytes(tier.capacityBytes()),
                DemoReport.formatBytes(tier.usedBytes()), DemoReport.formatBytes(tier.freeBytes()),
                tier.blockCount()));
        }
        out.append(String.format(Locale.ROOT, row, "total", DemoReport.formatBytes(usage.capacityBytes()),
            DemoReport.formatBytes(usage.usedBytes()), DemoReport.formatBytes(usage.freeBytes()),
            usage.blockCount()));
        return out.toString();
    }

    private void checkEndpoint()
    {
        final int colon = node.lastIndexOf(':');
        boolean valid = colon > 0 && colon < node.length() - 1;
        if (valid)
        {
            try
            {
                final int port = Integer.parseInt(node.substring(colon + 1));
                valid = port > 0 && port < 65536;
            }
            catch (final NumberFormatException ex)
            {
                valid = false;
            }
        }
        if (!valid)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--node=" + node + " is not host:port " +
                "with a port in 1..65535, e.g. 127.0.0.1:40501");
        }
    }
}
