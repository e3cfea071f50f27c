"""Every route of the portal, web, API and admin, under hostile input: never a 500.

The routes come from the URL resolver and the admin registry (`tests/hostile_world.py`), so a
new page is swept without being listed here. Each is asked, as a stranger, as the applicant
and as a superuser, with hostile query parameters and hostile form and JSON bodies; every
answer must be below 500, and API errors must keep the documented shape.
"""

from __future__ import annotations

import json
import os
import sys
import traceback

import pytest
from django.conf import settings
from django.test import Client

from tests.helpers import sign_in
from tests.hostile_world import admin_paths, build_world, site_paths

pytestmark = pytest.mark.django_db

NASTY = [
    "\x00",
    "abc",
    "9999",
    "0",
    "-1",
    "99999999999999999999999",
    "1e999",
    "１２３",
    "²",
    "٣",
    "",
    "A" * 3000,
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "-0001-01-01",
    "' OR 1=1--",
    "{}",
    "[]",
    "../../etc/passwd",
]
# Every parameter a view of ours reads, and the admin's own.
PARAMS = [
    "office",
    "year",
    "from",
    "to",
    "q",
    "code",
    "session",
    "passport_type",
    "province",
    "next",
    "priority",
    "limit",
    "offset",
    "billing_code",
    "amount",
    "tracking_number",
    "o",
    "p",
    "e",
    "_changelist_filters",
]
DEEP = "[" * 10_000 + "]" * 10_000
JSON_BODIES = [
    DEEP,
    '{"a":' * 5000 + "1" + "}" * 5000,
    '{"session": 1e999}',
    '{"session": -1e999}',
    '{"session": 99999999999999999999999}',
    '{"session": "abc"}',
    '{"session": null}',
    '{"session": []}',
    '{"year": 0}',
    b"\xed\xa0\x80",
    b"\xff\xfe{}",
    '"\\ud800"',
    '{"x": "\\u0000"}',
    "NaN",
    '{"amount": NaN}',
    "1e999",
    '{"billing_code": "\\u0000", "amount": 1e999, "ntpn": [], "paid_at": "9999-99-99"}',
    '{"tracking_number": {}, "status": 1, "occurred_at": "0000-00-00"}',
]


_errors = []


def _record(sender, request=None, **kwargs):
    """Keep where each 500 came from, so the report names the line to fix."""
    root = f"{settings.BASE_DIR}/"
    exc = sys.exc_info()[1]
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(root) and "/.venv" not in f.filename
    ]
    where = f"{frames[-1].filename.removeprefix(root)}:{frames[-1].lineno}" if frames else "?"
    _errors.append(f"{type(exc).__name__}: {str(exc)[:80]} @ {where}")


def _last_error():
    return _errors[-1] if _errors else "?"


@pytest.fixture(autouse=True)
def _listen():
    from django.core.signals import got_request_exception

    got_request_exception.connect(_record)
    yield
    got_request_exception.disconnect(_record)


def _clients(world):
    """Who asks each route: a stranger, the applicant and a superuser outside the admin; a
    stranger and the superuser in it. Signed in again for every route, as a route may sign
    them out."""
    clients = {who: Client(raise_request_exception=False) for who in ("stranger", "applicant", "staff")}

    def askers(path):
        sign_in(clients["applicant"], world.applicant)
        sign_in(clients["staff"], world.staff)
        return [(who, clients[who]) for who in (("stranger", "staff") if path.startswith("/admin/") else clients)]

    return askers


def _probe(failures, who, client, method, path, **kwargs):
    response = getattr(client, method)(path, **kwargs)
    if response.status_code >= 500:
        failures.append((who, method, path, str(kwargs)[:160], response.status_code, _last_error()))
    elif path.startswith("/api/") and response.status_code >= 400 and "json" in response.get("Content-Type", ""):
        body = response.json()
        if not {"code", "detail", "fields"} <= set(body):
            failures.append((who, method, path, str(kwargs)[:160], f"shape {list(body)[:4]}", ""))


def _only(paths):
    # SWEEP_ONLY=/booking/ narrows a run to the routes containing it, when chasing one failure.
    return [p for p in paths if os.environ.get("SWEEP_ONLY", "") in p]


def _report(failures):
    seen = {}
    for failure in failures:
        seen.setdefault(failure[-1], failure)  # one line per distinct error and place
    assert not failures, "\n".join(f"{where}\n    {failure[:4]}" for where, failure in seen.items())


@pytest.fixture(params=["submitted", "paid"])
def world(request):
    return build_world(stage=request.param)


def test_no_route_answers_500_to_hostile_query_parameters():
    world = build_world(stage="paid")
    failures = []
    askers = _clients(world)
    for path in _only(site_paths(world) + admin_paths(world)):
        admin_page = path.startswith("/admin/")
        for who, client in askers(path):
            for value in NASTY[::2] if admin_page else NASTY:
                _probe(failures, who, client, "get", path, data=dict.fromkeys(PARAMS, value))
            if admin_page or who == "stranger":
                continue
            for name in PARAMS:  # one at a time, so that a refusal of one cannot hide another
                for value in ("99999999999999999999999", "abc"):
                    _probe(failures, who, client, "get", path, data={name: value})
    _report(failures)


def test_no_route_answers_500_to_hostile_forms_and_json(world):
    failures = []
    askers = _clients(world)
    for path in _only(site_paths(world) + admin_paths(world)):
        for who, client in askers(path):
            for value in NASTY[:12]:
                form = dict.fromkeys([*PARAMS, "file", "action", "method", "csrfmiddlewaretoken"], value)
                _probe(failures, who, client, "post", path, data=form)
            if not path.startswith(("/api/", "/dev/")):
                continue  # pages read forms, not JSON
            for method in ("post", "put", "patch", "delete"):
                for body in JSON_BODIES:
                    raw = body if isinstance(body, bytes) else body.encode()
                    _probe(failures, who, client, method, path, data=raw, content_type="application/json")
    _report(failures)


def test_signed_callbacks_survive_hostile_signature_headers():
    failures = []
    client = Client(raise_request_exception=False)
    body = json.dumps({"billing_code": "1" * 15}).encode()
    for path in ("/api/v1/payments/notifications/", "/api/v1/delivery/notifications/"):
        for stamp, signature in [
            ("9" * 400, "0" * 64),
            ("1e999", "a"),
            ("-" + "9" * 30, "b"),
            ("１２３", "é"),
            ("1700000000", "é" * 64),
            ("nan", "\x00"),
            (str(2**70), "ff"),
            ("0x10", "ab"),
        ]:
            _probe(
                failures,
                "partner",
                client,
                "post",
                path,
                data=body,
                content_type="application/json",
                HTTP_X_TIMESTAMP=stamp,
                HTTP_X_SIGNATURE=signature,
            )
    _report(failures)
