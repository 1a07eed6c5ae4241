/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out loopback endpoints from this module's test port range, 127.0.0.1:40100-40199, round robin.
 */
final class TestPorts
{
    private static final int FIRST = 40100;
    private static final int COUNT = 100;
    private static final AtomicInteger NEXT = new AtomicInteger();

    private TestPorts()
    {
    }

    static String nextEndpoint()
    {
        return "127.0.0.1:" + (FIRST + Math.floorMod(NEXT.getAndIncrement(), COUNT));
    }
}
