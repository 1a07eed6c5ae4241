/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

/**
 * A node's data-path security counters since it started, read without stopping its server (each value is read on
 * its own, so a snapshot may be a few messages apart across fields). All are 0 when security is off.
 *
 * @param sessions            handshakes completed: sessions opened.
 * @param handshakeFailures   handshakes refused: a proof that did not verify (no or another secret), or a proof
 *                            for no waiting handshake.
 * @param unauthenticated     messages that came without a session (no trailer, or one naming no session): each
 *                            request decodable far enough to be answered gets AUTH_FAILED (or DEADLINE_EXPIRED
 *                            when late); none reaches the handler.
 * @param badMac              messages naming a session whose MAC (or AES-GCM tag, or flags) did not verify:
 *                            forged or altered; dropped.
 * @param replayed            authentic messages seen before, or further behind than the replay window; dropped.
 * @param forgedClientId      authentic messages that named a client other than their session's; dropped.
 */
public record SecurityCounters(
    long sessions, long handshakeFailures, long unauthenticated, long badMac, long replayed, long forgedClientId)
{
    /**
     * @return messages refused on a secured node: every count above but {@link #sessions()}.
     */
    public long refused()
    {
        return handshakeFailures + unauthenticated + badMac + replayed + forgedClientId;
    }
}
