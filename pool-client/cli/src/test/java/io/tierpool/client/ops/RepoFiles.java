/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.ops;

import io.tierpool.node.config.ConfigKey;
import io.tierpool.node.config.NodeConfiguration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test fixture: the repository's deploy files, found from the module's working directory, and the settings in them.
 */
final class RepoFiles
{
    /**
     * Environment variables of the node daemon's configuration reference ({@link ConfigKey}, the table the README's
     * "Configuration" section and {@code --help} come from), plus {@value NodeConfiguration#CONFIG_ENV}.
     */
    static final Set<String> NODE_ENV_NAMES = nodeEnvNames();

    private static final Pattern BASE_PORT = Pattern.compile(
        "^: \"\\$\\{TIERPOOL_CLUSTER_([A-Z]+)_BASE_PORT:=(\\d+)}\"$", Pattern.MULTILINE);

    private RepoFiles()
    {
    }

    private static Set<String> nodeEnvNames()
    {
        final Set<String> names = new TreeSet<>();
        for (final ConfigKey key : ConfigKey.values())
        {
            names.add(key.env());
        }
        names.add(NodeConfiguration.CONFIG_ENV);
        return Set.copyOf(names);
    }

    /**
     * @return the repository root: the nearest directory at or above the working directory with
     *         {@code deploy/local-cluster.sh}.
     */
    static Path root()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (null != dir)
        {
            if (Files.isRegularFile(dir.resolve("deploy/local-cluster.sh")))
            {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no deploy/local-cluster.sh at or above " + Path.of("").toAbsolutePath());
    }

    /**
     * @param path a file's path from the repository root.
     * @return its text.
     */
    static String read(final String path)
    {
        try
        {
            return Files.readString(root().resolve(path));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @return the shared node settings of {@code deploy/cluster.env}, in file order.
     */
    static Map<String, String> clusterEnv()
    {
        final Map<String, String> settings = new LinkedHashMap<>();
        for (final String line : read("deploy/cluster.env").split("\n"))
        {
            final String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#"))
            {
                continue;
            }
            final int equals = trimmed.indexOf('=');
            if (equals <= 0)
            {
                throw new IllegalStateException("deploy/cluster.env: not KEY=VALUE: " + line);
            }
            settings.put(trimmed.substring(0, equals), trimmed.substring(equals + 1));
        }
        return settings;
    }

    /**
     * @return the default base ports of {@code deploy/local-cluster.sh}'s port plan (node i uses base + i), by
     *         name: {@code DATA}, {@code DISCOVERY}, {@code COMMUNICATION}, {@code METRICS}.
     */
    static Map<String, Integer> scriptBasePorts()
    {
        final Map<String, Integer> ports = new LinkedHashMap<>();
        final Matcher matcher = BASE_PORT.matcher(read("deploy/local-cluster.sh"));
        while (matcher.find())
        {
            ports.put(matcher.group(1), Integer.parseInt(matcher.group(2)));
        }
        return ports;
    }
}
