/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.example;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's "Using the library" path, as a newcomer follows it: the example project the README shows (the files
 * of {@code pool-client/example}, which the README must quote exactly) is copied into an empty directory, built
 * by a separate Maven against this build's artifacts as {@code invoker:install} staged them (never against
 * TierPool artifacts installed in the user's local repository), and run with {@code mvn compile exec:exec}
 * against two node daemons started with {@code deploy/local-cluster.sh up 2}; it must print the block it placed
 * on both nodes and read back exactly the bytes it wrote.
 * <p>
 * The nested Maven resolves everything else (plugins, third-party jars) through a mirror of the main build's
 * local repository, so it needs no network. Ports: Aeron 44211..44212, Ignite and metrics in 55800..55899.
 */
class ExampleProjectTest
{
    private static final String VERSION = "0.1.0-SNAPSHOT";
    private static final String MIRROR_ID = "tierpool-main-local-repo";
    private static final int DATA_BASE_PORT = 44210;
    private static final int DISCOVERY_BASE_PORT = 55800;
    private static final int COMMUNICATION_BASE_PORT = 55820;
    private static final int METRICS_BASE_PORT = 55890;
    /** The two daemons' Aeron endpoints, which the example bootstraps from. */
    private static final String NODES = "127.0.0.1:" + (DATA_BASE_PORT + 1) + ",127.0.0.1:" + (DATA_BASE_PORT + 2);
    private static final long SCRIPT_TIMEOUT_S = 240;
    private static final long MAVEN_TIMEOUT_S = 420;

    @TempDir
    Path tempDir;

    @Test
    @Timeout(value = 900, unit = TimeUnit.SECONDS)
    void shouldBuildTheReadmeExampleAgainstTheStagedArtifactsAndReadBackWhatItWrote() throws Exception
    {
        final Path repo = repoRoot();
        final Path exampleDir = repo.resolve("pool-client/example");
        final List<String> files = List.of("pom.xml", "src/main/java/example/Main.java");
        final String readme = Files.readString(repo.resolve("README.md"));
        for (final String file : files)
        {
            assertTrue(readme.contains(Files.readString(exampleDir.resolve(file))),
                "README.md quotes pool-client/example/" + file + " exactly as it is");
        }

        final Path staged = Paths.get(System.getProperty("tierpool.example.localRepo"));
        final Path clientJar = Paths.get(System.getProperty("tierpool.example.clientJar"));
        assertArrayEquals(Files.readAllBytes(clientJar), Files.readAllBytes(staged.resolve(
            "io/tierpool/tierpool-client/" + VERSION + "/tierpool-client-" + VERSION + ".jar")),
            "invoker:install staged this build's tierpool-client");

        final Path project = Files.createDirectory(tempDir.resolve("hello"));
        for (final String file : files)
        {
            final Path target = project.resolve(file);
            Files.createDirectories(target.getParent());
            Files.copy(exampleDir.resolve(file), target);
        }
        final Path settings = writeSettings(tempDir.resolve("settings.xml"));
        final Path stateDir = tempDir.resolve("cluster");

        final Result up = run(List.of("bash", repo.resolve("deploy/local-cluster.sh").toString(), "up", "2"),
            tempDir, scriptEnvironment(stateDir), SCRIPT_TIMEOUT_S);
        try
        {
            assertEquals(0, up.exitCode, "local-cluster.sh up 2:\n" + up.output);

            final String mvn = Paths.get(System.getProperty("tierpool.example.mavenHome"), "bin", "mvn").toString();
            final Result example = run(List.of(mvn, "-B", "-q", "-nsu", "-s", settings.toString(),
                "-Dmaven.repo.local=" + staged, "compile", "exec:exec"), project, exampleEnvironment(stateDir.resolve("secret")),
                MAVEN_TIMEOUT_S);

            assertEquals(0, example.exitCode, "mvn compile exec:exec of the example:\n" + example.output);
            assertTrue(Pattern.compile("(?m)^block \\d+ is on \\[node-[12], node-[12]]$").matcher(example.output)
                .find(), "the block went to both nodes:\n" + example.output);
            assertTrue(example.output.contains("read back: Hello, far memory! (equal: true)\n"),
                "the bytes read back are those written:\n" + example.output);
            assertTrue(example.output.contains("remote puts 1, remote gets 1, blocks left 0\n"), example.output);
            assertEquals(List.of(), tierPoolArtifactsFromTheMainRepository(staged),
                "the example resolved TierPool only from the staged artifacts");
        }
        finally
        {
            final Result down = run(List.of("bash", repo.resolve("deploy/local-cluster.sh").toString(), "down"),
                tempDir, scriptEnvironment(stateDir), SCRIPT_TIMEOUT_S);
            assertEquals(0, down.exitCode, "local-cluster.sh down:\n" + down.output);
        }
    }

    /**
     * Files of io.tierpool artifacts in the staged repository that Maven downloaded through the mirror of the main
     * local repository rather than found staged ({@code _remote.repositories} names the repository each file came
     * from; staged files name none).
     */
    private static List<String> tierPoolArtifactsFromTheMainRepository(final Path staged) throws IOException
    {
        try (Stream<Path> paths = Files.walk(staged.resolve("io/tierpool")))
        {
            return paths.filter((p) -> p.getFileName().toString().equals("_remote.repositories"))
                .filter((p) ->
                {
                    try
                    {
                        return Files.readString(p).contains(">" + MIRROR_ID + "=");
                    }
                    catch (final IOException ex)
                    {
                        throw new java.io.UncheckedIOException(ex);
                    }
                })
                .map(Path::toString)
                .collect(Collectors.toList());
        }
    }

    private static Path writeSettings(final Path file) throws IOException
    {
        final String mainRepo = Paths.get(System.getProperty("tierpool.example.mainRepo")).toUri().toString();
        return Files.writeString(file, String.join("\n",
            "<settings>",
            "  <mirrors>",
            "    <mirror>",
            "      <id>" + MIRROR_ID + "</id>",
            "      <mirrorOf>*</mirrorOf>",
            "      <url>" + mainRepo + "</url>",
            "    </mirror>",
            "  </mirrors>",
            "</settings>",
            ""));
    }

    private Map<String, String> scriptEnvironment(final Path stateDir)
    {
        return Map.ofEntries(
            Map.entry("TIERPOOL_CLUSTER_DIR", stateDir.toString()),
            Map.entry("TIERPOOL_CLUSTER_DATA_BASE_PORT", Integer.toString(DATA_BASE_PORT)),
            Map.entry("TIERPOOL_CLUSTER_DISCOVERY_BASE_PORT", Integer.toString(DISCOVERY_BASE_PORT)),
            Map.entry("TIERPOOL_CLUSTER_COMMUNICATION_BASE_PORT", Integer.toString(COMMUNICATION_BASE_PORT)),
            Map.entry("TIERPOOL_CLUSTER_METRICS_BASE_PORT", Integer.toString(METRICS_BASE_PORT)),
            Map.entry("TIERPOOL_CLUSTER_STOP_TIMEOUT", "30"),
            Map.entry("TIERPOOL_RAM", "16m"),
            Map.entry("TIERPOOL_VVRAM", "0"),
            Map.entry("TIERPOOL_VSSD", "16m"),
            Map.entry("TIERPOOL_JAVA_OPTS", "-Xms64m -Xmx256m"),
            Map.entry("TIERPOOL_CLIENT_CLASSPATH",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))));
    }

    /**
     * @param secretFile the cluster secret local-cluster.sh made at {@code up}: the example's pool reads it from
     *                   TIERPOOL_SECRET_FILE, as the README's step 4 says.
     */
    private static Map<String, String> exampleEnvironment(final Path secretFile)
    {
        final String javaHome = System.getProperty("java.home");
        return Map.of(
            "TIERPOOL_NODES", NODES,
            "TIERPOOL_SECRET_FILE", secretFile.toString(),
            "JAVA_HOME", javaHome,
            "PATH", Paths.get(javaHome, "bin") + File.pathSeparator + System.getenv("PATH"));
    }

    private Result run(final List<String> command, final Path dir, final Map<String, String> environment,
        final long timeoutS) throws IOException, InterruptedException
    {
        final Path output = Files.createTempFile(tempDir, "run-", ".out");
        final ProcessBuilder builder = new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        final Map<String, String> env = builder.environment();
        env.keySet().removeIf((key) -> key.startsWith("TIERPOOL_") || key.equals("JDK_JAVA_OPTIONS") ||
            key.equals("JAVA_TOOL_OPTIONS") || key.equals("MAVEN_ARGS"));
        env.putAll(environment);
        final Process process = builder.start();
        try
        {
            if (!process.waitFor(timeoutS, TimeUnit.SECONDS))
            {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                return new Result(-1, "timed out after " + timeoutS + " s: " + command + "\n" +
                    Files.readString(output));
            }
            return new Result(process.exitValue(), Files.readString(output));
        }
        finally
        {
            Files.deleteIfExists(output);
        }
    }

    private static Path repoRoot()
    {
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("deploy/local-cluster.sh")))
        {
            dir = dir.getParent();
        }
        if (dir == null)
        {
            throw new IllegalStateException("no deploy/local-cluster.sh at or above " + Paths.get("").toAbsolutePath());
        }
        return dir;
    }

    private static final class Result
    {
        final int exitCode;
        final String output;

        Result(final int exitCode, final String output)
        {
            this.exitCode = exitCode;
            this.output = output;
        }
    }
}
