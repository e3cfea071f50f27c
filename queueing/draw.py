"""The quota draw's arithmetic (issue 13): a committed seed and a deterministic allocation.

When a day is released the portal publishes `commitment(seed)`; at close it reveals the seed.
The allocation is a pure function of the seed and the entries, each entry identified by a
stable key (never its arrival time), so anyone with the published seed and entry list can
recompute every result: entering in the first second or the last gives the same chance.

Pure functions only, no database: the release, entry and waitlist models build on this.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

MAX_CHOICES = 3


def new_seed() -> str:
    """32 random bytes from the operating system's generator, as hex."""
    return secrets.token_hex(32)


def commitment(seed: str) -> str:
    """What is published when the window opens: the SHA-256 of the seed."""
    return hashlib.sha256(seed.encode("ascii")).hexdigest()


def seed_matches(seed: str, published: str) -> bool:
    return hmac.compare_digest(commitment(seed), published)


def ticket(seed: str, key: str) -> str:
    """An entry's place in the draw: HMAC-SHA-256 of its key under the seed. Unknowable before
    the seed is revealed, the same for everyone who recomputes it after."""
    return hmac.new(seed.encode("ascii"), key.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Entry:
    key: str  # stable and public, e.g. the entry's number; never the arrival time
    choices: tuple[str, ...]  # session ids, most wanted first
    priority: bool = False  # eligible for the priority lane


@dataclass(frozen=True)
class Places:
    regular: int
    priority: int = 0


def draw_order(seed: str, entries: Iterable[Entry]) -> list[Entry]:
    """The entries in the order the draw serves them (key breaks the impossible tie)."""
    return sorted(entries, key=lambda entry: (ticket(seed, entry.key), entry.key))


def allocate(seed: str, entries: Sequence[Entry], places: Mapping[str, Places]) -> dict[str, str]:
    """{entry key: session} for the drawn entries; the others are not drawn.

    Priority places go first, among eligible entries in draw order (each to their best-ranked
    session with a priority place left); then every entry not yet placed, in the same order,
    gets their best-ranked session with a regular place left. Never more than the places."""
    keys = [entry.key for entry in entries]
    if len(set(keys)) != len(keys):
        raise ValueError("each entry needs its own key")
    left_priority = {session: p.priority for session, p in places.items()}
    left_regular = {session: p.regular for session, p in places.items()}
    order = draw_order(seed, entries)
    won: dict[str, str] = {}
    for entry in order:
        if entry.priority:
            session = next((s for s in entry.choices[:MAX_CHOICES] if left_priority.get(s, 0) > 0), None)
            if session is not None:
                left_priority[session] -= 1
                won[entry.key] = session
    for entry in order:
        if entry.key in won:
            continue
        session = next((s for s in entry.choices[:MAX_CHOICES] if left_regular.get(s, 0) > 0), None)
        if session is not None:
            left_regular[session] -= 1
            won[entry.key] = session
    return won
