import io

import pillow_heif
import pytest
from django.conf import settings
from PIL import Image

from applicants.models import Document
from tests.conftest import attach, bearer, file_from
from tests.factories import ApplicationFactory, jpeg_bytes, pdf_bytes, png_bytes
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


def docs_url(application, suffix=""):
    return f"/api/v1/applications/{application.pk}/documents/{suffix}"


def send(api, application, content, name="ktp.jpg", kind="ktp", content_type="image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return api.post(
        docs_url(application),
        {"kind": kind, "file": SimpleUploadedFile(name, content, content_type)},
        format="multipart",
    )


def stored_image(document) -> Image.Image:
    with document.file.open("rb") as fh:
        image = Image.open(io.BytesIO(fh.read()))
        image.load()
    return image


def test_a_jpeg_photo_is_stored_upright_without_metadata(api, draft):
    response = send(api, draft, jpeg_bytes(size=(1200, 900), exif_orientation=6, gps=True))
    assert response.status_code == 201
    document = Document.objects.get(pk=response.json()["id"])
    image = stored_image(document)
    assert image.size == (900, 1200)  # orientation 6 means the camera was held sideways
    assert dict(image.getexif()) == {}
    assert response.json()["content_type"] == "image/jpeg"


def test_a_huge_photo_is_downscaled_for_storage(api, draft):
    response = send(api, draft, jpeg_bytes(size=(4000, 3000)))
    assert response.status_code == 201
    assert max(response.json()["width"], response.json()["height"]) == settings.DOCUMENT_MAX_EDGE


def test_a_transparent_png_is_stored_as_a_jpeg(api, draft):
    response = send(api, draft, png_bytes(), name="kk.png", kind="kk", content_type="image/png")
    assert response.status_code == 201 and response.json()["content_type"] == "image/jpeg"


def test_an_iphone_heic_photo_is_accepted(api, draft):
    buffer = io.BytesIO()
    pillow_heif.register_heif_opener()
    Image.new("RGB", (1000, 800), (90, 90, 90)).save(buffer, format="HEIF")
    response = send(api, draft, buffer.getvalue(), name="IMG_0001.HEIC", content_type="image/heic")
    assert response.status_code == 201 and response.json()["width"] == 1000


def test_a_pdf_scan_is_accepted_with_its_page_count(api, draft):
    response = send(
        api, draft, pdf_bytes(pages=2), name="akta.pdf", kind="birth_certificate", content_type="application/pdf"
    )
    assert response.status_code == 201
    assert response.json()["page_count"] == 2 and response.json()["content_type"] == "application/pdf"


def test_a_blurry_or_tiny_photo_is_kept_but_flagged(api, draft):
    response = send(api, draft, _flat_jpeg((300, 200)))
    assert response.status_code == 201
    assert set(response.json()["quality_warnings"]) == {"low_resolution", "blurry"}


def _flat_jpeg(size):
    buffer = io.BytesIO()
    Image.new("RGB", size, (128, 128, 128)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content, name, code",
    [
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "ktp.svg",
            "file_type_not_allowed",
        ),
        (b"<html><body><script>alert(1)</script></body></html>", "ktp.jpg", "file_type_not_allowed"),
        (b"MZ\x90\x00\x03\x00\x00\x00" * 20, "ktp.jpg", "file_type_not_allowed"),
        (b"", "ktp.jpg", "file_empty"),
        (jpeg_bytes()[:2000], "ktp.jpg", "file_damaged"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 500, "ktp.jpg", "file_damaged"),
        (pdf_bytes()[:-40], "ktp.pdf", "file_damaged"),
        (
            b"%PDF-1.4\n1 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\ntrailer << >>\n%%EOF",
            "ktp.pdf",
            "pdf_active_content",
        ),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(api, draft, content, name, code):
    response = send(api, draft, content, name=name)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["fields"]["file"]
    assert not Document.objects.exists()


def test_a_decompression_bomb_is_refused_before_it_is_decoded(api, draft):
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")  # 48 kB on the wire, 400 megapixels decoded
    response = send(api, draft, buffer.getvalue(), name="bomb.png", content_type="image/png")
    assert response.status_code == 400 and response.json()["code"] == "image_too_large"


def test_a_file_over_ten_megabytes_is_refused(api, draft, settings):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    response = send(api, draft, jpeg_bytes() + b"\x00" * (1024 * 1024))
    assert response.status_code == 413 and response.json()["code"] == "file_too_large"
    assert not Document.objects.exists()


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(api, draft, settings):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    response = send(api, draft, jpeg_bytes())
    assert response.status_code == 413 and response.json()["code"] == "request_too_large"


def test_uploading_the_same_kind_again_replaces_the_document_and_its_file(
    api, draft, django_capture_on_commit_callbacks
):
    first = Document.objects.get(pk=send(api, draft, jpeg_bytes()).json()["id"])
    old_path = first.file.path
    with django_capture_on_commit_callbacks(execute=True):
        second = send(api, draft, jpeg_bytes(color=(10, 10, 10)))
    assert second.status_code == 201
    assert list(draft.documents.values_list("pk", flat=True)) == [Document.objects.get(pk=second.json()["id"]).pk]
    import os

    assert not os.path.exists(old_path)


def test_the_owner_can_fetch_the_file_but_nobody_else_can(api, draft):
    document_id = send(api, draft, jpeg_bytes()).json()["id"]
    mine = api.get(docs_url(draft, f"{document_id}/file/"))
    assert mine.status_code == 200 and mine["Content-Type"] == "image/jpeg"
    assert mine["Cache-Control"] == "private, no-store"
    assert file_from(mine)[:3] == b"\xff\xd8\xff"
    stranger = bearer(ApplicationFactory().owner)
    assert stranger.get(docs_url(draft, f"{document_id}/file/")).status_code == 404
    assert stranger.get(docs_url(draft, f"{document_id}/")).status_code == 404


def test_files_are_stored_outside_any_public_url(api, draft, client):
    document = Document.objects.get(pk=send(api, draft, jpeg_bytes()).json()["id"])
    assert str(settings.PRIVATE_MEDIA_ROOT) in document.file.path
    assert draft.full_name not in document.file.name and "ktp" not in document.file.name
    assert client.get(f"/media/{document.file.name}").status_code == 404
    assert client.get(f"/static/{document.file.name}").status_code == 404


def test_the_web_file_view_serves_the_owner_and_staff_but_not_others(client, draft, cs_officer):
    document = attach(draft, "ktp")
    sign_in(client, ApplicationFactory().owner)
    assert client.get(f"/documents/{document.pk}/file/").status_code == 404
    sign_in(client, draft.owner)
    assert client.get(f"/documents/{document.pk}/file/").status_code == 200
    sign_in(client, cs_officer)
    assert client.get(f"/documents/{document.pk}/file/").status_code == 200


def test_a_document_can_be_removed_from_a_draft_but_not_after_submission(api, draft):
    document_id = send(api, draft, jpeg_bytes()).json()["id"]
    assert api.delete(docs_url(draft, f"{document_id}/")).status_code == 204
    assert not Document.objects.exists()


def test_after_submission_documents_cannot_be_removed(api, submitted):
    document = submitted.documents.first()
    response = api.delete(docs_url(submitted, f"{document.pk}/"))
    assert response.status_code == 409 and response.json()["code"] == "documents_locked"
    assert Document.objects.filter(pk=document.pk).exists()


def test_an_unknown_document_kind_is_refused(api, draft):
    response = send(api, draft, jpeg_bytes(), kind="selfie")
    assert response.status_code == 400 and "kind" in response.json()["fields"]
