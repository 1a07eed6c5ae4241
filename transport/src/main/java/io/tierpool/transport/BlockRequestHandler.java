/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.client.NodeUsage;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * What a {@link BlockServer} calls to serve requests: the node's storage, seen from the transport.
 * <p>
 * A stored copy is named by (clientId, blockId, generation): the generation is the client's name for one copy of
 * the block (protocol version 1), so that two copies of one block id may live side by side and be read and freed
 * apart. A request from a version 0 client names generation 0. The methods without a generation are the same
 * calls with generation 0, kept for callers written before it.
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
     * Store a copy of the block's bytes for (clientId, blockId, generation); replaces an existing one with the same
     * three. The bytes have passed their CRC-32C check. {@code src} is only valid during the call.
     *
     * @param clientId   the owning client.
     * @param blockId    the client's block id.
     * @param generation which copy of the block, chosen by the client; any value.
     * @param src        the block's bytes; valid only during the call.
     * @param srcOffset  where they start in src.
     * @param length     length in bytes, 1..{@link TransportConfiguration#MAX_BLOCK_LENGTH}.
     * @throws BlockRequestException to refuse, for example with {@link ErrorCode#NO_SPACE}.
     */
    void onPut(long clientId, long blockId, long generation, DirectBuffer src, int srcOffset, int length);

    /**
     * @param clientId   the owning client.
     * @param blockId    the client's block id.
     * @param generation which copy of the block.
     * @return the length in bytes of the stored copy, 1..{@link TransportConfiguration#MAX_BLOCK_LENGTH}.
     * @throws BlockRequestException with {@link ErrorCode#NOT_FOUND} when there is no such copy.
     */
    int blockLength(long clientId, long blockId, long generation);

    /**
     * Copy the stored copy's bytes into dst. Called right after {@link #blockLength(long, long, long)} for the
     * same copy, with the length it returned.
     *
     * @param clientId   the owning client.
     * @param blockId    the client's block id.
     * @param generation which copy of the block.
     * @param dst        where to copy; valid only during the call.
     * @param dstOffset  where to start in dst.
     * @param length     number of bytes to copy: the whole block.
     * @throws BlockRequestException with {@link ErrorCode#NOT_FOUND} when there is no such copy.
     */
    void onGet(long clientId, long blockId, long generation, MutableDirectBuffer dst, int dstOffset, int length);

    /**
     * Free the copy.
     *
     * @param clientId   the owning client.
     * @param blockId    the client's block id.
     * @param generation which copy of the block.
     * @throws BlockRequestException with {@link ErrorCode#NOT_FOUND} when there is no such copy.
     */
    void onFree(long clientId, long blockId, long generation);

    /**
     * @return the node's capacity and usage per tier, fastest first.
     */
    NodeUsage usage();

    /**
     * Answer a thin client's membership request (protocol version 2): the node daemons this node sees live, those
     * that left lately, and the lease kept for the client. A request with {@code leaseTimeoutMs > 0} grants or
     * renews the client's lease with this node; 0 comes from an observer, which holds none. Must not block: read
     * membership the node already holds.
     *
     * @param clientId       the asking client.
     * @param leaseTimeoutMs the lease the client asks for, ms, 0 or more.
     * @return the answer.
     * @throws BlockRequestException to refuse; this default refuses every request with
     *                               {@link ErrorCode#BAD_REQUEST}, for a server that serves blocks without
     *                               membership (tests, tools).
     */
    default MembershipSnapshot membership(final long clientId, final long leaseTimeoutMs)
    {
        throw new BlockRequestException(ErrorCode.BAD_REQUEST, "this node reports no cluster membership");
    }

    /**
     * Answer a thin client's membership request (protocol version 4): as {@link #membership(long, long)}, listing
     * what the query asks for ({@link MembershipQuery}). A version 2 or 3 request arrives here as
     * {@link MembershipQuery#FULL}. This default answers every query in full with {@link #membership(long, long)}
     * (a complete answer is a valid answer to any query). Must not block.
     *
     * @param clientId       the asking client.
     * @param leaseTimeoutMs the lease the client asks for, ms, 0 or more.
     * @param query          what the client asks to have listed.
     * @return the answer.
     * @throws BlockRequestException to refuse, as {@link #membership(long, long)}.
     */
    default MembershipSnapshot membership(final long clientId, final long leaseTimeoutMs, final MembershipQuery query)
    {
        return membership(clientId, leaseTimeoutMs);
    }

    /**
     * A client is leaving: end its lease and free every block it placed on this node. A client with no blocks here
     * is not an error. This default does nothing.
     *
     * @param clientId the leaving client.
     * @throws BlockRequestException to refuse.
     */
    default void onLeave(final long clientId)
    {
    }

    /**
     * {@link #onPut(long, long, long, DirectBuffer, int, int)} for generation 0.
     *
     * @param clientId  the owning client.
     * @param blockId   the client's block id.
     * @param src       the block's bytes; valid only during the call.
     * @param srcOffset where they start in src.
     * @param length    length in bytes.
     * @throws BlockRequestException to refuse.
     */
    default void onPut(long clientId, long blockId, DirectBuffer src, int srcOffset, int length)
    {
        onPut(clientId, blockId, 0, src, srcOffset, length);
    }

    /**
     * {@link #blockLength(long, long, long)} for generation 0.
     *
     * @param clientId the owning client.
     * @param blockId  the client's block id.
     * @return the length in bytes of the stored copy.
     * @throws BlockRequestException with {@link ErrorCode#NOT_FOUND} when there is no such copy.
     */
    default int blockLength(long clientId, long blockId)
    {
        return blockLength(clientId, blockId, 0);
    }

    /**
     * {@link #onGet(long, long, long, MutableDirectBuffer, int, int)} for generation 0.
     *
     * @param clientId  the owning client.
     * @param blockId   the client's block id.
     * @param dst       where to copy.
     * @param dstOffset where to start in dst.
     * @param length    number of bytes to copy.
     * @throws BlockRequestException with {@link ErrorCode#NOT_FOUND} when there is no such copy.
     */
    default void onGet(long clientId, long blockId, MutableDirectBuffer dst, int dstOffset, int length)
    {
        onGet(clientId, blockId, 0, dst, dstOffset, length);
    }

    /**
     * {@link #onFree(long, long, long)} for generation 0.
     *
     * @param clientId the owning client.
     * @param blockId  the client's block id.
     * @throws BlockRequestException with {@link ErrorCode#NOT_FOUND} when there is no such copy.
     */
    default void onFree(long clientId, long blockId)
    {
        onFree(clientId, blockId, 0);
    }
}
