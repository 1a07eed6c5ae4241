/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;


/**
 * Thrown when a block's bytes come back from a lower tier with a CRC32C that differs from the one computed when
 * they left RAM: the copy in that tier was damaged (by a disk, a bad memory page, or a process writing TierPool's
 * files). The wrong bytes are never returned; the block stays where it was, so the failure repeats until the
 * block is freed. The damage is counted in the statistics.
 */
public class ChecksumMismatchException extends TierPoolException
{
    private static final long serialVersionUID = 1L;

    private final long blockId;
    private final String tierName;
    private final int expectedCrc32c;
    private final int actualCrc32c;

    /**
     * @param blockId        the damaged block.
     * @param tierName       the tier its bytes came from.
     * @param nodeName       the node whose store holds it.
     * @param expectedCrc32c the checksum recorded when the block left RAM.
     * @param actualCrc32c   the checksum of the bytes read back.
     */
    public ChecksumMismatchException(
        final long blockId,
        final String tierName,
        final String nodeName,
        final int expectedCrc32c,
        final int actualCrc32c)
    {
        super("block " + blockId + " came back from tier " + tierName + " on node " + nodeName +
            " damaged: CRC32C expected 0x" + hex(expectedCrc32c) + " but was 0x" + hex(actualCrc32c) +
            "; its data cannot be trusted: free the block and recompute or reload it (other blocks are unaffected)");
        this.blockId = blockId;
        this.tierName = tierName;
        this.expectedCrc32c = expectedCrc32c;
        this.actualCrc32c = actualCrc32c;
    }

    private static String hex(final int value)
    {
        return String.format("%08x", value);
    }

    /**
     * @return the damaged block.
     */
    public long blockId()
    {
        return blockId;
    }

    /**
     * @return the name of the tier the bytes came from.
     */
    public String tierName()
    {
        return tierName;
    }

    /**
     * @return the checksum recorded when the block left RAM.
     */
    public int expectedCrc32c()
    {
        return expectedCrc32c;
    }

    /**
     * @return the checksum of the bytes read back.
     */
    public int actualCrc32c()
    {
        return actualCrc32c;
    }
}
