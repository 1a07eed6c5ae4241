/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Raw addresses to JCuda pointers and back, which every buffer, the pool and the DEVICE tier rely on. Needs no
 * GPU: JCuda's {@code Pointer} holds the address in plain Java fields.
 */
class CudaAddressTest
{
    @Test
    void shouldTurnAnAddressIntoAPointerAndBack()
    {
        assertEquals(0x7f12_3456_7800L, Cuda.address(Cuda.pointer(0x7f12_3456_7800L)));
        assertEquals(0L, Cuda.address(Cuda.pointer(0L)));
    }

    @Test
    void shouldAddAPointersByteOffset()
    {
        assertEquals(0x1000L + 96, Cuda.address(Cuda.pointer(0x1000L).withByteOffset(96)));
        assertEquals(0x1000L + 96 + 4, Cuda.address(Cuda.pointer(0x1000L).withByteOffset(96).withByteOffset(4)));
    }
}
