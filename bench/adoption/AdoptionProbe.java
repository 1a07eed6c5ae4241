/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */

import io.tierpool.client.Block;
import io.tierpool.client.Hint;
import io.tierpool.client.TierPool;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The client side of bench/measure-adoption.sh, run as a single-file program ({@code java -cp <client classpath>
 * AdoptionProbe.java ...}) in a JVM of its own with the client's runtime class path and nothing else.
 * <ul>
 * <li>{@code open <discovery> <endpoints> <port> <dir>}: times the process's first {@code TierPool.open} against
 * two node daemons, writes and reads back one far block, closes, and prints
 * {@code ADOPTION-OPEN openMs=<open> sinceJvmStartMs=<JVM start to open returning> equal=<bytes read back equal>}.</li>
 * <li>{@code hold <discovery> <endpoints> <port> <dir> <blocks>}: opens a pool of 128 KiB of RAM and no local
 * files, places {@code blocks} blocks of 64 KiB (all but one or two go to the nodes), prints
 * {@code ADOPTION-HOLD pid=<pid> blocks=<blocks>} and waits to be killed.</li>
 * </ul>
 * {@code <discovery>} is the nodes' Ignite discovery range and {@code <endpoints>} their Aeron endpoints, comma
 * separated: the probe calls {@code TierPool.Context.nodes(String...)} with the endpoints where the client has it
 * (the thin client of issue 13) and {@code discoveryAddresses} with the range, and its own Ignite ports from
 * {@code <port>}, where it has not, so that the script measures either without change. {@code <dir>} takes the
 * pool's files (none are made with these settings; kept for safety).
 */
public final class AdoptionProbe
{
    private static final int BLOCK_BYTES = 64 * 1024;

    private AdoptionProbe()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String mode = args[0];
        final TierPool.Context ctx = new TierPool.Context()
            .ramCapacityBytes(128 * 1024)
            .vvramCapacityBytes(0)
            .vssdCapacityBytes(0)
            .vvramDir(Path.of(args[4]))
            .vssdDir(Path.of(args[4]));
        joinNodes(ctx, args[1], args[2].split(","), Integer.parseInt(args[3]));

        final long start = System.nanoTime();
        final TierPool pool = TierPool.open(ctx);
        final long openNs = System.nanoTime() - start;
        final long sinceJvmStartMs = System.currentTimeMillis() -
            ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli();
        if ("open".equals(mode))
        {
            final byte[] data = new byte[BLOCK_BYTES];
            Arrays.fill(data, (byte)7);
            final byte[] back = new byte[BLOCK_BYTES];
            try (pool; Block block = pool.allocate(BLOCK_BYTES, Hint.COLD))
            {
                block.write(0, data);
                block.moveTo(io.tierpool.client.TierKind.REMOTE);
                block.read(0, back);
            }
            System.out.println("ADOPTION-OPEN openMs=" + openNs / 1_000_000 + " sinceJvmStartMs=" + sinceJvmStartMs +
                " equal=" + Arrays.equals(data, back));
        }
        else if ("hold".equals(mode))
        {
            final int blocks = Integer.parseInt(args[5]);
            final byte[] data = new byte[BLOCK_BYTES];
            for (int i = 0; i < blocks; i++)
            {
                data[0] = (byte)i;
                pool.allocate(BLOCK_BYTES, Hint.WARM).write(0, data);
            }
            System.out.println("ADOPTION-HOLD pid=" + ProcessHandle.current().pid() + " blocks=" + blocks);
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
        else
        {
            throw new IllegalArgumentException("mode must be open or hold, was " + mode);
        }
    }

    private static void joinNodes(
        final TierPool.Context ctx, final String discovery, final String[] endpoints, final int port) throws Exception
    {
        try
        {
            final Method nodes = TierPool.Context.class.getMethod("nodes", String[].class);
            nodes.invoke(ctx, (Object)endpoints);
        }
        catch (final NoSuchMethodException ex)
        {
            TierPool.Context.class.getMethod("discoveryAddresses", List.class).invoke(ctx, List.of(discovery));
            TierPool.Context.class.getMethod("discoveryPort", int.class).invoke(ctx, port);
            TierPool.Context.class.getMethod("communicationPort", int.class).invoke(ctx, port + 5);
        }
        TierPool.Context.class.getMethod("awaitNodes", int.class).invoke(ctx, 2);
    }
}
