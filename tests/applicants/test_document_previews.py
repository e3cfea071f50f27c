"""The documents page is light on a slow link: small previews made at upload, kept in the
person's own browser, instead of the full photos on every visit."""

import io
import os
import re

import pytest
from PIL import Image

from tests.conftest import attach
from tests.factories import ApplicationFactory, UserFactory
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

KINDS = ["ktp", "kk", "birth_certificate", "old_passport", "name_change_decree", "naturalisation_decree"]


def phone_photo() -> bytes:
    """A photo as phones take them: detailed (noise compresses badly), larger than the stored edge."""
    image = Image.frombytes("RGB", (2400, 1800), os.urandom(2400 * 1800 * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def test_six_documents_cost_under_60_kb_and_the_previews_are_cached_privately(client):
    application = ApplicationFactory(
        naturalised=True, name_changed=True, reason="expired", old_passport_number="X1234567"
    )
    photo = phone_photo()
    for kind in KINDS:
        attach(application, kind, photo)
    sign_in(client, application.owner)
    page = client.get(f"/applications/{application.pk}/documents/")
    previews = re.findall(r'<img class="thumb" src="([^"]+)"', page.content.decode())
    assert len(previews) == len(KINDS)
    total = len(page.content)
    for src in previews:
        answer = client.get(src)
        assert answer.status_code == 200 and answer["Content-Type"] == "image/jpeg"
        assert answer["Cache-Control"] == "private, max-age=604800, immutable"
        total += len(b"".join(answer.streaming_content))
    full = sum(d.size for d in application.documents.all())
    assert total < 60 * 1024, total
    assert full > 10 * total  # what the page used to send


def test_a_preview_is_only_for_the_owner_and_made_for_older_uploads(client, draft):
    document = attach(draft, "ktp")
    type(document).objects.filter(pk=document.pk).update(thumbnail="")  # uploaded before previews
    sign_in(client, draft.owner)
    answer = client.get(f"/documents/{document.pk}/preview/")
    assert answer.status_code == 200
    assert Image.open(io.BytesIO(b"".join(answer.streaming_content))).size[0] <= 192
    document.refresh_from_db()
    assert document.thumbnail
    sign_in(client, UserFactory())
    assert client.get(f"/documents/{document.pk}/preview/").status_code == 404
