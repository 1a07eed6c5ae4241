/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tierpool.node.config.NodeConfiguration;
import io.tierpool.transport.ClusterSecret;
import org.agrona.SystemUtil;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code deploy/compose-e2e.sh} starts {@code deploy/docker-compose.yml} for real (it needs root and Docker; CI runs
 * it); this test needs neither: it reads the file as YAML and checks, on every build, what would make a cluster fail
 * to form or disagree with {@code deploy/local-cluster.sh}: three node services and the demo client, only known
 * configuration variables, the shared settings file, the script's port plan, a discovery list naming every node,
 * {@code shm_size} room for VVRAM and Aeron, a VSSD volume per node, health checks, a Dockerfile that declares the
 * same VSSD volume, and settings the node daemon's own configuration checks accept.
 */
class ComposeFileTest
{
    /**
     * The least {@code /dev/shm} room Aeron needs next to VVRAM: a client connection takes about 96 MiB with
     * 16 MiB terms (one image and one publication of three terms each), and a node serves at least two.
     */
    private static final long AERON_SHM_MIN_BYTES = 200L << 20;
    private static final List<String> NODES = List.of("node1", "node2", "node3");
    private static final String CLIENT = "demo";
    private static final String MEMBERSHIP = "membership";
    private static final String SECRET = "secret";

    private JsonNode compose;
    private Map<String, String> shared;
    private Map<String, Integer> basePorts;

    @BeforeEach
    void readFiles() throws IOException
    {
        compose = new ObjectMapper(new YAMLFactory()).readTree(RepoFiles.read("deploy/docker-compose.yml"));
        shared = RepoFiles.clusterEnv();
        basePorts = RepoFiles.scriptBasePorts();
    }

    @Test
    void shouldDefineThreeNodeServicesAndTheDemoClientOnOneNetwork()
    {
        final Set<String> services = new TreeSet<>();
        compose.get("services").fieldNames().forEachRemaining(services::add);
        final Set<String> expected = new TreeSet<>(NODES);
        expected.add(CLIENT);
        expected.add(MEMBERSHIP);
        expected.add(SECRET);
        assertEquals(expected, services);

        for (final String service : services)
        {
            final JsonNode networks = compose.at("/services/" + service + "/networks");
            assertEquals(1, networks.size(), service + " networks: " + networks);
            assertEquals("tierpool", networks.get(0).asText(), service);
            assertEquals("deploy/Dockerfile", compose.at("/services/" + service + "/build/dockerfile").asText(),
                service + " builds the image from deploy/Dockerfile");
            assertEquals("tierpool:latest", compose.at("/services/" + service + "/image").asText(), service);
        }
        assertTrue(compose.at("/networks").has("tierpool"));
    }

    @Test
    void shouldUseOnlyKnownConfigurationVariablesAndTheSharedSettingsFile()
    {
        for (final String key : shared.keySet())
        {
            assertTrue(RepoFiles.NODE_ENV_NAMES.contains(key), "deploy/cluster.env: unknown variable " + key);
        }
        for (final String node : NODES)
        {
            assertEquals("cluster.env", compose.at("/services/" + node + "/env_file").asText(),
                node + " loads the settings local-cluster.sh uses");
            for (final String key : environment(node).keySet())
            {
                assertTrue(RepoFiles.NODE_ENV_NAMES.contains(key), node + ": unknown configuration variable " + key);
                assertFalse(shared.containsKey(key), node + " overrides the shared setting " + key +
                    " of cluster.env: the compose cluster would differ from local-cluster.sh's");
            }
        }
    }

    @Test
    void shouldFollowTheLocalClusterScriptsPortPlanWithDistinctPorts()
    {
        assertEquals(Set.of("DATA", "DISCOVERY", "COMMUNICATION", "METRICS"), basePorts.keySet(),
            "base ports found in local-cluster.sh: " + basePorts);
        final Set<Integer> allPorts = new HashSet<>();
        final Set<Integer> published = new HashSet<>();
        for (int i = 1; i <= NODES.size(); i++)
        {
            final String node = NODES.get(i - 1);
            final Map<String, String> env = environment(node);
            assertEquals("node-" + i, env.get("TIERPOOL_NODE_NAME"), node + " is named as local-cluster.sh names it");
            assertEquals(node, env.get("TIERPOOL_HOST"), node + " binds and advertises its own host name");
            assertEquals(node, compose.at("/services/" + node + "/hostname").asText());
            assertEquals(basePorts.get("DATA") + i, port(env, "TIERPOOL_PORT"), node);
            assertEquals(basePorts.get("DISCOVERY") + i, port(env, "TIERPOOL_DISCOVERY_PORT"), node);
            assertEquals(basePorts.get("COMMUNICATION") + i, port(env, "TIERPOOL_COMMUNICATION_PORT"), node);
            final int metricsPort = port(env, "TIERPOOL_METRICS_PORT");
            assertEquals(basePorts.get("METRICS") + i, metricsPort, node);
            for (final String key : List.of("TIERPOOL_PORT", "TIERPOOL_DISCOVERY_PORT",
                "TIERPOOL_COMMUNICATION_PORT", "TIERPOOL_METRICS_PORT"))
            {
                assertTrue(allPorts.add(port(env, key)), node + " " + key + " repeats another port: " + env);
            }

            final JsonNode ports = compose.at("/services/" + node + "/ports");
            assertEquals(1, ports.size(), node + " publishes only its metrics port: " + ports);
            assertEquals(metricsPort + ":" + metricsPort, ports.get(0).asText(), node);
            assertTrue(published.add(metricsPort), node + " publishes a host port another node publishes");
        }
        assertEquals(4 * NODES.size(), allPorts.size());
    }

    @Test
    void shouldListEveryNodesDiscoveryPortInEveryNodesAndTheClientsDiscoveryList()
    {
        final Set<String> expected = new HashSet<>();
        for (final String node : NODES)
        {
            final Map<String, String> env = environment(node);
            expected.add(env.get("TIERPOOL_HOST") + ":" + env.get("TIERPOOL_DISCOVERY_PORT"));
        }
        for (final String node : NODES)
        {
            assertEquals(expected, Set.of(environment(node).get("TIERPOOL_DISCOVERY").split(",")), node);
        }

        final Set<String> endpoints = new HashSet<>();
        for (final String node : NODES)
        {
            final Map<String, String> env = environment(node);
            endpoints.add(env.get("TIERPOOL_HOST") + ":" + env.get("TIERPOOL_PORT"));
        }
        final List<String> command = strings(compose.at("/services/" + CLIENT + "/command"));
        assertEquals("demo", command.get(0), "the client service runs the demo: " + command);
        assertEquals(endpoints, Set.of(flag(command, "--join").split(",")),
            "demo --join names every node's Aeron endpoint");
        assertEquals(Integer.toString(NODES.size()), flag(command, "--nodes"), "the demo waits for every node");
        assertEquals(compose.at("/services/" + CLIENT + "/hostname").asText(), flag(command, "--host"),
            "the demo tells the nodes its own host name");
        final List<String> entrypoint = strings(compose.at("/services/" + CLIENT + "/entrypoint"));
        assertTrue(entrypoint.contains("@/opt/tierpool/jvm.options") &&
            entrypoint.contains("/opt/tierpool/tierpool.jar"), "the client runs the tierpool jar: " + entrypoint);
        for (final String node : NODES)
        {
            assertEquals("service_healthy", compose.at("/services/" + CLIENT + "/depends_on/" + node +
                "/condition").asText(), "the demo starts once " + node + " is healthy");
        }
    }

    @Test
    void shouldGiveEveryNodeTheMembershipCredentialsTheMembershipServiceMakes()
    {
        final List<String> entrypoint = strings(compose.at("/services/" + MEMBERSHIP + "/entrypoint"));
        final String dir = entrypoint.get(entrypoint.size() - 1);
        assertTrue(entrypoint.contains("io.tierpool.node.cluster.MembershipCredentials") &&
            entrypoint.contains("--if-missing"), "the membership service makes credentials once: " + entrypoint);
        assertEquals("tls", shared.get("TIERPOOL_SECURITY_MEMBERSHIP"), "cluster.env asks for membership TLS");
        final String volume = strings(compose.at("/services/" + MEMBERSHIP + "/volumes")).get(0).split(":")[0];
        assertTrue(compose.at("/volumes").has(volume), volume);
        for (final String node : NODES)
        {
            assertEquals(dir, environment(node).get("TIERPOOL_SECURITY_MEMBERSHIP_DIR"), node);
            assertEquals("service_completed_successfully",
                compose.at("/services/" + node + "/depends_on/" + MEMBERSHIP + "/condition").asText(), node);
            assertTrue(strings(compose.at("/services/" + node + "/volumes"))
                .contains(volume + ":/var/lib/tierpool/membership:ro"), node + " mounts the credentials read-only");
        }
    }

    @Test
    void shouldGiveEveryNodeAndTheDemoClientTheClusterSecretTheSecretServiceMakesOnce()
    {
        assertEquals("on", shared.get("TIERPOOL_SECURITY"),
            "cluster.env turns data-path security on: a node without the secret refuses to start");
        final String file = environment(NODES.get(0)).get("TIERPOOL_SECRET_FILE");
        assertNotNull(file, "node1 names the cluster secret's file");
        final String dir = file.substring(0, file.lastIndexOf('/'));

        final List<String> entrypoint = strings(compose.at("/services/" + SECRET + "/entrypoint"));
        final String script = entrypoint.get(entrypoint.size() - 1);
        assertTrue(script.contains("test -f " + file + " || ") && script.contains("tierpool secret --out " + file),
            "the secret service makes the secret with `tierpool secret`, once (a second up keeps it): " + entrypoint);
        final List<String> secretMounts = strings(compose.at("/services/" + SECRET + "/volumes"));
        assertEquals(1, secretMounts.size(), SECRET + " mounts one volume: " + secretMounts);
        final String volume = secretMounts.get(0).split(":")[0];
        assertEquals(volume + ":" + dir, secretMounts.get(0), "the secret service writes into the volume");
        assertTrue(compose.at("/volumes").has(volume), volume + " is a named volume");
        assertTrue(RepoFiles.read("deploy/Dockerfile").lines()
                .anyMatch((line) -> line.contains("mkdir -p") && (line + " ").contains(" " + dir + " ")),
            "the image makes " + dir + ", owned by its tierpool user, so the empty volume is writable");

        final List<String> holders = new ArrayList<>(NODES);
        holders.add(CLIENT);
        for (final String service : holders)
        {
            assertEquals(file, environment(service).get("TIERPOOL_SECRET_FILE"), service + " reads the secret");
            assertEquals("service_completed_successfully",
                compose.at("/services/" + service + "/depends_on/" + SECRET + "/condition").asText(),
                service + " starts once the secret exists");
            assertTrue(strings(compose.at("/services/" + service + "/volumes")).contains(volume + ":" + dir + ":ro"),
                service + " mounts the secret read-only");
        }
        assertFalse(strings(compose.at("/services/" + CLIENT + "/volumes")).toString().contains(MEMBERSHIP),
            "the demo client gets the data-path secret only, never the nodes' membership credentials");
    }

    @Test
    void shouldGiveEachNodeShmRoomForVvramAndAeronAndAVolumeForVssd()
    {
        final Set<String> volumes = new HashSet<>();
        for (final String node : NODES)
        {
            final Map<String, String> env = effectiveEnvironment(node);
            final long vvram = SystemUtil.parseSize("TIERPOOL_VVRAM", env.get("TIERPOOL_VVRAM"));
            final long shm = SystemUtil.parseSize("shm_size", compose.at("/services/" + node + "/shm_size").asText());
            assertEquals("/dev/shm", env.get("TIERPOOL_VVRAM_DIR"), node + " keeps VVRAM on the container's tmpfs");
            assertEquals("/dev/shm", env.get("TIERPOOL_AERON_DIR"), node + " keeps Aeron on the container's tmpfs");
            assertTrue(shm >= vvram + AERON_SHM_MIN_BYTES, node + " shm_size " + shm + " < VVRAM " + vvram +
                " + " + AERON_SHM_MIN_BYTES + " for Aeron");

            final String vssdDir = env.get("TIERPOOL_VSSD_DIR");
            assertNotNull(vssdDir, node + " sets TIERPOOL_VSSD_DIR");
            final List<String> mounts = strings(compose.at("/services/" + node + "/volumes"));
            final List<String> named = new ArrayList<>();
            for (final String mount : mounts)
            {
                final String[] parts = mount.split(":");
                if (parts.length >= 2 && parts[1].equals(vssdDir) && compose.at("/volumes").has(parts[0]))
                {
                    named.add(parts[0]);
                }
            }
            assertEquals(1, named.size(), node + " mounts one named volume on " + vssdDir + ": " + mounts);
            assertTrue(volumes.add(named.get(0)), node + " shares its VSSD volume with another node");

            final JsonNode health = compose.at("/services/" + node + "/healthcheck/test");
            assertTrue(health.isArray() && strings(health).toString().contains("/metrics") &&
                strings(health).toString().contains("$$TIERPOOL_METRICS_PORT"),
                node + " health check asks its metrics endpoint: " + health);
        }
        final long clientShm = SystemUtil.parseSize("shm_size", compose.at("/services/" + CLIENT + "/shm_size").asText());
        assertTrue(clientShm >= (16L << 20) + AERON_SHM_MIN_BYTES, "demo shm_size " + clientShm);

        final String dockerfile = RepoFiles.read("deploy/Dockerfile");
        final String vssdDir = effectiveEnvironment(NODES.get(0)).get("TIERPOOL_VSSD_DIR");
        assertTrue(dockerfile.contains("VOLUME [\"" + vssdDir + "\"]"), "the Dockerfile declares " + vssdDir);
        assertTrue(dockerfile.contains("TIERPOOL_VSSD_DIR=" + vssdDir), "the image's default VSSD dir is the volume");
        assertTrue(dockerfile.contains("@/opt/tierpool/jvm.options") && dockerfile.contains("jvm.options ./"),
            "the image runs java with the project's one JVM options file");
    }

    @Test
    void shouldPassTheNodeDaemonsOwnConfigurationChecksForEveryNode(@TempDir final Path dir)
    {
        final Path secretFile = dir.resolve("cluster.secret");
        ClusterSecret.writeNew(secretFile);
        for (final String node : NODES)
        {
            final Map<String, String> env = effectiveEnvironment(node);
            final Map<String, String> here = new HashMap<>(env);
            for (final String key : List.of("TIERPOOL_VVRAM_DIR", "TIERPOOL_VSSD_DIR", "TIERPOOL_AERON_DIR"))
            {
                here.put(key, dir.toString());
            }
            here.put("TIERPOOL_SECRET_FILE", secretFile.toString());
            final NodeConfiguration config = NodeConfiguration.load(here, null, Map.of());
            assertEquals("on", config.securityMode(), node + " runs with data-path security on");
            assertEquals(secretFile, config.securitySecretFile(), node + " reads the secret from TIERPOOL_SECRET_FILE");
            assertEquals(env.get("TIERPOOL_NODE_NAME"), config.nodeName());
            assertEquals(env.get("TIERPOOL_HOST"), config.host());
            assertEquals(port(env, "TIERPOOL_PORT"), config.port());
            assertEquals(port(env, "TIERPOOL_METRICS_PORT"), config.metricsPort());
            assertEquals(List.of(env.get("TIERPOOL_DISCOVERY").split(",")), config.discoveryAddresses());
            assertEquals(SystemUtil.parseSize("TIERPOOL_RAM", shared.get("TIERPOOL_RAM")), config.ramCapacityBytes());
            assertEquals(SystemUtil.parseSize("TIERPOOL_VVRAM", shared.get("TIERPOOL_VVRAM")), config.vvramCapacityBytes());
            assertEquals(SystemUtil.parseSize("TIERPOOL_VSSD", shared.get("TIERPOOL_VSSD")), config.vssdCapacityBytes());
            assertTrue(config.lowWatermark() < config.highWatermark(), node + " watermarks");
        }
    }

    private Map<String, String> environment(final String service)
    {
        final Map<String, String> env = new LinkedHashMap<>();
        compose.at("/services/" + service + "/environment").fields()
            .forEachRemaining((entry) -> env.put(entry.getKey(), entry.getValue().asText()));
        assertFalse(env.isEmpty(), service + " has an environment map");
        return env;
    }

    /**
     * @return what the node daemon in the service sees: cluster.env (env_file), then the service's environment.
     */
    private Map<String, String> effectiveEnvironment(final String service)
    {
        final Map<String, String> env = new LinkedHashMap<>(shared);
        env.putAll(environment(service));
        return env;
    }

    private static int port(final Map<String, String> env, final String key)
    {
        final String value = env.get(key);
        assertNotNull(value, key + " is set: " + env);
        return Integer.parseInt(value);
    }

    private static List<String> strings(final JsonNode array)
    {
        assertTrue(array.isArray(), "a YAML list: " + array);
        final List<String> values = new ArrayList<>();
        array.forEach((value) -> values.add(value.asText()));
        return values;
    }

    private static String flag(final List<String> command, final String name)
    {
        final int index = command.indexOf(name);
        assertTrue(index >= 0 && index + 1 < command.size(), name + " in " + command);
        return command.get(index + 1);
    }
}
