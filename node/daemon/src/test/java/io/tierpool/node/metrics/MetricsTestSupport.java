/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.metrics;

import io.tierpool.node.engine.BlockStore;
import io.tierpool.node.engine.StoreContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the metrics tests share: a small store under a temporary directory, a reader of the Prometheus text format
 * (enough of it to check names, labels and values), HTTP requests, and the metric names the README documents.
 */
final class MetricsTestSupport
{
    static final int KIB = 1024;
    static final int MIB = 1024 * 1024;

    private static final Pattern DOCUMENTED_NAME = Pattern.compile("^\\|\\s*`([a-z_][a-z0-9_]*)`");

    private MetricsTestSupport()
    {
    }

    /**
     * A store with small tiers whose files live under {@code dir} (removed when it closes) and no mover thread.
     */
    static StoreContext storeContext(final Path dir, final long ram, final long vvram, final long vssd)
    {
        return new StoreContext()
            .nodeName("metrics-node")
            .ramCapacityBytes(ram)
            .vvramCapacityBytes(vvram)
            .vvramDir(dir)
            .vssdCapacityBytes(vssd)
            .vssdDir(dir)
            .startMover(false);
    }

    static long countEntries(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            return 0;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            return paths.filter((p) -> !p.equals(dir)).count();
        }
    }

    static HttpResponse<String> send(final HttpClient http, final String method, final String url)
        throws IOException, InterruptedException
    {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(20))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static Scrape scrape(final HttpClient http, final String endpoint) throws IOException, InterruptedException
    {
        final HttpResponse<String> response = send(http, "GET", "http://" + endpoint + MetricsHttpServer.METRICS_PATH);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(MetricsHttpServer.METRICS_CONTENT_TYPE,
            response.headers().firstValue("Content-Type").orElse(null));
        return Scrape.parse(response.body());
    }

    /**
     * @return the repository's root: the parent of the node module, where surefire runs.
     */
    static Path projectRoot()
    {
        Path dir = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        while (null != dir && !Files.isDirectory(dir.resolve("deploy")))
        {
            dir = dir.getParent();
        }
        assertTrue(null != dir, "no deploy/ folder above " + System.getProperty("user.dir"));
        return dir;
    }

    /**
     * @return the metric names in the first column of the tables of the README's "## Metrics" section.
     */
    static List<String> documentedMetricNames() throws IOException
    {
        final List<String> lines = Files.readAllLines(projectRoot().resolve("README.md"), StandardCharsets.UTF_8);
        final List<String> names = new ArrayList<>();
        boolean inSection = false;
        for (final String line : lines)
        {
            if (line.startsWith("## "))
            {
                inSection = line.trim().equals("## Metrics");
                continue;
            }
            if (inSection)
            {
                final Matcher matcher = DOCUMENTED_NAME.matcher(line);
                if (matcher.find())
                {
                    names.add(matcher.group(1));
                }
            }
        }
        return names;
    }

    /**
     * One sample line of the exposition.
     */
    record Sample(String name, Map<String, String> labels, double value)
    {
    }

    /**
     * A parsed exposition: the samples in order, and each family's type from its {@code # TYPE} line.
     */
    static final class Scrape
    {
        private final List<Sample> samples;
        private final Map<String, String> types;

        private Scrape(final List<Sample> samples, final Map<String, String> types)
        {
            this.samples = samples;
            this.types = types;
        }

        static Scrape parse(final String text)
        {
            final List<Sample> samples = new ArrayList<>();
            final Map<String, String> types = new LinkedHashMap<>();
            for (final String rawLine : text.split("\n"))
            {
                final String line = rawLine.trim();
                if (line.isEmpty())
                {
                    continue;
                }
                if (line.startsWith("# TYPE "))
                {
                    final String[] parts = line.split(" ");
                    types.put(parts[2], parts[3]);
                    continue;
                }
                if (line.startsWith("#"))
                {
                    continue;
                }
                samples.add(parseSample(line));
            }
            return new Scrape(samples, types);
        }

        private static Sample parseSample(final String line)
        {
            int i = 0;
            while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ')
            {
                i++;
            }
            final String name = line.substring(0, i);
            final Map<String, String> labels = new LinkedHashMap<>();
            if (i < line.length() && line.charAt(i) == '{')
            {
                i++;
                while (line.charAt(i) != '}')
                {
                    final int eq = line.indexOf('=', i);
                    final String key = line.substring(i, eq).trim();
                    int j = eq + 2;
                    final StringBuilder value = new StringBuilder();
                    while (line.charAt(j) != '"')
                    {
                        char c = line.charAt(j);
                        if (c == '\\')
                        {
                            j++;
                            c = line.charAt(j) == 'n' ? '\n' : line.charAt(j);
                        }
                        value.append(c);
                        j++;
                    }
                    labels.put(key, value.toString());
                    i = j + 1;
                    if (line.charAt(i) == ',')
                    {
                        i++;
                    }
                }
                i++;
            }
            final String[] rest = line.substring(i).trim().split(" ");
            return new Sample(name, Collections.unmodifiableMap(labels), parseValue(rest[0]));
        }

        private static double parseValue(final String text)
        {
            switch (text)
            {
                case "+Inf":
                    return Double.POSITIVE_INFINITY;
                case "-Inf":
                    return Double.NEGATIVE_INFINITY;
                case "NaN":
                    return Double.NaN;
                default:
                    return Double.parseDouble(text);
            }
        }

        List<Sample> samples()
        {
            return samples;
        }

        /**
         * @return the family names of the {@code # TYPE} lines, with their types.
         */
        Map<String, String> types()
        {
            return types;
        }

        Set<String> sampleNames()
        {
            final Set<String> names = new LinkedHashSet<>();
            for (final Sample sample : samples)
            {
                names.add(sample.name());
            }
            return names;
        }

        /**
         * @param name   a sample name.
         * @param labels label names and values, alternating; the sample may have more labels.
         * @return the value of the one sample that has that name and those labels.
         */
        double value(final String name, final String... labels)
        {
            final List<Sample> found = find(name, labels);
            if (found.size() != 1)
            {
                fail("expected one sample " + name + " with " + List.of(labels) + ", found " + found);
            }
            return found.get(0).value();
        }

        List<Sample> find(final String name, final String... labels)
        {
            final List<Sample> found = new ArrayList<>();
            for (final Sample sample : samples)
            {
                if (sample.name().equals(name) && hasLabels(sample, labels))
                {
                    found.add(sample);
                }
            }
            return found;
        }

        /**
         * @return the sum of every sample with that name and those labels.
         */
        double sum(final String name, final String... labels)
        {
            double sum = 0;
            for (final Sample sample : find(name, labels))
            {
                sum += sample.value();
            }
            return sum;
        }

        private static boolean hasLabels(final Sample sample, final String... labels)
        {
            for (int i = 0; i < labels.length; i += 2)
            {
                if (!labels[i + 1].equals(sample.labels().get(labels[i])))
                {
                    return false;
                }
            }
            return true;
        }
    }
}
