"""State machines: one declared table of moves per kind of thing, one function that makes them.

An application, a booking, a bill and a shipment each have a `Machine`. Nobody assigns a
status by hand: a service asks its machine to `move` the (locked) row, which checks that the
move is legal from the current status, saves the new status with any other fields the move
sets, and writes the audit row. Templates and API answers ask `allowed` which moves are
possible now, so no face keeps its own copy of a guard.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from core.audit import log_action
from core.errors import DomainError


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str
    who: frozenset[str] = frozenset()  # for machines that authorise (the application's)
    needs_reason: bool = False


def move(sources: Iterable[str], target: str, *who: str, needs_reason: bool = False) -> Move:
    return Move(frozenset(sources), target, frozenset(who), needs_reason)


class Machine:
    """The moves of one model's `status`.

    `name` prefixes the audit actions of machines whose moves are steps of an application's
    timeline by another name (a booking's `confirm` is audited as `booking_confirm`);
    `authorise(move, obj, actor)` refuses a move to the wrong person, for machines whose
    moves people make directly; `timeline(obj)` is the id of the application whose
    timeline the audit row joins.
    """

    def __init__(
        self,
        name: str,
        moves: dict[str, Move],
        *,
        audit_prefix: str = "",
        public: bool = False,
        authorise: Callable[[Move, object, object], bool] | None = None,
        timeline: Callable[[object], object] = lambda obj: obj.application_id,
    ) -> None:
        self.name = name
        self.timeline = timeline
        self.moves = moves
        self.audit_prefix = audit_prefix
        self.public = public
        self.authorise = authorise

    def allowed(self, obj, actor=None) -> list[str]:
        """The moves that can be made on `obj` now (by `actor`, where the machine authorises)."""
        return [
            name
            for name, m in self.moves.items()
            if obj.status in m.sources and (self.authorise is None or self.authorise(m, obj, actor))
        ]

    def can(self, obj, name: str) -> bool:
        return obj.status in self.moves[name].sources

    def check(self, obj, name: str, actor=None) -> Move:
        """Raise the DomainError that `move` would, without changing anything."""
        m = self.moves[name]
        if self.authorise is not None and not self.authorise(m, obj, actor):
            raise DomainError("permission_denied", _("You may not do this."), status=403)
        if obj.status not in m.sources:
            raise DomainError(
                "illegal_transition",
                _("This cannot be done while the %(thing)s is %(status)s.")
                % {"thing": obj._meta.verbose_name, "status": obj.get_status_display()},
                status=409,
            )
        return m

    def move(
        self,
        obj,
        name: str,
        actor=None,
        *,
        reason: str = "",
        data: dict | None = None,
        public: bool | None = None,
        also: dict | None = None,
    ):
        """Make the move on a row the caller has locked, in the caller's transaction."""
        if not connection.in_atomic_block:
            raise RuntimeError(f"{self.name}.{name} must run inside a transaction, on a locked row")
        m = self.check(obj, name, actor)
        reason = " ".join((reason or "").split())
        if m.needs_reason and not reason:
            message = _("Please give a reason.")
            raise DomainError("reason_required", message, fields={"reason": [message]})
        before = obj.status
        obj.status = m.target
        fields = ["status", *(also or {})]
        for field, value in (also or {}).items():
            setattr(obj, field, value)
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            fields.append("updated_at")
        obj.save(update_fields=fields)
        entry = log_action(
            self.timeline(obj),
            actor,
            f"{self.audit_prefix}{name}",
            from_status=before,
            to_status=m.target,
            reason=reason,
            data=data,
            public=self.public if public is None else public,
        )
        obj._last_audit_entry = entry
        return obj
