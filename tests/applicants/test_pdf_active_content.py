"""PDF uploads lose their active content: the parsed objects decide, not the raw bytes.

The active samples are written so that a byte scan cannot see them: names escaped as #xx
(`/J#61vaScript`) or objects packed into a compressed object stream, as any PDF library can.
"""

import io
import re
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from applicants import uploads
from applicants.models import Document
from core.errors import DomainError
from tests.conftest import attach
from tests.factories import pdf_bytes
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


# --- Building PDFs ----------------------------------------------------------------------------


def assemble(objects: dict[int, bytes], root: int, compressed: bool = False) -> bytes:
    """A PDF from numbered object bodies, with a correct cross-reference.

    With `compressed`, every object that is not a stream goes into one Flate-compressed
    object stream and the cross-reference is a stream too (PDF 1.5), as modern writers do.
    """
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    size = max(objects) + 1
    entries: dict[int, tuple[int, int, int]] = {}  # number -> (type, field2, field3)

    def put(number: int, body: bytes):
        entries[number] = (1, out.tell(), 0)
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    if not compressed:
        for number, body in sorted(objects.items()):
            put(number, body)
        xref_at = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
        for number in range(1, size):
            offset = entries[number][1] if number in entries else 0
            out.write(b"%010d 00000 %s \n" % (offset, b"n" if number in entries else b"f"))
        out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref_at))
        return out.getvalue()

    packed = {n: b for n, b in objects.items() if b"stream\n" not in b}
    for number, body in sorted(objects.items()):
        if number not in packed:
            put(number, body)
    header, payload = [], b""
    for index, (number, body) in enumerate(sorted(packed.items())):
        header.append(b"%d %d" % (number, len(payload)))
        payload += body + b"\n"
        entries[number] = (2, size, index)
    head = b" ".join(header) + b"\n"
    data = zlib.compress(head + payload)
    put(
        size,
        b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(packed), len(head), len(data))
        + data
        + b"\nendstream",
    )
    xref_number = size + 1
    entries[xref_number] = (1, out.tell(), 0)
    rows = b"\x00\x00\x00\x00\x00\xff\xff"
    for number in range(1, xref_number + 1):
        kind, second, third = entries.get(number, (0, 0, 0))
        rows += bytes([kind]) + second.to_bytes(4, "big") + third.to_bytes(2, "big")
    xref_at = out.tell()
    out.write(
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root %d 0 R /Length %d >>\nstream\n"
        % (xref_number, xref_number + 1, root, len(rows))
        + rows
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    )
    return out.getvalue()


_RISKY = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)(?=[\s/<>\[\]()])")


def disguise(pdf: bytes) -> bytes:
    """The same document, rewritten the way a byte scan cannot see it: objects in a compressed
    object stream, and the names a scanner looks for escaped (/JS as /#4AS) where they remain
    in the clear."""
    reader = PdfReader(io.BytesIO(pdf))
    objects = {}
    for number in reader.xref[0]:
        if number == 0:
            continue
        buffer = io.BytesIO()
        reader.get_object(number).write_to_stream(buffer)
        objects[number] = _RISKY.sub(lambda m: b"/#%02X" % m.group(1)[0] + m.group(1)[1:], buffer.getvalue())
    return assemble(objects, root=reader.trailer.raw_get("/Root").idnum, compressed=True)


def written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def one_page() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def action(kind: str, **entries) -> DictionaryObject:
    found = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        found[NameObject(f"/{key}")] = TextStringObject(value) if isinstance(value, str) else value
    return found


def link(**entries) -> DictionaryObject:
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(100), NumberObject(100)]),
        }
    )
    annotation.update({NameObject(f"/{k}"): v for k, v in entries.items()})
    return annotation


def with_document_script() -> bytes:
    writer = one_page()
    writer.add_open_action(JavaScript("app.alert('hello');"))  # pypdf 7's add_js
    return disguise(written(writer))


def with_link_script() -> bytes:
    writer = one_page()
    writer.add_annotation(0, link(A=action("/JavaScript", JS="app.alert(1)")))
    return disguise(written(writer))


def with_page_open_action() -> bytes:
    writer = one_page()
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action("/JavaScript", JS="app.alert(2)")})
    return disguise(written(writer))


def with_launch() -> bytes:
    writer = one_page()
    writer.add_annotation(0, link(A=action("/Launch", F="calc.exe")))
    return disguise(written(writer))


def with_open_action() -> bytes:
    writer = one_page()
    writer._root_object[NameObject("/OpenAction")] = action("/URI", URI="https://phish.example/")
    return disguise(written(writer))


def with_attachment() -> bytes:
    writer = one_page()
    writer.add_attachment("readme.txt", b"hello officer")
    return disguise(written(writer))


def with_hex_escaped_names() -> bytes:
    """Hand-written: a link whose action reads /S /JavaScript /JS (...) once names are decoded."""
    return assemble(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>",
            4: b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A 5 0 R >>",
            5: b"<< /S /J#61vaScript /J#53 (app.alert\\(3\\)) >>",
        },
        root=1,
    )


def with_script_in_object_stream() -> bytes:
    """Hand-written: the catalog's /OpenAction is a script, both inside a compressed object stream."""
    return assemble(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            4: b"<< /Length 9 >>\nstream\n0 0 m 9 9 l\nendstream",
            5: b"<< /S /JavaScript /JS (app.alert\\(4\\)) >>",
        },
        root=1,
        compressed=True,
    )


ACTIVE = {
    "document_script": with_document_script,
    "link_script": with_link_script,
    "page_additional_action": with_page_open_action,
    "launch": with_launch,
    "open_action": with_open_action,
    "attachment": with_attachment,
    "hex_escaped_names": with_hex_escaped_names,
    "script_in_object_stream": with_script_in_object_stream,
}


def send(api, application, content, kind="birth_certificate"):
    return api.post(
        f"/api/v1/applications/{application.pk}/documents/",
        {"kind": kind, "file": SimpleUploadedFile("akta.pdf", content, "application/pdf")},
        format="multipart",
    )


def process(content: bytes):
    return uploads.process_upload(SimpleUploadedFile("akta.pdf", content, "application/pdf"))


# --- Refused ----------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", ACTIVE.values(), ids=ACTIVE.keys())
def test_a_pdf_with_active_content_is_refused_through_the_api_and_nothing_is_stored(api, draft, sample):
    content = sample()
    assert not any(marker in content for marker in (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile"))
    response = send(api, draft, content)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "pdf_active_content"
    assert response.json()["fields"]["file"]
    assert not Document.objects.exists()


def test_a_pdf_with_active_content_in_the_browser_gets_a_clear_message(client, user, draft):
    sign_in(client, user)
    response = client.post(
        f"/applications/{draft.pk}/documents/",
        {
            "kind": "birth_certificate",
            "file": SimpleUploadedFile("akta.pdf", with_hex_escaped_names(), "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not Document.objects.exists()


def test_the_disguised_samples_are_still_readable_pdfs():
    # The refusals above must come from what the files contain, not from them being unreadable.
    for sample in ACTIVE.values():
        assert len(PdfReader(io.BytesIO(sample())).pages) == 1


def test_a_pdf_that_takes_too_long_to_check_is_refused(api, draft, settings):
    settings.PDF_PARSE_SECONDS = 0.001
    response = send(api, draft, pdf_bytes())
    assert response.status_code == 400
    assert response.json()["code"] == "pdf_too_complex"
    assert response.json()["fields"]["file"] and response.json()["detail"]
    assert not Document.objects.exists()


def test_a_pdf_with_too_many_objects_to_check_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "PDF_MAX_OBJECTS", 5)
    with pytest.raises(uploads._PdfRefusal) as refused:
        uploads._sanitise_pdf(pdf_bytes(pages=3))
    assert refused.value.code == "pdf_too_complex"


def test_the_existing_refusals_still_hold(api, draft):
    encrypted = one_page()
    encrypted.encrypt("rahasia")
    assert send(api, draft, written(encrypted)).json()["code"] == "pdf_encrypted"
    assert send(api, draft, pdf_bytes(pages=uploads.MAX_PDF_PAGES + 1)).json()["code"] == "pdf_too_many_pages"
    assert send(api, draft, b"%PDF-1.7\nnot really a pdf\n%%EOF\n").json()["code"] == "file_damaged"
    assert not Document.objects.exists()


# --- Accepted, and rebuilt --------------------------------------------------------------------


def test_a_plain_pdf_is_accepted(api, draft):
    response = send(api, draft, disguise(pdf_bytes(pages=2)))
    assert response.status_code == 201, response.content
    assert response.json()["page_count"] == 2


def test_a_harmless_link_and_open_destination_are_accepted_but_not_kept():
    writer = PdfWriter()
    for _ in range(2):
        writer.add_blank_page(width=595, height=842)
    second = writer.pages[1].indirect_reference
    writer.add_annotation(0, link(Dest=ArrayObject([second, NameObject("/Fit")])))
    writer._root_object[NameObject("/OpenAction")] = ArrayObject([second, NameObject("/Fit")])
    writer.add_outline_item(title="Halaman 2", page_number=1)
    writer.pages[0][NameObject("/Rotate")] = NumberObject(90)
    writer.pages[0][NameObject("/CropBox")] = ArrayObject([FloatObject(v) for v in (10, 10, 500, 800)])
    source = written(writer)
    assert b"/Annots" in source and b"/OpenAction" in source

    processed = process(source)

    assert processed.page_count == 2
    rebuilt = PdfReader(io.BytesIO(processed.content))
    assert all("/Annots" not in page for page in rebuilt.pages)
    for key in ("/OpenAction", "/Outlines", "/Names", "/AcroForm"):
        assert key not in rebuilt.trailer["/Root"]
    page = rebuilt.pages[0]
    assert page.rotation == 90 and [float(v) for v in page.cropbox] == [10, 10, 500, 800]
    assert set(page.keys()) <= {"/Type", "/Parent", "/MediaBox", "/CropBox", "/Rotate", "/Resources", "/Contents"}


def test_the_rebuilt_page_keeps_its_drawing():
    content = assemble(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Resources << /ProcSet [/PDF] >> >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /PieceInfo << >> >>",
            4: b"<< /Length 9 >>\nstream\n0 0 m 9 9 l\nendstream",
        },
        root=1,
        compressed=True,
    )
    page = PdfReader(io.BytesIO(process(content).content)).pages[0]
    assert page.get_contents().get_data().strip() == b"0 0 m 9 9 l"
    assert page["/Resources"]["/ProcSet"] == ["/PDF"]  # inherited from /Pages, now on the page
    assert "/PieceInfo" not in page


def test_process_upload_refuses_a_disguised_script_directly():
    with pytest.raises(DomainError) as refused:
        process(with_link_script())
    assert refused.value.code == "pdf_active_content"


# --- Served -----------------------------------------------------------------------------------


def test_a_stored_pdf_is_served_as_a_sandboxed_attachment(api, draft):
    document_id = send(api, draft, pdf_bytes()).json()["id"]
    response = api.get(f"/api/v1/applications/{draft.pk}/documents/{document_id}/file/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith('filename="birth_certificate.pdf"')
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy and "default-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_stored_photo_is_still_shown_inline_but_sandboxed(client, draft):
    document = attach(draft, "ktp")
    sign_in(client, draft.owner)
    response = client.get(f"/documents/{document.pk}/file/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline;")
    assert "sandbox" in [part.strip() for part in response["Content-Security-Policy"].split(";")]
