"""A stand-in for PT Pos: accepts parcels, moves them along, and reports each step to the
portal with the same signed HTTP callback PT Pos sends (API.md). Development and tests only.
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.signing import signed_headers
from delivery.models import PROGRESS, SimulatedParcel

# PT Pos sets its own fees; this table only imitates that they depend on the destination.
ZONE_FEES = {"java_bali": 25_000, "sumatra_kalimantan_sulawesi": 40_000, "eastern": 60_000}
EASTERN = ("maluku", "papua", "nusa tenggara")
JAVA_BALI = ("jakarta", "jawa", "banten", "yogyakarta", "bali")


def tariff(province: str) -> int:
    name = (province or "").lower()
    if any(word in name for word in JAVA_BALI):
        return ZONE_FEES["java_bali"]
    if any(word in name for word in EASTERN):
        return ZONE_FEES["eastern"]
    return ZONE_FEES["sumatra_kalimantan_sulawesi"]


def accept_parcel(*, reference: str, recipient: dict) -> str:
    """A new parcel, or the one already accepted under this reference (a repeated registration)."""
    known = SimulatedParcel.objects.filter(recipient__reference=reference).first()
    if known is not None:
        return known.tracking_number
    tracking = f"P{timezone.now():%y%m%d}{secrets.randbelow(10**8):08d}"
    event = {"status": "posted", "location": "Loket Kantor Pos", "occurred_at": timezone.now().isoformat()}
    SimulatedParcel.objects.create(
        tracking_number=tracking, recipient={**recipient, "reference": reference}, events=[event]
    )
    return tracking


def parcel_events(tracking_number: str) -> list[dict]:
    parcel = SimulatedParcel.objects.filter(tracking_number=tracking_number).first()
    return list(parcel.events) if parcel else []


def next_status(tracking_number: str) -> str | None:
    events = parcel_events(tracking_number)
    last = events[-1]["status"] if events else None
    if last in ("delivered", "failed"):
        return None
    index = PROGRESS.index(last) + 1 if last else 0
    return PROGRESS[index] if PROGRESS[index] != "failed" else None


def advance(tracking_number: str, *, status: str | None = None, location: str = "", send_to: str | None = None) -> dict:
    """Record the parcel's next step (or `status`) and send the signed callback to the portal."""
    with transaction.atomic():
        parcel = SimulatedParcel.objects.select_for_update().get(tracking_number=tracking_number)
        status = status or next_status(tracking_number) or parcel.events[-1]["status"]
        event = {
            "status": status,
            "location": location or "Kantor Pos " + parcel.recipient.get("city", ""),
            "occurred_at": timezone.now().isoformat(),
        }
        parcel.events = [*parcel.events, event]
        parcel.save(update_fields=["events"])
    if send_to is not None:
        send_callback({"tracking_number": tracking_number, **event}, base_url=send_to)
    return event


def send_callback(body: dict, *, base_url: str, secret: str | None = None) -> tuple[int, dict]:
    raw = json.dumps(body).encode()
    url = base_url.rstrip("/") + reverse("api_pos_notification")
    headers = {"Content-Type": "application/json", **signed_headers(secret or settings.POS_WEBHOOK_SECRET, raw)}
    request = urllib.request.Request(url, data=raw, headers=headers, method="POST")  # noqa: S310 - our own URL
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
