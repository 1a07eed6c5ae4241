/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import io.tierpool.client.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterContextTest
{
    @TempDir
    Path tempDir;

    @Test
    void shouldHaveDocumentedDefaults()
    {
        final ClusterContext ctx = new ClusterContext().conclude();

        assertEquals(List.of("127.0.0.1:47500..47509"), ctx.discoveryAddresses());
        assertEquals("127.0.0.1", ctx.localAddress());
        assertEquals(47500, ctx.discoveryPort());
        assertEquals(10, ctx.discoveryPortRange());
        assertEquals(47100, ctx.communicationPort());
        assertEquals(3_000, ctx.failureDetectionTimeoutMs());
        assertEquals(10_000, ctx.clientJoinTimeoutMs());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir")), ctx.workDirectory());
    }

    @Test
    void shouldNameMalformedDiscoveryAddress()
    {
        assertRejected(new ClusterContext().discoveryAddresses(List.of("127.0.0.1:47500..47509", "host-without-port")),
            "host-without-port");
        assertRejected(new ClusterContext().discoveryAddresses(List.of("127.0.0.1:47509..47500")), "47509..47500");
        assertRejected(new ClusterContext().discoveryAddresses(List.of("127.0.0.1:70000")), "70000");
        assertRejected(new ClusterContext().discoveryAddresses(List.of()), "discoveryAddresses");
    }

    @Test
    void shouldNameOutOfRangeSettings()
    {
        assertRejected(new ClusterContext().discoveryPort(0), "discoveryPort");
        assertRejected(new ClusterContext().communicationPort(65535).communicationPortRange(5), "communicationPort");
        assertRejected(new ClusterContext().failureDetectionTimeoutMs(10), "failureDetectionTimeoutMs");
        assertRejected(new ClusterContext().failureDetectionTimeoutMs(60_000), "clientFailureDetectionTimeoutMs");
        assertRejected(new ClusterContext().clientJoinTimeoutMs(0), "clientJoinTimeoutMs");
        assertRejected(new ClusterContext().localAddress(" "), "localAddress");
        assertRejected(new ClusterContext().instanceName(""), "instanceName");
        assertRejected(new ClusterContext().errorHandler(null),
            "errorHandler");
    }

    @Test
    void shouldReadDurationPropertiesWithUnits()
    {
        System.setProperty(ClusterContext.FAILURE_DETECTION_TIMEOUT_PROP_NAME, "2s");
        try
        {
            assertEquals(2_000, new ClusterContext().failureDetectionTimeoutMs());
        }
        finally
        {
            System.clearProperty(ClusterContext.FAILURE_DETECTION_TIMEOUT_PROP_NAME);
        }
    }

    private static void assertRejected(final ClusterContext ctx, final String named)
    {
        final ConfigurationException ex = assertThrows(ConfigurationException.class, ctx::conclude);
        assertTrue(ex.getMessage().contains(named), ex.getMessage());
    }
}
