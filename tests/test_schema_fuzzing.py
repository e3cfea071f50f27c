"""Schemathesis over `/api/schema/`: every documented operation, signed in and not, with
inputs a machine made from the schema (valid and invalid). Any 5xx fails, and so does an
answer the schema does not describe (status, content type, body).

Bounded: a few dozen examples per operation, so the whole run stays near a minute.
"""

from __future__ import annotations

import sys

import pytest
import schemathesis
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import bearer
from tests.factories import create_draft

pytestmark = pytest.mark.django_db
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 25


def _operations():
    from mpaspor.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    return [result.ok() for result in schema.get_all_operations()]


def _fuzz(headers: dict) -> None:
    """Each operation in turn, valid inputs then invalid ones; one report of every failure,
    with the server's own exception for each 500."""
    failures, crashes = [], []
    # As Django's own test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(lambda sender, **kw: crashes.append(repr(sys.exc_info()[1])[:300]), weak=False)
    for operation in _operations():
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def check(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                check()
            except Unsatisfiable:
                pass  # nothing to make invalid: an operation without parameters or body
            except (Exception, BaseExceptionGroup) as exc:  # every failure is collected and reported below
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {str(exc)[:600]}")
    got_request_exception.receivers.clear()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    assert not failures, "\n\n".join(failures + sorted(set(crashes)))


def test_every_operation_answers_a_stranger_within_its_schema():
    _fuzz(headers={})


def test_every_operation_answers_a_signed_in_applicant_within_its_schema():
    application = create_draft()
    _fuzz(headers={"Authorization": bearer(application.owner)._credentials["HTTP_AUTHORIZATION"]})
