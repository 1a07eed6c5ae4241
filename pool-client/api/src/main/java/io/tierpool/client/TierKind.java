/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

/**
 * The kinds of tier a block can live in, fastest first. The declaration order is the order of the hierarchy:
 * blocks are demoted towards the end of this list and promoted towards its start.
 */
public enum TierKind
{
    /**
     * GPU memory on a node with a usable CUDA device ({@code io.tierpool.node.gpu.DeviceTier}): blocks placed
     * with {@link io.tierpool.client.Hint#DEVICE}, for kernels to use in place. Absent where no GPU was found.
     */
    DEVICE,

    /**
     * Off-heap process memory: one region allocated and pre-touched when the store opens. The only tier whose
     * blocks can be pinned and read or written in place, zero-copy.
     */
    RAM,

    /**
     * Memory-mapped files on a tmpfs ({@code /dev/shm} by default). Space is reserved for real when the tier
     * opens, so a full tmpfs is reported at start-up instead of killing the process with SIGBUS later.
     */
    VVRAM,

    /**
     * A spill file on local disk, read and written with positional I/O. It grows on demand up to its capacity;
     * a full disk makes the tier refuse writes, never lose blocks.
     */
    VSSD,

    /**
     * Other nodes' tiers, reached over the network (far memory). Implemented outside the node engine.
     */
    REMOTE
}
