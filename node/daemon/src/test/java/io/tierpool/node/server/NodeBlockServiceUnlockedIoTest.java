/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.server;

import io.tierpool.client.Hint;
import io.tierpool.client.TierKind;
import io.tierpool.node.engine.BlockStore;
import io.tierpool.node.engine.StoreContext;
import io.tierpool.node.tier.Tier;
import io.tierpool.transport.BlockRequestException;
import io.tierpool.transport.ErrorCode;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node's block map is never locked across the store's I/O: while one client's copy is being read up from a
 * slow tier (held back on purpose), the lease reaper frees another client's copies, another client's copy is read
 * and written, and the node counts its blocks. Before the fix every one of those waited for the held read.
 */
class NodeBlockServiceUnlockedIoTest
{
    private static final int KIB = 1024;
    private static final int BLOCK = 4 * KIB;
    private static final long SLOW_CLIENT = 0xA;
    private static final long OTHER_CLIENT = 0xB;
    private static final long LEAVING_CLIENT = 0xC;

    @TempDir
    Path dir;

    @Test
    void aReadHeldInATierBelowDelaysNoOtherClientNorTheLeaseReaper() throws Exception
    {
        final HeldReadTier slow = new HeldReadTier();
        final ExecutorService threads = Executors.newFixedThreadPool(2);
        try (BlockStore store = new BlockStore(new StoreContext()
            .nodeName("unlocked-node")
            .ramCapacityBytes(256 * KIB)
            .vvramCapacityBytes(0)
            .vvramDir(dir)
            .vssdCapacityBytes(0)
            .vssdDir(dir)
            .startMover(false)
            .extraTiers(List.of(slow))))
        {
            final NodeBlockService service = new NodeBlockService("unlocked-node", store);
            final byte[] slowBytes = bytes(1, BLOCK);
            service.onPut(SLOW_CLIENT, 1, 1, new UnsafeBuffer(slowBytes), 0, BLOCK);
            store.moveTo(onlyBlock(store), TierKind.REMOTE);
            assertEquals(1, slow.blockCount(), "the slow client's copy went to the slow tier");

            final byte[] otherBytes = bytes(2, BLOCK);
            service.onPut(OTHER_CLIENT, 2, 1, new UnsafeBuffer(otherBytes), 0, BLOCK);
            for (int i = 0; i < 3; i++)
            {
                final byte[] leaving = bytes(10 + i, BLOCK);
                service.onPut(LEAVING_CLIENT, 100 + i, 1, new UnsafeBuffer(leaving), 0, BLOCK);
            }

            final Future<byte[]> heldRead = threads.submit(() -> read(service, SLOW_CLIENT, 1, 1));
            assertTrue(slow.reached.await(10, TimeUnit.SECONDS), "the slow client's read reached the slow tier");

            // The read is held inside the store. Everything else goes on, on another thread.
            final Future<?> others = threads.submit(() ->
            {
                assertArrayEquals(otherBytes, read(service, OTHER_CLIENT, 2, 1));
                final byte[] newer = bytes(3, BLOCK);
                service.onPut(OTHER_CLIENT, 2, 2, new UnsafeBuffer(newer), 0, BLOCK);
                assertArrayEquals(newer, read(service, OTHER_CLIENT, 2, 2));
                assertEquals(3, service.freeClient(LEAVING_CLIENT), "the reaper freed the leaving client's copies");
                assertEquals(3, service.remoteBlockCount());
                return null;
            });
            others.get(10, TimeUnit.SECONDS);
            assertEquals(1, slow.release.getCount(), "the held read is still held while the others finished");

            slow.release.countDown();
            assertArrayEquals(slowBytes, heldRead.get(10, TimeUnit.SECONDS), "the held read returns its bytes");
            assertArrayEquals(otherBytes, read(service, OTHER_CLIENT, 2, 1));
            final BlockRequestException gone = assertThrows(BlockRequestException.class,
                () -> service.blockLength(LEAVING_CLIENT, 100, 1));
            assertEquals(ErrorCode.NOT_FOUND, gone.code());
        }
        finally
        {
            slow.release.countDown();
            threads.shutdownNow();
            assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
        }
        assertEquals(0, slow.blockCount(), "closing the store freed its copies in the slow tier");
    }

    private static long onlyBlock(final BlockStore store)
    {
        for (long id = 1; id < 1_000; id++)
        {
            try
            {
                store.tierOf(id);
                return id;
            }
            catch (final RuntimeException notThisOne)
            {
                // Not a live block id: try the next.
            }
        }
        throw new AssertionError("the store holds no block");
    }

    private static byte[] read(final NodeBlockService service, final long clientId, final long blockId, final long generation)
    {
        final int length = service.blockLength(clientId, blockId, generation);
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[length]);
        service.onGet(clientId, blockId, generation, dst, 0, length);
        return dst.byteArray();
    }

    private static byte[] bytes(final long seed, final int length)
    {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /**
     * A thread-safe tier on the heap whose first read waits until the test releases it.
     */
    private static final class HeldReadTier implements Tier
    {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final ConcurrentHashMap<Long, byte[]> bytesByLocation = new ConcurrentHashMap<>();
        private final AtomicLong nextLocation = new AtomicLong();
        private final AtomicLong usedBytes = new AtomicLong();

        public TierKind kind()
        {
            return TierKind.REMOTE;
        }

        public String name()
        {
            return "REMOTE";
        }

        public long capacityBytes()
        {
            return 1024 * KIB;
        }

        public long usedBytes()
        {
            return usedBytes.get();
        }

        public long blockCount()
        {
            return bytesByLocation.size();
        }

        public boolean concurrentIo()
        {
            return true;
        }

        public long write(final long blockId, final DirectBuffer src, final int srcOffset, final int length, final int crc32c)
        {
            final byte[] copy = new byte[length];
            src.getBytes(srcOffset, copy);
            final long location = nextLocation.getAndIncrement();
            bytesByLocation.put(location, copy);
            usedBytes.addAndGet(length);
            return location;
        }

        public void read(final long blockId, final long location, final MutableDirectBuffer dst, final int dstOffset, final int length)
        {
            if (reached.getCount() > 0)
            {
                reached.countDown();
                try
                {
                    release.await(30, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
            dst.putBytes(dstOffset, bytesByLocation.get(location), 0, length);
        }

        public void free(final long blockId, final long location)
        {
            usedBytes.addAndGet(-bytesByLocation.remove(location).length);
        }

        public void close()
        {
        }
    }
}
