/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tierpool.transport.BlockServer;
import io.tierpool.transport.SecurityCounters;

import java.util.function.ToLongFunction;

/**
 * The block server's data-path security counters as meters: {@code tierpool.server.security.sessions} and
 * {@code tierpool.server.security.refused} tagged by reason ({@code bad_mac}: forged or altered,
 * {@code replayed}: replayed or reordered beyond the window, {@code forged_client_id}: a request naming another
 * client, {@code unauthenticated}: no session, {@code handshake_failed}: a proof that did not verify). All stay 0
 * with security off.
 */
final class SecurityMetrics
{
    private SecurityMetrics()
    {
    }

    static void register(final MeterRegistry registry, final BlockServer server)
    {
        FunctionCounter.builder("tierpool.server.security.sessions", server,
            (s) -> s.securityCounters().sessions())
            .description("Data-path sessions opened by clients that proved they hold the cluster secret")
            .register(registry);
        refused(registry, server, "bad_mac", SecurityCounters::badMac);
        refused(registry, server, "replayed", SecurityCounters::replayed);
        refused(registry, server, "forged_client_id", SecurityCounters::forgedClientId);
        refused(registry, server, "unauthenticated", SecurityCounters::unauthenticated);
        refused(registry, server, "handshake_failed", SecurityCounters::handshakeFailures);
    }

    private static void refused(
        final MeterRegistry registry,
        final BlockServer server,
        final String reason,
        final ToLongFunction<SecurityCounters> count)
    {
        FunctionCounter.builder("tierpool.server.security.refused", server,
            (s) -> count.applyAsLong(s.securityCounters()))
            .tag("reason", reason)
            .description("Messages the node refused on the data path, by reason (docs/SECURITY.md)")
            .register(registry);
    }
}
