/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.zipf;

import io.tierpool.client.Block;
import io.tierpool.client.TierPool;
import io.tierpool.client.Hint;
import org.agrona.CloseHelper;

import java.nio.file.Path;

/**
 * Values as TierPool blocks, one per key, allocated on the first put and rewritten in place afterwards
 * ({@link Block#write(long, byte[])}); gets copy the block into the caller's array ({@link Block#read(long,
 * byte[])}). A local pool (no node daemons) with RAM, VVRAM and VSSD tiers of the given sizes.
 */
public final class TierPoolBlockCache implements BlockCache
{
    private final TierPool pool;
    private final Block[] blocks;
    private final int blockBytes;

    /**
     * @param keys       how many keys.
     * @param blockBytes bytes per value.
     * @param ramBytes   the RAM tier, in bytes.
     * @param vvramBytes the VVRAM tier, in bytes.
     * @param vssdBytes  the VSSD tier, in bytes.
     * @param tmpfsDir   directory of the VVRAM tier.
     * @param diskDir    directory of the VSSD tier.
     */
    public TierPoolBlockCache(
        final int keys,
        final int blockBytes,
        final long ramBytes,
        final long vvramBytes,
        final long vssdBytes,
        final Path tmpfsDir,
        final Path diskDir)
    {
        this.blockBytes = blockBytes;
        this.blocks = new Block[keys];
        this.pool = TierPool.open(new TierPool.Context()
            .ramCapacityBytes(ramBytes)
            .vvramCapacityBytes(vvramBytes)
            .vssdCapacityBytes(vssdBytes)
            .vvramDir(tmpfsDir)
            .vssdDir(diskDir)
            .maxBlockBytes(blockBytes));
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "TierPool";
    }

    /**
     * {@inheritDoc}
     */
    public void put(final long key, final byte[] value)
    {
        Block block = blocks[(int)key];
        if (block == null)
        {
            block = pool.allocate(blockBytes, Hint.WARM);
            blocks[(int)key] = block;
        }
        block.write(0, value);
    }

    /**
     * {@inheritDoc}
     */
    public byte[] get(final long key, final byte[] scratch)
    {
        final Block block = blocks[(int)key];
        if (block == null)
        {
            return null;
        }
        block.read(0, scratch);
        return scratch;
    }

    /**
     * @return the pool (for its statistics).
     */
    public TierPool pool()
    {
        return pool;
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        CloseHelper.closeAll(blocks);
        pool.close();
    }
}
