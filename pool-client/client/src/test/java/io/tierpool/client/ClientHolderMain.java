/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.client.Hint;
import io.tierpool.node.NodeProcess;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A client application in a JVM of its own, for tests that kill it: opens a pool against the discovery address
 * in {@code args[0]} with its Ignite ports from {@code args[1]}, places {@code args[2]} blocks of 64 KiB (most
 * of them remote), prints a ready line with the remote block count, then waits to be killed.
 */
public final class ClientHolderMain
{
    private ClientHolderMain()
    {
    }

    /**
     * @param args node endpoints (comma separated), lease in ms, block count, work directory.
     * @throws InterruptedException never in practice: the test kills this JVM.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final TierPool pool = TierPool.open(new TierPool.Context()
            .nodes(List.of(args[0].split(",")))
            .leaseTimeoutMs(Long.parseLong(args[1]))
            .awaitNodes(2)
            .ramCapacityBytes(128 * 1024)
            .vvramCapacityBytes(0)
            .vssdCapacityBytes(0)
            .vvramDir(Path.of(args[3]))
            .vssdDir(Path.of(args[3])));
        final byte[] data = new byte[64 * 1024];
        for (int i = 0, count = Integer.parseInt(args[2]); i < count; i++)
        {
            data[0] = (byte)i;
            pool.allocate(data.length, Hint.WARM).write(0, data);
        }
        final long remote = pool.stats().remoteNodes().stream().mapToLong(RemoteNodeStats::blocks).sum();
        System.out.println(NodeProcess.formatReadyLine(Map.of(
            NodeProcess.READY_KEY_NAME, "client",
            NodeProcess.READY_KEY_ENDPOINT, "none",
            "remoteBlocks", Long.toString(remote))));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
