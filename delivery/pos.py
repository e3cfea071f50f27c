"""The adapter to PT Pos Indonesia: quote a fee, hand over a parcel, read its tracking.

`gateway()` returns the simulator in development and tests (POS_API_URL unset), or an
HTTP client for a real endpoint. Both speak the same small JSON protocol, and PT Pos
reports progress back through signed callbacks (API.md).
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import DomainError

logger = logging.getLogger(__name__)


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


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect from PT Pos is an error, never a new address to send our key to."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, "redirect refused", headers, fp)


_OPENER = urllib.request.build_opener(_NoRedirects)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_ANSWER_BYTES = 64 * 1024


class _BadAnswer(Exception):
    pass


class HttpGateway:
    """PT Pos over HTTP (the same protocol the simulator serves at /dev/pos/api/): https only
    (plain http to loopback, for the simulator), no redirects, answers of at most 64 KiB, and
    every failure, from a refused connection to a malformed answer, is `pos_unavailable`."""

    def __init__(self, base_url: str, api_key: str, timeout: float = 10):
        self.base_url, self.api_key, self.timeout = base_url.rstrip("/"), api_key, timeout

    def _address_allowed(self) -> bool:
        try:
            parts = urllib.parse.urlsplit(self.base_url)
            scheme, host = parts.scheme, parts.hostname
        except ValueError:
            return False
        return bool(host) and (scheme == "https" or (scheme == "http" and host in LOOPBACK_HOSTS))

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        try:
            if not self._address_allowed():
                raise _BadAnswer(f"POS_API_URL must be https (http only to loopback): {self.base_url[:80]!r}")
            data = json.dumps(body).encode() if body is not None else None
            request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
                self.base_url + path,
                data=data,
                method=method,
                headers={"Content-Type": "application/json", "Accept": "application/json", "X-Api-Key": self.api_key},
            )
            with _OPENER.open(request, timeout=self.timeout) as response:
                raw = response.read(MAX_ANSWER_BYTES + 1)
            if len(raw) > MAX_ANSWER_BYTES:
                raise _BadAnswer(f"answer larger than {MAX_ANSWER_BYTES} bytes")
            answer = json.loads(raw or b"{}")
            if not isinstance(answer, dict):
                raise _BadAnswer("answer is not a JSON object")
            return answer
        except (_BadAnswer, OSError, http.client.HTTPException, ValueError) as exc:
            # OSError covers URLError, HTTPError, timeouts and dropped connections.
            logger.warning("PT Pos call %s %s failed: %s", method, path.split("?")[0], exc)
            raise _unavailable() from exc

    def quote(self, *, province: str, postal_code: str) -> int:
        query = urllib.parse.urlencode({"province": province, "postal_code": postal_code})
        fee = self._call("GET", f"/quote?{query}").get("fee")
        if isinstance(fee, bool) or not isinstance(fee, int) or not 0 <= fee <= 10_000_000:
            logger.warning("PT Pos quote has no valid fee: %r", fee)
            raise _unavailable()
        return fee

    def create_shipment(self, *, reference: str, recipient: dict) -> str:
        number = self._call("POST", "/shipments", {"reference": reference, "recipient": recipient}).get(
            "tracking_number"
        )
        if not isinstance(number, str) or not 1 <= len(number) <= 64:
            logger.warning("PT Pos shipment has no valid tracking number")
            raise _unavailable()
        return number

    def track(self, tracking_number: str) -> list[dict]:
        events = self._call("GET", f"/shipments/{urllib.parse.quote(tracking_number, safe='')}/events").get("events")
        if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
            logger.warning("PT Pos tracking answer has no list of events")
            raise _unavailable()
        return events


def _unavailable() -> DomainError:
    return DomainError(
        "pos_unavailable",
        _("PT Pos cannot be reached right now. Please try again later."),
        status=503,
        retry_after=30,
    )


def gateway() -> PosGateway:
    if settings.POS_API_URL:
        return HttpGateway(settings.POS_API_URL, settings.POS_API_KEY)
    return SimulatorGateway()
