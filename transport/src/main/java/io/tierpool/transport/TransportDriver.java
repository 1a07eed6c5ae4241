/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tierpool.client.ConfigurationException;
import io.tierpool.client.TierPoolException;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;
import org.agrona.SystemUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.util.concurrent.ThreadLocalRandom;

import static io.tierpool.transport.TransportConfiguration.*;

/**
 * An embedded Aeron media driver and a connected {@link Aeron} client, one per process, tuned for bulk block
 * transfers: MTU 65504, 4 MiB socket buffers and receiver window, 16 MiB publication terms (so messages up to
 * 2 MiB), one shared driver thread with a back-off idle strategy.
 * <p>
 * The driver lives in its own directory {@code <baseDir>/tierpool-aeron-<pid>-<random>}, deleted on shutdown and
 * again by {@link #close()}. Several drivers may run in one process (tests do this), each in its own directory.
 * {@link #launch(Context)} first deletes the directories that processes no longer running left behind.
 * <pre>{@code
 * try (TransportDriver driver = TransportDriver.launch(new TransportDriver.Context()))
 * {
 *     Aeron aeron = driver.aeron();
 *     ...
 * }
 * }</pre>
 * Thread-safety: {@link #aeron()} may be used from any thread; {@link #close()} is idempotent and thread-safe.
 */
public final class TransportDriver implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(TransportDriver.class);
    private static final String DIR_PREFIX = "tierpool-aeron-";
    private static final long STALE_DRIVER_TIMEOUT_MS = 10_000;

    private final Context ctx;
    private final MediaDriver mediaDriver;
    private final Aeron aeron;
    private boolean isClosed;

    private TransportDriver(final Context ctx)
    {
        this.ctx = ctx;
        MediaDriver driver = null;
        Aeron client = null;
        try
        {
            driver = MediaDriver.launch(ctx.toMediaDriverContext());
            client = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(driver.aeronDirectoryName())
                .errorHandler(ctx.errorHandler())
                .subscriberErrorHandler(ctx.errorHandler()));
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(client, driver);
            IoUtil.delete(new File(ctx.aeronDirectoryName()), true);
            throw new TierPoolException(
                "failed to start the embedded Aeron driver in " + ctx.aeronDirectoryName() + ": " + ex.getMessage() +
                " (is " + ctx.baseDir() + " writable and does it have room?)", ex);
        }
        this.mediaDriver = driver;
        this.aeron = client;
    }

    /**
     * Launch an embedded media driver and connect a client to it.
     *
     * @param ctx settings; {@link Context#conclude()} is called here and the context must not be reused.
     * @return the running driver, to be closed by the caller.
     * @throws ConfigurationException when a setting is invalid.
     * @throws TierPoolException      when the driver cannot start (directory not writable, no space).
     */
    public static TransportDriver launch(final Context ctx)
    {
        ctx.conclude();
        deleteStaleDirectories(new File(ctx.baseDir()));
        return new TransportDriver(ctx);
    }

    /**
     * Delete the driver directories ({@code tierpool-aeron-<pid>-<random>}) that processes which are no longer
     * running left in a base directory, for example after {@code kill -9}. A directory is kept while its process
     * runs, or while its driver's heartbeat is younger than 10 s (a process in another PID namespace sharing the
     * base directory).
     *
     * @param baseDir the base directory to clean.
     * @return the number of directories deleted.
     */
    public static int deleteStaleDirectories(final File baseDir)
    {
        final File[] candidates = baseDir.listFiles((dir, name) -> name.startsWith(DIR_PREFIX));
        if (null == candidates)
        {
            return 0;
        }

        int deleted = 0;
        for (final File candidate : candidates)
        {
            final String rest = candidate.getName().substring(DIR_PREFIX.length());
            final int dash = rest.indexOf('-');
            if (dash <= 0)
            {
                continue;
            }

            final long pid;
            try
            {
                pid = Long.parseLong(rest.substring(0, dash));
            }
            catch (final NumberFormatException ex)
            {
                continue;
            }

            if (ProcessHandle.of(pid).isEmpty() && candidate.isDirectory() &&
                !isDriverActive(candidate))
            {
                IoUtil.delete(candidate, true);
                if (!candidate.exists())
                {
                    LOG.info("deleted driver directory {} of process {}, which is no longer running", candidate, pid);
                    deleted++;
                }
            }
        }

        return deleted;
    }

    private static boolean isDriverActive(final File directory)
    {
        try
        {
            return CommonContext.isDriverActive(directory, STALE_DRIVER_TIMEOUT_MS, (message) -> {});
        }
        catch (final RuntimeException ex)
        {
            return false;
        }
    }

    /**
     * @return the Aeron client connected to the embedded driver; closed by {@link #close()}.
     */
    public Aeron aeron()
    {
        return aeron;
    }

    /**
     * @return the driver's directory, {@code <baseDir>/tierpool-aeron-<pid>-<random>}; removed by {@link #close()}.
     */
    public String aeronDirectoryName()
    {
        return ctx.aeronDirectoryName();
    }

    /**
     * @return the concluded settings.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * @return the largest message a network publication of this driver carries, bytes.
     */
    public int maxMessageLength()
    {
        return Math.min(ctx.termLength() / 8, 16 * 1024 * 1024);
    }

    /**
     * Close the Aeron client, then the driver, then delete the driver's directory. Idempotent.
     */
    public synchronized void close()
    {
        if (!isClosed)
        {
            isClosed = true;
            CloseHelper.closeAll(aeron, mediaDriver);
            final File dir = new File(ctx.aeronDirectoryName());
            if (dir.exists())
            {
                IoUtil.delete(dir, true);
            }
        }
    }

    /**
     * Settings of a {@link TransportDriver}, with defaults from system properties named in
     * {@link TransportConfiguration}. Not thread-safe; conclude once ({@link #clone()} gives a copy to conclude
     * for another driver).
     */
    public static final class Context implements Cloneable
    {
        private String baseDir = stringValue(BASE_DIR_PROP_NAME, BASE_DIR_DEFAULT);
        private int mtuLength = sizeAsInt(MTU_LENGTH_PROP_NAME, MTU_LENGTH_DEFAULT);
        private int socketBufferLength = sizeAsInt(SOCKET_BUFFER_LENGTH_PROP_NAME, SOCKET_BUFFER_LENGTH_DEFAULT);
        private int receiverWindowLength = sizeAsInt(RECEIVER_WINDOW_LENGTH_PROP_NAME, RECEIVER_WINDOW_LENGTH_DEFAULT);
        private int termLength = sizeAsInt(TERM_LENGTH_PROP_NAME, TERM_LENGTH_DEFAULT);
        private IdleStrategy idleStrategy;
        private ErrorHandler errorHandler;
        private String aeronDirectoryName;
        private boolean isConcluded;

        /**
         * Check the settings and fill in the defaults that depend on others.
         *
         * @return this.
         * @throws ConfigurationException naming the first bad setting and its value.
         * @throws IllegalStateException  when called twice.
         */
        public Context conclude()
        {
            if (isConcluded)
            {
                throw new IllegalStateException("TransportDriver.Context is already concluded: use a new one");
            }

            final File base = new File(baseDir);
            if (!base.isDirectory())
            {
                throw new ConfigurationException(
                    BASE_DIR_PROP_NAME + "=" + baseDir + " is not a directory: give an existing, writable directory");
            }

            if (mtuLength < 1408 || mtuLength > 65504 || (mtuLength & 31) != 0)
            {
                throw new ConfigurationException(
                    MTU_LENGTH_PROP_NAME + "=" + mtuLength + " is invalid: use a multiple of 32 in 1408..65504");
            }

            if (termLength < 64 * 1024 || termLength > 1 << 30 || Integer.bitCount(termLength) != 1)
            {
                throw new ConfigurationException(
                    TERM_LENGTH_PROP_NAME + "=" + termLength + " is invalid: use a power of two in 64k..1g");
            }

            if (socketBufferLength < mtuLength)
            {
                throw new ConfigurationException(
                    SOCKET_BUFFER_LENGTH_PROP_NAME + "=" + socketBufferLength + " is smaller than the MTU " +
                    mtuLength + ": use at least the MTU (4m recommended)");
            }

            if (receiverWindowLength < mtuLength || receiverWindowLength > termLength / 2)
            {
                throw new ConfigurationException(
                    RECEIVER_WINDOW_LENGTH_PROP_NAME + "=" + receiverWindowLength + " is invalid: use " + mtuLength +
                    " (the MTU) to " + termLength / 2 + " (half the term length)");
            }

            if (null == idleStrategy)
            {
                idleStrategy = TransportConfiguration.agentIdleStrategy();
            }

            if (null == errorHandler)
            {
                errorHandler = (throwable) -> LOG.warn("Aeron error in {}", aeronDirectoryName, throwable);
            }

            aeronDirectoryName = new File(
                base, DIR_PREFIX + SystemUtil.getPid() + "-" +
                Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE)).getAbsolutePath();
            isConcluded = true;

            return this;
        }

        /**
         * A copy of these settings, not concluded, for another driver: it gets its own directory under
         * {@link #baseDir()} when concluded; objects set here (idle strategy, error handler) are shared, not copied.
         *
         * @return the copy.
         */
        public Context clone()
        {
            try
            {
                final Context copy = (Context)super.clone();
                copy.isConcluded = false;
                copy.aeronDirectoryName = null;
                return copy;
            }
            catch (final CloneNotSupportedException ex)
            {
                throw new IllegalStateException(ex);
            }
        }

        MediaDriver.Context toMediaDriverContext()
        {
            return new MediaDriver.Context()
                .aeronDirectoryName(aeronDirectoryName)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .warnIfDirectoryExists(false)
                .printConfigurationOnStart(false)
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(idleStrategy)
                .mtuLength(mtuLength)
                .socketSndbufLength(socketBufferLength)
                .socketRcvbufLength(socketBufferLength)
                .initialWindowLength(receiverWindowLength)
                .publicationTermBufferLength(termLength)
                .errorHandler(errorHandler);
        }

        /**
         * @param baseDir directory under which the driver's own directory is made; default {@code /dev/shm}, or
         *                {@code java.io.tmpdir} where there is none
         *                ({@link TransportConfiguration#BASE_DIR_PROP_NAME}).
         * @return this.
         */
        public Context baseDir(final String baseDir)
        {
            this.baseDir = baseDir;
            return this;
        }

        /**
         * @return directory under which the driver's own directory is made.
         */
        public String baseDir()
        {
            return baseDir;
        }

        /**
         * @param mtuLength largest datagram in bytes, multiple of 32 in 1408..65504; default 65504
         *                  ({@link TransportConfiguration#MTU_LENGTH_PROP_NAME}).
         * @return this.
         */
        public Context mtuLength(final int mtuLength)
        {
            this.mtuLength = mtuLength;
            return this;
        }

        /**
         * @return largest datagram in bytes.
         */
        public int mtuLength()
        {
            return mtuLength;
        }

        /**
         * @param socketBufferLength {@code SO_SNDBUF} and {@code SO_RCVBUF} in bytes, at least the MTU; default
         *                           4 MiB ({@link TransportConfiguration#SOCKET_BUFFER_LENGTH_PROP_NAME}).
         * @return this.
         */
        public Context socketBufferLength(final int socketBufferLength)
        {
            this.socketBufferLength = socketBufferLength;
            return this;
        }

        /**
         * @return {@code SO_SNDBUF} and {@code SO_RCVBUF} in bytes.
         */
        public int socketBufferLength()
        {
            return socketBufferLength;
        }

        /**
         * @param receiverWindowLength initial flow-control window of each image in bytes, from the MTU to half the
         *                             term length; default 4 MiB
         *                             ({@link TransportConfiguration#RECEIVER_WINDOW_LENGTH_PROP_NAME}).
         * @return this.
         */
        public Context receiverWindowLength(final int receiverWindowLength)
        {
            this.receiverWindowLength = receiverWindowLength;
            return this;
        }

        /**
         * @return initial flow-control window of each image in bytes.
         */
        public int receiverWindowLength()
        {
            return receiverWindowLength;
        }

        /**
         * @param termLength term length of network publications in bytes, power of two in 64 KiB..1 GiB; default
         *                   16 MiB ({@link TransportConfiguration#TERM_LENGTH_PROP_NAME}). Each publication and each
         *                   image maps three terms in the driver directory.
         * @return this.
         */
        public Context termLength(final int termLength)
        {
            this.termLength = termLength;
            return this;
        }

        /**
         * @return term length of network publications in bytes.
         */
        public int termLength()
        {
            return termLength;
        }

        /**
         * @param idleStrategy idle strategy of the shared driver thread; default
         *                     {@link TransportConfiguration#agentIdleStrategy()}: a {@link BackoffIdleStrategy}
         *                     parking at most {@link TransportConfiguration#IDLE_MAX_PARK_PROP_NAME}, lingering
         *                     after work for {@link TransportConfiguration#IDLE_LINGER_PROP_NAME} (default 5 ms).
         * @return this.
         */
        public Context idleStrategy(final IdleStrategy idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /**
         * @return idle strategy of the shared driver thread.
         */
        public IdleStrategy idleStrategy()
        {
            return idleStrategy;
        }

        /**
         * @param errorHandler receives errors of the driver and of the Aeron client; default logs a warning.
         * @return this.
         */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        /**
         * @return receives errors of the driver and of the Aeron client.
         */
        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }

        /**
         * @return the driver's directory, known once {@link #conclude()} has run.
         */
        public String aeronDirectoryName()
        {
            return aeronDirectoryName;
        }
    }
}
