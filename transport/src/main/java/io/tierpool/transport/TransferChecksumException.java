/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

/**
 * A block received from a node did not match the CRC-32C the node sent with it: the data was damaged in transit
 * or in the node's storage. The destination buffer holds unverified bytes and must not be used; retrying may
 * succeed, or another replica may be read.
 */
public class TransferChecksumException extends TransportException
{
    private static final long serialVersionUID = 1L;

    private final int expectedCrc32c;
    private final int actualCrc32c;

    /**
     * @param nodeEndpoint   the node's {@code host:port}.
     * @param blockId        the block.
     * @param length         length of the block, bytes.
     * @param expectedCrc32c checksum the node sent.
     * @param actualCrc32c   checksum of the bytes received.
     */
    public TransferChecksumException(
        final String nodeEndpoint,
        final long blockId,
        final int length,
        final int expectedCrc32c,
        final int actualCrc32c)
    {
        super("block " + blockId + " (" + length + " bytes) read from node " + nodeEndpoint +
            " failed its CRC-32C check: expected " + Integer.toHexString(expectedCrc32c) + ", got " +
            Integer.toHexString(actualCrc32c) + "; the data was damaged, retry or read another replica",
            nodeEndpoint, blockId);
        this.expectedCrc32c = expectedCrc32c;
        this.actualCrc32c = actualCrc32c;
    }

    /**
     * @return checksum the node sent.
     */
    public int expectedCrc32c()
    {
        return expectedCrc32c;
    }

    /**
     * @return checksum of the bytes received.
     */
    public int actualCrc32c()
    {
        return actualCrc32c;
    }
}
