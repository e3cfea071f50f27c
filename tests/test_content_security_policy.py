"""Every HTML page carries a Content-Security-Policy that allows no inline script, and no page
of ours needs one: no inline <script>, no on…= handler attributes."""

import re

import pytest

from tests.factories import make_office
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(rb"<[^>]+\son[a-z]+\s*=", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def assert_strict(response):
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert not INLINE_SCRIPT.search(response.content), INLINE_SCRIPT.search(response.content)
    assert not HANDLER.search(response.content), HANDLER.search(response.content)


def test_public_pages_have_a_strict_policy_and_no_inline_script(client):
    make_office()
    for path in ["/", "/accounts/login/", "/accounts/register/", "/accounts/password-reset/", "/open-data/"]:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert_strict(response)
        assert "'unsafe-inline'" not in policy(response)["style-src"]


def test_applicant_pages_have_a_strict_policy_and_no_inline_script(client, submitted):
    sign_in(client, submitted.owner)
    for path in [
        "/dashboard/",
        f"/applications/{submitted.pk}/",
        f"/applications/{submitted.pk}/documents/",
        f"/applications/{submitted.pk}/booking/",
        f"/applications/{submitted.pk}/timeline/",
        "/accounts/password/",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_strict(response)


def test_staff_pages_forbid_inline_script_and_the_api_docs_load_their_script_as_a_file(client, cs_officer):
    make_office()
    sign_in(client, cs_officer)
    for path in ["/admin/", "/admin/applicants/application/", "/office/queue/"]:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert policy(response)["script-src"] == ["'self'"]
    docs = client.get("/api/docs/")
    assert policy(docs)["script-src"] == ["'self'"] and not INLINE_SCRIPT.search(docs.content)
    script = re.search(rb'<script src="([^"]*\?script[^"]*)"', docs.content).group(1).decode().replace("&amp;", "&")
    assert client.get(script)["Content-Type"].startswith("application/javascript")


def test_the_open_data_office_picker_works_without_script(client):
    office = make_office()
    response = client.get("/open-data/", {"office": office.code, "year": "2026"})
    assert response.status_code == 302 and response["Location"] == f"/open-data/{office.code}/?year=2026"
    assert client.get("/open-data/", {"office": "no-such-office"}).status_code == 404
