/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.client.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransportDriverTest
{
    @Test
    @Timeout(30)
    void shouldCreateOwnDirectoryUnderBaseDirAndDeleteItOnClose(@TempDir final Path baseDir)
    {
        final TransportDriver driver = TransportDriver.launch(new TransportDriver.Context().baseDir(baseDir.toString()));
        final File dir = new File(driver.aeronDirectoryName());
        try
        {
            assertTrue(dir.isDirectory(), dir.toString());
            assertEquals(baseDir.toFile().getAbsoluteFile(), dir.getParentFile());
            assertTrue(dir.getName().startsWith("tierpool-aeron-" + ProcessHandle.current().pid() + "-"), dir.getName());
            assertTrue(driver.aeron().clientId() >= 0);
            assertEquals(2 * 1024 * 1024, driver.maxMessageLength());
        }
        finally
        {
            driver.close();
            driver.close();
        }

        assertFalse(dir.exists(), "driver directory left behind: " + dir);
        assertEquals(0, baseDir.toFile().list().length);
    }

    @Test
    @Timeout(30)
    void shouldCloneContextsIntoUnconcludedCopiesWithTheirOwnDirectoryAndClientId(@TempDir final Path baseDir)
    {
        final TransportDriver.Context ctx = new TransportDriver.Context().baseDir(baseDir.toString()).mtuLength(8192);
        try (TransportDriver first = TransportDriver.launch(ctx.clone());
            TransportDriver second = TransportDriver.launch(ctx.clone()))
        {
            assertNotEquals(first.aeronDirectoryName(), second.aeronDirectoryName());
            assertEquals(8192, second.context().mtuLength());
            assertEquals(null, ctx.aeronDirectoryName(), "the original is not concluded");
        }

        final BlockClient.Context random = new BlockClient.Context();
        assertNotEquals(random.clientId(), random.clone().clientId(), "a default client id is drawn afresh");
        final BlockClient.Context chosen = new BlockClient.Context().clientId(42);
        assertEquals(42, chosen.clone().clientId(), "a client id that was set is kept");
    }

    @Test
    @Timeout(30)
    void shouldUseDevShmByDefaultAndRemoveDirectoryOnClose()
    {
        final String dirName;
        try (TransportDriver driver = TransportDriver.launch(new TransportDriver.Context()))
        {
            dirName = driver.aeronDirectoryName();
            assertTrue(dirName.startsWith("/dev/shm/tierpool-aeron-"), dirName);
            assertEquals(65504, driver.context().mtuLength());
            assertEquals(4 * 1024 * 1024, driver.context().socketBufferLength());
            assertEquals(4 * 1024 * 1024, driver.context().receiverWindowLength());
            assertEquals(16 * 1024 * 1024, driver.context().termLength());
        }
        assertFalse(new File(dirName).exists(), dirName);
    }

    @Test
    @Timeout(30)
    void shouldGiveEachDriverItsOwnDirectory(@TempDir final Path baseDir)
    {
        try (TransportDriver one = TransportDriver.launch(new TransportDriver.Context().baseDir(baseDir.toString()));
            TransportDriver two = TransportDriver.launch(new TransportDriver.Context().baseDir(baseDir.toString())))
        {
            assertNotEquals(one.aeronDirectoryName(), two.aeronDirectoryName());
        }
        assertEquals(0, baseDir.toFile().list().length);
    }

    @Test
    @Timeout(30)
    void shouldDeleteDirectoriesOfDeadProcessesAtLaunch(@TempDir final Path baseDir) throws Exception
    {
        final Process process = new ProcessBuilder("true").start();
        assertEquals(0, process.waitFor());
        final File stale = baseDir.resolve("tierpool-aeron-" + process.pid() + "-abc").toFile();
        final File live = baseDir.resolve("tierpool-aeron-" + ProcessHandle.current().pid() + "-def").toFile();
        final File other = baseDir.resolve("someone-else").toFile();
        assertTrue(new File(stale, "cnc.dat").getParentFile().mkdirs());
        assertTrue(new File(stale, "cnc.dat").createNewFile());
        assertTrue(live.mkdirs());
        assertTrue(other.mkdirs());

        try (TransportDriver driver = TransportDriver.launch(new TransportDriver.Context().baseDir(baseDir.toString())))
        {
            assertFalse(stale.exists(), stale.toString());
            assertTrue(live.exists());
            assertTrue(other.exists());
            assertTrue(new File(driver.aeronDirectoryName()).exists());
        }
        assertTrue(live.delete());
        assertTrue(other.delete());
    }

    @Test
    void shouldRejectInvalidSettingsNamingThem(@TempDir final Path baseDir)
    {
        assertMessageContains("tierpool.transport.mtu.length=1000",
            () -> new TransportDriver.Context().baseDir(baseDir.toString()).mtuLength(1000).conclude());
        assertMessageContains("tierpool.transport.term.length=1000000",
            () -> new TransportDriver.Context().baseDir(baseDir.toString()).termLength(1_000_000).conclude());
        assertMessageContains("tierpool.transport.base.dir=/no/such/dir",
            () -> new TransportDriver.Context().baseDir("/no/such/dir").conclude());
        assertMessageContains("tierpool.transport.receiver.window.length=16777216",
            () -> new TransportDriver.Context().baseDir(baseDir.toString()).receiverWindowLength(16 * 1024 * 1024)
                .conclude());
    }

    @Test
    void shouldRejectInvalidClientAndServerSettingsNamingThem()
    {
        assertMessageContains("tierpool.transport.server.endpoint=localhost",
            () -> new BlockServer.Context().endpoint("localhost").conclude());
        assertMessageContains("tierpool.transport.server.endpoint=127.0.0.1:70000",
            () -> new BlockServer.Context().endpoint("127.0.0.1:70000").conclude());
        assertMessageContains("tierpool.transport.chunk.length=10",
            () -> new BlockServer.Context().chunkLength(10).conclude());
        assertMessageContains("aeron is not set", () -> new BlockServer.Context().conclude());
        assertMessageContains("tierpool.transport.client.response.endpoint=0.0.0.0:0",
            () -> new BlockClient.Context().responseEndpoint("0.0.0.0:0").conclude());
        assertMessageContains("are both 5",
            () -> new BlockClient.Context().requestStreamId(5).responseStreamId(5).conclude());
        assertMessageContains("tierpool.transport.request.timeout=0ns",
            () -> new BlockClient.Context().requestTimeoutNs(0).conclude());
        assertMessageContains("aeron is not set", () -> new BlockClient.Context().conclude());
    }

    private static void assertMessageContains(final String expected, final Runnable action)
    {
        final ConfigurationException ex = assertThrows(ConfigurationException.class, action::run);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }
}
