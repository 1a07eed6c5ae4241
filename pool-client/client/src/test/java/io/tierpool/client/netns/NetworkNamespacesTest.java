/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.netns;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The namespaces reach the bridge address, a partition cuts a namespace off and a heal restores it, and nothing is
 * left once closed. Skipped (not failed) where namespaces cannot be made. Port: UDP 40759 on the bridge address.
 */
class NetworkNamespacesTest
{
    private static final int PORT = 40759;
    private static final int DATAGRAMS = 20;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldReachTheBridgeUntilPartitionedAgainAfterHealAndLeaveNothingBehind() throws Exception
    {
        assumeTrue(Files.isExecutable(Paths.get("/bin/bash")), "needs /bin/bash to send datagrams from a namespace");
        final List<String> names = new ArrayList<>();
        final NetworkNamespaces network = NetworkNamespaces.create(2);
        try (network; DatagramSocket socket = new DatagramSocket(
            new InetSocketAddress(InetAddress.getByName(network.bridgeAddress()), PORT)))
        {
            socket.setSoTimeout(200);
            names.addAll(network.leftovers());
            assertEquals(2, network.size());
            assertTrue(network.address(0).startsWith(NetworkNamespaces.NETWORK_PREFIX), network.toString());
            assertEquals(5, names.size(), "two namespaces, two veth host ends, the bridge: " + names +
                " (the namespace ends live inside the namespaces)");

            assertTrue(received(network, socket, 1, "healthy") > 0, "datagrams from " + network.namespace(1));

            network.partition(1);
            assertTrue(network.ruleset(1).contains("drop"), network.ruleset(1));
            assertEquals(0, received(network, socket, 1, "partitioned"), "a partitioned namespace sends nothing");
            assertTrue(received(network, socket, 0, "neighbour") > 0, "the other namespace is not affected");

            network.heal(1);
            assertFalse(network.ruleset(1).contains(NetworkNamespaces.FAULT_TABLE), network.ruleset(1));
            assertTrue(received(network, socket, 1, "healed") > 0, "datagrams again after the heal");

            network.loss(0, 5);
            final String rules = network.ruleset(0);
            assertTrue(rules.contains("numgen random mod 100 < 5") && rules.contains("drop"), rules);
            network.heal(0);
            network.heal(0);
            assertThrows(IllegalArgumentException.class, () -> network.loss(0, 100));
            assertThrows(IndexOutOfBoundsException.class, () -> network.partition(2));
        }
        assertEquals(List.of(), network.leftovers(), "namespaces and links removed; had " + names);
    }

    private static int received(
        final NetworkNamespaces network, final DatagramSocket socket, final int index, final String tag) throws Exception
    {
        final String script = "for i in $(seq 1 " + DATAGRAMS + "); do echo " + tag + " > /dev/udp/" +
            network.bridgeAddress() + "/" + PORT + "; done";
        final List<String> command = new ArrayList<>(network.execPrefix(index));
        command.addAll(List.of("/bin/bash", "-c", script));
        final Process sender = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(sender.waitFor(20, TimeUnit.SECONDS), "sender finished");

        int received = 0;
        final byte[] buffer = new byte[64];
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < deadlineNs)
        {
            final DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try
            {
                socket.receive(packet);
            }
            catch (final SocketTimeoutException ex)
            {
                continue;
            }
            final String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII).trim();
            if (text.equals(tag) && packet.getAddress().getHostAddress().equals(network.address(index)))
            {
                received++;
            }
        }
        return received;
    }
}
