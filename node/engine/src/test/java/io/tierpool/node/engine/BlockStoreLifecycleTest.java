/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.Hint;
import io.tierpool.node.tier.Tier;
import io.tierpool.client.TierKind;
import io.tierpool.node.tier.local.ProcessDirectories;
import io.tierpool.node.tier.local.VssdTier;
import io.tierpool.node.tier.local.VvramTier;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.tierpool.node.engine.StoreTestSupport.KIB;
import static io.tierpool.node.engine.StoreTestSupport.MIB;
import static io.tierpool.node.engine.StoreTestSupport.allocateWith;
import static io.tierpool.node.engine.StoreTestSupport.context;
import static io.tierpool.node.engine.StoreTestSupport.countEntries;
import static io.tierpool.node.engine.StoreTestSupport.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class BlockStoreLifecycleTest
{
    private static final Path SHM = Path.of("/dev/shm");

    @TempDir
    Path tempDir;

    private Path shmDir;

    @AfterEach
    void removeShmDir() throws Exception
    {
        if (shmDir != null)
        {
            ProcessDirectories.deleteRecursively(shmDir);
            assertFalse(Files.exists(shmDir));
        }
    }

    @Test
    void shouldRemoveEveryFileAndDirectoryOnClose() throws Exception
    {
        final Path vvramParent = Files.isDirectory(SHM) ?
            (shmDir = Files.createTempDirectory(SHM, "tierpool-test-store")) : tempDir.resolve("vvram");
        final Path vssdParent = tempDir.resolve("vssd");
        final BlockStore store = new BlockStore(context(tempDir, MIB, MIB, MIB)
            .vvramDir(vvramParent)
            .epochClock(() -> 4242));
        final long pid = ProcessHandle.current().pid();
        final Path vvramDir = vvramParent.resolve("tierpool-" + pid + "-4242");
        final Path vssdDir = vssdParent.resolve("tierpool-" + pid + "-4242");
        try
        {
            assertEquals(vvramDir, ((VvramTier)store.tier(TierKind.VVRAM)).directory());
            assertEquals(vssdDir, ((VssdTier)store.tier(TierKind.VSSD)).directory());
            final long id = allocateWith(store, randomBytes(new Random(1), 100 * KIB), Hint.WARM);
            store.demote(id);
            store.demote(id);
            assertTrue(Files.size(vssdDir.resolve(VssdTier.FILE_NAME)) > 0);
            assertTrue(Files.exists(vvramDir.resolve("vvram-000.dat")));
        }
        finally
        {
            store.close();
        }
        store.close();

        assertFalse(Files.exists(vvramDir));
        assertFalse(Files.exists(vssdDir));
        assertEquals(0, countEntries(vvramParent));
        assertEquals(0, countEntries(vssdParent));
        assertTrue(store.isClosed());
    }

    @Test
    void shouldRemoveStaleDirectoriesOfDeadProcessesAtOpen() throws Exception
    {
        final long deadPid = deadPid();
        final Path staleVvram = Files.createDirectories(tempDir.resolve("vvram").resolve("tierpool-" + deadPid + "-1"));
        final Path staleVssd = Files.createDirectories(tempDir.resolve("vssd").resolve("tierpool-" + deadPid + "-1"));
        Files.write(staleVvram.resolve("vvram-000.dat"), new byte[4096]);
        Files.write(staleVssd.resolve(VssdTier.FILE_NAME), new byte[4096]);

        try (BlockStore ignore = new BlockStore(context(tempDir, MIB, MIB, MIB)))
        {
            assertFalse(Files.exists(staleVvram));
            assertFalse(Files.exists(staleVssd));
        }
    }

    @Test
    void shouldFailFastWhenTmpfsCannotHoldVvramAndLeaveNothingBehind() throws Exception
    {
        final long usable = Files.getFileStore(tempDir).getUsableSpace();
        final StoreContext ctx = context(tempDir, MIB, usable + (1L << 40), MIB);

        final ConfigurationException ex = assertThrows(ConfigurationException.class, () -> new BlockStore(ctx));

        assertTrue(ex.getMessage().contains("vvramDir (tierpool.vvram.dir) = " + tempDir.resolve("vvram")),
            ex.getMessage());
        assertTrue(ex.getMessage().contains("for the VVRAM tier"), ex.getMessage());
        assertEquals(0, countEntries(tempDir.resolve("vvram")));
        assertEquals(0, countEntries(tempDir.resolve("vssd")));
    }

    @Test
    void shouldUseDocumentedDefaults()
    {
        final StoreContext ctx = new StoreContext();

        assertEquals(256L * MIB, ctx.ramCapacityBytes());
        assertEquals(256L * MIB, ctx.vvramCapacityBytes());
        assertEquals(1024L * MIB, ctx.vssdCapacityBytes());
        assertEquals(Path.of("/dev/shm"), ctx.vvramDir());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir")), ctx.vssdDir());
        assertEquals(0.90, ctx.highWatermark());
        assertEquals(0.75, ctx.lowWatermark());
        assertEquals(256L * MIB, ctx.maxBlockBytes());
        assertTrue(ctx.startMover());
        assertEquals(List.of(), ctx.extraTiers());
        assertEquals(SystemEpochClock.INSTANCE, ctx.epochClock());

        ctx.conclude();
        assertNotNull(ctx.moverIdleStrategy());
        assertNotNull(ctx.errorHandler());
        assertThrows(IllegalStateException.class, ctx::conclude, "a context serves one store");
    }

    @Test
    void shouldCloneIntoAnUnconcludedCopyForAnotherStore()
    {
        final StoreContext ctx = context(tempDir, MIB, 0, 0).softCapBytes(TierKind.RAM, 512 * KIB);
        final StoreContext copy = ctx.clone();
        copy.softCapBytes(TierKind.RAM, 256 * KIB).ramCapacityBytes(2 * MIB);
        assertEquals(512 * KIB, ctx.softCapBytes(TierKind.RAM), "the caps are copied, not shared");
        assertEquals(MIB, ctx.ramCapacityBytes());

        try (BlockStore first = new BlockStore(ctx); BlockStore second = new BlockStore(ctx.clone()))
        {
            assertThrows(IllegalStateException.class, () -> new BlockStore(ctx), "a context serves one store");
            final StoreContext ofConcluded = ctx.clone();
            try (BlockStore third = new BlockStore(ofConcluded))
            {
                assertEquals(512 * KIB, third.context().softCapBytes(TierKind.RAM));
                assertTrue(first.allocate(100, Hint.WARM) > 0);
                assertTrue(second.allocate(100, Hint.WARM) > 0);
                assertTrue(third.allocate(100, Hint.WARM) > 0);
            }
        }
    }

    @Test
    void shouldRejectInvalidSettingsNamingThem()
    {
        assertInvalid("ramCapacityBytes=0", () -> new StoreContext().ramCapacityBytes(0).conclude());
        assertInvalid("vvramCapacityBytes=-1", () -> new StoreContext().vvramCapacityBytes(-1).conclude());
        assertInvalid("vssdCapacityBytes=10", () -> new StoreContext().vssdCapacityBytes(10).conclude());
        assertInvalid("lowWatermark=0.9", () -> new StoreContext().lowWatermark(0.9).highWatermark(0.9).conclude());
        assertInvalid("lowWatermark=0.0", () -> new StoreContext().lowWatermark(0).conclude());
        assertInvalid("highWatermark=1.5", () -> new StoreContext().highWatermark(1.5).conclude());
        assertInvalid("highWatermark=NaN", () -> new StoreContext().highWatermark(Double.NaN).conclude());
        assertInvalid("maxBlockBytes=0", () -> new StoreContext().maxBlockBytes(0).conclude());
        assertInvalid("maxBlockBytes=" + (2L << 30), () -> new StoreContext().maxBlockBytes(2L << 30).conclude());
        assertInvalid("vvramDir", () -> new StoreContext().vvramDir(null).conclude());
        assertInvalid("extraTiers", () -> new StoreContext().extraTiers(Arrays.asList((Tier)null)).conclude());
        assertInvalid("moverStuckBackoffNs=-1", () -> new StoreContext().moverStuckBackoffNs(-1).conclude());

        new StoreContext().vvramCapacityBytes(0).vvramDir(null).highWatermark(1.0).maxBlockBytes(1L << 30)
            .conclude();
    }

    @Test
    void shouldReportErrorsOfExtraTierWithoutLosingLocalBlocks()
    {
        final HeapTier remote = new HeapTier(MIB);
        final StoreContext ctx = context(tempDir, 256 * KIB, 0, 0).extraTiers(List.of(remote));
        try (BlockStore store = new BlockStore(ctx))
        {
            final byte[] bytes = randomBytes(new Random(2), 1000);
            final long id = allocateWith(store, bytes, Hint.WARM);
            assertTrue(store.demote(id));
            remote.close();

            assertThrows(IllegalStateException.class, () -> store.read(id, 0, new byte[1], 0, 1));
            assertEquals(TierKind.REMOTE, store.tierOf(id), "a failed promotion leaves the block where it was");

            final long local = allocateWith(store, bytes, Hint.WARM);
            StoreTestSupport.assertContent(store, local, bytes);
            assertEquals(1, store.stats().tier(TierKind.RAM).demotedBlocks());
        }
    }

    private static void assertInvalid(final String expected, final Executable conclude)
    {
        final ConfigurationException ex = assertThrows(ConfigurationException.class, conclude);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }

    private static long deadPid() throws Exception
    {
        final Process process = new ProcessBuilder("true").start();
        final long pid = process.pid();
        process.waitFor();
        while (ProcessHandle.of(pid).isPresent())
        {
            Thread.sleep(10);
        }
        return pid;
    }
}
