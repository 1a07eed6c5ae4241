/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

/**
 * Layout of the authentication trailer that follows every SBE message on a secured session, in the same Aeron
 * message (the schema's {@code authTrailer} composite, protocol version 3). Little-endian:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Session Id (int64)                     |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Sequence (int64)                       |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                     Covered Length (int32)                    |
 *  +---------------------------------------------------------------+
 *  |                         Flags (int32)                         |
 *  +---------------------------------------------------------------+
 *  |          MAC: HMAC-SHA-256 truncated to 16 bytes              |
 *  |                                                              ...
 *  +---------------------------------------------------------------+
 * </pre>
 * The MAC is over the message's first {@code coveredLength} bytes and then the trailer's first 24 bytes. The
 * covered part is the whole SBE message except a trailing block-data field (PutRequest, PutBatchRequest and
 * GetResponse data), whose length prefix is covered and whose CRC-32C the covered fields carry. With
 * {@link #FLAG_ENCRYPTED} the trailing data is AES-GCM ciphertext and its 16-byte tag, the IV being the flags
 * and the sequence (unique per session key and direction).
 */
final class AuthTrailerDescriptor
{
    static final int SESSION_ID_OFFSET = 0;
    static final int SEQUENCE_OFFSET = 8;
    static final int COVERED_LENGTH_OFFSET = 16;
    static final int FLAGS_OFFSET = 20;
    static final int MAC_OFFSET = 24;
    static final int MAC_LENGTH = 16;
    static final int LENGTH = MAC_OFFSET + MAC_LENGTH;

    /**
     * Set on a response (node to client), clear on a request: a message cannot be reflected back to its sender.
     */
    static final int FLAG_RESPONSE = 1;

    /**
     * The trailing block data is AES-GCM ciphertext followed by its tag.
     */
    static final int FLAG_ENCRYPTED = 2;

    /**
     * Bytes the AES-GCM tag adds to encrypted block data.
     */
    static final int GCM_TAG_LENGTH = 16;

    private AuthTrailerDescriptor()
    {
    }
}
