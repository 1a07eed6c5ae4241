/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A plain application in a JVM of its own, for {@link JvmAccessCheckTest}: opens a local pool with its files
 * under {@code args[0]}, writes a block, sends it down to VSSD and back, and prints
 * {@code TIERPOOL-FLAGS-OK equal=<whether the bytes read back are those written>}; or, when {@code open} refuses
 * the JVM, {@code TIERPOOL-OPEN-REFUSED ms=<time open took> <message>} and exits with 3.
 */
public final class FlagsProbeMain
{
    /** Exit status when open threw a {@link ConfigurationException}. */
    static final int REFUSED_EXIT_STATUS = 3;

    private FlagsProbeMain()
    {
    }

    /**
     * @param args the directory for the pool's VVRAM and VSSD files.
     */
    public static void main(final String[] args)
    {
        final Path dir = Path.of(args[0]);
        final TierPool.Context ctx = new TierPool.Context()
            .ramCapacityBytes(1 << 20)
            .vvramCapacityBytes(1 << 20)
            .vssdCapacityBytes(1 << 20)
            .vvramDir(dir)
            .vssdDir(dir);
        final long start = System.nanoTime();
        final TierPool pool;
        try
        {
            pool = TierPool.open(ctx);
        }
        catch (final ConfigurationException ex)
        {
            System.out.println("TIERPOOL-OPEN-REFUSED ms=" + (System.nanoTime() - start) / 1_000_000 + " " +
                ex.getMessage());
            System.exit(REFUSED_EXIT_STATUS);
            return;
        }
        try (pool; Block block = pool.allocate(64 * 1024, Hint.WARM))
        {
            final byte[] data = new byte[64 * 1024];
            for (int i = 0; i < data.length; i++)
            {
                data[i] = (byte)(i * 13 + 1);
            }
            block.write(0, data);
            block.moveTo(TierKind.VSSD);
            block.moveTo(TierKind.VVRAM);
            final byte[] back = new byte[data.length];
            block.read(0, back);
            System.out.println("TIERPOOL-FLAGS-OK equal=" + Arrays.equals(data, back));
        }
    }
}
