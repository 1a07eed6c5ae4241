/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

/**
 * What this client holds on one remote node daemon (far memory), as counted by the client. Every figure counts
 * copies (a block with 2 replicas counts on both its nodes); {@link PoolStats} says which of its counters count
 * blocks.
 *
 * @param nodeName      the node daemon's name.
 * @param endpoint      its Aeron data endpoint, {@code host:port}.
 * @param live          whether discovery still lists the node.
 * @param capacityBytes the capacity the node advertised when it joined, in bytes.
 * @param blocks        copies of blocks this client holds on the node now, every replica counted on the node that
 *                      holds it; 0 once the node has left (its copies are gone).
 * @param bytes         bytes of those copies.
 * @param puts          copies sent to the node since the pool opened (placements and re-replication).
 * @param gets          copies fetched from the node since the pool opened (reads and re-replication).
 * @param frees         copies the node confirmed freed since the pool opened.
 * @param failures      requests to the node that timed out, could not reach it or were answered with an error
 *                      other than "no space"; each made the client fail over to another node.
 * @param refusedNoSpace puts the node refused because it was full; the block went to the next node.
 */
public record RemoteNodeStats(
    String nodeName,
    String endpoint,
    boolean live,
    long capacityBytes,
    long blocks,
    long bytes,
    long puts,
    long gets,
    long frees,
    long failures,
    long refusedNoSpace)
{
}
