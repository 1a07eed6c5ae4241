/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.demo;

import io.tierpool.client.ConfigurationException;

/**
 * The loopback ports of one demo run, all in {@code [base, base + 100)} so that two runs with bases 100 apart
 * never meet (nor meet a cluster started with the node daemon's own defaults, 47500.., 47600.. and 40500..).
 * Ignite nodes join whichever cluster answers on the discovery ports they are given, so a run whose ports overlap
 * another cluster's would mix with it:
 * <pre>
 *   base + i        Ignite discovery of node i (i = 1 .. nodes); the nodes find each other on base+1 .. base+nodes
 *   base + 50       Ignite discovery of the demo's client
 *   base + 60       Ignite communication of the client;  base + 60 + i  of node i
 *   base + 80 + i   Aeron data endpoint of node i
 * </pre>
 *
 * @param base  the first port of the run's range.
 * @param nodes node daemons in the run.
 */
public record DemoPorts(int base, int nodes)
{
    /**
     * The default first port: 46700, clear of the node daemon's defaults and of the ports the project's tests use
     * (40100.., 40500.., 47100.., 47500..48099, 49100..).
     */
    public static final int DEFAULT_BASE_PORT = 46700;

    /**
     * Ports a run uses from its base.
     */
    public static final int RANGE = 100;

    /**
     * The most node daemons a run can have with this plan.
     */
    public static final int MAX_NODES = 16;

    /**
     * @throws ConfigurationException if the range leaves 1024..65535 or there are too many nodes.
     */
    public DemoPorts
    {
        if (base < 1024 || base + RANGE > 65536)
        {
            throw new ConfigurationException("--base-port=" + base + " must be in 1024.." + (65536 - RANGE) +
                ": the demo uses the " + RANGE + " ports from it");
        }
        if (nodes < 0 || nodes > MAX_NODES)
        {
            throw new ConfigurationException("--nodes=" + nodes + " must be in 0.." + MAX_NODES);
        }
    }

    /**
     * @return the discovery address list that nodes and client share, {@code 127.0.0.1:<first>..<last>}.
     */
    public String discoveryAddress()
    {
        return "127.0.0.1:" + (base + 1) + ".." + (base + Math.max(1, nodes));
    }

    /**
     * @param index the node's number, from 1.
     * @return its Ignite discovery port.
     */
    public int nodeDiscoveryPort(final int index)
    {
        return base + index;
    }

    /**
     * @param index the node's number, from 1.
     * @return its Ignite communication port.
     */
    public int nodeCommunicationPort(final int index)
    {
        return base + 60 + index;
    }

    /**
     * @param index the node's number, from 1.
     * @return its Aeron data port.
     */
    public int nodeDataPort(final int index)
    {
        return base + 80 + index;
    }

    /**
     * @return the nodes' Aeron endpoints on loopback, {@code 127.0.0.1:<data port>}, node 1 first: what the demo's
     * pool bootstraps from.
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
}
