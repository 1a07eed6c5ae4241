/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.cli;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.TierPoolException;
import io.tierpool.client.NodeView;
import io.tierpool.client.cluster.ClusterClient;
import io.tierpool.transport.BlockClient;
import io.tierpool.transport.TransportDriver;
import org.agrona.CloseHelper;
import org.agrona.SystemUtil;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code tierpool top}: follows the cluster as an observer thin client ({@link ClusterClient} with no lease: it
 * stores nothing), learning the live node daemons from the ones named by {@code --nodes}, and every interval asks
 * each live node daemon over Aeron how full its tiers are and draws the answers as a {@link TopTable}. On a terminal
 * the table is redrawn in place (ANSI clear screen); otherwise each refresh prints a new table. Runs until
 * Ctrl-C, or prints one table with {@code --once}.
 * <p>
 * Exit codes: 0 shown (or stopped by Ctrl-C), 2 bad flags, the cluster could not be joined, fewer than
 * {@code --await-nodes} nodes were live in time, or the cluster was lost.
 */
@Command(
    name = "top",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Lists every live node daemon of a cluster with its tiers' usage (capacity, used, %%, blocks), " +
        "refreshed every --interval until Ctrl-C.",
        "Learns the live node daemons from those at --nodes and asks each over Aeron."
    })
public final class TopCommand implements Callable<Integer>
{
    /**
     * ANSI escape sequence that moves the cursor home and clears the screen.
     */
    public static final String CLEAR_SCREEN = "\033[H\033[2J";

    private static final long MIN_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long STOP_WAIT_MS = 15_000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--nodes", split = ",", paramLabel = "HOST:PORT", defaultValue =
        "${env:TIERPOOL_NODES:-127.0.0.1:40501}",
        description = "Aeron endpoints of one or more node daemons, comma separated; the others are learnt " +
        "from them (env TIERPOOL_NODES, default ${DEFAULT-VALUE}).")
    private List<String> nodes;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
        description = "This client's address, where the nodes send their Aeron answers (default " +
        "${DEFAULT-VALUE}; in a container, its host name).")
    private String host;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s",
        description = "Time between refreshes, with a unit: 1s, 500ms (default ${DEFAULT-VALUE}, at least 100ms).")
    private String interval;

    @Option(names = "--once", description = "Print one table and exit (for scripts).")
    private boolean once;

    @Option(names = "--await-nodes", paramLabel = "COUNT", description = "Wait until at least COUNT nodes are " +
        "live before the first table; fail if they are not within --timeout (default ${DEFAULT-VALUE}).")
    private int awaitNodes = 0;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", description = "How long to " +
        "wait to join the cluster, and again for --await-nodes (default ${DEFAULT-VALUE}).")
    private String timeout;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    private boolean verbose;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    /**
     * Joins the cluster and draws the table until Ctrl-C (or once).
     *
     * @return 0 when shown, 2 on an error (the message says which).
     * @throws CommandLine.ParameterException if a flag is invalid (picocli prints it with the usage).
     */
    public Integer call()
    {
        final long intervalNs = duration("--interval", interval);
        if (intervalNs < MIN_INTERVAL_NS)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--interval=" + interval + " is shorter than 100ms");
        }
        final long timeoutMs = TimeUnit.NANOSECONDS.toMillis(duration("--timeout", timeout));
        if (awaitNodes < 0)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--await-nodes=" + awaitNodes + " must be 0 or more");
        }
        final long clientId = ThreadLocalRandom.current().nextLong();
        final ClusterClient.Context clusterContext = new ClusterClient.Context()
            .bootstrapEndpoints(nodes)
            .leaseTimeoutMs(0)
            .joinTimeoutMs(Math.max(1, timeoutMs));
        try
        {
            clusterContext.conclude();
        }
        catch (final ConfigurationException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage(), ex);
        }

        final Thread hook = once ? null : new Thread(this::stopAndWait, "tierpool-top-shutdown");
        if (null != hook)
        {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        TransportDriver driver = null;
        BlockClient client = null;
        ClusterClient view = null;
        try
        {
            driver = TransportDriver.launch(new TransportDriver.Context());
            client = BlockClient.connect(new BlockClient.Context()
                .aeron(driver.aeron())
                .security(CliSecurity.fromEnvironment())
                .clientId(clientId)
                .responseEndpoint(host + ":0"));
            view = ClusterClient.connect(client, clusterContext);
            if (awaitNodes > 0)
            {
                view.awaitNodes(awaitNodes, timeoutMs);
            }
            return show(view, client, intervalNs);
        }
        catch (final TierPoolException | IllegalStateException ex)
        {
            final PrintWriter err = spec.commandLine().getErr();
            err.println("tierpool top: error: " + DemoCommand.describe(ex));
            if (verbose)
            {
                ex.printStackTrace(err);
            }
            err.flush();
            return TierPoolCli.EXIT_ERROR;
        }
        finally
        {
            CloseHelper.quietCloseAll(view, client, driver);
            stopped.countDown();
            if (null != hook && stopRequested.getCount() > 0)
            {
                removeHook(hook);
            }
        }
    }

    private int show(final ClusterClient view, final BlockClient client, final long intervalNs)
    {
        final PrintWriter out = spec.commandLine().getOut();
        final boolean redraw = !once && null != System.console();
        final String every = once ? "" : ", every " + interval + " (Ctrl-C quits)";
        while (true)
        {
            if (view.liveNodes().isEmpty())
            {
                spec.commandLine().getErr().println("tierpool top: error: lost touch with every node daemon " +
                    "(asked " + nodes + "); are the node daemons still running?");
                return TierPoolCli.EXIT_ERROR;
            }
            final List<TopTable.NodeRow> rows = rows(view.liveNodes(), client);
            final String table = "tierpool top: " + rows.size() + " node(s), " +
                TIME.format(ZonedDateTime.now(ZoneOffset.UTC)) + every + System.lineSeparator() +
                TopTable.format(rows);
            out.print(redraw ? CLEAR_SCREEN + table : table);
            out.flush();
            if (once || awaitStop(intervalNs))
            {
                return 0;
            }
            if (!redraw)
            {
                out.println();
            }
        }
    }

    private static List<TopTable.NodeRow> rows(final List<NodeView> nodes, final BlockClient client)
    {
        final List<TopTable.NodeRow> rows = new ArrayList<>(nodes.size());
        for (final NodeView node : nodes)
        {
            try
            {
                rows.add(new TopTable.NodeRow(node, client.usage(node.endpoint()), null));
            }
            catch (final TierPoolException ex)
            {
                client.disconnect(node.endpoint());
                rows.add(new TopTable.NodeRow(node, null, DemoCommand.describe(ex)));
            }
        }
        return rows;
    }

    private boolean awaitStop(final long intervalNs)
    {
        try
        {
            return stopRequested.await(intervalNs, TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void stopAndWait()
    {
        stopRequested.countDown();
        try
        {
            stopped.await(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private long duration(final String flag, final String value)
    {
        final long ns;
        try
        {
            ns = SystemUtil.parseDuration(flag, value.trim());
        }
        catch (final RuntimeException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                flag + "=" + value + " is not a duration: use a number with a unit, e.g. 1s or 500ms");
        }
        if (ns <= 0 || !value.trim().matches(".*[a-zA-Z]$"))
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                flag + "=" + value + " must be a positive duration with a unit, e.g. 1s or 500ms");
        }
        return ns;
    }

    private static void removeHook(final Thread hook)
    {
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ignore)
        {
            // The JVM is already shutting down: the hook runs and finds the command stopped.
        }
    }
}
