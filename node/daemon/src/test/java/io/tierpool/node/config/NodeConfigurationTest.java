/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.config;

import io.tierpool.client.ConfigurationException;
import io.tierpool.node.NodeDaemonCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node configuration as operators write it: a file, environment variables and flags, merged in the
 * documented order, and every kind of bad value rejected with a message that names the key, the value and where
 * it came from.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NodeConfigurationTest
{
    @TempDir
    Path dir;

    @Test
    void shouldUseTheDocumentedDefaultsWhenNothingIsSet()
    {
        final NodeConfiguration config = load(Map.of());
        assertEquals("node", config.nodeName());
        assertEquals("127.0.0.1", config.host());
        assertEquals(40500, config.port());
        assertEquals(List.of("127.0.0.1:47500..47509"), config.discoveryAddresses());
        assertEquals(47500, config.discoveryPort());
        assertEquals(47100, config.communicationPort());
        assertEquals(256L << 20, config.ramCapacityBytes());
        assertEquals(256L << 20, config.vvramCapacityBytes());
        assertEquals(Path.of("/dev/shm"), config.vvramDir());
        assertEquals(1L << 30, config.vssdCapacityBytes());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir")), config.vssdDir());
        assertEquals(0.90, config.highWatermark());
        assertEquals(0.75, config.lowWatermark());
        assertEquals(256L << 20, config.maxBlockBytes());
        assertEquals(Path.of("/dev/shm"), config.aeronDir());
        assertEquals(9400, config.metricsPort());
        assertTrue(config.configFile().isEmpty());
        for (final ConfigKey key : ConfigKey.values())
        {
            assertEquals(ConfigSource.DEFAULT, config.source(key), key.key());
        }
    }

    @Test
    void shouldReadEveryKindOfValueFromAFileWithCommentsAndContinuations() throws IOException
    {
        final Path file = write("node.conf",
            "# a comment",
            "! another comment",
            "",
            "node.name = file-node",
            "node.host: 10.1.2.3",
            "   node.port=41000   ",
            "discovery.addresses = 10.1.2.3:47500..47509, \\",
            "    10.1.2.4:47500",
            "tier.ram.capacity = 64M",
            "tier.vvram.capacity = 0",
            "tier.vssd.capacity = 8m",
            "tier.vssd.dir = " + dir,
            "tier.high.watermark = 0.8",
            "tier.low.watermark = .5",
            "block.max.size = 1048576",
            "metrics.port = -1");

        final NodeDaemonCommand settings = NodeDaemonCommand.parse(Map.of(), "--config", file.toString());
        final NodeConfiguration config = settings.configuration();
        assertEquals(file, config.configFile().orElseThrow());
        assertEquals("file-node", settings.name());
        assertEquals("10.1.2.3", settings.host());
        assertEquals(41000, settings.port());
        assertEquals(List.of("10.1.2.3:47500..47509", "10.1.2.4:47500"), settings.clusterContext().discoveryAddresses());
        assertEquals(64L << 20, settings.storeContext().ramCapacityBytes());
        assertEquals(0, settings.storeContext().vvramCapacityBytes());
        assertEquals(8L << 20, settings.storeContext().vssdCapacityBytes());
        assertEquals(dir, settings.storeContext().vssdDir());
        assertEquals(0.8, settings.storeContext().highWatermark());
        assertEquals(0.5, settings.storeContext().lowWatermark());
        assertEquals(1L << 20, settings.storeContext().maxBlockBytes());
        assertEquals(-1, settings.metricsPort());
        assertEquals(ConfigSource.file(file, 4), config.source(ConfigKey.NODE_NAME));
        assertEquals(ConfigSource.file(file, 7), config.source(ConfigKey.DISCOVERY_ADDRESSES));
        assertEquals(ConfigSource.file(file, 9), config.source(ConfigKey.RAM_CAPACITY));
        assertEquals("file " + file + " line 9", config.source(ConfigKey.RAM_CAPACITY).toString());
        assertEquals(ConfigSource.DEFAULT, config.source(ConfigKey.AERON_DIR));
        assertTrue(config.describe().contains("tier.ram.capacity = 64M (file " + file + " line 9)"),
            config.describe().toString());
    }

    @Test
    void shouldLetTheEnvironmentOverrideTheFileAndFlagsOverrideTheEnvironment() throws IOException
    {
        final Path file = write("node.conf",
            "node.name = from-file",
            "node.port = 41001",
            "tier.ram.capacity = 32m",
            "tier.vssd.capacity = 8m",
            "tier.vssd.dir = " + dir,
            "tier.high.watermark = 0.8",
            "metrics.port = 9401");
        final Map<String, String> env = Map.of(
            "TIERPOOL_PORT", "41002",
            "TIERPOOL_RAM", "48m",
            "TIERPOOL_VSSD", "12m",
            "TIERPOOL_HIGH_WATERMARK", "0.85",
            "TIERPOOL_COMMUNICATION_PORT", "47200");

        final NodeConfiguration config = load(env,
            "--config", file.toString(), "--ram", "64m", "--port", "41003", "--discovery-port", "47600");

        assertEquals("from-file", config.nodeName(), "file over default");
        assertEquals(ConfigSource.file(file, 1), config.source(ConfigKey.NODE_NAME));
        assertEquals(41003, config.port(), "flag over environment over file");
        assertEquals(ConfigSource.flag("--port"), config.source(ConfigKey.NODE_PORT));
        assertEquals(64L << 20, config.ramCapacityBytes(), "flag over environment over file");
        assertEquals(12L << 20, config.vssdCapacityBytes(), "environment over file");
        assertEquals(ConfigSource.environment("TIERPOOL_VSSD"), config.source(ConfigKey.VSSD_CAPACITY));
        assertEquals(0.85, config.highWatermark(), "environment over file");
        assertEquals(9401, config.metricsPort(), "file over default");
        assertEquals(47200, config.communicationPort(), "environment over default");
        assertEquals(47600, config.discoveryPort(), "flag over default");
        assertEquals(ConfigSource.DEFAULT, config.source(ConfigKey.AERON_DIR));
    }

    @Test
    void shouldReadTheFileNamedByTheEnvironmentUnlessTheFlagNamesAnother() throws IOException
    {
        final Path envFile = write("env.conf", "node.name = env-file");
        final Path flagFile = write("flag.conf", "node.name = flag-file");

        assertEquals("env-file", load(Map.of("TIERPOOL_CONFIG", envFile.toString())).nodeName());
        assertEquals("flag-file",
            load(Map.of("TIERPOOL_CONFIG", envFile.toString()), "--config", flagFile.toString()).nodeName());
        assertEquals("env", load(Map.of("TIERPOOL_CONFIG", envFile.toString(), "TIERPOOL_NODE_NAME", "env"))
            .nodeName(), "a variable wins over the file that another variable names");
    }

    @Test
    void shouldTreatAnEmptyEnvironmentVariableAsUnset()
    {
        final NodeConfiguration config = load(Map.of("TIERPOOL_RAM", "", "TIERPOOL_PORT", "  ", "TIERPOOL_CONFIG", ""));
        assertEquals(256L << 20, config.ramCapacityBytes());
        assertEquals(40500, config.port());
        assertTrue(config.configFile().isEmpty());
    }

    @Test
    void shouldJoinRepeatedDiscoveryFlags()
    {
        final NodeConfiguration config = load(Map.of(),
            "--discovery", "10.0.0.1:47500..47509", "--discovery", "10.0.0.2:47500,10.0.0.3:47500");
        assertEquals(List.of("10.0.0.1:47500..47509", "10.0.0.2:47500", "10.0.0.3:47500"), config.discoveryAddresses());
    }

    @Test
    void shouldRejectAnUnknownKeyInTheFileAndSuggestTheClosestKnownOne() throws IOException
    {
        final Path file = write("node.conf", "node.name = a", "tier.ram.capacty = 1g");
        assertMessage(rejected(Map.of(), "--config", file.toString()),
            "unknown key 'tier.ram.capacty'", "file " + file + " line 2", "did you mean 'tier.ram.capacity'");

        final Path envName = write("env-name.conf", "TIERPOOL_VSSD = 1g");
        assertMessage(rejected(Map.of(), "--config", envName.toString()),
            "unknown key 'TIERPOOL_VSSD'", "line 1", "did you mean 'tier.vssd.capacity'");

        final Path farOff = write("far-off.conf", "replicas = 2");
        final String message = rejected(Map.of(), "--config", farOff.toString());
        assertMessage(message, "unknown key 'replicas'", "line 1", "deploy/node.example.conf");
        assertFalse(message.contains("did you mean"), message);
    }

    @Test
    void shouldRejectBadSizesFromEveryLayer() throws IOException
    {
        final Path file = write("node.conf", "tier.vssd.capacity = 12Q");
        assertMessage(rejected(Map.of(), "--config", file.toString()),
            "tier.vssd.capacity = '12Q'", "file " + file + " line 1", "is not a size", "k, m or g suffix");
        assertMessage(rejected(Map.of("TIERPOOL_VVRAM", "1.5g")),
            "tier.vvram.capacity = '1.5g'", "environment TIERPOOL_VVRAM", "is not a size");
        assertMessage(rejected(Map.of(), "--max-block", "64mb"),
            "block.max.size = '64mb'", "flag --max-block", "is not a size");
        assertMessage(rejected(Map.of(), "--ram", "99999999999g"),
            "tier.ram.capacity = '99999999999g'", "is too large");
        assertMessage(rejected(Map.of(), "--max-block", "2g"),
            "block.max.size = '2g'", "is out of range", "at most 1073741824 bytes");
        assertMessage(rejected(Map.of(), "--ram", "32"),
            "tier.ram.capacity = '32'", "is out of range", "at least 64 bytes");
    }

    @Test
    void shouldRejectANegativeCapacity() throws IOException
    {
        assertMessage(rejected(Map.of(), "--vssd", "-1g"), "tier.vssd.capacity = '-1g'", "flag --vssd", "is negative",
            "0 or more");
        final Path file = write("node.conf", "tier.ram.capacity = -64m");
        assertMessage(rejected(Map.of(), "--config", file.toString()),
            "tier.ram.capacity = '-64m'", "line 1", "is negative");
    }

    @Test
    void shouldRejectNonNumericPortsAndPortsOutOfRange()
    {
        assertMessage(rejected(Map.of("TIERPOOL_PORT", "http")),
            "node.port = 'http'", "environment TIERPOOL_PORT", "is not a port number", "from 0 to 65535");
        assertMessage(rejected(Map.of(), "--port", "65536"), "node.port = '65536'", "flag --port", "is out of range");
        assertMessage(rejected(Map.of(), "--port", "-1"), "node.port = '-1'", "from 0 to 65535");
        assertMessage(rejected(Map.of(), "--metrics-port", "-2"), "metrics.port = '-2'", "from -1 to 65535");
        assertMessage(rejected(Map.of("TIERPOOL_DISCOVERY_PORT", "0")), "discovery.port = '0'", "from 1 to 65535");
        assertMessage(rejected(Map.of(), "--communication-port", "4.7"), "communication.port = '4.7'",
            "is not a port number");
        assertMessage(rejected(Map.of(), "--port", "99999999999999999999"), "node.port", "is out of range");
        assertEquals(-1, load(Map.of(), "--metrics-port", "-1").metricsPort());
        assertEquals(0, load(Map.of(), "--port", "0").port());
    }

    @Test
    void shouldRejectWatermarksOutsideZeroToOne()
    {
        assertMessage(rejected(Map.of(), "--high-watermark", "1.5"),
            "tier.high.watermark = '1.5'", "flag --high-watermark", "outside (0, 1]");
        assertMessage(rejected(Map.of("TIERPOOL_LOW_WATERMARK", "0")),
            "tier.low.watermark = '0'", "environment TIERPOOL_LOW_WATERMARK", "outside (0, 1]");
        assertMessage(rejected(Map.of(), "--low-watermark", "NaN"), "tier.low.watermark = 'NaN'", "is not a decimal");
        assertMessage(rejected(Map.of(), "--low-watermark", "0.5d"), "tier.low.watermark = '0.5d'", "is not a decimal");
        assertEquals(1.0, load(Map.of(), "--high-watermark", "1").highWatermark());
    }

    @Test
    void shouldReadTheCapacityPublicationSettingsFromEveryLayerAndRejectBadOnes() throws IOException
    {
        final NodeConfiguration defaults = load(Map.of());
        assertEquals(0.01, defaults.capacityPublishThreshold());
        assertEquals(30_000, defaults.capacityPublishRefreshMs());
        final Path file = Files.createTempFile("tierpool-capacity-", ".conf");
        try
        {
            Files.writeString(file, "capacity.publish.threshold = 0.05\ncapacity.publish.refresh = 60000\n");
            final NodeConfiguration fromFile = load(Map.of(), "--config", file.toString());
            assertEquals(0.05, fromFile.capacityPublishThreshold());
            assertEquals(60_000, fromFile.capacityPublishRefreshMs());
        }
        finally
        {
            Files.deleteIfExists(file);
        }
        assertEquals(0.0, load(Map.of("TIERPOOL_CAPACITY_PUBLISH_THRESHOLD", "0")).capacityPublishThreshold());
        assertEquals(1_000, load(Map.of(), "--capacity-publish-refresh", "1000").capacityPublishRefreshMs());

        assertMessage(rejected(Map.of(), "--capacity-publish-threshold", "1.5"),
            "capacity.publish.threshold = '1.5'", "flag --capacity-publish-threshold", "outside [0, 1]",
            "use a fraction of the node's capacity from 0 to 1, e.g. 0.01");
        assertMessage(rejected(Map.of("TIERPOOL_CAPACITY_PUBLISH_THRESHOLD", "1%")),
            "capacity.publish.threshold = '1%'", "environment TIERPOOL_CAPACITY_PUBLISH_THRESHOLD",
            "is not a decimal");
        assertMessage(rejected(Map.of(), "--capacity-publish-refresh", "500"),
            "capacity.publish.refresh = '500'", "from 1000 to 3600000", "e.g. 30000");
        assertMessage(rejected(Map.of("TIERPOOL_CAPACITY_PUBLISH_REFRESH", "30s")),
            "capacity.publish.refresh = '30s'", "is not a whole number");
    }

    @Test
    void shouldRejectALowWatermarkThatIsNotBelowTheHighOne() throws IOException
    {
        final Path file = write("node.conf", "tier.low.watermark = 0.9");
        assertMessage(rejected(Map.of("TIERPOOL_HIGH_WATERMARK", "0.8"), "--config", file.toString()),
            "tier.low.watermark = '0.9' (file " + file + " line 1) is not below tier.high.watermark = '0.8' " +
                "(environment TIERPOOL_HIGH_WATERMARK)", "0 < low < high <= 1");
        assertMessage(rejected(Map.of(), "--low-watermark", "0.9", "--high-watermark", "0.9"),
            "tier.low.watermark = '0.9' (flag --low-watermark) is not below tier.high.watermark = '0.9'");
    }

    @Test
    void shouldRejectACapacityLargerThanTheDiskUnderItsDirectory() throws IOException
    {
        final Path file = write("node.conf", "tier.vssd.dir = " + dir, "tier.vssd.capacity = 100000g");
        assertMessage(rejected(Map.of(), "--config", file.toString()),
            "tier.vssd.capacity = '100000g' (file " + file + " line 2) is 107374182400000 bytes",
            "more than the filesystem of tier.vssd.dir = " + dir + " (file " + file + " line 1) can hold",
            "usable on", "lower tier.vssd.capacity", "for the VSSD tier");

        assertMessage(rejected(Map.of("TIERPOOL_VSSD_DIR", dir.resolve("not/yet/made").toString()),
            "--vssd", "1000000000000000000"), "tier.vssd.capacity = '1000000000000000000' (flag --vssd)",
            "more than the filesystem of tier.vssd.dir");
    }

    @Test
    void shouldRejectAVvramCapacityLargerThanItsTmpfs()
    {
        assertMessage(rejected(Map.of(), "--vvram", "100000g", "--vvram-dir", dir.toString()),
            "tier.vvram.capacity = '100000g' (flag --vvram)", "tier.vvram.dir = " + dir + " (flag --vvram-dir)",
            "usable on");

        final Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm))
        {
            assertMessage(rejected(Map.of("TIERPOOL_VVRAM", "100000g")),
                "tier.vvram.capacity = '100000g' (environment TIERPOOL_VVRAM)", "tier.vvram.dir = /dev/shm (default)",
                "tmpfs", "shm_size");
        }
    }

    @Test
    void shouldRejectVvramAndVssdTogetherLargerThanTheFilesystemTheyShare() throws IOException
    {
        final long usable = Files.getFileStore(dir).getUsableSpace();
        final String each = (usable / 10 * 6) + "";
        final Map<String, String> env = new HashMap<>();
        env.put("TIERPOOL_VVRAM_DIR", dir.toString());
        env.put("TIERPOOL_VSSD_DIR", dir.toString());
        env.put("TIERPOOL_VVRAM", each);
        assertMessage(rejected(env, "--vssd", each),
            "tier.vvram.capacity = '" + each + "' (environment TIERPOOL_VVRAM) plus tier.vssd.capacity = '" + each +
                "' (flag --vssd) is more than the filesystem they share can hold");
    }

    @Test
    void shouldRejectAMissingConfigurationFile()
    {
        final Path missing = dir.resolve("missing.conf");
        assertMessage(rejected(Map.of(), "--config", missing.toString()),
            "configuration file " + missing + " (from flag --config) does not exist");
        assertMessage(rejected(Map.of("TIERPOOL_CONFIG", missing.toString())),
            "configuration file " + missing + " (from environment TIERPOOL_CONFIG) does not exist");
        assertMessage(rejected(Map.of(), "--config", dir.toString()), "is not a regular file");
    }

    @Test
    void shouldRejectMalformedLinesDuplicateKeysAndEmptyValues() throws IOException
    {
        final Path noSeparator = write("a.conf", "# ok", "tier.ram.capacity 1g");
        assertMessage(rejected(Map.of(), "--config", noSeparator.toString()),
            "'tier.ram.capacity 1g' (file " + noSeparator + " line 2) is not a setting", "key = value");

        final Path twice = write("b.conf", "node.port = 41000", "", "node.port = 41001");
        assertMessage(rejected(Map.of(), "--config", twice.toString()),
            "node.port = 41001 (file " + twice + " line 3) is given twice", "on line 1");

        final Path empty = write("c.conf", "node.host =");
        assertMessage(rejected(Map.of(), "--config", empty.toString()),
            "node.host (file " + empty + " line 1) has no value", "remove the line to use the default 127.0.0.1");

        final Path inlineComment = write("d.conf", "tier.ram.capacity = 1g   # one gig");
        assertMessage(rejected(Map.of(), "--config", inlineComment.toString()),
            "tier.ram.capacity = '1g   # one gig'", "is not a size", "a # comment must be on a line of its own");

        assertMessage(rejected(Map.of(), "--host", ""), "node.host (flag --host) has no value");
    }

    @Test
    void shouldRejectABadValueEvenWhenAHigherLayerOverridesIt() throws IOException
    {
        final Path file = write("node.conf", "tier.ram.capacity = 12Q");
        assertMessage(rejected(Map.of("TIERPOOL_RAM", "64m"), "--config", file.toString(), "--ram", "128m"),
            "tier.ram.capacity = '12Q' (file " + file + " line 1) is not a size");
        assertMessage(rejected(Map.of("TIERPOOL_PORT", "x"), "--port", "41000"),
            "node.port = 'x' (environment TIERPOOL_PORT)");
    }

    @Test
    void shouldRejectBadNamesHostsDiscoveryAddressesAndDirectories() throws IOException
    {
        assertMessage(rejected(Map.of(), "--name", "node 1"), "node.name = 'node 1'", "letters, digits");
        assertMessage(rejected(Map.of("TIERPOOL_HOST", "a b")), "node.host = 'a b'", "without blanks");
        assertMessage(rejected(Map.of(), "--discovery", "10.0.0.1"),
            "discovery.addresses = '10.0.0.1' (flag --discovery)", "not host:port");
        assertMessage(rejected(Map.of("TIERPOOL_DISCOVERY", "h:47509..47500")),
            "discovery.addresses = 'h:47509..47500'", "ports are outside 1..65535");
        assertMessage(rejected(Map.of("TIERPOOL_DISCOVERY", " , ")), "discovery.addresses", "has no items");

        final Path notADir = write("file.txt", "x");
        assertMessage(rejected(Map.of(), "--vssd-dir", notADir.toString()),
            "tier.vssd.dir = '" + notADir + "' (flag --vssd-dir) is not a directory");
        assertMessage(rejected(Map.of("TIERPOOL_AERON_DIR", notADir.toString())),
            "aeron.dir = '" + notADir + "' (environment TIERPOOL_AERON_DIR) is not a directory");
    }

    @Test
    void shouldExitWithTwoAndOneClearLineOnABadSettingWithoutRunningTheDaemon()
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final AtomicBoolean ran = new AtomicBoolean();
        final int exitCode = NodeDaemonCommand.run(Map.of("TIERPOOL_PORT", "70000"), new String[0],
            new PrintWriter(out), new PrintWriter(err), (settings) ->
            {
                ran.set(true);
                return 0;
            });

        assertEquals(2, exitCode);
        assertFalse(ran.get());
        final List<String> lines = err.toString().lines().toList();
        assertEquals(1, lines.size(), err.toString());
        assertTrue(lines.get(0).startsWith("tierpool-node: node.port = '70000' (environment TIERPOOL_PORT) is out of " +
            "range: use a port number, from 0 to 65535"), lines.get(0));
        assertFalse(err.toString().contains("at io.tierpool"), "no stack trace");
    }

    @Test
    void shouldRunTheActionWithTheMergedSettings()
    {
        final StringWriter err = new StringWriter();
        final int exitCode = NodeDaemonCommand.run(Map.of("TIERPOOL_NODE_NAME", "env-name"),
            new String[]{ "--ram", "1m" }, new PrintWriter(new StringWriter()), new PrintWriter(err), (settings) ->
            {
                assertEquals("env-name", settings.name());
                assertEquals(1L << 20, settings.storeContext().ramCapacityBytes());
                return 7;
            });
        assertEquals(7, exitCode, err.toString());
    }

    @Test
    void shouldPrintHelpListingEveryFlagKeyEnvironmentVariableAndThePrecedence()
    {
        final StringWriter out = new StringWriter();
        final int exitCode = NodeDaemonCommand.run(Map.of(), new String[]{ "--help" },
            new PrintWriter(out), new PrintWriter(new StringWriter()), (settings) -> 1);
        assertEquals(0, exitCode);
        final String help = out.toString().replaceAll("\\s+", " ");
        assertEquals(help, NodeDaemonCommand.usage().replaceAll("\\s+", " "));
        for (final ConfigKey key : ConfigKey.values())
        {
            assertTrue(null == key.flag() || help.contains(key.flag() + "="), key.flag());
            assertTrue(help.contains("key " + key.key() + ", env " + key.env() + " default " + key.defaultText()),
                key.key() + " in " + help);
        }
        assertTrue(help.contains("--config=FILE") && help.contains("TIERPOOL_CONFIG"), help);
        assertTrue(help.contains(NodeConfiguration.PRECEDENCE), help);
    }

    @Test
    void shouldRejectAnUnknownFlagWithASuggestion()
    {
        final StringWriter err = new StringWriter();
        final int exitCode = NodeDaemonCommand.run(Map.of(), new String[]{ "--vvram-size", "1g" },
            new PrintWriter(new StringWriter()), new PrintWriter(err), (settings) -> 0);
        assertEquals(2, exitCode);
        assertTrue(err.toString().startsWith("tierpool-node: Unknown options: '--vvram-size'"), err.toString());
        assertTrue(err.toString().contains("Possible solutions: --vvram, --vvram-dir"), err.toString());
    }

    private Path write(final String name, final String... lines) throws IOException
    {
        return Files.write(dir.resolve(name), List.of(lines));
    }

    private static NodeConfiguration load(final Map<String, String> env, final String... args)
    {
        return NodeDaemonCommand.parse(env, args).configuration();
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
