/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierpool.client.Block;
import io.tierpool.client.RemoteNodeStats;
import io.tierpool.client.TierPool;
import io.tierpool.client.cli.TierPoolCli;
import io.tierpool.client.cli.TopTable;
import io.tierpool.client.Hint;
import io.tierpool.transport.ClusterSecret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code deploy/local-cluster.sh} as a user runs it: {@code up 3} starts three node daemon JVMs from
 * {@code node/daemon/target/tierpool-node.jar} that see each other, {@code status} shows their tiers, {@code tierpool top}
 * lists all three, blocks a client places show up in each node's {@code stats}, and {@code down} leaves no process
 * and no file. By default {@code up} also makes a fresh, owner-only cluster secret the nodes require on the data path
 * (a client without it is refused); {@code TIERPOOL_SECURITY=off} opts out with a warning. Ports: Ignite and metrics
 * in 48400..48499, Aeron data 40641..40643.
 */
class LocalClusterScriptTest
{
    private static final int NODES = 3;
    private static final int DATA_BASE_PORT = 40640;
    private static final int DISCOVERY_BASE_PORT = 48400;
    private static final int COMMUNICATION_BASE_PORT = 48420;
    private static final int METRICS_BASE_PORT = 48440;
    private static final String NODE_ENDPOINTS = "127.0.0.1:" + (DATA_BASE_PORT + 1) + ",127.0.0.1:" +
        (DATA_BASE_PORT + 2) + ",127.0.0.1:" + (DATA_BASE_PORT + 3);
    private static final long SCRIPT_TIMEOUT_S = 240;
    private static final int BLOCK_SIZE = 128 * 1024 + 7;
    private static final int BLOCK_COUNT = 24;

    @TempDir
    Path tempDir;

    private Path stateDir;
    private Path script;

    @BeforeEach
    void locateScript()
    {
        script = RepoFiles.root().resolve("deploy/local-cluster.sh");
        stateDir = tempDir.resolve("cluster");
    }

    @AfterEach
    void stopWhateverIsLeft() throws Exception
    {
        if (Files.exists(stateDir))
        {
            final List<Long> pids = nodePids();
            final Optional<Path> shm = shmDir();
            runScript("down");
            for (final long pid : pids)
            {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            shm.ifPresent(LocalClusterScriptTest::deleteRecursively);
            deleteRecursively(stateDir);
        }
    }

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void shouldStartThreeNodesThatSeeEachOtherShowTheirBlocksAndStopLeavingNothing() throws Exception
    {
        final ScriptResult up = runScript("up", Integer.toString(NODES));
        assertEquals(0, up.exitCode(), "up 3:\n" + up.output());
        final Path secretFile = stateDir.resolve("secret");
        assertTrue(up.output().contains("TIERPOOL_SECRET_FILE=" + secretFile),
            "up tells clients where the cluster secret is:\n" + up.output());
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(secretFile),
            "the cluster secret is owner-only");
        assertEquals(ClusterSecret.GENERATED_LENGTH, ClusterSecret.fromFile(secretFile).bytes().length,
            "up wrote a fresh secret with the project's generator");
        for (int i = 1; i <= NODES; i++)
        {
            assertTrue(Files.readString(stateDir.resolve("node-" + i).resolve("node.log"))
                .contains("data-path security ON"), "node-" + i + " requires the cluster secret");
        }
        final CliResult refused = runCliJvm(null, "stats", "--node", "127.0.0.1:" + (DATA_BASE_PORT + 1));
        assertTrue(refused.exitCode() != 0 && (refused.output() + refused.errors()).contains("AUTH_FAILED"),
            "a client without the secret is refused:\n" + refused.output() + refused.errors());
        for (int i = 1; i <= NODES; i++)
        {
            assertTrue(up.output().contains("127.0.0.1:" + (DATA_BASE_PORT + i)), "up prints node-" + i +
                "'s Aeron endpoint:\n" + up.output());
        }
        assertTrue(up.output().contains(TopTable.CLUSTER_ROW + "    " + NODES + " node(s)"),
            "up shows a table of all nodes:\n" + up.output());

        final List<Long> pids = nodePids();
        assertEquals(NODES, pids.size());
        for (final long pid : pids)
        {
            assertTrue(isRunning(pid), "node pid " + pid + " runs after up");
        }
        final Path shm = shmDir().orElseThrow();
        assertTrue(Files.isDirectory(shm), "VVRAM and Aeron live under " + shm);

        final String top = runCliJvm(secretFile, "top", "--once", "--await-nodes", Integer.toString(NODES),
            "--nodes", NODE_ENDPOINTS).expect(0);
        assertEquals(Set.of("node-1", "node-2", "node-3"), nodeNames(top), "top:\n" + top);

        final List<byte[]> contents = new ArrayList<>();
        try (TierPool pool = TierPool.open(new TierPool.Context()
            .nodes(List.of(NODE_ENDPOINTS.split(",")))
            .secretFile(secretFile)
            .awaitNodes(NODES)
            .ramCapacityBytes(256 * 1024)
            .vvramCapacityBytes(0)
            .vssdCapacityBytes(0)
            .vvramDir(tempDir)
            .vssdDir(tempDir)))
        {
            final List<Block> blocks = new ArrayList<>();
            final SplittableRandom random = new SplittableRandom(6);
            for (int i = 0; i < BLOCK_COUNT; i++)
            {
                final byte[] data = new byte[BLOCK_SIZE];
                random.nextBytes(data);
                final Block block = pool.allocate(BLOCK_SIZE, Hint.WARM);
                block.write(0, data);
                blocks.add(block);
                contents.add(data);
            }

            final Map<String, Long> remoteBlocks = new HashMap<>();
            for (final RemoteNodeStats node : pool.stats().remoteNodes())
            {
                remoteBlocks.put(node.nodeName(), node.blocks());
            }
            final long totalRemote = remoteBlocks.values().stream().mapToLong(Long::longValue).sum();
            assertTrue(totalRemote > BLOCK_COUNT / 2, "most blocks live on the nodes: " + remoteBlocks);

            final ScriptResult status = runScript("status");
            assertEquals(0, status.exitCode(), "status:\n" + status.output());
            long statusBlocks = 0;
            for (int i = 1; i <= NODES; i++)
            {
                assertTrue(status.output().contains("node node-" + i + " at 127.0.0.1:" + (DATA_BASE_PORT + i)),
                    "status shows node-" + i + ":\n" + status.output());
            }
            for (final String line : status.output().split("\n"))
            {
                final String[] words = line.trim().split("\\s+");
                if (words.length > 1 && words[0].equals("total"))
                {
                    statusBlocks += Long.parseLong(words[words.length - 1]);
                }
            }
            for (final String tier : List.of("RAM", "VVRAM", "VSSD"))
            {
                assertTrue(status.output().contains("  " + tier + " "), "status shows " + tier + ":\n" + status.output());
            }
            assertEquals(totalRemote, statusBlocks, "status counts the client's blocks:\n" + status.output());

            final ObjectMapper json = new ObjectMapper();
            for (int i = 1; i <= NODES; i++)
            {
                final JsonNode usage = json.readTree(runCliJvm(secretFile, "stats", "--json", "--node",
                    "127.0.0.1:" + (DATA_BASE_PORT + i)).expect(0));
                final String name = usage.get("nodeName").asText();
                long nodeBlocks = 0;
                long nodeBytes = 0;
                for (final JsonNode tier : usage.get("tiers"))
                {
                    nodeBlocks += tier.get("blockCount").asLong();
                    nodeBytes += tier.get("usedBytes").asLong();
                }
                assertEquals(remoteBlocks.getOrDefault(name, 0L), nodeBlocks, "stats --json of " + name + ": " + usage);
                assertTrue(nodeBlocks == 0 || nodeBytes >= nodeBlocks * BLOCK_SIZE, "bytes of " + name + ": " + usage);
            }

            final String topWithBlocks = runCliJvm(secretFile, "top", "--once", "--nodes", NODE_ENDPOINTS).expect(0);
            assertTrue(topWithBlocks.lines().anyMatch((line) -> line.startsWith(TopTable.CLUSTER_ROW) &&
                line.endsWith(" " + totalRemote)), "top's cluster total counts the blocks:\n" + topWithBlocks);

            for (int i = 0; i < BLOCK_COUNT; i++)
            {
                final byte[] copy = new byte[BLOCK_SIZE];
                blocks.get(i).read(0, copy);
                assertArrayEquals(contents.get(i), copy, "block " + i + " reads back as written");
            }
        }

        final ScriptResult down = runScript("down");
        assertEquals(0, down.exitCode(), "down:\n" + down.output());
        for (final long pid : pids)
        {
            assertFalse(isRunning(pid), "node pid " + pid + " is gone after down");
        }
        assertFalse(Files.exists(secretFile), "down removes the cluster secret " + secretFile);
        assertFalse(Files.exists(stateDir), "down removes the state directory " + stateDir);
        assertFalse(Files.exists(shm), "down removes the tmpfs directory " + shm);

        final ScriptResult stopped = runScript("status");
        assertEquals(3, stopped.exitCode(), "status after down:\n" + stopped.output());
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void shouldRunWithAnOpenDataPathOnlyWhenToldToAndSaySo() throws Exception
    {
        final ScriptResult up = runScript(Map.of("TIERPOOL_SECURITY", "off"), "up", "1");
        assertEquals(0, up.exitCode(), "TIERPOOL_SECURITY=off up 1:\n" + up.output());
        assertTrue(up.output().contains("warning: TIERPOOL_SECURITY=off: an open data path"),
            "opting out is logged:\n" + up.output());
        assertTrue(up.output().contains("Data path: OPEN") && !up.output().contains("TIERPOOL_SECRET_FILE="),
            "up says the data path is open and names no secret:\n" + up.output());
        assertFalse(Files.exists(stateDir.resolve("secret")), "no cluster secret is made");
        assertTrue(Files.readString(stateDir.resolve("node-1").resolve("node.log")).contains("data-path security OFF"),
            "the node warns that its data path is open");
        runCli(0, "stats", "--node", "127.0.0.1:" + (DATA_BASE_PORT + 1));

        final ScriptResult down = runScript("down");
        assertEquals(0, down.exitCode(), "down:\n" + down.output());
        assertFalse(Files.exists(stateDir), "down removes the state directory " + stateDir);

        final ScriptResult bad = runScript(Map.of("TIERPOOL_SECURITY", "auto"), "up", "1");
        assertEquals(2, bad.exitCode(), "up refuses a mode other than on or off:\n" + bad.output());
        assertTrue(bad.output().contains("TIERPOOL_SECURITY=auto must be on or off"), bad.output());
        assertFalse(Files.exists(stateDir), "a refused up leaves nothing behind");
    }

    /**
     * Runs the tierpool command line in its own JVM, as a user would, with the cluster secret in its environment
     * (the commands read it from TIERPOOL_SECRET_FILE only); its Aeron and temporary files stay under the test's
     * directory.
     *
     * @param secretFile the cluster secret's file, or null for a client without one.
     */
    private CliResult runCliJvm(final Path secretFile, final String... args) throws IOException, InterruptedException
    {
        final Path work = Files.createTempDirectory(tempDir, "cli-");
        final List<String> command = new ArrayList<>(List.of(
            ProcessHandle.current().info().command().orElse("java"),
            "-Xms64m", "-Xmx256m",
            "-Djava.io.tmpdir=" + work,
            "-Dtierpool.transport.base.dir=" + work,
            "@" + RepoFiles.root().resolve("node/daemon/src/main/resources/io/tierpool/node/jvm.options"),
            "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
            TierPoolCli.class.getName()));
        command.addAll(List.of(args));
        final Path output = Files.createTempFile(tempDir, "cli-", ".out");
        final Path errors = Files.createTempFile(tempDir, "cli-", ".err");
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectOutput(output.toFile())
            .redirectError(errors.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().keySet().removeIf((key) -> key.startsWith("TIERPOOL_"));
        if (null != secretFile)
        {
            builder.environment().put(ClusterSecret.SECRET_FILE_ENV, secretFile.toString());
        }
        final Process process = builder.start();
        try
        {
            if (!process.waitFor(SCRIPT_TIMEOUT_S, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor();
                return new CliResult(-1, String.join(" ", args), Files.readString(output),
                    "timed out after " + SCRIPT_TIMEOUT_S + " s\n" + Files.readString(errors));
            }
            return new CliResult(process.exitValue(), String.join(" ", args), Files.readString(output),
                Files.readString(errors));
        }
        finally
        {
            Files.deleteIfExists(output);
            Files.deleteIfExists(errors);
            deleteRecursively(work);
        }
    }

    private ScriptResult runScript(final String... args) throws IOException, InterruptedException
    {
        return runScript(Map.of(), args);
    }

    private ScriptResult runScript(final Map<String, String> extraEnv, final String... args)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        final Path output = Files.createTempFile(tempDir, "script-", ".out");
        final ProcessBuilder builder = new ProcessBuilder(command)
            .directory(tempDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        final Map<String, String> env = builder.environment();
        env.keySet().removeIf((key) -> key.startsWith("TIERPOOL_"));
        env.put("TIERPOOL_CLUSTER_DIR", stateDir.toString());
        env.put("TIERPOOL_CLUSTER_DATA_BASE_PORT", Integer.toString(DATA_BASE_PORT));
        env.put("TIERPOOL_CLUSTER_DISCOVERY_BASE_PORT", Integer.toString(DISCOVERY_BASE_PORT));
        env.put("TIERPOOL_CLUSTER_COMMUNICATION_BASE_PORT", Integer.toString(COMMUNICATION_BASE_PORT));
        env.put("TIERPOOL_CLUSTER_METRICS_BASE_PORT", Integer.toString(METRICS_BASE_PORT));
        env.put("TIERPOOL_CLUSTER_STOP_TIMEOUT", "30");
        env.put("TIERPOOL_RAM", "8m");
        env.put("TIERPOOL_VVRAM", "8m");
        env.put("TIERPOOL_VSSD", "16m");
        env.put("TIERPOOL_JAVA_OPTS", "-Xms64m -Xmx256m");
        env.put("TIERPOOL_CLIENT_CLASSPATH",
            System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        env.putAll(extraEnv);
        final Process process = builder.start();
        try
        {
            if (!process.waitFor(SCRIPT_TIMEOUT_S, TimeUnit.SECONDS))
            {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                return new ScriptResult(-1, "timed out after " + SCRIPT_TIMEOUT_S + " s:\n" + Files.readString(output));
            }
            return new ScriptResult(process.exitValue(), Files.readString(output));
        }
        finally
        {
            Files.deleteIfExists(output);
        }
    }

    private static String runCli(final int expectedExitCode, final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exitCode = TierPoolCli.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
        assertEquals(expectedExitCode, exitCode, String.join(" ", args) + ":\n" + out + err);
        return out.toString();
    }

    private static Set<String> nodeNames(final String table)
    {
        final Set<String> names = new LinkedHashSet<>();
        table.lines().filter((line) -> line.startsWith("node-")).forEach((line) -> names.add(line.split("\\s+")[0]));
        return names;
    }

    private List<Long> nodePids() throws IOException
    {
        final List<Long> pids = new ArrayList<>();
        for (int i = 1; i <= NODES; i++)
        {
            final Path pidFile = stateDir.resolve("node-" + i).resolve("pid");
            if (Files.exists(pidFile))
            {
                pids.add(Long.parseLong(Files.readString(pidFile).trim()));
            }
        }
        return pids;
    }

    private Optional<Path> shmDir() throws IOException
    {
        final Path file = stateDir.resolve("shm-dir");
        return Files.exists(file) ? Optional.of(Path.of(Files.readString(file).trim())) : Optional.empty();
    }

    /**
     * @return whether the process runs: present, alive and not a zombie waiting for its parent (init) to reap it.
     */
    private static boolean isRunning(final long pid) throws IOException
    {
        final Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive())
        {
            return false;
        }
        final Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat))
        {
            return true;
        }
        final String text;
        try
        {
            text = Files.readString(stat);
        }
        catch (final IOException ex)
        {
            return false;
        }
        final char state = text.charAt(text.lastIndexOf(')') + 2);
        return state != 'Z' && state != 'X';
    }

    private static void deleteRecursively(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private record ScriptResult(int exitCode, String output)
    {
    }

    /**
     * @param output what the command printed on stdout; errors: on stderr.
     */
    private record CliResult(int exitCode, String command, String output, String errors)
    {
        String expect(final int expectedExitCode)
        {
            assertEquals(expectedExitCode, exitCode, command + ":\n" + output + errors);
            return output;
        }
    }
}
