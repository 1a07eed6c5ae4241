/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench.zipf;

/**
 * What the Zipf workload drives: fixed-size values under {@code long} keys {@code 0 .. keys-1}, stored in a tiered
 * store. One implementation per system compared; each is used by one thread and closed by the workload.
 */
public interface BlockCache extends AutoCloseable
{
    /**
     * @return a short name for the report, e.g. {@code "TierPool"}.
     */
    String name();

    /**
     * Stores a value under a key, replacing any previous one. The caller may change {@code value} once this
     * returns (implementations that keep the array must copy it).
     *
     * @param key   the key, {@code 0 .. keys-1}.
     * @param value the value, exactly the block size long.
     */
    void put(long key, byte[] value);

    /**
     * @param key     the key.
     * @param scratch an array of the block size the implementation may fill and return.
     * @return an array holding the value (either {@code scratch} or one the store owns, not to be changed), or
     * null if the store no longer has the key.
     */
    byte[] get(long key, byte[] scratch);

    /**
     * Releases the store's memory and files.
     */
    void close();
}
