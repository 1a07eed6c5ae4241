/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * What a {@link BlockServer} calls to serve requests: the node's storage, seen from the transport.
 * <p>
 * All methods are called on the server's single agent thread, one at a time, so an implementation needs no
 * locking against the server (it may against its own other threads). Calls should be quick: while one runs, the
 * node serves no other request. A method refuses a request by throwing {@link BlockRequestException} with a
 * suitable {@link ErrorCode} (for example {@link ErrorCode#NOT_FOUND} or {@link ErrorCode#NO_SPACE}); any other
 * {@link RuntimeException} is reported to the client as {@link ErrorCode#INTERNAL} and counted as a server error.
 */
public interface BlockRequestHandler
{
    /**
     * Store a copy of the block's bytes for (clientId, blockId); replaces an existing one. The bytes have passed
     * their CRC-32C check. {@code src} is only valid during the call.
     *
     * @param clientId  the owning client.
     * @param blockId   the client's block id.
     * @param src       the block's bytes; valid only during the call.
     * @param srcOffset where they start in src.
     * @param length    length in bytes, 1..{@link TransportConfiguration#MAX_BLOCK_LENGTH}.
     * @throws BlockRequestException to refuse, for example with {@link ErrorCode#NO_SPACE}.
     */
    void onPut(long clientId, long blockId, DirectBuffer src, int srcOffset, int length);

    /**
     * @param clientId the owning client.
     * @param blockId  the client's block id.
     * @return the length in bytes of the stored block, 1..{@link TransportConfiguration#MAX_BLOCK_LENGTH}.
     * @throws BlockRequestException with {@link ErrorCode#NOT_FOUND} when there is no such block.
     */
    int blockLength(long clientId, long blockId);

    /**
     * Copy the stored block's bytes into dst. Called right after {@link #blockLength(long, long)} for the same
     * block, with the length it returned.
     *
     * @param clientId  the owning client.
     * @param blockId   the client's block id.
     * @param dst       where to copy; valid only during the call.
     * @param dstOffset where to start in dst.
     * @param length    number of bytes to copy: the whole block.
     * @throws BlockRequestException with {@link ErrorCode#NOT_FOUND} when there is no such block.
     */
    void onGet(long clientId, long blockId, MutableDirectBuffer dst, int dstOffset, int length);

    /**
     * Free the block.
     *
     * @param clientId the owning client.
     * @param blockId  the client's block id.
     * @throws BlockRequestException with {@link ErrorCode#NOT_FOUND} when there is no such block.
     */
    void onFree(long clientId, long blockId);

    /**
     * @return the node's capacity and usage per tier, fastest first.
     */
    NodeUsage usage();
}
