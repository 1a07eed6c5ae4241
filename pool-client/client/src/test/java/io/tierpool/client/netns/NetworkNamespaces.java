/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.netns;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test support: a private network of Linux network namespaces joined by a bridge, with nftables faults that can be
 * switched on and off inside each namespace. Root only.
 * <pre>
 *   host namespace                     namespace tpnf&lt;pid&gt;n1      namespace tpnf&lt;pid&gt;n2   ...
 *   bridge tpnf&lt;pid&gt;br 10.213.X.1/24
 *     |-- veth tpnf&lt;pid&gt;v1 ------------- tpnf&lt;pid&gt;p1 10.213.X.11/24, lo up
 *     |-- veth tpnf&lt;pid&gt;v2 -------------------------------------- tpnf&lt;pid&gt;p2 10.213.X.12/24, lo up
 * </pre>
 * Names carry this JVM's pid, so runs never share a name; {@code X} is the first of 10.213.100-199.0/24 (starting
 * from one derived from the pid) that no interface or route of the host uses yet. Traffic stays on the bridge: the
 * namespaces have no route but their /24, and nothing is forwarded out of the host.
 * <p>
 * <b>Faults</b> are one nftables table, {@value #FAULT_TABLE} (family {@code netdev}), inside a namespace, with an
 * ingress and an egress chain on the namespace's end of its veth: every frame that enters or leaves the namespace
 * passes them, ARP included; loopback inside the namespace is not touched. {@link #loss(int, int)} drops that
 * percentage of the frames at random in each direction ({@code numgen random mod 100 < N drop});
 * {@link #partition(int)} drops all of them, as a pulled cable would; {@link #heal(int)} deletes the table. Each
 * change is one atomic {@code nft -f} transaction. Why not the {@code inet} family's input and output hooks: a
 * packet a local socket sends and the output hook drops fails the send with {@code EPERM}, so the sender knows and
 * simply sends it again (Aeron does), which is not a loss; a frame dropped at the device's egress hook is gone
 * without a trace for UDP (the {@code ENOBUFS} is swallowed), as on a wire. (The kernel here has no {@code netem}
 * qdisc, hence nftables rather than {@code tc}.)
 * <p>
 * <b>Skips.</b> {@link #create(int)} aborts the calling test with a JUnit assumption, never a failure, when this
 * process is not root, {@code ip} or {@code nft} is missing, or the namespaces, veths or bridge cannot be made
 * (a container without {@code CAP_NET_ADMIN}); it removes whatever it made first.
 * <p>
 * <b>Cleanup.</b> {@link #close()} deletes the namespaces (which deletes their veth ends and so the host ends) and
 * the bridge; a JVM shutdown hook does the same if the test never closes it. A run killed with SIGKILL leaves its
 * devices behind: {@link #create(int)} first removes those of earlier runs whose pid is no longer alive.
 * <p>
 * Not thread-safe; one test thread uses it. Commands run with a 20 s limit each.
 */
public final class NetworkNamespaces implements AutoCloseable
{
    /** Name of the nftables table holding a namespace's faults. */
    public static final String FAULT_TABLE = "tierpool_fault";

    /** First two octets of the private network. */
    public static final String NETWORK_PREFIX = "10.213.";

    /** Host part of the first namespace's address; namespace {@code i} (0-based) gets {@code FIRST_HOST + i}. */
    public static final int FIRST_HOST = 11;

    /** The largest number of namespaces one instance makes. */
    public static final int MAX_NAMESPACES = 16;

    private static final String NAME_PREFIX = "tpnf";
    private static final Pattern OWN_NAME = Pattern.compile("^" + NAME_PREFIX + "(\\d+)(?:n|v|p|br)\\d*$");
    private static final long COMMAND_TIMEOUT_MS = 20_000;
    private static final List<Path> TOOL_DIRS = List.of(
        Paths.get("/usr/sbin"), Paths.get("/sbin"), Paths.get("/usr/bin"), Paths.get("/bin"));

    private final String prefix;
    private final String ip;
    private final String nft;
    private final String subnet;
    private final List<String> namespaces = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean bridgeMade;
    private boolean closed;

    private NetworkNamespaces(final String ip, final String nft, final String subnet)
    {
        this.prefix = NAME_PREFIX + ProcessHandle.current().pid();
        this.ip = ip;
        this.nft = nft;
        this.subnet = subnet;
        this.shutdownHook = new Thread(this::removeAll, prefix + "-netns-cleanup");
    }

    /**
     * Makes the bridge and {@code count} namespaces, each with its veth, address and loopback up.
     *
     * @param count namespaces to make, 1..{@value #MAX_NAMESPACES}.
     * @return the network, to be closed by the caller.
     * @throws IllegalArgumentException if count is out of range.
     * @throws org.opentest4j.TestAbortedException (a JUnit assumption) when the machine cannot do it: not root,
     *                                             {@code ip} or {@code nft} missing, or a command failed.
     */
    public static NetworkNamespaces create(final int count)
    {
        return create(count, 100, 100);
    }

    /**
     * As {@link #create(int)}, with the /24 taken from {@code 10.213.firstSubnet-(firstSubnet + subnets - 1).0}, so
     * that tests that may run at the same time on one machine keep to subnets of their own.
     *
     * @param count       namespaces to make, 1..{@value #MAX_NAMESPACES}.
     * @param firstSubnet third octet of the first candidate /24, 0..255.
     * @param subnets     how many candidates, 1 or more, ending at or below 255.
     * @return the network, to be closed by the caller.
     * @throws IllegalArgumentException if a number is out of range.
     */
    public static NetworkNamespaces create(final int count, final int firstSubnet, final int subnets)
    {
        if (firstSubnet < 0 || subnets < 1 || firstSubnet + subnets > 256)
        {
            throw new IllegalArgumentException("subnets must lie in 0..255, were " + firstSubnet + " + " + subnets);
        }
        if (count < 1 || count > MAX_NAMESPACES)
        {
            throw new IllegalArgumentException("count must be 1.." + MAX_NAMESPACES + ", was " + count);
        }
        final String ip = findTool("ip");
        final String nft = findTool("nft");
        Assumptions.assumeTrue(null != ip, "network namespaces need the ip command (iproute2); skipped");
        Assumptions.assumeTrue(null != nft, "network faults need nft (apt-get install -y nftables); skipped");
        final Result uid = run(List.of("id", "-u"), null);
        Assumptions.assumeTrue(uid.ok() && "0".equals(uid.output.trim()),
            "network namespaces need root (id -u said " + uid.output.trim() + "); skipped");

        removeStale(ip);
        final String subnet = freeSubnet(ip, firstSubnet, subnets);
        Assumptions.assumeTrue(null != subnet, "no free /24 in " + NETWORK_PREFIX + firstSubnet + "-" +
            (firstSubnet + subnets - 1) + ".0 on this host; skipped");

        final NetworkNamespaces network = new NetworkNamespaces(ip, nft, subnet);
        Runtime.getRuntime().addShutdownHook(network.shutdownHook);
        try
        {
            network.build(count);
        }
        catch (final IllegalStateException ex)
        {
            network.close();
            Assumptions.abort("cannot build network namespaces here (" + ex.getMessage() + "); skipped");
        }
        return network;
    }

    /**
     * @return the bridge's address in the host namespace, where this JVM binds to talk to the namespaces.
     */
    public String bridgeAddress()
    {
        return subnet + "1";
    }

    /**
     * @param index namespace index, 0-based.
     * @return the namespace's address.
     */
    public String address(final int index)
    {
        checkIndex(index);
        return subnet + (FIRST_HOST + index);
    }

    /**
     * @param index namespace index, 0-based.
     * @return the namespace's name.
     */
    public String namespace(final int index)
    {
        checkIndex(index);
        return namespaces.get(index);
    }

    /**
     * @return how many namespaces there are.
     */
    public int size()
    {
        return namespaces.size();
    }

    /**
     * @param index namespace index, 0-based.
     * @return the words that run a command inside the namespace: {@code ip netns exec <name>}.
     */
    public List<String> execPrefix(final int index)
    {
        return List.of(ip, "netns", "exec", namespace(index));
    }

    /**
     * Drops {@code percent} % of the frames that enter and of those that leave the namespace through its veth, at
     * random, replacing any fault installed before.
     *
     * @param index   namespace index, 0-based.
     * @param percent 1..99.
     * @throws IllegalArgumentException if percent is out of range.
     * @throws IllegalStateException    if nft fails; the message quotes it.
     */
    public void loss(final int index, final int percent)
    {
        if (percent < 1 || percent > 99)
        {
            throw new IllegalArgumentException("loss percent must be 1..99, was " + percent);
        }
        installFaults(index, "numgen random mod 100 < " + percent + " drop");
    }

    /**
     * Cuts the namespace off: every frame in or out through its veth is dropped (loopback inside it still works),
     * replacing any fault installed before.
     *
     * @param index namespace index, 0-based.
     * @throws IllegalStateException if nft fails; the message quotes it.
     */
    public void partition(final int index)
    {
        installFaults(index, "drop");
    }

    /**
     * Removes the namespace's faults (loss or partition); does nothing if none is installed.
     *
     * @param index namespace index, 0-based.
     * @throws IllegalStateException if nft fails; the message quotes it.
     */
    public void heal(final int index)
    {
        nft(index, "add table netdev " + FAULT_TABLE + "\ndelete table netdev " + FAULT_TABLE + "\n");
    }

    /**
     * @param index namespace index, 0-based.
     * @return the namespace's nftables ruleset as {@code nft list ruleset} prints it (empty when healed).
     */
    public String ruleset(final int index)
    {
        final Result result = run(List.of(ip, "netns", "exec", namespace(index), nft, "list", "ruleset"), null);
        check(result, "list the rules of " + namespace(index));
        return result.output;
    }

    /**
     * @return the names of this JVM's namespaces and links that exist now (to check that nothing is left).
     */
    public List<String> leftovers()
    {
        return ownNamesPresent(ip, prefix);
    }

    /**
     * Deletes the namespaces and the bridge. Idempotent; failures to delete are ignored (nothing else could be done),
     * {@link #leftovers()} shows what is left.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        catch (final IllegalStateException ignore)
        {
            // The JVM is shutting down: the hook runs removeAll itself.
        }
        removeAll();
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "NetworkNamespaces{bridge=" + prefix + "br " + bridgeAddress() + ", namespaces=" + namespaces + '}';
    }

    private void build(final int count)
    {
        final String bridge = prefix + "br";
        command(List.of(ip, "link", "add", bridge, "type", "bridge"), "add bridge " + bridge);
        bridgeMade = true;
        command(List.of(ip, "addr", "add", bridgeAddress() + "/24", "dev", bridge), "address bridge " + bridge);
        command(List.of(ip, "link", "set", bridge, "up"), "bring up bridge " + bridge);
        for (int i = 0; i < count; i++)
        {
            final String ns = prefix + "n" + (i + 1);
            final String hostEnd = prefix + "v" + (i + 1);
            final String nsEnd = prefix + "p" + (i + 1);
            command(List.of(ip, "netns", "add", ns), "add namespace " + ns);
            namespaces.add(ns);
            command(List.of(ip, "link", "add", hostEnd, "type", "veth", "peer", "name", nsEnd), "add veth " + hostEnd);
            command(List.of(ip, "link", "set", nsEnd, "netns", ns), "move " + nsEnd + " into " + ns);
            command(List.of(ip, "link", "set", hostEnd, "master", bridge), "attach " + hostEnd + " to " + bridge);
            command(List.of(ip, "link", "set", hostEnd, "up"), "bring up " + hostEnd);
            command(List.of(ip, "-n", ns, "addr", "add", address(i) + "/24", "dev", nsEnd), "address " + nsEnd);
            command(List.of(ip, "-n", ns, "link", "set", nsEnd, "up"), "bring up " + nsEnd);
            command(List.of(ip, "-n", ns, "link", "set", "lo", "up"), "bring up lo in " + ns);
        }
    }

    private void installFaults(final int index, final String rule)
    {
        checkIndex(index);
        final String device = prefix + "p" + (index + 1);
        nft(index,
            "add table netdev " + FAULT_TABLE + "\n" +
            "delete table netdev " + FAULT_TABLE + "\n" +
            "table netdev " + FAULT_TABLE + " {\n" +
            "  chain ingress {\n" +
            "    type filter hook ingress device \"" + device + "\" priority 0; policy accept;\n" +
            "    " + rule + "\n" +
            "  }\n" +
            "  chain egress {\n" +
            "    type filter hook egress device \"" + device + "\" priority 0; policy accept;\n" +
            "    " + rule + "\n" +
            "  }\n" +
            "}\n");
    }

    private void nft(final int index, final String script)
    {
        final Result result = run(List.of(ip, "netns", "exec", namespace(index), nft, "-f", "-"), script);
        check(result, "apply nftables in " + namespace(index) + ":\n" + script);
    }

    private void removeAll()
    {
        for (final String ns : namespaces)
        {
            run(List.of(ip, "netns", "del", ns), null);
        }
        namespaces.clear();
        if (bridgeMade)
        {
            run(List.of(ip, "link", "del", prefix + "br"), null);
            bridgeMade = false;
        }
        for (final String name : ownNamesPresent(ip, prefix))
        {
            deleteName(ip, name);
        }
    }

    private void checkIndex(final int index)
    {
        if (index < 0 || index >= namespaces.size())
        {
            throw new IndexOutOfBoundsException("namespace index " + index + " of " + namespaces.size());
        }
    }

    private static void command(final List<String> command, final String what)
    {
        check(run(command, null), what);
    }

    private static void check(final Result result, final String what)
    {
        if (!result.ok())
        {
            throw new IllegalStateException("cannot " + what + ": " + String.join(" ", result.command) +
                " exited with " + result.exitCode + ": " + result.output.trim());
        }
    }

    private static String freeSubnet(final String ip, final int firstSubnet, final int subnets)
    {
        final Result addresses = run(List.of(ip, "-4", "-o", "addr", "show"), null);
        final Result routes = run(List.of(ip, "-4", "route", "show", "table", "all"), null);
        if (!addresses.ok() || !routes.ok())
        {
            return null;
        }
        final String used = addresses.output + "\n" + routes.output;
        final int start = (int)(ProcessHandle.current().pid() % subnets);
        for (int i = 0; i < subnets; i++)
        {
            final String candidate = NETWORK_PREFIX + (firstSubnet + (start + i) % subnets) + ".";
            if (!used.contains(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Deletes namespaces and links of earlier runs (names {@code tpnf<pid>...}) whose pid is no longer alive.
     */
    private static void removeStale(final String ip)
    {
        for (final String name : ownNamesPresent(ip, NAME_PREFIX))
        {
            final Matcher matcher = OWN_NAME.matcher(name);
            if (matcher.matches() && ProcessHandle.of(Long.parseLong(matcher.group(1))).isEmpty())
            {
                deleteName(ip, name);
            }
        }
    }

    private static void deleteName(final String ip, final String name)
    {
        if (name.matches(".*n\\d+$"))
        {
            run(List.of(ip, "netns", "del", name), null);
        }
        else
        {
            run(List.of(ip, "link", "del", name), null);
        }
    }

    private static List<String> ownNamesPresent(final String ip, final String namePrefix)
    {
        final List<String> names = new ArrayList<>();
        final Result netns = run(List.of(ip, "netns", "list"), null);
        for (final String line : netns.output.split("\n"))
        {
            final String name = line.trim().split("\\s+")[0];
            if (name.startsWith(namePrefix) && OWN_NAME.matcher(name).matches())
            {
                names.add(name);
            }
        }
        final Result links = run(List.of(ip, "-o", "link", "show"), null);
        for (final String line : links.output.split("\n"))
        {
            final String[] fields = line.split(":\\s+", 3);
            if (fields.length >= 2)
            {
                final String name = fields[1].split("@")[0].trim();
                if (name.startsWith(namePrefix) && OWN_NAME.matcher(name).matches())
                {
                    names.add(name);
                }
            }
        }
        return Collections.unmodifiableList(names);
    }

    private static String findTool(final String name)
    {
        for (final Path dir : TOOL_DIRS)
        {
            final Path tool = dir.resolve(name);
            if (Files.isExecutable(tool))
            {
                return tool.toString();
            }
        }
        return null;
    }

    private static Result run(final List<String> command, final String input)
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (OutputStream stdin = process.getOutputStream())
            {
                if (null != input)
                {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            final CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() ->
            {
                try (InputStream stdout = process.getInputStream())
                {
                    return stdout.readAllBytes();
                }
                catch (final IOException ex)
                {
                    return ex.toString().getBytes(StandardCharsets.UTF_8);
                }
            });
            if (!process.waitFor(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                return new Result(command, -1, "timed out after " + COMMAND_TIMEOUT_MS + " ms");
            }
            final byte[] bytes = output.get(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return new Result(command, process.exitValue(), new String(bytes, StandardCharsets.UTF_8));
        }
        catch (final IOException | ExecutionException | TimeoutException ex)
        {
            return new Result(command, -1, ex.toString());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return new Result(command, -1, "interrupted");
        }
    }

    private static final class Result
    {
        final List<String> command;
        final int exitCode;
        final String output;

        Result(final List<String> command, final int exitCode, final String output)
        {
            this.command = command;
            this.exitCode = exitCode;
            this.output = output;
        }

        boolean ok()
        {
            return 0 == exitCode;
        }
    }
}
