/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

/**
 * Why a node refused or failed a request. Mirrors the wire enum {@code io.tierpool.transport.codecs.ErrorCode}.
 */
public enum ErrorCode
{
    /**
     * The node holds no block with this id for this client.
     */
    NOT_FOUND(io.tierpool.transport.codecs.ErrorCode.NOT_FOUND),

    /**
     * The node has no room for the block.
     */
    NO_SPACE(io.tierpool.transport.codecs.ErrorCode.NO_SPACE),

    /**
     * The request was malformed or inconsistent (bad lengths, chunks out of order, block too large).
     */
    BAD_REQUEST(io.tierpool.transport.codecs.ErrorCode.BAD_REQUEST),

    /**
     * The block the node reassembled did not match the CRC-32C the client sent.
     */
    CHECKSUM_MISMATCH(io.tierpool.transport.codecs.ErrorCode.CHECKSUM_MISMATCH),

    /**
     * The request reached the node after its deadline.
     */
    DEADLINE_EXPIRED(io.tierpool.transport.codecs.ErrorCode.DEADLINE_EXPIRED),

    /**
     * The node failed while serving the request; its message says how.
     */
    INTERNAL(io.tierpool.transport.codecs.ErrorCode.INTERNAL),

    /**
     * The node has no room just now for another unfinished chunked put (it holds its limit of puts in
     * progress, or of their bytes, and none of them has stalled), or it evicted this put's unfinished reassembly
     * after it stalled, to make room for others. Nothing was stored; resend the whole block after a short wait.
     * {@link BlockClient#put} does so by itself until its timeout. Sent by nodes of this version on; an older
     * client reads it as {@link #INTERNAL}.
     */
    BUSY(io.tierpool.transport.codecs.ErrorCode.BUSY),

    /**
     * The node requires an authenticated session (security is on) and the request came without one, or a
     * handshake proof did not verify: the client lacks the cluster secret or holds a different one. Configure the
     * same secret on client and nodes (docs/SECURITY.md). Sent by nodes of protocol version 3 on.
     */
    AUTH_FAILED(io.tierpool.transport.codecs.ErrorCode.AUTH_FAILED),

    /**
     * The request named a client other than the one its authenticated session belongs to. Sent by nodes of
     * protocol version 3 on.
     */
    FORBIDDEN(io.tierpool.transport.codecs.ErrorCode.FORBIDDEN);

    private final io.tierpool.transport.codecs.ErrorCode wireCode;

    ErrorCode(final io.tierpool.transport.codecs.ErrorCode wireCode)
    {
        this.wireCode = wireCode;
    }

    io.tierpool.transport.codecs.ErrorCode wireCode()
    {
        return wireCode;
    }

    /**
     * @param rawValue the wire value.
     * @return the matching code, {@link #INTERNAL} for a value this version does not know.
     */
    static ErrorCode fromWire(final short rawValue)
    {
        for (final ErrorCode code : values())
        {
            if (code.wireCode.value() == rawValue)
            {
                return code;
            }
        }

        return INTERNAL;
    }
}
