from django.http import FileResponse

from applicants.models import Document

# Photos are shown in <img> tags, where the response's own policy does not apply; opened on
# their own they may show nothing but themselves. PDFs are never rendered in our origin: they
# are downloaded, and a viewer that opens them anyway gets a sandbox with no scripts, forms,
# plugins or same-origin access.
IMAGE_POLICY = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
DOWNLOAD_POLICY = "sandbox; default-src 'none'"

# A document never changes (a replacement is a new document with a new id), so its preview may
# stay in the person's own browser for a week: the documents page then costs a few KB per visit
# on a slow network instead of the full photos. Never in a shared cache ("private").
THUMBNAIL_CACHE = "private, max-age=604800, immutable"


def _serve(stored, *, content_type: str, filename: str, inline: bool, cache: str) -> FileResponse:
    """A stored file for someone already authorised: never sniffed, under a sandbox policy."""
    response = FileResponse(stored.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response["Cache-Control"] = cache
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = IMAGE_POLICY if inline else DOWNLOAD_POLICY
    return response


def private_file_response(document: Document) -> FileResponse:
    """The stored document itself; never cached."""
    return _serve(
        document.file,
        content_type=document.content_type,
        filename=f"{document.kind}{document.extension}",
        inline=document.is_image,
        cache="private, no-store",
    )


def thumbnail_response(document: Document) -> FileResponse:
    """The document's small preview (`services.document_thumbnail_ensure` made it)."""
    return _serve(
        document.thumbnail,
        content_type="image/jpeg",
        filename=f"{document.kind}-preview.jpg",
        inline=True,
        cache=THUMBNAIL_CACHE,
    )
