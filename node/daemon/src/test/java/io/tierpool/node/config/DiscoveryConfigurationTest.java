/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.config;

import io.tierpool.client.ConfigurationException;
import io.tierpool.node.NodeDaemonCommand;
import io.tierpool.node.cluster.ClusterContext;
import io.tierpool.node.cluster.DiscoveryFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The discovery keys of a node daemon ({@code discovery.kind}, {@code discovery.zookeeper.connect},
 * {@code discovery.zookeeper.session.timeout}, {@code discovery.zookeeper.root}) as operators write them in a file,
 * the environment and flags: merged like every other key, handed to the cluster context, and every bad value
 * rejected with a message naming the key, the value, where it came from and what to write instead.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DiscoveryConfigurationTest
{
    @TempDir
    Path dir;

    @Test
    void shouldDefaultToTheRingWithTheDocumentedZooKeeperSettings()
    {
        final NodeDaemonCommand command = NodeDaemonCommand.parse(Map.of());
        final NodeConfiguration config = command.configuration();
        assertEquals(DiscoveryFactory.Kind.RING, config.discoveryKind());
        assertEquals("127.0.0.1:2181", config.zookeeperConnect());
        assertEquals(10_000, config.zookeeperSessionTimeoutMs());
        assertEquals("/tierpool", config.zookeeperRootPath());

        final DiscoveryFactory discovery = command.clusterContext().conclude().discovery();
        assertEquals(DiscoveryFactory.Kind.RING, discovery.kind());
    }

    @Test
    void shouldReadTheZooKeeperSettingsFromFileEnvironmentAndFlagsInPrecedenceOrder() throws IOException
    {
        final Path file = write("node.conf",
            "discovery.kind = zookeeper",
            "discovery.zookeeper.connect = zk1:2181,zk2:2181,zk3:2181",
            "discovery.zookeeper.session.timeout = 8000",
            "discovery.zookeeper.root = /tierpool/file");
        final NodeDaemonCommand command = NodeDaemonCommand.parse(
            Map.of("TIERPOOL_ZOOKEEPER_SESSION_TIMEOUT", "6000", "TIERPOOL_ZOOKEEPER_ROOT", "/tierpool/env"),
            "--config", file.toString(), "--zookeeper-root", "/tierpool/flag");
        final NodeConfiguration config = command.configuration();

        assertEquals(DiscoveryFactory.Kind.ZOOKEEPER, config.discoveryKind());
        assertEquals("zk1:2181,zk2:2181,zk3:2181", config.zookeeperConnect());
        assertEquals(6_000, config.zookeeperSessionTimeoutMs());
        assertEquals("/tierpool/flag", config.zookeeperRootPath());
        assertEquals(ConfigSource.Layer.FILE, config.source(ConfigKey.DISCOVERY_KIND).layer());
        assertEquals(ConfigSource.Layer.ENVIRONMENT, config.source(ConfigKey.ZOOKEEPER_SESSION_TIMEOUT).layer());
        assertEquals(ConfigSource.Layer.FLAG, config.source(ConfigKey.ZOOKEEPER_ROOT).layer());

        final DiscoveryFactory discovery = command.clusterContext().conclude().discovery();
        assertEquals(DiscoveryFactory.Kind.ZOOKEEPER, discovery.kind());
        assertEquals("zk1:2181,zk2:2181,zk3:2181", discovery.zookeeperConnect());
        assertEquals(6_000, discovery.zookeeperSessionTimeoutMs());
        assertEquals("/tierpool/flag", discovery.zookeeperRootPath());
    }

    @Test
    void shouldAcceptTheKindInAnyCase()
    {
        assertEquals(DiscoveryFactory.Kind.ZOOKEEPER,
            NodeDaemonCommand.parse(Map.of("TIERPOOL_DISCOVERY_KIND", "ZooKeeper")).configuration().discoveryKind());
    }

    @Test
    void shouldRejectAnUnknownDiscoveryKindSayingWhichAreAccepted()
    {
        assertMessage(rejected(Map.of(), "--discovery-kind", "zk"),
            "discovery.kind = 'zk' (flag --discovery-kind) is not a discovery kind",
            "use ring (Ignite's TCP ring, the default) or zookeeper", "discovery.zookeeper.connect");
    }

    @Test
    void shouldRejectMalformedConnectStrings() throws IOException
    {
        assertMessage(rejected(Map.of("TIERPOOL_ZOOKEEPER_CONNECT", "zk1")),
            "discovery.zookeeper.connect = 'zk1' (environment TIERPOOL_ZOOKEEPER_CONNECT) has 'zk1', which is not " +
            "host:port", "e.g. zk1:2181,zk2:2181,zk3:2181");
        assertMessage(rejected(Map.of(), "--zookeeper-connect", "zk1:2181,,zk2:2181"), "has '', which is not host:port");
        assertMessage(rejected(Map.of(), "--zookeeper-connect", "zk1:99999"),
            "has 'zk1:99999', whose port is outside 1..65535");
        assertMessage(rejected(Map.of(), "--zookeeper-connect", "zk1:2181,zk2:2181/tierpool"),
            "has a chroot path", "discovery.zookeeper.root");
        final Path file = write("node.conf", "discovery.zookeeper.connect = zk 1:2181");
        assertMessage(rejected(Map.of(), "--config", file.toString()),
            "discovery.zookeeper.connect = 'zk 1:2181' (file " + file + " line 1)");
    }

    @Test
    void shouldRejectASessionTimeoutThatIsNotWholeMillisecondsInRange()
    {
        assertMessage(rejected(Map.of(), "--zookeeper-session-timeout", "10s"),
            "discovery.zookeeper.session.timeout = '10s' (flag --zookeeper-session-timeout) is not a whole number",
            "a whole number of milliseconds from 1000 to 600000");
        assertMessage(rejected(Map.of("TIERPOOL_ZOOKEEPER_SESSION_TIMEOUT", "500")),
            "discovery.zookeeper.session.timeout = '500'", "from 1000 to 600000");
        assertMessage(rejected(Map.of("TIERPOOL_ZOOKEEPER_SESSION_TIMEOUT", "600001")),
            "discovery.zookeeper.session.timeout = '600001'", "from 1000 to 600000");
    }

    @Test
    void shouldRejectRootPathsZooKeeperWouldRefuse()
    {
        assertMessage(rejected(Map.of(), "--zookeeper-root", "tierpool"),
            "discovery.zookeeper.root = 'tierpool' (flag --zookeeper-root) is not a ZooKeeper path",
            "e.g. /tierpool/prod");
        assertMessage(rejected(Map.of(), "--zookeeper-root", "/tierpool/"), "is not a ZooKeeper path");
        assertMessage(rejected(Map.of(), "--zookeeper-root", "/tier//pool"), "is not a ZooKeeper path");
        assertMessage(rejected(Map.of(), "--zookeeper-root", "/tier/../pool"), "is not a ZooKeeper path");
        assertMessage(rejected(Map.of(), "--zookeeper-root", "/"), "is ZooKeeper's root itself");
    }

    @Test
    void shouldCheckTheZooKeeperSettingsEvenWhileTheKindIsRing()
    {
        assertMessage(rejected(Map.of("TIERPOOL_DISCOVERY_KIND", "ring"), "--zookeeper-root", "nope"),
            "discovery.zookeeper.root = 'nope'");
    }

    @Test
    void shouldTakeTheClusterContextsDefaultsFromSystemPropertiesAndCheckThem()
    {
        System.setProperty(DiscoveryFactory.KIND_PROP_NAME, "zookeeper");
        System.setProperty(DiscoveryFactory.ZOOKEEPER_CONNECT_PROP_NAME, "10.0.0.1:2181,10.0.0.2:2181");
        System.setProperty(DiscoveryFactory.ZOOKEEPER_SESSION_TIMEOUT_PROP_NAME, "7s");
        System.setProperty(DiscoveryFactory.ZOOKEEPER_ROOT_PATH_PROP_NAME, "/tierpool/sys");
        try
        {
            final DiscoveryFactory discovery = new ClusterContext().conclude().discovery();
            assertEquals(DiscoveryFactory.Kind.ZOOKEEPER, discovery.kind());
            assertEquals("10.0.0.1:2181,10.0.0.2:2181", discovery.zookeeperConnect());
            assertEquals(7_000, discovery.zookeeperSessionTimeoutMs());
            assertEquals("/tierpool/sys", discovery.zookeeperRootPath());

            System.setProperty(DiscoveryFactory.KIND_PROP_NAME, "gossip");
            assertMessage(assertThrows(ConfigurationException.class, ClusterContext::new).getMessage(),
                "tierpool.cluster.discoveryKind = 'gossip' is not a discovery kind", "use ring");
            System.setProperty(DiscoveryFactory.KIND_PROP_NAME, "ring");
            System.setProperty(DiscoveryFactory.ZOOKEEPER_SESSION_TIMEOUT_PROP_NAME, "soon");
            assertMessage(assertThrows(ConfigurationException.class, ClusterContext::new).getMessage(),
                "tierpool.cluster.zookeeperSessionTimeout must be a duration such as 10s");
        }
        finally
        {
            System.clearProperty(DiscoveryFactory.KIND_PROP_NAME);
            System.clearProperty(DiscoveryFactory.ZOOKEEPER_CONNECT_PROP_NAME);
            System.clearProperty(DiscoveryFactory.ZOOKEEPER_SESSION_TIMEOUT_PROP_NAME);
            System.clearProperty(DiscoveryFactory.ZOOKEEPER_ROOT_PATH_PROP_NAME);
        }
    }

    @Test
    void shouldNameTheSettingWhenTheClusterContextIsConfiguredInCode()
    {
        assertConcludeRejects(new ClusterContext().discovery(null), "discovery must not be null");
        final ClusterContext noKind = new ClusterContext();
        noKind.discovery().kind(null);
        assertConcludeRejects(noKind, "the discovery kind must be set (tierpool.cluster.discoveryKind)");
        final ClusterContext badConnect = new ClusterContext();
        badConnect.discovery().zookeeperConnect("");
        assertConcludeRejects(badConnect, "tierpool.cluster.zookeeperConnect = '' is empty", "zk1:2181");
        final ClusterContext shortTimeout = new ClusterContext();
        shortTimeout.discovery().zookeeperSessionTimeoutMs(999);
        assertConcludeRejects(shortTimeout, "zookeeperSessionTimeoutMs must be from 1000 to 600000 ms " +
            "(tierpool.cluster.zookeeperSessionTimeout), was 999", "longest GC pause");
        final ClusterContext badRoot = new ClusterContext();
        badRoot.discovery().zookeeperRootPath("relative/path");
        assertConcludeRejects(badRoot, "tierpool.cluster.zookeeperRootPath = 'relative/path' is not a ZooKeeper path");
    }

    private static void assertConcludeRejects(final ClusterContext ctx, final String... parts)
    {
        assertMessage(assertThrows(ConfigurationException.class, ctx::conclude).getMessage(), parts);
    }

    private Path write(final String name, final String... lines) throws IOException
    {
        return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
    }

    private static String rejected(final Map<String, String> env, final String... args)
    {
        return assertThrows(ConfigurationException.class, () -> NodeDaemonCommand.parse(env, args)).getMessage();
    }

    private static void assertMessage(final String message, final String... parts)
    {
        for (final String part : parts)
        {
            assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        }
    }
}
