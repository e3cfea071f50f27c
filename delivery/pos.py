"""The adapter to PT Pos Indonesia: quote a fee, hand over a parcel, read its tracking.

`gateway()` returns the simulator in development and tests (POS_API_URL unset), or an
HTTP client for a real endpoint. Both speak the same small JSON protocol, and PT Pos
reports progress back through signed callbacks (API.md).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import DomainError


class PosGateway(Protocol):
    def quote(self, *, province: str, postal_code: str) -> int: ...

    def create_shipment(self, *, reference: str, recipient: dict) -> str: ...

    def track(self, tracking_number: str) -> list[dict]: ...


class SimulatorGateway:
    """In-process calls into the simulator: no network needed on a developer's machine."""

    def quote(self, *, province: str, postal_code: str) -> int:
        from delivery import simulator

        return simulator.tariff(province)

    def create_shipment(self, *, reference: str, recipient: dict) -> str:
        from delivery import simulator

        return simulator.accept_parcel(reference=reference, recipient=recipient)

    def track(self, tracking_number: str) -> list[dict]:
        from delivery import simulator

        return simulator.parcel_events(tracking_number)


class HttpGateway:
    """PT Pos over HTTP (the same protocol the simulator serves at /dev/pos/api/)."""

    def __init__(self, base_url: str, api_key: str, timeout: float = 10):
        self.base_url, self.api_key, self.timeout = base_url.rstrip("/"), api_key, timeout

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - the configured URL
            self.base_url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json", "X-Api-Key": self.api_key},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read() or b"{}")
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise DomainError(
                "pos_unavailable",
                _("PT Pos cannot be reached right now. Please try again later."),
                status=503,
                retry_after=30,
            ) from exc

    def quote(self, *, province: str, postal_code: str) -> int:
        query = urllib.parse.urlencode({"province": province, "postal_code": postal_code})
        return int(self._call("GET", f"/quote?{query}")["fee"])

    def create_shipment(self, *, reference: str, recipient: dict) -> str:
        return self._call("POST", "/shipments", {"reference": reference, "recipient": recipient})["tracking_number"]

    def track(self, tracking_number: str) -> list[dict]:
        return self._call("GET", f"/shipments/{urllib.parse.quote(tracking_number)}/events")["events"]


def gateway() -> PosGateway:
    if settings.POS_API_URL:
        return HttpGateway(settings.POS_API_URL, settings.POS_API_KEY)
    return SimulatorGateway()
