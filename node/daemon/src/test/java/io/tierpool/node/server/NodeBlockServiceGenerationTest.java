/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.server;

import io.tierpool.node.engine.BlockStore;
import io.tierpool.node.engine.StoreContext;
import io.tierpool.transport.BlockRequestException;
import io.tierpool.transport.ErrorCode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node keeps a client's copies apart by (block id, generation): two copies of one block id live side by side,
 * are read and freed apart, and a client that leaves has all of them reclaimed.
 */
class NodeBlockServiceGenerationTest
{
    private static final long MIB = 1024 * 1024;
    private static final long CLIENT = 0xC0FFEE;

    @TempDir
    Path dir;

    private BlockStore store;
    private NodeBlockService service;

    @BeforeEach
    void setUp()
    {
        store = new BlockStore(new StoreContext()
            .nodeName("generation-node")
            .ramCapacityBytes(MIB)
            .vvramCapacityBytes(MIB)
            .vvramDir(dir)
            .vssdCapacityBytes(4 * MIB)
            .vssdDir(dir)
            .startMover(false));
        service = new NodeBlockService("generation-node", store);
    }

    @AfterEach
    void tearDown()
    {
        CloseHelper.close(store);
    }

    @Test
    void shouldKeepTwoCopiesOfOneBlockApartAndFreeThemIndependently()
    {
        final byte[] older = bytes(1, 5000);
        final byte[] newer = bytes(2, 700);
        service.onPut(CLIENT, 42, 1, new UnsafeBuffer(older), 0, older.length);
        service.onPut(CLIENT, 42, 2, new UnsafeBuffer(newer), 0, newer.length);
        assertEquals(2, service.remoteBlockCount());

        assertArrayEquals(older, read(42, 1));
        assertArrayEquals(newer, read(42, 2));

        service.onFree(CLIENT, 42, 1);
        assertEquals(1, service.remoteBlockCount());
        final BlockRequestException gone = assertThrows(BlockRequestException.class,
            () -> service.blockLength(CLIENT, 42, 1));
        assertEquals(ErrorCode.NOT_FOUND, gone.code());
        assertTrue(gone.getMessage().contains("generation 1"), gone.getMessage());
        assertArrayEquals(newer, read(42, 2));

        service.onFree(CLIENT, 42, 2);
        assertEquals(0, service.remoteBlockCount());
        assertEquals(0, service.remoteClientCount());
    }

    @Test
    void shouldReplaceOnlyTheCopyWithTheSameGenerationAndReadVersionZeroCallsAsGenerationZero()
    {
        final byte[] first = bytes(3, 100);
        final byte[] second = bytes(4, 200);
        final byte[] other = bytes(5, 300);
        service.onPut(CLIENT, 7, new UnsafeBuffer(first), 0, first.length);
        service.onPut(CLIENT, 7, 0, new UnsafeBuffer(second), 0, second.length);
        service.onPut(CLIENT, 7, 9, new UnsafeBuffer(other), 0, other.length);

        assertEquals(2, service.remoteBlockCount());
        assertEquals(second.length, service.blockLength(CLIENT, 7));
        assertArrayEquals(second, read(7, 0));
        assertArrayEquals(other, read(7, 9));
    }

    @Test
    void shouldReclaimEveryCopyOfALeavingClient()
    {
        for (int generation = 0; generation < 3; generation++)
        {
            final byte[] block = bytes(generation, 64 + generation);
            service.onPut(CLIENT, 11, generation, new UnsafeBuffer(block), 0, block.length);
            service.onPut(CLIENT, 12, generation, new UnsafeBuffer(block), 0, block.length);
        }
        assertEquals(6, service.remoteBlockCount());
        assertEquals(6, service.freeClient(CLIENT));
        assertEquals(0, service.remoteBlockCount());
        assertEquals(6, service.reclaimedBlocks());
    }

    private byte[] read(final long blockId, final long generation)
    {
        final int length = service.blockLength(CLIENT, blockId, generation);
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[length]);
        service.onGet(CLIENT, blockId, generation, dst, 0, length);
        return dst.byteArray();
    }

    private static byte[] bytes(final long seed, final int length)
    {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
