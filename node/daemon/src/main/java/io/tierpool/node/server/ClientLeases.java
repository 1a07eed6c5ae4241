/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.server;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The leases a node daemon keeps for the clients that place blocks on it: while a client is heard from at least
 * once per lease, its blocks stay; when its lease lapses (the client was killed, hung, or cut off), the node
 * reclaims them. Every request from a client renews its lease; a thin client with nothing else to send renews it
 * with a membership request, its heartbeat. A lease begins with the client's first put, or with a membership
 * request that asks for one; a client that only observes (such as {@code tierpool top}) holds none.
 * <p>
 * The idea is the lease of Gray and Cheriton (1989), as used for client sessions by Chubby and ZooKeeper: the
 * holder renews well within the term, and the grantor may act once the term has passed without a renewal.
 * <p>
 * Thread-safe: one small lock guards the map for a few instructions; {@link #lapsed(long, LongArrayList)} hands
 * the lapsed clients back so that the caller frees their blocks with no lock of this class held. Times are
 * {@link System#nanoTime()} values.
 */
public final class ClientLeases
{
    /** Lease given to a client that never asked for one (its first request was a put), ms. */
    public static final long DEFAULT_LEASE_MS = 10_000;

    /** Shortest lease granted, ms: shorter asks are raised to it, so that a heartbeat delayed by a GC pause or a
     * busy node does not cost a client its blocks. */
    public static final long MIN_LEASE_MS = 1_000;

    /** Longest lease granted, ms: longer asks are lowered to it, so that a dead client's blocks do come back. */
    public static final long MAX_LEASE_MS = 600_000;

    private final Long2ObjectHashMap<Lease> leases = new Long2ObjectHashMap<>();
    private final AtomicLong lapsedCount = new AtomicLong();

    /**
     * Grant or renew a client's lease, as a membership request asks.
     *
     * @param clientId       the client.
     * @param requestedMs    the lease asked for, ms; 0 for an observer, which gets none (an existing lease is only
     *                       renewed).
     * @param nowNs          now, {@link System#nanoTime()}.
     * @return the lease granted, ms: {@code requestedMs} within [{@link #MIN_LEASE_MS}, {@link #MAX_LEASE_MS}], or the
     * existing lease for an observer that holds one, or 0.
     */
    public long grant(final long clientId, final long requestedMs, final long nowNs)
    {
        synchronized (leases)
        {
            Lease lease = leases.get(clientId);
            if (requestedMs <= 0)
            {
                if (null == lease)
                {
                    return 0;
                }
            }
            else
            {
                if (null == lease)
                {
                    lease = new Lease();
                    leases.put(clientId, lease);
                }
                lease.leaseMs = Math.max(MIN_LEASE_MS, Math.min(MAX_LEASE_MS, requestedMs));
            }
            lease.expiresAtNs = nowNs + lease.leaseMs * 1_000_000L;
            return lease.leaseMs;
        }
    }

    /**
     * Renew a client's lease because it was heard from; begin one with {@link #DEFAULT_LEASE_MS} when it has none
     * and {@code begin} is true (it is placing a block).
     *
     * @param clientId the client.
     * @param begin    whether to begin a lease for a client that holds none.
     * @param nowNs    now, {@link System#nanoTime()}.
     */
    public void renew(final long clientId, final boolean begin, final long nowNs)
    {
        synchronized (leases)
        {
            Lease lease = leases.get(clientId);
            if (null == lease)
            {
                if (!begin)
                {
                    return;
                }
                lease = new Lease();
                lease.leaseMs = DEFAULT_LEASE_MS;
                leases.put(clientId, lease);
            }
            lease.expiresAtNs = nowNs + lease.leaseMs * 1_000_000L;
        }
    }

    /**
     * End a client's lease (it left, or its blocks were reclaimed another way).
     *
     * @param clientId the client.
     * @return whether it held one.
     */
    public boolean end(final long clientId)
    {
        synchronized (leases)
        {
            return null != leases.remove(clientId);
        }
    }

    /**
     * Remove the leases that have lapsed by {@code nowNs}.
     *
     * @param nowNs   now, {@link System#nanoTime()}.
     * @param clients where the lapsed clients' ids are added; cleared first.
     * @return how many lapsed.
     */
    public int lapsed(final long nowNs, final LongArrayList clients)
    {
        clients.clear();
        synchronized (leases)
        {
            final Long2ObjectHashMap<Lease>.EntryIterator it = leases.entrySet().iterator();
            while (it.hasNext())
            {
                it.next();
                if (nowNs - it.getValue().expiresAtNs >= 0)
                {
                    clients.addLong(it.getLongKey());
                    it.remove();
                }
            }
        }
        lapsedCount.addAndGet(clients.size());
        return clients.size();
    }

    /**
     * @param clientId a client.
     * @return the lease it holds, ms, or 0 for none.
     */
    public long leaseMs(final long clientId)
    {
        synchronized (leases)
        {
            final Lease lease = leases.get(clientId);
            return null == lease ? 0 : lease.leaseMs;
        }
    }

    /**
     * @return how many clients hold a lease now.
     */
    public int size()
    {
        synchronized (leases)
        {
            return leases.size();
        }
    }

    /**
     * @return how many leases have lapsed since this object was made.
     */
    public long lapsedCount()
    {
        return lapsedCount.get();
    }

    private static final class Lease
    {
        long leaseMs;
        long expiresAtNs;
    }
}
