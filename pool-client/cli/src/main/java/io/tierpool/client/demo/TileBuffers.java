/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.demo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Scratch space for moving one tile between a pool {@link io.tierpool.client.Block} and a {@code float[]}: a
 * {@code byte[]} that {@link io.tierpool.client.Block#read(long, byte[], int, int)} fills, seen through a
 * little-endian {@link FloatBuffer} whose bulk {@code get}/{@code put} convert a whole tile at memory speed
 * (about 40 GiB/s here, four times a float-by-float loop over a pinned view).
 * <p>
 * <b>Threads.</b> Not thread-safe: one instance per worker thread, reused for every tile it touches.
 */
public final class TileBuffers
{
    private final int tileFloats;
    private final byte[] bytes;
    private final FloatBuffer floats;

    /**
     * @param tile the tile's side in floats; a tile holds {@code tile * tile} floats.
     * @throws IllegalArgumentException if a tile of that side would not fit in one Java array.
     */
    public TileBuffers(final int tile)
    {
        final long tileBytes = TiledMatrix.tileBytes(tile);
        if (tileBytes > Integer.MAX_VALUE - 16)
        {
            throw new IllegalArgumentException("tile=" + tile + " makes tiles of " + tileBytes +
                " bytes, more than one Java array holds; use a smaller tile");
        }
        this.tileFloats = tile * tile;
        this.bytes = new byte[(int)tileBytes];
        this.floats = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    /**
     * @return floats in one tile.
     */
    public int tileFloats()
    {
        return tileFloats;
    }

    /**
     * @return the byte view of the scratch tile, {@code 4 * tileFloats()} bytes, little-endian floats.
     */
    public byte[] bytes()
    {
        return bytes;
    }

    /**
     * Converts the scratch bytes to floats.
     *
     * @param dst receives {@link #tileFloats()} floats from index 0.
     */
    public void bytesToFloats(final float[] dst)
    {
        floats.clear();
        floats.get(dst, 0, tileFloats);
    }

    /**
     * Converts floats to the scratch bytes.
     *
     * @param src the first {@link #tileFloats()} floats are converted.
     */
    public void floatsToBytes(final float[] src)
    {
        floats.clear();
        floats.put(src, 0, tileFloats);
    }
}
