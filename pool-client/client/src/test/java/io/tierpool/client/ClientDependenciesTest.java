/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an application gets on its runtime classpath by linking {@code tierpool-client}, as Maven resolves it
 * ({@code dependency:list} of the runtime scope, written to {@code target/runtime-dependencies.txt} by the
 * build): no Apache Ignite (the client is a thin client of the node daemons), no ZooKeeper, Curator or Netty
 * (what the daemons' ZooKeeper discovery brings), no node daemon, no SLF4J
 * binding (the application chooses its own), and no JCuda (9 MiB of natives, only for the GPU tier: an
 * application that wants it adds the dependency).
 */
class ClientDependenciesTest
{
    @Test
    void shouldKeepIgniteTheDaemonAndLoggingBindingsOffTheClientsRuntimeClasspath() throws IOException
    {
        final Path listing = Path.of("target", "runtime-dependencies.txt");
        assertTrue(Files.isRegularFile(listing), "the build lists the runtime dependencies in " +
            listing.toAbsolutePath() + " (maven-dependency-plugin, phase generate-test-resources)");
        final List<String> artifacts = Files.readAllLines(listing).stream()
            .map(String::trim)
            .filter((line) -> line.chars().filter((c) -> c == ':').count() >= 4)
            // optional dependencies (JCuda) are this module's own: Maven does not pass them on to applications
            .filter((line) -> !line.contains("(optional)"))
            .collect(Collectors.toList());
        System.out.println("tierpool-client runtime dependencies:\n  " + String.join("\n  ", artifacts));

        assertTrue(artifacts.stream().anyMatch((a) -> a.startsWith("io.aeron:")), "the listing is real: " + artifacts);
        assertTrue(artifacts.stream().anyMatch((a) -> a.startsWith("io.tierpool:tierpool-transport:")), artifacts::toString);
        for (final String artifact : artifacts)
        {
            assertFalse(artifact.startsWith("org.apache.ignite:"), "Ignite on the client's runtime classpath: " + artifact);
            assertFalse(artifact.startsWith("io.tierpool:tierpool-node:"), "the node daemon on the client's classpath");
            assertFalse(artifact.startsWith("org.jcuda:"), "JCuda forced on applications: " + artifact);
            assertFalse(artifact.startsWith("org.apache.zookeeper:") || artifact.startsWith("org.apache.curator:"),
                "ZooKeeper (the daemons' discovery) on the client's runtime classpath: " + artifact);
            assertFalse(artifact.startsWith("io.netty:"), "Netty (ZooKeeper's) on the client's runtime classpath: " +
                artifact);
            assertFalse(artifact.startsWith("org.slf4j:slf4j-simple:") || artifact.startsWith("ch.qos.logback:") ||
                artifact.startsWith("org.apache.logging.log4j:log4j-slf4j"), "a logging binding forced on " +
                "applications: " + artifact);
        }
    }
}
