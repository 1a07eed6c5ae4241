/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.remote;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Contents that tell blocks (and versions of a block) apart at no cost per byte: a random source of
 * {@code 2 x blockBytes} bytes, and the contents of block {@code key} at {@code version} are the
 * {@code blockBytes} bytes of the source starting at {@link #shift(long, long)}. Writing is one
 * {@code Block.write} from the source, checking one vectorised {@link Arrays#mismatch}, so the benchmark's own
 * work stays out of the figures while every byte read back is still checked: a block returned with another
 * block's or an older version's bytes, or with damaged bytes, mismatches.
 * <p>
 * Shifts are {@code (key * STRIDE + version * VERSION_STRIDE) mod blockBytes}; with {@code STRIDE} an odd prime
 * larger than any block size used, keys {@code 0 .. blockBytes - 1} of one version have distinct shifts, and a
 * source of random bytes makes distinct shifts distinct contents. Where versions change, {@link #fill} stamps the
 * key and version into the first {@value #STAMP_BYTES} bytes as well, so that no other key or version can match.
 * Immutable and thread-safe once built.
 */
public final class BlockPattern
{
    /**
     * Bytes {@link #fill} stamps at the start of a block: the key and the version, two longs.
     */
    public static final int STAMP_BYTES = 16;

    private static final long STRIDE = 1_000_003L;
    private static final long VERSION_STRIDE = 7_919L;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] source;
    private final int blockBytes;

    /**
     * @param blockBytes bytes per block, 1 to 2^30.
     * @param seed       seed of the random source.
     * @throws IllegalArgumentException if {@code blockBytes} is out of range.
     */
    public BlockPattern(final int blockBytes, final long seed)
    {
        if (blockBytes < 1 || blockBytes > (1 << 30))
        {
            throw new IllegalArgumentException("block size " + blockBytes + " must be 1 byte to 1 GiB");
        }
        this.blockBytes = blockBytes;
        this.source = new byte[2 * blockBytes];
        new SplittableRandom(seed).nextBytes(source);
    }

    /**
     * @return bytes per block.
     */
    public int blockBytes()
    {
        return blockBytes;
    }

    /**
     * @return the source the contents are slices of; callers write from it and must not change it.
     */
    public byte[] source()
    {
        return source;
    }

    /**
     * @param key     the block's number in its workload, 0 or more.
     * @param version the version of its contents, 0 or more.
     * @return where in {@link #source()} the block's contents start, {@code 0 .. blockBytes - 1}.
     */
    public int shift(final long key, final long version)
    {
        return (int)Math.floorMod(key * STRIDE + version * VERSION_STRIDE, (long)blockBytes);
    }

    /**
     * @param key     the block's number.
     * @param version the version last written.
     * @param found   bytes read back, at least {@code blockBytes} long.
     * @return true when the first {@code blockBytes} bytes of {@code found} are that block's contents at that
     * version.
     */
    public boolean matches(final long key, final long version, final byte[] found)
    {
        final int from = shift(key, version);
        return Arrays.mismatch(found, 0, blockBytes, source, from, from + blockBytes) < 0;
    }

    /**
     * Fills {@code dst} with the contents of a block at a version, key and version stamped in front.
     *
     * @param key     the block's number.
     * @param version the version being written.
     * @param dst     at least {@code blockBytes} long, and {@code blockBytes} at least {@value #STAMP_BYTES}.
     */
    public void fill(final long key, final long version, final byte[] dst)
    {
        System.arraycopy(source, shift(key, version), dst, 0, blockBytes);
        LONGS.set(dst, 0, key);
        LONGS.set(dst, 8, version);
    }

    /**
     * @param key     the block's number.
     * @param version the version last written with {@link #fill}.
     * @param found   bytes read back, at least {@code blockBytes} long.
     * @return true when {@code found} holds exactly what {@link #fill} made for that key and version.
     */
    public boolean matchesStamped(final long key, final long version, final byte[] found)
    {
        final int from = shift(key, version);
        return (long)LONGS.get(found, 0) == key && (long)LONGS.get(found, 8) == version &&
            Arrays.mismatch(found, STAMP_BYTES, blockBytes, source, from + STAMP_BYTES, from + blockBytes) < 0;
    }
}
