"""Errors are listed at the top with links to their fields, every aria-describedby points at an
element that exists, file inputs let a person pick from the gallery, and nothing reads
`---------`."""

import re

import pytest

from tests.factories import ApplicationFactory
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


def ids_and_references(html: str) -> tuple[set[str], set[str]]:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    refs = {ref for value in re.findall(r'aria-describedby="([^"]+)"', html) for ref in value.split()}
    return ids, refs


def test_a_form_with_errors_starts_with_a_summary_linking_to_each_field(client):
    response = client.post(
        "/accounts/register/",
        {"full_name": "", "email": "bukan-email", "password1": "a", "password2": "b"},
    )
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert summary and 'tabindex="-1"' in html and 'role="alert"' in summary.group(0)
    links = re.findall(r'href="#([^"]+)"', summary.group(1))
    assert {"id_email", "id_password2"} <= set(links)
    ids, refs = ids_and_references(html)
    assert all(link in ids for link in links)
    assert refs and refs <= ids  # every description the inputs point to exists
    assert html.index("error-summary") < html.index('name="email"')  # above the form, not below the fold


def test_step_forms_describe_fields_with_ids_that_exist_and_say_choose_not_dashes(client, user):
    application = ApplicationFactory(owner=user, nik="")
    sign_in(client, user)
    for step in ["passport", "identity", "family", "address"]:
        html = client.get(f"/applications/{application.pk}/step/{step}/").content.decode()
        ids, refs = ids_and_references(html)
        assert refs <= ids, (step, refs - ids)
        assert "---------" not in html, step
    bad = client.post(f"/applications/{application.pk}/step/identity/", {"nik": "123", "next": "1"})
    ids, refs = ids_and_references(bad.content.decode())
    assert "id_nik_error" in refs and refs <= ids


def test_required_fields_are_starred_on_registration(client):
    html = client.get("/accounts/register/").content.decode()
    for name in ["full_name", "email", "password1"]:
        label = re.search(rf'<label for="id_{name}">(.*?)</label>', html, re.S).group(1)
        assert 'class="req"' in label, name
    phone = re.search(r'<label for="id_phone">(.*?)</label>', html, re.S).group(1)
    assert 'class="req"' not in phone  # optional


def test_the_documents_page_lets_a_person_choose_a_photo_from_the_gallery_or_a_pdf(client, draft):
    sign_in(client, draft.owner)
    html = client.get(f"/applications/{draft.pk}/documents/").content.decode()
    inputs = re.findall(r'<input[^>]*type="file"[^>]*>', html)
    assert inputs and all("capture" not in tag and "application/pdf" in tag for tag in inputs)
    ids, refs = ids_and_references(html)
    assert refs <= ids
    assert "MB" in html  # the size limit is said before choosing
