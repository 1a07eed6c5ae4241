/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.demo;

import io.tierpool.node.gpu.CudaEvent;
import io.tierpool.node.gpu.CudaException;
import io.tierpool.node.gpu.CudaStream;
import io.tierpool.node.gpu.DeviceBuffer;
import io.tierpool.node.gpu.DevicePool;
import io.tierpool.node.gpu.CudaDeviceMemory;
import io.tierpool.client.GpuInfo;
import io.tierpool.node.gpu.PinnedBuffer;
import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasStatus;

import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The demo's multiply on a GPU: {@code C = A * B} over {@link TiledMatrix} operands in the pool, one C tile at a
 * time, each product of tiles a cuBLAS SGEMM ({@code cublasSgemm}). Tiles move from the pool straight into
 * pinned host buffers ({@link io.tierpool.client.Block#read(long, org.agrona.MutableDirectBuffer, int, int)},
 * no heap copy), then asynchronously to device memory taken from a {@link DevicePool}; two staging sets
 * alternate, so the host reads the next pair of tiles from the pool while the GPU copies and multiplies the
 * current one. Device tiles go back to the pool after each step, so from the second step on they are pool hits.
 * <p>
 * <b>Layout.</b> Tiles are row-major; cuBLAS is column-major. A row-major {@code C = A B} is the column-major
 * {@code C^T = B^T A^T}, so SGEMM is called with the operands swapped and no transposes.
 * <p>
 * <b>Reported.</b> Host→device and device→host bandwidth measured with CUDA timing events around the copies
 * (device time, pinned memory), the pool's hit rate, and GFLOP/s over the whole multiply's wall time (which
 * includes reading tiles from the pool).
 * <p>
 * Use only after {@link io.tierpool.node.gpu.GpuProbe} found a usable GPU. One multiply at a time; {@link #close()}
 * stops a running multiply and then releases everything (cuBLAS handle, stream, events, pinned and device
 * memory). Needs the cuBLAS library of CUDA 12 on the library path as well as the driver.
 */
public final class GpuGemm implements AutoCloseable
{
    /** The device pool's limit in the demo: {@value} of the GPU's memory. */
    public static final double POOL_FRACTION_DEFAULT = 0.8;

    private static final Pointer ONE = Pointer.to(new float[]{1.0f});
    private static final Pointer ZERO = Pointer.to(new float[]{0.0f});

    private final GpuInfo gpu;
    private final int tile;
    private final long tileBytes;
    private final DevicePool pool;
    private final CudaStream stream;
    private final cublasHandle cublas = new cublasHandle();
    private final PinnedBuffer[] hostA = new PinnedBuffer[2];
    private final PinnedBuffer[] hostB = new PinnedBuffer[2];
    private final PinnedBuffer hostC;
    private final CudaEvent[] uploadStart = new CudaEvent[2];
    private final CudaEvent[] uploadEnd = new CudaEvent[2];
    private final CudaEvent[] stepDone = new CudaEvent[2];
    private final CudaEvent downloadStart;
    private final CudaEvent downloadEnd;
    private final DeviceBuffer[] deviceA = new DeviceBuffer[2];
    private final DeviceBuffer[] deviceB = new DeviceBuffer[2];
    private final ReentrantLock running = new ReentrantLock();
    private volatile boolean stopped;
    private boolean cublasCreated;
    private boolean closed;

    private long uploadedBytes;
    private double uploadMs;
    private long downloadedBytes;
    private double downloadMs;

    /**
     * The outcome of a GPU multiply.
     *
     * @param product         tiles, flops and wall time, as for the CPU multiply.
     * @param device          the GPU's description.
     * @param uploadedBytes   bytes copied host→device.
     * @param uploadMs        device time of those copies, ms.
     * @param downloadedBytes bytes copied device→host.
     * @param downloadMs      device time of those copies, ms.
     * @param pool            the device pool's counters at the end.
     */
    public record Result(
        OutOfCoreGemm.Result product,
        String device,
        long uploadedBytes,
        double uploadMs,
        long downloadedBytes,
        double downloadMs,
        DevicePool.Stats pool)
    {
        /**
         * @return host→device bandwidth in GiB/s (0 when nothing was copied).
         */
        public double uploadGiBPerSecond()
        {
            return uploadMs <= 0 ? 0 : uploadedBytes / (uploadMs / 1e3) / (1L << 30);
        }

        /**
         * @return device→host bandwidth in GiB/s (0 when nothing was copied).
         */
        public double downloadGiBPerSecond()
        {
            return downloadMs <= 0 ? 0 : downloadedBytes / (downloadMs / 1e3) / (1L << 30);
        }

        /**
         * @return the GPU lines of the demo report, each ending in a newline.
         */
        public String format()
        {
            return String.format(Locale.ROOT,
                "  %-18s %s%n  %-18s host->device %.2f GiB/s (%s), device->host %.2f GiB/s (%s), pinned%n" +
                "  %-18s %.1f%% hit rate (%d hits, %d misses, %d cudaMalloc), peak %s in use%n" +
                "  %-18s %.2f GFLOP/s (cuBLAS SGEMM, tiles staged from the pool)%n",
                "gpu", device,
                "gpu copies", uploadGiBPerSecond(), DemoReport.formatBytes(uploadedBytes), downloadGiBPerSecond(),
                DemoReport.formatBytes(downloadedBytes),
                "gpu pool", 100.0 * pool.hitRate(), pool.hits(), pool.misses(), pool.driverAllocations(),
                DemoReport.formatBytes(pool.peakInUseBytes()),
                "gpu multiply", product.gflopsPerSecond());
        }
    }

    /**
     * Prepares a GPU multiply of {@code tile x tile} float tiles: a device pool, a stream, a cuBLAS handle bound
     * to it, pinned staging for two A/B pairs and one C tile, and timing events.
     *
     * @param gpu            the probed GPU; must be available.
     * @param tile           tile side in floats.
     * @param memoryFraction the device pool's limit as a fraction of device memory, in (0, 1].
     * @return the multiplier; the caller closes it.
     * @throws IllegalArgumentException if the GPU is not available or the tile is too large for a pinned buffer.
     * @throws CudaException            if CUDA or cuBLAS cannot be set up (for cuBLAS: its library is missing).
     */
    public static GpuGemm open(final GpuInfo gpu, final int tile, final double memoryFraction)
    {
        return new GpuGemm(gpu, tile, memoryFraction);
    }

    private GpuGemm(final GpuInfo gpu, final int tile, final double memoryFraction)
    {
        if (!gpu.available())
        {
            throw new IllegalArgumentException("no CUDA device: " + gpu.reason());
        }
        this.gpu = gpu;
        this.tile = tile;
        this.tileBytes = TiledMatrix.tileBytes(tile);
        this.pool = new DevicePool(new CudaDeviceMemory(gpu),
            new DevicePool.Context().name("demo device pool").memoryFraction(memoryFraction));
        CudaStream createdStream = null;
        PinnedBuffer createdC = null;
        CudaEvent createdStart = null;
        CudaEvent createdEnd = null;
        try
        {
            createdStream = new CudaStream("demo gemm");
            for (int s = 0; s < 2; s++)
            {
                hostA[s] = new PinnedBuffer("demo A tile " + s, tileBytes);
                hostB[s] = new PinnedBuffer("demo B tile " + s, tileBytes);
                uploadStart[s] = new CudaEvent("demo upload start " + s, true);
                uploadEnd[s] = new CudaEvent("demo upload end " + s, true);
                stepDone[s] = new CudaEvent("demo step done " + s, false);
            }
            createdC = new PinnedBuffer("demo C tile", tileBytes);
            createdStart = new CudaEvent("demo download start", true);
            createdEnd = new CudaEvent("demo download end", true);
            createCublas(createdStream);
        }
        catch (final RuntimeException | LinkageError ex)
        {
            this.stream = createdStream;
            this.hostC = createdC;
            this.downloadStart = createdStart;
            this.downloadEnd = createdEnd;
            close();
            if (ex instanceof LinkageError)
            {
                throw new CudaException("cuBLAS could not be loaded (install the CUDA 12 cuBLAS library and put " +
                    "it on LD_LIBRARY_PATH): " + ex, 0);
            }
            throw (RuntimeException)ex;
        }
        this.stream = createdStream;
        this.hostC = createdC;
        this.downloadStart = createdStart;
        this.downloadEnd = createdEnd;
    }

    /**
     * Computes {@code c = a * b} on the GPU.
     *
     * @param a        the left operand.
     * @param b        the right operand.
     * @param c        the product; every tile is overwritten.
     * @param progress told after each C tile, may be null.
     * @return the result, with bandwidths and pool counters.
     * @throws IllegalArgumentException      if the shapes differ or the tile size is not this multiplier's.
     * @throws CudaException                 if a CUDA or cuBLAS call fails.
     * @throws io.tierpool.client.TierPoolException if the pool cannot read or write a tile.
     * @throws CancellationException         if {@link #close()} was called meanwhile.
     */
    public Result multiply(final TiledMatrix a, final TiledMatrix b, final TiledMatrix c, final ProgressBar progress)
    {
        if (a.n() != b.n() || a.n() != c.n() || a.tile() != tile || b.tile() != tile || c.tile() != tile)
        {
            throw new IllegalArgumentException("operands must have the same n and tile " + tile + ": " + a + ", " +
                b + ", " + c);
        }
        running.lock();
        try
        {
            if (closed || stopped)
            {
                throw new CancellationException("the GPU multiply was stopped");
            }
            final long startNs = System.nanoTime();
            final int tiles = a.tilesPerSide();
            long done = 0;
            for (int i = 0; i < tiles; i++)
            {
                for (int j = 0; j < tiles; j++)
                {
                    multiplyTile(a, b, c, i, j, tiles);
                    done++;
                    if (null != progress)
                    {
                        progress.update(done);
                    }
                }
            }
            if (null != progress)
            {
                progress.finish(done);
            }
            final long wallNs = System.nanoTime() - startNs;
            final long n = a.n();
            return new Result(new OutOfCoreGemm.Result(a.n(), done, 2 * n * n * n, wallNs), gpu.describe(),
                uploadedBytes, uploadMs, downloadedBytes, downloadMs, pool.stats());
        }
        finally
        {
            releaseDeviceTiles();
            running.unlock();
        }
    }

    /**
     * @return the device pool's counters now.
     */
    public DevicePool.Stats poolStats()
    {
        return pool.stats();
    }

    /**
     * Stops a running multiply (it throws {@link CancellationException} after its current step) and releases
     * everything. Idempotent.
     */
    public void close()
    {
        stopped = true;
        running.lock();
        try
        {
            if (closed)
            {
                return;
            }
            closed = true;
            if (null != stream && !stream.isClosed())
            {
                quietlyRun(stream::synchronize);
            }
            releaseDeviceTiles();
            if (cublasCreated)
            {
                quietlyRun(() -> JCublas2.cublasDestroy(cublas));
            }
            for (int s = 0; s < 2; s++)
            {
                quietly(hostA[s]);
                quietly(hostB[s]);
                quietly(uploadStart[s]);
                quietly(uploadEnd[s]);
                quietly(stepDone[s]);
            }
            quietly(hostC);
            quietly(downloadStart);
            quietly(downloadEnd);
            quietly(stream);
            quietly(pool);
        }
        finally
        {
            running.unlock();
        }
    }

    private void multiplyTile(
        final TiledMatrix a, final TiledMatrix b, final TiledMatrix c, final int i, final int j, final int tiles)
    {
        final DeviceBuffer deviceC = DeviceBuffer.fromPool(pool, "C(" + i + "," + j + ")", tileBytes);
        try
        {
            for (int k = 0; k < tiles; k++)
            {
                if (stopped)
                {
                    throw new CancellationException("the GPU multiply was stopped at C tile (" + i + ", " + j + ")");
                }
                final int s = k & 1;
                finishStep(s);
                a.block(i, k).read(0, hostA[s].buffer(), 0, (int)tileBytes);
                b.block(k, j).read(0, hostB[s].buffer(), 0, (int)tileBytes);
                deviceA[s] = DeviceBuffer.fromPool(pool, "A(" + i + "," + k + ")", tileBytes);
                deviceB[s] = DeviceBuffer.fromPool(pool, "B(" + k + "," + j + ")", tileBytes);

                uploadStart[s].record(stream);
                deviceA[s].copyFromHostAsync(0, hostA[s], 0, tileBytes, stream);
                deviceB[s].copyFromHostAsync(0, hostB[s], 0, tileBytes, stream);
                uploadEnd[s].record(stream);
                uploadedBytes += 2 * tileBytes;

                // Row-major C += A B is column-major C^T += B^T A^T: pass B first.
                final int status = JCublas2.cublasSgemm(cublas, cublasOperation.CUBLAS_OP_N,
                    cublasOperation.CUBLAS_OP_N, tile, tile, tile, ONE, deviceB[s].pointer(), tile,
                    deviceA[s].pointer(), tile, k == 0 ? ZERO : ONE, deviceC.pointer(), tile);
                checkCublas(status, "cublasSgemm for C tile (" + i + ", " + j + "), k = " + k);
                stepDone[s].record(stream);
            }
            finishStep(0);
            finishStep(1);

            downloadStart.record(stream);
            deviceC.copyToHostAsync(0, hostC, 0, tileBytes, stream);
            downloadEnd.record(stream);
            downloadEnd.synchronize();
            downloadMs += CudaEvent.elapsedMs(downloadStart, downloadEnd);
            downloadedBytes += tileBytes;
            c.block(i, j).write(0, hostC.buffer(), 0, (int)tileBytes);
        }
        finally
        {
            stream.synchronize();
            deviceC.close();
        }
    }

    /**
     * Waits for the step that last used staging set {@code s}, adds its copy time, and gives its device tiles
     * back to the pool.
     */
    private void finishStep(final int s)
    {
        if (null == deviceA[s])
        {
            return;
        }
        stepDone[s].synchronize();
        uploadMs += CudaEvent.elapsedMs(uploadStart[s], uploadEnd[s]);
        deviceA[s].close();
        deviceB[s].close();
        deviceA[s] = null;
        deviceB[s] = null;
    }

    private void releaseDeviceTiles()
    {
        for (int s = 0; s < 2; s++)
        {
            quietly(deviceA[s]);
            quietly(deviceB[s]);
            deviceA[s] = null;
            deviceB[s] = null;
        }
    }

    private void createCublas(final CudaStream createdStream)
    {
        JCublas2.setExceptionsEnabled(false);
        checkCublas(JCublas2.cublasCreate(cublas), "cublasCreate");
        cublasCreated = true;
        checkCublas(JCublas2.cublasSetStream(cublas, createdStream.handle()), "cublasSetStream");
    }

    private static void checkCublas(final int status, final String what)
    {
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS)
        {
            throw new CudaException(what + " failed: " + cublasStatus.stringFor(status) + " (" + status + ")", 0);
        }
    }

    private static void quietly(final AutoCloseable closeable)
    {
        if (null == closeable)
        {
            return;
        }
        try
        {
            closeable.close();
        }
        catch (final Exception ignore)
        {
            // Best effort while tearing down: a sticky CUDA error fails every later call the same way.
        }
    }

    private static void quietlyRun(final Runnable action)
    {
        try
        {
            action.run();
        }
        catch (final RuntimeException ignore)
        {
            // As above.
        }
    }
}
