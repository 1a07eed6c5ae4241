/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

/**
 * A block received from a node did not match the CRC-32C the node sent with it (the data was damaged in transit
 * or in the node's storage), or, for a get that named the checksum the block was written with, matched what the
 * node sent but not what was written ({@link #isStoredCopyDamaged()}: the node's copy is not the block that was
 * put). The destination buffer holds unverified bytes and must not be used; retrying may succeed, or another
 * replica may be read.
 */
public class TransferChecksumException extends TransportException
{
    private static final long serialVersionUID = 1L;

    private final int expectedCrc32c;
    private final int actualCrc32c;
    private final boolean storedCopyDamaged;

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
        this("block " + blockId + " (" + length + " bytes) read from node " + nodeEndpoint +
            " failed its CRC-32C check: expected " + Integer.toHexString(expectedCrc32c) + ", got " +
            Integer.toHexString(actualCrc32c) + "; the data was damaged, retry or read another replica",
            nodeEndpoint, blockId, expectedCrc32c, actualCrc32c, false);
    }

    private TransferChecksumException(
        final String message,
        final String nodeEndpoint,
        final long blockId,
        final int expectedCrc32c,
        final int actualCrc32c,
        final boolean storedCopyDamaged)
    {
        super(message, nodeEndpoint, blockId);
        this.expectedCrc32c = expectedCrc32c;
        this.actualCrc32c = actualCrc32c;
        this.storedCopyDamaged = storedCopyDamaged;
    }

    /**
     * The bytes a node sent arrived as it sent them but are not the block that was put: their CRC-32C differs from
     * the one the block was written with.
     *
     * @param nodeEndpoint   the node's {@code host:port}.
     * @param blockId        the block.
     * @param length         length of the block, bytes.
     * @param writtenCrc32c  checksum of the block as it was put.
     * @param actualCrc32c   checksum of the bytes received.
     * @return the exception, {@link #isStoredCopyDamaged()} true.
     */
    public static TransferChecksumException storedCopyDamaged(
        final String nodeEndpoint,
        final long blockId,
        final int length,
        final int writtenCrc32c,
        final int actualCrc32c)
    {
        return new TransferChecksumException("block " + blockId + " (" + length + " bytes) read from node " +
            nodeEndpoint + " is not the block that was put: CRC-32C " + Integer.toHexString(actualCrc32c) +
            " instead of " + Integer.toHexString(writtenCrc32c) + " as written (it arrived as the node sent it, " +
            "so the node's copy is damaged); read another replica", nodeEndpoint, blockId, writtenCrc32c,
            actualCrc32c, true);
    }

    /**
     * @return true when the bytes arrived intact but the node's copy differs from what was put; false when they
     * were damaged on the way (or by the node as it sent them).
     */
    public boolean isStoredCopyDamaged()
    {
        return storedCopyDamaged;
    }

    /**
     * @return checksum the node sent, or for a {@link #isStoredCopyDamaged() damaged stored copy} the checksum the
     * block was written with.
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
