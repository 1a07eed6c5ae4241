/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.TierPoolException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NodeProcessTest
{
    @TempDir
    Path parent;

    @TempDir
    Path markers;

    private NodeProcess process;

    @AfterEach
    void tearDown() throws Exception
    {
        if (null != process)
        {
            process.close();
            assertFalse(process.isAlive(), "child still running");
            assertTrue(ProcessHandle.of(process.pid()).isEmpty(), "child pid still alive");
        }

        try (Stream<Path> left = Files.list(parent))
        {
            assertEquals(List.of(), left.toList(), "files left behind");
        }
    }

    @Test
    @Timeout(60)
    void shouldStartChildWithSharedJvmOptionsAndParseReadyLine() throws Exception
    {
        final Path marker = markers.resolve("stopped");
        process = NodeProcess.start(context()
            .name("node-7")
            .maxHeap("96m")
            .extraJvmOptions(List.of("-Dtierpool.test.extra=yes"))
            .arguments(List.of("ready", marker.toString())));

        final Map<String, String> info = process.readyInfo();
        assertEquals("node-7", info.get("name"));
        assertEquals("127.0.0.1:40501", process.endpoint());
        assertEquals("true", info.get("preferIPv4Stack"), "option from jvm.options");
        assertEquals("yes", info.get("extra"));
        assertTrue(Long.parseLong(info.get("maxHeapMiB")) <= 96, info.toString());
        final Path childTmp = Paths.get(info.get("tmpdir"));
        assertTrue(childTmp.startsWith(process.directory()), childTmp.toString());
        assertTrue(Files.exists(childTmp.resolve("scratch.bin")));

        assertTrue(process.isAlive());
        assertTrue(process.pid() > 0);
        assertTrue(process.directory().startsWith(parent));
        final List<String> tail = process.logTail(10);
        assertTrue(tail.contains("starting up"), tail.toString());
        assertTrue(tail.contains("a line on standard error"), tail.toString());
        assertTrue(tail.get(tail.size() - 1).startsWith(NodeProcess.READY_LINE_PREFIX), tail.toString());
        assertEquals(1, process.logTail(1).size());

        process.close();
        process.close();
        assertFalse(process.isAlive());
        assertEquals("stopped gracefully", Files.readString(marker), "SIGTERM ran the child's shutdown hooks");
        assertFalse(Files.exists(process.directory()));
    }

    @Test
    @Timeout(60)
    void shouldRunChildAfterCommandPrefixAsTheSameProcess() throws Exception
    {
        final Path env = Paths.get("/usr/bin/env");
        assumeTrue(Files.isExecutable(env), "no /usr/bin/env to use as a command prefix");
        final Path marker = markers.resolve("stopped");
        process = NodeProcess.start(context()
            .commandPrefix(List.of(env.toString(), "TIERPOOL_TEST_PREFIXED=by-env"))
            .arguments(List.of("ready", marker.toString())));

        assertEquals("by-env", process.readyInfo().get("prefixed"), "the prefix ran before java");
        assertTrue(ProcessHandle.of(process.pid()).orElseThrow().info().command().orElse("").endsWith("java"),
            "env replaced itself with the JVM, so the pid is the JVM's: " + ProcessHandle.of(process.pid()));

        process.close();
        assertEquals("stopped gracefully", Files.readString(marker), "SIGTERM reached the JVM through the prefix");
    }

    @Test
    @Timeout(60)
    void shouldQuoteThePrefixAndItsErrorWhenThePrefixFails()
    {
        final Path env = Paths.get("/usr/bin/env");
        assumeTrue(Files.isExecutable(env), "no /usr/bin/env to use as a command prefix");
        final TierPoolException ex = assertThrows(TierPoolException.class, () -> NodeProcess.start(context()
            .name("prefixed")
            .commandPrefix(List.of(env.toString(), "/no/such/launcher"))
            .arguments(List.of("ready", markers.resolve("never").toString()))));

        assertTrue(ex.getMessage().contains("command prefix [" + env + ", /no/such/launcher]"), ex.getMessage());
        assertTrue(ex.getMessage().contains("/no/such/launcher"), ex.getMessage());
        assertTrue(ex.getMessage().contains("exited with status"), ex.getMessage());
    }

    @Test
    @Timeout(60)
    void shouldKillChildAtOnce() throws Exception
    {
        final Path marker = markers.resolve("stopped");
        process = NodeProcess.start(context().arguments(List.of("ready", marker.toString())));
        final long pid = process.pid();

        process.kill();

        assertFalse(process.isAlive());
        assertTrue(ProcessHandle.of(pid).isEmpty());
        assertFalse(Files.exists(marker), "SIGKILL must not run shutdown hooks");
        assertTrue(Files.exists(process.logFile()), "log kept until close");
    }

    @Test
    @Timeout(60)
    void shouldKillChildThatIgnoresSigtermAfterStopTimeout()
    {
        process = NodeProcess.start(context().stopTimeoutMs(1_000).arguments(List.of("stubborn")));

        final long startNs = System.nanoTime();
        process.close();
        final long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;

        assertFalse(process.isAlive());
        assertTrue(elapsedMs >= 1_000 && elapsedMs < 12_000, "close took " + elapsedMs + " ms");
    }

    @Test
    @Timeout(60)
    void shouldQuoteLogTailWhenChildExitsBeforeReady()
    {
        final TierPoolException ex = assertThrows(
            TierPoolException.class, () -> NodeProcess.start(context().name("broken").arguments(List.of("exit", "3"))));

        final String message = ex.getMessage();
        assertTrue(message.contains("exited with status 3"), message);
        assertTrue(message.contains("boom: the node could not start"), message);
        assertTrue(message.contains("line 49"), message);
        assertFalse(message.contains("line 10" + System.lineSeparator()), "only the last 40 lines: " + message);
        assertTrue(message.contains("last 40 lines"), message);
    }

    @Test
    @Timeout(60)
    void shouldKillChildThatPrintsNoReadyLineInTime()
    {
        final TierPoolException ex = assertThrows(
            TierPoolException.class, () -> NodeProcess.start(context().readyTimeoutMs(1_500).arguments(List.of("silent"))));

        assertTrue(ex.getMessage().contains("within 1500 ms"), ex.getMessage());
        assertTrue(ex.getMessage().contains("thinking"), ex.getMessage());
        assertTrue(ProcessHandle.allProcesses()
            .noneMatch(p -> p.info().commandLine().orElse("").contains(ReadyLineTestMain.class.getName() + " silent")),
            "silent child still running");
    }

    @Test
    void shouldRejectBadSettingsNamingThem()
    {
        final ConfigurationException heap =
            assertThrows(ConfigurationException.class, () -> context().maxHeap("lots").conclude());
        assertTrue(heap.getMessage().contains("maxHeap") && heap.getMessage().contains("lots"), heap.getMessage());

        final ConfigurationException name =
            assertThrows(ConfigurationException.class, () -> context().name("a/b").conclude());
        assertTrue(name.getMessage().contains("a/b"), name.getMessage());

        final ConfigurationException java =
            assertThrows(ConfigurationException.class, () -> context().javaExecutable("/no/such/java").conclude());
        assertTrue(java.getMessage().contains("/no/such/java"), java.getMessage());

        final ConfigurationException prefix = assertThrows(ConfigurationException.class,
            () -> context().commandPrefix(List.of("ip", "", "exec")).conclude());
        assertTrue(prefix.getMessage().contains("commandPrefix") && prefix.getMessage().contains("[ip, , exec]"),
            prefix.getMessage());
        assertThrows(ConfigurationException.class, () -> context().commandPrefix(null).conclude());
    }

    @Test
    void shouldRoundTripReadyLine()
    {
        final Map<String, String> info = new LinkedHashMap<>();
        info.put("name", "node-1");
        info.put("endpoint", "127.0.0.1:40501");
        info.put("query", "a=b");

        final String line = NodeProcess.formatReadyLine(info);

        assertEquals("TIERPOOL-NODE-READY name=node-1 endpoint=127.0.0.1:40501 query=a=b", line);
        assertEquals(info, NodeProcess.parseReadyLine(line));
        assertNull(NodeProcess.parseReadyLine("TIERPOOL-NODE-READYX name=1"));
        assertThrows(IllegalArgumentException.class, () -> NodeProcess.formatReadyLine(Map.of("name", "two words")));
    }

    @Test
    void shouldReadJvmOptionsWithoutComments()
    {
        final List<String> options = NodeProcess.jvmOptions();

        assertTrue(options.contains("--add-opens=java.base/java.nio=ALL-UNNAMED"), options.toString());
        assertTrue(options.contains("-DIGNITE_UPDATE_NOTIFIER=false"), options.toString());
        assertTrue(options.stream().noneMatch(o -> o.startsWith("#") || o.isBlank()), options.toString());
    }

    private NodeProcess.Context context()
    {
        return new NodeProcess.Context()
            .directoryParent(parent)
            .maxHeap("64m")
            .mainClass(ReadyLineTestMain.class.getName());
    }
}
