/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.remote;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.tierpool.client.TierPoolException;
import io.tierpool.bench.report.Latency;
import io.tierpool.node.NodeProcess;
import io.tierpool.transport.TransportConfiguration;
import io.tierpool.transport.TransportDriver;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Raw Aeron over UDP loopback with the transport's own settings, the ceiling far memory is measured against: an
 * embedded {@link TransportDriver} here (MTU, term length, socket buffers, receiver window and driver threading
 * exactly as the transport concludes them) and an {@link AeronPeer} in its own JVM with another, as a client and
 * a node daemon are. It measures
 * <ul>
 *     <li>{@link #stream}: messages sent one way as fast as flow control lets them (the peer counts them without
 *     copying), timed until the peer's acknowledgement of the last byte comes back: MiB/s;</li>
 *     <li>{@link #pingPong}: a request answered by an echo of the same length, one at a time, with this thread
 *     waiting as a block client's caller waits: round-trip percentiles.</li>
 * </ul>
 * <b>Resources.</b> Owns the peer process, the driver, the publication and the subscription; {@link #close()}
 * releases them. <b>Threads.</b> One thread uses an instance.
 */
public final class AeronBaseline implements AutoCloseable, FragmentHandler
{
    /**
     * Stream id of the requests to the peer: the transport's request stream.
     */
    public static final int STREAM_ID = TransportConfiguration.REQUEST_STREAM_ID_DEFAULT;

    /**
     * Stream id of the peer's answers: the transport's response stream.
     */
    public static final int REPLY_STREAM_ID = TransportConfiguration.RESPONSE_STREAM_ID_DEFAULT;

    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);
    private static final long ANSWER_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final int FRAGMENT_LIMIT = 16;

    private final IdleMode mode;
    private final IdleStrategy idle;
    private final NodeProcess peer;
    private final TransportDriver driver;
    private final Subscription subscription;
    private final ExclusivePublication publication;
    private final UnsafeBuffer controlBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(AeronPeer.CONTROL_LENGTH));
    private int answerType;
    private int answerLength;
    private long answerValue;

    private AeronBaseline(
        final IdleMode mode,
        final NodeProcess peer,
        final TransportDriver driver,
        final Subscription subscription,
        final ExclusivePublication publication)
    {
        this.mode = mode;
        this.idle = mode.clientIdleStrategy();
        this.peer = peer;
        this.driver = driver;
        this.subscription = subscription;
        this.publication = publication;
    }

    /**
     * Starts the peer JVM and this side's driver, and waits until both directions are connected.
     *
     * @param mode     how every thread involved waits.
     * @param ports    the run's port plan.
     * @param index    the baseline's number in the run (picks its two ports).
     * @param tmpfsDir parent of both drivers' directories (tmpfs), existing.
     * @param diskDir  parent of the peer process's directory, existing.
     * @return the connected baseline, to be closed by the caller.
     * @throws TierPoolException if the peer does not start or the two sides do not connect within 20 s.
     */
    public static AeronBaseline open(
        final IdleMode mode, final RemotePorts ports, final int index, final Path tmpfsDir, final Path diskDir)
    {
        final String name = "aeron-peer-" + index;
        final Path peerDir = RemoteCluster.directory(tmpfsDir, name);
        final Path localDir = RemoteCluster.directory(tmpfsDir, "aeron-local-" + index);
        final String peerEndpoint = ports.baselinePeerEndpoint(index);
        final String localEndpoint = ports.baselineLocalEndpoint(index);
        NodeProcess peer = null;
        TransportDriver driver = null;
        Subscription subscription = null;
        ExclusivePublication publication = null;
        try
        {
            peer = NodeProcess.start(new NodeProcess.Context()
                .name(name)
                .mainClass(AeronPeer.class.getName())
                .directoryParent(RemoteCluster.directory(diskDir, name))
                .maxHeap("128m")
                .arguments(List.of(name, peerEndpoint, localEndpoint, peerDir.toString(), mode.name())));
            driver = TransportDriver.launch(new TransportDriver.Context()
                .baseDir(localDir.toString())
                .idleStrategy(mode.driverIdleStrategy()));
            subscription = driver.aeron().addSubscription(channel(localEndpoint), REPLY_STREAM_ID);
            publication = driver.aeron().addExclusivePublication(channel(peerEndpoint), STREAM_ID);
            final AeronBaseline baseline = new AeronBaseline(mode, peer, driver, subscription, publication);
            baseline.awaitConnected();
            return baseline;
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(publication, subscription, driver, peer);
            throw ex;
        }
    }

    /**
     * @param endpoint {@code host:port}.
     * @return the Aeron UDP channel of that endpoint, as the transport writes it.
     */
    static String channel(final String endpoint)
    {
        return "aeron:udp?endpoint=" + endpoint;
    }

    /**
     * @return how the threads wait.
     */
    public IdleMode mode()
    {
        return mode;
    }

    /**
     * @return the largest message the publication carries, bytes.
     */
    public int maxMessageLength()
    {
        return publication.maxMessageLength();
    }

    /**
     * Sends {@code rounds} bursts of {@code messages} messages of {@code messageBytes} one way; each burst is
     * timed from its first offer until the peer acknowledges its last byte.
     *
     * @param messageBytes bytes per message, {@link AeronPeer#CONTROL_LENGTH} to {@link #maxMessageLength()}.
     * @param messages     messages per burst, at least 1.
     * @param rounds       timed bursts, at least 1 (after one untimed burst).
     * @return MiB/s of each timed burst.
     * @throws TierPoolException if the peer stops answering or acknowledges another byte count.
     */
    public double[] stream(final int messageBytes, final int messages, final int rounds)
    {
        if (messageBytes < AeronPeer.CONTROL_LENGTH || messageBytes > maxMessageLength())
        {
            throw new IllegalArgumentException("a baseline message of " + messageBytes + " bytes must be " +
                AeronPeer.CONTROL_LENGTH + " to " + maxMessageLength() + " bytes");
        }
        final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(messageBytes));
        message.setMemory(0, messageBytes, (byte)0x5A);
        message.putInt(0, AeronPeer.DATA);
        final double[] mibPerSecond = new double[rounds];
        for (int round = -1; round < rounds; round++)
        {
            final long startNs = System.nanoTime();
            for (int i = 0; i < messages; i++)
            {
                offer(message, messageBytes);
            }
            controlBuffer.putInt(0, AeronPeer.END);
            controlBuffer.putLong(8, 0);
            offer(controlBuffer, AeronPeer.CONTROL_LENGTH);
            awaitAnswer(AeronPeer.ACK);
            final long elapsedNs = System.nanoTime() - startNs;
            final long bytes = (long)messages * messageBytes;
            if (answerValue != bytes)
            {
                throw new TierPoolException("the baseline peer received " + answerValue + " bytes of a burst of " +
                    bytes);
            }
            if (round >= 0)
            {
                mibPerSecond[round] = bytes / (1024.0 * 1024.0) / (elapsedNs / 1e9);
            }
        }
        return mibPerSecond;
    }

    /**
     * Sends requests of {@code messageBytes} one at a time and waits for each echo.
     *
     * @param messageBytes bytes per request and per answer, {@link AeronPeer#CONTROL_LENGTH} to
     *                     {@link #maxMessageLength()}.
     * @param warmup       untimed round trips first.
     * @param count        timed round trips, at least 1.
     * @param histogram    where the timed round trips are recorded, in ns (see {@link Latency#histogram()}).
     * @throws TierPoolException if the peer stops answering or answers with another length.
     */
    public void pingPong(final int messageBytes, final int warmup, final int count, final Histogram histogram)
    {
        final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(messageBytes));
        message.setMemory(0, messageBytes, (byte)0x3C);
        message.putInt(0, AeronPeer.PING);
        for (int i = -warmup; i < count; i++)
        {
            final long startNs = System.nanoTime();
            offer(message, messageBytes);
            awaitAnswer(AeronPeer.PING);
            final long rttNs = System.nanoTime() - startNs;
            if (answerLength != messageBytes)
            {
                throw new TierPoolException("the baseline peer echoed " + answerLength + " bytes of " + messageBytes);
            }
            if (i >= 0)
            {
                histogram.recordValue(Latency.clamp(rttNs));
            }
        }
    }

    /**
     * Records the type, length and value of an answer from the peer.
     *
     * @param buffer the term buffer.
     * @param offset where the answer starts.
     * @param length its length (answers are one fragment each).
     * @param header its header.
     */
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        answerType = buffer.getInt(offset);
        answerLength = length;
        answerValue = length >= AeronPeer.CONTROL_LENGTH ? buffer.getLong(offset + 8) : 0;
    }

    /**
     * Stops the peer process, closes this side's publication, subscription and driver (which removes its
     * directory). Idempotent.
     */
    public void close()
    {
        CloseHelper.closeAll(publication, subscription, driver, peer);
    }

    private void awaitConnected()
    {
        final long deadlineNs = System.nanoTime() + CONNECT_TIMEOUT_NS;
        idle.reset();
        while (!publication.isConnected() || !subscription.isConnected())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new TierPoolException("the raw Aeron baseline did not connect to its peer within 20 s (" +
                    (publication.isConnected() ? "" : "requests to " + peer.endpoint() + " not connected; ") +
                    (subscription.isConnected() ? "" : "answers not connected") + ")");
            }
            idle.idle();
        }
    }

    private void offer(final DirectBuffer message, final int length)
    {
        final long deadlineNs = System.nanoTime() + ANSWER_TIMEOUT_NS;
        idle.reset();
        while (true)
        {
            final long result = publication.offer(message, 0, length);
            if (result > 0)
            {
                return;
            }
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result ||
                System.nanoTime() - deadlineNs > 0)
            {
                throw new TierPoolException("the raw Aeron baseline cannot send to its peer " + peer.endpoint() +
                    " (offer result " + result + ")");
            }
            idle.idle();
        }
    }

    private void awaitAnswer(final int type)
    {
        final long deadlineNs = System.nanoTime() + ANSWER_TIMEOUT_NS;
        answerType = 0;
        idle.reset();
        while (true)
        {
            final int fragments = subscription.poll(this, FRAGMENT_LIMIT);
            if (answerType != 0)
            {
                if (answerType != type)
                {
                    throw new TierPoolException("the baseline peer answered type " + answerType + " instead of " +
                        type);
                }
                return;
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new TierPoolException("the raw Aeron baseline's peer " + peer.endpoint() + " did not answer " +
                    "within 30 s");
            }
            idle.idle(fragments);
        }
    }
}
