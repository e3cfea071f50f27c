"""Reads of offices, sessions and places left."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from queueing import hints, releases
from queueing.models import ACTIVE, Booking, Closure, Lane, Office, SessionSlot, holds_place_q


def bookable_window(office: Office, now: datetime | None = None) -> tuple[date, date]:
    """First and last local dates a person may book now.

    Tomorrow is the earliest day. The day `booking_horizon_days` ahead opens at the
    office's quota release time; until then the last open day is the one before.
    """
    local = (now or timezone.now()).astimezone(office.zone)
    last = local.date() + timedelta(days=office.booking_horizon_days)
    if local.time() < office.quota_release_time:
        last -= timedelta(days=1)
    return local.date() + timedelta(days=1), last


def taken_places(slot_ids, now: datetime | None = None) -> dict[tuple[int, str], int]:
    """Places held or used per (slot, lane), counted from the bookings themselves."""
    rows = (
        Booking.objects.filter(slot_id__in=slot_ids)
        .filter(holds_place_q(now))
        .values("slot_id", "lane")
        .annotate(n=Count("id"))
    )
    return {(row["slot_id"], row["lane"]): row["n"] for row in rows}


def closures(office: Office, start: date, end: date) -> dict[date, str]:
    rows = Closure.objects.filter(Q(office=office) | Q(office__isnull=True), date__gte=start, date__lte=end)
    return {row.date: row.reason for row in rows}


def _compute_days(office: Office) -> list[tuple[str, str]]:
    """Every date of the bookable window as (iso date, JSON fragment)."""
    first, last = bookable_window(office)
    slots = list(
        SessionSlot.objects.filter(office=office, date__gte=first, date__lte=last).order_by("date", "start_time")
    )
    taken = taken_places([slot.pk for slot in slots])
    closed = closures(office, first, last)
    opening = releases.openings(office, sorted({slot.date for slot in slots}))
    by_day: dict[date, list[SessionSlot]] = {}
    for slot in slots:
        by_day.setdefault(slot.date, []).append(slot)
    days = []
    day = first
    while day <= last:
        sessions = []
        for slot in by_day.get(day, []):
            if not slot.is_open:
                continue
            regular = max(slot.capacity - taken.get((slot.pk, Lane.REGULAR), 0), 0)
            priority = max(slot.priority_capacity - taken.get((slot.pk, Lane.PRIORITY), 0), 0)
            sessions.append(
                {
                    "id": slot.pk,
                    "start": slot.starts_at.astimezone(office.zone).isoformat(),
                    "end": slot.ends_at.astimezone(office.zone).isoformat(),
                    "capacity": slot.capacity,
                    "remaining": regular,
                    "priority_capacity": slot.priority_capacity,
                    "priority_remaining": priority,
                }
            )
        reason = closed.get(day, "")
        closes = opening.get(day, (releases.RACE, None))[1]
        entry = {
            "date": day.isoformat(),
            "open": bool(sessions) and not reason,
            "closed_reason": reason,
            # book | draw (enter the draw) | drawing | waitlist | upcoming: see queueing.releases
            "opening": opening.get(day, (releases.RACE, None))[0],
            "sessions": sessions if not reason else [],
        }
        if closes is not None:  # a day in its draw: when the entry window closes, office time
            entry["closes_at"] = closes.astimezone(office.zone).isoformat()
        days.append((day.isoformat(), json.dumps(entry, separators=(",", ":"))))
        day += timedelta(days=1)
    return days


def availability_days(office: Office) -> list[tuple[str, str]]:
    """The window of an office, kept a few seconds by the hint store; rebuilt after a change."""
    return hints.availability_days(office.code, lambda: _compute_days(office))


def availability_json(office: Office, start: date | None, end: date | None) -> str:
    """The availability document for the API, assembled from cached per-date fragments."""
    days = availability_days(office)
    lo, hi = (start.isoformat() if start else ""), (end.isoformat() if end else "9999")
    fragments = [fragment for iso, fragment in days if lo <= iso <= hi]
    head = json.dumps(
        {"code": office.code, "name": office.name, "timezone": office.timezone, "zone": office.zone_abbreviation},
        separators=(",", ":"),
    )
    window = (days[0][0], days[-1][0]) if days else ("", "")
    body = (
        f'{{"office":{head},"bookable_from":"{window[0]}","bookable_to":"{window[1]}","dates":[{",".join(fragments)}]}}'
    )
    return body


def availability(office: Office, start: date | None = None, end: date | None = None) -> list[dict]:
    return json.loads(availability_json(office, start, end))["dates"]


def offices_for(passport_type: str = "") -> list[Office]:
    offices = Office.objects.filter(is_active=True)
    if passport_type == "electronic":
        offices = offices.filter(issues_electronic=True)
    return list(offices.order_by("name"))


def _distance_km(a: Office, b: Office) -> float:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return math.inf
    lat1, lon1, lat2, lon2 = map(math.radians, map(float, (a.latitude, a.longitude, b.latitude, b.longitude)))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


def office_suggestion(province: str, passport_type: str = "", limit: int = 3) -> dict:
    """Which office to show first to an applicant from `province`, and why.

    An office in their own province that issues the product is shown as is. When none does
    (Jayapura issues no e-passports), the nearest office that does is shown, *saying so*, with
    the other nearest ones: never a silent jump to another island. With no office in the
    province to measure from, nothing is preselected."""
    serving = offices_for(passport_type)
    wanted = (province or "").strip().lower()
    at_home = [o for o in serving if wanted and o.province.lower() == wanted]
    if at_home:
        return {"office": at_home[0], "elsewhere": False, "nearby": []}
    home = Office.objects.filter(is_active=True, province__iexact=wanted).first() if wanted else None
    if home is None or home.latitude is None:
        return {"office": None, "elsewhere": False, "nearby": []}
    ranked = sorted(serving, key=lambda o: _distance_km(home, o))[:limit]
    nearby = [{"office": o, "distance_km": round(_distance_km(home, o))} for o in ranked]
    return {"office": ranked[0] if ranked else None, "elsewhere": bool(ranked), "home": home, "nearby": nearby}


def nearest_with_places(office: Office, passport_type: str = "", limit: int = 3) -> list[dict]:
    """Other offices, nearest first, that still have a free session, with their first one."""
    found = []
    others = sorted((o for o in offices_for(passport_type) if o.pk != office.pk), key=lambda o: _distance_km(office, o))
    for other in others:
        for day in availability(other):
            free = [s for s in day["sessions"] if s["remaining"] > 0 and day["opening"] == releases.RACE]
            if free:
                distance = _distance_km(office, other)
                found.append(
                    {
                        "office": other,
                        "date": day["date"],
                        "session": free[0],
                        "distance_km": None if math.isinf(distance) else round(distance),
                    }
                )
                break
        if len(found) >= limit:
            break
    return found


def active_booking(application) -> Booking | None:
    return application.bookings.select_related("slot__office").filter(status__in=ACTIVE).first()


def alternatives_for(application, slot: SessionSlot, limit: int = 5) -> list[dict]:
    """Free sessions to offer instead of `slot`: the same office first, then the nearest others."""
    found = []
    for day in availability(slot.office):
        if day["opening"] != releases.RACE:
            continue  # a day under its draw or waitlist is not free to take
        for session in day["sessions"]:
            if session["remaining"] > 0 and session["id"] != slot.pk:
                found.append({"office": slot.office.code, "office_name": slot.office.name, **session})
    found = found[:limit]
    for other in nearest_with_places(slot.office, application.passport_type, limit=3):
        found.append({"office": other["office"].code, "office_name": other["office"].name, **other["session"]})
    return found
