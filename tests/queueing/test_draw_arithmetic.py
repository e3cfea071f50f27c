"""The draw's arithmetic: committed, recomputable, blind to arrival order, never over capacity,
and fair: in many draws every entry's chance is the same."""

import random
from collections import Counter

import pytest

from queueing.draw import Entry, Places, allocate, commitment, new_seed, seed_matches, ticket

PLACES = {"s1": Places(regular=3, priority=1), "s2": Places(regular=2), "s3": Places(regular=1)}


def _entries(count, rng):
    sessions = list(PLACES)
    return [
        Entry(key=f"E{n:05d}", choices=tuple(rng.sample(sessions, k=rng.randint(1, 3))), priority=n % 7 == 0)
        for n in range(count)
    ]


def test_the_seed_is_bound_by_its_commitment():
    seed = new_seed()
    assert len(seed) == 64 and seed != new_seed()
    published = commitment(seed)
    assert seed_matches(seed, published)
    assert not seed_matches(new_seed(), published)


def test_anyone_recomputes_the_same_result_whatever_order_the_entries_arrived_in():
    rng = random.Random(7)
    entries = _entries(40, rng)
    seed = new_seed()
    first = allocate(seed, entries, PLACES)
    shuffled = entries[:]
    rng.shuffle(shuffled)
    assert allocate(seed, shuffled, PLACES) == first
    assert allocate(new_seed(), entries, PLACES) != first  # the seed, not the arrival, decides


def test_never_more_than_the_places_and_only_sessions_an_entry_ranked():
    rng = random.Random(11)
    for _ in range(50):
        entries = _entries(rng.randint(0, 30), rng)
        won = allocate(new_seed(), entries, PLACES)
        by_key = {e.key: e for e in entries}
        counts = Counter(won.values())
        for session, places in PLACES.items():
            assert counts[session] <= places.regular + places.priority
        assert all(session in by_key[key].choices for key, session in won.items())
        priority_seats = sum(1 for key, s in won.items() if not by_key[key].priority and s == "s1")
        assert priority_seats <= PLACES["s1"].regular  # the priority place only for the eligible


def test_with_fewer_entries_than_places_everyone_is_drawn():
    entries = [Entry(key=f"E{n}", choices=("s1", "s2", "s3")) for n in range(6)]
    assert len(allocate(new_seed(), entries, PLACES)) == 6


def test_a_duplicate_key_is_refused():
    with pytest.raises(ValueError):
        allocate(new_seed(), [Entry("A", ("s1",)), Entry("A", ("s2",))], PLACES)


def test_every_entry_has_the_same_chance_whatever_its_key_or_arrival():
    # 100 entries for 6 places of one session, 3,000 draws: each entry is expected to win 180
    # times. A chi-square test over the 100 counts (99 degrees of freedom, 0.1% critical
    # value 148.2) fails if some entries are favoured, e.g. the early ones.
    entries = [Entry(key=f"E{n:03d}", choices=("s1",)) for n in range(100)]
    places = {"s1": Places(regular=6)}
    wins = Counter()
    seeds = random.Random(2026)  # fixed seeds: the same 3,000 draws every run, never flaky
    for _ in range(3000):
        wins.update(allocate(seeds.randbytes(32).hex(), entries, places).keys())
    expected = 3000 * 6 / 100
    chi_square = sum((wins[e.key] - expected) ** 2 / expected for e in entries)
    assert chi_square < 148.2
    early, late = sum(wins[e.key] for e in entries[:10]), sum(wins[e.key] for e in entries[-10:])
    assert abs(early - late) < 0.25 * 10 * expected


def test_the_ticket_is_the_published_formula():
    import hashlib
    import hmac

    assert ticket("ab" * 32, "E1") == hmac.new(("ab" * 32).encode(), b"E1", hashlib.sha256).hexdigest()
