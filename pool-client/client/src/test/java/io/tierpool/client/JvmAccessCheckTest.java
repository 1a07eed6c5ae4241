/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.node.NodeProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client runs on the JVM flags of its {@code io/tierpool/client/jvm.options} alone (a local pool through every
 * local tier; an embedded Aeron media driver and block client storing a block on a real node daemon), and
 * {@link TierPool#open} in a JVM without them fails at once with a {@link ConfigurationException} naming the
 * flag: each checked in a child JVM started with exactly the flags under test (none inherited from this one's
 * argLine or from {@code JDK_JAVA_OPTIONS}). Ports: Aeron 44230, Ignite 55760..55765 (the node daemon's).
 */
class JvmAccessCheckTest
{
    private static final String FLAG = "--add-opens java.base/jdk.internal.misc=ALL-UNNAMED";
    private static final long CHILD_TIMEOUT_S = 60;
    private static final int AERON_PORT = 44230;
    private static final int DISCOVERY_PORT = 55760;

    @Test
    void shouldFindNothingMissingInThisJvm()
    {
        assertEquals(List.of(), JvmAccessCheck.missingFlags(TierPool.class.getModule()));
        JvmAccessCheck.check();
    }

    @Test
    void shouldNameTheModuleForAnApplicationOnTheModulePath()
    {
        assertEquals("--add-opens java.base/jdk.internal.misc=java.sql",
            JvmAccessCheck.flag("java.base/jdk.internal.misc", java.sql.Connection.class.getModule()));
    }

    @Test
    void shouldListExactlyTheCheckedFlagsInTheOptionsResource() throws IOException
    {
        final List<String> expected = JvmAccessCheck.REQUIRED_PACKAGES.stream()
            .map((p) -> "--add-opens=" + p + "=ALL-UNNAMED").collect(Collectors.toList());
        assertEquals(expected, optionLines());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldRefuseToOpenAtOnceNamingTheMissingFlag(@TempDir final Path dir) throws Exception
    {
        final Child child = runProbe(dir, List.of());

        assertEquals(FlagsProbeMain.REFUSED_EXIT_STATUS, child.exitStatus, child.output);
        final String refused = child.line("TIERPOOL-OPEN-REFUSED ");
        assertTrue(refused.contains(FLAG), refused);
        assertTrue(refused.contains("jvm.options"), refused);
        assertFalse(child.output.contains("IllegalAccessError"), child.output);
        final long ms = Long.parseLong(refused.split(" ")[1].substring("ms=".length()));
        assertTrue(ms < 1_000, "open refused the JVM in " + ms + " ms, not at once");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldRunOnTheClientFlagsAlone(@TempDir final Path dir) throws Exception
    {
        final Child child = runProbe(dir, List.of("@" + optionsFile()));

        assertEquals(0, child.exitStatus, child.output);
        assertEquals("TIERPOOL-FLAGS-OK equal=true", child.line("TIERPOOL-FLAGS-OK "));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldAcceptAddExportsAsWell(@TempDir final Path dir) throws Exception
    {
        final Child child = runProbe(dir, List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"));

        assertEquals(0, child.exitStatus, child.output);
        assertEquals("TIERPOOL-FLAGS-OK equal=true", child.line("TIERPOOL-FLAGS-OK "));
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldReachANodeDaemonOverAeronOnTheClientFlagsAlone(@TempDir final Path dir) throws Exception
    {
        final Path nodes = Files.createDirectory(dir.resolve("nodes"));
        try (NodeProcess node = NodeCluster.startNode(nodes, "node-1", AERON_PORT, DISCOVERY_PORT,
            DISCOVERY_PORT + 5, "127.0.0.1:" + DISCOVERY_PORT + ".." + (DISCOVERY_PORT + 1), "4m", "0", "4m"))
        {
            final Path client = Files.createDirectory(dir.resolve("client"));
            final Child child = runChild(client, List.of("@" + optionsFile()), AeronFlagsProbeMain.class,
                List.of(node.endpoint(), client.toString()));

            assertEquals(0, child.exitStatus, child.output);
            assertEquals("TIERPOOL-AERON-OK equal=true usedAfterFree=0", child.line("TIERPOOL-AERON-OK "));
        }
        finally
        {
            NodeCluster.deleteRecursively(nodes);
        }
    }

    private static List<String> optionLines() throws IOException
    {
        try (InputStream in = JvmAccessCheck.class.getResourceAsStream(JvmAccessCheck.OPTIONS_RESOURCE))
        {
            assertNotNull(in, JvmAccessCheck.OPTIONS_RESOURCE + " is on the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                .map(String::strip)
                .filter((line) -> !line.isEmpty() && !line.startsWith("#"))
                .collect(Collectors.toList());
        }
    }

    private static Path optionsFile() throws URISyntaxException
    {
        return Paths.get(JvmAccessCheck.class.getResource(JvmAccessCheck.OPTIONS_RESOURCE).toURI());
    }

    /**
     * Runs {@link FlagsProbeMain} in a child JVM with the test class path, a small heap, its own temporary
     * directory and exactly {@code flags}.
     */
    private static Child runProbe(final Path dir, final List<String> flags) throws IOException, InterruptedException
    {
        return runChild(dir, flags, FlagsProbeMain.class, List.of(dir.toString()));
    }

    /**
     * Runs {@code mainClass} in a child JVM with the test class path, a small heap, {@code dir} as its temporary
     * directory, exactly {@code flags} and the given arguments; empties {@code dir} afterwards.
     */
    private static Child runChild(final Path dir, final List<String> flags, final Class<?> mainClass,
        final List<String> arguments) throws IOException, InterruptedException
    {
        final String java = ProcessHandle.current().info().command()
            .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        final List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-Xmx128m");
        command.add("-Djava.io.tmpdir=" + dir);
        command.addAll(flags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(arguments);
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        final Process process = builder.start();
        final byte[] output;
        try (InputStream in = process.getInputStream())
        {
            output = in.readAllBytes();
        }
        if (!process.waitFor(CHILD_TIMEOUT_S, TimeUnit.SECONDS))
        {
            process.destroyForcibly().waitFor();
        }
        try (Stream<Path> left = Files.list(dir))
        {
            left.forEach(NodeCluster::deleteRecursively);
        }
        return new Child(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static final class Child
    {
        final int exitStatus;
        final String output;

        Child(final int exitStatus, final String output)
        {
            this.exitStatus = exitStatus;
            this.output = output;
        }

        String line(final String prefix)
        {
            return output.lines().filter((l) -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting '" + prefix + "' in:\n" + output));
        }
    }
}
