/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import io.tierpool.client.GpuInfo;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Device, pinned and unified buffers, streams and events on a real GPU. Skipped (assumption) without one.
 * Unified-memory tests stay at 16 MiB or less.
 */
@Tag("gpu")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GpuBuffersTest
{
    private static final int MIB = 1 << 20;

    @Test
    void shouldRoundTripBytesThroughDeviceMemoryWithAsyncCopiesAndEvents()
    {
        GpuTestSupport.assumeGpu();
        final int bytes = 8 * MIB + 13;
        try (CudaStream stream = new CudaStream("round trip");
            PinnedBuffer src = new PinnedBuffer("src", bytes);
            PinnedBuffer dst = new PinnedBuffer("dst", bytes);
            DeviceBuffer device = DeviceBuffer.allocate("device", bytes);
            CudaEvent start = new CudaEvent("start", true);
            CudaEvent uploaded = new CudaEvent("uploaded", true);
            CudaEvent downloaded = new CudaEvent("downloaded", true))
        {
            fill(src.buffer(), 7);
            dst.buffer().setMemory(0, bytes, (byte)0);

            start.record(stream);
            device.copyFromHostAsync(0, src, 0, bytes, stream);
            uploaded.record(stream);
            device.copyToHostAsync(0, dst, 0, bytes, stream);
            downloaded.record(stream);
            downloaded.synchronize();

            assertTrue(downloaded.isComplete());
            assertEquals(-1, compare(src.buffer(), dst.buffer(), bytes), "bytes read back equal bytes written");
            final float upMs = CudaEvent.elapsedMs(start, uploaded);
            final float downMs = CudaEvent.elapsedMs(uploaded, downloaded);
            assertTrue(upMs > 0 && downMs > 0);
            System.out.printf("GpuBuffersTest: pinned H2D %.2f GiB/s, D2H %.2f GiB/s (%d bytes)%n",
                bytes / (upMs / 1e3) / (1 << 30), bytes / (downMs / 1e3) / (1 << 30), bytes);
        }
    }

    @Test
    void shouldCopyPartialRangesAndRejectRangesOutsideTheBuffers()
    {
        GpuTestSupport.assumeGpu();
        try (CudaStream stream = new CudaStream("ranges");
            PinnedBuffer host = new PinnedBuffer("host", 4096);
            DeviceBuffer a = DeviceBuffer.allocate("a", 4096);
            DeviceBuffer b = DeviceBuffer.allocate("b", 4096))
        {
            fill(host.buffer(), 3);
            a.copyFromHostAsync(100, host, 0, 1000, stream);
            b.copyFromDeviceAsync(0, a, 100, 1000, stream);
            b.copyToHostAsync(0, host, 2000, 1000, stream);
            stream.synchronize();
            for (int i = 0; i < 1000; i++)
            {
                assertEquals(host.buffer().getByte(i), host.buffer().getByte(2000 + i), "byte " + i);
            }

            final IndexOutOfBoundsException ex = assertThrows(IndexOutOfBoundsException.class,
                () -> a.copyFromHostAsync(4000, host, 0, 100, stream));
            assertTrue(ex.getMessage().contains("DeviceBuffer[a"), ex.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> a.copyToHostAsync(0, host, -1, 10, stream));
        }
    }

    @Test
    void shouldReleaseExactlyOnceAndRefuseUseAfterClose()
    {
        GpuTestSupport.assumeGpu();
        final DeviceBuffer device = DeviceBuffer.allocate("closing device", 1024);
        final PinnedBuffer pinned = new PinnedBuffer("closing pinned", 1024);
        final UnsafeBuffer view = pinned.buffer();
        final CudaStream stream = new CudaStream("closing stream");
        final CudaEvent event = new CudaEvent("closing event", false);

        device.close();
        device.close();
        pinned.close();
        pinned.close();
        stream.close();
        stream.close();
        event.close();
        event.close();

        assertTrue(device.isClosed() && pinned.isClosed() && stream.isClosed());
        final IllegalStateException ex = assertThrows(IllegalStateException.class, device::address);
        assertTrue(ex.getMessage().contains("closing device"), ex.getMessage());
        assertTrue(assertThrows(IllegalStateException.class, pinned::buffer).getMessage().contains("closing pinned"));
        assertTrue(assertThrows(IllegalStateException.class, stream::synchronize).getMessage().contains("closing stream"));
        assertTrue(assertThrows(IllegalStateException.class, event::synchronize).getMessage().contains("closing event"));
        assertThrows(IndexOutOfBoundsException.class, () -> view.getByte(0), "a stale view cannot reach freed memory");
    }

    @Test
    void shouldMoveUnifiedMemoryBetweenHostAndDevice()
    {
        final GpuInfo gpu = GpuTestSupport.assumeGpu();
        final int bytes = 4 * MIB;
        try (UnifiedBuffer unified = UnifiedBuffer.allocate(gpu, "unified", bytes))
        {
            assertEquals(gpu.concurrentManagedAccess(), unified.isManaged());
            roundTrip(unified, bytes);
            final UnifiedBuffer.Stats stats = unified.stats();
            assertEquals(1, stats.prefetchesToDevice());
            assertEquals(1, stats.prefetchesToHost());
            if (unified.isManaged())
            {
                assertTrue(unified.adviseReadMostly());
                assertTrue(unified.advisePreferredLocation(true));
                assertTrue(unified.advisePreferredLocation(false));
                assertEquals(3, unified.stats().advicesApplied());
                assertEquals("", stats.fallbackReason());
            }
        }
    }

    @Test
    void shouldFallBackToADeviceBufferWithAPinnedMirrorAndSaySo()
    {
        final GpuInfo gpu = GpuTestSupport.assumeGpu();
        final int bytes = 2 * MIB + 5;
        try (UnifiedBuffer unified = UnifiedBuffer.allocate(gpu, "fallback", bytes, true))
        {
            assertEquals(UnifiedBuffer.Mode.DEVICE_WITH_PINNED_MIRROR, unified.mode());
            assertFalse(unified.stats().fallbackReason().isEmpty());
            roundTrip(unified, bytes);
            assertFalse(unified.adviseReadMostly(), "advice has no effect in fallback mode");
            assertFalse(unified.advisePreferredLocation(true));
            final UnifiedBuffer.Stats stats = unified.stats();
            assertEquals(2L * bytes, stats.copiedBytes());
            assertEquals(2, stats.advicesIgnored());
            assertEquals(0, stats.advicesApplied());
        }
    }

    @Test
    void shouldServePoolHitsFasterThanCudaMallocWithoutLosingTrack()
    {
        final GpuInfo gpu = GpuTestSupport.assumeGpu();
        final int rounds = 200;
        final long bytes = MIB;
        final long rawStart = System.nanoTime();
        for (int i = 0; i < rounds; i++)
        {
            DeviceBuffer.allocate("raw", bytes).close();
        }
        final long rawNs = System.nanoTime() - rawStart;

        final CudaDeviceMemory memory = new CudaDeviceMemory(gpu);
        try (DevicePool pool = new DevicePool(memory, new DevicePool.Context()))
        {
            DeviceBuffer.fromPool(pool, "warm", bytes).close();
            final long poolStart = System.nanoTime();
            for (int i = 0; i < rounds; i++)
            {
                DeviceBuffer.fromPool(pool, "pooled", bytes).close();
            }
            final long poolNs = System.nanoTime() - poolStart;
            final DevicePool.Stats stats = pool.stats();
            assertEquals(rounds, stats.hits());
            assertEquals(1, stats.misses());
            assertEquals(1, stats.driverAllocations());
            assertEquals(bytes, stats.cachedBytes());
            assertEquals(bytes, pool.trim());
            System.out.printf("GpuBuffersTest: cudaMalloc+cudaFree of 1 MiB %.1f us, pool hit %.2f us, ratio %.0fx%n",
                rawNs / 1e3 / rounds, poolNs / 1e3 / rounds, (double)rawNs / Math.max(1, poolNs));
        }
    }

    /**
     * Host-to-device and device-to-host bandwidth from page-locked (pinned) memory against ordinary pageable
     * memory (a direct {@code ByteBuffer}, which the driver must stage through its own pinned buffers), the same
     * 64 MiB copied both ways with each, timed with CUDA events. Prints the figures and ratios for
     * docs/PERFORMANCE.md; asserts only that the bytes arrive.
     */
    @Test
    void shouldCopyFromPinnedAndPageableMemoryAndReportBothBandwidths()
    {
        GpuTestSupport.assumeGpu();
        final int bytes = 64 * MIB;
        final java.nio.ByteBuffer pageable = java.nio.ByteBuffer.allocateDirect(bytes);
        final long pageableAddress = org.agrona.BufferUtil.address(pageable);
        try (CudaStream stream = new CudaStream("bandwidth");
            PinnedBuffer pinned = new PinnedBuffer("pinned", bytes);
            DeviceBuffer device = DeviceBuffer.allocate("device", bytes);
            CudaEvent start = new CudaEvent("start", true);
            CudaEvent middle = new CudaEvent("middle", true);
            CudaEvent end = new CudaEvent("end", true))
        {
            fill(pinned.buffer(), 3);
            final UnsafeBuffer pageableView = new UnsafeBuffer(pageable);
            fill(pageableView, 5);

            final float[] pinnedMs = timeBothWays(pinned.address(), device, bytes, stream, start, middle, end);
            final float[] pageableMs = timeBothWays(pageableAddress, device, bytes, stream, start, middle, end);
            // the device now holds what was uploaded from pageable memory: fetch it into the pinned buffer and compare
            device.copyToHostAsync(0, pinned, 0, bytes, stream);
            stream.synchronize();
            assertEquals(-1, compare(pageableView, pinned.buffer(), bytes), "pageable bytes reached the device");

            final double gib = (double)bytes / (1 << 30);
            System.out.printf("GpuBuffersTest: H2D pinned %.2f GiB/s, pageable %.2f GiB/s (pinned/pageable %.2fx); " +
                "D2H pinned %.2f GiB/s, pageable %.2f GiB/s (%.2fx); %d bytes%n",
                gib / (pinnedMs[0] / 1e3), gib / (pageableMs[0] / 1e3), pageableMs[0] / pinnedMs[0],
                gib / (pinnedMs[1] / 1e3), gib / (pageableMs[1] / 1e3), pageableMs[1] / pinnedMs[1], bytes);
        }
        finally
        {
            org.agrona.BufferUtil.free(pageable);
        }
    }

    private static float[] timeBothWays(
        final long hostAddress,
        final DeviceBuffer device,
        final int bytes,
        final CudaStream stream,
        final CudaEvent start,
        final CudaEvent middle,
        final CudaEvent end)
    {
        start.record(stream);
        DeviceBuffer.copyAsync(device.address(), hostAddress, bytes,
            jcuda.runtime.cudaMemcpyKind.cudaMemcpyHostToDevice, stream, "host -> device");
        middle.record(stream);
        DeviceBuffer.copyAsync(hostAddress, device.address(), bytes,
            jcuda.runtime.cudaMemcpyKind.cudaMemcpyDeviceToHost, stream, "device -> host");
        end.record(stream);
        end.synchronize();
        return new float[]{ CudaEvent.elapsedMs(start, middle), CudaEvent.elapsedMs(middle, end) };
    }

    private static void roundTrip(final UnifiedBuffer unified, final int bytes)
    {
        try (CudaStream stream = new CudaStream("unified");
            PinnedBuffer check = new PinnedBuffer("check", bytes))
        {
            fill(unified.hostBuffer(), 11);
            unified.prefetchToDevice(stream);
            DeviceBuffer.copyAsync(check.address(), unified.deviceAddress(), bytes,
                jcuda.runtime.cudaMemcpyKind.cudaMemcpyDeviceToHost, stream, "unified -> check");
            stream.synchronize();
            assertEquals(-1, compare(unified.hostBuffer(), check.buffer(), bytes), "the device sees the host's bytes");

            fill(check.buffer(), 5);
            DeviceBuffer.copyAsync(unified.deviceAddress(), check.address(), bytes,
                jcuda.runtime.cudaMemcpyKind.cudaMemcpyHostToDevice, stream, "check -> unified");
            unified.prefetchToHost(stream);
            stream.synchronize();
            assertEquals(-1, compare(check.buffer(), unified.hostBuffer(), bytes), "the host sees the device's bytes");
        }
    }

    static void fill(final UnsafeBuffer buffer, final int seed)
    {
        for (int i = 0; i < buffer.capacity(); i++)
        {
            buffer.putByte(i, (byte)(i * 31 + seed + (i >>> 12)));
        }
    }

    static int compare(final UnsafeBuffer expected, final UnsafeBuffer actual, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (expected.getByte(i) != actual.getByte(i))
            {
                return i;
            }
        }
        return -1;
    }
}
