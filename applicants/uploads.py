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


def _process_pdf(data: bytes, name: str) -> ProcessedFile:
    from pypdf import PdfReader, PdfWriter

    damaged = _("The PDF could not be read; it may be damaged or incomplete. Please scan it again.")
    if b"%%EOF" not in data[-2048:]:
        raise _refuse("file_damaged", damaged)
    for marker in (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA"):
        if marker in data:
            raise _refuse(
                "pdf_active_content", _("The PDF contains scripts or attachments. Please upload a plain scan.")
            )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refuse("pdf_encrypted", _("The PDF is password-protected. Please upload it without a password."))
        pages = len(reader.pages)
        if pages == 0:
            raise _refuse("file_damaged", damaged)
        if pages > MAX_PDF_PAGES:
            raise _refuse("pdf_too_many_pages", _("The PDF has more than %(count)s pages.") % {"count": MAX_PDF_PAGES})
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
    except DomainError:
        raise
    except Exception:  # malformed PDFs raise many types, PdfReadError among them
        raise _refuse("file_damaged", damaged) from None
    return ProcessedFile(content=out.getvalue(), content_type="application/pdf", original_name=name, page_count=pages)
