/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.remote;

/**
 * The loopback ports of one {@code bench remote} run, all in {@code [base, base + 100)}, so that runs (and
 * clusters) whose bases are 100 apart never meet. Ignite nodes join whichever cluster answers on their discovery
 * ports, so the plan keeps every run's ports to itself:
 * <pre>
 *   base + i        Ignite discovery of node i (i = 1 .. nodes)
 *   base + 20 + i   Ignite communication of node i
 *   base + 40       Aeron response endpoint of the transport-alone reference ({@link TransportReference})
 *   base + 40 + i   Aeron data endpoint of node i
 *   base + 60 + p   Ignite discovery of the run's pool p (p = 0 .. 9, one pool per replica setting)
 *   base + 70 + p   Ignite communication of pool p
 *   base + 80 + p   Aeron response endpoint of pool p
 *   base + 90 + 2m  raw Aeron baseline, idle mode m: the benchmark's endpoint; base + 91 + 2m the peer's
 * </pre>
 *
 * @param base  the first port, 1024 .. 65436.
 * @param nodes node daemons, 1 .. {@link #MAX_NODES}.
 */
public record RemotePorts(int base, int nodes)
{
    /**
     * Ports a run uses from its base.
     */
    public static final int RANGE = 100;

    /**
     * The most node daemons the plan has room for.
     */
    public static final int MAX_NODES = 19;

    /**
     * The most pools (replica settings) one run opens.
     */
    public static final int MAX_POOLS = 10;

    /**
     * The most raw Aeron baselines (idle modes) one run measures.
     */
    public static final int MAX_BASELINES = 5;

    /**
     * @throws IllegalArgumentException if the range leaves 1024 .. 65535 or the node count is out of range.
     */
    public RemotePorts
    {
        if (base < 1024 || base + RANGE > 65536)
        {
            throw new IllegalArgumentException("--base-port=" + base + " must be in 1024.." + (65536 - RANGE) +
                ": a run uses the " + RANGE + " ports from it");
        }
        if (nodes < 1 || nodes > MAX_NODES)
        {
            throw new IllegalArgumentException("--nodes=" + nodes + " must be in 1.." + MAX_NODES);
        }
    }

    /**
     * @return the nodes' Aeron endpoints on loopback, node 1 first: what the run's pools bootstrap from.
     */
    public java.util.List<String> nodeEndpoints()
    {
        final java.util.List<String> endpoints = new java.util.ArrayList<>();
        for (int i = 1; i <= nodes; i++)
        {
            endpoints.add("127.0.0.1:" + nodeDataPort(i));
        }
        return endpoints;
    }

    /**
     * @return the discovery addresses nodes and pools share, {@code 127.0.0.1:<first>..<last>}.
     */
    public String discoveryAddress()
    {
        return "127.0.0.1:" + (base + 1) + ".." + (base + nodes);
    }

    /**
     * @param node the node's number, from 1.
     * @return its Ignite discovery port.
     */
    public int nodeDiscoveryPort(final int node)
    {
        return base + node;
    }

    /**
     * @param node the node's number, from 1.
     * @return its Ignite communication port.
     */
    public int nodeCommunicationPort(final int node)
    {
        return base + 20 + node;
    }

    /**
     * @param node the node's number, from 1.
     * @return its Aeron data port.
     */
    public int nodeDataPort(final int node)
    {
        return base + 40 + node;
    }

    /**
     * @param pool the pool's number in the run.
     * @return its Aeron response endpoint, {@code 127.0.0.1:<port>}.
     */
    public String poolResponseEndpoint(final int pool)
    {
        return "127.0.0.1:" + (base + 80 + checkPool(pool));
    }

    /**
     * @return the endpoint on which the transport-alone reference's client receives its answers
     * ({@link TransportReference}), {@code 127.0.0.1:<base + 40>}.
     */
    public String transportReferenceEndpoint()
    {
        return "127.0.0.1:" + (base + 40);
    }

    /**
     * @param baseline the baseline's number in the run, 0 .. {@link #MAX_BASELINES} - 1.
     * @return the endpoint on which the benchmark receives the raw baseline's answers.
     */
    public String baselineLocalEndpoint(final int baseline)
    {
        return "127.0.0.1:" + (base + 90 + 2 * checkBaseline(baseline));
    }

    /**
     * @param baseline the baseline's number in the run.
     * @return the endpoint on which the raw baseline's peer process receives.
     */
    public String baselinePeerEndpoint(final int baseline)
    {
        return "127.0.0.1:" + (base + 91 + 2 * checkBaseline(baseline));
    }

    private static int checkPool(final int pool)
    {
        if (pool < 0 || pool >= MAX_POOLS)
        {
            throw new IllegalArgumentException("a run opens at most " + MAX_POOLS + " pools, not pool " + pool);
        }
        return pool;
    }

    private static int checkBaseline(final int baseline)
    {
        if (baseline < 0 || baseline >= MAX_BASELINES)
        {
            throw new IllegalArgumentException("a run measures at most " + MAX_BASELINES + " baselines, not " +
                baseline);
        }
        return baseline;
    }
}
