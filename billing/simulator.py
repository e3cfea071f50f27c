"""A stand-in for the SIMPONI / MPN G2 payment gateway: it sends the same signed HTTP
notifications the real gateway would, so anyone running the portal can pay a bill.

Used by `manage.py simulate_payment` and by the development-only page /dev/payments/.
"""

from __future__ import annotations

import json
import secrets
import string
import urllib.error
import urllib.request
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.signing import signed_headers

NTPN_ALPHABET = string.ascii_uppercase + string.digits


def new_ntpn() -> str:
    return "".join(secrets.choice(NTPN_ALPHABET) for _ in range(16))


def notification(
    *,
    billing_code: str,
    amount: int,
    channel: str = "mobile_banking",
    paid_at: datetime | None = None,
    ntpn: str | None = None,
) -> dict:
    return {
        "billing_code": billing_code,
        "amount": amount,
        "ntpn": ntpn or new_ntpn(),
        "ntb": f"{secrets.randbelow(10**12):012d}",
        "channel": channel,
        "paid_at": (paid_at or timezone.now()).isoformat(),
    }


def send(
    body: dict, *, base_url: str | None = None, secret: str | None = None, timeout: float = 10
) -> tuple[int, dict]:
    """POST a signed notification to the portal; return (status, JSON answer)."""
    raw = json.dumps(body).encode()
    url = (base_url or settings.SITE_URL).rstrip("/") + reverse("api_payment_notification")
    headers = {"Content-Type": "application/json", **signed_headers(secret or settings.PAYMENT_WEBHOOK_SECRET, raw)}
    request = urllib.request.Request(url, data=raw, headers=headers, method="POST")  # noqa: S310 - our own URL
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
