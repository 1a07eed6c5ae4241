/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.far;

import io.tierpool.client.ChecksumMismatchException;
import io.tierpool.client.NodeView;
import io.tierpool.node.tier.Tier;
import io.tierpool.transport.BlockClient;
import io.tierpool.transport.BlockRequestException;
import io.tierpool.transport.BlockRequestHandler;
import io.tierpool.transport.BlockServer;
import io.tierpool.transport.ErrorCode;
import io.tierpool.client.NodeUsage;
import io.tierpool.client.TierUsage;
import io.tierpool.transport.TransportDriver;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RemoteTier} as a tier many threads call at once, against real {@link BlockServer}s on a real embedded
 * driver over UDP loopback (no Ignite: the nodes are handed to the tier directly). Ports 52100-52199.
 */
class RemoteTierConcurrencyTest
{
    private static final int KIB = 1024;
    private static final long WAIT_CAP_NS = TimeUnit.SECONDS.toNanos(30);
    private static int nextPort = 52100;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<MapHandler> handlers = new ArrayList<>();
    private final List<BlockServer> servers = new ArrayList<>();
    private final List<NodeView> nodes = new ArrayList<>();
    private TransportDriver nodeDriver;
    private TransportDriver clientDriver;

    @BeforeEach
    void setUp()
    {
        nodeDriver = TransportDriver.launch(new TransportDriver.Context());
        clientDriver = TransportDriver.launch(new TransportDriver.Context());
    }

    @AfterEach
    void tearDown()
    {
        final List<AutoCloseable> all = new ArrayList<>(closeables);
        Collections.reverse(all);
        CloseHelper.closeAll(all);
        CloseHelper.closeAll(clientDriver, nodeDriver);
    }

    @Test
    @Timeout(60)
    void shouldKeepARetainedCopyAndANewCopyOfOneBlockApartAndFreeThemIndependently()
    {
        launchNodes(1);
        final RemoteTier tier = newTier(newClient(new BlockClient.Context()), 1);
        assertTrue(tier.concurrentIo());
        final byte[] older = bytes(1, 40 * KIB);
        final byte[] newer = bytes(2, 9 * KIB);

        final long first = write(tier, 5, older);
        final long second = write(tier, 5, newer);
        assertNotEquals(first, second);
        assertEquals(2, handlers.get(0).copies.size());
        assertArrayEquals(older, read(tier, 5, first, older.length));
        assertArrayEquals(newer, read(tier, 5, second, newer.length));

        tier.free(5, first);
        awaitCondition(() -> 1 == handlers.get(0).copies.size(), "the older copy freed");
        assertArrayEquals(newer, read(tier, 5, second, newer.length));

        tier.free(5, second);
        awaitCondition(() -> handlers.get(0).copies.isEmpty(), "the newer copy freed");
        assertEquals(0, tier.failedFrees());
    }

    @Test
    @Timeout(60)
    void shouldFailOverFromACopyDamagedOnItsNodeAndNeverDeliverADamagedOne()
    {
        // the node sends what it holds intact, so only the check against the checksum the block was written with
        // can tell: the tier must read the other replica, and refuse when every copy is damaged
        launchNodes(2);
        final RemoteTier tier = newTier(newClient(new BlockClient.Context()), 2);
        assertTrue(tier.verifiesReads());
        final byte[] block = bytes(4, 150 * KIB);
        final long location = write(tier, 21, block);
        assertEquals(2, tier.holderNames(21).size());

        // holders are asked in rank order: damage the copy of the first
        final int first = tier.holderNames(21).get(0).equals("node-a") ? 0 : 1;
        final byte[] firstCopy = handlers.get(first).copies.values().iterator().next();
        firstCopy[777] ^= 0x40;
        assertArrayEquals(block, read(tier, 21, location, block.length));
        assertArrayEquals(block, read(tier, 21, location, block.length));
        final long retriesAfterOne = tier.checksumRetries();
        assertEquals(2, retriesAfterOne, "each read asked the damaged copy first and failed over from it");

        final byte[] secondCopy = handlers.get(1 - first).copies.values().iterator().next();
        secondCopy[150 * KIB - 1] ^= 0x01;
        final ChecksumMismatchException ex = assertThrows(ChecksumMismatchException.class,
            () -> read(tier, 21, location, block.length));
        assertTrue(ex.getMessage().contains("block 21"), ex.getMessage());
        assertEquals(crc32c(block), ex.expectedCrc32c());
        assertEquals(retriesAfterOne + 2, tier.checksumRetries());

        secondCopy[150 * KIB - 1] ^= 0x01;
        assertArrayEquals(block, read(tier, 21, location, block.length), "an intact copy is read again");
        tier.free(21, location);
        awaitCondition(() -> handlers.get(0).copies.isEmpty() && handlers.get(1).copies.isEmpty(), "frees");
    }

    @Test
    @Timeout(60)
    void shouldHaveBothReplicaPutsInFlightBeforeEitherIsAnswered()
    {
        launchNodes(2);
        final RemoteTier tier = newTier(newClient(new BlockClient.Context()), 2);
        // whichever node gets its put first holds it until the other node has its own: a write that waited for
        // one answer before sending the next put would never finish
        final AtomicInteger arrived = new AtomicInteger();
        for (final MapHandler handler : handlers)
        {
            handler.beforePut = () ->
            {
                arrived.incrementAndGet();
                awaitCondition(() -> arrived.get() >= 2, "both replica puts arrived");
            };
        }

        final byte[] block = bytes(3, 200 * KIB);
        final long location = write(tier, 11, block);
        assertEquals(2, tier.holderNames(11).size());
        assertArrayEquals(block, read(tier, 11, location, block.length));
        for (final MapHandler handler : handlers)
        {
            handler.beforePut = null;
        }
        tier.free(11, location);
        awaitCondition(() -> handlers.get(0).copies.isEmpty() && handlers.get(1).copies.isEmpty(), "frees");
    }

    @Test
    @Timeout(60)
    void shouldSendABatchOfSmallBlocksAsFewMessagesPerNodeAndReadThemBackOneByOne()
    {
        launchNodes(2);
        final RemoteTier tier = newTier(newClient(new BlockClient.Context()), 1);
        final int count = 256;
        final int length = 4 * KIB;
        final UnsafeBuffer src = new UnsafeBuffer(ByteBuffer.allocateDirect(count * (length + Tier.BATCH_ALIGNMENT)));
        final long[] blockIds = new long[count];
        final int[] offsets = new int[count];
        final int[] lengths = new int[count];
        final int[] crc32cs = new int[count];
        final long[] locations = new long[count];
        final byte[][] blocks = new byte[count][];
        int position = 0;
        for (int k = 0; k < count; k++)
        {
            blocks[k] = bytes(100 + k, length - 3 * (k % 5));
            blockIds[k] = 1 + k;
            offsets[k] = position;
            lengths[k] = blocks[k].length;
            crc32cs[k] = crc32c(blocks[k]);
            src.putBytes(position, blocks[k]);
            position = (position + lengths[k] + Tier.BATCH_ALIGNMENT - 1) & -Tier.BATCH_ALIGNMENT;
        }

        final long requestsBefore = servers.get(0).requestCount() + servers.get(1).requestCount();
        assertEquals(count, tier.writeBatch(count, blockIds, src, offsets, lengths, crc32cs, locations));
        final long messages = servers.get(0).requestCount() + servers.get(1).requestCount() - requestsBefore;
        assertTrue(messages <= 4, "256 blocks of 4 KiB on two nodes took " + messages + " messages");
        assertEquals(count, handlers.get(0).copies.size() + handlers.get(1).copies.size());

        for (int k = 0; k < count; k++)
        {
            assertArrayEquals(blocks[k], read(tier, blockIds[k], locations[k], lengths[k]), "block " + blockIds[k]);
        }
        for (int k = 0; k < count; k++)
        {
            tier.free(blockIds[k], locations[k]);
        }
        awaitCondition(() -> handlers.get(0).copies.isEmpty() && handlers.get(1).copies.isEmpty(), "frees");
    }

    @Test
    @Timeout(60)
    void shouldHandAFailedAsynchronousFreeToTheRepairAgent()
    {
        launchNodes(1);
        final RemoteTier tier = newTier(newClient(new BlockClient.Context()), 1);
        final byte[] block = bytes(4, 3 * KIB);
        final long location = write(tier, 21, block);

        final MapHandler handler = handlers.get(0);
        handler.failFrees = true;
        tier.free(21, location);
        assertEquals(0, tier.blockCount());

        awaitCondition(() -> 1 == tier.failedFrees(), "the free recorded as failed");
        assertEquals(RemoteTier.FREE_ATTEMPTS - 1, tier.freeRetries());
        assertEquals(RemoteTier.FREE_ATTEMPTS, handler.freeAttempts.get());
        assertEquals(1, handler.copies.size(), "the copy stays until the node reclaims it");
    }

    @Test
    @Timeout(120)
    void shouldServeEightThreadsWritingReadingAndFreeingAtOnce() throws Exception
    {
        launchNodes(2);
        final RemoteTier tier = newTier(newClient(new BlockClient.Context()), 2);
        final int threads = 8;
        final ExecutorService executor = Executors.newFixedThreadPool(threads);
        try
        {
            final List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int thread = t;
                results.add(executor.submit(() ->
                {
                    final SplittableRandom random = new SplittableRandom(thread);
                    int verified = 0;
                    for (int i = 0; i < 40; i++)
                    {
                        final long blockId = 10_000L * (thread + 1) + i % 5;
                        final byte[] block = bytes(random.nextLong(), 1 + random.nextInt(96 * KIB));
                        final long location = write(tier, blockId, block);
                        assertArrayEquals(block, read(tier, blockId, location, block.length), "block " + blockId);
                        tier.free(blockId, location);
                        verified++;
                    }
                    return verified;
                }));
            }
            int verified = 0;
            for (final Future<Integer> result : results)
            {
                verified += result.get(100, TimeUnit.SECONDS);
            }
            assertEquals(threads * 40, verified);
        }
        finally
        {
            executor.shutdownNow();
        }
        assertEquals(0, tier.blockCount());
        awaitCondition(() -> handlers.get(0).copies.isEmpty() && handlers.get(1).copies.isEmpty(), "frees");
    }

    private void launchNodes(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final String name = "node-" + (char)('a' + i);
            final MapHandler handler = new MapHandler(name);
            final BlockServer server = BlockServer.launch(new BlockServer.Context()
                .aeron(nodeDriver.aeron())
                .endpoint("127.0.0.1:" + nextPort++)
                .nodeName(name)
                .handler(handler));
            closeables.add(server);
            handlers.add(handler);
            servers.add(server);
            nodes.add(new NodeView(UUID.randomUUID(), name, server.endpoint(), 1L << 30));
        }
    }

    private BlockClient newClient(final BlockClient.Context ctx)
    {
        final BlockClient client = BlockClient.connect(ctx
            .aeron(clientDriver.aeron())
            .responseEndpoint("127.0.0.1:" + nextPort++));
        closeables.add(client);
        return client;
    }

    private RemoteTier newTier(final BlockClient client, final int replicas)
    {
        final RemoteTier tier = new RemoteTier(client, replicas);
        tier.start(nodes);
        closeables.add(tier);
        return tier;
    }

    private static long write(final RemoteTier tier, final long blockId, final byte[] block)
    {
        final long location = tier.write(blockId, new UnsafeBuffer(block), 0, block.length, crc32c(block));
        assertTrue(location >= 0, "block " + blockId + " was not stored: " + location);
        return location;
    }

    private static byte[] read(final RemoteTier tier, final long blockId, final long location, final int length)
    {
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[length]);
        tier.read(blockId, location, dst, 0, length);
        return dst.byteArray();
    }

    private static byte[] bytes(final long seed, final int length)
    {
        final byte[] bytes = new byte[length];
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)random.nextInt();
        }
        return bytes;
    }

    private static int crc32c(final byte[] bytes)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int)crc.getValue();
    }

    private static void awaitCondition(final BooleanSupplier condition, final String what)
    {
        final long deadlineNs = System.nanoTime() + WAIT_CAP_NS;
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadlineNs, "gave up waiting for " + what);
            Thread.yield();
        }
    }

    /**
     * Copies in a map keyed by (client, block, generation), with a hook before puts and a switch that makes
     * frees fail inside the node.
     */
    private static final class MapHandler implements BlockRequestHandler
    {
        record Key(long clientId, long blockId, long generation)
        {
        }

        final Map<Key, byte[]> copies = new ConcurrentHashMap<>();
        final AtomicInteger freeAttempts = new AtomicInteger();
        final String nodeName;
        volatile Runnable beforePut;
        volatile boolean failFrees;

        MapHandler(final String nodeName)
        {
            this.nodeName = nodeName;
        }

        public void onPut(final long clientId, final long blockId, final long generation, final DirectBuffer src,
            final int srcOffset, final int length)
        {
            final Runnable hook = beforePut;
            if (null != hook)
            {
                hook.run();
            }
            final byte[] copy = new byte[length];
            src.getBytes(srcOffset, copy);
            copies.put(new Key(clientId, blockId, generation), copy);
        }

        public int blockLength(final long clientId, final long blockId, final long generation)
        {
            return copy(clientId, blockId, generation).length;
        }

        public void onGet(final long clientId, final long blockId, final long generation,
            final MutableDirectBuffer dst, final int dstOffset, final int length)
        {
            dst.putBytes(dstOffset, copy(clientId, blockId, generation), 0, length);
        }

        public void onFree(final long clientId, final long blockId, final long generation)
        {
            freeAttempts.incrementAndGet();
            if (failFrees)
            {
                throw new IllegalStateException("node " + nodeName + " failed to free block " + blockId +
                    " on purpose");
            }
            if (null == copies.remove(new Key(clientId, blockId, generation)))
            {
                throw new BlockRequestException(ErrorCode.NOT_FOUND, "node " + nodeName + " holds no block " +
                    blockId + " generation " + generation);
            }
        }

        public NodeUsage usage()
        {
            return new NodeUsage(nodeName, List.of(new TierUsage("RAM", 1L << 30, 0, copies.size())));
        }

        private byte[] copy(final long clientId, final long blockId, final long generation)
        {
            final byte[] copy = copies.get(new Key(clientId, blockId, generation));
            if (null == copy)
            {
                throw new BlockRequestException(ErrorCode.NOT_FOUND, "node " + nodeName + " holds no block " +
                    blockId + " generation " + generation);
            }
            return copy;
        }
    }
}
