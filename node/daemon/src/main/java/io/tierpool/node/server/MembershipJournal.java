/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.server;

import io.tierpool.transport.DepartedNode;
import io.tierpool.transport.MemberNode;
import io.tierpool.transport.MembershipQuery;
import io.tierpool.transport.MembershipSnapshot;
import io.tierpool.transport.codecs.MembershipAnswerKind;
import io.tierpool.transport.codecs.MembershipQueryKind;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Numbers the membership changes one node daemon tells its thin clients, so that a client's anchor can answer
 * with what changed since the client's last answer instead of every live node (protocol version 4; see
 * docs/SCALE.md, "Capacity and membership traffic").
 * <p>
 * <b>Algorithm.</b> The journal keeps, per live node, the entry it last told (id, name, endpoint, capacity, free
 * bytes) and the sequence at which that entry last changed, and a bounded list of departures with the sequence of
 * each. It learns changes by comparing: each list request hands it the live nodes as the daemon sees them now, and
 * every node that is new or differs (a published free-bytes change, a new capacity) gets the next sequence, and
 * every node it held that is no longer listed becomes a departure with the next sequence (failed or left as the
 * daemon's recent departures say; failed when they do not know it). A change that comes and goes between two
 * requests is never numbered, and no client needed it. A delta request names the node, the epoch and the sequence
 * its view is current to; when they are this journal's and the departures since that sequence are all still
 * remembered, the answer lists the entries changed after it and the departures after it ({@link
 * MembershipAnswerKind#DELTA}); otherwise it lists every live node and the recent departures ({@link
 * MembershipAnswerKind#COMPLETE}). The epoch is random, new for each journal, so a restarted daemon (a new journal)
 * never answers a delta against a sequence of its previous life.
 * <p>
 * Cost: each list request compares the live nodes once (O(live nodes), no allocation unless something changed);
 * lease-only requests ({@link #leaseOnly}) touch nothing.
 * <p>
 * Thread-safe: every method is {@code synchronized}, and none does I/O under the monitor.
 */
public final class MembershipJournal
{
    /** Default number of departures remembered for delta answers. */
    public static final int DEFAULT_MAX_DEPARTURES = 1024;

    private static final SecureRandom EPOCHS = new SecureRandom();

    private final long epoch;
    private final int maxDepartures;
    private final Map<UUID, Entry> entries = new HashMap<>();
    private final ArrayDeque<Departure> departures = new ArrayDeque<>();
    private long sequence;
    private long forgottenThrough;
    private long pass;

    /**
     * A journal with a random epoch remembering {@link #DEFAULT_MAX_DEPARTURES} departures.
     */
    public MembershipJournal()
    {
        this(EPOCHS.nextLong(), DEFAULT_MAX_DEPARTURES);
    }

    /**
     * @param epoch         this journal's epoch, told to clients with each sequence; should differ between two
     *                      lives of a daemon (the default constructor draws it at random).
     * @param maxDepartures departures remembered, 1 or more: a client whose sequence is older than the oldest
     *                      forgotten departure gets a complete answer.
     * @throws IllegalArgumentException if maxDepartures is below 1.
     */
    public MembershipJournal(final long epoch, final int maxDepartures)
    {
        if (maxDepartures < 1)
        {
            throw new IllegalArgumentException("maxDepartures must be 1 or more, was " + maxDepartures);
        }
        this.epoch = epoch;
        this.maxDepartures = maxDepartures;
    }

    /**
     * @return this journal's epoch.
     */
    public long epoch()
    {
        return epoch;
    }

    /**
     * @return the sequence of the last change numbered, 0 before any.
     */
    public synchronized long sequence()
    {
        return sequence;
    }

    /**
     * An answer that renews the lease and lists nothing.
     *
     * @param self           the answering node's id.
     * @param selfName       the answering node's name.
     * @param grantedLeaseMs the lease granted, ms, 0 or more.
     * @return the answer.
     */
    public synchronized MembershipSnapshot leaseOnly(final UUID self, final String selfName, final long grantedLeaseMs)
    {
        return MembershipSnapshot.leaseOnly(self, selfName, grantedLeaseMs, epoch, sequence);
    }

    /**
     * Number what changed since the last call, then answer a query that wants a list.
     *
     * @param self           the answering node's id.
     * @param selfName       the answering node's name.
     * @param grantedLeaseMs the lease granted, ms, 0 or more.
     * @param live           the live node daemons as the answering node sees them now, itself included.
     * @param recent         the node daemons that left lately, most recent last (what a complete answer lists).
     * @param query          what the client asked for; a lease-only query gets {@link #leaseOnly}.
     * @return a delta answer when the query's sequence can be answered from, else a complete one.
     * @throws NullPointerException if an argument is null.
     */
    public synchronized MembershipSnapshot answer(
        final UUID self,
        final String selfName,
        final long grantedLeaseMs,
        final List<MemberNode> live,
        final List<DepartedNode> recent,
        final MembershipQuery query)
    {
        Objects.requireNonNull(query, "query");
        if (MembershipQueryKind.LEASE_ONLY == query.kind())
        {
            return leaseOnly(self, selfName, grantedLeaseMs);
        }
        update(live, recent);
        if (MembershipQueryKind.DELTA == query.kind() && self.equals(query.knownNodeId()) &&
            epoch == query.knownEpoch() && query.knownSequence() <= sequence &&
            query.knownSequence() >= forgottenThrough)
        {
            final long since = query.knownSequence();
            final List<MemberNode> changed = new ArrayList<>();
            for (final Entry entry : entries.values())
            {
                if (entry.sequence > since)
                {
                    changed.add(entry.member);
                }
            }
            final List<DepartedNode> gone = new ArrayList<>();
            for (final Departure departure : departures)
            {
                if (departure.sequence > since)
                {
                    gone.add(departure.node);
                }
            }
            return new MembershipSnapshot(
                self, selfName, grantedLeaseMs, changed, gone, MembershipAnswerKind.DELTA, epoch, sequence);
        }
        return new MembershipSnapshot(
            self, selfName, grantedLeaseMs, live, recent, MembershipAnswerKind.COMPLETE, epoch, sequence);
    }

    private void update(final List<MemberNode> live, final List<DepartedNode> recent)
    {
        final long mark = ++pass;
        for (final MemberNode member : live)
        {
            final UUID nodeId = member.node().nodeId();
            final Entry entry = entries.get(nodeId);
            if (null == entry)
            {
                departures.removeIf((departure) -> departure.node.nodeId().equals(nodeId));
                entries.put(nodeId, new Entry(member, ++sequence, mark));
            }
            else
            {
                if (!entry.member.equals(member))
                {
                    entry.member = member;
                    entry.sequence = ++sequence;
                }
                entry.mark = mark;
            }
        }
        for (final Iterator<Entry> it = entries.values().iterator(); it.hasNext(); )
        {
            final Entry entry = it.next();
            if (entry.mark != mark)
            {
                it.remove();
                departures.addLast(new Departure(
                    new DepartedNode(entry.member.node().nodeId(), failed(recent, entry.member.node().nodeId())),
                    ++sequence));
                while (departures.size() > maxDepartures)
                {
                    forgottenThrough = departures.removeFirst().sequence;
                }
            }
        }
    }

    private static boolean failed(final List<DepartedNode> recent, final UUID nodeId)
    {
        for (int i = recent.size() - 1; i >= 0; i--)
        {
            if (recent.get(i).nodeId().equals(nodeId))
            {
                return recent.get(i).failed();
            }
        }
        return true;
    }

    private static final class Entry
    {
        MemberNode member;
        long sequence;
        long mark;

        Entry(final MemberNode member, final long sequence, final long mark)
        {
            this.member = member;
            this.sequence = sequence;
            this.mark = mark;
        }
    }

    private record Departure(DepartedNode node, long sequence)
    {
    }
}
