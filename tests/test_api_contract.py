"""The API's shared promises: the documented schema, the error shape, languages, no 500s."""

import pytest
import yaml
from django.core.management import call_command

from tests.conftest import bearer
from tests.factories import create_draft
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    for path in [
        "/api/v1/auth/register/",
        "/api/v1/auth/token/",
        "/api/v1/auth/token/refresh/",
        "/api/v1/fees/",
        "/api/v1/applications/",
        "/api/v1/applications/{application_id}/",
        "/api/v1/applications/{application_id}/submit/",
        "/api/v1/applications/{application_id}/documents/",
        "/api/v1/applications/{application_id}/documents/{document_id}/",
    ]:
        assert path in schema["paths"], path


def test_the_schema_and_docs_pages_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
    assert b"cdn.jsdelivr" not in docs.content  # served locally: works without the internet


def test_errors_are_indonesian_by_default_and_english_on_request(anon):
    body = {"email": "not-an-email", "password": "x", "name": "A"}
    default = anon.post("/api/v1/auth/register/", body, format="json").json()
    english = anon.post("/api/v1/auth/register/", body, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["detail"] == "Some of the information is not valid. Please check the marked fields."
    assert default["detail"] != english["detail"]
    assert default["fields"]["email"] != english["fields"]["email"]


HOSTILE_BODIES = [
    "[]",
    "null",
    "42",
    '"text"',
    "{",
    '{"nik": {"$gt": ""}}',
    '{"nik": ["3171"]}',
    '{"full_name": "\\u0000"}',
    '{"date_of_birth": "9999-99-99"}',
    '{"validity_years": "ten"}',
    '{"email": "a@b.c", "password": null}',
    '{"full_name": "' + "A" * 100_000 + '"}',
    '{"passport_type": true, "naturalised": "maybe"}',
    '{"kind": "ktp", "file": "not a file"}',
    '{"refresh": 1}',
    '{"uid": "\\u0000", "token": []}',
]


@pytest.mark.parametrize("body", HOSTILE_BODIES)
def test_hostile_json_never_causes_a_server_error(body):
    application = create_draft()
    api = bearer(application.owner)
    base = f"/api/v1/applications/{application.pk}/"
    for method, path in [
        ("post", "/api/v1/auth/register/"),
        ("post", "/api/v1/auth/token/"),
        ("post", "/api/v1/auth/token/refresh/"),
        ("post", "/api/v1/auth/verify-email/"),
        ("post", "/api/v1/auth/password-reset/"),
        ("post", "/api/v1/auth/password-reset/confirm/"),
        ("post", "/api/v1/applications/"),
        ("patch", base),
        ("post", base + "submit/"),
        ("post", base + "documents/"),
    ]:
        response = getattr(api, method)(path, data=body, content_type="application/json")
        assert response.status_code < 500, (method, path, response.status_code)
        if response.status_code >= 400:
            assert {"code", "detail", "fields"} <= set(response.json()), (path, response.content[:200])
    application.refresh_from_db()
    assert application.full_name == "Budi Santoso"


def test_nul_bytes_in_web_forms_and_searches_are_refused_not_crashes(client, user, cs_officer):
    assert client.post("/accounts/login/", {"username": "a\x00@b.id", "password": "x\x00"}).status_code == 200
    sign_in(client, user)
    assert client.post("/applications/new/", {"relationship": "self\x00"}).status_code == 302
    sign_in(client, cs_officer)
    assert client.get("/admin/applicants/application/", {"q": "Budi\x00"}).status_code == 400
