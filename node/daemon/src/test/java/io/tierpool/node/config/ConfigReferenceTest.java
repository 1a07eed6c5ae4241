/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.config;

import io.tierpool.node.NodeDaemonCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The configuration table against its documentation: the keys agreed for the whole project, the example file
 * in deploy/ and the README's reference table, all generated from {@link ConfigKey} and checked here so that
 * none of them drifts.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConfigReferenceTest
{
    private static final String REGENERATE = "; regenerate it with: java -cp node/daemon/target/classes " +
        "io.tierpool.node.config.ConfigReference example > deploy/node.example.conf";

    @Test
    void shouldDefineExactlyTheAgreedKeysFlagsVariablesAndDefaults()
    {
        final List<List<String>> agreed = List.of(
            List.of("node.name", "--name", "TIERPOOL_NODE_NAME", "node", "string"),
            List.of("node.host", "--host", "TIERPOOL_HOST", "127.0.0.1", "string"),
            List.of("node.port", "--port", "TIERPOOL_PORT", "40500", "port"),
            List.of("discovery.addresses", "--discovery", "TIERPOOL_DISCOVERY", "127.0.0.1:47500..47509", "list"),
            List.of("discovery.port", "--discovery-port", "TIERPOOL_DISCOVERY_PORT", "47500", "port"),
            List.of("discovery.kind", "--discovery-kind", "TIERPOOL_DISCOVERY_KIND", "ring", "string"),
            List.of("discovery.zookeeper.connect", "--zookeeper-connect", "TIERPOOL_ZOOKEEPER_CONNECT",
                "127.0.0.1:2181", "string"),
            List.of("discovery.zookeeper.session.timeout", "--zookeeper-session-timeout",
                "TIERPOOL_ZOOKEEPER_SESSION_TIMEOUT", "10000", "int"),
            List.of("discovery.zookeeper.root", "--zookeeper-root", "TIERPOOL_ZOOKEEPER_ROOT", "/tierpool", "string"),
            List.of("communication.port", "--communication-port", "TIERPOOL_COMMUNICATION_PORT", "47100", "port"),
            List.of("capacity.publish.threshold", "--capacity-publish-threshold", "TIERPOOL_CAPACITY_PUBLISH_THRESHOLD",
                "0.01", "double"),
            List.of("capacity.publish.refresh", "--capacity-publish-refresh", "TIERPOOL_CAPACITY_PUBLISH_REFRESH",
                "30000", "int"),
            List.of("tier.ram.capacity", "--ram", "TIERPOOL_RAM", "256m", "size"),
            List.of("tier.vvram.capacity", "--vvram", "TIERPOOL_VVRAM", "256m", "size"),
            List.of("tier.vvram.dir", "--vvram-dir", "TIERPOOL_VVRAM_DIR", "/dev/shm", "path"),
            List.of("tier.vssd.capacity", "--vssd", "TIERPOOL_VSSD", "1g", "size"),
            List.of("tier.vssd.dir", "--vssd-dir", "TIERPOOL_VSSD_DIR", "java.io.tmpdir", "path"),
            List.of("tier.high.watermark", "--high-watermark", "TIERPOOL_HIGH_WATERMARK", "0.90", "double"),
            List.of("tier.low.watermark", "--low-watermark", "TIERPOOL_LOW_WATERMARK", "0.75", "double"),
            List.of("block.max.size", "--max-block", "TIERPOOL_MAX_BLOCK", "256m", "size"),
            List.of("aeron.dir", "--aeron-dir", "TIERPOOL_AERON_DIR", "/dev/shm", "path"),
            List.of("metrics.port", "--metrics-port", "TIERPOOL_METRICS_PORT", "9400", "port"),
            List.of("security.mode", "--security", "TIERPOOL_SECURITY", "auto", "string"),
            List.of("security.secret.file", "--secret-file", "TIERPOOL_SECRET_FILE", "none", "string"),
            List.of("security.secret.previous.file", "--previous-secret-file", "TIERPOOL_PREVIOUS_SECRET_FILE", "none",
                "string"),
            List.of("security.client.credentials.required", "--client-credentials-required",
                "TIERPOOL_CLIENT_CREDENTIALS_REQUIRED", "false", "boolean"),
            List.of("security.encryption", "--encryption", "TIERPOOL_ENCRYPTION", "false", "boolean"),
            List.of("gpu.enabled", "--gpu-enabled", "TIERPOOL_GPU_ENABLED", "true", "boolean"),
            List.of("gpu.pool.fraction", "--gpu-pool-fraction", "TIERPOOL_GPU_POOL_FRACTION", "0.8", "double"),
            List.of("security.membership", "none", "TIERPOOL_SECURITY_MEMBERSHIP", "off", "string"),
            List.of("security.membership.dir", "none", "TIERPOOL_SECURITY_MEMBERSHIP_DIR", "/etc/tierpool/membership",
                "path"));

        assertEquals(agreed.size(), ConfigKey.values().length);
        for (int i = 0; i < agreed.size(); i++)
        {
            final ConfigKey key = ConfigKey.values()[i];
            assertEquals(agreed.get(i), List.of(key.key(), null == key.flag() ? "none" : key.flag(), key.env(), key.defaultText(), key.type().label()));
            assertEquals(key, ConfigKey.forKey(key.key()));
        }
        assertEquals("--config", NodeConfiguration.CONFIG_FLAG);
        assertEquals("TIERPOOL_CONFIG", NodeConfiguration.CONFIG_ENV);
    }

    @Test
    void shouldKeepTheExampleFileUpToDateWithTheTable() throws IOException
    {
        final String actual = Files.readString(exampleFile(), StandardCharsets.UTF_8);
        assertEquals(ConfigReference.exampleFile(), actual, ConfigReference.EXAMPLE_FILE + " is out of date" + REGENERATE);
    }

    @Test
    void shouldListEveryKeyExactlyOnceInTheExampleFileAndNoOther() throws IOException
    {
        final Pattern setting = Pattern.compile("^([A-Za-z][^\\s=:]*)\\s*[=:]", Pattern.MULTILINE);
        final Matcher matcher = setting.matcher(Files.readString(exampleFile(), StandardCharsets.UTF_8));
        final Set<String> seen = new HashSet<>();
        while (matcher.find())
        {
            final String name = matcher.group(1);
            assertNotNull(ConfigKey.forKey(name), "unknown key in the example file: " + name);
            assertTrue(seen.add(name), "key given twice in the example file: " + name);
        }
        for (final ConfigKey key : ConfigKey.values())
        {
            assertTrue(seen.contains(key.key()), "key missing from the example file: " + key.key());
        }
    }

    @Test
    void shouldParseTheExampleFileCleanlyToTheDefaults()
    {
        final NodeConfiguration config = NodeDaemonCommand.parse(Map.of(), "--config", exampleFile().toString())
            .configuration();
        final NodeConfiguration defaults = NodeDaemonCommand.parse(Map.of()).configuration();
        for (final ConfigKey key : ConfigKey.values())
        {
            assertEquals(ConfigSource.Layer.FILE, config.source(key).layer(), key.key());
            if (key == ConfigKey.VSSD_DIR)
            {
                assertEquals(Path.of(ConfigReference.EXAMPLE_VSSD_DIR), config.value(key));
            }
            else
            {
                assertEquals(defaults.value(key), config.value(key), key.key());
            }
        }
    }

    @Test
    void shouldDocumentEveryKeyAndThePrecedenceInTheReadme() throws IOException
    {
        final String readme = Files.readString(repositoryRoot().resolve("README.md"), StandardCharsets.UTF_8);
        final int section = readme.indexOf("\n## Configuration\n");
        assertTrue(section >= 0, "README.md has a '## Configuration' section");
        final int end = readme.indexOf("\n## ", section + 1);
        final String text = end < 0 ? readme.substring(section) : readme.substring(section, end);
        assertTrue(text.contains(ConfigReference.markdownTable()),
            "README.md's configuration table is out of date; regenerate it with: java -cp node/daemon/target/classes " +
            "io.tierpool.node.config.ConfigReference table");
        assertTrue(text.contains(NodeConfiguration.PRECEDENCE), "README states the precedence rule");
    }

    @Test
    void shouldSuggestTheNearestKey()
    {
        assertEquals(ConfigKey.RAM_CAPACITY, ConfigKey.closest("tier.ram.capcity"));
        assertEquals(ConfigKey.RAM_CAPACITY, ConfigKey.closest("TIERPOOL_RAM"));
        assertEquals(ConfigKey.RAM_CAPACITY, ConfigKey.closest("--ram"));
        assertEquals(ConfigKey.VSSD_DIR, ConfigKey.closest("vssd-dir"));
        assertEquals(ConfigKey.METRICS_PORT, ConfigKey.closest("Metrics.Port"));
        assertEquals(ConfigKey.HIGH_WATERMARK, ConfigKey.closest("tier.hi.watermark"));
        assertEquals(ConfigKey.GPU_ENABLED, ConfigKey.closest("gpu.enable"));
        assertEquals(null, ConfigKey.closest("zookeeper.quorum"));
    }

    private static Path exampleFile()
    {
        return repositoryRoot().resolve(ConfigReference.EXAMPLE_FILE);
    }

    private static Path repositoryRoot()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (null != dir && !(Files.isDirectory(dir.resolve("deploy")) && Files.isRegularFile(dir.resolve("README.md"))))
        {
            dir = dir.getParent();
        }
        assertNotNull(dir, "the repository root (with deploy/ and README.md) above " + Path.of("").toAbsolutePath());
        return dir;
    }
}
