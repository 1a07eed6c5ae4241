/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import io.tierpool.node.NodeProcess;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in node daemon for tests: joins the cluster with a {@link NodeMembership}, prints the ready line, and
 * leaves the cluster on SIGTERM.
 * <p>
 * Arguments: {@code name discoveryPort communicationPort discoveryAddresses(comma separated) endpoint}.
 */
final class ClusterTestNodeMain
{
    private ClusterTestNodeMain()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final String name = args[0];
        final ClusterContext ctx = new ClusterContext()
            .discoveryPort(Integer.parseInt(args[1]))
            .discoveryPortRange(0)
            .communicationPort(Integer.parseInt(args[2]))
            .communicationPortRange(0)
            .discoveryAddresses(List.of(args[3].split(",")));
        final String endpoint = args[4];

        final NodeMembership membership = NodeMembership.start(ctx, name, endpoint, 64L << 20);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            membership.close();
            System.out.println("left the cluster: " + name);
            stopped.countDown();
        }));

        final Map<String, String> info = new LinkedHashMap<>();
        info.put(NodeProcess.READY_KEY_NAME, name);
        info.put(NodeProcess.READY_KEY_ENDPOINT, endpoint);
        info.put("nodeId", membership.localNodeId().toString());
        info.put("workDirectory", membership.workDirectory().toString());
        System.out.println("joined, " + membership.liveNodes().size() + " node daemons live");
        System.out.println(NodeProcess.formatReadyLine(info));
        System.out.flush();

        stopped.await();
    }
}
