/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.engine;

import io.tierpool.client.StoreStats;

/**
 * The block store's store-wide counters, as {@link StoreStats} reports them (per tier counters live in
 * {@link TierSlot}).
 * <p>
 * <b>Threading:</b> single writer at a time: every field is written only by the thread holding the engine lock, so
 * plain increments never lose a count; {@link BlockStore#stats()} reads them without the lock (a 64-bit JVM reads a
 * {@code long} whole), so a snapshot may lag the operations in flight and its counters may disagree by them.
 * Owned by the block store.
 */
final class StoreCounters
{
    /** Sum of the sizes of live blocks, in bytes. */
    long logicalBytes;
    long allocations;
    long frees;
    long demotions;
    long promotions;
    long checksumFailures;
    long prefetchRequests;
    long movesAbandoned;
    long deviceFallbacks;
    long prefetchDropped;
    long prefetchesIssued;
    long prefetchHits;
    long demotionBatches;
    long batchedDemotions;
    long copiesRetained;
    long copyReturns;
    long copiesDropped;
}
