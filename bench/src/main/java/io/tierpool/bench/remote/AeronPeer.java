/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.remote;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.tierpool.node.NodeProcess;
import io.tierpool.transport.TransportDriver;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ShutdownSignalBarrier;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The far end of the raw Aeron baseline, run as its own JVM (as a node daemon is) by {@link AeronBaseline}: an
 * embedded {@link TransportDriver} with the transport's settings, a subscription on its endpoint and an exclusive
 * publication back to the benchmark, polled by one agent thread with the idle strategy a node's block server
 * uses ({@link IdleMode#serverIdleStrategy()}). It counts the bytes of {@link #DATA} messages without copying
 * them, answers {@link #END} with an {@link #ACK} carrying the count, and echoes every {@link #PING} as it came.
 * <p>
 * Command line: {@code AeronPeer <name> <endpoint> <reply endpoint> <aeron base dir> <idle mode>}. Prints a
 * {@link NodeProcess} ready line once its subscription is bound, runs until SIGTERM, then closes everything (the
 * driver removes its directory). <b>Threads.</b> The agent owns all state; {@code main} only starts and stops it.
 */
public final class AeronPeer implements Agent, FragmentHandler
{
    /**
     * Message type (the first int) of a bulk message: its bytes are counted.
     */
    public static final int DATA = 1;

    /**
     * Message type of the end of a bulk stream: answered with {@link #ACK}.
     */
    public static final int END = 2;

    /**
     * Message type of a ping: echoed back whole.
     */
    public static final int PING = 3;

    /**
     * Message type of the answer to {@link #END}: the long at offset 8 holds the {@link #DATA} bytes received
     * since the previous {@link #END}.
     */
    public static final int ACK = 4;

    /**
     * Length of an {@link #END} or {@link #ACK} message.
     */
    public static final int CONTROL_LENGTH = 16;

    private static final int FRAGMENT_LIMIT = 64;
    private static final long SEND_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    private final Subscription subscription;
    private final ExclusivePublication reply;
    private final IdleStrategy sendIdle;
    private final UnsafeBuffer ackBuffer = new UnsafeBuffer(new byte[CONTROL_LENGTH]);
    private int messageType;
    private long dataBytes;

    AeronPeer(final Subscription subscription, final ExclusivePublication reply, final IdleStrategy sendIdle)
    {
        this.subscription = subscription;
        this.reply = reply;
        this.sendIdle = sendIdle;
    }

    /**
     * Runs the peer until SIGTERM.
     *
     * @param args name, endpoint, reply endpoint, Aeron base directory, idle mode ({@link IdleMode} name).
     */
    public static void main(final String[] args)
    {
        if (args.length != 5)
        {
            System.err.println("usage: AeronPeer <name> <endpoint> <reply endpoint> <aeron base dir> <idle mode>");
            System.exit(2);
        }
        final String name = args[0];
        final String endpoint = args[1];
        final IdleMode mode = IdleMode.valueOf(args[4]);
        final ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
        final TransportDriver driver = TransportDriver.launch(
            new TransportDriver.Context().baseDir(args[3]).idleStrategy(mode.driverIdleStrategy()));
        Subscription subscription = null;
        ExclusivePublication reply = null;
        AgentRunner runner = null;
        try
        {
            subscription = driver.aeron().addSubscription(AeronBaseline.channel(endpoint), AeronBaseline.STREAM_ID);
            reply = driver.aeron().addExclusivePublication(AeronBaseline.channel(args[2]),
                AeronBaseline.REPLY_STREAM_ID);
            runner = new AgentRunner(mode.serverIdleStrategy(), Throwable::printStackTrace, null,
                new AeronPeer(subscription, reply, mode.serverIdleStrategy()));
            AgentRunner.startOnThread(runner);
            final Map<String, String> ready = new LinkedHashMap<>();
            ready.put(NodeProcess.READY_KEY_NAME, name);
            ready.put(NodeProcess.READY_KEY_ENDPOINT, endpoint);
            System.out.println(NodeProcess.formatReadyLine(ready));
            System.out.flush();
            barrier.await();
        }
        finally
        {
            CloseHelper.closeAll(runner, reply, subscription, driver);
        }
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        return subscription.poll(this, FRAGMENT_LIMIT);
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "aeron-baseline-peer";
    }

    /**
     * Counts, acknowledges or echoes one fragment.
     *
     * @param buffer the term buffer.
     * @param offset where the fragment starts.
     * @param length fragment length, bytes.
     * @param header the fragment's header.
     */
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if ((header.flags() & FrameDescriptor.BEGIN_FRAG_FLAG) != 0)
        {
            messageType = buffer.getInt(offset);
        }
        switch (messageType)
        {
            case DATA -> dataBytes += length;
            case END ->
            {
                ackBuffer.putInt(0, ACK);
                ackBuffer.putLong(8, dataBytes);
                dataBytes = 0;
                send(ackBuffer, 0, CONTROL_LENGTH);
            }
            case PING -> send(buffer, offset, length);
            default -> throw new IllegalStateException("unknown baseline message type " + messageType);
        }
    }

    private void send(final DirectBuffer buffer, final int offset, final int length)
    {
        final long deadlineNs = System.nanoTime() + SEND_TIMEOUT_NS;
        sendIdle.reset();
        while (true)
        {
            final long result = reply.offer(buffer, offset, length);
            if (result > 0)
            {
                return;
            }
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result ||
                System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("the baseline peer cannot answer the benchmark (offer result " +
                    result + ")");
            }
            sendIdle.idle();
        }
    }
}
