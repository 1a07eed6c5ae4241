/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One authenticated session between a client and a node: its id, the client identity it carries, its keys (one
 * {@link Mac} instance per slot, initialised once, so that sealing a message never re-keys or allocates a Mac),
 * the next sequence number to send and the window of sequence numbers received.
 * <p>
 * Thread-safety: {@link #nextSequence()} and {@link #acquireMac()}/{@link #releaseMac(int)} may be called by any
 * number of threads (a client's senders); {@link #rxWindow} belongs to the one receiving thread at a time.
 */
final class SecureSession
{
    private static final String HMAC = "HmacSHA256";

    final long sessionId;
    final long clientId;
    final boolean encrypted;
    final SecretKeySpec encKey;
    final ReplayWindow rxWindow = new ReplayWindow(TransportSecurity.REPLAY_WINDOW);
    private final Mac[] macs;
    private final AtomicIntegerArray macBusy;
    private final AtomicLong txSequence = new AtomicLong();
    private long lastUsedNs;

    /**
     * @param macSlots how many threads may seal or open at once without waiting: a power of two.
     */
    SecureSession(
        final long sessionId, final long clientId, final boolean encrypted, final SessionKeys keys, final int macSlots)
    {
        this.sessionId = sessionId;
        this.clientId = clientId;
        this.encrypted = encrypted;
        this.encKey = new SecretKeySpec(keys.encKey, "AES");
        this.macs = new Mac[macSlots];
        this.macBusy = new AtomicIntegerArray(macSlots);
        final SecretKeySpec macKey = new SecretKeySpec(keys.macKey, HMAC);
        try
        {
            for (int i = 0; i < macSlots; i++)
            {
                macs[i] = Mac.getInstance(HMAC);
                macs[i].init(macKey);
            }
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("this JVM lacks HmacSHA256, which every Java SE runtime has: " + ex, ex);
        }
    }

    /**
     * @return the next sequence number to send, from 1.
     */
    long nextSequence()
    {
        return txSequence.incrementAndGet();
    }

    /**
     * Take a free Mac slot, spinning past busy ones (a slot is held for one MAC computation, microseconds).
     *
     * @return the slot, to be given back with {@link #releaseMac(int)}.
     */
    int acquireMac()
    {
        final int mask = macs.length - 1;
        int slot = (int)Thread.currentThread().getId() & mask;
        while (!macBusy.compareAndSet(slot, 0, 1))
        {
            slot = (slot + 1) & mask;
            Thread.onSpinWait();
        }
        return slot;
    }

    Mac mac(final int slot)
    {
        return macs[slot];
    }

    void releaseMac(final int slot)
    {
        macBusy.set(slot, 0);
    }

    long lastUsedNs()
    {
        return lastUsedNs;
    }

    void lastUsedNs(final long nowNs)
    {
        lastUsedNs = nowNs;
    }
}
