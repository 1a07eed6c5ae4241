/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.demo;

import io.tierpool.client.Block;
import io.tierpool.client.TierPool;
import io.tierpool.client.Hint;
import org.agrona.CloseHelper;

import java.util.SplittableRandom;

/**
 * A square {@code n x n} matrix of floats held in a {@link TierPool}, one {@link Block} per {@code tile x tile}
 * tile, so that the matrix can be far larger than the heap and than the pool's RAM.
 * <pre>
 *   tile (ti, tj) covers rows    ti*tile .. ti*tile + tile - 1
 *                     and columns tj*tile .. tj*tile + tile - 1
 *
 *   block of tile (ti, tj): tile*tile floats, row-major, little-endian IEEE 754 binary32
 *    0                4                8        4*(r*tile + c)              4*tile*tile
 *   +----------------+----------------+--- ... ---+----------------+--- ... ---+
 *   | element (0, 0) | element (0, 1) |           | element (r, c) |           |
 *   +----------------+----------------+--- ... ---+----------------+--- ... ---+
 * </pre>
 * <b>Threads.</b> Reading and writing different tiles from different threads is safe (the pool is thread-safe);
 * each thread brings its own {@link TileBuffers}. Writes to one tile are not ordered against reads of it from
 * other threads. <b>Ownership.</b> The matrix owns its blocks: {@link #close()} frees them.
 */
public final class TiledMatrix implements AutoCloseable
{
    private final String name;
    private final int n;
    private final int tile;
    private final int tilesPerSide;
    private final Block[] blocks;
    private boolean closed;

    private TiledMatrix(final String name, final int n, final int tile, final Block[] blocks)
    {
        this.name = name;
        this.n = n;
        this.tile = tile;
        this.tilesPerSide = n / tile;
        this.blocks = blocks;
    }

    /**
     * @param tile a tile's side in floats.
     * @return bytes in one tile's block, {@code 4 * tile * tile}.
     */
    public static long tileBytes(final int tile)
    {
        return (long)tile * tile * Float.BYTES;
    }

    /**
     * @param n the matrix side in floats.
     * @return bytes of the whole matrix, {@code 4 * n * n}.
     */
    public static long matrixBytes(final int n)
    {
        return (long)n * n * Float.BYTES;
    }

    /**
     * Allocates the matrix's blocks, zero-filled, in tile order (row of tiles by row of tiles).
     *
     * @param pool where the blocks live; must stay open while the matrix is used.
     * @param name a short name for messages and reports, e.g. {@code "A"}.
     * @param n    the matrix side in floats, a positive multiple of {@code tile}.
     * @param tile the tile side in floats, positive.
     * @param hint the allocation hint for every block.
     * @return the matrix, to be closed by the caller.
     * @throws IllegalArgumentException if {@code n} is not a positive multiple of {@code tile}.
     * @throws io.tierpool.client.OutOfTierMemoryException if the pool runs out of room (blocks allocated so far are
     *                                                   freed before it is rethrown).
     */
    public static TiledMatrix allocate(
        final TierPool pool, final String name, final int n, final int tile, final Hint hint)
    {
        if (tile <= 0 || n <= 0 || n % tile != 0)
        {
            throw new IllegalArgumentException("matrix " + name + ": n=" + n + " must be a positive multiple of " +
                "tile=" + tile);
        }
        final int tilesPerSide = n / tile;
        final Block[] blocks = new Block[tilesPerSide * tilesPerSide];
        try
        {
            for (int i = 0; i < blocks.length; i++)
            {
                blocks[i] = pool.allocate(tileBytes(tile), hint);
            }
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(blocks);
            throw ex;
        }
        return new TiledMatrix(name, n, tile, blocks);
    }

    /**
     * @return the name given at allocation.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the matrix side in floats.
     */
    public int n()
    {
        return n;
    }

    /**
     * @return the tile side in floats.
     */
    public int tile()
    {
        return tile;
    }

    /**
     * @return tiles along one side, {@code n / tile}.
     */
    public int tilesPerSide()
    {
        return tilesPerSide;
    }

    /**
     * @return bytes of the matrix's data, {@code 4 * n * n}.
     */
    public long dataBytes()
    {
        return matrixBytes(n);
    }

    /**
     * @param tileRow the tile's row, {@code 0 <= tileRow < tilesPerSide()}.
     * @param tileCol the tile's column, {@code 0 <= tileCol < tilesPerSide()}.
     * @return the block that holds the tile; owned by this matrix, not to be closed by the caller.
     * @throws IndexOutOfBoundsException if the tile is outside the matrix.
     */
    public Block block(final int tileRow, final int tileCol)
    {
        if (tileRow < 0 || tileRow >= tilesPerSide || tileCol < 0 || tileCol >= tilesPerSide)
        {
            throw new IndexOutOfBoundsException("matrix " + name + " has " + tilesPerSide + "x" + tilesPerSide +
                " tiles; tile (" + tileRow + ", " + tileCol + ") is outside it");
        }
        return blocks[tileRow * tilesPerSide + tileCol];
    }

    /**
     * Reads one tile from the pool into {@code dst}.
     *
     * @param tileRow the tile's row.
     * @param tileCol the tile's column.
     * @param dst     receives {@code tile * tile} floats, row-major, from index 0.
     * @param scratch this thread's scratch space, made for this matrix's tile size.
     * @throws io.tierpool.client.TierPoolException if the pool cannot return the block (see
     *                                       {@link Block#read(long, byte[], int, int)}).
     */
    public void readTile(final int tileRow, final int tileCol, final float[] dst, final TileBuffers scratch)
    {
        final byte[] bytes = scratch.bytes();
        block(tileRow, tileCol).read(0, bytes, 0, bytes.length);
        scratch.bytesToFloats(dst);
    }

    /**
     * Writes one tile from {@code src} into the pool.
     *
     * @param tileRow the tile's row.
     * @param tileCol the tile's column.
     * @param src     {@code tile * tile} floats, row-major, from index 0.
     * @param scratch this thread's scratch space, made for this matrix's tile size.
     * @throws io.tierpool.client.TierPoolException if the pool cannot take the block (see
     *                                       {@link Block#write(long, byte[], int, int)}).
     */
    public void writeTile(final int tileRow, final int tileCol, final float[] src, final TileBuffers scratch)
    {
        scratch.floatsToBytes(src);
        final byte[] bytes = scratch.bytes();
        block(tileRow, tileCol).write(0, bytes, 0, bytes.length);
    }

    /**
     * Fills the matrix with values drawn uniformly from {@code [-1, 1)} on the grid of {@code 2^-23}, so that
     * every value is an exact float. Tiles are filled in tile order, elements row-major within a tile: the same
     * seed gives the same matrix.
     *
     * @param random     the generator, advanced by {@code n * n} draws.
     * @param values     a {@code tile * tile} work array.
     * @param scratch    this thread's scratch space.
     * @param afterTile  called after each tile is written (progress), may be a no-op.
     */
    public void fillUniform(
        final SplittableRandom random, final float[] values, final TileBuffers scratch, final Runnable afterTile)
    {
        final int tileFloats = tile * tile;
        for (int tileRow = 0; tileRow < tilesPerSide; tileRow++)
        {
            for (int tileCol = 0; tileCol < tilesPerSide; tileCol++)
            {
                for (int i = 0; i < tileFloats; i++)
                {
                    values[i] = uniformValue(random);
                }
                writeTile(tileRow, tileCol, values, scratch);
                afterTile.run();
            }
        }
    }

    /**
     * @param random the generator, advanced by one draw.
     * @return a value in {@code [-1, 1)} that is a multiple of {@code 2^-23}, exact as a float.
     */
    public static float uniformValue(final SplittableRandom random)
    {
        return random.nextInt(1 << 24) * 0x1.0p-23f - 1.0f;
    }

    /**
     * Frees the matrix's blocks. Idempotent.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            CloseHelper.closeAll(blocks);
        }
    }

    /**
     * @return the matrix's name and shape.
     */
    public String toString()
    {
        return "TiledMatrix{" + name + ", n=" + n + ", tile=" + tile + "}";
    }
}
