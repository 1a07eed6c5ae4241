/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import io.tierpool.transport.BlockClient;
import io.tierpool.transport.TransportDriver;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * A plain application in a JVM of its own, for {@link JvmAccessCheckTest}: launches an embedded Aeron media
 * driver (directory under {@code args[1]}) and a block client, as a clustered pool does, stores a 256 KiB block on
 * the node daemon at {@code args[0]} from off-heap memory, reads it back, frees it, and prints
 * {@code TIERPOOL-AERON-OK equal=<whether the bytes read back are those written> usedAfterFree=<bytes the node
 * still holds>}.
 */
public final class AeronFlagsProbeMain
{
    private static final int LENGTH = 256 * 1024;

    private AeronFlagsProbeMain()
    {
    }

    /**
     * @param args the node's Aeron endpoint {@code host:port}, and a directory for the media driver.
     */
    public static void main(final String[] args)
    {
        final String endpoint = args[0];
        try (TransportDriver driver = TransportDriver.launch(new TransportDriver.Context().baseDir(args[1]));
            BlockClient client = BlockClient.connect(new BlockClient.Context().aeron(driver.aeron())))
        {
            final UnsafeBuffer src = new UnsafeBuffer(ByteBuffer.allocateDirect(LENGTH));
            final UnsafeBuffer dst = new UnsafeBuffer(ByteBuffer.allocateDirect(LENGTH));
            for (int i = 0; i < LENGTH; i += 8)
            {
                src.putLong(i, i * 0x9E3779B97F4A7C15L);
            }
            client.put(endpoint, 7, src, 0, LENGTH);
            final int length = client.get(endpoint, 7, dst, 0, LENGTH);
            final boolean equal = length == LENGTH && src.compareTo(dst) == 0;
            client.free(endpoint, 7);
            final long used = client.usage(endpoint).tiers().stream().mapToLong(TierUsage::usedBytes).sum();
            System.out.println("TIERPOOL-AERON-OK equal=" + equal + " usedAfterFree=" + used);
        }
    }
}
