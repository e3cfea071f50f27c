"""Turning an uploaded file into a safe stored document.

A file is judged by its content, never by its name or declared type. Images (JPEG, PNG,
HEIC/HEIF) are decoded, turned upright, stripped of metadata, downscaled and re-encoded
as JPEG, so nothing the sender smuggled into the original survives. PDFs are parsed and
rewritten page by page. Anything else is refused with a message a person understands.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageFilter, ImageOps, ImageStat

from core.errors import DomainError

try:  # HEIC/HEIF from phones, where the platform's libheif is available
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_SUPPORTED = True
except ImportError:  # pragma: no cover - depends on the platform wheel
    HEIF_SUPPORTED = False

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
JPEG_QUALITY = 85
MAX_PDF_PAGES = 20
LOW_RESOLUTION_EDGE = 600
BLUR_THRESHOLD = 60.0  # variance of edges on a 0-255 scale; sharp document photos are far above


@dataclass
class ProcessedFile:
    content: bytes
    content_type: str
    original_name: str
    width: int | None = None
    height: int | None = None
    page_count: int | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _refuse(code: str, message: str, status: int = 400) -> DomainError:
    return DomainError(code, message, status=status, fields={"file": [message]})


def sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "heif"
    if head.startswith(b"%PDF-"):
        return "pdf"
    return None


def process_upload(upload) -> ProcessedFile:
    """Check and normalise one uploaded file; raise DomainError (code `file_*`) if unfit."""
    limit = settings.DOCUMENT_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _refuse(
            "file_too_large",
            _("The file is larger than %(mb)s MB. Please send a smaller photo or scan.") % {"mb": limit // 2**20},
            413,
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(
            "file_too_large",
            _("The file is larger than %(mb)s MB. Please send a smaller photo or scan.") % {"mb": limit // 2**20},
            413,
        )
    if not data:
        raise _refuse("file_empty", _("The file is empty. Please choose the photo or scan again."))
    name = (getattr(upload, "name", "") or "")[-200:]
    kind = sniff(data[:16])
    if kind is None:
        raise _refuse(
            "file_type_not_allowed",
            _("This file is not a photo or a PDF. Please upload a JPEG, PNG or HEIC photo, or a PDF scan."),
        )
    if kind == "heif" and not HEIF_SUPPORTED:  # pragma: no cover
        raise _refuse("file_type_not_allowed", _("HEIC photos cannot be read here. Please upload a JPEG or PDF."))
    if kind == "pdf":
        return _process_pdf(data, name)
    return _process_image(data, name)


def _process_image(data: bytes, name: str) -> ProcessedFile:
    damaged = _("The photo could not be read; it may be damaged or incomplete. Please take or upload it again.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > settings.DOCUMENT_MAX_PIXELS:
                raise _refuse(
                    "image_too_large", _("The photo has too many pixels to process. Please send a smaller photo.")
                )
            image.load()
            image = ImageOps.exif_transpose(image)
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            "image_too_large", _("The photo has too many pixels to process. Please send a smaller photo.")
        ) from None
    except Exception:  # Pillow raises many types for malformed input; all mean "cannot read"
        raise _refuse("file_damaged", damaged) from None

    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    edge = settings.DOCUMENT_MAX_EDGE
    image.thumbnail((edge, edge), Image.Resampling.LANCZOS)

    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)  # no exif=: metadata is dropped
    return ProcessedFile(
        content=out.getvalue(),
        content_type="image/jpeg",
        original_name=name,
        width=image.width,
        height=image.height,
        warnings=image_quality_warnings(image),
    )


THUMBNAIL_EDGE = 192  # twice the 96-pixel preview, sharp on a phone's screen
THUMBNAIL_QUALITY = 70


def thumbnail_of(content: bytes) -> bytes:
    """A small JPEG of a stored (already re-encoded) photo, for previews."""
    with Image.open(io.BytesIO(content)) as image:
        image = image.convert("RGB")
        image.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return out.getvalue()


def image_quality_warnings(image: Image.Image) -> list[str]:
    """Advice, not refusal: officers see these flags, applicants are asked to check."""
    found = []
    if min(image.size) < LOW_RESOLUTION_EDGE:
        found.append("low_resolution")
    grey = image.convert("L")
    grey.thumbnail((800, 800))
    edges = grey.filter(ImageFilter.FIND_EDGES)
    # The filter sees the image's own border as an edge; leave it out.
    edges = edges.crop((2, 2, max(edges.width - 2, 3), max(edges.height - 2, 3)))
    if ImageStat.Stat(edges).var[0] < BLUR_THRESHOLD:
        found.append("blurry")
    return found


# --- PDFs ------------------------------------------------------------------------------------
#
# A PDF is judged by its parsed objects, never by its bytes: names may be written with #xx
# escapes (/J#61vaScript is /JavaScript) and objects may hide in compressed object streams,
# so a byte scan proves nothing. The parsed check refuses files that plainly carry active
# content, with a message the applicant understands; the rebuild then keeps only what a page
# needs to be drawn, so whatever the check did not foresee is not carried over either; the
# rebuilt file is parsed once more and checked again.

# Keys, and values of /S, /Type or /Subtype, that mean scripts, actions, forms, attachments or
# multimedia.
PDF_ACTIVE_NAMES = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/AA",
        "/OpenAction",
        "/Launch",
        "/URI",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/EF",
        "/AcroForm",
        "/XFA",
        "/RichMedia",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/Sound",
        "/Movie",
        "/Rendition",
        "/Screen",
        "/FileAttachment",
        "/3D",
    }
)
_PDF_TYPE_KEYS = ("/S", "/Type", "/Subtype")
# All a rebuilt page keeps. /Annots, /AA, /Group, /Thumb, /B, /PieceInfo... are dropped.
_PDF_PAGE_KEYS = ("/MediaBox", "/CropBox", "/Rotate", "/Resources", "/Contents")
PDF_MAX_OBJECTS = 200_000  # dictionaries, arrays and references visited in one walk


class _PdfRefusal(Exception):
    """Raised inside the PDF check with a stable code; the caller turns it into a message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _pdf_active_name(root) -> str | None:
    """The first active-content name reachable from `root` (a parsed object), or None.

    Walks dictionaries (streams' included), arrays and indirect references without recursion;
    each indirect object is visited once, so reference cycles end, and the walk gives up
    (pdf_too_complex) past PDF_MAX_OBJECTS.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    seen: set[tuple[int, int]] = set()
    stack = [root]
    visited = 0
    while stack:
        obj = stack.pop()
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            raise _PdfRefusal("pdf_too_complex")
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            stack.append(obj.get_object())
        elif isinstance(obj, DictionaryObject):
            for key, value in dict.items(obj):  # raw values: references stay references
                if key in PDF_ACTIVE_NAMES:
                    if key == "/OpenAction" and not isinstance(_resolved(value), DictionaryObject):
                        # A destination ([page /Fit]), as office suites write: no action, and
                        # the rebuild drops it anyway. An action dictionary is refused.
                        pass
                    else:
                        return str(key)
                if key in _PDF_TYPE_KEYS:
                    kind = _resolved(value)
                    if isinstance(kind, NameObject) and kind in PDF_ACTIVE_NAMES:
                        return str(kind)
                if isinstance(value, (DictionaryObject, ArrayObject, IndirectObject)):
                    stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(item for item in obj if isinstance(item, (DictionaryObject, ArrayObject, IndirectObject)))
    return None


def _resolved(value):
    from pypdf.generic import IndirectObject

    return value.get_object() if isinstance(value, IndirectObject) else value


def _sanitise_pdf(data: bytes) -> tuple[int, bytes]:
    """Check and rebuild a PDF; return (page count, rebuilt bytes) or raise _PdfRefusal.

    Pure: no settings, no translations, no database, so it can run in a child process.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _PdfRefusal("pdf_encrypted")
        if _pdf_active_name(reader.trailer) is not None:
            raise _PdfRefusal("pdf_active_content")
        pages = len(reader.pages)
        if pages == 0:
            raise _PdfRefusal("file_damaged")
        if pages > MAX_PDF_PAGES:
            raise _PdfRefusal("pdf_too_many_pages")
        writer = PdfWriter()
        for page in reader.pages:  # inherited /Resources, /MediaBox... are already copied down
            box = page.mediabox
            rebuilt = writer.add_blank_page(width=float(box.width), height=float(box.height))
            for key in _PDF_PAGE_KEYS:
                value = dict.get(page, key)
                if value is not None:
                    rebuilt[NameObject(key)] = value.clone(writer)
        out = io.BytesIO()
        writer.write(out)
        content = out.getvalue()
        check = PdfReader(io.BytesIO(content), strict=False)
        if _pdf_active_name(check.trailer) is not None or len(check.pages) != pages:
            raise _PdfRefusal("pdf_active_content")
    except _PdfRefusal:
        raise
    except Exception:  # malformed PDFs raise many types, PdfReadError and RecursionError among them
        raise _PdfRefusal("file_damaged") from None
    return pages, content


def _pdf_child() -> None:  # pragma: no cover - runs in the child process started below
    """Entry point of the child: PDF on stdin; `OK <pages>\\n<pdf>` or `NO <code>\\n` on stdout."""
    import resource
    import sys

    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    try:  # belt and braces: the parent kills on the wall clock; this stops a busy child too
        cpu = int(seconds) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    except (ValueError, OSError):
        pass
    data = sys.stdin.buffer.read()
    try:
        pages, content = _sanitise_pdf(data)
    except _PdfRefusal as refusal:
        sys.stdout.buffer.write(b"NO " + refusal.code.encode() + b"\n")
    else:
        sys.stdout.buffer.write(b"OK %d\n" % pages + content)
    sys.stdout.buffer.flush()


def _sanitise_pdf_in_child(data: bytes, seconds: float) -> tuple[int, bytes]:
    """Run _sanitise_pdf in a fresh Python process, killed when `seconds` have passed.

    Why a process: uploads are handled in the request thread, and pypdf's own parsing (xref
    repair, decompression, deeply nested objects) cannot be interrupted from inside Python.
    A thread with `future.result(timeout=...)` would return but leave the work running and
    the worker busy; `signal.setitimer` works only in the main thread (not under threaded
    servers); a forked child inherits database sockets and other threads' locks. A spawned
    interpreter (`subprocess`, not `multiprocessing`, so the parent's main module is not
    re-imported) shares nothing, can be killed for certain, and its crash or memory blow-up
    cannot take the worker down. Its start costs a fraction of a second, once per PDF upload.
    """
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parent.parent)
    code = "import sys; sys.path.insert(0, sys.argv[1]); from applicants.uploads import _pdf_child; _pdf_child()"
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and code, the PDF only on stdin
            [sys.executable, "-I", "-c", code, root, str(seconds)],
            input=data,
            capture_output=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:  # subprocess.run has already killed and reaped the child
        raise _PdfRefusal("pdf_too_complex") from None
    head, _newline, content = done.stdout.partition(b"\n")
    if done.returncode == 0 and head.startswith(b"OK ") and head[3:].isdigit():
        return int(head[3:]), content
    if done.returncode == 0 and head.startswith(b"NO "):
        raise _PdfRefusal(head[3:].decode("ascii", "replace"))
    # Killed for CPU time or memory, or crashed: treat it as unreadable, like a parse error.
    raise _PdfRefusal("pdf_too_complex" if done.returncode < 0 else "file_damaged")


def _pdf_refusal_message(code: str) -> str:
    if code == "pdf_encrypted":
        return _("The PDF is password-protected. Please upload it without a password.")
    if code == "pdf_too_many_pages":
        return _("The PDF has more than %(count)s pages.") % {"count": MAX_PDF_PAGES}
    if code == "pdf_active_content":
        return _("The PDF contains scripts or attachments. Please upload a plain scan.")
    if code == "pdf_too_complex":
        return _("The PDF is too complex to check. Please scan the document again as a plain PDF, or upload a photo.")
    return _("The PDF could not be read; it may be damaged or incomplete. Please scan it again.")


def _process_pdf(data: bytes, name: str) -> ProcessedFile:
    if b"%%EOF" not in data[-2048:]:
        raise _refuse("file_damaged", _pdf_refusal_message("file_damaged"))
    # A cheap first filter only; the parsed check in _sanitise_pdf is what decides.
    for marker in (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA"):
        if marker in data:
            raise _refuse("pdf_active_content", _pdf_refusal_message("pdf_active_content"))
    try:
        pages, content = _sanitise_pdf_in_child(data, float(settings.PDF_PARSE_SECONDS))
    except _PdfRefusal as refusal:
        known = {"pdf_encrypted", "pdf_too_many_pages", "pdf_active_content", "pdf_too_complex"}
        code = refusal.code if refusal.code in known else "file_damaged"
        raise _refuse(code, _pdf_refusal_message(code)) from None
    return ProcessedFile(content=content, content_type="application/pdf", original_name=name, page_count=pages)
