/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.client.NodeUsage;

import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Puts and gets one block of the largest size the protocol carries, 1 GiB, with the default timeouts (whose
 * per-MiB transfer allowance must cover it). It needs about 5 GiB of native memory
 * and 2 GiB of /dev/shm, so it runs only with {@code -Dtierpool.test.large=true}.
 */
@EnabledIfSystemProperty(named = "tierpool.test.large", matches = "true")
class LargeBlockTransportTest
{
    private static final Logger LOG = LoggerFactory.getLogger(LargeBlockTransportTest.class);

    @Test
    @Timeout(300)
    void shouldRoundTripOneGibibyteBlock()
    {
        final int length = TransportConfiguration.MAX_BLOCK_LENGTH;
        final OffHeapBlockHandler handler = new OffHeapBlockHandler();
        final TransportDriver nodeDriver = TransportDriver.launch(new TransportDriver.Context());
        final TransportDriver clientDriver = TransportDriver.launch(new TransportDriver.Context());
        final OffHeapBuffer src = new OffHeapBuffer(length);
        final OffHeapBuffer dst = new OffHeapBuffer(length);
        BlockServer server = null;
        BlockClient client = null;
        try
        {
            server = BlockServer.launch(new BlockServer.Context()
                .aeron(nodeDriver.aeron()).endpoint(TestPorts.nextEndpoint()).nodeName("big").handler(handler));
            client = BlockClient.connect(new BlockClient.Context()
                .aeron(clientDriver.aeron())
                .responseEndpoint(TestPorts.nextEndpoint()));

            long x = 0x9E3779B97F4A7C15L;
            for (int i = 0; i < length; i += 8)
            {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                src.buffer().putLong(i, x);
            }

            final long putStartNs = System.nanoTime();
            client.put(server.endpoint(), 1, src.buffer(), 0, length);
            final long getStartNs = System.nanoTime();
            assertEquals(length, client.get(server.endpoint(), 1, dst.buffer(), 0, length));
            final long endNs = System.nanoTime();
            LOG.info("1 GiB block: put {} ms, get {} ms", TimeUnit.NANOSECONDS.toMillis(getStartNs - putStartNs),
                TimeUnit.NANOSECONDS.toMillis(endNs - getStartNs));

            for (int i = 0; i < length; i += 8)
            {
                if (src.buffer().getLong(i) != dst.buffer().getLong(i))
                {
                    assertEquals(src.buffer().getLong(i), dst.buffer().getLong(i), "bytes differ at " + i);
                }
            }
        }
        finally
        {
            CloseHelper.closeAll(client, server, clientDriver, nodeDriver, src, dst, handler);
        }
        assertFalse(new File(nodeDriver.aeronDirectoryName()).exists());
        assertFalse(new File(clientDriver.aeronDirectoryName()).exists());
    }

    /**
     * Keeps blocks in native memory, since a 1 GiB heap array does not fit the test JVM's heap.
     */
    private static final class OffHeapBlockHandler implements BlockRequestHandler, AutoCloseable
    {
        private final Long2ObjectHashMap<OffHeapBuffer> blocks = new Long2ObjectHashMap<>();
        private final Long2LongHashMap lengths = new Long2LongHashMap(-1);

        public void onPut(final long clientId, final long blockId, final long generation, final DirectBuffer src,
            final int srcOffset, final int length)
        {
            final OffHeapBuffer copy = new OffHeapBuffer(length);
            copy.buffer().putBytes(0, src, srcOffset, length);
            CloseHelper.close(blocks.put(blockId, copy));
            lengths.put(blockId, length);
        }

        public int blockLength(final long clientId, final long blockId, final long generation)
        {
            return (int)lengths.get(blockId);
        }

        public void onGet(final long clientId, final long blockId, final long generation,
            final MutableDirectBuffer dst, final int dstOffset, final int length)
        {
            dst.putBytes(dstOffset, blocks.get(blockId).buffer(), 0, length);
        }

        public void onFree(final long clientId, final long blockId, final long generation)
        {
            CloseHelper.close(blocks.remove(blockId));
        }

        public NodeUsage usage()
        {
            return new NodeUsage("big", List.of());
        }

        public void close()
        {
            CloseHelper.closeAll(blocks.values());
        }
    }
}
