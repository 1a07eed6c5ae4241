/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

/**
 * What this client holds on one remote node daemon (far memory), as counted by the client.
 *
 * @param nodeName      the node daemon's name.
 * @param endpoint      its Aeron data endpoint, {@code host:port}.
 * @param live          whether discovery still lists the node.
 * @param capacityBytes the capacity the node advertised when it joined, in bytes.
 * @param blocks        blocks this client has placed on the node now.
 * @param bytes         bytes this client has placed on the node now.
 * @param puts          blocks sent to the node since the pool opened.
 * @param gets          blocks fetched from the node since the pool opened.
 * @param frees         blocks freed on the node since the pool opened.
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
    long frees)
{
}
