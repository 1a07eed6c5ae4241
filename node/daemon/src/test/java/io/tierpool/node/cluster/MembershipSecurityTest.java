/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.TierPoolException;
import io.tierpool.node.NodeDaemon;
import io.tierpool.node.NodeProcess;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Membership credentials (issue 14, point 3): node daemons as child JVMs with {@code security.membership = tls}
 * form a cluster; a daemon with other credentials, or with none, cannot join it, and the refusal is in the logs of
 * both sides. Ports: Aeron 42201-42204, Ignite discovery 56400-56403, communication 56451-56454.
 */
class MembershipSecurityTest
{
    private static final int AERON_BASE_PORT = 42200;
    private static final int DISCOVERY_BASE_PORT = 56400;
    private static final int COMMUNICATION_BASE_PORT = 56450;
    private static final String DISCOVERY = "127.0.0.1:56400..56403";
    private static final Pattern CLUSTER_NODES = Pattern.compile("(?m)^tierpool_cluster_nodes\\S* ([0-9.]+)");

    @TempDir
    Path dir;

    private final List<NodeProcess> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(nodes);
    }

    @Test
    void shouldMakeOwnerOnlyCredentialsThatLoadAndRefuseToOverwriteThem() throws IOException
    {
        final Path credentials = MembershipCredentials.generate(dir.resolve("creds"));
        for (final String file : List.of(MembershipCredentials.KEYSTORE_FILE, MembershipCredentials.TRUSTSTORE_FILE,
            MembershipCredentials.PASSWORD_FILE))
        {
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(credentials.resolve(file)), file);
        }
        assertEquals(MembershipSecurity.Mode.TLS, MembershipSecurity.tls(credentials, Map.of()).mode());

        final ConfigurationException again = assertThrows(
            ConfigurationException.class, () -> MembershipCredentials.generate(credentials));
        assertTrue(again.getMessage().contains("already exist"), again.getMessage());

        final ConfigurationException wrongPassword = assertThrows(ConfigurationException.class,
            () -> MembershipSecurity.tls(credentials, Map.of(MembershipCredentials.PASSWORD_ENV, "not-it")));
        assertTrue(wrongPassword.getMessage().contains(MembershipCredentials.KEYSTORE_FILE), wrongPassword.getMessage());

        MembershipCredentials.delete(credentials);
        assertFalse(Files.exists(credentials));
    }

    @Test
    @Timeout(240)
    void shouldRefuseADaemonWithOtherCredentialsOrNoneAndLogTheRefusalOnBothSides() throws Exception
    {
        final Path cluster = MembershipCredentials.generate(dir.resolve("cluster"));
        final Path other = MembershipCredentials.generate(dir.resolve("other"));

        final NodeProcess first = start(1, tls(cluster));
        final NodeProcess second = start(2, tls(cluster));
        awaitClusterNodes(first, 2);
        awaitClusterNodes(second, 2);
        assertTrue(logContains(first, "membership security is TLS"));

        final TierPoolException wrong = assertThrows(TierPoolException.class, () -> start(3, tls(other)));
        assertTrue(wrong.getMessage().contains("membership refused: the TLS handshake with the cluster failed"),
            wrong.getMessage());
        awaitAnyLog(List.of(first, second), "membership refused: a process at");

        final TierPoolException none = assertThrows(TierPoolException.class, () -> start(4, Map.of()));
        assertTrue(none.getMessage().contains("membership refused: the cluster requires membership credentials"),
            none.getMessage());

        assertEquals(2, clusterNodes(first), "the cluster kept out both");
        assertEquals(2, clusterNodes(second), "the cluster kept out both");
        assertFalse(logContains(first, readPassword(cluster)), "password in a log");
    }

    private static Map<String, String> tls(final Path credentials)
    {
        final Map<String, String> env = new HashMap<>();
        env.put("TIERPOOL_SECURITY_MEMBERSHIP", "tls");
        env.put("TIERPOOL_SECURITY_MEMBERSHIP_DIR", credentials.toString());
        return env;
    }

    private NodeProcess start(final int i, final Map<String, String> environment) throws IOException
    {
        final Path nodeDir = Files.createDirectories(dir.resolve("node-" + i));
        final NodeProcess node = NodeProcess.start(new NodeProcess.Context()
            .name("node-" + i)
            .maxHeap("256m")
            .environment(environment)
            .arguments(List.of(
                "--name", "node-" + i,
                "--port", String.valueOf(AERON_BASE_PORT + i),
                "--discovery-port", String.valueOf(DISCOVERY_BASE_PORT + i - 1),
                "--communication-port", String.valueOf(COMMUNICATION_BASE_PORT + i),
                "--discovery", DISCOVERY,
                "--ram", "4m",
                "--vvram", "0",
                "--vssd", "0",
                "--gpu-enabled", "false",
                "--aeron-dir", nodeDir.toString(),
                "--metrics-port", "0")));
        nodes.add(node);
        return node;
    }

    private int clusterNodes(final NodeProcess node) throws IOException, InterruptedException
    {
        // A scrape can time out on a machine loaded with other builds: ask again for up to 60 s.
        final long deadline = System.nanoTime() + 60_000_000_000L;
        HttpResponse<String> response = null;
        while (null == response)
        {
            try
            {
                response = http.send(
                    HttpRequest.newBuilder(URI.create("http://" + node.readyInfo().get(NodeDaemon.READY_KEY_METRICS) +
                        "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            }
            catch (final IOException ex)
            {
                assertTrue(node.isAlive(), node.name() + " exited: " + node.logTail(40));
                if (System.nanoTime() > deadline)
                {
                    throw ex;
                }
                Thread.sleep(200);
            }
        }
        final Matcher matcher = CLUSTER_NODES.matcher(response.body());
        assertTrue(matcher.find(), response.body());
        return (int)Double.parseDouble(matcher.group(1));
    }

    private void awaitClusterNodes(final NodeProcess node, final int count) throws Exception
    {
        final long deadline = System.nanoTime() + 60_000_000_000L;
        int seen;
        while ((seen = clusterNodes(node)) != count)
        {
            assertTrue(System.nanoTime() < deadline, node.name() + " sees " + seen + " nodes, not " + count);
            Thread.sleep(100);
        }
    }

    private static void awaitLog(final NodeProcess node, final String text) throws InterruptedException
    {
        awaitAnyLog(List.of(node), text);
    }

    private static void awaitAnyLog(final List<NodeProcess> nodes, final String text) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (true)
        {
            for (final NodeProcess node : nodes)
            {
                if (logContains(node, text))
                {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "no '" + text + "' in the logs of " + nodes);
            Thread.sleep(100);
        }
    }

    private static boolean logContains(final NodeProcess node, final String text)
    {
        try
        {
            return Files.readString(node.logFile(), StandardCharsets.UTF_8).contains(text);
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private static String readPassword(final Path credentials) throws IOException
    {
        return Files.readString(credentials.resolve(MembershipCredentials.PASSWORD_FILE)).strip();
    }
}
