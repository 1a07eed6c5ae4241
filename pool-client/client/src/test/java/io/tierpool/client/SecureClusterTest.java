/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.node.NodeDaemon;
import io.tierpool.node.NodeProcess;
import io.tierpool.transport.ClusterSecret;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two node daemons as separate JVMs with {@code security.mode=on} and a secret file written as
 * {@code tierpool secret} writes it: a pool given the secret places, reads and frees far blocks byte for byte (with
 * and without encryption); a pool without the secret, or with another one, is refused at open with an error that
 * says what to do, and no block on any node changes; the nodes count the refusals in their metrics.
 * Ports: Aeron 42150-42151, Ignite discovery 56200-56209, communication 56250-56251.
 */
class SecureClusterTest
{
    private static final int BLOCK_SIZE = 64 * 1024 + 13;
    private static final int BLOCK_COUNT = 24;

    private static Path workDir;
    private static Path secretFile;
    private static final List<NodeProcess> NODES = new ArrayList<>();

    @BeforeAll
    static void startNodes() throws IOException
    {
        workDir = Files.createTempDirectory("tierpool-secure-cluster-");
        secretFile = workDir.resolve("cluster.secret");
        ClusterSecret.writeNew(secretFile);
        try
        {
            for (int i = 0; i < 2; i++)
            {
                final String name = "secure-" + (i + 1);
                final Path dir = Files.createDirectories(workDir.resolve(name));
                NODES.add(NodeProcess.start(new NodeProcess.Context()
                    .name(name)
                    .arguments(List.of(
                        "--name", name,
                        "--port", Integer.toString(42150 + i),
                        "--discovery-port", Integer.toString(56200 + i),
                        "--communication-port", Integer.toString(56250 + i),
                        "--discovery", "127.0.0.1:56200..56209",
                        "--ram", "4m", "--vvram", "0", "--vssd", "8m",
                        "--vvram-dir", dir.toString(), "--vssd-dir", dir.toString(), "--aeron-dir", dir.toString(),
                        "--metrics-port", "0",
                        "--security", "on",
                        "--secret-file", secretFile.toString()))
                    .maxHeap("256m")));
            }
        }
        catch (final RuntimeException ex)
        {
            stopNodes();
            throw ex;
        }
    }

    @AfterAll
    static void stopNodes()
    {
        CloseHelper.closeAll(NODES);
        NODES.clear();
        NodeCluster.deleteRecursively(workDir);
    }

    private static TierPool.Context context()
    {
        final List<String> endpoints = new ArrayList<>();
        for (final NodeProcess node : NODES)
        {
            endpoints.add(node.endpoint());
        }
        return NodeCluster.clientContext(endpoints, workDir, NODES.size())
            .ramCapacityBytes(256 * 1024).vvramCapacityBytes(0).vssdCapacityBytes(0);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldServeAPoolWithTheSecretAndRefuseOnesWithoutItOrWithAnotherChangingNoBlock() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(14);
        try (TierPool pool = TierPool.open(context().secretFile(secretFile)))
        {
            final List<Block> blocks = new ArrayList<>();
            final List<byte[]> contents = new ArrayList<>();
            for (int i = 0; i < BLOCK_COUNT; i++)
            {
                final byte[] data = new byte[BLOCK_SIZE];
                random.nextBytes(data);
                final Block block = pool.allocate(BLOCK_SIZE, Hint.WARM);
                block.write(0, data);
                blocks.add(block);
                contents.add(data);
            }
            assertTrue(blocks.stream().anyMatch((b) -> b.tier() == TierKind.REMOTE), "some blocks are far");
            final long usedBefore = settledUsage(pool);
            assertTrue(usedBefore > 0);

            final ClusterUnavailableException noSecret = assertThrows(ClusterUnavailableException.class,
                () -> TierPool.open(context().awaitNodesTimeoutMs(3_000)).close());
            assertTrue(noSecret.getMessage().contains("AUTH_FAILED") &&
                noSecret.getMessage().contains("TIERPOOL_SECRET_FILE"), noSecret.getMessage());

            final Path otherSecret = workDir.resolve("other.secret");
            ClusterSecret.writeNew(otherSecret);
            final ClusterUnavailableException wrongSecret = assertThrows(ClusterUnavailableException.class,
                () -> TierPool.open(context().secretFile(otherSecret).awaitNodesTimeoutMs(3_000)).close());
            assertTrue(wrongSecret.getMessage().contains("different cluster secrets"), wrongSecret.getMessage());

            assertEquals(usedBefore, usedOnNodes(pool), "a refused pool changed what the nodes hold");
            for (int i = 0; i < BLOCK_COUNT; i++)
            {
                final byte[] copy = new byte[BLOCK_SIZE];
                blocks.get(i).read(0, copy);
                assertArrayEquals(contents.get(i), copy, "block " + i);
            }
            for (final Block block : blocks)
            {
                block.free();
            }
            assertEquals(0, usedOnNodes(pool));
        }

        long unauthenticated = 0;
        long handshakeFailed = 0;
        for (final NodeProcess node : NODES)
        {
            final String metrics = metrics(node);
            unauthenticated += counter(metrics, "unauthenticated");
            handshakeFailed += counter(metrics, "handshake_failed");
        }
        assertTrue(unauthenticated > 0, "unauthenticated requests counted in /metrics");
        assertEquals(0, handshakeFailed, "a client with another secret stops at the node's proof");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldRoundTripEveryByteOfFarBlocksWithEncryption()
    {
        final SplittableRandom random = new SplittableRandom(15);
        try (TierPool pool = TierPool.open(context().secretFile(secretFile).encryption(true)))
        {
            final List<Block> blocks = new ArrayList<>();
            final List<byte[]> contents = new ArrayList<>();
            for (int i = 0; i < BLOCK_COUNT; i++)
            {
                final byte[] data = new byte[BLOCK_SIZE * (1 + i % 3)];
                random.nextBytes(data);
                final Block block = pool.allocate(data.length, Hint.WARM);
                block.write(0, data);
                blocks.add(block);
                contents.add(data);
            }
            assertTrue(blocks.stream().anyMatch((b) -> b.tier() == TierKind.REMOTE), "some blocks are far");
            for (int i = 0; i < BLOCK_COUNT; i++)
            {
                final byte[] copy = new byte[contents.get(i).length];
                blocks.get(i).read(0, copy);
                assertArrayEquals(contents.get(i), copy, "block " + i);
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldServeAPoolWithItsOwnCredentialUnderItsOwnIdOnly()
    {
        final long clientId = 0x5EC0DEL;
        final Path credential = workDir.resolve("client.credential");
        ClusterSecret.fromFile(secretFile).writeClientCredential(credential, clientId);
        try (TierPool pool = TierPool.open(context().clientCredential(credential, clientId)))
        {
            final byte[] data = new byte[BLOCK_SIZE];
            new SplittableRandom(16).nextBytes(data);
            final List<Block> blocks = new ArrayList<>();
            for (int i = 0; i < BLOCK_COUNT; i++)
            {
                final Block block = pool.allocate(BLOCK_SIZE, Hint.WARM);
                block.write(0, data);
                blocks.add(block);
            }
            assertTrue(blocks.stream().anyMatch((b) -> b.tier() == TierKind.REMOTE), "some blocks are far");
            for (final Block block : blocks)
            {
                final byte[] copy = new byte[BLOCK_SIZE];
                block.read(0, copy);
                assertArrayEquals(data, copy);
            }
        }

        final ClusterUnavailableException otherId = assertThrows(ClusterUnavailableException.class,
            () -> TierPool.open(context().clientCredential(credential, clientId + 1).awaitNodesTimeoutMs(3_000))
                .close());
        assertTrue(otherId.getMessage().contains("credential"), otherId.getMessage());
    }

    /**
     * @return what the nodes hold once the pool's mover has stopped demoting (the same figure twice, 300 ms apart).
     */
    private static long settledUsage(final TierPool pool) throws InterruptedException
    {
        long previous = -1;
        long used = usedOnNodes(pool);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (used != previous && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(300);
            previous = used;
            used = usedOnNodes(pool);
        }
        return used;
    }

    private static long usedOnNodes(final TierPool pool)
    {
        long used = 0;
        for (final NodeProcess node : NODES)
        {
            used += pool.nodeUsage(node.endpoint()).tiers().stream().mapToLong(TierUsage::usedBytes).sum();
        }
        return used;
    }

    private static String metrics(final NodeProcess node) throws IOException, InterruptedException
    {
        final String port = node.readyInfo().get(NodeDaemon.READY_KEY_METRICS);
        final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static long counter(final String metrics, final String reason)
    {
        final Matcher matcher = Pattern.compile("tierpool_server_security_refused_total\\{[^}]*reason=\"" + reason +
            "\"[^}]*} ([0-9.eE+]+)").matcher(metrics);
        if (!matcher.find())
        {
            throw new UncheckedIOException(new IOException("no refused counter for " + reason + " in " + metrics));
        }
        return (long)Double.parseDouble(matcher.group(1));
    }
}
