/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierpool.node.engine.BlockStore;
import io.tierpool.node.server.NodeBlockService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tierpool.node.metrics.MetricsTestSupport.MIB;
import static io.tierpool.node.metrics.MetricsTestSupport.Scrape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/grafana-dashboard.json: valid JSON, a Grafana dashboard with a Prometheus datasource input, and every
 * metric its queries use exposed by a node.
 */
class GrafanaDashboardTest
{
    private static final Pattern METRIC = Pattern.compile("\\b((?:tierpool|jvm|process|system)_[a-z0-9_]+)");
    private static final String DATASOURCE_UID = "${DS_PROMETHEUS}";

    @TempDir
    Path dir;

    @Test
    @Timeout(30)
    void shouldQueryOnlyMetricsTheNodeExposes() throws Exception
    {
        final JsonNode dashboard = readDashboard();
        final List<String> queries = new ArrayList<>();
        collectQueries(dashboard, queries);
        assertTrue(queries.size() >= 10, "queries: " + queries);

        final Set<String> used = new TreeSet<>();
        for (final String query : queries)
        {
            assertBalanced(query);
            final Matcher matcher = METRIC.matcher(query);
            while (matcher.find())
            {
                used.add(matcher.group(1));
            }
        }
        for (final String required : List.of(
            "tierpool_tier_used_bytes",
            "tierpool_tier_capacity_bytes",
            "tierpool_tier_pressure_level",
            "tierpool_tier_demoted_blocks_total",
            "tierpool_tier_promoted_blocks_total",
            "tierpool_demotion_batches_total",
            "tierpool_remote_requests_total",
            "tierpool_remote_request_seconds_bucket",
            "tierpool_cluster_nodes"))
        {
            assertTrue(used.contains(required), "the dashboard shows " + required + "; it queries " + used);
        }

        final Set<String> exposed;
        try (BlockStore store = new BlockStore(MetricsTestSupport.storeContext(dir, MIB, MIB, MIB));
            NodeMetrics metrics = new NodeMetrics(new NodeMetrics.Context()
                .nodeName("dashboard-node")
                .store(store)
                .service(new NodeBlockService("dashboard-node", store))
                .clusterNodes(() -> 1)))
        {
            exposed = Scrape.parse(metrics.scrape()).sampleNames();
        }
        for (final String name : used)
        {
            assertTrue(exposed.contains(name), "the dashboard queries " + name + ", which the node does not expose");
        }
        assertEquals(0, MetricsTestSupport.countEntries(dir));
    }

    @Test
    void shouldBeAGrafanaDashboardWithAPrometheusDatasourceInput() throws Exception
    {
        final JsonNode dashboard = readDashboard();
        assertTrue(dashboard.path("schemaVersion").asInt() >= 36, "schemaVersion " + dashboard.path("schemaVersion"));
        assertTrue(dashboard.path("title").asText().contains("TierPool"));
        assertTrue(dashboard.path("uid").isTextual());

        final JsonNode input = dashboard.path("__inputs").path(0);
        assertEquals("DS_PROMETHEUS", input.path("name").asText());
        assertEquals("datasource", input.path("type").asText());
        assertEquals("prometheus", input.path("pluginId").asText());

        final Set<Integer> ids = new HashSet<>();
        for (final JsonNode panel : dashboard.path("panels"))
        {
            assertTrue(ids.add(panel.path("id").asInt()), "panel ids are unique: " + panel.path("id"));
            assertTrue(panel.path("gridPos").path("w").asInt() > 0, "panel " + panel.path("title") + " has a size");
            if (!"row".equals(panel.path("type").asText()))
            {
                assertEquals(DATASOURCE_UID, panel.path("datasource").path("uid").asText(), panel.path("title").asText());
                for (final JsonNode target : panel.path("targets"))
                {
                    assertEquals(DATASOURCE_UID, target.path("datasource").path("uid").asText());
                }
            }
        }
        for (final JsonNode variable : dashboard.path("templating").path("list"))
        {
            assertEquals(DATASOURCE_UID, variable.path("datasource").path("uid").asText());
        }
    }

    private static JsonNode readDashboard() throws Exception
    {
        final Path file = MetricsTestSupport.projectRoot().resolve("deploy").resolve("grafana-dashboard.json");
        assertTrue(Files.isRegularFile(file), file + " exists");
        return new ObjectMapper().readTree(file.toFile());
    }

    private static void collectQueries(final JsonNode node, final List<String> queries)
    {
        if (node.isObject())
        {
            node.fields().forEachRemaining((field) ->
            {
                if (("expr".equals(field.getKey()) || "definition".equals(field.getKey())) &&
                    field.getValue().isTextual())
                {
                    queries.add(field.getValue().asText());
                }
                else
                {
                    collectQueries(field.getValue(), queries);
                }
            });
        }
        else if (node.isArray())
        {
            node.forEach((child) -> collectQueries(child, queries));
        }
    }

    private static void assertBalanced(final String query)
    {
        int parens = 0;
        int braces = 0;
        int brackets = 0;
        boolean quoted = false;
        for (int i = 0; i < query.length(); i++)
        {
            final char c = query.charAt(i);
            if (c == '"' && (i == 0 || query.charAt(i - 1) != '\\'))
            {
                quoted = !quoted;
            }
            if (quoted)
            {
                continue;
            }
            parens += c == '(' ? 1 : c == ')' ? -1 : 0;
            braces += c == '{' ? 1 : c == '}' ? -1 : 0;
            brackets += c == '[' ? 1 : c == ']' ? -1 : 0;
            assertTrue(parens >= 0 && braces >= 0 && brackets >= 0 && braces <= 1, "malformed query: " + query);
        }
        assertTrue(parens == 0 && braces == 0 && brackets == 0 && !quoted, "unbalanced query: " + query);
    }
}
