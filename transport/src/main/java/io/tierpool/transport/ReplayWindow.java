/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

/**
 * Which sequence numbers of one session and direction were taken, as IPsec's anti-replay window (RFC 4303 section
 * 3.4.3): a number above the highest seen is taken and slides the window; one within {@code windowBits} below it
 * is taken once; one further below, or seen before, is refused. Only call {@link #accept(long)} after the message's
 * MAC verified, so that forgeries cannot move the window.
 * <p>
 * Thread-safety: none; one receiving thread at a time (the node's agent, the client's poll-claim holder).
 */
final class ReplayWindow
{
    private final long[] bits;
    private final int windowBits;
    private long highest;

    /**
     * @param windowBits width of the window, a multiple of 64.
     */
    ReplayWindow(final int windowBits)
    {
        this.windowBits = windowBits;
        this.bits = new long[windowBits / 64];
    }

    /**
     * @param sequence the message's sequence number, from 1.
     * @return true when taken now; false for a replay or one too far behind.
     */
    boolean accept(final long sequence)
    {
        if (sequence <= 0)
        {
            return false;
        }
        if (sequence > highest)
        {
            final long shift = sequence - highest;
            if (shift >= windowBits)
            {
                java.util.Arrays.fill(bits, 0L);
            }
            else
            {
                for (long s = highest + 1; s < sequence; s++)
                {
                    clear(s);
                }
            }
            highest = sequence;
            set(sequence);
            return true;
        }
        if (highest - sequence >= windowBits || isSet(sequence))
        {
            return false;
        }
        set(sequence);
        return true;
    }

    private boolean isSet(final long sequence)
    {
        final int bit = (int)(sequence % windowBits);
        return (bits[bit >>> 6] & (1L << (bit & 63))) != 0;
    }

    private void set(final long sequence)
    {
        final int bit = (int)(sequence % windowBits);
        bits[bit >>> 6] |= 1L << (bit & 63);
    }

    private void clear(final long sequence)
    {
        final int bit = (int)(sequence % windowBits);
        bits[bit >>> 6] &= ~(1L << (bit & 63));
    }
}
