/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.server;

import io.tierpool.client.NodeView;
import io.tierpool.transport.DepartedNode;
import io.tierpool.transport.MemberNode;
import io.tierpool.transport.MembershipQuery;
import io.tierpool.transport.MembershipSnapshot;
import io.tierpool.transport.codecs.MembershipAnswerKind;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The membership journal numbers joins, departures and free-bytes changes, answers a delta with exactly the
 * entries changed and the nodes gone since the asked sequence, and answers in full whenever it cannot (another
 * node, another epoch, a sequence ahead of it, departures it has forgotten).
 */
class MembershipJournalTest
{
    private static final UUID SELF = new UUID(1, 1);
    private static final UUID B = new UUID(2, 2);
    private static final UUID C = new UUID(3, 3);

    @Test
    void shouldAnswerOnlyWhatChangedSinceTheAskedSequence()
    {
        final MembershipJournal journal = new MembershipJournal(42, 16);
        final MembershipSnapshot first = full(journal, List.of(member(SELF, 100), member(B, 200)), List.of());
        assertEquals(MembershipAnswerKind.COMPLETE, first.kind());
        assertEquals(42, first.epoch());
        assertEquals(2, first.sequence());

        final MembershipSnapshot unchanged = delta(journal, first.sequence(),
            List.of(member(SELF, 100), member(B, 200)), List.of());
        assertEquals(MembershipAnswerKind.DELTA, unchanged.kind());
        assertTrue(unchanged.nodes().isEmpty() && unchanged.departed().isEmpty());
        assertEquals(first.sequence(), unchanged.sequence(), "nothing changed, nothing numbered");

        final MembershipSnapshot joinAndFree = delta(journal, first.sequence(),
            List.of(member(SELF, 100), member(B, 150), member(C, 300)), List.of());
        assertEquals(Set.of(member(B, 150), member(C, 300)), new HashSet<>(joinAndFree.nodes()));
        assertTrue(joinAndFree.departed().isEmpty());

        final MembershipSnapshot leave = delta(journal, joinAndFree.sequence(),
            List.of(member(SELF, 100), member(C, 300)), List.of(new DepartedNode(B, false)));
        assertTrue(leave.nodes().isEmpty());
        assertEquals(List.of(new DepartedNode(B, false)), leave.departed());

        final MembershipSnapshot failNoRecord = delta(journal, leave.sequence(), List.of(member(SELF, 100)), List.of());
        assertEquals(List.of(new DepartedNode(C, true)), failNoRecord.departed(), "failed when not known how it went");

        final MembershipSnapshot fromStart = delta(journal, first.sequence(), List.of(member(SELF, 100)), List.of());
        assertTrue(fromStart.nodes().isEmpty(), "C joined and left since: only its departure");
        assertEquals(List.of(new DepartedNode(B, false), new DepartedNode(C, true)), fromStart.departed());
    }

    @Test
    void shouldAnswerInFullWhenItCannotAnswerTheDelta()
    {
        final MembershipJournal journal = new MembershipJournal(7, 2);
        final List<MemberNode> live = List.of(member(SELF, 1), member(B, 2));
        final MembershipSnapshot first = full(journal, live, List.of());

        assertEquals(MembershipAnswerKind.COMPLETE, journal.answer(SELF, "self", 1_000, live, List.of(),
            MembershipQuery.delta(B, 7, first.sequence())).kind(), "another node's sequence");
        assertEquals(MembershipAnswerKind.COMPLETE, journal.answer(SELF, "self", 1_000, live, List.of(),
            MembershipQuery.delta(SELF, 8, first.sequence())).kind(), "another epoch: a restarted node");
        assertEquals(MembershipAnswerKind.COMPLETE, journal.answer(SELF, "self", 1_000, live, List.of(),
            MembershipQuery.delta(SELF, 7, first.sequence() + 1)).kind(), "a sequence ahead of the journal");

        final UUID d = new UUID(4, 4);
        final UUID e = new UUID(5, 5);
        full(journal, List.of(member(SELF, 1), member(B, 2), member(C, 3), member(d, 4), member(e, 5)), List.of());
        final MembershipSnapshot threeGone = full(journal, List.of(member(SELF, 1), member(B, 2)), List.of());
        assertEquals(MembershipAnswerKind.COMPLETE, journal.answer(SELF, "self", 1_000, List.of(member(SELF, 1),
            member(B, 2)), List.of(), MembershipQuery.delta(SELF, 7, first.sequence())).kind(),
            "one of three departures forgotten (two remembered)");
        assertEquals(MembershipAnswerKind.DELTA, journal.answer(SELF, "self", 1_000, List.of(member(SELF, 1),
            member(B, 2)), List.of(), MembershipQuery.delta(SELF, 7, threeGone.sequence() - 2)).kind(),
            "the two departures still remembered");
        final MembershipSnapshot complete = journal.answer(SELF, "self", 1_000, List.of(member(SELF, 1), member(B, 2)),
            List.of(new DepartedNode(C, true)), MembershipQuery.FULL);
        assertEquals(List.of(member(SELF, 1), member(B, 2)), complete.nodes());
        assertEquals(List.of(new DepartedNode(C, true)), complete.departed(), "a complete answer: recent departures");
        assertEquals(threeGone.sequence(), complete.sequence());
    }

    @Test
    void shouldRenewWithoutListingOrNumbering()
    {
        final MembershipJournal journal = new MembershipJournal(3, 4);
        full(journal, List.of(member(SELF, 1)), List.of());
        final MembershipSnapshot lease = journal.answer(SELF, "self", 5_000, List.of(member(SELF, 9), member(B, 2)),
            List.of(), MembershipQuery.LEASE_ONLY);
        assertEquals(MembershipAnswerKind.LEASE_ONLY, lease.kind());
        assertEquals(5_000, lease.grantedLeaseMs());
        assertTrue(lease.nodes().isEmpty() && lease.departed().isEmpty());
        assertEquals(1, journal.sequence(), "a lease-only answer numbers nothing");
        assertThrows(IllegalArgumentException.class, () -> new MembershipJournal(1, 0));
    }

    private static MembershipSnapshot full(
        final MembershipJournal journal, final List<MemberNode> live, final List<DepartedNode> recent)
    {
        return journal.answer(SELF, "self", 1_000, live, recent, MembershipQuery.FULL);
    }

    private static MembershipSnapshot delta(
        final MembershipJournal journal, final long since, final List<MemberNode> live, final List<DepartedNode> recent)
    {
        final MembershipSnapshot answer =
            journal.answer(SELF, "self", 1_000, live, recent, MembershipQuery.delta(SELF, journal.epoch(), since));
        assertEquals(MembershipAnswerKind.DELTA, answer.kind());
        return answer;
    }

    private static MemberNode member(final UUID id, final long freeBytes)
    {
        return new MemberNode(new NodeView(id, "n" + id.getLeastSignificantBits(), "127.0.0.1:" +
            (40000 + id.getLeastSignificantBits()), 1L << 30), freeBytes);
    }
}
